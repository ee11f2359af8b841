/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "herald/response.h"

static herald_json_arena_t answer_arena; /* zero bytes: ready */

/* The firmware/PLATFORM-API.md success example, compact and in the documented order. */
static const char DOC_SUCCESS[] =
    "{\"notificationId\":\"notif_abc123\",\"templateKey\":\"order-confirmation\","
    "\"channels\":[\"in_app\",\"push\"],\"mode\":\"realtime\",\"title\":\"Order Confirmed\","
    "\"tag\":\"orders\",\"sentFrom\":\"api\",\"createdAt\":\"2024-01-15T09:30:00.000Z\"}";

static herald_send_result_t res;
static herald_platform_error_t err;

static herald_status_t parse(int http, const char *body)
{
    return herald_response_read(&answer_arena, http, body, body ? strlen(body) : 0u, &res, &err);
}

static void assert_doc_result(void)
{
    assert_string_equal(res.notification_id, "notif_abc123");
    assert_string_equal(res.template_key, "order-confirmation");
    assert_int_equal(res.nchannels, 2);
    assert_string_equal(res.channels[0], "in_app");
    assert_string_equal(res.channels[1], "push");
    assert_string_equal(res.mode, "realtime");
    assert_string_equal(res.title, "Order Confirmed");
    assert_string_equal(res.tag, "orders");
    assert_string_equal(res.sent_from, "api");
    assert_string_equal(res.created_at, "2024-01-15T09:30:00.000Z");
    assert_int_equal(res.truncated, 0);
}

static void test_doc_success_bare_and_wrapped(void **state)
{
    static const int statuses[] = { 200, 201, 202 };
    char wrapped[600];
    size_t i;
    (void)state;
    snprintf(wrapped, sizeof wrapped, " {\n \"data\" : %s , \"meta\": {\"x\": [1,2]} }\n", DOC_SUCCESS);
    for (i = 0; i < 3; i++) {
        memset(&err, 0x5a, sizeof err);
        assert_int_equal(parse(statuses[i], DOC_SUCCESS), HERALD_OK);
        assert_doc_result();
        assert_int_equal(err.http_status, statuses[i]);
        assert_string_equal(err.code, "");
        assert_string_equal(err.details, "");
        assert_int_equal(parse(statuses[i], wrapped), HERALD_OK);
        assert_doc_result();
    }
}

static void test_optional_fields_and_unknown_fields(void **state)
{
    (void)state;
    assert_int_equal(parse(200, "{\"extra\":{\"a\":[1,{\"b\":null}]},\"notificationId\":\"n1\","
                                "\"templateKey\":null,\"title\":7,\"channels\":[\"sms\",3,null,\"email\"],"
                                "\"mode\":[],\"future\":true}"),
                     HERALD_OK);
    assert_string_equal(res.notification_id, "n1");
    assert_string_equal(res.template_key, "");
    assert_string_equal(res.title, "");
    assert_string_equal(res.mode, "");
    assert_string_equal(res.created_at, "");
    assert_int_equal(res.nchannels, 2);
    assert_string_equal(res.channels[0], "sms");
    assert_string_equal(res.channels[1], "email");
    assert_int_equal(parse(202, "{\"notificationId\":\"n2\",\"channels\":\"push\"}"), HERALD_OK);
    assert_int_equal(res.nchannels, 0);
}

