# SPDX-License-Identifier: Apache-2.0
"""The herald CLI and agent against the platform simulator, over TLS:
delivery, every documented error's status and exit code, local refusal,
keep-alive and resumption, both TLS versions, refused servers, and a canary
API key that must appear in no output."""

import json
import os
import shutil
import resource
import socket
import stat
import subprocess
import tempfile
import threading
import time
import unittest

from simlib import (API_KEY, APP_ID, DEFAULT_TEMPLATES, build_dir, certs_dir, herald_cli,
                    start_simulator)

SEED_ARGS = ["--template", "order-confirmation", "--target", "user-jane-123",
             "--var", "customerName=Jane", "--var", "orderId=ORD-12345",
             "--mode", "realtime", "--title", "Order Confirmed"]
SEED_BODY = {"template": {"key": "order-confirmation",
                          "variables": {"customerName": "Jane", "orderId": "ORD-12345"}},
             "targets": ["user-jane-123"], "mode": "realtime", "title": "Order Confirmed"}

EXIT_OK, EXIT_USAGE, EXIT_LOCAL, EXIT_PLATFORM, EXIT_UNDELIVERED = 0, 2, 3, 4, 5


def run_cli(*args, env=None, key=API_KEY, ca="ca.pem", sim=None, base_url=None, exe=None, **kw):
    """The CLI (exe, default the native build) with a clean HERALD_ environment;
    with sim or base_url, also the connection options.  kw go to subprocess.run."""
    cmd = [str(exe or herald_cli())] + list(args)
    e = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
    if sim is not None or base_url:
        cmd += ["--app-id", APP_ID, "--base-url", base_url or sim.base_url]
        cmd += ["--api-key", key] if key is not None else []
        cmd += ["--ca", str(certs_dir() / ca)] if ca is not None else []
    e.update(env or {})
    return subprocess.run(cmd, capture_output=True, text=True, timeout=kw.pop("timeout", 60), env=e, **kw)


def burst(sim, *extra):
    exe = build_dir() / "native" / "bin" / "herald-burst"
    p = subprocess.run([str(exe), "--base-url", sim.base_url, "--ca", str(certs_dir() / "ca.pem"),
                        "--app-id", APP_ID, "--api-key", API_KEY] + list(extra),
                       capture_output=True, text=True, timeout=120)
    return p.returncode, json.loads(p.stdout) if p.stdout.strip() else None, p.stderr


class Delivery(unittest.TestCase):
    def test_seed_example_is_delivered_and_recorded(self):
        sim = start_simulator(self)
        p = run_cli("send", *SEED_ARGS, "--templates", str(DEFAULT_TEMPLATES), sim=sim)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        answer = json.loads(p.stdout)
        self.assertEqual(p.stdout.count("\n"), 1)
        self.assertTrue(answer["notificationId"].startswith("notif_"))
        self.assertEqual(answer["channels"], ["in_app", "push"])
        self.assertEqual(answer["mode"], "realtime")
        self.assertEqual(answer["title"], "Order Confirmed")
        records = sim.records()
        self.assertEqual(len(records), 1)
        self.assertEqual(records[0]["body"], SEED_BODY)
        self.assertEqual(records[0]["notificationId"], answer["notificationId"])

    def test_configuration_from_the_environment(self):
        sim = start_simulator(self)
        env = {"HERALD_APP_ID": APP_ID, "HERALD_API_KEY": API_KEY, "HERALD_BASE_URL": sim.base_url,
               "HERALD_CA": str(certs_dir() / "ca.pem")}
        p = run_cli("send", *SEED_ARGS, "--tag", "orders", env=env)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual(json.loads(p.stdout)["tag"], "orders")
        self.assertEqual(sim.records()[0]["body"]["tag"], "orders")

    def test_success_variants_201_202_and_data_wrapper(self):
        for extra in (["--success-status", "201"], ["--success-status", "202", "--wrap-data"]):
            with self.subTest(extra=extra):
                sim = start_simulator(self, *extra)
                p = run_cli("send", *SEED_ARGS, sim=sim)
                self.assertEqual(p.returncode, EXIT_OK, p.stderr)
                self.assertTrue(json.loads(p.stdout)["notificationId"].startswith("notif_"))

    def test_batch_by_template_id(self):
        sim = start_simulator(self)
        p = run_cli("send", "--template-id", "tmpl_order_confirmation", "--mode", "batch",
                    "--target", "a", "--target", "b", "--target", "c",
                    "--var", "customerName=Jane", "--var", "orderId=1", sim=sim)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        body = sim.records()[0]["body"]
        self.assertEqual(body["template"], {"id": "tmpl_order_confirmation",
                                            "variables": {"customerName": "Jane", "orderId": "1"}})
        self.assertEqual(body["targets"], ["a", "b", "c"])


