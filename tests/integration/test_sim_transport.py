# SPDX-License-Identifier: Apache-2.0
"""The simulator as an HTTP/1.1 and TLS peer: persistent connections, request
framing limits, TLS versions and resumption, and the fault schedule."""

import http.client
import json
import socket
import ssl
import tempfile
import time
import unittest

from sim_fixtures import SEED_BODY, TEMPLATES
from simlib import API_KEY, APP_ID, SEND_PATH, client_context, start_simulator

BODY = json.dumps(SEED_BODY).encode()


def sim_for(test, *args, **kw):
    return start_simulator(test, *args, templates=TEMPLATES, **kw)


def raw_head(path=SEND_PATH, method="POST", extra=""):
    return ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nappid: %s\r\napikey: %s\r\n"
            "Content-Type: application/json\r\n%s" % (method, path, APP_ID, API_KEY, extra)).encode()


def read_response(sock, method="POST"):
    """One response from a raw socket: (status, headers, body)."""
    resp = http.client.HTTPResponse(sock, method=method)
    resp.begin()
    return resp.status, resp.headers, resp.read()


def read_all(sock):
    """Everything until the server closes (a socket timeout fails the test)."""
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


class HttpTests(unittest.TestCase):

    def test_keep_alive_many_requests_on_one_connection(self):
        sim = sim_for(self)
        conn = sim.connection()
        for _ in range(5):
            r = sim.send(SEED_BODY, conn=conn)
            self.assertEqual(r.status, 200)
            self.assertIsNone(r.headers["Connection"])
        self.assertEqual(sim.request("GET", "/api/templates/tpl_order", conn=conn).status, 200)
        conn.close()
        stats = sim.stats()
        self.assertEqual({k: stats[k] for k in ("connections", "handshakes", "requests", "accepted")},
                         {"connections": 1, "handshakes": 1, "requests": 6, "accepted": 5})

    def test_stats_connection_is_not_counted(self):
        sim = sim_for(self)
        self.assertEqual(sim.stats()["connections"], 0)
        self.assertEqual(sim.stats(), {"connections": 0, "handshakes": 0, "handshake_failures": 0,
                                       "resumed": 0, "requests": 0, "accepted": 0, "tls_versions": {},
                                       "faults_pending": 0})

    def test_connection_close_is_honoured(self):
        sim = sim_for(self)
        with sim.tls_connect() as sock:
            sock.sendall(raw_head(extra="Connection: close\r\nContent-Length: %d\r\n\r\n" % len(BODY)) + BODY)
            data = read_all(sock)
        head, _, body = data.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 200 OK\r\n"), head)
        self.assertIn(b"\r\nConnection: close", head)
        self.assertEqual(json.loads(body)["templateKey"], "order-confirmation")

    def test_pipelined_requests_are_answered_in_order(self):
        sim = sim_for(self)
        one = raw_head() + b"Content-Length: %d\r\n\r\n" % len(BODY) + BODY
        with sim.tls_connect() as sock:
            sock.sendall(one + raw_head("/api/templates/nope", "GET", "\r\n") + one)
            statuses = [read_response(sock)[0], read_response(sock, "GET")[0], read_response(sock)[0]]
        self.assertEqual(statuses, [200, 404, 200])

    def test_chunked_request_body(self):
        sim = sim_for(self)
        chunked = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(BODY[i:i + 10]), BODY[i:i + 10])
                           for i in range(0, len(BODY), 10)) + b"0\r\nX-Trailer: 1\r\n\r\n"
        with sim.tls_connect() as sock:
            sock.sendall(raw_head(extra="Transfer-Encoding: chunked\r\n\r\n") + chunked)
            status, _, body = read_response(sock)
        self.assertEqual(status, 200, body)
        self.assertEqual(sim.records()[0]["body"], SEED_BODY)
        self.assertEqual(sim.records()[0]["headers"]["transfer-encoding"], "chunked")

    def test_expect_100_continue(self):
        sim = sim_for(self)
        with sim.tls_connect() as sock:
            sock.sendall(raw_head(extra="Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(BODY)))
            self.assertEqual(sock.recv(100), b"HTTP/1.1 100 Continue\r\n\r\n")
            sock.sendall(BODY)
            self.assertEqual(read_response(sock)[0], 200)

    def test_framing_errors_are_answered_then_closed(self):
        sim = sim_for(self)
        cases = [
            ("no Content-Length", raw_head(extra="\r\n") + BODY, 411),
            ("both framings", raw_head(extra="Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"), 400),
            ("bad Content-Length", raw_head(extra="Content-Length: 1x\r\n\r\n"), 400),
            ("bad chunk size", raw_head(extra="Transfer-Encoding: chunked\r\n\r\nzz\r\n"), 400),
            ("gzip coding", raw_head(extra="Transfer-Encoding: gzip\r\n\r\n"), 501),
            ("body too large", raw_head(extra="Content-Length: 99999999\r\n\r\n"), 413),
            ("header too large", raw_head(extra="X-Big: %s\r\n\r\n" % ("a" * 20000)), 431),
            ("too many headers", raw_head(extra="X-A: 1\r\n" * 101 + "\r\n"), 431),
            ("bad request line", b"POST /x\r\n\r\n", 400),
            ("folded header", raw_head(extra="X-A: 1\r\n  folded\r\n\r\n"), 400),
        ]
        for name, data, status in cases:
            with self.subTest(name), sim.tls_connect() as sock:
                sock.sendall(data)
                answer = read_all(sock)
                self.assertTrue(answer.startswith(b"HTTP/1.1 %d " % status), answer[:80])
                self.assertIn(b"\r\nConnection: close\r\n", answer)
        self.assertEqual(sim.records(), [])

    def test_idle_connection_is_closed(self):
        sim = sim_for(self, "--idle-timeout", 0.3)
        with sim.tls_connect() as sock:
            start = time.monotonic()
            self.assertEqual(read_all(sock), b"")
            self.assertLess(time.monotonic() - start, 3)

    def test_exits_when_its_parent_goes_away(self):
        sim = sim_for(self)
        sim.proc.stdin.close()          # what the OS does when the test process dies
        self.assertEqual(sim.proc.wait(5), 0)


class TlsTests(unittest.TestCase):

    def test_plain_http_is_refused_by_the_tls_server(self):
        sim = sim_for(self)
        conn = http.client.HTTPConnection(sim.host, sim.port, timeout=5)
        with self.assertRaises((http.client.HTTPException, ConnectionError)):
            conn.request("POST", SEND_PATH, BODY, sim.auth_headers())
            conn.getresponse()
        conn.close()
        stats = sim.wait_stats(handshake_failures=1)
        self.assertEqual((stats["handshake_failures"], stats["handshakes"], stats["requests"]), (1, 0, 0))
        self.assertEqual(sim.records(), [])

    def test_plain_mode_serves_http_and_refuses_tls(self):
        sim = sim_for(self, tls=False)
        self.assertTrue(sim.base_url.startswith("http://"))
        self.assertEqual(sim.send(SEED_BODY).status, 200)
        with self.assertRaises(ssl.SSLError):
            sim.tls_connect()

    def test_each_tls_version_alone(self):
        for only, other in (("1.2", "1.3"), ("1.3", "1.2")):
            with self.subTest(only=only):
                version = getattr(ssl.TLSVersion, "TLSv1_" + only[-1])
                refused = getattr(ssl.TLSVersion, "TLSv1_" + other[-1])
                sim = sim_for(self, "--tls-min", only, "--tls-max", only)
                with sim.tls_connect() as sock:
                    self.assertEqual(sock.version(), "TLSv" + only)
                with self.assertRaises(ssl.SSLError):
                    sim.tls_connect(context=client_context(minimum=refused, maximum=refused))
                self.assertEqual(sim.send(SEED_BODY, conn=sim.connection(
                    context=client_context(minimum=version, maximum=version))).status, 200)
                stats = sim.wait_stats(handshake_failures=1)
                self.assertEqual(stats["tls_versions"], {"TLSv" + only: 2})
                self.assertEqual(stats["handshake_failures"], 1)
                sim.stop()

    def _resume(self, sim, version):
        ctx = client_context(minimum=version, maximum=version)
        with sim.tls_connect(context=ctx) as sock:
            sock.sendall(raw_head("/api/templates/tpl_order", "GET", "\r\n"))
            self.assertEqual(read_response(sock, "GET")[0], 200)   # TLS 1.3 tickets arrive with data
            session = sock.session
        with sim.tls_connect(context=ctx, session=session) as sock:
            return sock.session_reused

    def test_session_resumption(self):
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            with self.subTest(version=version.name):
                sim = sim_for(self)
                self.assertTrue(self._resume(sim, version))
                stats = sim.stats()
                self.assertEqual((stats["handshakes"], stats["resumed"]), (2, 1))
                sim.stop()

    def test_no_tickets_means_no_tls13_resumption(self):
        sim = sim_for(self, "--no-tickets")
        self.assertFalse(self._resume(sim, ssl.TLSVersion.TLSv1_3))
        self.assertEqual(sim.stats()["resumed"], 0)


class FaultTests(unittest.TestCase):

    def send(self, sim, timeout=5.0):
        return sim.send(SEED_BODY, conn=sim.connection(timeout=timeout))

    def test_schedule_from_file_in_order_then_normal(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            json.dump([{"fault": "status", "status": 500, "repeat": 2}, "ok", None,
                       {"fault": "status", "status": 502, "code": "ERR_BAD_GATEWAY"}], f)
            f.flush()
            sim = sim_for(self, "--faults", f.name)
            self.assertEqual(sim.stats()["faults_pending"], 5)
            self.assertEqual(sim.request("GET", "/api/templates").status, 200)   # sends only
            statuses = [self.send(sim).status for _ in range(6)]
        self.assertEqual(statuses, [500, 500, 200, 200, 502, 200])
        self.assertEqual(len(sim.records()), 3)
        self.assertEqual(sim.stats()["faults_pending"], 0)

    def test_status_faults_carry_error_and_retry_after(self):
        sim = sim_for(self, "--rate-limit", 100)
        sim.set_faults([{"fault": "status", "status": 429, "code": "ERR_TOO_MANY_REQUESTS", "retryAfter": 7},
                        {"fault": "status", "headers": {"X-Extra": "1"}, "accept": True}])
        r = self.send(sim)
        self.assertEqual((r.status, r.error_code(), r.headers["Retry-After"]), (429, "ERR_TOO_MANY_REQUESTS", "7"))
        self.assertIsNone(r.headers["X-RateLimit-Limit"])     # the platform never saw it
        self.assertEqual(sim.records(), [])
        r = self.send(sim)
        self.assertEqual((r.status, r.error_code(), r.headers["X-Extra"]), (503, "ERR_INTERNAL", "1"))
        self.assertEqual(r.headers["X-RateLimit-Remaining"], "99")
        self.assertIsNone(r.headers["Retry-After"])
        self.assertEqual(len(sim.records()), 1)               # accepted, then answered 503

    def test_close_before_answering(self):
        sim = sim_for(self)
        sim.set_faults(["close", {"fault": "close", "accept": True}])
        for _ in range(2):
            with self.assertRaises(http.client.RemoteDisconnected):
                self.send(sim)
        self.assertEqual(len(sim.records()), 1)     # the second was accepted, its answer lost
        self.assertEqual(self.send(sim).status, 200)

    def test_reset_before_answering(self):
        sim = sim_for(self)
        sim.set_faults(["reset"])
        with self.assertRaises(ConnectionResetError):
            self.send(sim)
        self.assertEqual(sim.records(), [])

    def test_reset_mid_response(self):
        sim = sim_for(self)
        sim.set_faults(["reset-mid"])
        with self.assertRaises((ConnectionResetError, http.client.IncompleteRead)):
            self.send(sim)
        self.assertEqual(len(sim.records()), 1)

    def test_stall(self):
        sim = sim_for(self)
        sim.set_faults([{"fault": "stall", "seconds": 0.5}, {"fault": "stall", "seconds": 5}])
        start = time.monotonic()
        self.assertEqual(self.send(sim).status, 200)
        self.assertGreaterEqual(time.monotonic() - start, 0.5)
        with self.assertRaises(socket.timeout):
            self.send(sim, timeout=0.5)

    def test_truncated_chunked_body(self):
        sim = sim_for(self)
        sim.set_faults(["truncated-chunked"])
        with self.assertRaises(http.client.IncompleteRead):
            self.send(sim)
        self.assertEqual(len(sim.records()), 1)

    def test_garbage(self):
        sim = sim_for(self)
        sim.set_faults(["garbage", {"fault": "garbage", "bytes": "HTTP/1.1 2000 Huh\r\n\r\n"}])
        for _ in range(2):
            with self.assertRaises(http.client.BadStatusLine):
                self.send(sim)
        self.assertEqual(sim.records(), [])

    def test_answers_framed_other_ways(self):
        sim = sim_for(self)
        sim.set_faults([{"fault": "chunked", "size": 5}, {"fault": "drip", "size": 3, "delay": 0.001},
                        "interim", "close-delimited"])
        for kind in ("chunked", "drip", "interim", "close-delimited"):
            with self.subTest(kind):
                r = self.send(sim)
                self.assertEqual(r.status, 200)
                self.assertEqual(r.json()["templateKey"], "order-confirmation")
                self.assertEqual(r.headers["Transfer-Encoding"], "chunked" if kind == "chunked" else None)
                if kind in ("chunked", "close-delimited"):
                    self.assertIsNone(r.headers["Content-Length"])
        self.assertEqual(len(sim.records()), 4)

    def test_chunked_answer_keeps_the_connection(self):
        sim = sim_for(self)
        sim.set_faults(["chunked"])
        conn = sim.connection()
        self.assertEqual([sim.send(SEED_BODY, conn=conn).status for _ in range(2)], [200, 200])
        conn.close()
        self.assertEqual(sim.stats()["connections"], 1)

    def test_bad_schedules_are_refused(self):
        sim = sim_for(self)
        for entries in ({"fault": "close"}, ["explode"], [{"fault": "close", "repeat": 0}]):
            with self.subTest(entries):
                r = sim.request("POST", "/_sim/faults", entries, auth=False)
                self.assertEqual((r.status, r.error_code()), (400, "ERR_BAD_REQUEST"))
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            f.write("[\"explode\"]")
            f.flush()
            with self.assertRaises(RuntimeError):
                sim_for(self, "--faults", f.name)


if __name__ == "__main__":
    unittest.main()
