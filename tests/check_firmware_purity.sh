#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# firmware/ must call no allocator, no stdio and no OS: every undefined
# symbol of every object built from firmware/ must be on this short list
# (string/memory routines, cJSON, and Herald's own functions).
set -u
BUILD=${1:-build}
objs=$(find "$BUILD/native/obj/firmware" -name '*.o' 2>/dev/null | sort)
[ -n "$objs" ] || { echo "no firmware objects under $BUILD/native/obj/firmware"; echo "herald-suite: 0 passed, 1 failed"; exit 1; }
allowed='^(mem(cpy|move|set|cmp|chr)|str(len|nlen|chr|rchr|cmp|ncmp|cspn|spn)|cJSON_[A-Za-z_]+|herald_[a-z0-9_]+|__stack_chk_fail|_GLOBAL_OFFSET_TABLE_)$'
pass=0 fail=0
for o in $objs; do
    bad=$(nm -u "$o" | awk '{print $NF}' | grep -Ev "$allowed" || true)
    if [ -n "$bad" ]; then
        echo "FAIL $o references: $(echo $bad)"
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
done
# The check itself must be able to fail: a probe object calling malloc,
# printf and socket is refused.
probe=$(mktemp -d)
printf '#include <stdlib.h>\n#include <stdio.h>\n#include <sys/socket.h>\nvoid p(void){free(malloc(1));printf("x");socket(0,0,0);}\n' > "$probe/p.c"
cc -c "$probe/p.c" -o "$probe/p.o"
if nm -u "$probe/p.o" | awk '{print $NF}' | grep -Evq "$allowed"; then pass=$((pass + 1)); else echo "FAIL the probe was not caught"; fail=$((fail + 1)); fi
rm -rf "$probe"
echo "$(echo "$objs" | wc -l) firmware objects checked"
echo "herald-suite: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