static void test_invalid_success_bodies(void **state)
{
    /* the cause: no body or not the expected shape, or not JSON at all */
    static const struct {
        const char *body;
        herald_status_t cause;
    } bad[] = {
        { NULL, HERALD_E_RESPONSE_INVALID },
        { "", HERALD_E_RESPONSE_INVALID },
        { "OK", HERALD_E_JSON_PARSE },
        { "<html>ok</html>", HERALD_E_JSON_PARSE },
        { "{\"notificationId\":\"n1\"", HERALD_E_JSON_PARSE }, /* cut short */
        { "[\"notificationId\"]", HERALD_E_RESPONSE_INVALID },
        { "\"notificationId\"", HERALD_E_RESPONSE_INVALID },
        { "{}", HERALD_E_RESPONSE_INVALID },
        { "{\"id\":\"n1\"}", HERALD_E_RESPONSE_INVALID },
        { "{\"notificationId\":12345}", HERALD_E_RESPONSE_INVALID },
        { "{\"notificationId\":\"\"}", HERALD_E_RESPONSE_INVALID },
        { "{\"notificationId\":null}", HERALD_E_RESPONSE_INVALID },
        { "{\"data\":{\"id\":\"n1\"}}", HERALD_E_RESPONSE_INVALID },
        { "{\"data\":\"n1\"}", HERALD_E_RESPONSE_INVALID },
        { "{\"error\":\"no envelope object\"}", HERALD_E_RESPONSE_INVALID },
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&res, 0x5a, sizeof res);
        /* a 2xx: the platform has it, whatever its answer says */
        assert_int_equal(parse(200, bad[i].body), HERALD_E_ACCEPTED_UNREADABLE);
        assert_string_equal(res.notification_id, "");
        assert_int_equal(err.http_status, 200);
        assert_int_equal(err.cause, bad[i].cause);
    }
    assert_int_equal(parse(204, NULL), HERALD_E_ACCEPTED_UNREADABLE);
    assert_int_equal(err.cause, HERALD_E_RESPONSE_INVALID);
}

static void test_too_big_for_the_arena(void **state)
{
    static char body[40000];
    size_t n = 0;
    (void)state;
    /* 10,000 empty arrays: few bytes of text, far more cJSON nodes than the arena holds */
    body[n++] = '[';
    while (n + 3 + 4 <= sizeof body) { /* room for one more and the end */
        memcpy(body + n, "[],", 3);
        n += 3;
    }
    memcpy(body + n, "[]]", 4);
    assert_int_equal(parse(200, body), HERALD_E_ACCEPTED_UNREADABLE);
    assert_int_equal(err.cause, HERALD_E_JSON_ARENA); /* the real cause, not "not JSON" */
    assert_int_equal(parse(500, body), HERALD_E_PLATFORM_SERVER);
    assert_int_equal(err.cause, HERALD_E_JSON_ARENA);
    /* and the arena is usable again afterwards */
    assert_int_equal(parse(200, DOC_SUCCESS), HERALD_OK);
}

