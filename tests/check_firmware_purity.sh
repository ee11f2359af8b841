#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The layers, checked on the objects themselves (nm):
#  1. firmware/ calls no allocator, no stdio and no OS: every undefined
#     symbol of every object built from firmware/ is a string/memory routine,
#     cJSON, or a herald_* function that firmware/ itself defines (so firmware
#     calling a port, e.g. herald_posix_net_init, is caught: the seams of hal/
#     are function pointers, never link-time calls).
#  2. each port keeps its own prefixes: every global symbol a port object
#     defines starts with one of its port's prefixes, and firmware/ defines
#     none that does, so a name tells which layer owns it.
# Every rule is also run on a probe that breaks it and must be caught.
set -u
BUILD=${1:-build}
objs=$(find "$BUILD/native/obj/firmware" -name '*.o' 2>/dev/null | sort)
[ -n "$objs" ] || { echo "no firmware objects under $BUILD/native/obj/firmware"; echo "herald-suite: 0 passed, 1 failed"; exit 1; }
allowed='^(mem(cpy|move|set|cmp|chr)|str(len|nlen|chr|rchr|cmp|ncmp|cspn|spn)|cJSON_[A-Za-z_]+|__stack_chk_fail|_GLOBAL_OFFSET_TABLE_)$'
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2086
nm --defined-only $objs | awk 'NF == 3 && $3 ~ /^herald_/ {print $3}' | sort -u > "$work/fw-defined"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# Undefined symbols of one object that rule 1 refuses.
fw_refused() {
    nm -u "$1" | awk '{print $NF}' | grep -Ev "$allowed" | grep -vxF -f "$work/fw-defined" || true
}

# The prefixes each port owns, with why where it is more than one:
#  posix:   herald_posix_ for the system seams; herald_flash_file_ for the
#           file-backed NOR part, named after its own header (herald_flash_file.h).
#  mbedtls: herald_tls_; plus the one name Mbed TLS dictates, the entropy
#           callback it calls under MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG.
#  lwip:    herald_lwip_.
prefixes_posix='^(herald_posix_|herald_flash_file_)'
prefixes_mbedtls='^(herald_tls_|mbedtls_psa_external_get_random$)'
prefixes_lwip='^herald_lwip_'
port_prefixes='^(herald_posix_|herald_flash_file_|herald_tls_|herald_lwip_|mbedtls_)'

# Global symbols an object defines that do not start with the given prefixes.
off_prefix() { # object, prefixes
    nm -g --defined-only "$1" | awk 'NF == 3 {print $3}' | grep -Ev "$2" || true
}

# Global symbols of the objects that are named like a port's.
port_named() { # objects...
    nm -g --defined-only "$@" | awk 'NF == 3 {print $3}' | grep -E "$port_prefixes" || true
}

# ---- 1. firmware's undefined symbols
for o in $objs; do
    refused=$(fw_refused "$o")
    if [ -n "$refused" ]; then bad "$o references: $(echo $refused)"; else ok; fi
done

# ---- 2. the ports' prefixes, on every board build there is (port/lwip is
# built only for the Cortex-M board; host nm reads its objects too)
for port in posix mbedtls lwip; do
    eval "prefixes=\$prefixes_$port"
    pobjs=$(find "$BUILD"/*/obj/port/$port -name '*.o' 2>/dev/null | sort)
    if [ -z "$pobjs" ]; then
        echo "note: port/$port is not built under $BUILD, its prefixes are not checked"
        continue
    fi
    for o in $pobjs; do
        off=$(off_prefix "$o" "$prefixes")
        if [ -n "$off" ]; then bad "$o (port/$port) defines: $(echo $off)"; else ok; fi
    done
done
# shellcheck disable=SC2086
named=$(port_named $objs)
if [ -n "$named" ]; then bad "firmware defines port-named symbols: $(echo $named)"; else ok; fi

# ---- the probes: each rule must be able to fail
cat > "$work/os.c" <<'EOF'
#include <stdlib.h>
#include <stdio.h>
#include <sys/socket.h>
void p(void){free(malloc(1));printf("x");socket(0,0,0);}
EOF
# A firmware object calling a port function: herald_* but not firmware's.
cat > "$work/port.c" <<'EOF'
struct herald_net;
int herald_posix_net_init(struct herald_net *n);
int p(struct herald_net *n);
int p(struct herald_net *n){return herald_posix_net_init(n);}
EOF
# A port object defining a name outside its prefixes.
cat > "$work/prefix.c" <<'EOF'
int herald_net_helper(void);
int herald_net_helper(void){return 0;}
EOF
# A firmware object defining a name of a port's.
cat > "$work/named.c" <<'EOF'
int herald_tls_helper(void);
int herald_tls_helper(void){return 0;}
EOF
for f in os port prefix named; do
    cc -c "$work/$f.c" -o "$work/$f.o" || bad "the $f probe does not compile"
done
if [ -n "$(fw_refused "$work/os.o")" ]; then ok; else bad "the malloc/printf/socket probe was not caught"; fi
if [ "$(fw_refused "$work/port.o")" = herald_posix_net_init ]; then ok; else bad "the probe calling a port function was not caught"; fi
if [ "$(off_prefix "$work/prefix.o" "$prefixes_posix")" = herald_net_helper ]; then ok; else bad "the probe port symbol without its prefix was not caught"; fi
if [ "$(port_named "$work/named.o")" = herald_tls_helper ]; then ok; else bad "the probe firmware symbol named like a port's was not caught"; fi

echo "$(echo "$objs" | wc -l) firmware objects and $(wc -l < "$work/fw-defined") herald_* symbols they define checked"
echo "herald-suite: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
