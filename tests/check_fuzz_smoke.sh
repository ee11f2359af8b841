#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The fuzz smoke of `make test`: every libFuzzer target replays its seed and
# regression corpus, then fuzzes for FUZZ_SMOKE_SECONDS (default 1;
# libFuzzer stops on the next whole second, so about 2 s each).  One
# pass or failure per target; `make fuzz` is the long run.
set -u
BUILD=${1:-build}
if ! tools/scripts/bootstrap.sh fuzz; then
    echo "herald-suite: 0 passed, 1 failed"
    exit 1
fi
out=$(FUZZ_SECONDS=${FUZZ_SMOKE_SECONDS:-1} tools/scripts/fuzz.sh "$BUILD" 2>&1)
rc=$?
echo "$out"
summary=$(echo "$out" | sed -n 's/^fuzz: \([0-9]*\) targets ok, \([0-9]*\) failed$/\1 \2/p')
if [ -z "$summary" ]; then
    echo "herald-suite: 0 passed, 1 failed"
    exit 1
fi
set -- $summary
echo "herald-suite: $1 passed, $2 failed"
[ "$rc" -eq 0 ] && [ "$2" -eq 0 ]
