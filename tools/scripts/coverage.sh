#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Line and branch coverage of firmware/ from the unit tests and the
# integration tests, measured with gcov (gcc --coverage) and gcovr.
#
#   tools/scripts/coverage.sh BUILD
#
# COVERAGE_INTEGRATION=0 leaves the integration tests out (quicker; the
# figures are then lower and the floor is not checked).
#
# Builds into BUILD/native-coverage (-O0 --coverage on the firmware, the port,
# the tests and the tools; Mbed TLS and cJSON are the normal build's, not
# measured), runs every unit test, then the integration suite against the
# instrumented CLI, and prints each firmware file's figures and the totals.
# Fails when a test fails or a total is below tests/coverage-floor.txt
# ("LINE% BRANCH%"), which is raised as coverage rises and never lowered.
# The HTML report is BUILD/native-coverage/report/index.html.
set -u
BUILD=${1:-build}
OUT=$BUILD/native-coverage
FLOOR_FILE=tests/coverage-floor.txt
MBEDTLS_DIR=${MBEDTLS_DIR:-$BUILD/deps/mbedtls}
CJSON_DIR=${CJSON_DIR:-$BUILD/deps/cjson}
failed=0
check_floor=0

# SAN_FLAGS is the Makefile's slot for whole-build instrumentation; it comes
# after the board's -O2, so -O0 wins and lines map one to one.  A calling
# make's flags are not passed on: this build names everything it needs.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory BOARD=native BUILD="$BUILD" \
    VARIANT=coverage SAN_FLAGS="--coverage -O0" MBEDTLS_DIR="$MBEDTLS_DIR" CJSON_DIR="$CJSON_DIR" \
    unit-bins tools || exit 1

find "$OUT" -name '*.gcda' -delete
rm -rf "$OUT/logs" "$OUT/report"
mkdir -p "$OUT/logs" "$OUT/report"
echo "coverage: running the unit tests"
for t in "$OUT"/tests/*; do
    [ -x "$t" ] || continue
    if ! "$t" >"$OUT/logs/$(basename "$t").log" 2>&1; then
        echo "  FAIL  $(basename "$t") (log: $OUT/logs/$(basename "$t").log)"
        failed=$((failed + 1))
    fi
done
if [ "${COVERAGE_INTEGRATION:-1}" != 0 ] && [ -f tests/integration/run.py ]; then
    # The integration tests find the CLI at $HERALD_BUILD/native*/bin: give
    # them a build folder whose native/ and native-asan/ are the instrumented
    # one.  test_qemu is left out: it builds and runs the Cortex-M image,
    # which gcov does not measure.
    echo "coverage: running the integration tests"
    check_floor=1
    run=$BUILD/coverage-run
    mkdir -p "$run"
    ln -sfn "$(cd "$OUT" && pwd)" "$run/native"
    ln -sfn "$(cd "$OUT" && pwd)" "$run/native-asan"
    set --
    for m in tests/integration/test_*.py; do
        m=$(basename "$m" .py)
        [ "$m" = test_qemu ] || set -- "$@" -k "$m."
    done
    if ! python3 tests/integration/run.py "$run" "$@" >"$OUT/logs/integration.log" 2>&1; then
        echo "  FAIL  integration ($(tail -n 1 "$OUT/logs/integration.log"); log: $OUT/logs/integration.log)"
        failed=$((failed + 1))
    fi
fi

gcovr --root . --filter 'firmware/' --csv "$OUT/report/coverage.csv" \
    --html-details "$OUT/report/index.html" "$OUT/obj" || exit 1

# The table, and the totals against the floor.
read -r floor_line floor_branch <"$FLOOR_FILE" || { echo "coverage: cannot read $FLOOR_FILE" >&2; exit 1; }
awk -F, -v fl="$floor_line" -v fb="$floor_branch" -v ff="$FLOOR_FILE" -v check="$check_floor" '
    function pct(c, t) { return t > 0 ? 100 * c / t : 100 }
    NR == 1 { printf "%-32s %15s %8s %15s %8s\n", "file", "lines hit", "%", "branches hit", "%"; next }
    {
        printf "%-32s %7d/%-7d %7.1f%% %7d/%-7d %7.1f%%\n", $1, $3, $2, pct($3, $2), $6, $5, pct($6, $5)
        lt += $2; lc += $3; bt += $5; bc += $6
    }
    END {
        l = pct(lc, lt); b = pct(bc, bt)
        printf "%-32s %7d/%-7d %7.1f%% %7d/%-7d %7.1f%%\n", "TOTAL", lc, lt, l, bc, bt, b
        printf "coverage: lines %.1f%% (floor %s%%), branches %.1f%% (floor %s%%)\n", l, fl, b, fb
        if (!check) { print "coverage: unit tests only: the floor is not checked"; exit 0 }
        bad = 0
        if (l < fl) { print "coverage: lines fell below the floor"; bad = 1 }
        if (b < fb) { print "coverage: branches fell below the floor"; bad = 1 }
        if (!bad && (int(l) > fl || int(b) > fb))
            printf "coverage: above the floor: raise %s to \"%d %d\"\n", ff, int(l), int(b)
        exit bad
    }' "$OUT/report/coverage.csv" || failed=$((failed + 1))

if [ "$failed" -ne 0 ]; then
    echo "coverage: FAILED ($failed problem(s) above)"
    exit 1
fi
