/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "seed.h"
#include "cJSON.h"
#include "herald/coalesce.h"
#include "herald/request.h"

#define SEED_BODY \
    "{\"template\":{\"key\":\"order-confirmation\",\"variables\":{\"customerName\":\"Jane\"," \
    "\"orderId\":\"ORD-12345\"}},\"targets\":[\"user-jane-123\"],\"mode\":\"realtime\"," \
    "\"title\":\"Order Confirmed\"}"

static herald_notification_t seed(void)
{
    return seed_notification();
}

/* Writes the body into buf (NUL-terminated) and checks that
 * herald_request_length agrees with the bytes written. */
static size_t write_body(const herald_notification_t *n, char *buf, size_t cap)
{
    herald_buf_sink_t b = { buf, cap - 1u, 0u };
    size_t len = 12345u;
    assert_int_equal(herald_request_write(n, herald_buf_sink, &b), HERALD_OK);
    assert_int_equal(herald_request_length(n, &len), HERALD_OK);
    assert_int_equal(len, b.len);
    buf[b.len] = '\0';
    return b.len;
}

/* Records every sink call; fails with fail_st on call number fail_at (1-based). */
typedef struct {
    char buf[512];
    size_t len;
    size_t calls;
    size_t fail_at;
    herald_status_t fail_st;
} rec_t;

static herald_status_t rec_sink(void *ctx, const char *data, size_t len)
{
    rec_t *r = ctx;
    r->calls++;
    if (r->fail_at != 0u && r->calls >= r->fail_at) {
        return r->fail_st;
    }
    assert_true(len <= sizeof r->buf - r->len);
    memcpy(r->buf + r->len, data, len);
    r->len += len;
    return HERALD_OK;
}

static cJSON *parse(const char *s, size_t len)
{
    cJSON *root;
    root = cJSON_ParseWithLength(s, len);
    assert_non_null(root);
    return root;
}

static void assert_member_string(const cJSON *obj, const char *name, const char *want)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
    assert_non_null(it);
    assert_true(cJSON_IsString(it));
    assert_string_equal(it->valuestring, want);
}

static void test_seed_example_exact_bytes(void **state)
{
    herald_notification_t n = seed();
    char buf[512];
    size_t len;
    (void)state;
    len = write_body(&n, buf, sizeof buf);
    assert_string_equal(buf, SEED_BODY);
    assert_int_equal(len, sizeof(SEED_BODY) - 1u);
    assert_int_equal(len, 171u);
}

static void test_seed_example_parses_to_exact_fields(void **state)
{
    herald_notification_t n = seed();
    char buf[512];
    size_t len;
    cJSON *root;
    const cJSON *tmpl;
    const cJSON *vars;
    const cJSON *targets;
    (void)state;
    n.tag = "orders";
    len = write_body(&n, buf, sizeof buf);
    root = parse(buf, len);
    assert_int_equal(cJSON_GetArraySize(root), 5);
    tmpl = cJSON_GetObjectItemCaseSensitive(root, "template");
    assert_true(cJSON_IsObject(tmpl));
    assert_int_equal(cJSON_GetArraySize(tmpl), 2);
    assert_member_string(tmpl, "key", "order-confirmation");
    vars = cJSON_GetObjectItemCaseSensitive(tmpl, "variables");
    assert_true(cJSON_IsObject(vars));
    assert_int_equal(cJSON_GetArraySize(vars), 2);
    assert_member_string(vars, "customerName", "Jane");
    assert_member_string(vars, "orderId", "ORD-12345");
    targets = cJSON_GetObjectItemCaseSensitive(root, "targets");
    assert_true(cJSON_IsArray(targets));
    assert_int_equal(cJSON_GetArraySize(targets), 1);
    assert_string_equal(cJSON_GetArrayItem(targets, 0)->valuestring, "user-jane-123");
    assert_member_string(root, "mode", "realtime");
    assert_member_string(root, "title", "Order Confirmed");
    assert_member_string(root, "tag", "orders");
    cJSON_Delete(root);
}

