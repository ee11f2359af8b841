#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""herald-sim: the notification platform on loopback, for Herald's tests.

A TLS (or, with --plain, plain) HTTP/1.1 server with persistent connections
that answers the one-call send API and the template reads as described in
firmware/PLATFORM-API.md (the rules live in sim_api.py).  It records every
accepted notification, counts connections, handshakes and resumptions, and
can be told to misbehave, request by request, from a fault schedule.

Test-only endpoints (no authentication, not counted in the stats):
  GET  /_sim/stats    {"connections", "handshakes", "handshake_failures",
                       "resumed", "requests", "accepted", "tls_versions",
                       "faults_pending"}
  POST /_sim/faults   replace the fault schedule with the JSON list in the body
  PUT  /_sim/templates add a template, or replace the one with its key

A connection whose first request is a /_sim/ one is left out of the counts, so
that reading the stats does not change them.

Fault schedule (--faults FILE or POST /_sim/faults): a JSON list applied in
order, one entry per send request; once used up, sends are answered normally.
An entry is null or "ok" (answer normally), a kind name, or an object
{"fault": kind, "repeat": n, "accept": bool, ...}.  Kinds:
  close              close without answering (TLS close_notify, then FIN)
  reset              abort the connection (TCP RST) without answering
  stall              wait "seconds" (default 30), then answer normally
  status             answer "status" (default 503) with the error envelope of
                     "code" (default ERR_INTERNAL), "retryAfter" seconds if
                     given, and "headers" ({name: value}) if given
  garbage            send "bytes" (default non-HTTP junk) and close
  tls-alert          fail the TLS session: write a fatal alert record
                     (internal_error) straight onto the TCP stream, then FIN
                     with no close_notify.  Python's ssl cannot send an alert
                     of its choosing inside the session, so the alert goes out
                     unprotected; the client's TLS stack fails the session on
                     it as on any fatal alert (Mbed TLS: a record it cannot
                     authenticate).  Over --plain it is just bytes and a FIN.
  reset-mid          send the first half of the normal answer, then reset
  truncated-chunked  send the normal answer chunked, stop inside a chunk, close
  chunked            send the normal answer with chunked transfer coding in
                     pieces of "size" bytes (default 7)
  drip               send the normal answer "size" bytes (default 1) at a
                     time, "delay" seconds apart (default 0.005)
  interim            send "HTTP/1.1 100 Continue" before the normal answer
  close-delimited    send the normal answer without Content-Length and close
  huge-headers, huge-body, endless-chunked, early
                     hostile answers: a head or a body longer than the
                     agent's buffers, a chunked body that never ends, an
                     answer sent before the request is read (sim_hostile.py
                     has their options)
