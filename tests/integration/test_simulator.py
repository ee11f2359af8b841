# SPDX-License-Identifier: Apache-2.0
"""The simulator plays the platform as firmware/PLATFORM-API.md describes it:
sends, their checks in order, authentication, rate limits and templates."""

import json
import re
import time
import unittest

from sim_fixtures import SEED_BODY, TEMPLATES, seed, seed_template
from simlib import API_KEY, APP_ID, DEFAULT_TEMPLATES, SEND_PATH, start_simulator

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def sim_for(test, *args):
    return start_simulator(test, *args, templates=TEMPLATES)


class SendTests(unittest.TestCase):

    def test_seed_example_is_accepted_and_recorded(self):
        sim = sim_for(self)
        r = sim.send(SEED_BODY)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"], "application/json; charset=utf-8")
        result = r.json()
        self.assertEqual(list(result), ["notificationId", "templateKey", "channels", "mode", "title", "tag",
                                        "sentFrom", "createdAt"])
        self.assertRegex(result["notificationId"], r"^notif_[0-9a-f]{24}$")
        self.assertEqual(result["templateKey"], "order-confirmation")
        self.assertEqual(result["channels"], ["in_app", "push"])
        self.assertEqual(result["mode"], "realtime")
        self.assertEqual(result["title"], "Order Confirmed")
        self.assertEqual(result["tag"], "orders")
        self.assertEqual(result["sentFrom"], "api")
        self.assertRegex(result["createdAt"], ISO_MS)

        records = sim.records()
        self.assertEqual(len(records), 1)
        rec = records[0]
        self.assertEqual(rec["notificationId"], result["notificationId"])
        self.assertEqual(rec["receivedAt"], result["createdAt"])
        self.assertEqual(rec["body"], SEED_BODY)
        self.assertEqual(rec["headers"], {"appid": APP_ID, "content-type": "application/json",
                                          "content-length": str(len(json.dumps(SEED_BODY)))})
        self.assertNotIn(API_KEY, sim.record_path.read_text())
        self.assertEqual(sim.stats()["accepted"], 1)

    def test_ids_are_unique(self):
        sim = sim_for(self)
        ids = {sim.send(SEED_BODY).json()["notificationId"] for _ in range(5)}
        self.assertEqual(len(ids), 5)

    def test_batch_by_template_id_without_title_or_tag(self):
        sim = sim_for(self)
        body = {"template": {"id": "tpl_reset", "variables": {"code": "1234", "link": "https://x.test/r"}},
                "targets": ["u-%d" % i for i in range(10000)], "mode": "batch"}
        r = sim.send(body)
        self.assertEqual(r.status, 200, r)
        result = r.json()
        self.assertEqual(result["templateKey"], "password-reset")
        self.assertEqual(result["channels"], ["push", "email"])
        self.assertEqual(result["mode"], "batch")
        self.assertNotIn("title", result)
        self.assertNotIn("tag", result)
        self.assertEqual(len(sim.records()[0]["body"]["targets"]), 10000)

    def test_template_without_variables_needs_none(self):
        sim = sim_for(self)
        body = {"template": {"key": "system-alert"}, "targets": ["ops"], "mode": "realtime"}
        self.assertEqual(sim.send(body).status, 200)

    def test_success_status_and_data_wrapper_are_configurable(self):
        for status in (200, 201, 202):
            with self.subTest(status=status):
                sim = sim_for(self, "--success-status", status, "--wrap-data")
                r = sim.send(SEED_BODY)
                self.assertEqual(r.status, status)
                self.assertEqual(list(r.json()), ["data"])
                self.assertEqual(r.json()["data"]["templateKey"], "order-confirmation")
                sim.stop()

    def test_documented_errors_in_order(self):
        sim = sim_for(self)
        cases = [
            ("not JSON", b"{\"template\": ", 400, "ERR_BAD_REQUEST", {}),
            ("not UTF-8", b"{\"a\": \"\xff\"}", 400, "ERR_BAD_REQUEST", {}),
            ("NaN", b"{\"a\": NaN}", 400, "ERR_BAD_REQUEST", {}),
            ("duplicate key", b"{\"mode\": \"batch\", \"mode\": \"realtime\"}", 400, "ERR_BAD_REQUEST", {}),
            ("not an object", [SEED_BODY], 400, "ERR_BAD_REQUEST", {}),
            ("no template", seed(template=None), 400, "ERR_BAD_REQUEST", {}),
            ("template not object", seed(template="order-confirmation"), 400, "ERR_BAD_REQUEST", {}),
            ("no key or id", seed_template(key=None), 400, "ERR_BAD_REQUEST", {}),
            ("empty key", seed_template(key=""), 400, "ERR_BAD_REQUEST", {}),
            ("no targets", seed(targets=None), 400, "ERR_BAD_REQUEST", {}),
            ("targets a string", seed(targets="user-jane-123"), 400, "ERR_BAD_REQUEST", {}),
            ("empty target", seed(targets=[""]), 400, "ERR_BAD_REQUEST", {}),
            ("number target", seed(targets=[7]), 400, "ERR_BAD_REQUEST", {}),
            ("variables a list", seed_template(variables=["Jane"]), 400, "ERR_BAD_REQUEST", {}),
            ("number variable", seed_template(variables={"customerName": "Jane", "orderId": 7}),
             400, "ERR_BAD_REQUEST", {}),
            ("bad targets before bad mode", seed(targets=[1], mode="later"), 400, "ERR_BAD_REQUEST", {}),
            ("no mode", seed(mode=None), 400, "ERR_INVALID_MODE", {}),
            ("unknown mode", seed(mode="later"), 400, "ERR_INVALID_MODE", {}),
            ("bad mode before unknown template", seed(mode="x", template={"key": "nope"}),
             400, "ERR_INVALID_MODE", {}),
            ("unknown key", seed_template(key="nope"), 404, "ERR_NOT_FOUND", {}),
            ("unknown id", seed(template={"id": "tpl_nope"}), 404, "ERR_NOT_FOUND", {}),
            ("id given as key", seed_template(key="tpl_order"), 404, "ERR_NOT_FOUND", {}),
            ("draft", seed(template={"key": "promo-draft"}), 400, "ERR_TEMPLATE_NOT_APPROVED", {}),
            ("archived", seed(template={"id": "tpl_archived"}), 400, "ERR_TEMPLATE_NOT_APPROVED", {}),
            ("realtime with 2", seed(targets=["a", "b"]), 400, "ERR_TARGET_LIMIT_EXCEEDED", {}),
            ("realtime with 0", seed(targets=[]), 400, "ERR_TARGET_LIMIT_EXCEEDED", {}),
            ("batch with 0", seed(targets=[], mode="batch"), 400, "ERR_TARGET_LIMIT_EXCEEDED", {}),
            ("batch with 10001", seed(targets=["u"] * 10001, mode="batch"), 400, "ERR_TARGET_LIMIT_EXCEEDED", {}),
            ("limit before variables", seed(targets=["a", "b"], template={"key": "order-confirmation"}),
             400, "ERR_TARGET_LIMIT_EXCEEDED", {}),
            ("missing variable", seed_template(variables={"customerName": "Jane"}),
             400, "ERR_INVALID_VARIABLES", {"orderId": "required"}),
            ("no variables", seed_template(variables=None),
             400, "ERR_INVALID_VARIABLES", {"customerName": "required", "orderId": "required"}),
            ("unknown variable", seed_template(variables={"customerName": "J", "orderId": "1", "x": "y"}),
             400, "ERR_INVALID_VARIABLES", {"x": "unknown"}),
            ("missing before unknown", seed_template(variables={"customerName": "J", "x": "y"}),
             400, "ERR_INVALID_VARIABLES", {"orderId": "required"}),
        ]
        for name, body, status, code, details in cases:
            with self.subTest(name):
                if isinstance(body, bytes):
                    r = sim.send(body, headers={"Content-Type": "application/json"})
                else:
                    r = sim.send(body)
                self.assertEqual((r.status, r.error_code()), (status, code), r)
                error = r.json()["error"]
                self.assertEqual(sorted(error), ["code", "details", "devMessage", "message"])
                self.assertIsInstance(error["message"], str)
                self.assertIsInstance(error["devMessage"], str)
                self.assertEqual(error["details"], details)
        self.assertEqual(sim.records(), [])
        self.assertEqual(sim.stats()["accepted"], 0)

    def test_push_data_must_be_an_object_and_is_recorded(self):
        # firmware/PLATFORM-API.md: template.notificationPushData is an optional object.
        sim = sim_for(self)
        push = {"deepLink": "app://orders/1", "priority": "high", "q\"\\": "caf\u00e9\n"}
        r = sim.send(seed_template(notificationPushData=push))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(sim.records()[0]["body"]["template"]["notificationPushData"], push)
        self.assertEqual(sim.send(seed_template(notificationPushData={})).status, 200)
        null = seed()
        null["template"]["notificationPushData"] = None
        bad_mode = seed_template(notificationPushData=[])
        bad_mode["mode"] = "x"
        for name, body in (("a list", seed_template(notificationPushData=[["deepLink", "x"]])),
                           ("a string", seed_template(notificationPushData="deepLink=x")),
                           ("a number", seed_template(notificationPushData=1)),
                           ("null", null),
                           ("before a bad mode", bad_mode),
                           ("a repeated key", b'{"template":{"key":"order-confirmation","variables":'
                            b'{"customerName":"J","orderId":"1"},"notificationPushData":{"a":"1","a":"2"}},'
                            b'"targets":["u"],"mode":"realtime"}')):
            with self.subTest(name):
                if isinstance(body, bytes):
                    r = sim.send(body, headers={"Content-Type": "application/json"})
                else:
                    r = sim.send(body)
                self.assertEqual((r.status, r.error_code()), (400, "ERR_BAD_REQUEST"), r)
        self.assertEqual(len(sim.records()), 2)

    def test_content_type_must_be_json(self):
        sim = sim_for(self)
        body = json.dumps(SEED_BODY)
        for ctype in (None, "text/plain", "application/jsonx"):
            with self.subTest(ctype):
                r = sim.send(body, headers={"Content-Type": ctype} if ctype else {})
                self.assertEqual((r.status, r.error_code()), (400, "ERR_BAD_REQUEST"))
        r = sim.send(body, headers={"Content-Type": "Application/JSON; charset=utf-8"})
        self.assertEqual(r.status, 200)

    def test_authentication(self):
        sim = sim_for(self, "--forbidden-key", "read-only-key")
        cases = [
            ("no headers", {}, 401, "ERR_UNAUTHORIZED"),
            ("no apikey", {"appid": APP_ID}, 401, "ERR_UNAUTHORIZED"),
            ("wrong apikey", {"appid": APP_ID, "apikey": API_KEY + "x"}, 401, "ERR_UNAUTHORIZED"),
            ("no appid", {"apikey": API_KEY}, 401, "ERR_UNAUTHORIZED"),
            ("wrong appid", {"appid": "other-app", "apikey": API_KEY}, 401, "ERR_UNAUTHORIZED"),
            ("forbidden key", {"appid": APP_ID, "apikey": "read-only-key"}, 403, "ERR_FORBIDDEN"),
        ]
        for name, headers, status, code in cases:
            for method, path, body in (("POST", SEND_PATH, SEED_BODY), ("GET", "/api/templates", None)):
                with self.subTest(name, path=path):
                    r = sim.request(method, path, body, headers=headers, auth=False)
                    self.assertEqual((r.status, r.error_code()), (status, code), r)
        self.assertEqual(sim.records(), [])
        self.assertNotIn(API_KEY, sim.log())

    def test_forced_errors(self):
        cases = [("ERR_BAD_REQUEST", 400), ("ERR_INVALID_VARIABLES", 400), ("ERR_TEMPLATE_NOT_APPROVED", 400),
                 ("ERR_TARGET_LIMIT_EXCEEDED", 400), ("ERR_INVALID_MODE", 400), ("ERR_UNAUTHORIZED", 401),
                 ("ERR_FORBIDDEN", 403), ("ERR_NOT_FOUND", 404), ("ERR_TOO_MANY_REQUESTS", 429),
                 ("ERR_INTERNAL", 500), ("ERR_SERVICE_UNAVAILABLE", 503), ("ERR_SOMETHING_NEW", 418),
                 ("ERR_CUSTOM:502", 502)]
        for spec, status in cases:
            with self.subTest(spec):
                sim = sim_for(self, "--force-error", spec)
                r = sim.send(SEED_BODY)
                self.assertEqual((r.status, r.error_code()), (status, spec.split(":")[0]))
                self.assertEqual(r.headers.get("Retry-After"), "1" if status == 429 else None)
                self.assertEqual(sim.records(), [])
                sim.stop()

    def test_unknown_paths_and_methods(self):
        sim = sim_for(self)
        for method, path in (("GET", "/"), ("POST", "/api/notifications/send"), ("GET", SEND_PATH),
                             ("POST", "/api/templates"), ("GET", "/api/templatesx"),
                             ("GET", "/api/templates/tpl_order/extra")):
            with self.subTest(method=method, path=path):
                r = sim.request(method, path, body=b"" if method == "POST" else None)
                self.assertEqual((r.status, r.error_code()), (404, "ERR_NOT_FOUND"), r)

    def test_log_has_one_line_per_request_and_no_api_key(self):
        sim = sim_for(self)
        sim.send(SEED_BODY)
        sim.send(seed(mode="x"))
        sim.request("GET", "/api/templates?page=1&apikey=" + API_KEY)
        lines = [line for line in sim.log().splitlines() if " /" in line]
        self.assertEqual(len(lines), 3, lines)
        self.assertRegex(lines[0], r" POST %s 200$" % SEND_PATH)
        self.assertRegex(lines[1], r" POST %s 400 ERR_INVALID_MODE$" % SEND_PATH)
        self.assertRegex(lines[2], r" GET /api/templates\?page=1&apikey=<redacted> 200$")
        self.assertNotIn(API_KEY, sim.log())


