#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fetch Herald's C dependencies from Debian trixie source packages, check
# their pinned sha256 sums and unpack them into DEST.  The mirror comes from
# this machine's own apt configuration; apt's lists live in a private folder
# so the system's apt setup is never touched.  A second run finds the
# unpacked trees (or the cached tarballs) and touches no network.
#
#   tools/fetch-deps.sh DEST [mbedtls] [lwip] [cjson]
set -eu

DEST=${1:?usage: fetch-deps.sh DEST package...}
mkdir -p "$DEST" && DEST=$(cd "$DEST" && pwd)
shift
PKGS=${*:-mbedtls lwip cjson}
SUITE=trixie

# package | orig tarball | sha256 | top folder in tarball | override variable
pin() {
    case $1 in
    mbedtls) echo "mbedtls_3.6.6.orig.tar.bz2 8fb65fae8dcae5840f793c0a334860a411f884cc537ea290ce1c52bb64ca007a mbedtls-3.6.6 MBEDTLS_DIR" ;;
    lwip)    echo "lwip_2.2.1+dfsg1.orig.tar.xz 83729c274c499d3348e9fbbe043a3113f3fa8953e7efddc7c21c7fcbb1f2b7b1 lwip-2.2.1 LWIP_DIR" ;;
    cjson)   echo "cjson_1.7.18.orig.tar.gz 3aa806844a03442c00769b83e99970be70fbef03735ff898f4811dd03b9f5ee5 cJSON-1.7.18 CJSON_DIR" ;;
    *) echo "fetch-deps: unknown package '$1'" >&2; exit 2 ;;
    esac
}

fail() { # package, what went wrong
    var=$(pin "$1" | cut -d' ' -f4)
    echo "fetch-deps: $1: $2. Fix the network or apt setup, or point the build at your own copy with $var=/path/to/$1 (make $var=...)." >&2
    exit 1
}

# The first Debian archive URI in the machine's apt sources (deb822 or
# one-line format), skipping security and third-party repositories.
mirror_uri() {
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        awk 'tolower($1)=="uris:" { for (i = 2; i <= NF; i++) print $i }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        awk '$1=="deb" || $1=="deb-src" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i ~ /:\/\//) { print $i; break } }' "$f"
    done
}
pick_mirror() {
    uris=$(mirror_uri | grep -v -e security -e updates)
    echo "$uris" | grep '/debian/\?$' | head -n 1 | grep . || echo "$uris" | head -n 1
}

CACHE="$DEST/cache"
mkdir -p "$CACHE"

need_download=""
for pkg in $PKGS; do
    set -- $(pin "$pkg")
    file=$1 sum=$2 top=$3
    [ -f "$DEST/$top/.herald-unpacked" ] && continue
    if [ ! -f "$CACHE/$file" ] || ! echo "$sum  $CACHE/$file" | sha256sum -c --status; then
        need_download="$need_download $pkg"
    fi
done

if [ -n "$need_download" ]; then
    first=$(echo $need_download | cut -d' ' -f1)
    uri=$(pick_mirror) || true
    [ -n "$uri" ] || fail "$first" "no Debian mirror found in /etc/apt/sources.list*"
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    [ -r "$keyring" ] || fail "$first" "$keyring is missing (install debian-archive-keyring)"
    APT="$CACHE/apt"
    mkdir -p "$APT/lists/partial" "$APT/archives/partial"
    echo "deb-src [signed-by=$keyring] $uri $SUITE main" > "$APT/sources.list"
    aptopts="-o Dir::Etc::SourceList=$APT/sources.list -o Dir::Etc::SourceParts=/dev/null
             -o Dir::State::Lists=$APT/lists -o Dir::Cache=$APT -o Debug::NoLocking=1
             -o APT::Sandbox::User=root -q"
    echo "fetch-deps: downloading$need_download (Debian $SUITE sources) into $CACHE"
    # shellcheck disable=SC2086
    apt-get $aptopts update >"$APT/update.log" 2>&1 \
        || { tail -n 5 "$APT/update.log" >&2; fail "$first" "apt-get update of the $SUITE source list failed"; }
    for pkg in $need_download; do
        set -- $(pin "$pkg")
        file=$1 sum=$2
        work="$CACHE/dl.$pkg"
        rm -rf "$work"; mkdir -p "$work"
        # shellcheck disable=SC2086
        (cd "$work" && apt-get $aptopts source --download-only "$pkg") >"$work.log" 2>&1 \
            || { tail -n 5 "$work.log" >&2; rm -rf "$work"; fail "$pkg" "apt-get source failed"; }
        [ -f "$work/$file" ] || { rm -rf "$work"; fail "$pkg" "the source package has no $file (version changed in $SUITE?)"; }
        echo "$sum  $work/$file" | sha256sum -c --status \
            || { rm -rf "$work"; fail "$pkg" "sha256 of $file does not match the pinned $sum"; }
        mv "$work/$file" "$CACHE/$file"
        rm -rf "$work" "$work.log"
    done
fi

# Unpack into a temporary folder and rename into place, so an interrupted
# run never leaves a half-unpacked tree that looks complete.
for pkg in $PKGS; do
    set -- $(pin "$pkg")
    file=$1 sum=$2 top=$3
    [ -f "$DEST/$top/.herald-unpacked" ] && continue
    echo "$sum  $CACHE/$file" | sha256sum -c --status \
        || fail "$pkg" "cached $file does not match the pinned sha256"
    tmp="$DEST/.unpack.$pkg"
    rm -rf "$tmp" "$DEST/$top"
    mkdir -p "$tmp"
    tar -xf "$CACHE/$file" -C "$tmp" || { rm -rf "$tmp"; fail "$pkg" "could not unpack $file"; }
    [ -d "$tmp/$top" ] || { rm -rf "$tmp"; fail "$pkg" "$file has no $top/ folder"; }
    touch "$tmp/$top/.herald-unpacked"
    mv "$tmp/$top" "$DEST/$top"
    rm -rf "$tmp"
    echo "fetch-deps: $pkg ready in $DEST/$top"
done
