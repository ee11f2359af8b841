#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Whitespace-separated records are split into fields on purpose.
# shellcheck disable=SC2046,SC2086
# Fetch Herald's C dependencies from Debian trixie source packages and unpack
# each into DEST/<package> (a name that does not change with the version, so
# the Makefile and the scripts never need to know which version is there).
#
# The tested version is pinned by its tarball's sha256 and wins whenever the
# archive (or the cache) still has it; a wrong sum on it is tampering and a
# hard error.  When a point or security release has replaced it, the archive
# no longer has the pinned tarball; then the newest version apt offers in the
# same upstream series (3.6.x, 2.2.x, 1.7.x) is used, trusting apt's signed
# chain (Release signature -> Sources checksum -> the .dsc's file hashes),
# with a loud warning and its sum recorded in DEST/versions.
#
# The mirror comes from this machine's own apt configuration; apt's lists
# live in a private folder so the system's apt setup is never touched.  A
# second run finds the unpacked trees (or the cached tarballs) and touches no
# network.
#
#   tools/scripts/fetch-deps.sh DEST [mbedtls] [lwip] [cjson]
#
# HERALD_DEPS_APT_SOURCES=FILE (for tests only) uses FILE as the apt source
# list instead of the trixie list built from the machine's mirror.
set -eu

DEST=${1:?usage: fetch-deps.sh DEST package...}
mkdir -p "$DEST" && DEST=$(cd "$DEST" && pwd)
shift
PKGS=${*:-mbedtls lwip cjson}
SUITE=trixie

# package | pinned upstream version | series it may move within | orig tarball | sha256 | override variable
pin() {
    case $1 in
    mbedtls) echo "3.6.6 3.6 mbedtls_3.6.6.orig.tar.bz2 8fb65fae8dcae5840f793c0a334860a411f884cc537ea290ce1c52bb64ca007a MBEDTLS_DIR" ;;
    lwip)    echo "2.2.1+dfsg1 2.2 lwip_2.2.1+dfsg1.orig.tar.xz 83729c274c499d3348e9fbbe043a3113f3fa8953e7efddc7c21c7fcbb1f2b7b1 LWIP_DIR" ;;
    cjson)   echo "1.7.18 1.7 cjson_1.7.18.orig.tar.gz 3aa806844a03442c00769b83e99970be70fbef03735ff898f4811dd03b9f5ee5 CJSON_DIR" ;;
    *) echo "fetch-deps: unknown package '$1'" >&2; exit 2 ;;
    esac
}

fail() { # package, what went wrong
    var=$(pin "$1" | cut -d' ' -f5)
    echo "fetch-deps: $1: $2. Fix the network or apt setup, or point the build at your own copy with $var=/path/to/$1 (make $var=...)." >&2
    exit 1
}

. "$(dirname "$0")/apt-private.sh"

# Debian version -> upstream version: drop the epoch and the Debian revision.
upstream() {
    v=$1
    case $v in *:*) v=${v#*:} ;; esac
    case $v in *-*) v=${v%-*} ;; esac
    echo "$v"
}

# The highest of the Debian versions on stdin (dpkg's ordering).
highest() {
    best=""
    while read -r v; do
        if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
    done
    echo "$best"
}

# What a tree or a cached tarball is, as one line (kept in DEST/<pkg>/.herald-unpacked,
# CACHE/chosen.<pkg> and DEST/versions):
#   <pkg> <upstream version> <tarball> <sha256> pinned|FALLBACK(pinned:<version>)
# A line is good for the current pin if it is the pin itself, or a fallback
# chosen while this same version was pinned (a new pin fetches again).
line_is_current() { # pkg, line
    set -- $(pin "$1") $2
    pver=$1 pseries=$2 pfile=$3 psum=$4
    shift 5
    [ $# -eq 5 ] || return 1
    case $5 in
    pinned) [ "$3" = "$pfile" ] && [ "$4" = "$psum" ] ;;
    "FALLBACK(pinned:$pver)")
        # a fallback stays good only as what it was chosen as: another
        # tarball, newer than the pin, in its series
        [ "$3" != "$pfile" ] || return 1
        case $2 in *~*) return 1 ;; "$pseries".*) ;; *) return 1 ;; esac
        dpkg --compare-versions "$2" gt "$pver" ;;
    *) return 1 ;;
    esac
}

