#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Build the libFuzzer targets of tests/fuzz/ (clang, ASan+UBSan) and run each
# for a bounded time, then print one table of executions and coverage (cov:
# edges reached, ft: features, from libFuzzer's last status line).
#
#   tools/scripts/fuzz.sh BUILD [TARGET...]    FUZZ_SECONDS per target (default 60)
#
# Each run starts from a scratch corpus in BUILD/fuzz/work/<target>, seeded
# from tests/fuzz/corpus/<target>: libFuzzer writes new inputs only to the
# first directory it is given, so the repository's corpus changes only by
# hand.  A crash leaves its input in BUILD/fuzz/crashes/ and fails the run;
# replay it with BUILD/fuzz/bin/fuzz_<target> FILE (add -minimize_crash=1
# -runs=20000 to shrink it), and once fixed keep it in
# tests/fuzz/corpus/<target>/ as a regression case.  Each target's header
# says how it reads its input.
set -u
BUILD=${1:-build}
[ $# -gt 0 ] && shift
EACH=${FUZZ_SECONDS:-60}
CJSON_DIR=${CJSON_DIR:-$BUILD/deps/cjson}
OUT=$BUILD/fuzz

case $EACH in '' | *[!0-9]*) echo "fuzz: FUZZ_SECONDS must be a whole number of seconds" >&2; exit 2 ;; esac
[ -f "$CJSON_DIR/cJSON.c" ] || { echo "fuzz: no cJSON at $CJSON_DIR (set CJSON_DIR)" >&2; exit 2; }
command -v clang >/dev/null || { echo "fuzz: clang is missing (tools/scripts/bootstrap.sh fuzz)" >&2; exit 2; }
# fuzz.mk stands alone: a calling make's flags and jobserver are not passed on.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -f tests/fuzz/fuzz.mk \
    BUILD="$BUILD" CJSON_DIR="$CJSON_DIR" -j"$(nproc 2>/dev/null || echo 2)" \
    || { echo "fuzz: build failed" >&2; exit 1; }

targets=$*
[ -n "$targets" ] || targets=$(ls tests/fuzz/fuzz_*.c | sed 's#tests/fuzz/fuzz_\(.*\)\.c#\1#')
mkdir -p "$OUT/work" "$OUT/logs" "$OUT/crashes"

# Per-target libFuzzer options: dictionaries, and room for the largest
# documents the JSON arena takes.
options() {
    case $1 in
    http) echo "-dict=tests/fuzz/http.dict" ;;
    response) echo "-dict=tests/fuzz/json.dict" ;;
    template_json) echo "-dict=tests/fuzz/json.dict -max_len=20000" ;;
    render) echo "-dict=tests/fuzz/render.dict" ;;
    *) echo "" ;;
    esac
}

# "N" from a line "stat::name: N" of the final stats.
final_stat() { sed -n "s/^stat::$1: *\([0-9]*\).*/\1/p" "$2" | tail -n 1; }
# "N" after "key: " on libFuzzer's last status line.
last() { grep -E '^#[0-9]+' "$2" | tail -n 1 | sed -n "s/.* $1: \([^ ]*\).*/\1/p"; }

printf '%-15s %5s %11s %8s %6s %7s %11s  %s\n' target secs executions exec/s cov ft corpus result
ok=0 failed=0
for t in $targets; do
    bin=$OUT/bin/fuzz_$t
    work=$OUT/work/$t
    log=$OUT/logs/$t.log
    if [ ! -x "$bin" ] || [ ! -d "tests/fuzz/corpus/$t" ]; then
        printf '%-15s %5s %11s %8s %6s %7s %11s  %s\n' "$t" - - - - - - "FAIL: no target or no corpus"
        failed=$((failed + 1))
        continue
    fi
    rm -rf "$work" && mkdir -p "$work"
    rm -f "$OUT/crashes/$t"-*
    # shellcheck disable=SC2046
    "$bin" -max_total_time="$EACH" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$OUT/crashes/$t-" $(options "$t") "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    crash=$(ls "$OUT/crashes/$t"-* 2>/dev/null | head -n 1)
    if [ "$rc" -eq 0 ] && [ -z "$crash" ]; then
        result=ok
        ok=$((ok + 1))
    else
        result="FAIL (exit $rc) ${crash:-no input saved}; log $log"
        failed=$((failed + 1))
    fi
    printf '%-15s %5s %11s %8s %6s %7s %11s  %s\n' "$t" "$EACH" "$(final_stat number_of_executed_units "$log")" \
        "$(final_stat average_exec_per_sec "$log")" "$(last cov "$log")" "$(last ft "$log")" "$(last corp "$log")" "$result"
    if [ "$result" != ok ]; then
        grep -E 'ERROR:|invariant failed|SUMMARY:|#[0-9]+ 0x' "$log" | head -n 12 | sed 's/^/    | /'
    fi
done
echo "fuzz: $ok targets ok, $failed failed"
[ "$failed" -eq 0 ]
