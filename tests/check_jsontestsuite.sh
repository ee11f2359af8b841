#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# JSONTestSuite (test_parsing) through the platform response reader's JSON
# layer (strict check, then cJSON): every y_ file read, every n_ file
# refused, each i_ file listed with what the reader does.  The files come
# from a Debian source package at test time (tools/scripts/fetch-jsontestsuite.sh);
# without the package archive the step is skipped, saying so.
set -u
BUILD=${1:-build}
bin="$BUILD/native/tests/test_json_strict"
[ -x "$bin" ] || { echo "no $bin (make unit-bins first)"; echo "herald-suite: 0 passed, 1 failed"; exit 1; }
if ! dir=$(sh tools/scripts/fetch-jsontestsuite.sh "$BUILD/deps"); then
    echo "check_jsontestsuite: JSONTestSuite could not be fetched: skipped (the unit cases in tests/unit/test_json_strict.c still run)"
    echo "herald-suite: 0 passed, 0 failed"
    exit 0
fi
"$bin" "$dir"
