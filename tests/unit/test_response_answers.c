/* SPDX-License-Identifier: Apache-2.0 */
/* Answers the success reader cannot fully read: a 2xx is accepted whatever
 * its body says (and why it could not be read is kept), fields cut to fit are
 * named, and the JSON line written from a result is valid whatever bytes the
 * platform sent. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "cJSON.h"
#include "herald/response.h"
#include "firmware/src/utf8.h"
#include "herald/config.h"

static herald_json_arena_t answer_arena; /* zero bytes: ready */

/* The deepest nesting the reader takes: the strict check's, else cJSON's. */
#if HERALD_JSON_STRICT
#define DEPTH_LIMIT HERALD_JSON_MAX_DEPTH
#else
#define DEPTH_LIMIT CJSON_NESTING_LIMIT
#endif

static herald_send_result_t res;
static herald_platform_error_t err;
static char out[4096];
static size_t out_len;

static herald_status_t parse(int http, const char *body)
{
    return herald_response_read(&answer_arena, http, body, body ? strlen(body) : 0u, &res, &err);
}

static herald_status_t out_sink(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    assert_true(out_len + len < sizeof out);
    memcpy(out + out_len, data, len);
    out_len += len;
    out[out_len] = '\0';
    return HERALD_OK;
}

static const char *write_json(void)
{
    out_len = 0;
    out[0] = '\0';
    assert_int_equal(herald_result_write_json(&res, out_sink, NULL), HERALD_OK);
    return out;
}

/* depth arrays nested inside an object member named key of a prefix. */
static const char *nested(char *buf, size_t cap, const char *prefix, size_t depth, const char *suffix)
{
    size_t n = strlen(prefix);
    assert_true(n + 2 * depth + strlen(suffix) < cap);
    memcpy(buf, prefix, n);
    memset(buf + n, '[', depth);
    memset(buf + n + depth, ']', depth);
    strcpy(buf + n + 2 * depth, suffix);
    return buf;
}

static void test_accepted_without_a_readable_id(void **state)
{
    (void)state;
    /* numeric, empty, missing: the platform has it, the fields it did send are kept */
    assert_int_equal(parse(200, "{\"notificationId\":12345,\"title\":\"Order\",\"mode\":\"realtime\"}"),
                     HERALD_E_ACCEPTED_UNREADABLE);
    assert_int_equal(err.cause, HERALD_E_RESPONSE_INVALID);
    assert_string_equal(res.notification_id, "");
    assert_string_equal(res.title, "Order");
    assert_string_equal(res.mode, "realtime");
    assert_int_equal(parse(201, "{\"data\":{\"notificationId\":\"\",\"tag\":\"t\"}}"),
                     HERALD_E_ACCEPTED_UNREADABLE);
    assert_string_equal(res.tag, "t");
    assert_int_equal(parse(202, "not json"), HERALD_E_ACCEPTED_UNREADABLE);
    assert_int_equal(err.cause, HERALD_E_JSON_PARSE);
    assert_int_equal(parse(204, NULL), HERALD_E_ACCEPTED_UNREADABLE);
    assert_int_equal(err.http_status, 204);
    /* readable: nothing to report */
    assert_int_equal(parse(200, "{\"notificationId\":\"n1\"}"), HERALD_OK);
    assert_int_equal(err.cause, HERALD_OK);
    assert_int_equal(parse(500, "{\"error\":{\"code\":\"ERR_INTERNAL\"}}"), HERALD_E_PLATFORM_SERVER);
    assert_int_equal(err.cause, HERALD_OK);
    assert_int_equal(parse(503, NULL), HERALD_E_PLATFORM_SERVER);
    assert_int_equal(err.cause, HERALD_OK);
    assert_int_equal(parse(502, "<html>bad gateway</html>"), HERALD_E_PLATFORM_SERVER);
    assert_int_equal(err.cause, HERALD_E_JSON_PARSE);
}

