/* SPDX-License-Identifier: Apache-2.0 */
/* Response reader corners: a sink failing at every write of the result, odd
 * channel arrays, unknown codes outside 4xx/5xx, a cut just after a 4-byte
 * sequence. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "rec_sink.h"
#include "herald/response.h"

static herald_json_arena_t answer_arena; /* zero bytes: ready */

static herald_send_result_t res;
static herald_platform_error_t err;

static herald_status_t parse(int http, const char *body)
{
    return herald_response_read(&answer_arena, http, body, strlen(body), &res, &err);
}

static void test_write_json_stops_at_any_failed_write(void **state)
{
    static const char full[] =
        "{\"notificationId\":\"n_1\",\"templateKey\":\"k\",\"channels\":[\"in_app\",\"push\"],"
        "\"mode\":\"batch\",\"title\":\"T\",\"tag\":\"g\",\"sentFrom\":\"api\",\"createdAt\":\"2024\"}";
    rec_t ok = { .fail_at = 0 };
    (void)state;
    assert_int_equal(parse(200, full), HERALD_OK);
    assert_int_equal(herald_result_write_json(&res, rec_sink, &ok), HERALD_OK);
    assert_int_equal(ok.len, strlen(full));
    assert_memory_equal(ok.buf, full, ok.len);
    /* Fail each write in turn: the error comes back, nothing follows it. */
    for (size_t at = 1; at <= ok.calls; at++) {
        rec_t r = { .fail_at = at };
        assert_int_equal(herald_result_write_json(&res, rec_sink, &r), HERALD_E_NET);
        assert_int_equal(r.calls, at);
        assert_memory_equal(r.buf, full, r.len);
    }
}

static void test_channel_arrays(void **state)
{
    (void)state;
    assert_int_equal(parse(200, "{\"notificationId\":\"n\",\"channels\":[]}"), HERALD_OK);
    assert_int_equal(res.nchannels, 0);
    assert_int_equal(parse(202, "{\"notificationId\":\"n\",\"channels\":[1,\"push\",null,{},\"sms\"]}"),
                     HERALD_OK);
    assert_int_equal(res.nchannels, 2);
    assert_string_equal(res.channels[0], "push");
    assert_string_equal(res.channels[1], "sms");
    assert_int_equal(res.truncated, 0);
    assert_int_equal(parse(200, "{\"notificationId\":\"n\",\"channels\":\"push\"}"), HERALD_OK);
    assert_int_equal(res.nchannels, 0);
}

static void test_codes_and_statuses_off_the_table(void **state)
{
    (void)state;
    /* An unknown code is reported as it came, except on 429 and 5xx. */
    assert_int_equal(parse(600, "{\"error\":{\"code\":\"ERR_NEW\"}}"), HERALD_E_PLATFORM_UNKNOWN);
    assert_string_equal(err.code, "ERR_NEW");
    assert_int_equal(parse(599, "{\"error\":{\"code\":\"ERR_NEW\"}}"), HERALD_E_PLATFORM_SERVER);
    assert_int_equal(parse(499, "{\"error\":{\"code\":\"ERR_NEW\"}}"), HERALD_E_PLATFORM_UNKNOWN);
    /* A code that is not a string: the HTTP status decides. */
    assert_int_equal(parse(400, "{\"error\":{\"code\":42,\"message\":\"m\"}}"),
                     HERALD_E_PLATFORM_BAD_REQUEST);
    assert_string_equal(err.code, "");
    assert_string_equal(err.message, "m");
    assert_int_equal(parse(302, "{\"error\":{\"code\":null}}"), HERALD_E_HTTP_STATUS);
    /* A 2xx without a success id the agent can read was still accepted. */
    assert_int_equal(parse(200, "{\"error\":{}}"), HERALD_E_ACCEPTED_UNREADABLE);
    assert_int_equal(parse(200, "{\"notificationId\":\"\"}"), HERALD_E_ACCEPTED_UNREADABLE);
    assert_int_equal(parse(200, "{\"notificationId\":7}"), HERALD_E_ACCEPTED_UNREADABLE);
    assert_int_equal(parse(200, "{\"data\":{\"notificationId\":7}}"), HERALD_E_ACCEPTED_UNREADABLE);
    assert_int_equal(parse(200, "[\"notificationId\"]"), HERALD_E_ACCEPTED_UNREADABLE);
}

static void test_cut_after_a_whole_four_byte_sequence(void **state)
{
    /* title holds 127 bytes: 123 ASCII and U+1F600 fill it exactly, so the
     * cut falls after the emoji and keeps it whole. */
    char body[300];
    char want[128];
    (void)state;
    memset(want, 'a', 123);
    memcpy(want + 123, "\xf0\x9f\x98\x80", 5);
    strcpy(body, "{\"notificationId\":\"n\",\"title\":\"");
    strcat(body, want);
    strcat(body, "tail\"}");
    assert_int_equal(parse(200, body), HERALD_OK);
    assert_string_equal(res.title, want);
    assert_int_equal(res.truncated, HERALD_CUT_TITLE);
    /* One byte later the emoji would straddle the cut: it is dropped. */
    strcpy(body, "{\"notificationId\":\"n\",\"title\":\"b");
    strcat(body, want);
    strcat(body, "\"}");
    assert_int_equal(parse(200, body), HERALD_OK);
    assert_int_equal(strlen(res.title), 124);
    assert_int_equal(res.title[123], 'a');
    assert_int_equal(res.truncated, HERALD_CUT_TITLE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_json_stops_at_any_failed_write),
        cmocka_unit_test(test_channel_arrays),
        cmocka_unit_test(test_codes_and_statuses_off_the_table),
        cmocka_unit_test(test_cut_after_a_whole_four_byte_sequence),
    };
    return cmocka_run_group_tests_name("response_more", tests, NULL, NULL);
}