static void test_id_batch_no_vars_no_title(void **state)
{
    static const char *const targets[] = { "a", "b\"c", "d" };
    herald_notification_t n = {
        .template_id = "tpl_42",
        .targets = targets,
        .ntargets = 3u,
        .mode = HERALD_MODE_BATCH,
        .tag = "",
    };
    char buf[256];
    (void)state;
    write_body(&n, buf, sizeof buf);
    assert_string_equal(buf, "{\"template\":{\"id\":\"tpl_42\",\"variables\":{}},"
                             "\"targets\":[\"a\",\"b\\\"c\",\"d\"],\"mode\":\"batch\",\"tag\":\"\"}");
    /* The key wins when both are given; an empty key counts as absent. */
    n.template_key = "k";
    write_body(&n, buf, sizeof buf);
    assert_non_null(strstr(buf, "{\"template\":{\"key\":\"k\","));
    n.template_key = "";
    write_body(&n, buf, sizeof buf);
    assert_non_null(strstr(buf, "{\"template\":{\"id\":\"tpl_42\","));
}

static void test_values_are_escaped_with_explicit_length(void **state)
{
    static const herald_var_t vars[] = { { "q\"", "a\0b\\", 4u } };
    herald_notification_t n = seed();
    char buf[256];
    (void)state;
    n.vars = vars;
    n.nvars = 1u;
    n.title = NULL;
    write_body(&n, buf, sizeof buf);
    assert_string_equal(buf, "{\"template\":{\"key\":\"order-confirmation\",\"variables\":"
                             "{\"q\\\"\":\"a\\u0000b\\\\\"}},\"targets\":[\"user-jane-123\"],"
                             "\"mode\":\"realtime\"}");
}

#define PUSH_BODY \
    "{\"template\":{\"key\":\"order-confirmation\",\"variables\":{\"customerName\":\"Jane\"," \
    "\"orderId\":\"ORD-12345\"},\"notificationPushData\":{\"deepLink\":\"app://orders/1\"," \
    "\"priority\":\"high\"}},\"targets\":[\"user-jane-123\"],\"mode\":\"realtime\"," \
    "\"title\":\"Order Confirmed\"}"

static void test_push_data_exact_bytes(void **state)
{
    static const herald_var_t push[] = { { "deepLink", "app://orders/1", 0u }, { "priority", "high", 0u } };
    herald_notification_t n = seed();
    char buf[512];
    size_t len;
    size_t counted = 0u;
    (void)state;
    n.push_data = push;
    n.npush_data = 2u;
    len = write_body(&n, buf, sizeof buf);
    assert_string_equal(buf, PUSH_BODY);
    /* Content-Length is what the count sink gives: the bytes written. */
    assert_int_equal(herald_request_length(&n, &counted), HERALD_OK);
    assert_int_equal(counted, sizeof(PUSH_BODY) - 1u);
    assert_int_equal(counted, len);

    /* One entry and no variables: the object still sits after "variables". */
    n.vars = NULL;
    n.nvars = 0u;
    n.npush_data = 1u;
    n.title = NULL;
    write_body(&n, buf, sizeof buf);
    assert_string_equal(buf, "{\"template\":{\"key\":\"order-confirmation\",\"variables\":{},"
                             "\"notificationPushData\":{\"deepLink\":\"app://orders/1\"}},"
                             "\"targets\":[\"user-jane-123\"],\"mode\":\"realtime\"}");

    /* A pointer with a zero count is no push data: the field is left out. */
    n = seed();
    n.push_data = push;
    n.npush_data = 0u;
    write_body(&n, buf, sizeof buf);
    assert_string_equal(buf, SEED_BODY);
}

