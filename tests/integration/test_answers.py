# SPDX-License-Identifier: Apache-2.0
"""Answers herald cannot fully read.  Once the status line says 2xx the
platform has the notification: it is sent once, the CLI exits 7 (accepted,
answer unreadable) rather than 5 (which invites a resend), and names the real
cause.  The JSON line on stdout stays valid JSON and names cut fields."""

import json
import os
import unittest

from simlib import build_dir, start_simulator
from test_cli import SEED_ARGS, run_cli

EXIT_OK, EXIT_QUEUED, EXIT_UNREADABLE = 0, 6, 7
DEAD = "https://127.0.0.1:1"


def answer(body="", status=200, head=(), **kw):
    fault = {"fault": "answer", "status": status, "head": list(head), "body": body}
    fault.update(kw)
    return fault


def order(n, title="Order Confirmed"):
    return ["--template", "order-confirmation", "--target", "user-jane-123", "--var", "customerName=Jane",
            "--var", "orderId=ORD-%d" % n, "--title", title]


class Unreadable2xx(unittest.TestCase):
    def setUp(self):
        self.dir = build_dir() / "answers-test" / self.id().rsplit(".", 1)[-1]
        self.dir.mkdir(parents=True, exist_ok=True)
        self.q = str(self.dir / "queue.bin")
        for p in (self.q, self.q + ".state"):
            if os.path.exists(p):
                os.unlink(p)

    def send(self, fault, *extra):
        sim = start_simulator(self)
        sim.set_faults([fault])
        return sim, run_cli("send", *SEED_ARGS, *extra, sim=sim)

    def assert_unreadable(self, sim, p, cause):
        self.assertEqual(p.returncode, EXIT_UNREADABLE, p.stderr)
        self.assertIn("accepted", p.stderr)
        self.assertIn("do not send it again", p.stderr)
        self.assertIn(cause, p.stderr)
        self.assertEqual(sim.stats()["requests"], 1, p.stderr)   # one POST, never a second
        self.assertEqual(len(sim.records()), 1)

    def test_oversize_head_body_and_cut_short_are_sent_once(self):
        cases = [
            (answer('{"notificationId":"n1"}', head=["X-Filler: " + "h" * 1400]), "HERALD_E_HTTP_HEADER_TOO_LARGE"),
            (answer('{"notificationId":"n1","p":"%s"}' % ("x" * 9000)), "HERALD_E_HTTP_BODY_TOO_LARGE"),
        ]
        for fault, cause in cases:
            with self.subTest(cause=cause):
                for extra in ((), ("--queue", self.q)):
                    sim, p = self.send(fault, *extra)
                    self.assert_unreadable(sim, p, cause)
                    if extra:   # retired from the persistent queue
                        listing = run_cli("queue", "--queue", self.q)
                        self.assertEqual(listing.stdout.splitlines()[-1], "0 queued in %s" % self.q)

    def test_the_queue_behind_is_not_held(self):
        for n in range(3):
            p = run_cli("send", *order(n), "--queue", self.q, base_url=DEAD)
            self.assertEqual(p.returncode, EXIT_QUEUED, p.stderr)
        sim = start_simulator(self)
        sim.set_faults([answer('{"notificationId":"n1"}', head=["X-Filler: " + "h" * 1400])])
        p = run_cli("drain", "--queue", self.q, "--wait", "8", sim=sim)
        self.assertEqual(p.returncode, EXIT_UNREADABLE, p.stderr)
        self.assertEqual(sim.stats()["requests"], 3)
        self.assertEqual(sorted(r["body"]["template"]["variables"]["orderId"] for r in sim.records()),
                         ["ORD-0", "ORD-1", "ORD-2"])
        self.assertEqual(len(p.stdout.splitlines()), 2)          # the two readable answers
        stats = dict(line.split() for line in run_cli("stats", "--queue", self.q).stdout.splitlines())
        self.assertEqual((stats["sent"], stats["waiting"]), ("3", "0"))

    def test_204_and_unreadable_ids_exit_7(self):
        # Not JSON at all is said as such by the strict check.
        for fault, cause in ((answer(status=204, framing="none"), "HERALD_E_RESPONSE_INVALID"),
                             (answer('{"notificationId":12345}'), "HERALD_E_RESPONSE_INVALID"),
                             (answer('{"notificationId":""}'), "HERALD_E_RESPONSE_INVALID"),
                             (answer("<html>ok</html>"), "HERALD_E_JSON_PARSE")):
            with self.subTest(fault=fault):
                sim, p = self.send(fault)
                self.assert_unreadable(sim, p, cause)

    def test_too_deep_says_so(self):
        sim, p = self.send(answer('{"notificationId":"n1","x":%s%s}' % ("[" * 1001, "]" * 1001)))
        self.assert_unreadable(sim, p, "HERALD_E_JSON_DEPTH")

    def test_obs_fold_is_read(self):
        sim, p = self.send(answer('{"notificationId":"n1","title":"t"}', head=["X-Note: one", " two"]))
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual(json.loads(p.stdout)["notificationId"], "n1")

    def test_cut_fields_are_named(self):
        sim, p = self.send(answer('{"notificationId":"n1","title":"%s","tag":"orders"}' % ("T" * 300)))
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        line = json.loads(p.stdout)
        self.assertEqual(line["truncated"], ["title"])
        self.assertEqual(line["title"], "T" * 127)
        self.assertEqual(line["tag"], "orders")
        self.assertIn("cut", p.stderr)

    def test_invalid_utf8_in_the_answer_gives_valid_json(self):
        sim, p = self.send(answer('{"notificationId":"n\u00ff1","title":"caf\u00e9 \u00c3","tag":"\u0080"}'))
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        line = json.loads(p.stdout)                            # would raise on raw bytes
        self.assertEqual(line["notificationId"], "n\ufffd1")
        self.assertEqual(line["title"], "caf\ufffd \ufffd")
        self.assertEqual(line["tag"], "\ufffd")


