# SPDX-License-Identifier: Apache-2.0
"""The herald CLI and agent against the platform simulator, over TLS:
delivery, every documented error's status and exit code, local refusal,
keep-alive and resumption, both TLS versions, refused servers, and a canary
API key that must appear in no output."""

import json
import os
import subprocess
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


def run_cli(*args, env=None, key=API_KEY, ca="ca.pem", sim=None, base_url=None):
    cmd = [str(herald_cli())] + list(args)
    e = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
    if sim is not None or base_url:
        cmd += ["--app-id", APP_ID, "--api-key", key, "--base-url", base_url or sim.base_url,
                "--ca", str(certs_dir() / ca)]
    e.update(env or {})
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=e)


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


if __name__ == "__main__":
    unittest.main()
