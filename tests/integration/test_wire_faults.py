# SPDX-License-Identifier: Apache-2.0
"""Faults on the wire: one agent (tools/rigs/herald-soak) delivers 1,000 distinct
notifications through a simulator whose fault schedule mixes every kind it
knows.  The simulator's record must hold every orderId (none lost), and an
orderId may appear more than once only where the platform had accepted a
request whose answer the fault then destroyed.  A second test checks, kind
by kind, what failure the agent saw and that it retried."""

import json
import random
import re
import subprocess
import time
import unittest
from collections import Counter
from datetime import datetime

from simlib import API_KEY, APP_ID, build_dir, certs_dir, start_simulator

COUNT = 1000
SEED = 4                 # the schedule's placement; any seed must pass
TIMEOUT_MS = 1500        # the agent's response timeout: a stall costs this much
STALL_S = 3              # well past TIMEOUT_MS, so the stalled answer is never read

# (schedule entry, how many): about 15% of 1,000 requests are faulted.
FAULTS = [
    ({"fault": "close"}, 10),
    ({"fault": "close", "accept": True}, 6),
    ({"fault": "reset"}, 10),
    ({"fault": "reset", "accept": True}, 6),
    ({"fault": "stall", "seconds": STALL_S}, 3),
    ({"fault": "status", "status": 500}, 12),
    ({"fault": "status", "status": 502, "code": "ERR_BAD_GATEWAY"}, 12),
    ({"fault": "status", "status": 503, "code": "ERR_SERVICE_UNAVAILABLE"}, 10),
    ({"fault": "status", "status": 503, "code": "ERR_SERVICE_UNAVAILABLE", "retryAfter": 1, "accept": True}, 3),
    ({"fault": "status", "status": 429, "code": "ERR_TOO_MANY_REQUESTS", "retryAfter": 1}, 3),
    ({"fault": "tls-alert"}, 10),
    ({"fault": "tls-alert", "accept": True}, 6),
    ({"fault": "truncated-chunked"}, 12),
    ({"fault": "garbage"}, 10),
    ({"fault": "garbage", "accept": True}, 6),
    ({"fault": "reset-mid"}, 12),
    # Answers framed other ways: to be read as they are, never retried.
    ({"fault": "chunked", "size": 7}, 5),
    ({"fault": "drip", "size": 16, "delay": 0.001}, 3),
    ({"fault": "interim"}, 5),
    ({"fault": "close-delimited"}, 5),
]
NORMAL_ANSWER = {"chunked", "drip", "interim", "close-delimited"}
# Answers cut after their 2xx status line: the agent takes the notification as
# accepted (HERALD_E_ACCEPTED_UNREADABLE) and never sends it again.
CUT_AFTER_2XX = {"reset-mid", "truncated-chunked"}
# The kinds whose answer always arrives whole; the simulator accepts these (and
# stall and the cut ones) whatever the entry says.
ALWAYS_ACCEPTED = NORMAL_ANSWER | CUT_AFTER_2XX | {"stall"}


def accepted(entry):
    return entry["fault"] in ALWAYS_ACCEPTED or entry.get("accept", False)


def schedule(count, seed):
    """count request slots, the FAULTS scattered among them, the rest "ok"."""
    slots = ["ok"] * count
    entries = [dict(e) for e, n in FAULTS for _ in range(n)]
    for pos, entry in zip(random.Random(seed).sample(range(count), len(entries)), entries):
        slots[pos] = entry
    return slots


def soak(sim, *extra, count=COUNT, timeout=90):
    exe = build_dir() / "native" / "bin" / "herald-soak"
    p = subprocess.run([str(exe), "--base-url", sim.base_url, "--ca", str(certs_dir() / "ca.pem"),
                        "--app-id", APP_ID, "--api-key", API_KEY, "--count", str(count),
                        "--timeout-ms", str(TIMEOUT_MS), "--backoff-base-ms", "20", "--backoff-cap-ms", "500"]
                       + list(extra), capture_output=True, text=True, timeout=timeout)
    return p.returncode, json.loads(p.stdout) if p.stdout.strip() else None, p.stderr


def order_id(record):
    return record["body"]["template"]["variables"]["orderId"]


