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
    assert_int_equal(VALID("\xf1\x80\x80\x80"), 1); /* U+40000 */
    assert_int_equal(VALID("\xf2\xbf\x80\xbf"), 1);
    assert_int_equal(VALID("a\xf3\xbf\xbf\xbf"
                           "b"),
                     1);                        /* U+FFFFF */
    assert_int_equal(VALID("\xf1\x80\x80"), 0); /* truncated */
    assert_int_equal(VALID("\xf2\x80\x80"
                           "a"),
                     0);                            /* bad last byte */
    assert_int_equal(VALID("\xf3\xc0\x80\x80"), 0); /* bad second byte */
    assert_int_equal(VALID("\xf1\x7f\x80\x80"), 0);
}

/* herald_utf8_seq: the sequence at the start, as herald_utf8_valid judges it. */
static void test_seq_lengths(void **state)
{
    (void)state;
    assert_int_equal(herald_utf8_seq("a", 1u), 1u);
    assert_int_equal(herald_utf8_seq("", 0u), 0u);
    assert_int_equal(herald_utf8_seq("\0", 1u), 0u);
    assert_int_equal(herald_utf8_seq("\xc3\xa9x", 3u), 2u);
    assert_int_equal(herald_utf8_seq("\xe6\xbc\xa2", 3u), 3u);
    assert_int_equal(herald_utf8_seq("\xf0\x9f\x98\x80", 4u), 4u);
    assert_int_equal(herald_utf8_seq("\xf0\x9f\x98", 3u), 0u); /* truncated */
    assert_int_equal(herald_utf8_seq("\xe0\x80\x80", 3u), 0u); /* overlong */
    assert_int_equal(herald_utf8_seq("\xed\xa0\x80", 3u), 0u); /* surrogate */
    assert_int_equal(herald_utf8_seq("\xe1\x80\x41", 3u), 0u); /* third byte not a continuation */
    assert_int_equal(herald_utf8_seq("\x80", 1u), 0u);
    assert_int_equal(herald_utf8_seq("\xf5\x80\x80\x80", 4u), 0u);
}

/* herald_utf8_cut: never ends inside a sequence; whole sequences are kept. */
static void test_cut_at_boundary(void **state)
{
    static const char s[] = "ab\xc3\xa9\xe6\xbc\xa2\xf0\x9f\x98\x80";
    (void)state;
    assert_int_equal(herald_utf8_cut(s, 0u), 0u);
    assert_int_equal(herald_utf8_cut(s, 2u), 2u);
    assert_int_equal(herald_utf8_cut(s, 3u), 2u); /* inside e-acute */
    assert_int_equal(herald_utf8_cut(s, 4u), 4u);
    assert_int_equal(herald_utf8_cut(s, 5u), 4u); /* inside the 3-byte one */
    assert_int_equal(herald_utf8_cut(s, 6u), 4u);
    assert_int_equal(herald_utf8_cut(s, 7u), 7u);
    assert_int_equal(herald_utf8_cut(s, 10u), 7u); /* inside the 4-byte one */
    assert_int_equal(herald_utf8_cut(s, 11u), 11u);
    assert_int_equal(herald_utf8_cut("\x80\x80", 2u), 2u); /* no lead byte: nothing to protect */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leads_f1_to_f3),
        cmocka_unit_test(test_seq_lengths),
        cmocka_unit_test(test_cut_at_boundary),
    };
    return cmocka_run_group_tests_name("utf8_more", tests, NULL, NULL);
}