class RateLimitTests(unittest.TestCase):

    def test_limit_then_429_with_headers(self):
        sim = sim_for(self, "--rate-limit", 3, "--rate-window", 60)
        start = time.time()
        for remaining in (2, 1, 0):
            r = sim.send(SEED_BODY)
            self.assertEqual(r.status, 200)
            self.assertEqual(r.headers["X-RateLimit-Limit"], "3")
            self.assertEqual(r.headers["X-RateLimit-Remaining"], str(remaining))
            self.assertIsNone(r.headers["Retry-After"])
        r = sim.send(SEED_BODY)
        self.assertEqual((r.status, r.error_code()), (429, "ERR_TOO_MANY_REQUESTS"))
        self.assertEqual(r.headers["X-RateLimit-Limit"], "3")
        self.assertEqual(r.headers["X-RateLimit-Remaining"], "0")
        reset = int(r.headers["X-RateLimit-Reset"])
        self.assertTrue(start + 59 <= reset <= time.time() + 61, (start, reset))
        self.assertTrue(58 <= int(r.headers["Retry-After"]) <= 60, r.headers["Retry-After"])
        self.assertEqual(sim.request("GET", "/api/templates").status, 429)   # every endpoint counts
        self.assertEqual(len(sim.records()), 3)

    def test_window_reopens(self):
        sim = sim_for(self, "--rate-limit", 1, "--rate-window", 1)
        self.assertEqual(sim.send(SEED_BODY).status, 200)
        r = sim.send(SEED_BODY)
        self.assertEqual(r.status, 429)
        self.assertEqual(r.headers["Retry-After"], "1")      # never 0: rounded up
        time.sleep(1.1)
        self.assertEqual(sim.send(SEED_BODY).status, 200)

    def test_no_headers_without_a_limit(self):
        r = sim_for(self).send(SEED_BODY)
        self.assertIsNone(r.headers["X-RateLimit-Limit"])