if __name__ == "__main__":
    unittest.main()


class HeadRotation(unittest.TestCase):
    """One notification the platform keeps failing (500 for its title only)
    must not hold the others, unless --strict-order asks for it."""

    def setUp(self):
        self.dir = build_dir() / "answers-test" / self.id().rsplit(".", 1)[-1]
        self.dir.mkdir(parents=True, exist_ok=True)
        self.q = str(self.dir / "queue.bin")
        for p in (self.q, self.q + ".state"):
            if os.path.exists(p):
                os.unlink(p)
        self.handles = []
        for n, title in enumerate(("poison", "fine one", "fine two")):
            p = run_cli("send", *order(n, title), "--queue", self.q, base_url=DEAD)
            self.assertEqual(p.returncode, EXIT_QUEUED, p.stderr)
            self.handles.append(p.stderr.split("notification ")[1].split()[0])

    def listing(self):
        p = run_cli("queue", "--queue", self.q)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        return p.stdout.splitlines()

    def test_the_others_go_while_it_retries(self):
        sim = start_simulator(self, "--fail-title", "poison")
        p = run_cli("drain", "--queue", self.q, "--wait", "6", sim=sim)
        self.assertEqual(p.returncode, EXIT_QUEUED, p.stderr)
        self.assertEqual(sorted(r["body"]["title"] for r in sim.records()), ["fine one", "fine two"])
        lines = self.listing()
        self.assertEqual(lines[-1], "1 queued in %s" % self.q)
        row = lines[1].split()
        self.assertEqual(row[0], self.handles[0])              # still under its own handle
        self.assertGreaterEqual(int(row[3]), 4)                # 1 offline + 3 before it moved, kept
        self.assertIn("HERALD_E_PLATFORM_SERVER", lines[1])
        stats = dict(line.split() for line in run_cli("stats", "--queue", self.q).stdout.splitlines())
        self.assertEqual((stats["raised"], stats["queued"], stats["sent"], stats["waiting"]), ("3", "3", "2", "1"))
        # a later drain that the platform answers finds it under the same handle
        sim2 = start_simulator(self)
        p = run_cli("drain", "--queue", self.q, "--wait", "10", sim=sim2)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual([r["body"]["title"] for r in sim2.records()], ["poison"])
        self.assertEqual(self.listing()[-1], "0 queued in %s" % self.q)

    def test_strict_order_waits(self):
        sim = start_simulator(self, "--fail-title", "poison")
        p = run_cli("drain", "--queue", self.q, "--wait", "4", "--strict-order", sim=sim)
        self.assertEqual(p.returncode, EXIT_QUEUED, p.stderr)
        self.assertEqual(sim.records(), [])
        self.assertGreaterEqual(sim.stats()["requests"], 3)
        lines = self.listing()
        self.assertEqual(lines[-1], "3 queued in %s" % self.q)
        self.assertEqual([line.split()[0] for line in lines[1:4]], self.handles)
