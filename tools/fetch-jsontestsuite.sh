#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# JSONTestSuite's test_parsing files (nst/JSONTestSuite), for
# tests/check_jsontestsuite.sh.  Debian carries no JSONTestSuite package,
# but yyjson's orig tarball ships an identical copy of test_parsing (plus one
# file under an older name), so it is taken from there: pinned by sha256,
# fetched through apt with private lists like tools/fetch-deps.sh (the
# lists fetch-deps.sh left in DEPS/cache/apt are reused), never committed.
#
#   tools/fetch-jsontestsuite.sh DEPS     prints the test_parsing folder
set -eu

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
    # The machine's first Debian archive URI (as fetch-deps.sh finds it).
    uri=$( { for f in /etc/apt/sources.list.d/*.sources; do
                 [ -r "$f" ] && awk 'tolower($1)=="uris:" { for (i = 2; i <= NF; i++) print $i }' "$f"
             done
             for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
                 [ -r "$f" ] && awk '$1=="deb" || $1=="deb-src" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i ~ /:\/\//) { print $i; break } }' "$f"
             done; } 2>/dev/null | grep -v -e security -e updates | head -n 1)
    [ -n "$uri" ] || { echo "fetch-jsontestsuite: no Debian mirror in /etc/apt/sources.list*" >&2; exit 1; }
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    APT="$CACHE/apt"
    mkdir -p "$APT/lists/partial" "$APT/archives/partial"
    [ -f "$APT/sources.list" ] || echo "deb-src [signed-by=$keyring] $uri $SUITE main" > "$APT/sources.list"
    aptopts="-o Dir::Etc::SourceList=$APT/sources.list -o Dir::Etc::SourceParts=/dev/null
             -o Dir::State::Lists=$APT/lists -o Dir::Cache=$APT -o Debug::NoLocking=1
             -o APT::Sandbox::User=root -q"
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