def received_s(record):
    return datetime.strptime(record["receivedAt"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


def faults_hit(sim):
    return Counter(re.findall(r"\[fault ([a-z-]+)\]", sim.log()))


def settle(sim, records, hits, timeout=STALL_S + 2.0):
    """The records and the faults hit, once there are as many as expected: a
    stalled connection records and logs its request only when its stall
    ends, after the agent has given up on it."""
    deadline = time.monotonic() + timeout
    while True:
        got = sim.records(), faults_hit(sim)
        if (len(got[0]) >= records and got[1] == hits) or time.monotonic() > deadline:
            return got
        time.sleep(0.05)


class WireFaults(unittest.TestCase):
    def test_thousand_notifications_through_every_fault(self):
        slots = schedule(COUNT, SEED)
        faults = [e for e in slots if e != "ok"]
        # accepted, but the answer lost before its status line: sent again
        lossy = [e for e in faults if accepted(e) and e["fault"] not in NORMAL_ANSWER | CUT_AFTER_2XX]
        cut = [e for e in faults if e["fault"] in CUT_AFTER_2XX]
        sim = start_simulator(self)
        sim.set_faults(slots)

        rc, out, err = soak(sim)
        self.assertIsNotNone(out, err)
        self.assertEqual(rc, 0, "%s\n%s" % (out, err[-2000:]))
        self.assertEqual((out["delivered"], out["permanent"], out["not_ok"]), (COUNT, 0, []))
        self.assertEqual(out["unreadable"], len(cut))          # each taken as accepted, once
        self.assertEqual(sim.stats()["faults_pending"], 0)      # every fault was hit

        # Each fault kind reached a request as often as scheduled.
        expected_hits = Counter(e["fault"] for e in faults)
        records, hit = settle(sim, COUNT + len(lossy), expected_hits)
        self.assertEqual(hit, expected_hits)
        per_id = Counter(order_id(r) for r in records)
        lost = ["ORD-%d" % i for i in range(COUNT) if per_id["ORD-%d" % i] == 0]
        self.assertEqual(lost, [])
        self.assertEqual(set(per_id), {"ORD-%d" % i for i in range(COUNT)})
        # A second record of an orderId needs a record whose answer was lost.
        answer_lost = Counter(order_id(r) for r in records
                              if r.get("fault") and r["fault"] not in NORMAL_ANSWER | CUT_AFTER_2XX)
        for oid, n in per_id.items():
            self.assertLessEqual(n - 1, answer_lost[oid], "%s recorded %d times" % (oid, n))
        duplicates = sum(n - 1 for n in per_id.values())
        self.assertLessEqual(duplicates, len(lossy))
        self.assertGreater(duplicates, 0)       # the schedule did lose answers
        self.assertEqual(sum(answer_lost.values()), len(lossy))

        # 503 with Retry-After: 1 on a request the platform processed (the
        # only "status" fault that is accepted): the resend of that orderId
        # came at least a second later.
        by_id = {}
        for r in records:
            by_id.setdefault(order_id(r), []).append(r)
        waited = 0
        for rs in by_id.values():
            # A stalled request is recorded when its stall ends: leave it out.
            rs = sorted((r for r in rs if r.get("fault") != "stall"), key=received_s)
            for a, b in zip(rs, rs[1:]):
                if a.get("fault") == "status":
                    self.assertGreaterEqual(received_s(b) - received_s(a), 0.99)
                    waited += 1
        self.assertEqual(waited, 3)

        reframed = sum(1 for e in faults if e["fault"] in NORMAL_ANSWER)
        print("\n    wire faults: sent %d, faults %d, received %d, lost %d, duplicates %d"
              " (%d faults only reframed the answer; %d answers cut after their 2xx status line, each"
              " taken as accepted and not resent; %d answers lost before it;"
              " agent: %d requests, %d retried, %d connects, %.1f s)"
              % (COUNT, len(faults), len(records), len(lost), duplicates, reframed, len(cut), len(lossy),
                 out["requests"], out["retried"], out["connects"], out["elapsed_ms"] / 1000.0), flush=True)

    def test_each_fault_kind_fails_the_attempt_as_expected(self):
        # kind -> what the agent logs for the attempt it fails
        expected = {
            "close": "connection closed by peer",
            "reset": "network error",
            "stall": "timed out",
            "tls-alert": "TLS error",
            "garbage": "malformed HTTP response",
        }
        # cut after the 2xx status line: accepted, answer unreadable, not resent
        unreadable = {"truncated-chunked": "connection closed by peer", "reset-mid": "network error"}
        for version in ("1.3", "1.2"):
            sim = start_simulator(self, "--tls-min", version, "--tls-max", version)
            for kind, text in list(expected.items()) + list(unreadable.items()):
                with self.subTest(tls=version, kind=kind):
                    entry = {"fault": kind, "seconds": STALL_S} if kind == "stall" else kind
                    sim.set_faults([entry])
                    rc, out, err = soak(sim, "--verbose", count=1, timeout=30)
                    self.assertEqual(rc, 0, err)
                    cut = kind in unreadable
                    self.assertEqual((out["delivered"], out["retried"], out["unreadable"]),
                                     (1, 0, 1) if cut else (1, 1, 0))
                    warnings = [l for l in err.splitlines() if l.startswith("herald warn")]
                    if cut:
                        self.assertIn("herald warn: " + text, warnings, err)
                    else:
                        self.assertEqual(warnings, ["herald warn: " + text], err)


if __name__ == "__main__":
    unittest.main()
