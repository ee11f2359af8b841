/* SPDX-License-Identifier: Apache-2.0 */
/* The one FNV-1a loop gives the published 32- and 64-bit values. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "firmware/src/fnv.h"

static uint64_t fnv64(const char *s)
{
    return herald_fnv1a(HERALD_FNV64_OFFSET, HERALD_FNV64_PRIME, s, strlen(s));
}

static void test_known_values(void **state)
{
    (void)state;
    assert_int_equal(herald_fnv1a32("", 0u), 0x811c9dc5u);
    assert_int_equal(herald_fnv1a32("a", 1u), 0xe40c292cu);
    assert_int_equal(herald_fnv1a32("foobar", 6u), 0xbf9cf968u);
    assert_true(fnv64("") == 0xcbf29ce484222325u);
    assert_true(fnv64("a") == 0xaf63dc4c8601ec8cu);
    assert_true(fnv64("foobar") == 0x85944171f73967e8u);
}

static void test_continues(void **state)
{
    uint64_t h;
    (void)state;
    h = herald_fnv1a(HERALD_FNV64_OFFSET, HERALD_FNV64_PRIME, "foo", 3u);
    assert_true(herald_fnv1a(h, HERALD_FNV64_PRIME, "bar", 3u) == fnv64("foobar"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_continues),
    };
    return cmocka_run_group_tests_name("fnv", tests, NULL, NULL);
}
