# SPDX-License-Identifier: Apache-2.0
"""Attacks and bad input against the herald CLI and agent (issue 7), each a
test.  The refused-certificate cases (untrusted CA, wrong host, expired, not
yet valid, self-signed) are in test_cli.py; these add:

- TLS: servers offering only TLS 1.0/1.1, or only weak cipher suites; for
  https://127.0.0.1, certificates naming the address only as a dNSName
  (plain or wildcard) or as the CN, and one for TLS clients only.
- Injection: hostile bytes in variables, title, tag and targets arrive at
  the platform exactly as given, as one strict JSON body with exactly the
  intended fields; invalid UTF-8 is refused locally; credentials or a base
  URL that could split a header line are refused before any connection.
- Hostile answers (the simulator's huge-headers, huge-body, endless-chunked,
  early and drip faults): a clear status, the connection dropped, no memory
  error (every case also runs under the ASan+UBSan build), and the same
  agent delivers the next notification.
- Secrets: every run here uses a canary API key with the CLI's log sink on
  (HERALD_DEBUG=1); no output, log line, simulator log or record may hold it.
"""

import json
import os
import re
import shutil
import ssl
import subprocess
import tempfile
import time
import unittest
import warnings
from pathlib import Path

from simlib import APP_ID, build_dir, certs_dir, optional, start_simulator

CANARY = "CANARY-h10-4d7e1a-apikey"
SEED_ARGS = ["--template", "order-confirmation", "--target", "user-jane-123",
             "--var", "customerName=Jane", "--var", "orderId=ORD-12345",
             "--mode", "realtime", "--title", "Order Confirmed"]
SEED_BODY = {"template": {"key": "order-confirmation",
                          "variables": {"customerName": "Jane", "orderId": "ORD-12345"}},
             "targets": ["user-jane-123"], "mode": "realtime", "title": "Order Confirmed"}
EXIT_OK, EXIT_USAGE, EXIT_LOCAL, EXIT_PLATFORM, EXIT_UNDELIVERED = 0, 2, 3, 4, 5
EXIT_ACCEPTED_UNREADABLE = 7
SANITIZER_REPORTS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")
VARIANTS = ("native", "native-asan")

# No leak is suppressed: every LeakSanitizer report fails the test.
LSAN_SUPPRESSIONS = ""


def tool(variant, name="herald"):
    return build_dir() / variant / "bin" / name


def sanitizer_env():
    supp = build_dir() / "attacks-lsan.supp"
    if not supp.exists() or supp.read_text() != LSAN_SUPPRESSIONS:
        tmp = supp.with_suffix(".tmp%d" % os.getpid())
        tmp.write_text(LSAN_SUPPRESSIONS)
        tmp.replace(supp)
    return {"LSAN_OPTIONS": "suppressions=%s:print_suppressions=0" % supp,
            "UBSAN_OPTIONS": "print_stacktrace=1"}


def check_clean(test, text):
    """No sanitizer report and no canary in a program's output."""
    for report in SANITIZER_REPORTS:
        test.assertNotIn(report, text)
    test.assertNotIn(CANARY, text)


