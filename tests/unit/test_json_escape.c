/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON string writer (herald_json_write_string over the shared escaper):
 * exact bytes, long runs of escapes, and a sink failing at every write. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "rec_sink.h"
#include "herald/request.h"

static void test_exact_bytes(void **state)
{
    /* 12 escapes in a row, then clean bytes and UTF-8. */
    static const char in[] = "a\"b\\\n\r\t\b\f\x01\x1f\x7f\"\"\"\"\"\"\"\"\"\"\"\"z \xc3\xa9";
    static const char want[] = "\"a\\\"b\\\\\\n\\r\\t\\b\\f\\u0001\\u001f\x7f"
                               "\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"z \xc3\xa9\"";
    rec_t r = { .fail_at = 0 };
    (void)state;
    assert_int_equal(herald_json_write_string(rec_sink, &r, in, sizeof in - 1), HERALD_OK);
    assert_int_equal(r.len, sizeof want - 1);
    assert_memory_equal(r.buf, want, r.len);
}

static void test_every_failed_write_stops_it(void **state)
{
    static const char in[] = "ab\"\"\"\"\"\"\"\"\"\"cd\x01";
    rec_t ok = { .fail_at = 0 };
    (void)state;
    assert_int_equal(herald_json_write_string(rec_sink, &ok, in, sizeof in - 1), HERALD_OK);
    assert_true(ok.calls >= 6);
    for (size_t at = 1; at <= ok.calls; at++) {
        rec_t r = { .fail_at = at };
        assert_int_equal(herald_json_write_string(rec_sink, &r, in, sizeof in - 1), HERALD_E_NET);
        assert_int_equal(r.calls, at);
        assert_memory_equal(r.buf, ok.buf, r.len);
    }
}

static void test_arguments(void **state)
{
    rec_t r = { .fail_at = 0 };
    (void)state;
    assert_int_equal(herald_json_write_string(NULL, &r, "x", 1), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_json_write_string(rec_sink, &r, NULL, 1), HERALD_E_INVALID_ARG);
    assert_int_equal(r.calls, 0);
    assert_int_equal(herald_json_write_string(rec_sink, &r, NULL, 0), HERALD_OK);
    assert_int_equal(r.len, 2);
    assert_memory_equal(r.buf, "\"\"", 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_bytes),
        cmocka_unit_test(test_every_failed_write_stops_it),
        cmocka_unit_test(test_arguments),
    };
    return cmocka_run_group_tests_name("json_escape", tests, NULL, NULL);
}
