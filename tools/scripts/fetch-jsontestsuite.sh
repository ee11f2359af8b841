#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# JSONTestSuite's test_parsing files (nst/JSONTestSuite), for
# tests/check_jsontestsuite.sh.  Debian carries no JSONTestSuite package,
# but yyjson's orig tarball ships an identical copy of test_parsing (plus one
# file under an older name), so it is taken from there: pinned by sha256,
# fetched through apt with private lists like tools/scripts/fetch-deps.sh (the
# lists fetch-deps.sh left in DEPS/cache/apt are reused), never committed.
#
#   tools/scripts/fetch-jsontestsuite.sh DEPS     prints the test_parsing folder
set -eu
. "$(dirname "$0")/apt-private.sh"

DEPS=${1:?usage: fetch-jsontestsuite.sh DEPS}
mkdir -p "$DEPS" && DEPS=$(cd "$DEPS" && pwd)
SUITE=trixie
PKG=yyjson
FILE=yyjson_0.10.0+ds.orig.tar.xz
SUM=ae6fde69a193e10afab426ef13f113d6903446405f9db9ee98bfb572bd6c961a
OUT="$DEPS/JSONTestSuite-from-yyjson-0.10.0"
CACHE="$DEPS/cache"

if [ -f "$OUT/.herald-unpacked" ]; then
    echo "$OUT/test_parsing"
    exit 0
fi
mkdir -p "$CACHE"
if [ ! -f "$CACHE/$FILE" ] || ! echo "$SUM  $CACHE/$FILE" | sha256sum -c --status; then
    APT="$CACHE/apt"
    apt_private "$APT" "$SUITE" || { echo "fetch-jsontestsuite: $apt_error" >&2; exit 1; }
    if ! ls "$APT/lists/" | grep -q '_Sources'; then
        # shellcheck disable=SC2086
        apt-get $aptopts update >"$APT/update-jsontestsuite.log" 2>&1 \
            || { echo "fetch-jsontestsuite: apt-get update failed" >&2; exit 1; }
    fi
    work="$CACHE/dl.jsontestsuite"
    rm -rf "$work"; mkdir -p "$work"
    # Only the orig tarball is needed: a missing .dsc or diff is no failure.
    # shellcheck disable=SC2086
    (cd "$work" && apt-get $aptopts source --download-only "$PKG") >"$work.log" 2>&1 || true
    [ -f "$work/$FILE" ] || { tail -n 3 "$work.log" >&2; rm -rf "$work"; echo "fetch-jsontestsuite: could not download $FILE" >&2; exit 1; }
    echo "$SUM  $work/$FILE" | sha256sum -c --status \
        || { rm -rf "$work"; echo "fetch-jsontestsuite: sha256 of $FILE does not match the pin" >&2; exit 1; }
    mv "$work/$FILE" "$CACHE/$FILE"
    rm -rf "$work" "$work.log"
fi
tmp="$DEPS/.unpack.jsontestsuite"
rm -rf "$tmp" "$OUT"
mkdir -p "$tmp"
tar -xf "$CACHE/$FILE" -C "$tmp" --wildcards '*/test/data/json/test_parsing/*'
mkdir -p "$OUT"
mv "$tmp"/*/test/data/json/test_parsing "$OUT/test_parsing"
rm -rf "$tmp"
touch "$OUT/.herald-unpacked"
echo "$OUT/test_parsing"