def run_cli(test, *args, sim=None, variant="native", key=CANARY, base_url=None, app_id=APP_ID):
    """The CLI with the canary key and its log sink on; argv items may be
    bytes (for invalid UTF-8).  Checked for sanitizer reports and the canary."""
    cmd = [str(tool(variant))] + list(args)
    if sim is not None or base_url:
        cmd += ["--app-id", app_id, "--api-key", key, "--base-url", base_url or sim.base_url,
                "--ca", str(certs_dir() / "ca.pem")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
    env.update(sanitizer_env(), HERALD_DEBUG="1")
    p = subprocess.run(cmd, capture_output=True, encoding="utf-8", errors="replace", timeout=60, env=env)
    check_clean(test, p.stdout + p.stderr)
    return p


def burst(test, sim, *extra, variant="native"):
    """herald-burst (one agent, notifications one after another, one attempt
    each): (exit code, its JSON line, stderr)."""
    env = dict(os.environ, **sanitizer_env())
    p = subprocess.run([str(tool(variant, "herald-burst")), "--base-url", sim.base_url,
                        "--ca", str(certs_dir() / "ca.pem"), "--app-id", APP_ID, "--api-key", CANARY]
                       + list(extra), capture_output=True, text=True, timeout=120, env=env)
    check_clean(test, p.stdout + p.stderr)
    return p.returncode, json.loads(p.stdout) if p.stdout.strip() else None, p.stderr


def start_sim(test, *args, faults=None, **kw):
    """A simulator that knows the canary key, with an optional fault schedule
    given at start (the early fault must not meet a control connection).
    At cleanup its log and records are checked for the canary."""
    if faults is not None:
        fd, path = tempfile.mkstemp(prefix="herald-faults-", suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(faults, f)
        test.addCleanup(os.unlink, path)
        args += ("--faults", path)
    sim = start_simulator(test, *args, api_key=CANARY, **kw)

    def no_canary():
        test.assertNotIn(CANARY, sim.log())
        if sim.record_path.exists():
            test.assertNotIn(CANARY, sim.record_path.read_text(encoding="utf-8"))
    test.addCleanup(no_canary)          # runs before the simulator stops
    return sim


def wait_log(sim, pattern, timeout=5.0):
    """The first match of pattern in the simulator's log, waiting for it."""
    deadline = time.monotonic() + timeout
    while True:
        m = re.search(pattern, sim.log())
        if m or time.monotonic() > deadline:
            return m
        time.sleep(0.05)


# ---------------------------------------------------------------- TLS

def probe(sim, version, ciphers):
    """The (version, cipher) a permissive Python client negotiates with the
    simulator: proof that the server really offers what the test says."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(str(certs_dir() / "ca.pem"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)     # TLS 1.0 and 1.1, on purpose
        ctx.minimum_version = ctx.maximum_version = version
    ctx.set_ciphers(ciphers)
    with sim.tls_connect(context=ctx) as s:
        return s.version(), s.cipher()[0]


def cipher_available(ciphers):
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).set_ciphers(ciphers)
        return True
    except ssl.SSLError:
        return False


class TlsRefusals(unittest.TestCase):
    """Each server below completes a handshake with a permissive OpenSSL
    client (checked first), and the agent must refuse it: exit 5 with
    HERALD_E_TLS, nothing delivered."""

    @classmethod
    def setUpClass(cls):
        # An RSA server certificate under the dev CA, for static RSA key
        # exchange; made here rather than in devcerts.sh, whose file list
        # test_devcerts.py pins and whose keys are all P-256.
        cls.tmp = tempfile.mkdtemp(prefix="herald-rsa-")
        d, ca = Path(cls.tmp), certs_dir()
        (d / "ext.cnf").write_text("basicConstraints=critical,CA:FALSE\n"
                                   "keyUsage=critical,digitalSignature,keyEncipherment\n"
                                   "extendedKeyUsage=serverAuth\n"
                                   "subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        for cmd in (["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                     "-out", "rsa.key"],
                    ["openssl", "req", "-new", "-key", "rsa.key", "-subj", "/CN=localhost", "-out", "rsa.csr"],
                    ["openssl", "x509", "-req", "-in", "rsa.csr", "-CA", str(ca / "ca.pem"),
                     "-CAkey", str(ca / "ca.key"), "-set_serial", "4242", "-days", "30", "-sha256",
                     "-extfile", "ext.cnf", "-out", "rsa.pem"]):
            subprocess.run(cmd, cwd=cls.tmp, check=True, capture_output=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def rsa_args(self):
        return ("--cert", os.path.join(self.tmp, "rsa.pem"), "--key", os.path.join(self.tmp, "rsa.key"))

    def assert_refused(self, sim):
        for variant in VARIANTS:
            with self.subTest(cli=variant):
                p = run_cli(self, "send", *SEED_ARGS, sim=sim, variant=variant)
                self.assertEqual(p.returncode, EXIT_UNDELIVERED, p.stdout + p.stderr)
                self.assertIn("herald: could not deliver: HERALD_E_TLS (TLS error)", p.stderr)
        self.assertEqual(sim.records(), [])
        self.assertTrue(wait_log(sim, r"tls handshake failed"), sim.log())

    def refuse_cipher(self, ciphers, expect, *args):
        sim = start_sim(self, "--tls-min", "1.2", "--tls-max", "1.2", "--ciphers", ciphers, *args)
        self.assertEqual(probe(sim, ssl.TLSVersion.TLSv1_2, ciphers), ("TLSv1.2", expect))
        self.assert_refused(sim)

    @optional("the local OpenSSL cannot serve TLS 1.0 or 1.1 even at @SECLEVEL=0")
    def test_tls_10_and_11_only_servers_are_refused(self):
        for version, name in (("1.0", "TLSv1"), ("1.1", "TLSv1_1")):
            with self.subTest(tls=version):
                sim = start_sim(self, "--tls-min", version, "--tls-max", version)
                try:
                    got = probe(sim, getattr(ssl.TLSVersion, name), "DEFAULT:@SECLEVEL=0")[0]
                except ssl.SSLError as e:
                    self.skipTest("the local OpenSSL cannot speak TLS %s at all: %s" % (version, e))
                self.assertEqual(got, "TLSv1" if version == "1.0" else "TLSv1.1")
                self.assert_refused(sim)

    def test_null_encryption_is_refused(self):
        self.refuse_cipher("ECDHE-ECDSA-NULL-SHA:@SECLEVEL=0", "ECDHE-ECDSA-NULL-SHA")

    def test_cbc_with_sha1_mac_is_refused(self):
        self.refuse_cipher("ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0", "ECDHE-ECDSA-AES128-SHA")

    def test_static_rsa_key_exchange_is_refused(self):
        # No forward secrecy: whoever gets the server's key later reads
        # every recorded session, API key included.
        for ciphers, expect in (("AES128-GCM-SHA256:@SECLEVEL=0", "AES128-GCM-SHA256"),
                                ("AES128-SHA:@SECLEVEL=0", "AES128-SHA")):
            with self.subTest(cipher=expect):
                self.refuse_cipher(ciphers, expect, *self.rsa_args())

    @optional("OpenSSL builds leave 3DES suites out of libssl unless configured enable-weak-ssl-ciphers")
    def test_3des_is_refused(self):
        ciphers = "ECDHE-ECDSA-DES-CBC3-SHA:@SECLEVEL=0"
        if not cipher_available(ciphers):
            self.skipTest("the local OpenSSL offers no 3DES suite")
        self.refuse_cipher(ciphers, "ECDHE-ECDSA-DES-CBC3-SHA")

    @optional("OpenSSL builds leave RC4 suites out of libssl unless configured enable-weak-ssl-ciphers")
    def test_rc4_is_refused(self):
        ciphers = "ECDHE-ECDSA-RC4-SHA:@SECLEVEL=0"
        if not cipher_available(ciphers):
            self.skipTest("the local OpenSSL offers no RC4 suite")
        self.refuse_cipher(ciphers, "ECDHE-ECDSA-RC4-SHA")


class TlsNames(unittest.TestCase):
    """The simulator listens on https://127.0.0.1: an IP literal, which only
    an iPAddress SAN may match (RFC 9525 6.2).  Each certificate is signed by
    the dev CA, so the name (or the key usage) is the only fault."""

    def send(self, cert):
        sim = start_sim(self, cert=cert)
        self.assertEqual(sim.host, "127.0.0.1")
        return sim, run_cli(self, "send", *SEED_ARGS, sim=sim)

    def test_ip_literal_is_not_matched_as_a_name(self):
        for cert in ("ipasdns", "ipwildcard", "ipcn"):
            with self.subTest(cert=cert):
                sim, p = self.send(cert)
                self.assertEqual(p.returncode, EXIT_UNDELIVERED, p.stderr)
                self.assertIn("HERALD_E_TLS_VERIFY", p.stderr)
                self.assertIn("host name mismatch", p.stderr)
                self.assertEqual(sim.records(), [])

    def test_right_ip_san_is_accepted(self):
        sim, p = self.send("iponly")
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual(len(sim.records()), 1)

    def test_client_only_certificate_has_its_own_status(self):
        sim, p = self.send("clientauth")
        self.assertEqual(p.returncode, EXIT_UNDELIVERED, p.stderr)
        self.assertIn("herald: could not deliver: HERALD_E_TLS_KEY_USAGE", p.stderr)
        self.assertEqual(sim.records(), [])


# ---------------------------------------------------------------- injection

# Each is short enough for every field (a 64-byte tag in the CLI's echo of
# the answer is the tightest) and valid UTF-8 without NUL, so it must be sent.
HOSTILE_TEXT = [
    'say "hi" "',
    'back\\slash \\" \\u0022 \\n \\',
    '","mode":"batch","x":"',
    '"}},"targets":["evil"],"t":{"',
    "tab\there\nnew\r\nline\b\f",
    "\x01\x02\x1b[31mred\x1f\x7f",
    "\r\nX-Injected: 1\r\n\r\n{",
    "</script><!-- ${x} {{customerName}}",
    "caf\u00e9 \u2028\u2029 \ufeff\uffff \U0001F600",
]

BAD_UTF8 = [b"\xff", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82",
            b"\x80", b"\xf8\x88\x80\x80\x80"]


class Injection(unittest.TestCase):

    def test_hostile_text_arrives_exactly_as_given(self):
        sim = start_sim(self)
        for text in HOSTILE_TEXT:
            with self.subTest(text=text):
                before = len(sim.records())
                p = run_cli(self, "send", "--template", "order-confirmation", "--target", text,
                            "--var", "customerName=" + text, "--var", "orderId=id " + text,
                            "--title", text, "--tag", text, sim=sim)
                self.assertEqual(p.returncode, EXIT_OK, p.stderr)
                records = sim.records()
                self.assertEqual(len(records), before + 1)
                # Dict equality: exactly these fields, and the simulator's
                # parser refuses duplicate keys, so nothing was smuggled in.
                self.assertEqual(records[-1]["body"], {
                    "template": {"key": "order-confirmation",
                                 "variables": {"customerName": text, "orderId": "id " + text}},
                    "targets": [text], "mode": "realtime", "title": text, "tag": text})
                self.assertEqual(records[-1]["headers"]["content-type"], "application/json")
                # The platform echoes title and tag; the CLI writes them out again.
                answer = json.loads(p.stdout)
                self.assertEqual((answer["title"], answer["tag"]), (text, text))

    def test_hostile_batch_targets_stay_separate_strings(self):
        for variant in VARIANTS:
            with self.subTest(cli=variant):
                sim = start_sim(self)
                args = ["send", "--template", "order-confirmation", "--mode", "batch",
                        "--var", "customerName=" + HOSTILE_TEXT[2], "--var", "orderId=" + HOSTILE_TEXT[3]]
                for text in HOSTILE_TEXT:
                    args += ["--target", text]
                p = run_cli(self, *args, sim=sim, variant=variant)
                self.assertEqual(p.returncode, EXIT_OK, p.stderr)
                body = sim.records()[0]["body"]
                self.assertEqual(body["targets"], HOSTILE_TEXT)
                self.assertEqual(sorted(body), ["mode", "targets", "template"])
                self.assertEqual(body["mode"], "batch")

    def test_hostile_variable_names_arrive_as_single_names(self):
        # Undeclared names: the platform refuses them and lists each one in
        # its details, which shows the names arrived whole.
        names = ['x"y', "a\\b", "c\nd\te", '"},"targets":["evil', "\x01\x7f"]
        sim = start_sim(self)
        args = ["send"] + SEED_ARGS
        for name in names:
            args += ["--var", name + "=v"]
        p = run_cli(self, *args, sim=sim)
        self.assertEqual(p.returncode, EXIT_PLATFORM, p.stderr)
        self.assertIn("HERALD_E_PLATFORM_INVALID_VARIABLES", p.stderr)
        details = p.stderr.rstrip("\n").split(" details ", 1)[1]
        self.assertEqual(json.loads(details), {name: "unknown" for name in names})
        self.assertEqual(sim.records(), [])

    def test_invalid_utf8_is_refused_locally(self):
        sim = start_sim(self)
        seed = [a.encode() for a in SEED_ARGS]
        no_target = seed[:2] + seed[4:]
        cases = [  # field, argv with the bad bytes in it, status
            ("variable value", lambda b: seed + [b"--var", b"customerName=ok" + b + b"ok"], "HERALD_E_VAR_INVALID"),
            ("variable name", lambda b: seed + [b"--var", b"n" + b + b"=v"], "HERALD_E_VAR_INVALID"),
            ("title", lambda b: seed + [b"--title", b"ok" + b], "HERALD_E_TEXT_INVALID"),
            ("tag", lambda b: seed + [b"--tag", b + b"ok"], "HERALD_E_TEXT_INVALID"),
            ("target", lambda b: no_target + [b"--target", b"user-" + b], "HERALD_E_TARGET_INVALID"),
            ("template key", lambda b: seed + [b"--template", b"order-" + b], "HERALD_E_INVALID_ARG"),
        ]
        for field, argv, status in cases:
            for i, bad in enumerate(BAD_UTF8):
                for variant in VARIANTS if i == 0 else VARIANTS[:1]:
                    with self.subTest(field=field, bytes=bad, cli=variant):
                        p = run_cli(self, b"send", *argv(bad), sim=sim, variant=variant)
                        self.assertEqual(p.returncode, EXIT_LOCAL, p.stderr)
                        self.assertIn("herald: refused locally: %s (" % status, p.stderr)
        self.assertEqual(sim.records(), [])
        self.assertEqual(sim.stats()["connections"], 0)

    def test_header_splitting_credentials_and_urls_are_refused(self):
        sim = start_sim(self)
        cases = [
            dict(key=CANARY + "\r\nX-Injected: 1"), dict(key=CANARY + "\n"), dict(key=CANARY + "\r"),
            dict(key="two words " + CANARY), dict(key=CANARY + "\t"), dict(key=CANARY + "\x7f"),
            dict(app_id=APP_ID + "\r\nX-Injected: 1"), dict(app_id=APP_ID + " x"), dict(app_id='a"b'),
        ]
        for kw in cases:
            with self.subTest(**kw):
                p = run_cli(self, "send", *SEED_ARGS, sim=sim, **kw)
                self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
                self.assertIn("HERALD_E_INVALID_ARG", p.stderr)
        for url in (sim.base_url + "/\r\nX-Injected: 1", sim.base_url + "\r\n",
                    "https://127.0.0.1\r\nX-Injected: 1:%d" % sim.port, sim.base_url + "/ x"):
            with self.subTest(url=url):
                p = run_cli(self, "send", *SEED_ARGS, base_url=url)
                self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
                self.assertIn("HERALD_E_URL_INVALID", p.stderr)
        self.assertEqual(sim.stats()["connections"], 0)


# ---------------------------------------------------------------- hostile answers

class HostileAnswers(unittest.TestCase):
    """One CLI send per build (native, ASan+UBSan) meets the fault; then one
    agent (herald-burst, per build) meets it on its first notification and
    must deliver the second on a new connection."""

    def expect(self, fault, status, closed_after=0, processed=False, slow=False, log_says=None, accepted=False):
        """closed_after: the bytes the simulator sees after its answer before
        the client closes the connection: a number, "request" (some: the
        request came after an early answer), or None (not logged: the fault
        ends the connection itself).  log_says: a pattern every simulator
        log must match.  processed: the fault lets the platform record it.
        accepted: the answer's status line said 2xx, so the notification is
        taken as accepted (exit 7, HERALD_E_ACCEPTED_UNREADABLE) with status
        as the cause, and never sent again."""
        io_failure = not status.startswith("HERALD_E_PLATFORM")
        for variant in VARIANTS:
            with self.subTest(fault=fault, cli=variant):
                sim = start_sim(self, faults=[fault])
                start = time.monotonic()
                p = run_cli(self, "send", *SEED_ARGS, sim=sim, variant=variant)
                took = time.monotonic() - start
                self.assertEqual(p.returncode, EXIT_ACCEPTED_UNREADABLE if accepted else EXIT_UNDELIVERED,
                                 p.stdout + p.stderr)
                self.assertEqual(p.stdout, "")
                if accepted:
                    self.assertRegex(p.stderr, r"herald: accepted: .* could not be read: %s \(" % status)
                else:
                    self.assertRegex(p.stderr, r"herald: (could not deliver|refused by the platform): %s \(" % status)
                if io_failure:                  # the log sink saw the failure too
                    self.assertRegex(p.stderr, r"herald warn: \S")
                self.assertLess(took, 20.0 if slow else 8.0)
                self.assertEqual(len(sim.records()), 1 if processed else 0)
                if closed_after is not None:
                    m = wait_log(sim, r"client closed the connection \((\d+) bytes after the answer\)")
                    self.assertTrue(m, sim.log())
                if log_says:
                    self.assertTrue(wait_log(sim, log_says), sim.log())
            for_burst = VARIANTS[:1] if slow else VARIANTS
            if variant not in for_burst:
                continue
            with self.subTest(fault=fault, burst=variant):
                sim = start_sim(self, faults=[fault])
                rc, out, err = burst(self, sim, "--count", "2", variant=variant)
                self.assertEqual(rc, 1, err)
                self.assertEqual((out["delivered"], out["failed"], out["last_error"]),
                                 (1, 1, "HERALD_E_ACCEPTED_UNREADABLE" if accepted else status))
                self.assertEqual(out["connects"], 2)         # the bad connection was not reused
                records = sim.records()
                self.assertEqual(len(records), 2 if processed else 1)
                self.assertEqual(records[-1]["body"], SEED_BODY)
                if closed_after is not None:
                    m = wait_log(sim, r"client closed the connection \((\d+) bytes after the answer\)")
                    self.assertTrue(m, sim.log())
                    if closed_after == "request":
                        self.assertGreater(int(m.group(1)), 0, sim.log())
                    else:
                        self.assertEqual(int(m.group(1)), closed_after, sim.log())
                if log_says:
                    self.assertTrue(wait_log(sim, log_says), sim.log())

    def test_headers_longer_than_the_buffer(self):
        self.expect({"fault": "huge-headers"}, "HERALD_E_HTTP_HEADER_TOO_LARGE", accepted=True)
        self.expect({"fault": "huge-headers", "line": 20000}, "HERALD_E_HTTP_HEADER_TOO_LARGE", accepted=True)

    def test_body_longer_than_the_buffer(self):
        self.expect({"fault": "huge-body"}, "HERALD_E_HTTP_BODY_TOO_LARGE", accepted=True)
        self.expect({"fault": "huge-body", "framing": "chunked"}, "HERALD_E_HTTP_BODY_TOO_LARGE", accepted=True)
        self.expect({"fault": "huge-body", "framing": "close"}, "HERALD_E_HTTP_BODY_TOO_LARGE",
                    closed_after=None, accepted=True)

    def test_endless_chunked_body(self):
        # The simulator would go on for 15 s; the client must close first.
        self.expect({"fault": "endless-chunked", "seconds": 15}, "HERALD_E_HTTP_BODY_TOO_LARGE",
                    closed_after=None, accepted=True,
                    log_says=r"fault endless-chunked: client closed the connection after \d+ body bytes")

    def test_the_early_answer_needs_no_request(self):
        # The simulator's side of the early fault: a client that sends
        # nothing still gets the whole answer.
        sim = start_sim(self, faults=["early"])
        with sim.tls_connect() as conn:
            data = b""
            while b"\r\n\r\n" not in data or len(data.partition(b"\r\n\r\n")[2]) < int(
                    re.search(rb"Content-Length: (\d+)", data).group(1)):
                piece = conn.recv(4096)
                self.assertTrue(piece, data)
                data += piece
        self.assertTrue(data.startswith(b"HTTP/1.1 503 "), data)
        self.assertIn(b"\r\nConnection: close\r\n", data)
        self.assertIn(b'"code":"ERR_SERVICE_UNAVAILABLE"', data)
        self.assertTrue(wait_log(sim, r"fault early: client closed the connection \(0 bytes after the answer\)"),
                        sim.log())

    def test_the_simulator_tells_a_kept_connection_from_a_closed_one(self):
        # What the checks above rely on: a client that keeps the connection
        # after the answer is logged as such, not as closed.
        sim = start_sim(self, faults=[{"fault": "huge-headers", "wait": 1.0}])
        with sim.tls_connect() as conn:
            conn.sendall(b"POST /v3/business-messaging/api/notifications/send HTTP/1.1\r\n"
                         b"Host: x\r\nContent-Length: 2\r\n\r\n{}")
            self.assertTrue(wait_log(sim, r"fault huge-headers: client kept the connection open for 1s"),
                            sim.log())
        self.assertNotIn("client closed the connection", sim.log())

    def test_answer_before_the_request(self):
        # The request (its head and body) reaches the simulator only after
        # the answer; the agent reads the answer for what it says, then drops
        # the connection the answer closed.
        self.expect({"fault": "early"}, "HERALD_E_PLATFORM_SERVER", closed_after="request",
                    log_says=r"fault early: answered before reading a request")

    def test_slow_drip(self):
        # One byte per TLS record, quickly: delivered.
        for variant in VARIANTS:
            with self.subTest(drip="fast", cli=variant):
                sim = start_sim(self, faults=[{"fault": "drip", "size": 1, "delay": 0.002}])
                p = run_cli(self, "send", *SEED_ARGS, sim=sim, variant=variant)
                self.assertEqual(p.returncode, EXIT_OK, p.stderr)
                self.assertEqual(json.loads(p.stdout)["notificationId"], sim.records()[0]["notificationId"])
        # A byte, then nothing for longer than the agent's 10 s response
        # timeout: HERALD_E_TIMEOUT (the platform had accepted it: the answer
        # was lost, so it is recorded).
        self.expect({"fault": "drip", "size": 1, "delay": 12}, "HERALD_E_TIMEOUT", closed_after=None,
                    processed=True, slow=True)


# ---------------------------------------------------------------- secrets

class Secrets(unittest.TestCase):
    """Every CLI and herald-burst run in this file has its output checked for
    the canary key, and every simulator its log and records (check_clean,
    start_sim), across all the cases above.  This shows that the check
    catches the canary wherever it does appear."""

    def test_the_canary_check_catches_the_canary(self):
        sim = start_simulator(self, api_key=CANARY)     # its record will hold the canary
        with self.assertRaises(AssertionError):
            run_cli(self, "send", *SEED_ARGS, "--title", "about " + CANARY, sim=sim)
        self.assertIn(CANARY, sim.record_path.read_text(encoding="utf-8"))