static void test_too_deep_is_told_from_not_json(void **state)
{
    static char body[4096];
    (void)state;
    /* one level past the limit, with a valid id in front */
    nested(body, sizeof body, "{\"notificationId\":\"n1\",\"x\":", DEPTH_LIMIT, "}");
    assert_int_equal(parse(200, body), HERALD_E_ACCEPTED_UNREADABLE);
    assert_int_equal(err.cause, HERALD_E_JSON_DEPTH);
    nested(body, sizeof body, "{\"error\":{\"code\":\"ERR_INTERNAL\",\"details\":", DEPTH_LIMIT, "}}");
    assert_int_equal(parse(500, body), HERALD_E_PLATFORM_SERVER);
    assert_int_equal(err.cause, HERALD_E_JSON_DEPTH);
    /* brackets inside a string do not nest */
    nested(body, sizeof body, "{\"notificationId\":\"", DEPTH_LIMIT + 5, "\",}");
    assert_int_equal(parse(200, body), HERALD_E_ACCEPTED_UNREADABLE);
    assert_int_equal(err.cause, HERALD_E_JSON_PARSE); /* the trailing comma */
    /* at the limit it parses */
    nested(body, sizeof body, "{\"notificationId\":\"n1\",\"x\":", DEPTH_LIMIT - 1, "}");
    assert_int_equal(parse(200, body), HERALD_OK);
}

static void test_cut_fields_are_named(void **state)
{
    char body[1024], title[300];
    cJSON *line;
    const cJSON *cut;
    (void)state;
    memset(title, 'T', 200);
    title[200] = '\0';
    snprintf(body, sizeof body, "{\"notificationId\":\"n1\",\"title\":\"%s\",\"tag\":\"%.100s\"}", title,
             title);
    assert_int_equal(parse(200, body), HERALD_OK);
    assert_int_equal(res.truncated, HERALD_CUT_TITLE | HERALD_CUT_TAG);
    line = cJSON_Parse(write_json());
    assert_non_null(line);
    cut = cJSON_GetObjectItemCaseSensitive(line, "truncated");
    assert_int_equal(cJSON_GetArraySize(cut), 2);
    assert_string_equal(cJSON_GetArrayItem(cut, 0)->valuestring, "title");
    assert_string_equal(cJSON_GetArrayItem(cut, 1)->valuestring, "tag");
    cJSON_Delete(line);
    /* nothing cut: no member at all */
    assert_int_equal(parse(200, "{\"notificationId\":\"n1\",\"title\":\"t\"}"), HERALD_OK);
    assert_string_equal(write_json(), "{\"notificationId\":\"n1\",\"title\":\"t\"}");
}

static void test_json_line_is_valid_whatever_the_bytes(void **state)
{
    (void)state;
    /* cJSON hands invalid UTF-8 through: a lone continuation byte, a lead
     * byte without its tail, an overlong form, a surrogate, FF */
    assert_int_equal(parse(200, "{\"notificationId\":\"n\x80"
                                "1\",\"title\":\"a\xc3 b\xe0\x80\x80 c\xed\xa0\x80\xff\","
                                "\"tag\":\"\xf0\x9f\x98\x80 ok\",\"mode\":\"\\u0001\\n\"}"),
                     HERALD_OK);
    write_json();
    assert_true(herald_utf8_valid(out, out_len));
    assert_string_equal(out, "{\"notificationId\":\"n\xef\xbf\xbd"
                             "1\",\"mode\":\"\\u0001\\n\","
                             "\"title\":\"a\xef\xbf\xbd b\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd c"
                             "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\","
                             "\"tag\":\"\xf0\x9f\x98\x80 ok\"}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepted_without_a_readable_id),
        cmocka_unit_test(test_too_deep_is_told_from_not_json),
        cmocka_unit_test(test_cut_fields_are_named),
        cmocka_unit_test(test_json_line_is_valid_whatever_the_bytes),
    };
    return cmocka_run_group_tests_name("response_answers", tests, NULL, NULL);
}