static void test_documented_error_codes(void **state)
{
    static const struct {
        int http;
        const char *code;
        herald_status_t st;
    } cases[] = {
        { 400, "ERR_BAD_REQUEST", HERALD_E_PLATFORM_BAD_REQUEST },
        { 400, "ERR_INVALID_VARIABLES", HERALD_E_PLATFORM_INVALID_VARIABLES },
        { 400, "ERR_TEMPLATE_NOT_APPROVED", HERALD_E_PLATFORM_TEMPLATE_NOT_APPROVED },
        { 400, "ERR_TARGET_LIMIT_EXCEEDED", HERALD_E_PLATFORM_TARGET_LIMIT },
        { 400, "ERR_INVALID_MODE", HERALD_E_PLATFORM_INVALID_MODE },
        { 401, "ERR_UNAUTHORIZED", HERALD_E_PLATFORM_UNAUTHORIZED },
        { 403, "ERR_FORBIDDEN", HERALD_E_PLATFORM_FORBIDDEN },
        { 404, "ERR_NOT_FOUND", HERALD_E_PLATFORM_NOT_FOUND },
        { 429, "ERR_TOO_MANY_REQUESTS", HERALD_E_PLATFORM_RATE_LIMITED },
        /* the code wins over the status */
        { 500, "ERR_TOO_MANY_REQUESTS", HERALD_E_PLATFORM_RATE_LIMITED },
        /* an envelope on a 2xx: the status line said it was taken */
        { 200, "ERR_INVALID_MODE", HERALD_E_ACCEPTED_UNREADABLE },
        { 200, "ERR_TOO_MANY_REQUESTS", HERALD_E_ACCEPTED_UNREADABLE },
    };
    char body[400];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(body, sizeof body,
                 "{\"error\": {\"code\": \"%s\", \"message\": \"Variable orderId is required\",\n"
                 "  \"devMessage\": \"template order-confirmation declares orderId\",\n"
                 "  \"details\": { \"orderId\" : \"required\", \"n\": [1, 2.5, true, null] } } }",
                 cases[i].code);
        memset(&res, 0x5a, sizeof res);
        assert_int_equal(parse(cases[i].http, body), cases[i].st);
        assert_int_equal(err.http_status, cases[i].http);
        assert_string_equal(err.code, cases[i].code);
        assert_string_equal(err.message, "Variable orderId is required");
        assert_string_equal(err.dev_message, "template order-confirmation declares orderId");
        assert_string_equal(err.details, "{\"orderId\":\"required\",\"n\":[1,2.5,true,null]}");
        assert_int_equal(err.truncated, 0);
        assert_string_equal(res.notification_id, "");
        if (cases[i].http == 200) { /* what the envelope said is the cause */
            assert_int_equal(err.cause, strcmp(cases[i].code, "ERR_INVALID_MODE") == 0
                                            ? HERALD_E_PLATFORM_INVALID_MODE
                                            : HERALD_E_PLATFORM_RATE_LIMITED);
        }
    }
    /* an envelope with only a message, or an odd details value */
    assert_int_equal(parse(400, "{\"error\":{\"message\":\"nope\",\"details\":null}}"),
                     HERALD_E_PLATFORM_BAD_REQUEST);
    assert_string_equal(err.code, "");
    assert_string_equal(err.message, "nope");
    assert_string_equal(err.details, "");
    assert_int_equal(parse(401, "{\"error\":{\"code\":5,\"details\":\"see docs\"}}"),
                     HERALD_E_PLATFORM_UNAUTHORIZED);
    assert_string_equal(err.code, "");
    assert_string_equal(err.details, "\"see docs\"");
    assert_int_equal(parse(200, "{\"error\":{\"message\":\"odd\"}}"),
                     HERALD_E_ACCEPTED_UNREADABLE); /* a 2xx without a code */
}

static void test_unknown_code_keeps_text(void **state)
{
    static const char body[] =
        "{\"error\":{\"code\":\"ERR_QUOTA_EXHAUSTED\",\"message\":\"Monthly quota used up\"}}";
    (void)state;
    assert_int_equal(parse(400, body), HERALD_E_PLATFORM_UNKNOWN);
    assert_string_equal(err.code, "ERR_QUOTA_EXHAUSTED");
    assert_string_equal(err.message, "Monthly quota used up");
    assert_string_equal(err.dev_message, "");
    assert_int_equal(parse(403, body), HERALD_E_PLATFORM_UNKNOWN);
    /* but a 429 or 5xx stays transient, with the text still kept */
    assert_int_equal(parse(429, body), HERALD_E_PLATFORM_RATE_LIMITED);
    assert_string_equal(err.code, "ERR_QUOTA_EXHAUSTED");
    assert_int_equal(parse(503, body), HERALD_E_PLATFORM_SERVER);
    assert_string_equal(err.message, "Monthly quota used up");
    assert_int_equal(err.http_status, 503);
}