static void test_push_data_is_escaped_and_parses(void **state)
{
    static const herald_var_t push[] = { { "q\"\\", "a\0b\\\n\"", 6u }, { "\x01k", "caf\xc3\xa9", 0u } };
    herald_notification_t n = seed();
    char buf[512];
    size_t len;
    cJSON *root;
    const cJSON *tmpl, *pd;
    (void)state;
    n.push_data = push;
    n.npush_data = 2u;
    n.title = NULL;
    len = write_body(&n, buf, sizeof buf);
    assert_non_null(strstr(buf, ",\"notificationPushData\":{\"q\\\"\\\\\":\"a\\u0000b\\\\\\n\\\"\","
                                "\"\\u0001k\":\"caf\xc3\xa9\"}}"));
    root = parse(buf, len);
    tmpl = cJSON_GetObjectItemCaseSensitive(root, "template");
    assert_int_equal(cJSON_GetArraySize(tmpl), 3);
    pd = cJSON_GetObjectItemCaseSensitive(tmpl, "notificationPushData");
    assert_true(cJSON_IsObject(pd));
    assert_int_equal(cJSON_GetArraySize(pd), 2);
    assert_string_equal(pd->child->string, "q\"\\");
    assert_true(cJSON_IsString(pd->child));
    assert_member_string(pd, "\x01k", "caf\xc3\xa9");
    cJSON_Delete(root);
}

static void test_few_sink_calls(void **state)
{
    herald_notification_t n = seed();
    rec_t r = { .len = 0u };
    (void)state;
    /* 171 bytes of short tokens: staged, not one call per token. */
    assert_int_equal(herald_request_write(&n, rec_sink, &r), HERALD_OK);
    assert_int_equal(r.len, sizeof(SEED_BODY) - 1u);
    assert_memory_equal(r.buf, SEED_BODY, r.len);
    assert_true(r.calls <= 2u);
}

static void test_sink_error_propagates_from_every_call(void **state)
{
    herald_notification_t n = seed();
    rec_t ok = { .len = 0u };
    (void)state;
    n.title = "a title long enough that the body needs more than one staged write, "
              "and then some more words";
    assert_int_equal(herald_request_write(&n, rec_sink, &ok), HERALD_OK);
    assert_true(ok.calls >= 2u);
    for (size_t at = 1u; at <= ok.calls; at++) {
        rec_t r = { .len = 0u, .fail_at = at, .fail_st = HERALD_E_NET_CLOSED };
        assert_int_equal(herald_request_write(&n, rec_sink, &r), HERALD_E_NET_CLOSED);
        assert_int_equal(r.calls, at); /* nothing written after the error */
    }
}

static void test_strings_of_every_length_keep_order(void **state)
{
    static char text[301];
    static char buf[2048];
    herald_notification_t n = seed();
    herald_var_t v[1] = { { "v", text, 0u } };
    herald_var_t p[2] = { { "p", text, 0u }, { "q", text, 0u } };
    (void)state;
    /* Every length across the staging buffer's size and its large-run cut,
     * as a value and as a title, so each lands at many stage fill levels. */
    for (size_t len = 0u; len < sizeof text; len++) {
        size_t out_len;
        cJSON *root;
        for (size_t i = 0u; i < len; i++) {
            text[i] = (char)('a' + i % 26u);
        }
        text[len] = '\0';
        n.vars = v;
        n.nvars = 1u;
        p[1].value = text + len / 3u;
        n.push_data = p;
        n.npush_data = 2u;
        n.title = text;
        n.tag = text + len / 2u;
        out_len = write_body(&n, buf, sizeof buf);
        root = parse(buf, out_len);
        assert_member_string(root, "title", text);
        assert_member_string(root, "tag", text + len / 2u);
        assert_member_string(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "template"), "variables"),
            "v", text);
        {
            const cJSON *pd =
                cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "template"),
                                                 "notificationPushData");
            assert_member_string(pd, "p", text);
            assert_member_string(pd, "q", text + len / 3u);
        }
        cJSON_Delete(root);
    }
}

