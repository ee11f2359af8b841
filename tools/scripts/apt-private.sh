# SPDX-License-Identifier: Apache-2.0
# Sourced by tools/scripts/fetch-deps.sh and tools/scripts/fetch-jsontestsuite.sh: apt with
# lists of its own, so that Debian source packages can be fetched without
# touching the system's apt setup.  The mirror is read from this machine's
# own apt configuration; no host name is written here.

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

# apt_private APT SUITE: make APT a private apt root whose source list is the
# deb-src line of SUITE on the machine's mirror (kept if APT/sources.list is
# already there), and set $aptopts for apt-get and apt-cache.  Returns 1,
# saying why in $apt_error, when no mirror or keyring is found.
apt_private() {
    mkdir -p "$1/lists/partial" "$1/archives/partial"
    aptopts="-o Dir::Etc::SourceList=$1/sources.list -o Dir::Etc::SourceParts=/dev/null
             -o Dir::State::Lists=$1/lists -o Dir::Cache=$1 -o Debug::NoLocking=1
             -o APT::Sandbox::User=root -q"
    [ -f "$1/sources.list" ] && return 0
    uri=$(pick_mirror) || true
    [ -n "$uri" ] || { apt_error="no Debian mirror found in /etc/apt/sources.list*"; return 1; }
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    [ -r "$keyring" ] || { apt_error="$keyring is missing (install debian-archive-keyring)"; return 1; }
    echo "deb-src [signed-by=$keyring] $uri $2 main" > "$1/sources.list"
}