"accept" says whether the platform processes (and records) the request
before the fault acts: it is always true for the kinds that send the normal
answer, and defaults to false for close, reset, status, garbage and tls-alert
(set it to true to model "accepted, but the answer was lost").  The record of
a notification accepted under a fault names it ("fault": kind), so that a
test can tell which duplicates a lost answer caused.  The hostile kinds never
process the request, but "answer" does unless "accept" is false.
--fail-title TITLE answers 500 to every send with that title (not processed),
to model one notification the platform keeps failing while it takes others.
"""

import argparse
import json
import os
import signal
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
import warnings
from http import HTTPStatus

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sim_api  # noqa: E402
import sim_hostile  # noqa: E402
from sim_http import HttpError, chunk_body, read_request, response_head  # noqa: E402

HANDSHAKE_TIMEOUT_S = 10.0
LINGER_S = 1.0

# 1.0 and 1.1 are there to check that the agent refuses them.
TLS_VERSIONS = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
                "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}
SENDS_NORMAL_ANSWER = {"stall", "reset-mid", "truncated-chunked", "chunked", "drip", "interim",
                       "close-delimited"}
FAULT_KINDS = SENDS_NORMAL_ANSWER | {"close", "reset", "status", "garbage", "tls-alert"} | sim_hostile.KINDS
# A fatal alert record: type 21, TLS 1.2 on the record layer, length 2,
# level fatal (2), description internal_error (80).
TLS_FATAL_ALERT = b"\x15\x03\x03\x00\x02\x02\x50"


def log(msg):
    sys.stderr.write("herald-sim: %s\n" % msg)
    sys.stderr.flush()


# ---------------------------------------------------------------- statistics

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {"connections": 0, "handshakes": 0, "handshake_failures": 0, "resumed": 0,
                       "requests": 0, "accepted": 0}
        self.tls_versions = {}

    def add(self, name, n=1):
        with self.lock:
            self.counts[name] += n

    def add_version(self, version, n=1):
        with self.lock:
            self.tls_versions[version] = self.tls_versions.get(version, 0) + n

    def snapshot(self):
        with self.lock:
            return dict(self.counts, tls_versions={v: n for v, n in self.tls_versions.items() if n})


# ---------------------------------------------------------------- faults

def parse_fault(entry):
    """One schedule entry as a dict with "fault", or None for a normal answer."""
    if entry is None or entry == "ok":
        return None
    if isinstance(entry, str):
        entry = {"fault": entry}
    if not isinstance(entry, dict) or entry.get("fault") not in FAULT_KINDS:
        raise ValueError("bad fault entry %r (kinds: %s)" % (entry, ", ".join(sorted(FAULT_KINDS))))
    fault = dict(entry)
    if fault["fault"] in SENDS_NORMAL_ANSWER:
        fault["accept"] = True
    if fault["fault"] in sim_hostile.ACCEPTING:
        fault.setdefault("accept", True)
    elif fault["fault"] in sim_hostile.KINDS:
        sim_hostile.validate(fault)
        fault["accept"] = False
    fault.setdefault("accept", False)
    return fault


class FaultSchedule:
    def __init__(self, entries=()):
        self.lock = threading.Lock()
        self.pending = []
        self.replace(entries)

    def replace(self, entries):
        if not isinstance(entries, list):
            raise ValueError("a fault schedule is a JSON list")
        expanded = []
        for entry in entries:
            repeat = entry.get("repeat", 1) if isinstance(entry, dict) else 1
            if not isinstance(repeat, int) or repeat < 1:
                raise ValueError("repeat must be a positive integer: %r" % (entry,))
            expanded += [parse_fault(entry)] * repeat
        with self.lock:
            self.pending = expanded

    def next(self):
        with self.lock:
            return self.pending.pop(0) if self.pending else None

    def count(self):
        with self.lock:
            return len(self.pending)

    def take(self, kind):
        """The head entry when it is a fault of this kind (consumed), else None."""
        with self.lock:
            if self.pending and self.pending[0] and self.pending[0]["fault"] == kind:
                return self.pending.pop(0)
        return None


# ---------------------------------------------------------------- connections

def frame(reply, kind, fault, close):
    """The reply as bytes on the wire, framed as the fault kind asks."""
    body = reply.body_bytes()
    json_type = ("Content-Type", "application/json; charset=utf-8")
    if kind in ("chunked", "truncated-chunked"):
        return response_head(reply.status, reply.headers + [json_type, ("Transfer-Encoding", "chunked")],
                             None, close) + chunk_body(body, int(fault.get("size", 7)))
    if kind == "close-delimited":
        return response_head(reply.status, reply.headers + [json_type], None, True) + body
    data = response_head(reply.status, reply.headers, len(body), close) + body
    return b"HTTP/1.1 100 Continue\r\n\r\n" + data if kind == "interim" else data


class Connection:
    """One client connection: TLS handshake, then requests until close."""

    def __init__(self, server, sock, peer):
        self.server = server
        self.sock = sock
        self.peer = "%s:%d" % peer[:2]
        self.rfile = None
        self.version = None             # the negotiated TLS version
        self.counted = {}               # what this connection added to the stats
        self.first = True

    def count(self, name, n=1):
        self.server.stats.add(name, n)
        self.counted[name] = self.counted.get(name, 0) + n

    def run(self):
        self.count("connections")
        try:
            # Small writes (tickets, answers) must not wait for delayed ACKs.
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.server.tls_context and not self.handshake():
                return
            self.sock.settimeout(self.server.idle_timeout)
            if not self.server.tls_context and self.sock.recv(1, socket.MSG_PEEK) == b"\x16":
                # A TLS ClientHello may hold no line end: answer now rather
                # than leave the client waiting for the idle timeout.
                self.refuse(HttpError(400, "TLS handshake sent to a plain HTTP server"))
                return
            self.rfile = self.sock.makefile("rb")
            while self.serve_one(self.rfile):
                pass
        except (OSError, EOFError):
            pass                        # the peer went away: nothing to answer
        finally:
            self.close()

    def handshake(self):
        self.sock.settimeout(HANDSHAKE_TIMEOUT_S)
        try:
            self.sock = self.server.tls_context.wrap_socket(self.sock, server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.count("handshake_failures")
            log("%s tls handshake failed: %s" % (self.peer, getattr(e, "reason", None) or e))
            return False
        self.count("handshakes")
        if self.sock.session_reused:
            self.count("resumed")
        self.version = self.sock.version()
        self.server.stats.add_version(self.version)
        return True

    def serve_one(self, rfile):
        """Read and answer one request; False when the connection must end."""
        early = self.server.faults.take("early")
        if early:
            sim_hostile.answer(self, "early", early)
            return False
        try:
            req = read_request(rfile, lambda: self.send(b"HTTP/1.1 100 Continue\r\n\r\n"))
        except HttpError as e:
            self.refuse(e)
            return False
        if req is None:
            return False
        if self.first and req.target.startswith("/_sim/"):
            self.uncount()
        self.first = False
        if req.target.startswith("/_sim/"):
            reply = self.control(req)
            close = not req.keep_alive()
            self.answer(reply, close)
            return not close
        self.server.stats.add("requests")
        path = req.target.partition("?")[0]
        fault = self.server.faults.next() if path == sim_api.SEND_PATH else None
        if fault is None and path == sim_api.SEND_PATH and self.poisoned(req):
            fault = parse_fault({"fault": "status", "status": 500, "code": "ERR_INTERNAL",
                                 "message": "fails for this notification only"})
        return self.serve_api(req, fault)

    def poisoned(self, req):
        """--fail-title: this send's title is the one that always fails."""
        title = getattr(self.server, "fail_title", None)
        if title is None:
            return False
        try:
            return json.loads(req.body.decode("utf-8")).get("title") == title
        except (ValueError, AttributeError):
            return False

    def serve_api(self, req, fault):
        kind = fault["fault"] if fault else None
        if kind == "stall":
            time.sleep(float(fault.get("seconds", 30)))
        reply = None
        if not fault or fault["accept"]:
            reply = self.server.platform.handle(req.method, req.target, req.headers, req.body, kind)
            if reply.record is not None:
                self.server.stats.add("accepted")
        self.log_request(req, reply, kind)
        if kind == "answer":
            self.send(sim_hostile.spelled_answer(fault))
            return req.keep_alive()          # the client decides whether it can go on
        if kind in sim_hostile.KINDS:
            sim_hostile.answer(self, kind, fault)
            return False
        if kind in ("close", "reset"):
            self.close(reset=kind == "reset")
            return False
        if kind == "tls-alert":
            self.close(raw=TLS_FATAL_ALERT)
            return False
        if kind == "garbage":
            self.send(fault.get("bytes", "\x16garbage\x00\xff not http at all\r\n\r\n").encode("latin-1"))
            return False
        if kind == "status":
            reply = self.fault_reply(fault, reply)
        close = not req.keep_alive() or kind == "close-delimited"
        data = frame(reply, kind, fault, close)
        if kind == "reset-mid":
            self.send(data[:len(data) // 2])
            self.close(reset=True)
            return False
        if kind == "truncated-chunked":
            self.send(data[:data.index(b"\r\n\r\n") + 4 + 6])    # a size line and a bit of its chunk
            self.close()
            return False
        if kind == "drip":
            size, delay = int(fault.get("size", 1)), float(fault.get("delay", 0.005))
            for i in range(0, len(data), size):
                self.send(data[i:i + size])
                time.sleep(delay)
        else:
            self.send(data)
        return not close

    def refuse(self, e):
        """Answer a request that could not be read; the caller then closes."""
        self.server.stats.add("requests")
        log("%s bad request -> %d (%s)" % (self.peer, e.status, e))
        self.answer(sim_api.ApiError("ERR_BAD_REQUEST", HTTPStatus(e.status).phrase, dev_message=str(e),
                                     status=e.status).reply(), close=True)

    @staticmethod
    def fault_reply(fault, processed):
        status = int(fault.get("status", 503))
        code = fault.get("code", "ERR_INTERNAL")
        headers = [(str(k), str(v)) for k, v in (fault.get("headers") or {}).items()]
        if "retryAfter" in fault:
            headers.append(("Retry-After", str(fault["retryAfter"])))
        reply = sim_api.ApiError(code, fault.get("message", "Simulated fault"), status=status,
                                 headers=headers).reply()
        if processed is not None:                # keep the rate-limit headers
            reply.headers = [h for h in processed.headers if h[0].startswith("X-RateLimit")] + reply.headers
        return reply

    def control(self, req):
        path = req.target.partition("?")[0]
        if req.method == "GET" and path == "/_sim/stats":
            stats = self.server.stats.snapshot()
            stats["faults_pending"] = self.server.faults.count()
            return sim_api.Reply(200, stats)
        if req.method == "POST" and path == "/_sim/faults":
            try:
                self.server.faults.replace(json.loads(req.body.decode("utf-8")))
            except (ValueError, UnicodeDecodeError) as e:
                return sim_api.ApiError("ERR_BAD_REQUEST", "Bad fault schedule", dev_message=str(e)).reply()
            return sim_api.Reply(200, {"faults_pending": self.server.faults.count()})
        if req.method == "PUT" and path == "/_sim/templates":
            try:
                self.server.platform.templates.upsert(json.loads(req.body.decode("utf-8")))
            except (ValueError, UnicodeDecodeError, AttributeError) as e:
                return sim_api.ApiError("ERR_BAD_REQUEST", "Bad template", dev_message=str(e)).reply()
            return sim_api.Reply(200, {"templates": len(self.server.platform.templates.items)})
        return sim_api.ApiError("ERR_NOT_FOUND", "Not found").reply()

    def uncount(self):
        """Leave a control connection out of the stats."""
        for name, n in self.counted.items():
            self.server.stats.add(name, -n)
        if self.counted.get("handshakes"):
            self.server.stats.add_version(self.version, -1)
        self.counted = {}

    def log_request(self, req, reply, kind):
        path, _, query = req.target.partition("?")
        if query:
            query = "&".join("apikey=<redacted>" if p.lower().startswith("apikey=") else p
                             for p in query.split("&"))
            path += "?" + query
        status = "%d %s" % (reply.status, reply.code or "") if reply else "-"
        log("%s %s %s %s%s" % (self.peer, req.method, path, status.strip(),
                                " [fault %s]" % kind if kind else ""))

    def answer(self, reply, close):
        body = reply.body_bytes()
        self.send(response_head(reply.status, reply.headers, len(body), close) + body)

    def send(self, data):
        self.sock.sendall(data)

    def close(self, reset=False, raw=None):
        """Close the connection: an abortive RST, or a TLS close_notify and a
        FIN followed by reading what the peer still sends, so that unread
        request bytes do not turn our FIN into a RST that eats the answer.
        With raw, those bytes go onto the TCP stream instead of close_notify."""
        sock, self.sock = self.sock, None
        if sock is None:
            return
        if self.rfile:
            self.rfile.close()          # the socket only really closes with its file
        try:
            if reset:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                if raw is not None:
                    # Under the TLS layer: the SSL object is dropped, not shut down.
                    socket.socket.sendall(sock, raw)
                elif isinstance(sock, ssl.SSLSocket):
                    sock.setblocking(False)
                    try:
                        sock.unwrap()
                    except (ssl.SSLError, OSError, ValueError):
                        pass
                sock.settimeout(LINGER_S)
                sock.shutdown(socket.SHUT_WR)
                deadline = time.monotonic() + LINGER_S
                while time.monotonic() < deadline and sock.recv(4096):
                    pass
        except OSError:
            pass
        finally:
            sock.close()


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, addr, platform, tls_context, faults, idle_timeout):
        self.platform = platform
        self.tls_context = tls_context
        self.faults = faults
        self.idle_timeout = idle_timeout
        self.stats = Stats()
        super().__init__(addr, None)

    def finish_request(self, request, client_address):
        Connection(self, request, client_address).run()

    def shutdown_request(self, request):
        pass                            # Connection.run() closes its own socket


# ---------------------------------------------------------------- main

def tls_context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)     # TLS 1.0 and 1.1, on purpose
        ctx.minimum_version = TLS_VERSIONS[args.tls_min]
        ctx.maximum_version = TLS_VERSIONS[args.tls_max]
    if TLS_VERSIONS[args.tls_min] < ssl.TLSVersion.TLSv1_2 and not args.ciphers:
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")      # OpenSSL 3 refuses TLS < 1.2 at its default level
    if args.ciphers:
        ctx.set_ciphers(args.ciphers)
    if args.tickets:
        ctx.num_tickets = max(ctx.num_tickets, 1)   # TLS 1.3 resumption needs tickets
    else:
        ctx.options |= ssl.OP_NO_TICKET
        ctx.num_tickets = 0
    return ctx


