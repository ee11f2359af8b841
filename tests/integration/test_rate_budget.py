# SPDX-License-Identifier: Apache-2.0
"""The rate budget end to end: a burst of 2,000 notifications raised at once
against the simulator's rate limit.  The agent paces itself with its token
bucket and the X-RateLimit-* headers, so the platform never answers 429."""

import json
import subprocess
import unittest

from simlib import API_KEY, APP_ID, build_dir, certs_dir, start_simulator

LIMIT_PER_S = 200   # the platform's limit, scaled from per-minute to keep the test short
COUNT = 2000


class RateBudget(unittest.TestCase):
    def soak(self, sim, *extra):
        exe = build_dir() / "native" / "bin" / "herald-soak"
        p = subprocess.run([str(exe), "--base-url", sim.base_url, "--ca", str(certs_dir() / "ca.pem"),
                            "--app-id", APP_ID, "--api-key", API_KEY, "--count", str(COUNT),
                            "--deadline-s", "120"] + list(extra),
                           capture_output=True, text=True, timeout=180)
        return p.returncode, json.loads(p.stdout.strip().splitlines()[-1]), p.stderr

    def test_burst_of_2000_earns_no_429(self):
        sim = start_simulator(self, "--rate-limit", str(LIMIT_PER_S), "--rate-window", "1")
        rc, out, err = self.soak(sim, "--rate-per-min", str(LIMIT_PER_S * 60), "--rate-burst", "10")
        stats = sim.stats()
        refused = stats["requests"] - stats["accepted"]
        print("rate budget: %d notifications, limit %d/s, %d requests, %d answered 429, %.1f s"
              % (COUNT, LIMIT_PER_S, stats["requests"], refused, out["elapsed_ms"] / 1000.0))
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["delivered"], COUNT)
        self.assertEqual(refused, 0)            # the platform never had to say 429
        self.assertEqual(out["retried"], 0)
        self.assertEqual(len(sim.records()), COUNT)
        # paced: 2,000 at 200/s cannot take less than about 9 s
        self.assertGreater(out["elapsed_ms"], (COUNT // LIMIT_PER_S - 1) * 1000)

    def test_the_limit_is_real_for_a_client_that_does_not_pace(self):
        # The contrast, so the test above can fail: the same simulator answers
        # 429 to a client that sends faster than its limit.
        sim = start_simulator(self, "--rate-limit", str(LIMIT_PER_S), "--rate-window", "1")
        body = {"template": {"key": "order-confirmation",
                             "variables": {"customerName": "Jane", "orderId": "ORD-1"}},
                "targets": ["user-jane-123"], "mode": "realtime"}
        conn = sim.connection()
        statuses = [sim.send(body, conn=conn).status for _ in range(LIMIT_PER_S + 50)]
        self.assertIn(429, statuses)


if __name__ == "__main__":
    unittest.main()