static void test_invalid_args(void **state)
{
    static const char *const null_target[] = { NULL };
    static const herald_var_t null_value[] = { { "x", NULL, 0u } };
    static const herald_var_t null_name[] = { { NULL, "x", 0u } };
    herald_notification_t n = seed();
    rec_t r = { .len = 0u };
    size_t len = 7u;
    (void)state;
    assert_int_equal(herald_request_write(NULL, rec_sink, &r), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_request_write(&n, NULL, &r), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_request_length(&n, NULL), HERALD_E_INVALID_ARG);
    n.template_key = NULL;
    assert_int_equal(herald_request_write(&n, rec_sink, &r), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_request_length(&n, &len), HERALD_E_INVALID_ARG);
    assert_int_equal(len, 0u);
    n = seed();
    n.mode = (herald_mode_t)7;
    assert_int_equal(herald_request_write(&n, rec_sink, &r), HERALD_E_INVALID_ARG);
    n = seed();
    n.targets = null_target;
    assert_int_equal(herald_request_write(&n, rec_sink, &r), HERALD_E_INVALID_ARG);
    n = seed();
    n.vars = null_value;
    n.nvars = 1u;
    assert_int_equal(herald_request_write(&n, rec_sink, &r), HERALD_E_INVALID_ARG);
    n = seed();
    n.npush_data = 1u; /* with no push_data array */
    assert_int_equal(herald_request_write(&n, rec_sink, &r), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_request_length(&n, &len), HERALD_E_INVALID_ARG);
    n.push_data = null_value;
    assert_int_equal(herald_request_write(&n, rec_sink, &r), HERALD_E_INVALID_ARG);
    n.push_data = null_name;
    assert_int_equal(herald_request_write(&n, rec_sink, &r), HERALD_E_INVALID_ARG);
    assert_int_equal(r.calls, 0u); /* refused before any byte */
}

static void json_string(const char *s, size_t len, char *buf, size_t cap)
{
    herald_buf_sink_t b = { buf, cap - 1u, 0u };
    assert_int_equal(herald_json_write_string(herald_buf_sink, &b, s, len), HERALD_OK);
    buf[b.len] = '\0';
}

static void test_escapes_every_control_char(void **state)
{
    static const char *const want[0x20] = {
        "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
        "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
        "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
        "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
    };
    char all[0x20];
    char expect[0x20 * 6 + 3];
    char buf[256];
    (void)state;
    for (int c = 0; c < 0x20; c++) {
        char one = (char)c;
        char e[16];
        all[c] = (char)c;
        json_string(&one, 1u, buf, sizeof buf);
        strcpy(e, "\"");
        strcat(e, want[c]);
        strcat(e, "\"");
        assert_string_equal(buf, e);
    }
    /* All 32 at once: more escapes in a row than the escaper batches. */
    strcpy(expect, "\"");
    for (int c = 0; c < 0x20; c++) {
        strcat(expect, want[c]);
    }
    strcat(expect, "\"");
    json_string(all, sizeof all, buf, sizeof buf);
    assert_string_equal(buf, expect);
}

static void test_escapes_quotes_backslash_passes_utf8(void **state)
{
    static const char in[] = "say \"hi\" \\ a/b \x7f caf\xc3\xa9 \xe6\xbc\xa2 \xf0\x9f\x98\x80";
    char buf[128];
    cJSON *root;
    (void)state;
    json_string(in, sizeof in - 1u, buf, sizeof buf);
    assert_string_equal(buf, "\"say \\\"hi\\\" \\\\ a/b \x7f caf\xc3\xa9 \xe6\xbc\xa2 \xf0\x9f\x98\x80\"");
    root = parse(buf, strlen(buf));
    assert_true(cJSON_IsString(root));
    assert_string_equal(root->valuestring, in);
    cJSON_Delete(root);
    json_string("", 0u, buf, sizeof buf);
    assert_string_equal(buf, "\"\"");
    assert_int_equal(herald_json_write_string(NULL, NULL, "x", 1u), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_json_write_string(herald_buf_sink, NULL, NULL, 1u), HERALD_E_INVALID_ARG);
}

