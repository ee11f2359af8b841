# SPDX-License-Identifier: Apache-2.0
"""The platform as the simulator plays it (firmware/PLATFORM-API.md): templates,
authentication, rate limiting, the send checks in their documented order and
the JSON shapes of success and error.  No sockets here; herald_sim.py carries
requests in and replies out."""

import hmac
import json
import math
import secrets
import threading
import time
import urllib.parse
from datetime import datetime, timezone

SEND_PATH = "/v3/business-messaging/api/notifications/send"
# The reference names template reads relative to the API base; serve both.
TEMPLATE_PATHS = ("/api/templates", "/v3/business-messaging/api/templates")
BATCH_MAX_TARGETS = 10000
LIST_DEFAULT_LIMIT = 20
LIST_MAX_LIMIT = 100

# Documented codes and their statuses, plus made-up ones so that tests can
# check how the agent treats a code or a status it has never heard of.
ERROR_STATUS = {
    "ERR_BAD_REQUEST": 400,
    "ERR_INVALID_VARIABLES": 400,
    "ERR_TEMPLATE_NOT_APPROVED": 400,
    "ERR_TARGET_LIMIT_EXCEEDED": 400,
    "ERR_INVALID_MODE": 400,
    "ERR_UNAUTHORIZED": 401,
    "ERR_FORBIDDEN": 403,
    "ERR_NOT_FOUND": 404,
    "ERR_TOO_MANY_REQUESTS": 429,
    "ERR_INTERNAL": 500,
    "ERR_SERVICE_UNAVAILABLE": 503,
    "ERR_SOMETHING_NEW": 418,
}