class Errors(unittest.TestCase):
    # code -> (status name, exit code)
    MAPPING = {
        "ERR_BAD_REQUEST": ("HERALD_E_PLATFORM_BAD_REQUEST", EXIT_PLATFORM),
        "ERR_INVALID_VARIABLES": ("HERALD_E_PLATFORM_INVALID_VARIABLES", EXIT_PLATFORM),
        "ERR_TEMPLATE_NOT_APPROVED": ("HERALD_E_PLATFORM_TEMPLATE_NOT_APPROVED", EXIT_PLATFORM),
        "ERR_TARGET_LIMIT_EXCEEDED": ("HERALD_E_PLATFORM_TARGET_LIMIT", EXIT_PLATFORM),
        "ERR_INVALID_MODE": ("HERALD_E_PLATFORM_INVALID_MODE", EXIT_PLATFORM),
        "ERR_UNAUTHORIZED": ("HERALD_E_PLATFORM_UNAUTHORIZED", EXIT_PLATFORM),
        "ERR_FORBIDDEN": ("HERALD_E_PLATFORM_FORBIDDEN", EXIT_PLATFORM),
        "ERR_NOT_FOUND": ("HERALD_E_PLATFORM_NOT_FOUND", EXIT_PLATFORM),
        "ERR_TOO_MANY_REQUESTS": ("HERALD_E_PLATFORM_RATE_LIMITED", EXIT_UNDELIVERED),
        "ERR_INTERNAL": ("HERALD_E_PLATFORM_SERVER", EXIT_UNDELIVERED),
        "ERR_SERVICE_UNAVAILABLE": ("HERALD_E_PLATFORM_SERVER", EXIT_UNDELIVERED),
        "ERR_SOMETHING_NEW": ("HERALD_E_PLATFORM_UNKNOWN", EXIT_PLATFORM),
    }

    def test_every_documented_error_code(self):
        for code, (status, exit_code) in self.MAPPING.items():
            with self.subTest(code=code):
                sim = start_simulator(self, "--force-error", code)
                p = run_cli("send", *SEED_ARGS, sim=sim)
                self.assertEqual(p.returncode, exit_code, p.stderr)
                self.assertIn(status, p.stderr)
                self.assertIn(code, p.stderr)  # the platform's code is kept, known or not
                self.assertEqual(p.stdout, "")
                self.assertEqual(p.stderr.count("\n"), 1, p.stderr)

    def test_real_platform_checks(self):
        sim = start_simulator(self)
        cases = [  # without --templates the platform is the judge
            (["--template", "nope", "--target", "u"], "HERALD_E_PLATFORM_NOT_FOUND"),
            (["--template", "welcome-draft", "--target", "u"], "HERALD_E_PLATFORM_TEMPLATE_NOT_APPROVED"),
            (["--template", "order-confirmation", "--target", "u", "--var", "customerName=J"],
             "HERALD_E_PLATFORM_INVALID_VARIABLES"),
        ]
        for args, status in cases:
            with self.subTest(args=args):
                p = run_cli("send", *args, sim=sim)
                self.assertEqual(p.returncode, EXIT_PLATFORM, p.stderr)
                self.assertIn(status, p.stderr)
        p = run_cli("send", *SEED_ARGS, sim=sim, key="wrong-key")
        self.assertEqual(p.returncode, EXIT_PLATFORM)
        self.assertIn("HERALD_E_PLATFORM_UNAUTHORIZED", p.stderr)
        self.assertEqual(sim.records(), [])

    def test_refused_locally_without_any_network(self):
        sim = start_simulator(self)
        cases = [
            (["--target", "a", "--target", "b"], "HERALD_E_TARGET_LIMIT"),
            (["--target", "a", "--var", "extra=1"], "HERALD_E_VAR_UNDECLARED"),
            (["--target", "a", "--template", "welcome-draft"], "HERALD_E_TEMPLATE_NOT_APPROVED"),
            (["--target", "a", "--mode", "sometimes"], "HERALD_E_MODE_INVALID"),
        ]
        base = ["--template", "order-confirmation", "--var", "customerName=Jane", "--var", "orderId=1"]
        for extra, status in cases:
            with self.subTest(status=status):
                p = run_cli("send", *base, *extra, "--templates", str(DEFAULT_TEMPLATES), sim=sim)
                self.assertEqual(p.returncode, EXIT_LOCAL, p.stderr)
                self.assertIn(status, p.stderr)
        p = run_cli("send", "--template", "order-confirmation", "--target", "a", "--var", "customerName=J",
                    "--templates", str(DEFAULT_TEMPLATES), sim=sim)
        self.assertEqual(p.returncode, EXIT_LOCAL)
        self.assertIn("HERALD_E_VAR_MISSING", p.stderr)
        self.assertEqual(sim.stats()["requests"], 0)
        self.assertEqual(sim.stats()["connections"], 0)

    def test_usage_errors(self):
        for args in (["send"], ["send", "--template"], ["frobnicate"], ["send", "--bogus", "1"],
                     ["send", *SEED_ARGS, "--api-key", "k", "--app-id", "a"],  # no region or URL
                     ["send", *SEED_ARGS, "--api-key", "k", "--app-id", "a", "--base-url", "http://x"],
                     ["render", "--template", "x"]):
            with self.subTest(args=args):
                p = run_cli(*args)
                self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
                self.assertNotEqual(p.stderr, "")