static void test_control_chars_roundtrip_through_cjson(void **state)
{
    static const herald_var_t vars[] = { { "v", "\x01\x1f\t\n\"\\\x7f", 0u } };
    herald_notification_t n = seed();
    char buf[256];
    size_t len;
    cJSON *root;
    const cJSON *v;
    (void)state;
    n.vars = vars;
    n.nvars = 1u;
    len = write_body(&n, buf, sizeof buf);
    root = parse(buf, len);
    v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "template"), "variables");
    assert_int_equal(cJSON_GetArraySize(v), 1);
    assert_member_string(v, "v", "\x01\x1f\t\n\"\\\x7f");
    cJSON_Delete(root);
}

/* FNV-1a-64 of s[0..n), written out here so the test does not lean on the
 * code it checks. */
static uint64_t fnv64(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0u; i < n; i++) {
        h = (h ^ (uint8_t)s[i]) * 0x100000001b3u;
    }
    return h;
}

/* One pass gives the body's length and the coalescing hash: the hash of
 * the body up to and with its mode, whatever the title and tag. */
static void test_measure_length_and_hash(void **state)
{
    static const char identity[] = "{\"template\":{\"key\":\"order-confirmation\",\"variables\":{"
                                   "\"customerName\":\"Jane\",\"orderId\":\"ORD-12345\"}},"
                                   "\"targets\":[\"user-jane-123\"],\"mode\":\"realtime\"";
    static const char *const two[] = { "user-jane-123", "user-joe-456" };
    herald_notification_t n = seed();
    size_t len = 0u;
    uint64_t h = 0u;
    uint64_t h2 = 0u;
    (void)state;
    assert_int_equal(herald_request_measure(&n, &len, &h), HERALD_OK);
    assert_int_equal(len, sizeof SEED_BODY - 1u);
    assert_true(h == fnv64(identity, sizeof identity - 1u));
    assert_true(h == herald_notification_hash(&n));
    assert_int_equal(herald_request_measure(&n, NULL, &h2), HERALD_OK);
    assert_true(h2 == h);
    n.title = "another title";
    n.tag = "a tag";
    assert_int_equal(herald_request_measure(&n, &len, &h2), HERALD_OK);
    assert_true(h2 == h);                     /* title and tag aside */
    assert_true(len > sizeof SEED_BODY - 1u); /* but counted */
    n = seed();
    n.mode = HERALD_MODE_BATCH;
    assert_int_equal(herald_request_measure(&n, NULL, &h2), HERALD_OK);
    assert_true(h2 != h);
    n.targets = two;
    n.ntargets = 2u;
    assert_int_equal(herald_request_measure(&n, NULL, &h), HERALD_OK);
    assert_true(h2 != h);
    len = 7u;
    h = 7u;
    assert_int_equal(herald_request_measure(NULL, &len, &h), HERALD_E_INVALID_ARG);
    assert_int_equal(len, 0u);
    assert_true(h == 0u);
    assert_true(herald_notification_hash(NULL) == 0u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_example_exact_bytes),
        cmocka_unit_test(test_seed_example_parses_to_exact_fields),
        cmocka_unit_test(test_id_batch_no_vars_no_title),
        cmocka_unit_test(test_values_are_escaped_with_explicit_length),
        cmocka_unit_test(test_push_data_exact_bytes),
        cmocka_unit_test(test_push_data_is_escaped_and_parses),
        cmocka_unit_test(test_few_sink_calls),
        cmocka_unit_test(test_measure_length_and_hash),
        cmocka_unit_test(test_sink_error_propagates_from_every_call),
        cmocka_unit_test(test_strings_of_every_length_keep_order),
        cmocka_unit_test(test_invalid_args),
        cmocka_unit_test(test_escapes_every_control_char),
        cmocka_unit_test(test_escapes_quotes_backslash_passes_utf8),
        cmocka_unit_test(test_control_chars_roundtrip_through_cjson),
    };
    return cmocka_run_group_tests_name("request", tests, NULL, NULL);
}