def iso_now(now):
    """ISO-8601 UTC with milliseconds, as the platform writes createdAt."""
    dt = datetime.fromtimestamp(now, timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


class Reply:
    """What to answer: a status, a JSON-able body and extra headers.
    record is set when a notification was accepted."""

    def __init__(self, status, body, headers=None, code=None):
        self.status = status
        self.body = body
        self.headers = list(headers or [])
        self.code = code
        self.record = None

    def body_bytes(self):
        if self.body is None:
            return b""
        return json.dumps(self.body, separators=(",", ":")).encode("utf-8")


class ApiError(Exception):
    """A platform error; becomes the documented envelope."""

    def __init__(self, code, message, details=None, dev_message=None, status=None, headers=None):
        super().__init__(message)
        self.code = code
        self.status = status or ERROR_STATUS.get(code, 400)
        self.message = message
        self.dev_message = dev_message or message
        self.details = details or {}
        self.headers = list(headers or [])

    def reply(self):
        body = {"error": {"code": self.code, "message": self.message,
                          "devMessage": self.dev_message, "details": self.details}}
        return Reply(self.status, body, self.headers, code=self.code)


def bad_request(message, details=None):
    return ApiError("ERR_BAD_REQUEST", "Invalid request body", details, dev_message=message)


def template_key(tpl):
    return tpl.get("key") or tpl.get("templateId")


class Templates:
    """The template store, loaded once from a file shaped like the list
    response ({"data": [...]}) or a bare list."""

    def __init__(self, items):
        self.items = list(items)
        self.by_id = {}
        self.by_key = {}
        for tpl in self.items:
            if not isinstance(tpl, dict) or not isinstance(tpl.get("id"), str) \
                    or not isinstance(template_key(tpl), str):
                raise ValueError("every template needs a string id and a key or templateId: %r" % (tpl,))
            self.by_id[tpl["id"]] = tpl
            self.by_key[template_key(tpl)] = tpl

    @classmethod
    def load(cls, path):
        if path is None:
            return cls([])
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        return cls(doc["data"] if isinstance(doc, dict) else doc)

    def find(self, ref):
        """A template by key or by id (used by the read endpoint)."""
        return self.by_key.get(ref) or self.by_id.get(ref)

    def upsert(self, tpl):
        """Add a template or replace the one with its key (test control: the
        platform's templates change between an agent's calls)."""
        fresh = Templates([tpl])
        key = template_key(tpl)
        old = self.by_key.get(key)
        if old is not None:
            self.items[self.items.index(old)] = tpl
            self.by_id.pop(old["id"], None)
        else:
            self.items.append(tpl)
        self.by_key.update(fresh.by_key)
        self.by_id.update(fresh.by_id)


class RateLimiter:
    """A fixed window of `limit` requests per `window` seconds."""

    def __init__(self, limit, window, clock):
        self.limit = limit
        self.window = window
        self.clock = clock
        self.start = None
        self.count = 0
        self.lock = threading.Lock()

    def take(self):
        """Count one request: (allowed, headers to send with the answer)."""
        with self.lock:
            now = self.clock()
            if self.start is None or now >= self.start + self.window:
                self.start, self.count = now, 0
            reset = self.start + self.window
            allowed = self.count < self.limit
            if allowed:
                self.count += 1
            headers = [("X-RateLimit-Limit", str(self.limit)),
                       ("X-RateLimit-Remaining", str(self.limit - self.count)),
                       ("X-RateLimit-Reset", str(math.ceil(reset)))]
            if not allowed:
                headers.append(("Retry-After", str(max(1, math.ceil(reset - now)))))
            return allowed, headers


def _strict_object(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key in object")
    return dict(pairs)


def _reject_constant(name):
    raise ValueError("%s is not JSON" % name)


def parse_json(body):
    """Strict JSON: UTF-8, no NaN/Infinity, no duplicate keys.  The agent's
    writer must never produce those, so the simulator refuses them."""
    try:
        return json.loads(body.decode("utf-8"), object_pairs_hook=_strict_object,
                          parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as e:
        raise bad_request("body is not valid JSON: %s" % e) from None


def check_send(body, templates):
    """Apply the send checks in the documented order; return the template and
    the request, or raise the first ApiError that applies."""
    req = parse_json(body)
    if not isinstance(req, dict):
        raise bad_request("body must be a JSON object")
    ref = req.get("template")
    if not isinstance(ref, dict):
        raise bad_request("template is required and must be an object")
    key, tid = ref.get("key"), ref.get("id")
    for name, value in (("key", key), ("id", tid)):
        if value is not None and (not isinstance(value, str) or not value):
            raise bad_request("template.%s must be a non-empty string" % name)
    if key is None and tid is None:
        raise bad_request("template.key or template.id is required")
    targets = req.get("targets")
    if not isinstance(targets, list) or not all(isinstance(t, str) and t for t in targets):
        raise bad_request("targets must be an array of non-empty strings")
    variables = ref.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise bad_request("template.variables must be an object of strings")
    push = ref.get("notificationPushData", {})
    if not isinstance(push, dict):
        raise bad_request("template.notificationPushData must be an object")
    for name in ("title", "tag"):
        if name in req and not isinstance(req[name], str):
            raise bad_request("%s must be a string" % name)
    mode = req.get("mode")
    if mode not in ("realtime", "batch"):
        raise ApiError("ERR_INVALID_MODE", "Invalid mode",
                       dev_message="mode must be \"realtime\" or \"batch\", got %s" % json.dumps(mode))
    tpl = templates.by_key.get(key) if key is not None else templates.by_id.get(tid)
    if tpl is None:
        raise ApiError("ERR_NOT_FOUND", "Template not found",
                       dev_message="no template with %s %s" % ("key" if key is not None else "id",
                                                               json.dumps(key if key is not None else tid)))
    if tpl.get("status") != "approved":
        raise ApiError("ERR_TEMPLATE_NOT_APPROVED", "Template is not approved",
                       dev_message="template %s has status %s" % (template_key(tpl), json.dumps(tpl.get("status"))))
    if (mode == "realtime" and len(targets) != 1) or \
            (mode == "batch" and not 1 <= len(targets) <= BATCH_MAX_TARGETS):
        raise ApiError("ERR_TARGET_LIMIT_EXCEEDED", "Target limit exceeded",
                       dev_message="%s mode takes %s targets, got %d" % (
                           mode, "exactly 1" if mode == "realtime" else "1 to %d" % BATCH_MAX_TARGETS,
                           len(targets)))
    declared = list((tpl.get("variableSchema") or {}).keys())
    missing = {name: "required" for name in declared if name not in variables}
    unknown = {name: "unknown" for name in variables if name not in declared}
    if missing or unknown:
        details = missing or unknown
        raise ApiError("ERR_INVALID_VARIABLES", "Invalid template variables", details,
                       dev_message="variables %s: %s" % (", ".join(details), next(iter(details.values()))))
    return tpl, req


class Platform:
    """Routes a request, authenticates it and answers it.

    headers is a dict of lower-cased header names.  Thread-safe: the server
    calls handle() from one thread per connection."""

    def __init__(self, templates, app_id, api_key, forbidden_keys=(), success_status=200,
                 wrap_data=False, force_error=None, limiter=None, recorder=None,
                 clock=time.time):
        self.templates = templates
        self.app_id = app_id
        self.api_key = api_key
        self.forbidden_keys = set(forbidden_keys)
        self.success_status = success_status
        self.wrap_data = wrap_data
        self.force_error = force_error      # (code, status) or None
        self.limiter = limiter
        self.recorder = recorder
        self.clock = clock

    def handle(self, method, target, headers, body, fault=None):
        """The reply to one request.  fault names the fault the server will
        apply to the answer; an accepted notification's record keeps it, so
        that a test can tell the duplicates it caused."""
        path, _, query = target.partition("?")
        rate_headers = []
        try:
            if self.limiter:
                allowed, rate_headers = self.limiter.take()
                if not allowed:
                    raise ApiError("ERR_TOO_MANY_REQUESTS", "Too many requests")
            route = self._route(method, path)
            if route is None:
                raise ApiError("ERR_NOT_FOUND", "Not found", dev_message="no route for %s %s" % (method, path))
            self._authenticate(headers)
            reply = route(path, query, headers, body)
        except ApiError as e:
            reply = e.reply()
        reply.headers = rate_headers + reply.headers
        if reply.record is not None:
            if fault:
                reply.record["fault"] = fault
            if self.recorder:
                self.recorder(reply.record)
        return reply

    def _route(self, method, path):
        if path == SEND_PATH:
            return self._send if method == "POST" else None
        for prefix in TEMPLATE_PATHS:
            if method == "GET" and (path == prefix or path.startswith(prefix + "/")):
                return self._templates
        return None

    def _authenticate(self, headers):
        key = headers.get("apikey")
        if not key:
            raise ApiError("ERR_UNAUTHORIZED", "Unauthorized", dev_message="the apikey header is missing")
        if headers.get("appid") != self.app_id:
            raise ApiError("ERR_UNAUTHORIZED", "Unauthorized", dev_message="the appid header does not name this app")
        if key in self.forbidden_keys:
            raise ApiError("ERR_FORBIDDEN", "Forbidden", dev_message="this API key lacks access to the resource")
        if not hmac.compare_digest(key.encode("utf-8", "replace"), self.api_key.encode("utf-8")):
            raise ApiError("ERR_UNAUTHORIZED", "Unauthorized", dev_message="the API key is not valid")

    def _send(self, path, query, headers, body):
        if self.force_error:
            code, status = self.force_error
            extra = [("Retry-After", "1")] if status == 429 else []
            raise ApiError(code, "Forced error %s" % code, status=status, headers=extra,
                           dev_message="the simulator was started with --force-error %s" % code)
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise bad_request("Content-Type must be application/json, got %s" % json.dumps(ctype))
        tpl, req = check_send(body, self.templates)
        now = self.clock()
        result = {"notificationId": "notif_" + secrets.token_hex(12),
                  "templateKey": template_key(tpl),
                  "channels": list(tpl.get("channelIds") or []),
                  "mode": req["mode"]}
        for name in ("title", "tag"):
            if name in req:
                result[name] = req[name]
        result["sentFrom"] = "api"
        result["createdAt"] = iso_now(now)
        reply = Reply(self.success_status, {"data": result} if self.wrap_data else result)
        reply.record = {"notificationId": result["notificationId"], "receivedAt": result["createdAt"],
                        "headers": {name: headers[name] for name in ("appid", "content-length", "content-type",
                                                                     "transfer-encoding") if name in headers},
                        "body": req}
        return reply

    def _templates(self, path, query, headers, body):
        rest = next(path[len(p):] for p in TEMPLATE_PATHS if path == p or path.startswith(p + "/"))
        if rest in ("", "/"):
            return self._list_templates(query)
        ref = urllib.parse.unquote(rest[1:])
        tpl = self.templates.find(ref) if "/" not in ref else None
        if tpl is None:
            raise ApiError("ERR_NOT_FOUND", "Template not found", dev_message="no template %s" % json.dumps(ref))
        return Reply(200, {"data": tpl})

    def _list_templates(self, query):
        args = urllib.parse.parse_qs(query, keep_blank_values=True)

        def number(name, default, top):
            values = args.get(name)
            if not values:
                return default
            text = values[-1]
            if not text.isdigit() or not 1 <= int(text) <= top:
                raise ApiError("ERR_BAD_REQUEST", "Invalid query",
                               dev_message="%s must be an integer from 1 to %d" % (name, top))
            return int(text)

        page = number("page", 1, 10 ** 6)
        limit = number("limit", LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT)
        items = self.templates.items[(page - 1) * limit: page * limit]
        return Reply(200, {"data": items,
                           "pagination": {"page": page, "limit": limit, "total": len(self.templates.items)}})
