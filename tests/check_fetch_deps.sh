#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tools/scripts/fetch-deps.sh when Debian has moved on: a local apt source (file:
# URI, its own [trusted=yes] repo, no network) stands in for the archive and
# holds fake "cjson" source packages, but not the pinned 1.7.18 tarball.
#  - 1.7.19 and 1.8.0 offered: 1.7.19 is used, with a loud warning, its sum
#    recorded, and the build compiles the unpacked tree;
#  - only 1.8.0 offered: a clear failure naming the package and the override;
#  - the pinned 1.7.18 offered under a wrong sum (and 1.7.19 too): a hard
#    error, no fallback;
#  - the real pinned tarball offered (when this build has it cached) next to
#    1.7.19: the pin wins.
set -u
BUILD=${1:-build}
T=$(mktemp -d)
# KEEP=1 leaves the temporary folder for a look.
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
pass=0 fail=0 skip=""
ok()  { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
check() { # description, command...
    what=$1; shift
    if "$@"; then ok; else bad "$what"; fi
}

# A source package cjson VERSION whose orig tarball is FILE (made here as a
# tiny cJSON stand-in defining herald_fake_cjson_MARK, unless FILE exists).
add_pkg() { # repo, debian version, upstream version, mark
    repo=$1 ver=$2 up=$3 mark=$4
    mkdir -p "$repo"
    orig=cjson_$up.orig.tar.gz deb=cjson_$ver.debian.tar.xz dsc=cjson_$ver.dsc
    if [ ! -f "$repo/$orig" ]; then
        src=$T/src.$mark/cJSON-$up
        mkdir -p "$src" "$T/deb.$mark/debian"
        printf 'int herald_fake_cjson_%s(void);\n' "$mark" > "$src/cJSON.h"
        printf '#include "cJSON.h"\nint herald_fake_cjson_%s(void) { return 1; }\n' "$mark" > "$src/cJSON.c"
        tar -czf "$repo/$orig" -C "$T/src.$mark" "cJSON-$up"
    fi
    mkdir -p "$T/deb.$mark/debian"
    tar -cJf "$repo/$deb" -C "$T/deb.$mark" debian
    sha() { sha256sum "$repo/$1" | cut -d' ' -f1; }
    md5() { md5sum "$repo/$1" | cut -d' ' -f1; }
    size() { stat -c %s "$repo/$1"; }
    printf 'Format: 3.0 (quilt)\nSource: cjson\nBinary: libcjson-dev\nArchitecture: any\nVersion: %s\nMaintainer: Herald tests <tests@invalid>\nChecksums-Sha256:\n %s %s %s\n %s %s %s\nFiles:\n %s %s %s\n %s %s %s\n' \
        "$ver" "$(sha "$orig")" "$(size "$orig")" "$orig" "$(sha "$deb")" "$(size "$deb")" "$deb" \
        "$(md5 "$orig")" "$(size "$orig")" "$orig" "$(md5 "$deb")" "$(size "$deb")" "$deb" > "$repo/$dsc"
    # The Sources paragraph, as dpkg-scansources would write it.
    {
        printf 'Package: cjson\nBinary: libcjson-dev\nVersion: %s\nArchitecture: any\nFormat: 3.0 (quilt)\nDirectory: .\n' "$ver"
        printf 'Checksums-Sha256:\n'
        for f in $dsc $orig $deb; do printf ' %s %s %s\n' "$(sha "$f")" "$(size "$f")" "$f"; done
        printf 'Files:\n'
        for f in $dsc $orig $deb; do printf ' %s %s %s\n' "$(md5 "$f")" "$(size "$f")" "$f"; done
        printf '\n'
    } >> "$repo/Sources"
    echo "deb-src [trusted=yes] file:$repo ./" > "$repo.list"
}

fetch() { # repo, dest: run fetch-deps.sh for cjson against the repo
    HERALD_DEPS_APT_SOURCES=$1.list tools/scripts/fetch-deps.sh "$2" cjson > "$2.out" 2> "$2.err"
}
cjson_line() { grep '^cjson ' "$1/versions" 2>/dev/null; }

# 1. Debian moved on within the series: 1.7.19 is taken, never 1.8.0.
add_pkg "$T/moved" 1.7.19-1 1.7.19 1_7_19
add_pkg "$T/moved" 1.8.0-1 1.8.0 1_8_0
D=$T/b/deps
mkdir -p "$T/b"
if fetch "$T/moved" "$D"; then ok; else bad "fallback to 1.7.19 failed: $(cat "$D.err")"; fi
sum=$(sha256sum "$T/moved/cjson_1.7.19.orig.tar.gz" | cut -d' ' -f1)
check "the unpacked tree is not 1.7.19" grep -q herald_fake_cjson_1_7_19 "$D/cjson/cJSON.c"
check "no loud warning naming both versions" sh -c "grep -q WARNING '$D.err' && grep -q 1.7.18 '$D.err' && grep -q 'cjson 1.7.19' '$D.err'"
check "the warning does not give the sha256 $sum" grep -q "sha256  $sum" "$D.err"
check "versions does not record the fallback: $(cjson_line "$D")" \
    test "$(cjson_line "$D")" = "cjson 1.7.19 cjson_1.7.19.orig.tar.gz $sum FALLBACK(pinned:1.7.18)"
# A second run (and the build) must use what is there: a download would fail
# on the missing source list.
if HERALD_DEPS_APT_SOURCES=$T/none tools/scripts/fetch-deps.sh "$D" cjson > "$T/again.out" 2>&1 && ! grep -q downloading "$T/again.out"; then
    ok
else
    bad "a second run did not reuse the fallback tree: $(cat "$T/again.out")"
fi
mkdir -p "$T/own-mbedtls"
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL HERALD_DEPS_APT_SOURCES="$T/none" make --no-print-directory -s BOARD=native \
        BUILD="$T/b" MBEDTLS_DIR="$T/own-mbedtls" deps "$T/b/native-deps/libcjson.a" > "$T/make.out" 2>&1; then
    check "make deps does not show the fallback: $(cat "$T/make.out")" grep -q "cjson: $T/b/deps/cjson 1.7.19 .*FALLBACK" "$T/make.out"
    check "the build did not compile the fallback tree" sh -c "nm '$T/b/native-deps/libcjson.a' | grep -q herald_fake_cjson_1_7_19"
else
    bad "make with the fallback tree failed: $(cat "$T/make.out")"
fi

# 2. Nothing left in the series: a clear failure, nothing unpacked.
add_pkg "$T/gone" 1.8.0-1 1.8.0 1_8_0
D=$T/gone-deps
if fetch "$T/gone" "$D"; then
    bad "a repo with only 1.8.0 was accepted: $(cat "$D.out")"
else
    check "the failure does not name the series, package and override: $(cat "$D.err")" \
        sh -c "grep -q 'cjson: the archive has no cjson 1.7.x' '$D.err' && grep -q 'CJSON_DIR=' '$D.err'"
    check "something was unpacked" test ! -e "$D/cjson"
fi

# 2b. Only older releases of the series, or a pre-release: never taken
#     (a stale mirror must not take the build back).
add_pkg "$T/stale" 1.7.10-1 1.7.10 1_7_10
add_pkg "$T/stale" 1.7.19~rc1-1 1.7.19~rc1 1_7_19rc1
D=$T/stale-deps
if fetch "$T/stale" "$D"; then
    bad "a repo with only 1.7.10 and 1.7.19~rc1 was accepted: $(cat "$D.out" "$D.err")"
else
    check "the failure does not say there is nothing newer: $(cat "$D.err")" \
        grep -q 'no cjson 1.7.x newer than the pinned 1.7.18' "$D.err"
    check "something was unpacked" test ! -e "$D/cjson"
fi

# 3. The pinned version under another sum is tampering: a hard error, even
#    though 1.7.19 is there to fall back to.
add_pkg "$T/tampered" 1.7.18-3 1.7.18 1_7_18
add_pkg "$T/tampered" 1.7.19-1 1.7.19 1_7_19
D=$T/tampered-deps
if fetch "$T/tampered" "$D"; then
    bad "a pinned tarball with a wrong sum was accepted: $(cat "$D.out" "$D.err")"
else
    check "the failure does not name the sum: $(cat "$D.err")" grep -q 'sha256 of cjson_1.7.18.orig.tar.gz does not match the pinned' "$D.err"
    check "it fell back or unpacked something" sh -c "test ! -e '$D/cjson' && ! grep -q WARNING '$D.err'"
fi

# 4. The pin wins when it is there (needs the real tarball, which any build
#    of this tree has fetched).
real=$BUILD/deps/cache/cjson_1.7.18.orig.tar.gz
if [ -f "$real" ] && echo "3aa806844a03442c00769b83e99970be70fbef03735ff898f4811dd03b9f5ee5  $real" | sha256sum -c --status; then
    mkdir -p "$T/pinned" && cp "$real" "$T/pinned/"
    add_pkg "$T/pinned" 1.7.18-3 1.7.18 real
    add_pkg "$T/pinned" 1.7.19-1 1.7.19 1_7_19
    D=$T/pinned-deps
    if fetch "$T/pinned" "$D"; then
        line=$(cjson_line "$D")
        check "the pin did not win: $line" test "$line" = \
            "cjson 1.7.18 cjson_1.7.18.orig.tar.gz 3aa806844a03442c00769b83e99970be70fbef03735ff898f4811dd03b9f5ee5 pinned"
        check "the pinned tree is not the real cJSON" grep -q 'cJSON_Parse' "$D/cjson/cJSON.c"
        check "a warning for the pinned version" sh -c "! grep -q WARNING '$D.err'"
    else
        bad "the pinned version was refused: $(cat "$D.err")"
    fi
else
    echo "SKIP the pin-wins case: no cached $real"
    skip=1
fi

echo "herald-suite: $pass passed, $fail failed${skip:+ ($skip skipped)}"
[ "$fail" -eq 0 ]