class Tls(unittest.TestCase):
    def test_twenty_sends_on_one_handshake(self):
        sim = start_simulator(self)
        rc, out, err = burst(sim, "--count", "20")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["delivered"], 20)
        self.assertEqual(out["full_handshakes"], 1)
        self.assertEqual(out["connects"], 1)
        stats = sim.stats()
        self.assertEqual((stats["handshakes"], stats["connections"], stats["accepted"]), (1, 1, 20))
        self.assertEqual(len(sim.records()), 20)

    def test_reconnect_resumes_the_session(self):
        for version in ("1.3", "1.2"):
            with self.subTest(tls=version):
                sim = start_simulator(self, "--tls-min", version, "--tls-max", version)
                rc, out, err = burst(sim, "--count", "4", "--reconnect-every", "2")
                self.assertEqual(rc, 0, err)
                self.assertEqual((out["full_handshakes"], out["resumed_handshakes"]), (1, 1))
                self.assertEqual(sim.stats()["resumed"], 1)

    def test_tls_13_and_12_each_deliver(self):
        for version in ("1.3", "1.2"):
            with self.subTest(tls=version):
                sim = start_simulator(self, "--tls-min", version, "--tls-max", version)
                p = run_cli("send", *SEED_ARGS, sim=sim)
                self.assertEqual(p.returncode, EXIT_OK, p.stderr)
                self.assertEqual(sim.stats()["tls_versions"], {"TLSv" + version: 1})

    def test_bad_servers_are_refused(self):
        cases = [("untrusted", "not trusted"), ("wronghost", "host name mismatch"),
                 ("expired", "expired"), ("selfsigned", "not trusted"), ("notyet", "not yet valid")]
        for cert, reason in cases:
            with self.subTest(cert=cert):
                sim = start_simulator(self, cert=cert)
                p = run_cli("send", *SEED_ARGS, sim=sim)
                self.assertEqual(p.returncode, EXIT_UNDELIVERED, p.stderr)
                self.assertIn("HERALD_E_TLS_VERIFY", p.stderr)
                self.assertIn(reason, p.stderr)
                self.assertEqual(sim.records(), [])

    def test_plain_http_is_refused(self):
        sim = start_simulator(self, tls=False)
        p = run_cli("send", *SEED_ARGS, sim=sim, base_url=sim.base_url.replace("http://", "https://"))
        self.assertEqual(p.returncode, EXIT_UNDELIVERED, p.stderr)
        self.assertIn("HERALD_E_TLS", p.stderr)
        self.assertEqual(sim.records(), [])
        p = run_cli("send", *SEED_ARGS, sim=sim)  # an http:// base is refused outright
        self.assertEqual(p.returncode, EXIT_USAGE)

    def test_nothing_listening(self):
        p = run_cli("send", *SEED_ARGS, base_url="https://127.0.0.1:1")
        self.assertEqual(p.returncode, EXIT_UNDELIVERED)
        self.assertIn("HERALD_E_NET", p.stderr)