class TemplateTests(unittest.TestCase):

    def test_get_by_id_or_key(self):
        sim = sim_for(self)
        for prefix in ("/api/templates/", "/v3/business-messaging/api/templates/"):
            for ref, expected in (("tpl_order", TEMPLATES[0]), ("order-confirmation", TEMPLATES[0]),
                                  ("password-reset", TEMPLATES[1]), ("tpl_draft", TEMPLATES[2])):
                with self.subTest(prefix + ref):
                    r = sim.request("GET", prefix + ref)
                    self.assertEqual(r.status, 200)
                    self.assertEqual(r.json(), {"data": expected})
        r = sim.request("GET", "/api/templates/nope")
        self.assertEqual((r.status, r.error_code()), (404, "ERR_NOT_FOUND"))

    def test_list_pages(self):
        sim = sim_for(self)
        r = sim.request("GET", "/api/templates")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["pagination"], {"page": 1, "limit": 20, "total": 25})
        self.assertEqual(r.json()["data"], TEMPLATES[:20])
        r = sim.request("GET", "/api/templates?page=2")
        self.assertEqual(r.json()["data"], TEMPLATES[20:])
        r = sim.request("GET", "/api/templates?page=3&limit=10")
        self.assertEqual(r.json(), {"data": TEMPLATES[20:], "pagination": {"page": 3, "limit": 10, "total": 25}})
        r = sim.request("GET", "/api/templates?page=9")
        self.assertEqual(r.json()["data"], [])
        for query in ("page=0", "page=x", "limit=0", "limit=101", "limit=-1"):
            with self.subTest(query):
                r = sim.request("GET", "/api/templates?" + query)
                self.assertEqual((r.status, r.error_code()), (400, "ERR_BAD_REQUEST"))

    def test_no_templates(self):
        sim = start_simulator(self, templates=None)
        self.assertEqual(sim.request("GET", "/api/templates").json()["pagination"]["total"], 0)
        self.assertEqual(sim.send(SEED_BODY).status, 404)


class SharedFixtureTests(unittest.TestCase):
    """tests/data/templates.json, which the CLI tests use, is one the
    simulator serves: every approved template takes a send with exactly its
    declared variables, and the others are refused as not approved."""

    def test_every_template_in_the_shared_fixture(self):
        with open(DEFAULT_TEMPLATES, encoding="utf-8") as f:
            templates = json.load(f)["data"]
        sim = start_simulator(self)
        self.assertEqual(sim.request("GET", "/api/templates").json()["data"], templates[:20])
        for tpl in templates:
            key = tpl.get("key") or tpl["templateId"]
            with self.subTest(key):
                variables = {name: "v-" + name for name in tpl.get("variableSchema") or {}}
                r = sim.send({"template": {"key": key, "variables": variables}, "targets": ["u1"],
                              "mode": "realtime"})
                if tpl["status"] == "approved":
                    self.assertEqual(r.status, 200, r)
                    self.assertEqual(r.json()["channels"], tpl["channelIds"])
                else:
                    self.assertEqual(r.error_code(), "ERR_TEMPLATE_NOT_APPROVED")


if __name__ == "__main__":
    unittest.main()