class Recorder:
    def __init__(self, path):
        self.lock = threading.Lock()
        self.file = open(path, "a", encoding="utf-8") if path else None

    def __call__(self, record):
        if self.file:
            with self.lock:
                self.file.write(json.dumps(record, separators=(",", ":")) + "\n")
                self.file.flush()


def parse_args(argv):
    p = argparse.ArgumentParser(prog="herald-sim", description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--cert", help="server certificate (PEM), needed unless --plain")
    p.add_argument("--key", help="server private key (PEM), needed unless --plain")
    p.add_argument("--plain", action="store_true", help="plain HTTP, no TLS")
    p.add_argument("--tls-min", choices=TLS_VERSIONS, default="1.2")
    p.add_argument("--tls-max", choices=TLS_VERSIONS, default="1.3")
    p.add_argument("--ciphers", help="OpenSSL cipher list for TLS 1.2")
    p.add_argument("--tickets", dest="tickets", action="store_true", default=True,
                   help="issue session tickets (the default)")
    p.add_argument("--no-tickets", dest="tickets", action="store_false")
    p.add_argument("--templates", help="templates JSON ({\"data\": [...]} or a list)")
    p.add_argument("--record", help="append one JSON line per accepted notification")
    p.add_argument("--app-id", default="herald-test-app")
    p.add_argument("--api-key", default="herald-test-key")
    p.add_argument("--forbidden-key", action="append", default=[],
                   help="a key that authenticates but lacks access (403); repeatable")
    p.add_argument("--rate-limit", type=int, help="requests allowed per window")
    p.add_argument("--rate-window", type=float, default=60.0, help="rate window in seconds")
    p.add_argument("--success-status", type=int, choices=(200, 201, 202), default=200)
    p.add_argument("--wrap-data", action="store_true", help="wrap the send result in {\"data\": ...}")
    p.add_argument("--force-error", metavar="CODE[:STATUS]",
                   help="answer every send with this error (%s)" % ", ".join(sim_api.ERROR_STATUS))
    p.add_argument("--faults", help="JSON fault schedule file (see the module doc)")
    p.add_argument("--fail-title", metavar="TITLE",
                   help="answer 500 ERR_INTERNAL to every send with this title (and process none of them), "
                        "while the others are answered as usual")
    p.add_argument("--idle-timeout", type=float, default=30.0, help="seconds a kept-alive connection may idle")
    p.add_argument("--stop-on-eof", action="store_true", help="exit when stdin reaches EOF (parent died)")
    args = p.parse_args(argv)
    if not args.plain and not (args.cert and args.key):
        p.error("--cert and --key are needed unless --plain")
    if TLS_VERSIONS[args.tls_min] > TLS_VERSIONS[args.tls_max]:
        p.error("--tls-min is above --tls-max")
    if args.rate_limit is not None and (args.rate_limit < 1 or args.rate_window <= 0):
        p.error("--rate-limit and --rate-window must be positive")
    if args.force_error:
        code, _, status = args.force_error.partition(":")
        if not status and code not in sim_api.ERROR_STATUS:
            p.error("unknown --force-error %s: give CODE:STATUS" % code)
        if status and not status.isdigit():
            p.error("--force-error STATUS must be a number")
        args.force_error = (code, int(status) if status else sim_api.ERROR_STATUS[code])
    return args


def wait_for_eof(stop):
    # Raw reads: a buffered stdin held by a daemon thread breaks interpreter exit.
    while os.read(0, 4096):
        pass
    stop.set()


def main(argv=None):
    args = parse_args(argv)
    try:
        templates = sim_api.Templates.load(args.templates)
        schedule = []
        if args.faults:
            with open(args.faults, encoding="utf-8") as f:
                schedule = json.load(f)
        faults = FaultSchedule(schedule)
        ctx = None if args.plain else tls_context(args)
        recorder = Recorder(args.record)
    except (OSError, ValueError, KeyError, ssl.SSLError) as e:
        log("cannot start: %s" % e)
        return 2
    limiter = sim_api.RateLimiter(args.rate_limit, args.rate_window, time.time) if args.rate_limit else None
    platform = sim_api.Platform(templates, args.app_id, args.api_key, args.forbidden_key,
                                args.success_status, args.wrap_data, args.force_error, limiter, recorder)
    server = Server((args.host, args.port), platform, ctx, faults, args.idle_timeout)
    server.fail_title = args.fail_title
    port = server.server_address[1]
    print("herald-sim listening on %s://%s:%d" % ("http" if args.plain else "https", args.host, port), flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.stop_on_eof:
        threading.Thread(target=wait_for_eof, args=(stop,), daemon=True).start()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    while not stop.wait(1.0):
        pass
    server.shutdown()
    server.server_close()
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