class Secrets(unittest.TestCase):
    CANARY = "CANARY-5f3a9c-apikey"

    def test_canary_key_appears_in_no_output(self):
        sim = start_simulator(self, api_key=self.CANARY)
        bad = start_simulator(self, cert="untrusted")
        forced = start_simulator(self, "--force-error", "ERR_INVALID_VARIABLES", api_key=self.CANARY)
        tmpl = str(DEFAULT_TEMPLATES)
        runs = [
            run_cli("send", *SEED_ARGS, "--templates", tmpl, sim=sim, key=self.CANARY),
            run_cli("send", *SEED_ARGS, sim=sim, key=self.CANARY + "x"),
            run_cli("send", *SEED_ARGS, sim=forced, key=self.CANARY),
            run_cli("send", *SEED_ARGS, sim=bad, key=self.CANARY),
            run_cli("send", *SEED_ARGS, "--target", "x", "--templates", tmpl, sim=sim, key=self.CANARY),
            run_cli("send", *SEED_ARGS, base_url="https://127.0.0.1:1", key=self.CANARY),
            run_cli("send", *SEED_ARGS, "--api-key", self.CANARY, "--app-id", "bad app", "--region", "us"),
            run_cli("send", *SEED_ARGS, "--api-key", self.CANARY + "\r\nX: y", "--app-id", "a", "--region", "us"),
            run_cli("send", *SEED_ARGS, "--api-key", self.CANARY, "--bogus"),
            run_cli("send", *SEED_ARGS, env={"HERALD_API_KEY": self.CANARY, "HERALD_APP_ID": APP_ID,
                                             "HERALD_BASE_URL": sim.base_url, "HERALD_DEBUG": "1",
                                             "HERALD_CA": str(certs_dir() / "ca.pem")}),
            run_cli("render", "--templates", tmpl, "--template", "order-confirmation",
                    "--var", "customerName=" + "J", "--var", "orderId=1", env={"HERALD_API_KEY": self.CANARY}),
            run_cli("--help", env={"HERALD_API_KEY": self.CANARY}),
        ]
        self.assertEqual(runs[0].returncode, EXIT_OK, runs[0].stderr)
        for i, p in enumerate(runs):
            with self.subTest(run=i):
                self.assertNotIn("CANARY", p.stdout + p.stderr)
        for s in (sim, forced):
            self.assertNotIn("CANARY", s.log())
            self.assertNotIn("CANARY", s.record_path.read_text() if s.record_path.exists() else "")


class TemplateSync(unittest.TestCase):
    def alert(self, body, updated):
        return {"id": "tmpl_system_alert", "key": "system-alert", "templateId": "system-alert",
                "status": "approved", "channelIds": ["push"],
                "variableSchema": {"device": {"type": "string"}, "message": {"type": "string"}},
                "content": {"push": {"title": "Alert: {{device}}", "body": body}}, "updatedAt": updated}

    def render_alert(self, image):
        p = run_cli("render", "--templates", str(image), "--template", "system-alert",
                    "--var", "device=pump-7", "--var", "message=hot")
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        return p.stdout.splitlines()[1]

    def test_sync_keeps_the_newer_copy_and_follows_changes(self):
        sim = start_simulator(self)
        work = build_dir() / "sync-test"
        work.mkdir(exist_ok=True)
        old = work / "old.json"
        old.write_text(json.dumps({"data": [self.alert("OLD {{message}}", "2020-01-01T00:00:00Z")]}))
        image = work / "cache.bin"
        p = run_cli("sync", "--templates", str(old), "--out", str(image), sim=sim)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertIn("synced 5 templates", p.stdout)
        self.assertEqual(self.render_alert(image), "body: hot")  # the platform's newer copy won
        # the platform changes the template between calls
        sim.put_template(self.alert("CHANGED {{message}}", "2030-01-01T00:00:00Z"))
        p = run_cli("sync", "--templates", str(image), "--out", str(image), sim=sim)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual(self.render_alert(image), "body: CHANGED hot")
        # an older copy on the platform never replaces the device's newer one
        sim.put_template(self.alert("STALE {{message}}", "2021-01-01T00:00:00Z"))
        p = run_cli("sync", "--templates", str(image), "--out", str(image), sim=sim)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertIn("(0 updated)", p.stdout)
        self.assertEqual(self.render_alert(image), "body: CHANGED hot")

    def test_sync_failure_is_reported_and_writes_nothing(self):
        sim = start_simulator(self)
        out = build_dir() / "sync-test-none.bin"
        if out.exists():
            out.unlink()
        p = run_cli("sync", "--out", str(out), sim=sim, key="wrong-key")
        self.assertEqual(p.returncode, EXIT_UNDELIVERED)
        self.assertIn("template sync failed", p.stderr)
        self.assertFalse(out.exists())


