/* SPDX-License-Identifier: Apache-2.0 */
/* The four-byte leads F1..F3, whose second byte may be any continuation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "firmware/src/utf8.h"

#define VALID(s) herald_utf8_valid((s), sizeof(s) - 1u)

static void test_leads_f1_to_f3(void **state)
{
    (void)state;
    assert_int_equal(VALID("\xf1\x80\x80\x80"), 1);            /* U+40000 */
    assert_int_equal(VALID("\xf2\xbf\x80\xbf"), 1);
    assert_int_equal(VALID("a\xf3\xbf\xbf\xbf" "b"), 1);       /* U+FFFFF */
    assert_int_equal(VALID("\xf1\x80\x80"), 0);                /* truncated */
    assert_int_equal(VALID("\xf2\x80\x80" "a"), 0);            /* bad last byte */
    assert_int_equal(VALID("\xf3\xc0\x80\x80"), 0);            /* bad second byte */
    assert_int_equal(VALID("\xf1\x7f\x80\x80"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leads_f1_to_f3),
    };
    return cmocka_run_group_tests_name("utf8_more", tests, NULL, NULL);
}
