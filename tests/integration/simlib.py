# SPDX-License-Identifier: Apache-2.0
"""Shared helpers for Herald's integration tests: where the build, the CLI and
the dev certificates are, the platform simulator as a subprocess, and small
HTTPS clients that trust the dev CA.

    sim = start_simulator(self, "--rate-limit", "3")   # stopped at test cleanup
    r = sim.send(SEED_BODY)
    self.assertEqual(r.status, 200)
    self.assertEqual(len(sim.records()), 1)
"""

import http.client
import json
import os
import select
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SIM = REPO / "tools" / "sim" / "herald_sim.py"
DEVCERTS = REPO / "tools" / "scripts" / "devcerts.sh"
DEFAULT_TEMPLATES = REPO / "tests" / "data" / "templates.json"
SEND_PATH = "/v3/business-messaging/api/notifications/send"
APP_ID = "herald-test-app"
API_KEY = "herald-test-key"
START_TIMEOUT_S = 10.0


def build_dir():
    """The build folder given to run.py (HERALD_BUILD), default ./build."""
    return Path(os.environ.get("HERALD_BUILD", "build")).resolve()


def herald_cli():
    return build_dir() / "native" / "bin" / "herald"


def certs_dir():
    """The dev certificates in $HERALD_BUILD/certs, made on first use."""
    out = build_dir() / "certs"
    if not (out / ".done").exists():
        subprocess.run(["sh", str(DEVCERTS), str(out)], check=True, stdout=subprocess.DEVNULL)
    return out


def optional(reason):
    """Mark a test (method or class) whose skip is allowed: run.py counts any
    other skip as a failure."""
    def mark(obj):
        obj.__herald_optional__ = reason
        return obj
    return mark


def client_context(ca="ca.pem", minimum=None, maximum=None):
    """A verifying TLS client context trusting one of the dev CAs."""
    ctx = ssl.create_default_context(cafile=str(certs_dir() / ca))
    if minimum:
        ctx.minimum_version = minimum
    if maximum:
        ctx.maximum_version = maximum
    return ctx


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers          # http.client.HTTPMessage (case-insensitive)
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def error_code(self):
        return self.json()["error"]["code"]

    def __repr__(self):
        return "<Response %d %r>" % (self.status, self.body[:200])