class Render(unittest.TestCase):
    def test_render_prints_title_and_body(self):
        p = run_cli("render", "--templates", str(DEFAULT_TEMPLATES), "--template", "order-confirmation",
                    "--var", "customerName=Jane", "--var", "orderId=ORD-12345")
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual(p.stdout, "title: Order Confirmed\nbody: Hi Jane, your order ORD-12345 is confirmed.\n")

    def test_render_from_an_image_and_errors(self):
        image = build_dir() / "templates-test.bin"
        mk = subprocess.run([str(build_dir() / "native" / "bin" / "herald-mkimage"), str(DEFAULT_TEMPLATES),
                             str(image)], capture_output=True, text=True)
        self.assertEqual(mk.returncode, 0, mk.stderr)
        p = run_cli("render", "--templates", str(image), "--template", "system-alert",
                    "--var", "device=pump-7", "--var", "message=pressure high")
        self.assertEqual(p.stdout, "title: Alert: pump-7\nbody: pressure high\n")
        p = run_cli("render", "--templates", str(image), "--template", "system-alert", "--var", "device=x")
        self.assertEqual(p.returncode, EXIT_LOCAL)
        self.assertIn("HERALD_E_PLACEHOLDER_UNKNOWN", p.stderr)
        image.write_bytes(image.read_bytes()[:-3])
        p = run_cli("render", "--templates", str(image), "--template", "system-alert")
        self.assertEqual(p.returncode, EXIT_USAGE)
        self.assertIn("HERALD_E_IMAGE_TRUNCATED", p.stderr)


class PushData(unittest.TestCase):
    """--push-data KEY=VALUE becomes template.notificationPushData."""

    PUSH = ["--push-data", "deepLink=app://orders/1", "--push-data", "priority=high"]

    def test_push_data_arrives_as_an_object(self):
        sim = start_simulator(self)
        p = run_cli("send", *SEED_ARGS, *self.PUSH, "--templates", str(DEFAULT_TEMPLATES), sim=sim)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        rec = sim.records()[0]
        want = dict(SEED_BODY, template=dict(SEED_BODY["template"],
                                             notificationPushData={"deepLink": "app://orders/1",
                                                                   "priority": "high"}))
        self.assertEqual(rec["body"], want)
        self.assertEqual(list(rec["body"]["template"]), ["key", "variables", "notificationPushData"])
        # The body is compact ASCII here, so its length is the compact dump's.
        self.assertEqual(rec["headers"]["content-length"],
                         str(len(json.dumps(want, separators=(",", ":")).encode())))

    def test_hostile_values_and_the_queue_path(self):
        sim = start_simulator(self)
        qdir = build_dir() / "queue-test" / "push-data"
        qdir.mkdir(parents=True, exist_ok=True)
        for f in qdir.iterdir():
            f.unlink()
        value = "a\"b\\c\td\u00e9=\u2028x"
        link = "https://x.test/o?id=1&t=2"
        for extra in ([], ["--queue", str(qdir / "queue.bin"), "--wait", "10"]):
            with self.subTest(extra=extra):
                n = len(sim.records())
                p = run_cli("send", *SEED_ARGS, "--push-data", "k\"\\=" + value, "--push-data", "link=" + link,
                            "--push-data", "empty=", *extra, sim=sim)
                self.assertEqual(p.returncode, EXIT_OK, p.stderr)
                self.assertEqual(sim.records()[n]["body"]["template"]["notificationPushData"],
                                 {"k\"\\": value, "link": link, "empty": ""})

    def test_bad_push_data_is_refused_before_any_request(self):
        sim = start_simulator(self)
        usage = [["--push-data", "deepLink"], ["--push-data", "=x"], ["--push-data"]]
        local = [["--push-data", "a=1", "--push-data", "a=2"],
                 ["--push-data", "k=" + "v" * 257],
                 ["--push-data", "k" * 65 + "=v"],
                 ["--push-data", "k=caf" + os.fsdecode(b"\xc3")]]
        local.append([a for i in range(9) for a in ("--push-data", "k%d=v" % i)])
        for extra in usage + local:
            with self.subTest(extra=extra[:4]):
                p = run_cli("send", *SEED_ARGS, *extra, sim=sim)
                if extra in usage:
                    self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
                    self.assertIn("--push-data", p.stderr)
                else:
                    self.assertEqual(p.returncode, EXIT_LOCAL, p.stderr)
                    self.assertIn("HERALD_E_PUSH_DATA_INVALID", p.stderr)
        self.assertEqual(sim.stats()["connections"], 0)
        self.assertEqual(sim.records(), [])


SANITIZER_REPORTS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def variants():
    """The CLI of the plain build and of the ASan+UBSan build."""
    return [(v, build_dir() / v / "bin" / "herald") for v in ("native", "native-asan")]


