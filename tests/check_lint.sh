#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The static analysis of `make test`: tools/scripts/lint.sh (cppcheck with MISRA
# C:2012, and clang-tidy) reports zero findings over firmware/ and hal/.
# The check must be able to fail, so a probe with one known defect per
# analyser goes through the same script, suppressions and .clang-tidy, and
# each defect must be reported.
set -u
BUILD=${1:-build}
CJSON_DIR=${CJSON_DIR:-$BUILD/deps/cjson}
if ! tools/scripts/bootstrap.sh lint; then
    echo "herald-suite: 0 passed, 1 failed"
    exit 1
fi
pass=0 fail=0
if tools/scripts/lint.sh "$BUILD" "$CJSON_DIR"; then
    pass=$((pass + 1))
else
    echo "FAIL make lint reports findings"
    fail=$((fail + 1))
fi

# The probe: a discarded status (MISRA 17.7), a product that overflows
# before it is widened (MISRA 10.8), a NULL dereference (clang-tidy's
# analyzer) and a line .clang-format would lay out otherwise.  It lives in BUILD so that clang-tidy finds the repo's config.
probe=$BUILD/lint-probe
mkdir -p "$probe"
cat > "$probe/probe.c" <<'PROBE'
/* SPDX-License-Identifier: Apache-2.0 */
#include <stddef.h>
#include <stdint.h>
#include "herald/status.h"
herald_status_t probe_send(void);
void probe_discard(void);
uint64_t probe_widen(uint32_t a, uint32_t b);
int probe_null(const int *p);
void probe_discard(void)
{
    probe_send();
}
uint64_t probe_widen(uint32_t a, uint32_t b)
{
    return (uint64_t)(a * b);
}
int probe_null(const int *p)
{
    int v  =  0;
    if (p == NULL) {
        v = *p;
    }
    return v;
}
PROBE
LINT_FILES=$probe/probe.c tools/scripts/lint.sh "$probe" "$CJSON_DIR" > "$probe/lint.log" 2>&1
rc=$?
for id in misra-c2012-17.7 misra-c2012-10.8 clang-analyzer-core.NullDereference; do
    if [ "$rc" -ne 0 ] && grep -q "probe.c:.*\[$id" "$probe/lint.log"; then
        pass=$((pass + 1))
    else
        echo "FAIL the probe's $id was not reported (see $probe/lint.log)"
        fail=$((fail + 1))
    fi
done
if grep -q '^lint: clang-format .*: 1 of 1 files not laid out' "$probe/lint.log"; then
    pass=$((pass + 1))
else
    echo "FAIL the probe's layout was not reported (see $probe/lint.log)"
    fail=$((fail + 1))
fi
echo "herald-suite: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