static void test_statuses_without_envelope(void **state)
{
    static const struct {
        int http;
        herald_status_t st;
    } cases[] = {
        { 400, HERALD_E_PLATFORM_BAD_REQUEST },  { 401, HERALD_E_PLATFORM_UNAUTHORIZED },
        { 403, HERALD_E_PLATFORM_FORBIDDEN },    { 404, HERALD_E_PLATFORM_NOT_FOUND },
        { 405, HERALD_E_PLATFORM_BAD_REQUEST },  { 418, HERALD_E_PLATFORM_BAD_REQUEST },
        { 429, HERALD_E_PLATFORM_RATE_LIMITED }, { 500, HERALD_E_PLATFORM_SERVER },
        { 502, HERALD_E_PLATFORM_SERVER },       { 503, HERALD_E_PLATFORM_SERVER },
        { 599, HERALD_E_PLATFORM_SERVER },       { 301, HERALD_E_HTTP_STATUS },
        { 101, HERALD_E_HTTP_STATUS },           { 600, HERALD_E_HTTP_STATUS },
    };
    static const char *const bodies[] = {
        NULL,
        "",
        "<html><body>502 Bad Gateway</body></html>",
        "{\"message\":\"Unauthorized\"}",
        "[]",
        "{\"error\":",
        "{\"notificationId\":\"n1\"}",
    };
    size_t i, j;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (j = 0; j < sizeof bodies / sizeof bodies[0]; j++) {
            assert_int_equal(parse(cases[i].http, bodies[j]), cases[i].st);
            assert_int_equal(err.http_status, cases[i].http);
            assert_string_equal(err.code, "");
            assert_string_equal(res.notification_id, "");
        }
    }
}

static void test_long_strings_cut_safely(void **state)
{
    static const struct {
        const char *unit; /* one character, 1 to 4 bytes of UTF-8 */
        size_t kept;      /* bytes that fit in the 128-byte title */
    } units[] = {
        { "a", 127 },
        { "\xc3\xa9", 126 },
        { "\xe2\x82\xac", 126 },
        { "\xf0\x9f\x98\x80", 124 },
    };
    char body[1200], title[700];
    size_t i, k;
    (void)state;
    for (i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t ulen = strlen(units[i].unit);
        for (k = 0; k + ulen < 600; k += ulen) {
            memcpy(title + k, units[i].unit, ulen);
        }
        title[k] = '\0';
        snprintf(body, sizeof body, "{\"notificationId\":\"n\",\"title\":\"%s\"}", title);
        assert_int_equal(parse(200, body), HERALD_OK);
        assert_int_equal(strlen(res.title), units[i].kept);
        assert_memory_equal(res.title, title, units[i].kept);
        assert_int_equal(res.truncated, HERALD_CUT_TITLE);
    }
    /* a value of exactly the room left is not cut */
    memset(title, 'x', 63);
    title[63] = '\0';
    snprintf(body, sizeof body,
             "{\"notificationId\":\"%s\",\"channels\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]}", title);
    assert_int_equal(parse(201, body), HERALD_OK);
    assert_string_equal(res.notification_id, title);
    assert_int_equal(res.nchannels, 6);
    assert_int_equal(res.truncated, 0);
    /* too many channels, a channel too long, an id too long */
    assert_int_equal(
        parse(201, "{\"notificationId\":\"n\",\"channels\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\"]}"),
        HERALD_OK);
    assert_int_equal(res.nchannels, 6);
    assert_string_equal(res.channels[5], "f");
    assert_int_equal(res.truncated, HERALD_CUT_CHANNELS);
    assert_int_equal(parse(201, "{\"notificationId\":\"n\",\"channels\":[\"whatsapp-business-api\"]}"),
                     HERALD_OK);
    assert_string_equal(res.channels[0], "whatsapp-busine");
    assert_int_equal(res.truncated, HERALD_CUT_CHANNELS);
    /* an escaped code point longer than the field */
    memset(title, 'x', 100);
    title[100] = '\0';
    snprintf(body, sizeof body, "{\"notificationId\":\"%s\"}", title);
    assert_int_equal(parse(200, body), HERALD_OK);
    assert_int_equal(strlen(res.notification_id), 63);
    assert_int_equal(res.truncated, HERALD_CUT_NOTIFICATION_ID);
    assert_int_equal(
        parse(200, "{\"notificationId\":\"n\",\"sentFrom\":\"0123456789012345678901234567890\\u20ac\"}"),
        HERALD_OK);
    assert_string_equal(res.sent_from, "0123456789012345678901234567890");
    assert_int_equal(res.truncated, HERALD_CUT_SENT_FROM);
}

