/* SPDX-License-Identifier: Apache-2.0 */
/* Renderer corners: empty and NULL templates, unnamed variables, a value
 * whose length would overflow the count, and a sink failing inside a value. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "rec_sink.h"
#include "herald/render.h"

static void test_null_and_empty_templates(void **state)
{
    char out[8];
    char win[8];
    size_t needed = 99;
    rec_t r = { .len = 0 };
    (void)state;
    memcpy(out, "junk", 5);
    assert_int_equal(herald_render((herald_str_t){ NULL, 0 }, NULL, 0, HERALD_RENDER_RAW, out, sizeof out,
                                   &needed),
                     HERALD_OK);
    assert_string_equal(out, "");
    assert_int_equal(needed, 0);
    assert_int_equal(herald_render_stream((herald_str_t){ NULL, 0 }, NULL, 0, HERALD_RENDER_JSON, win,
                                          sizeof win, rec_sink, &r),
                     HERALD_OK);
    assert_int_equal(r.calls, 0);
    /* Measuring only: no buffer at all. */
    assert_int_equal(herald_render(HERALD_STR_LIT("abc"), NULL, 0, HERALD_RENDER_RAW, NULL, 0, &needed),
                     HERALD_E_NOSPACE);
    assert_int_equal(needed, 3);
}

static void test_unnamed_and_prefix_variables_are_skipped(void **state)
{
    static const herald_var_t vars[] = {
        { NULL, "nameless", 0 },
        { "order", "short", 0 },
        { "orderIdX", "long", 0 },
        { "orderId", "ORD-1", 0 },
    };
    char out[32];
    (void)state;
    assert_int_equal(herald_render(HERALD_STR_LIT("[{{orderId}}|{{order}}]"), vars, 4, HERALD_RENDER_RAW, out,
                                   sizeof out, NULL),
                     HERALD_OK);
    assert_string_equal(out, "[ORD-1|short]");
}

static void test_length_overflow_is_nospace(void **state)
{
    /* The count must not wrap: a value claiming SIZE_MAX bytes after one
     * byte of text cannot fit anywhere, and no byte of it is read. */
    static const herald_var_t huge[] = { { "a", "x", SIZE_MAX } };
    char out[8];
    size_t needed = 5;
    (void)state;
    memcpy(out, "junk", 5);
    assert_int_equal(herald_render(HERALD_STR_LIT("x{{a}}"), huge, 1, HERALD_RENDER_RAW, out, sizeof out,
                                   &needed),
                     HERALD_E_NOSPACE);
    assert_string_equal(out, "");
    assert_int_equal(needed, 0);
}

static void test_stream_refuses_bad_arguments_before_any_output(void **state)
{
    static const herald_var_t vars[] = { { "a", "1", 0 } };
    char win[8];
    rec_t r = { .len = 0 };
    (void)state;
    assert_int_equal(herald_render_stream(HERALD_STR_LIT("{{a}}"), vars, 1, (herald_render_mode_t)2, win,
                                          sizeof win, rec_sink, &r),
                     HERALD_E_INVALID_ARG);
    assert_int_equal(herald_render_stream((herald_str_t){ NULL, 2 }, vars, 1, HERALD_RENDER_RAW, win,
                                          sizeof win, rec_sink, &r),
                     HERALD_E_INVALID_ARG);
    assert_int_equal(herald_render_stream(HERALD_STR_LIT("{{a}}"), NULL, 1, HERALD_RENDER_RAW, win,
                                          sizeof win, rec_sink, &r),
                     HERALD_E_INVALID_ARG);
    assert_int_equal(r.calls, 0);
}

static void test_stream_sink_fails_inside_a_value(void **state)
{
    /* "<" then a 20-byte value through an 8-byte window: the first two
     * flushes happen while the value is copied. */
    static const herald_var_t vars[] = { { "v", "abcdefghijklmnopqrst", 0 } };
    char win[8];
    (void)state;
    for (size_t at = 1; at <= 3; at++) {
        for (int mode = HERALD_RENDER_RAW; mode <= HERALD_RENDER_JSON; mode++) {
            rec_t r = { .fail_at = at };
            assert_int_equal(herald_render_stream(HERALD_STR_LIT("<{{v}}>"), vars, 1,
                                                  (herald_render_mode_t)mode, win, sizeof win, rec_sink, &r),
                             HERALD_E_NET);
            assert_int_equal(r.calls, at);
            assert_int_equal(r.len, 8 * (at - 1));
            assert_memory_equal(r.buf, "<abcdefghijklmnopqrst>", r.len);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_and_empty_templates),
        cmocka_unit_test(test_unnamed_and_prefix_variables_are_skipped),
        cmocka_unit_test(test_length_overflow_is_nospace),
        cmocka_unit_test(test_stream_refuses_bad_arguments_before_any_output),
        cmocka_unit_test(test_stream_sink_fails_inside_a_value),
    };
    return cmocka_run_group_tests_name("render_more", tests, NULL, NULL);
}
