#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Herald's integration runner.

    python3 tests/integration/run.py [BUILD] [-k PATTERN] [--timeout S]

Runs every tests/integration/test_*.py with unittest against the build folder
BUILD (default "build"), which the tests see as $HERALD_BUILD: the CLI is
$HERALD_BUILD/native/bin/herald and the dev certificates, made here once,
are in $HERALD_BUILD/certs.  Its last line is always

    herald-suite: N passed, M failed

where errors, skips (unless the test is marked simlib.optional), expected
failures and unexpected successes all count as failed, and so does a test
that runs longer than the timeout (the run then stops).  The exit status is
non-zero whenever M is, or when no test ran."""

import argparse
import faulthandler
import os
import subprocess
import sys
import threading
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def report(result):
    """Print why each test failed, then the summary line; return the failures."""
    for tid, texts in result.failed.items():
        print("\n==== FAIL %s" % tid)
        for text in texts:
            print(text.rstrip())
    if result.optional:
        print("\n%d optional test(s) skipped" % len(result.optional))
    failed = len(result.failed)
    if result.passed + failed == 0:
        print("run.py: no test ran")
        failed = 1
    print("\nherald-suite: %d passed, %d failed" % (result.passed, failed), flush=True)
    return failed


def optional_reason(test):
    """The reason a test may be skipped, or None when its skip is a failure."""
    test = getattr(test, "test_case", test)          # a subTest's parent
    method = getattr(test, getattr(test, "_testMethodName", ""), None)
    return getattr(method, "__herald_optional__", None) or getattr(type(test), "__herald_optional__", None)


class Result(unittest.TestResult):
    """Counts each test once: passed, or failed with every reason it failed."""

    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout
        self.passed = 0
        self.failed = {}                 # test id -> [reason text]
        self.optional = []
        self.started = 0.0
        self.watchdog = None

    def startTest(self, test):
        super().startTest(test)
        self.started = time.monotonic()
        self.watchdog = threading.Timer(self.timeout, self._timed_out, (test,))
        self.watchdog.daemon = True
        self.watchdog.start()

    def stopTest(self, test):
        self.watchdog.cancel()
        super().stopTest(test)

    def _timed_out(self, test):
        print("  FAIL  %s: still running after %gs; stack of every thread:" % (test.id(), self.timeout),
              flush=True)
        faulthandler.dump_traceback(file=sys.stdout, all_threads=True)
        self.failed.setdefault(test.id(), []).append("timed out after %gs" % self.timeout)
        report(self)
        os._exit(1)                      # simulators see their stdin close and stop

    def _elapsed(self):
        return " (%.2fs)" % (time.monotonic() - self.started)

    def _fail(self, test, text):
        tid = getattr(test, "test_case", test).id()
        if tid not in self.failed:
            print("  FAIL  %s%s" % (tid, self._elapsed()), flush=True)
        self.failed.setdefault(tid, []).append(text)

    def addSuccess(self, test):
        if test.id() not in self.failed:  # a test whose subtests failed is not a pass
            self.passed += 1
            print("  ok    %s%s" % (test.id(), self._elapsed()), flush=True)

    def addFailure(self, test, err):
        self._fail(test, self._exc_info_to_string(err, test))

    def addError(self, test, err):
        self._fail(test, self._exc_info_to_string(err, test))

    def addSubTest(self, test, subtest, err):
        if err is not None:
            self._fail(test, "%s\n%s" % (subtest.id(), self._exc_info_to_string(err, test)))

    def addSkip(self, test, reason):
        if optional_reason(test):
            self.optional.append(test.id())
            print("  skip  %s (optional: %s)" % (test.id(), reason), flush=True)
        else:
            self._fail(test, "skipped (%s) but not marked simlib.optional\n" % reason)

    def addExpectedFailure(self, test, err):
        self._fail(test, "expectedFailure hides this failure; fix it instead:\n"
                   + self._exc_info_to_string(err, test))

    def addUnexpectedSuccess(self, test):
        self._fail(test, "marked expectedFailure but passed\n")


def make_certs(build):
    proc = subprocess.run(["sh", str(REPO / "tools" / "scripts" / "devcerts.sh"), str(build / "certs")],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        print("run.py: tools/scripts/devcerts.sh failed:\n" + proc.stdout, flush=True)
    return proc.returncode == 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("build", nargs="?", default="build", help="the build folder (default: build)")
    p.add_argument("-k", dest="patterns", action="append",
                   help="only tests whose id contains this text (repeatable)")
    p.add_argument("--timeout", type=float, default=float(os.environ.get("HERALD_TEST_TIMEOUT", 120)),
                   help="seconds one test may run (default 120 or $HERALD_TEST_TIMEOUT)")
    args = p.parse_args()

    build = Path(args.build).resolve()
    os.environ["HERALD_BUILD"] = str(build)
    print("integration: HERALD_BUILD=%s" % build, flush=True)
    if not make_certs(build):
        print("\nherald-suite: 0 passed, 1 failed", flush=True)
        return 1

    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = ["*%s*" % k for k in args.patterns]
    suite = loader.discover(str(HERE), pattern="test_*.py", top_level_dir=str(HERE))
    result = Result(args.timeout)
    suite.run(result)
    return 1 if report(result) else 0


if __name__ == "__main__":
    sys.exit(main())