static void test_long_error_text_and_details_cut(void **state)
{
    char body[2000], msg[400], details[1200];
    size_t i, n = 0;
    (void)state;
    for (i = 0; i < 100; i++) {
        memcpy(msg + 3 * i, "\xe2\x82\xac", 3);
    }
    msg[300] = '\0';
    for (i = 0; i < 40; i++) {
        n += (size_t)snprintf(details + n, sizeof details - n,
                              "%s\"field%02zu\":\"\xc3\xa9t\xc3\xa9 required\"", i ? "," : "{", i);
    }
    snprintf(details + n, sizeof details - n, "}");
    snprintf(body, sizeof body,
             "{\"error\":{\"code\":\"ERR_INVALID_VARIABLES\",\"message\":\"%s\",\"details\":%s}}", msg,
             details);
    assert_int_equal(parse(400, body), HERALD_E_PLATFORM_INVALID_VARIABLES);
    assert_int_equal(strlen(err.message), 159 / 3 * 3);
    assert_memory_equal(err.message, msg, strlen(err.message));
    /* details: a prefix of the compact text that ends between two tokens */
    n = strlen(err.details);
    assert_true(n > 200);
    assert_true(n < sizeof err.details);
    assert_memory_equal(err.details, details, n);
    assert_non_null(strchr("\":,", err.details[n - 1]));
    assert_int_equal(err.truncated, 1);
}

/* A sink into a fixed buffer, NUL-terminated for comparing. */
static const char *write_json(const herald_send_result_t *r, herald_status_t *st)
{
    static char buf[700];
    herald_buf_sink_t s = { buf, sizeof buf - 1u, 0 };
    *st = herald_result_write_json(r, herald_buf_sink, &s);
    buf[s.len < sizeof buf ? s.len : sizeof buf - 1u] = '\0';
    return buf;
}

static void test_result_write_json_exact_bytes(void **state)
{
    herald_send_result_t r;
    herald_status_t st;
    char small[40];
    herald_buf_sink_t s = { small, sizeof small, 0 };
    (void)state;
    assert_int_equal(parse(201, DOC_SUCCESS), HERALD_OK);
    assert_string_equal(write_json(&res, &st), DOC_SUCCESS);
    assert_int_equal(st, HERALD_OK);
    memset(&r, 0, sizeof r);
    strcpy(r.notification_id, "n_1");
    assert_string_equal(write_json(&r, &st), "{\"notificationId\":\"n_1\"}");
    strcpy(r.title, "say \"hi\"\\\n\t\x01 \xc3\xa9");
    strcpy(r.channels[0], "push");
    r.nchannels = 1;
    strcpy(r.created_at, "2024");
    assert_string_equal(write_json(&r, &st),
                        "{\"notificationId\":\"n_1\",\"channels\":[\"push\"],"
                        "\"title\":\"say \\\"hi\\\"\\\\\\n\\t\\u0001 \xc3\xa9\",\"createdAt\":\"2024\"}");
    assert_int_equal(st, HERALD_OK);
    /* a sink error stops the writer and comes back unchanged */
    assert_int_equal(herald_result_write_json(&res, herald_buf_sink, &s), HERALD_E_NOSPACE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doc_success_bare_and_wrapped),
        cmocka_unit_test(test_optional_fields_and_unknown_fields),
        cmocka_unit_test(test_invalid_success_bodies),
        cmocka_unit_test(test_too_big_for_the_arena),
        cmocka_unit_test(test_documented_error_codes),
        cmocka_unit_test(test_unknown_code_keeps_text),
        cmocka_unit_test(test_statuses_without_envelope),
        cmocka_unit_test(test_long_strings_cut_safely),
        cmocka_unit_test(test_long_error_text_and_details_cut),
        cmocka_unit_test(test_result_write_json_exact_bytes),
    };
    return cmocka_run_group_tests_name("response", tests, NULL, NULL);
}