class Simulator:
    """herald_sim.py as a subprocess on a free loopback port.

    args are extra command-line options.  templates is a path, a list of
    template objects (written to a file), or None for no templates.  cert
    names the server certificate in the dev certs folder ("server",
    "expired", ...).  Use start_simulator() in tests so that it always stops."""

    def __init__(self, *args, templates=DEFAULT_TEMPLATES, tls=True, cert="server",
                 app_id=APP_ID, api_key=API_KEY):
        self.args = [str(a) for a in args]
        self.templates = templates
        self.tls = tls
        self.cert = cert
        self.app_id = app_id
        self.api_key = api_key
        self.proc = None
        self.port = None
        self.host = "127.0.0.1"
        self.workdir = None

    @property
    def base_url(self):
        return "%s://%s:%d" % ("https" if self.tls else "http", self.host, self.port)

    @property
    def record_path(self):
        return Path(self.workdir.name) / "records.jsonl"

    @property
    def log_path(self):
        return Path(self.workdir.name) / "sim.log"

    def start(self):
        self.workdir = tempfile.TemporaryDirectory(prefix="herald-sim-")
        cmd = [sys.executable, str(SIM), "--host", self.host, "--port", "0", "--stop-on-eof",
               "--record", str(self.record_path), "--app-id", self.app_id, "--api-key", self.api_key]
        if self.tls:
            certs = certs_dir()
            cmd += ["--cert", str(certs / (self.cert + ".pem")), "--key", str(certs / (self.cert + ".key"))]
        else:
            cmd.append("--plain")
        if isinstance(self.templates, list):
            path = Path(self.workdir.name) / "templates.json"
            path.write_text(json.dumps({"data": self.templates}), encoding="utf-8")
            cmd += ["--templates", str(path)]
        elif self.templates is not None:
            cmd += ["--templates", str(self.templates)]
        cmd += self.args
        with open(self.log_path, "wb") as err:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
        line = self._first_line()
        prefix = "herald-sim listening on %s://%s:" % ("https" if self.tls else "http", self.host)
        if not line.startswith(prefix):
            time.sleep(0.1)                 # let a failing simulator finish its log
            why = "simulator did not start (said %r, exit %s); log:\n%s" % (line, self.proc.poll(), self.log())
            self.stop(report=False)
            raise RuntimeError(why)
        self.port = int(line[len(prefix):])
        return self

    def _first_line(self):
        """The first stdout line, or "" when none comes in time."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.1)
            if ready:
                return self.proc.stdout.readline().decode("utf-8", "replace").strip()
        return ""

    def stop(self, report=True):
        """Stop the simulator (SIGTERM, then SIGKILL) and remove its files.
        Safe to call twice.  Reports (on stderr) a simulator that crashed."""
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        crashed = proc.poll() not in (None, 0)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        crashed = crashed or proc.returncode not in (0, -signal.SIGTERM)
        for f in (proc.stdin, proc.stdout):
            f.close()
        if crashed and report:
            sys.stderr.write("simlib: simulator exited with %s; log:\n%s\n" % (proc.returncode, self.log()))
        self.workdir.cleanup()

    def log(self):
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def records(self):
        """The accepted notifications so far, one dict per record line."""
        if not self.record_path.exists():
            return []
        with open(self.record_path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def connection(self, timeout=5.0, context=None):
        """A new http.client connection to the simulator (HTTPS trusting the
        dev CA unless the simulator is --plain)."""
        if not self.tls:
            return http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        return http.client.HTTPSConnection(self.host, self.port, timeout=timeout,
                                           context=context or client_context())

    def tls_connect(self, server_hostname=None, context=None, session=None, timeout=5.0):
        """A raw TLS socket to the simulator, checked against server_hostname
        (default the IP address); raises ssl.SSLError when verification fails."""
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        try:
            return (context or client_context()).wrap_socket(
                sock, server_hostname=server_hostname or self.host, session=session)
        except BaseException:
            sock.close()
            raise

    def auth_headers(self):
        return {"appid": self.app_id, "apikey": self.api_key}

    def request(self, method, path, body=None, headers=None, auth=True, conn=None):
        """One request; body may be bytes, str or a JSON-able object.  With
        conn the request goes over that (kept-alive) connection."""
        hdrs = dict(self.auth_headers()) if auth else {}
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        own = conn is None
        conn = conn or self.connection()
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            return Response(resp.status, resp.headers, resp.read())
        finally:
            if own:
                conn.close()

    def send(self, body, **kw):
        return self.request("POST", SEND_PATH, body, **kw)

    def _control(self, method, path, body=None):
        r = self.request(method, path, body, auth=False)
        if r.status != 200:
            raise RuntimeError("simulator %s %s: %r" % (method, path, r))
        return r.json()

    def stats(self):
        """GET /_sim/stats (its own connection is not counted)."""
        return self._control("GET", "/_sim/stats")

    def wait_stats(self, timeout=3.0, **expected):
        """The stats once every given counter has its expected value (the
        server counts a failed handshake just after the client sees it fail),
        or the last stats read when time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            stats = self.stats()
            if all(stats.get(k) == v for k, v in expected.items()) or time.monotonic() > deadline:
                return stats
            time.sleep(0.02)

    def set_faults(self, entries):
        """Replace the fault schedule (see herald_sim.py)."""
        return self._control("POST", "/_sim/faults", entries)

    def put_template(self, template):
        """Add or replace (by key) one of the platform's templates."""
        return self._control("PUT", "/_sim/templates", template)


def start_simulator(test, *args, **kw):
    """Start a Simulator that stops when the test ends, pass or fail."""
    sim = Simulator(*args, **kw)
    sim.start()
    test.addCleanup(sim.stop)
    return sim
