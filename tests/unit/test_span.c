/* SPDX-License-Identifier: Apache-2.0 */
/* The bounded writers: a span stops for good at the first piece that does
 * not fit; a sink writer stages short pieces, passes long ones through, and
 * stops at the first failed write. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "rec_sink.h"
#include "firmware/src/span.h"

static void test_span_sticky(void **state)
{
    char buf[8];
    herald_span_t s;
    (void)state;
    herald_span_init(&s, buf, sizeof buf);
    herald_span_str(&s, "abc");
    herald_span_char(&s, '-');
    assert_int_equal(s.len, 4);
    herald_span_str(&s, "defgh"); /* 9 > 8: refused whole */
    assert_int_equal(s.err, 1);
    assert_int_equal(s.len, 4);
    herald_span_char(&s, 'x'); /* fits, but the error is sticky */
    assert_int_equal(s.len, 4);
    assert_memory_equal(buf, "abc-", 4);
    assert_int_equal(herald_span_finish(&s), 0);
    assert_string_equal(buf, ""); /* never a prefix */
}

static void test_span_exact_fit_and_finish(void **state)
{
    char buf[4];
    herald_span_t s;
    (void)state;
    herald_span_init(&s, buf, sizeof buf);
    herald_span_str(&s, "abc");
    assert_int_equal(herald_span_finish(&s), 1);
    assert_string_equal(buf, "abc");
    herald_span_init(&s, buf, sizeof buf);
    herald_span_str(&s, "abcd"); /* fits, but leaves no room for the NUL */
    assert_int_equal(s.err, 0);
    assert_int_equal(herald_span_finish(&s), 0);
    assert_int_equal(s.err, 1);
    herald_span_init(&s, NULL, 10u); /* no buffer: nothing fits */
    herald_span_put(&s, "", 0u);
    assert_int_equal(s.err, 0);
    herald_span_char(&s, 'a');
    assert_int_equal(s.err, 1);
    assert_int_equal(herald_span_finish(&s), 0);
}

static void test_span_numbers(void **state)
{
    char buf[96];
    herald_span_t s;
    (void)state;
    herald_span_init(&s, buf, sizeof buf);
    herald_span_u32(&s, 0u);
    herald_span_char(&s, ' ');
    herald_span_u32(&s, 4294967295u);
    herald_span_char(&s, ' ');
    herald_span_i64(&s, -1);
    herald_span_char(&s, ' ');
    herald_span_i64(&s, INT64_MIN);
    herald_span_char(&s, ' ');
    herald_span_i64(&s, INT64_MAX);
    assert_int_equal(herald_span_finish(&s), 1);
    assert_string_equal(buf, "0 4294967295 -1 -9223372036854775808 9223372036854775807");
    herald_span_init(&s, buf, 3u);
    herald_span_u32(&s, 1234u); /* a number is put whole or not at all */
    assert_int_equal(s.len, 0);
    assert_int_equal(s.err, 1);
}

static void test_sink_stages_short_pieces(void **state)
{
    char stage[8];
    herald_sink_t w;
    rec_t r = { .fail_at = 0 };
    (void)state;
    herald_sink_init(&w, rec_sink, &r, stage, sizeof stage, 4u);
    herald_sink_str(&w, "ab");
    herald_sink_str(&w, "cd");
    assert_int_equal(r.calls, 0);      /* staged */
    herald_sink_str(&w, "long piece"); /* >= 4: flushes "abcd", then goes straight */
    assert_int_equal(r.calls, 2);
    herald_sink_str(&w, "xyz");
    herald_sink_u32(&w, 123u);
    herald_sink_str(&w, "456"); /* 9 > 8: the stage fills, is written, refills */
    assert_int_equal(r.calls, 3);
    assert_int_equal(r.len, 22);
    assert_int_equal(herald_sink_flush(&w), HERALD_OK);
    assert_int_equal(r.calls, 4);
    assert_int_equal(r.len, 23);
    assert_memory_equal(r.buf, "abcdlong piecexyz123456", 23);
    assert_int_equal(herald_sink_flush(&w), HERALD_OK);
    assert_int_equal(r.calls, 4); /* nothing waits: no empty write */
}

static void test_sink_window_every_write_full(void **state)
{
    char window[8];
    herald_sink_t w;
    rec_t r = { .fail_at = 0 };
    (void)state;
    herald_sink_init(&w, rec_sink, &r, window, sizeof window, SIZE_MAX);
    herald_sink_str(&w, "0123456789abcdefghij"); /* 20 bytes: two full windows, 4 left */
    assert_int_equal(r.calls, 2);
    assert_int_equal(r.len, 16);
    assert_int_equal(herald_sink_flush(&w), HERALD_OK);
    assert_int_equal(r.calls, 3);
    assert_memory_equal(r.buf, "0123456789abcdefghij", 20);
}

static void test_sink_unstaged_and_sticky_error(void **state)
{
    herald_sink_t w;
    rec_t r = { .fail_at = 2 };
    (void)state;
    herald_sink_init(&w, rec_sink, &r, NULL, 64u, 64u); /* no stage: cap and direct ignored */
    herald_sink_str(&w, "a");
    herald_sink_put(&w, "", 0u); /* nothing to write: no call */
    assert_int_equal(r.calls, 1);
    herald_sink_str(&w, "b"); /* fails */
    assert_int_equal(w.st, HERALD_E_NET);
    herald_sink_str(&w, "c");
    herald_sink_u32(&w, 7u);
    assert_int_equal(r.calls, 2); /* nothing after the error */
    assert_int_equal(herald_sink_flush(&w), HERALD_E_NET);
}

static void test_sink_error_drops_stage(void **state)
{
    char stage[8];
    herald_sink_t w;
    rec_t r = { .fail_at = 1 };
    (void)state;
    herald_sink_init(&w, rec_sink, &r, stage, sizeof stage, 4u);
    herald_sink_str(&w, "ab");
    herald_sink_str(&w, "long piece"); /* the flush of "ab" fails: the long piece is not written */
    assert_int_equal(r.calls, 1);
    herald_sink_str(&w, "cd"); /* staged after the error, never written */
    assert_int_equal(herald_sink_flush(&w), HERALD_E_NET);
    assert_int_equal(r.calls, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_span_sticky),
        cmocka_unit_test(test_span_exact_fit_and_finish),
        cmocka_unit_test(test_span_numbers),
        cmocka_unit_test(test_sink_stages_short_pieces),
        cmocka_unit_test(test_sink_window_every_write_full),
        cmocka_unit_test(test_sink_unstaged_and_sticky_error),
        cmocka_unit_test(test_sink_error_drops_stage),
    };
    return cmocka_run_group_tests_name("span", tests, NULL, NULL);
}
