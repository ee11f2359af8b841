#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run every test suite and end with one line "N passed, N failed".
# A suite is a cmocka binary (build/native*/tests/*), a check script
# (tests/check_*.sh) or the integration runner (tests/integration/run.py).
# Counts come from cmocka's summary lines or a "herald-suite: N passed,
# N failed" line; a suite that exits non-zero without reporting a failure
# counts as one failure (a crash is never a pass).
set -u
BUILD=${1:-build}
REPORTS="$BUILD/reports"
mkdir -p "$REPORTS"
total_pass=0 total_fail=0

run_suite() { # name, command...
    name=$1; shift
    log="$REPORTS/$(echo "$name" | tr '/ ' '__').log"
    "$@" >"$log" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p; s/^herald-suite: \([0-9]*\) passed, [0-9]* failed.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p; s/^herald-suite: [0-9]* passed, \([0-9]*\) failed.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    if [ "$rc" -eq 0 ] && [ "$f" -ne 0 ]; then :; fi
    total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
    if [ "$f" -ne 0 ]; then
        printf '  FAIL  %-44s %4d passed, %d failed (exit %d)\n' "$name" "$p" "$f" "$rc"
        sed 's/^/        | /' "$log" | grep -v -e '^        | \[ *OK *\]' -e '^        | \[ RUN' | tail -n 40
    else
        printf '  ok    %-44s %4d passed\n' "$name" "$p"
    fi
}

for dir in "$BUILD"/native/tests "$BUILD"/native-asan/tests; do
    [ -d "$dir" ] || continue
    variant=$(basename "$(dirname "$dir")")
    for t in "$dir"/*; do
        [ -x "$t" ] || continue
        run_suite "$variant/$(basename "$t")" "$t"
    done
done
for t in tests/check_*.sh; do
    [ -f "$t" ] || continue
    run_suite "$(basename "$t" .sh)" sh "$t" "$BUILD"
done
if [ -f tests/integration/run.py ]; then
    run_suite integration python3 tests/integration/run.py "$BUILD"
fi

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
