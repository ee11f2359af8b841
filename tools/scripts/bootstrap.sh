#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Install the Debian packages a make goal needs, when they are missing.
# Uses sudo only when not root, and says what it installs.
#
#   tools/scripts/bootstrap.sh GOAL...     (build, test, run, bench, size, lint, qemu, fuzz, coverage)
set -eu

pkgs_for() {
    case $1 in
    build)    echo "gcc make libc6-dev binutils xz-utils bzip2 ca-certificates debian-archive-keyring" ;;
    test)     echo "libcmocka-dev openssl python3 valgrind $(pkgs_for build)" ;;
    run)      echo "openssl python3 $(pkgs_for build)" ;;
    bench)    echo "valgrind curl binutils-arm-none-eabi gcc-arm-none-eabi libnewlib-arm-none-eabi $(pkgs_for run)" ;;
    size)     echo "binutils-arm-none-eabi gcc-arm-none-eabi libnewlib-arm-none-eabi python3" ;;
    qemu)     echo "qemu-system-arm gcc-arm-none-eabi libnewlib-arm-none-eabi openssl python3" ;;
    lint)     echo "cppcheck clang-tidy clang-format" ;;
    fuzz)     echo "clang libclang-rt-dev" ;;
    coverage) echo "gcovr" ;;
    *) echo "bootstrap: unknown goal '$1'" >&2; exit 2 ;;
    esac
}

want=""
for goal in "$@"; do want="$want $(pkgs_for "$goal")"; done
missing=""
for p in $(echo $want | tr ' ' '\n' | sort -u); do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case $st in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "bootstrap: installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
$SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null \
    || { echo "bootstrap: could not install:$missing (try: apt-get install$missing)" >&2; exit 1; }