class Listener:
    """A loopback TCP port that records every connection and the bytes sent
    on it, and answers nothing: where a notification must not go."""

    def __init__(self, test):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.data = b""
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        test.addCleanup(self.stop)

    @property
    def base_url(self):
        return "https://127.0.0.1:%d" % self.port

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.settimeout(0.5)
            try:
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    self.data += chunk
            except OSError:
                pass
            conn.close()

    def stop(self):
        self.running = False
        self.thread.join(5)
        self.sock.close()


class Options(unittest.TestCase):
    def test_wait_must_be_finite_and_bounded(self):
        sim = start_simulator(self)
        for variant, exe in variants():
            for bad in ("nan", "inf", "-inf", "-1", "1e17", "86401", "5x", "", "1e999", " 5", "+5", "0x10",
                        "0x1p4", "-0x0", "5 ", "1,5", "86400.0000001"):
                with self.subTest(variant=variant, wait=bad):
                    p = run_cli("send", *SEED_ARGS, "--wait", bad, sim=sim, exe=exe)
                    self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
                    self.assertIn("--wait takes seconds, from 0 to 86400", p.stderr)
                    for report in SANITIZER_REPORTS:
                        self.assertNotIn(report, p.stderr)
            for good in ("86400", "1e-310", "0.5"):   # a tiny one underflows to a fine wait
                with self.subTest(variant=variant, wait=good):
                    p = run_cli("send", *SEED_ARGS, "--wait", good, sim=sim, exe=exe)
                    self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual(len(sim.records()), 6)   # only the valid ones went out

    def test_region_and_base_url_both_in_the_environment_is_refused(self):
        trap = Listener(self)
        p = run_cli("send", *SEED_ARGS, "--app-id", APP_ID, "--api-key", API_KEY,
                    env={"HERALD_BASE_URL": trap.base_url, "HERALD_REGION": "eu"})
        self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
        self.assertIn("both set", p.stderr)
        self.assertEqual(trap.connections, 0)

    def test_an_option_beats_the_environment(self):
        sim = start_simulator(self)
        trap = Listener(self)
        ca = str(certs_dir() / "ca.pem")
        base = ["send", *SEED_ARGS, "--app-id", APP_ID, "--api-key", API_KEY, "--ca", ca]
        # --base-url beats HERALD_BASE_URL and HERALD_REGION (an invalid one:
        # were it used, the run would fail without any network)
        p = run_cli(*base, "--base-url", sim.base_url,
                    env={"HERALD_BASE_URL": trap.base_url, "HERALD_REGION": "xx"})
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual(len(sim.records()), 1)
        # --region beats HERALD_BASE_URL: "xx" is no region, so the flag being
        # used shows as a usage error, with nothing sent to the environment's host
        p = run_cli(*base, "--region", "xx", env={"HERALD_BASE_URL": trap.base_url})
        self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
        # the other flags too: --app-id, --api-key and --ca beat theirs
        p = run_cli(*base, "--base-url", sim.base_url,
                    env={"HERALD_APP_ID": "other-app", "HERALD_API_KEY": "wrong-key",
                         "HERALD_CA": str(certs_dir() / "other-ca.pem")})
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual(len(sim.records()), 2)
        # both given on the command line is a usage error, not a silent pick
        p = run_cli(*base, "--region", "eu", "--base-url", trap.base_url)
        self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
        self.assertIn("not both", p.stderr)
        time.sleep(0.2)
        self.assertEqual(trap.connections, 0)
        self.assertNotIn(API_KEY.encode(), trap.data)


class FileInput(unittest.TestCase):
    def test_ca_and_templates_from_pipes(self):
        sim = start_simulator(self)
        r, w = os.pipe()
        os.write(w, (certs_dir() / "ca.pem").read_bytes())
        os.close(w)
        try:   # --ca <(cat ca.pem): a pipe, which cannot seek
            p = run_cli("send", *SEED_ARGS, "--app-id", APP_ID, "--api-key", API_KEY,
                        "--base-url", sim.base_url, "--ca", "/dev/fd/%d" % r, pass_fds=(r,))
        finally:
            os.close(r)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        p = run_cli("render", "--templates", "/dev/stdin", "--template", "order-confirmation",
                    "--var", "customerName=Jane", "--var", "orderId=7",
                    input=DEFAULT_TEMPLATES.read_text(encoding="utf-8"))
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual(p.stdout, "title: Order Confirmed\nbody: Hi Jane, your order 7 is confirmed.\n")

    def test_a_directory_is_named_as_an_error(self):
        sim = start_simulator(self)
        d = str(certs_dir())
        for variant, exe in variants():
            with self.subTest(variant=variant, option="--ca"):
                p = run_cli("send", *SEED_ARGS, "--app-id", APP_ID, "--api-key", API_KEY,
                            "--base-url", sim.base_url, "--ca", d, exe=exe)
                self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
                self.assertIn("cannot read %s: it is a directory" % d, p.stderr)
                self.assertNotIn("Sanitizer", p.stderr)
            with self.subTest(variant=variant, option="--templates"):
                p = run_cli("render", "--templates", d, "--template", "x", exe=exe)
                self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
                self.assertIn("it is a directory", p.stderr)
        self.assertEqual(sim.stats()["connections"], 0)