# The line for a tarball the cache already holds with its recorded sum, or nothing.
cached_line() { # pkg
    set -- $(pin "$1") "$1"
    pver=$1 pfile=$3 psum=$4 pkg=$6
    if [ -f "$CACHE/$pfile" ] && echo "$psum  $CACHE/$pfile" | sha256sum -c --status; then
        echo "$pkg $pver $pfile $psum pinned"
    elif [ -f "$CACHE/chosen.$pkg" ]; then
        line=$(cat "$CACHE/chosen.$pkg")
        line_is_current "$pkg" "$line" || return 0
        set -- $line
        [ -f "$CACHE/$3" ] && echo "$4  $CACHE/$3" | sha256sum -c --status && echo "$line"
    fi
    return 0
}

CACHE="$DEST/cache"
mkdir -p "$CACHE"

need_download=""
for pkg in $PKGS; do
    pin "$pkg" >/dev/null
    stamp="$DEST/$pkg/.herald-unpacked"
    [ -f "$stamp" ] && line_is_current "$pkg" "$(cat "$stamp")" && continue
    [ -n "$(cached_line "$pkg")" ] || need_download="$need_download $pkg"
done

if [ -n "$need_download" ]; then
    first=$(echo $need_download | cut -d' ' -f1)
    APT="$CACHE/apt"
    if [ -n "${HERALD_DEPS_APT_SOURCES:-}" ]; then
        mkdir -p "$APT"
        cp "$HERALD_DEPS_APT_SOURCES" "$APT/sources.list" 2>/dev/null \
            || fail "$first" "cannot read HERALD_DEPS_APT_SOURCES=$HERALD_DEPS_APT_SOURCES"
        where="the sources in $HERALD_DEPS_APT_SOURCES"
    else
        rm -f "$APT/sources.list" # always the machine's mirror as it is now
        where="Debian $SUITE sources"
    fi
    apt_private "$APT" "$SUITE" || fail "$first" "$apt_error"
    echo "fetch-deps: downloading$need_download ($where) into $CACHE"
    apt-get $aptopts update >"$APT/update.log" 2>&1 \
        || { tail -n 5 "$APT/update.log" >&2; fail "$first" "apt-get update of the $SUITE source list failed"; }
    for pkg in $need_download; do
        set -- $(pin "$pkg")
        pver=$1 series=$2 pfile=$3 psum=$4
        # Every version of the source package the signed index lists.
            versions=$(apt-cache $aptopts showsrc --only-source "$pkg" 2>/dev/null | awk -v pkg="$pkg" '
            /^Package: / { p = $2 } /^Version: / && p == pkg { print $2 }' | sort -u)
        pinned_vers="" series_vers=""
        for v in $versions; do
            case $(upstream "$v") in
            "$pver") pinned_vers="$pinned_vers $v" ;;
            "$series".*)
                # only a release newer than the pin: never back to an older
                # one a stale mirror offers, nor to a pre-release (~)
                u=$(upstream "$v")
                case $u in
                *~*) ;;
                *) if dpkg --compare-versions "$u" gt "$pver"; then series_vers="$series_vers $v"; fi ;;
                esac ;;
            esac
        done
        if [ -n "$pinned_vers" ]; then
            ver=$(echo $pinned_vers | tr ' ' '\n' | highest)
        elif [ -n "$series_vers" ]; then
            ver=$(echo $series_vers | tr ' ' '\n' | highest)
        else
            offers=$(echo "$versions" | xargs)
            fail "$pkg" "the archive has no $pkg $series.x newer than the pinned $pver to replace it (it offers: ${offers:-nothing})"
        fi
        up=$(upstream "$ver")
        work="$CACHE/dl.$pkg"
        rm -rf "$work"; mkdir -p "$work"
        # apt checks the .dsc and every file it lists against the hashes in
        # the Sources index, whose own hash is in the signed Release file.
            (cd "$work" && apt-get $aptopts source --download-only "$pkg=$ver") >"$work.log" 2>&1 \
            || { tail -n 5 "$work.log" >&2; rm -rf "$work"; fail "$pkg" "apt-get source $pkg=$ver failed"; }
        if [ "$up" = "$pver" ]; then
            file=$pfile
            [ -f "$work/$file" ] || { rm -rf "$work"; fail "$pkg" "the source package $pkg $ver has no $file"; }
            # The pinned version under a different sum is not Debian moving
            # on: it is a changed tarball, and nothing else is tried.
            echo "$psum  $work/$file" | sha256sum -c --status \
                || { rm -rf "$work"; fail "$pkg" "sha256 of $file does not match the pinned $psum"; }
            line="$pkg $pver $file $psum pinned"
        else
            origs=""
            for f in "$work/${pkg}_"*.orig.tar.*; do
                case $f in *.asc) ;; *) if [ -f "$f" ]; then origs="$origs ${f##*/}"; fi ;; esac
            done
            set -- $origs
            [ $# -eq 1 ] || { rm -rf "$work"; fail "$pkg" "the source package $pkg $ver has no single orig tarball"; }
            file=$1
            sum=$(sha256sum "$work/$file" | cut -d' ' -f1)
            line="$pkg $up $file $sum FALLBACK(pinned:$pver)"
        fi
        # A file: mirror leaves symlinks into the mirror; the cache keeps copies.
        cp -L "$work/$file" "$CACHE/$file.tmp" && mv "$CACHE/$file.tmp" "$CACHE/$file"
        echo "$line" > "$CACHE/chosen.$pkg"
        rm -rf "$work" "$work.log"
    done
fi

warn_fallback() { # the line of a fallback tree
    set -- $1
    set -- "$@" $(pin "$1")
    say() { echo "fetch-deps: $*" >&2; }
    say "======================================================================"
    say "WARNING: $1 $6, the pinned and tested version, is no longer in the archive."
    say "  Using $1 $2 instead: the newest $7.x that apt offers, verified through"
    say "  apt's signed chain (Release -> Sources -> .dsc), but NOT tested with Herald."
    say "  tarball $3"
    say "  sha256  $4"
    say "  Recorded in $DEST/versions. Test it, then update the pin in tools/scripts/fetch-deps.sh."
    say "======================================================================"
}

# Unpack into a temporary folder and rename into place, so an interrupted
# run never leaves a half-unpacked tree that looks complete.
for pkg in $PKGS; do
    stamp="$DEST/$pkg/.herald-unpacked"
    [ -f "$stamp" ] && line_is_current "$pkg" "$(cat "$stamp")" && continue
    line=$(cached_line "$pkg")
    [ -n "$line" ] || fail "$pkg" "the cached tarball does not match its recorded sha256"
    set -- $line
    file=$3
    tmp="$DEST/.unpack.$pkg"
    rm -rf "$tmp" "${DEST:?}/$pkg"
    mkdir -p "$tmp"
    # -m: the files get today's time, so objects built from another version
    # are older than their sources and make rebuilds them.
    tar -xmf "$CACHE/$file" -C "$tmp" || { rm -rf "$tmp"; fail "$pkg" "could not unpack $file"; }
    top=$(ls -A "$tmp")
    if [ "$(echo "$top" | grep -c .)" -ne 1 ] || [ ! -d "$tmp/$top" ]; then
        rm -rf "$tmp"; fail "$pkg" "$file does not hold exactly one top folder"
    fi
    echo "$line" > "$tmp/$top/.herald-unpacked"
    mv "$tmp/$top" "$DEST/$pkg"
    rm -rf "$tmp"
    case $line in *FALLBACK*) warn_fallback "$line" ;; esac
    echo "fetch-deps: $pkg $2 ready in $DEST/$pkg (from $file)"
done

# What every tree in DEST is, for people and for `make deps`.
{
    echo "# package upstream-version tarball sha256 pinned|FALLBACK(pinned:version) -- written by tools/scripts/fetch-deps.sh"
    for pkg in mbedtls lwip cjson; do
        if [ -f "$DEST/$pkg/.herald-unpacked" ]; then cat "$DEST/$pkg/.herald-unpacked"; fi
    done
} > "$DEST/versions.tmp"
mv "$DEST/versions.tmp" "$DEST/versions"
