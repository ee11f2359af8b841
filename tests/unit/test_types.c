/* SPDX-License-Identifier: Apache-2.0 */
/* String views and the two stock sinks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "herald/types.h"

static void test_str_views(void **state)
{
    herald_str_t v = herald_str(NULL);
    (void)state;
    assert_non_null(v.ptr);
    assert_int_equal(v.len, 0);
    v = herald_str("orders");
    assert_int_equal(v.len, 6);
    assert_memory_equal(v.ptr, "orders", 6);
    assert_true(herald_str_eq(herald_str(""), ""));
    assert_true(herald_str_eq(herald_str(NULL), ""));
    assert_false(herald_str_eq(HERALD_STR_LIT("ab"), ""));
    assert_false(herald_str_eq(HERALD_STR_LIT(""), "ab"));
    assert_true(herald_str_eq(HERALD_STR_LIT("ab"), "ab"));
    assert_false(herald_str_eq(HERALD_STR_LIT("ab"), "ac"));
    assert_false(herald_str_eq(HERALD_STR_LIT("ab"), "abc"));
    /* A view need not be terminated: only its bytes count. */
    assert_true(herald_str_eq((herald_str_t){ "tagged", 3 }, "tag"));
}

static void test_buf_sink_fills_then_counts(void **state)
{
    char buf[5];
    herald_buf_sink_t s = { buf, 4, 0 };
    (void)state;
    memset(buf, '#', sizeof buf);
    assert_int_equal(herald_buf_sink(&s, "ab", 2), HERALD_OK);
    assert_int_equal(herald_buf_sink(&s, "", 0), HERALD_OK);
    assert_int_equal(herald_buf_sink(&s, "cd", 2), HERALD_OK);
    assert_int_equal(s.len, 4);
    assert_memory_equal(buf, "abcd#", 5);
    /* Full: refused, but the size needed keeps growing. */
    assert_int_equal(herald_buf_sink(&s, "e", 1), HERALD_E_NOSPACE);
    assert_int_equal(s.len, 5);
    assert_int_equal(herald_buf_sink(&s, "", 0), HERALD_E_NOSPACE);
    assert_int_equal(herald_buf_sink(&s, "fg", 2), HERALD_E_NOSPACE);
    assert_int_equal(s.len, 7);
    assert_memory_equal(buf, "abcd#", 5);
}

static void test_buf_sink_refuses_what_does_not_fit(void **state)
{
    char buf[4];
    herald_buf_sink_t s = { buf, 4, 0 };
    (void)state;
    assert_int_equal(herald_buf_sink(&s, "abc", 3), HERALD_OK);
    assert_int_equal(herald_buf_sink(&s, "de", 2), HERALD_E_NOSPACE);
    assert_int_equal(s.len, 5);
    assert_memory_equal(buf, "abc", 3);
}

static void test_count_sink(void **state)
{
    size_t n = 3;
    (void)state;
    assert_int_equal(herald_count_sink(&n, "abcd", 4), HERALD_OK);
    assert_int_equal(herald_count_sink(&n, NULL, 0), HERALD_OK);
    assert_int_equal(n, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_str_views),
        cmocka_unit_test(test_buf_sink_fills_then_counts),
        cmocka_unit_test(test_buf_sink_refuses_what_does_not_fit),
        cmocka_unit_test(test_count_sink),
    };
    return cmocka_run_group_tests_name("types", tests, NULL, NULL);
}