def drop_to_nobody_with_cores_allowed():
    """In the child before exec: allow core dumps, and run as another user
    when root (for root, /proc/PID is root's whether dumpable or not)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    if os.geteuid() == 0:
        resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        os.setgid(65534)
        os.setuid(65534)
    else:
        resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))


class CoreDumps(unittest.TestCase):
    def test_the_cli_never_dumps_core(self):
        """A herald blocked reading its templates from a FIFO: its core limit
        is 0 and it is not dumpable (so /proc/PID belongs to root)."""
        work = tempfile.mkdtemp(prefix="herald-core-")
        os.chmod(work, 0o755)
        fifo = os.path.join(work, "templates")
        os.mkfifo(fifo, 0o666)
        os.chmod(fifo, 0o666)
        exe = str(herald_cli())
        if os.geteuid() == 0:
            # run as nobody, who may not reach the build folder: a copy beside the FIFO
            exe = os.path.join(work, "herald")
            shutil.copy(str(herald_cli()), exe)
            os.chmod(exe, 0o755)
        self.addCleanup(lambda: (os.unlink(fifo), os.path.exists(os.path.join(work, "herald"))
                                 and os.unlink(os.path.join(work, "herald")), os.rmdir(work)))
        proc = subprocess.Popen([exe, "render", "--templates", fifo, "--template",
                                 "order-confirmation", "--var", "customerName=Jane", "--var", "orderId=1"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=drop_to_nobody_with_cores_allowed)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))
        deadline = time.monotonic() + 10
        fd = -1
        while fd < 0 and time.monotonic() < deadline and proc.poll() is None:
            try:            # succeeds once herald has the FIFO open: it is past main()'s start
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                time.sleep(0.02)
        self.assertGreaterEqual(fd, 0, "herald never opened its templates")
        limits = open("/proc/%d/limits" % proc.pid).read()
        core = [line.split()[4:6] for line in limits.splitlines() if line.startswith("Max core file size")]
        uid = os.stat("/proc/%d/status" % proc.pid).st_uid
        with os.fdopen(fd, "wb") as f:
            os.set_blocking(fd, True)
            f.write(DEFAULT_TEMPLATES.read_bytes())
        out, err = proc.communicate(timeout=10)
        self.assertEqual(proc.returncode, EXIT_OK, err)
        self.assertIn("title: Order Confirmed", out)
        self.assertEqual(core, [["0", "0"]])
        self.assertEqual(uid, 0, "herald's /proc entry is its user's: it is still dumpable")


class ApiKeyFile(unittest.TestCase):
    CANARY = "CANARY-keyfile-93b1e0"

    def key_file(self, text, mode=0o600):
        fd, path = tempfile.mkstemp(prefix="herald-key-")
        os.write(fd, text.encode())
        os.close(fd)
        os.chmod(path, mode)
        self.addCleanup(os.unlink, path)
        return path

    def send(self, sim, *extra, env=None):
        return run_cli("send", *SEED_ARGS, "--app-id", APP_ID, "--base-url", sim.base_url,
                       "--ca", str(certs_dir() / "ca.pem"), *extra, env=env)

    def test_key_from_a_private_file(self):
        sim = start_simulator(self, api_key=self.CANARY)
        runs = []
        for text in (self.CANARY + "\n", self.CANARY, self.CANARY + "\r\n"):
            with self.subTest(text=repr(text)):
                p = self.send(sim, "--api-key-file", self.key_file(text))
                self.assertEqual(p.returncode, EXIT_OK, p.stderr)
                runs.append(p)
        # --api-key and --api-key-file name one thing: not both; the file beats HERALD_API_KEY
        wrong = self.key_file("wrong-key\n")
        p = self.send(sim, "--api-key-file", wrong, "--api-key", self.CANARY)
        self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
        self.assertIn("not both", p.stderr)
        p = self.send(sim, "--api-key-file", self.key_file(self.CANARY + "\n"), env={"HERALD_API_KEY": "wrong-key"})
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        runs.append(p)
        p = self.send(sim, "--api-key-file", self.key_file(self.CANARY), env={"HERALD_API_KEY": "wrong-key"})
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        runs.append(p)
        p = self.send(sim, "--api-key-file", wrong, env={"HERALD_API_KEY": self.CANARY})
        self.assertEqual(p.returncode, EXIT_PLATFORM, p.stderr)
        self.assertIn("HERALD_E_PLATFORM_UNAUTHORIZED", p.stderr)
        self.assertEqual(len(sim.records()), 5)
        # two newlines: only one is stripped, and the key with a line break is refused
        p = self.send(sim, "--api-key-file", self.key_file(self.CANARY + "\n\n"), env={"HERALD_DEBUG": "1"})
        self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
        runs.append(p)
        for p in runs:
            self.assertNotIn("CANARY", p.stdout + p.stderr)
        self.assertNotIn("CANARY", sim.log())

    def test_a_file_others_can_read_or_an_empty_one_is_refused(self):
        sim = start_simulator(self, api_key=self.CANARY)
        for mode in (0o644, 0o640, 0o604, 0o622, 0o620, 0o602):  # others may read it, or write another key
            with self.subTest(mode=oct(mode)):
                path = self.key_file(self.CANARY, mode)
                p = self.send(sim, "--api-key-file", path)
                self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
                self.assertIn("not private", p.stderr)
                self.assertIn("chmod 600 %s" % path, p.stderr)
                self.assertNotIn("CANARY", p.stdout + p.stderr)
        if os.geteuid() == 0:  # someone else's file, however private
            path = self.key_file(self.CANARY)
            os.chown(path, 65534, 65534)
            p = self.send(sim, "--api-key-file", path)
            self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
            self.assertIn("owner 65534", p.stderr)
        # a NUL would end the key unseen: refused, the key not shown
        p = self.send(sim, "--api-key-file", self.key_file(self.CANARY + "\0rest"))
        self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
        self.assertIn("NUL", p.stderr)
        self.assertNotIn("CANARY", p.stdout + p.stderr)
        d = tempfile.mkdtemp(prefix="herald-keydir-")
        self.addCleanup(os.rmdir, d)
        p = self.send(sim, "--api-key-file", d)
        self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
        self.assertIn("is a directory", p.stderr)
        for text in ("", "\n"):
            with self.subTest(text=repr(text)):
                p = self.send(sim, "--api-key-file", self.key_file(text))
                self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
                self.assertIn("holds no key", p.stderr)
        p = self.send(sim, "--api-key-file", "/nonexistent/key")
        self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
        self.assertIn("/nonexistent/key", p.stderr)
        p = self.send(sim, "--api-key-file", self.key_file("x" * 5000))
        self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
        p = self.send(sim, "--api-key-file", self.key_file("x" * 4097 + "\n"))
        self.assertEqual(p.returncode, EXIT_USAGE, p.stderr)
        self.assertEqual(sim.stats()["connections"], 0)
        # a key of the longest size the file may hold (4096 bytes) with its line end is read
        # (whatever herald_init then says of so long a key)
        p = self.send(sim, "--api-key-file", self.key_file("k" * 4096 + "\r\n"))
        self.assertNotIn("longer than an API key", p.stderr)
        self.assertEqual(sim.records(), [])


def batch_args(n, length):
    """--target options for n targets of length bytes: "u" + number, padded."""
    args = []
    for i in range(n):
        t = "u%05d" % i
        args += ["--target", t + "x" * (length - len(t))]
    return args


class Batch(unittest.TestCase):
    """The platform's limit (10,000 targets) goes through plain send, whatever
    the targets' length (up to HERALD_TARGET_MAX_LEN, 128)."""

    def test_10000_targets_by_plain_send(self):
        sim = start_simulator(self)
        for length in (36, 128):
            with self.subTest(length=length):
                p = run_cli("send", "--template", "order-confirmation", "--mode", "batch",
                            "--var", "customerName=Jane", "--var", "orderId=1",
                            *batch_args(10000, length), "--templates", str(DEFAULT_TEMPLATES), sim=sim)
                self.assertEqual(p.returncode, EXIT_OK, p.stderr)
                targets = sim.records()[-1]["body"]["targets"]
                self.assertEqual(len(targets), 10000)
                self.assertEqual(targets[9999], "u09999" + "x" * (length - 6))


if __name__ == "__main__":
    unittest.main()
