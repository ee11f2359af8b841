/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "firmware/src/utf8.h"

#define VALID(lit) herald_utf8_valid((lit), sizeof(lit) - 1u)

static void test_accepts_well_formed(void **state)
{
    (void)state;
    assert_int_equal(herald_utf8_valid("", 0u), 1);
    assert_int_equal(herald_utf8_valid(NULL, 0u), 1);
    assert_int_equal(VALID("order-confirmation"), 1);
    assert_int_equal(VALID("\x7f"), 1);
    assert_int_equal(VALID("caf\xc3\xa9"), 1);      /* é */
    assert_int_equal(VALID("\xe6\xbc\xa2"), 1);     /* 漢 */
    assert_int_equal(VALID("\xf0\x9f\x98\x80"), 1); /* 😀 */
    /* The edges of every range in RFC 3629's table. */
    assert_int_equal(VALID("\xc2\x80"), 1);         /* U+0080 */
    assert_int_equal(VALID("\xdf\xbf"), 1);         /* U+07FF */
    assert_int_equal(VALID("\xe0\xa0\x80"), 1);     /* U+0800 */
    assert_int_equal(VALID("\xed\x9f\xbf"), 1);     /* U+D7FF */
    assert_int_equal(VALID("\xee\x80\x80"), 1);     /* U+E000 */
    assert_int_equal(VALID("\xef\xbf\xbf"), 1);     /* U+FFFF */
    assert_int_equal(VALID("\xf0\x90\x80\x80"), 1); /* U+10000 */
    assert_int_equal(VALID("\xf4\x8f\xbf\xbf"), 1); /* U+10FFFF */
}

static void test_rejects_malformed(void **state)
{
    (void)state;
    assert_int_equal(herald_utf8_valid(NULL, 1u), 0);
    assert_int_equal(VALID("a\0b"), 0); /* NUL */
    assert_int_equal(VALID("\x80"), 0); /* stray continuation */
    assert_int_equal(VALID("a\xbf"), 0);
    assert_int_equal(VALID("\xc0\xaf"), 0); /* overlong '/' */
    assert_int_equal(VALID("\xc1\xbf"), 0);
    assert_int_equal(VALID("\xc0\x80"), 0);         /* overlong NUL */
    assert_int_equal(VALID("\xe0\x9f\xbf"), 0);     /* overlong U+07FF */
    assert_int_equal(VALID("\xf0\x8f\xbf\xbf"), 0); /* overlong U+FFFF */
    assert_int_equal(VALID("\xed\xa0\x80"), 0);     /* U+D800 */
    assert_int_equal(VALID("\xed\xbf\xbf"), 0);     /* U+DFFF */
    assert_int_equal(VALID("\xf4\x90\x80\x80"), 0); /* U+110000 */
    assert_int_equal(VALID("\xf5\x80\x80\x80"), 0);
    assert_int_equal(VALID("\xff"), 0);
    assert_int_equal(VALID("\xfe"), 0);
    assert_int_equal(VALID("\xc3"), 0); /* truncated */
    assert_int_equal(VALID("\xe6\xbc"), 0);
    assert_int_equal(VALID("\xf0\x9f\x98"), 0);
    assert_int_equal(VALID("\xe6\xbc"
                           "a"),
                     0); /* bad continuation */
    assert_int_equal(VALID("\xf0\x9f\x98"
                           "a"),
                     0);
    assert_int_equal(VALID("\xc3\xc3\xa9"), 0);
}

static void test_length_is_respected(void **state)
{
    static const char s[] = "\xe6\xbc\xa2";
    (void)state;
    /* A valid sequence cut by len is truncated, and bytes past len are never
     * looked at. */
    assert_int_equal(herald_utf8_valid(s, 2u), 0);
    assert_int_equal(herald_utf8_valid("ab\xff", 2u), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts_well_formed),
        cmocka_unit_test(test_rejects_malformed),
        cmocka_unit_test(test_length_is_respected),
    };
    return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
