/* SPDX-License-Identifier: Apache-2.0 */
/* Injection: hostile bytes in every field a caller controls (variable names
 * and values, push data keys and values, title, tag, targets, template key
 * and id) come out of the
 * request writer as one strict JSON object with exactly the intended fields,
 * in order, whose values equal the input byte for byte; or the shape check
 * refuses them (invalid UTF-8, NUL) with the field's own status before
 * anything is queued.  On the wire, no field can add a header, and
 * credentials or a base URL that could split a header line are refused by
 * herald_init and herald_set_credentials. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "cJSON.h"
#include "firmware/src/utf8.h"
#include "herald/herald.h"
#include "herald/request.h"
#include "agent_fixture.h"

/* Valid UTF-8 without NUL, at most 64 bytes (the shortest field limit),
 * each aimed at breaking out of a JSON string or an HTTP header. */
static const char *const hostile[] = {
    "\"",
    "\\",
    "\\\"",
    "\"\"\\\\\"",
    "\",\"mode\":\"batch\",\"x\":\"",
    "\"}},\"targets\":[\"evil\"],\"t\":{\"",
    "\\u0022\\n\\\\u0000",
    "tab\tnl\ncr\rbs\bff\f",
    "\x01\x02\x03\x1b[31m\x1e\x1f\x7f",
    "\r\nX-Injected: 1\r\n\r\n{\"a\":1}",
    "</script><!-- {{customerName}} ${x}",
    "caf\xc3\xa9 \xe2\x80\xa8\xe2\x80\xa9 \xef\xbb\xbf\xef\xbf\xbf \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
};
#define NHOSTILE (sizeof hostile / sizeof hostile[0])

/* Not UTF-8: invalid lead bytes, overlong forms, a surrogate, above
 * U+10FFFF, truncated sequences, a stray continuation byte. */
static const char *const bad_utf8[] = {
    "\xff",
    "\xfe",
    "\xc0\xaf",
    "\xc1\xbf",
    "\xe0\x80\xaf",
    "\xf0\x80\x80\xaf",
    "\xed\xa0\x80",
    "\xed\xbf\xbf",
    "\xf4\x90\x80\x80",
    "\xf8\x88\x80\x80\x80",
    "\xe2\x82",
    "\xf0\x9f\x98",
    "\x80",
    "a\xc3",
    "\xc3(",
};
#define NBAD (sizeof bad_utf8 / sizeof bad_utf8[0])

static const herald_var_t base_vars[] = { { "customerName", "Jane", 0u }, { "orderId", "ORD-12345", 0u } };
static const char *const base_targets[] = { "user-jane-123" };

static herald_notification_t base(void)
{
    herald_notification_t n = {
        .template_key = "order-confirmation",
        .vars = base_vars,
        .nvars = 2u,
        .targets = base_targets,
        .ntargets = 1u,
        .mode = HERALD_MODE_REALTIME,
        .title = "Order Confirmed",
    };
    return n;
}

static char body[16384];

static size_t write_body(const herald_notification_t *n)
{
    herald_buf_sink_t b = { body, sizeof body - 1u, 0u };
    size_t len = 0u;
    assert_int_equal(herald_request_write(n, herald_buf_sink, &b), HERALD_OK);
    assert_int_equal(herald_request_length(n, &len), HERALD_OK);
    assert_int_equal(len, b.len);
    body[b.len] = '\0';
    return b.len;
}

static void assert_string_item(const cJSON *item, const char *name, const char *want, size_t want_len)
{
    assert_non_null(item);
    if (name) {
        assert_non_null(item->string);
        assert_string_equal(item->string, name);
    }
    assert_true(cJSON_IsString(item));
    assert_int_equal(strlen(item->valuestring), want_len);
    assert_memory_equal(item->valuestring, want, want_len);
}

/* The body is strict JSON holding exactly n: the members in the writer's
 * order, no others, every value equal to the input byte for byte. */
static void assert_body_is(const char *s, size_t len, const herald_notification_t *n)
{
    const char *end = NULL;
    const cJSON *it, *tmpl, *var;
    cJSON *root;
    size_t i;

    /* JSON allows no raw control byte, and the compact body has no
     * whitespace at all; the body is UTF-8 as its inputs were. */
    for (i = 0u; i < len; i++) {
        assert_true((unsigned char)s[i] >= 0x20u);
    }
    assert_true(herald_utf8_valid(s, len));
    root = cJSON_ParseWithLengthOpts(s, len, &end, 0);
    assert_non_null(root);
    assert_ptr_equal(end, s + len);
    assert_true(cJSON_IsObject(root));

    tmpl = root->child;
    assert_non_null(tmpl);
    assert_string_equal(tmpl->string, "template");
    assert_true(cJSON_IsObject(tmpl));
    it = tmpl->child;
    if (n->template_key && n->template_key[0]) {
        assert_string_item(it, "key", n->template_key, strlen(n->template_key));
    } else {
        assert_string_item(it, "id", n->template_id, strlen(n->template_id));
    }
    it = it->next;
    assert_non_null(it);
    assert_string_equal(it->string, "variables");
    assert_true(cJSON_IsObject(it));
    var = it->child;
    for (i = 0u; i < n->nvars; i++, var = var->next) {
        assert_string_item(var, n->vars[i].name, n->vars[i].value, herald_var_len(&n->vars[i]));
    }
    assert_null(var);
    if (n->npush_data > 0u) {
        it = it->next;
        assert_non_null(it);
        assert_string_equal(it->string, "notificationPushData");
        assert_true(cJSON_IsObject(it));
        var = it->child;
        for (i = 0u; i < n->npush_data; i++, var = var->next) {
            assert_string_item(var, n->push_data[i].name, n->push_data[i].value,
                               herald_var_len(&n->push_data[i]));
        }
        assert_null(var);
    }
    assert_null(it->next);

    it = tmpl->next;
    assert_non_null(it);
    assert_string_equal(it->string, "targets");
    assert_true(cJSON_IsArray(it));
    assert_int_equal(cJSON_GetArraySize(it), (int)n->ntargets);
    for (i = 0u; i < n->ntargets; i++) {
        const char *t = herald_target(n, i);
        assert_string_item(cJSON_GetArrayItem(it, (int)i), NULL, t, strlen(t));
    }
    it = it->next;
    assert_string_item(it, "mode", herald_mode_str(n->mode), strlen(herald_mode_str(n->mode)));
    if (n->title) {
        it = it->next;
        assert_string_item(it, "title", n->title, strlen(n->title));
    }
    if (n->tag) {
        it = it->next;
        assert_string_item(it, "tag", n->tag, strlen(n->tag));
    }
    assert_null(it->next);
    cJSON_Delete(root);
}

static void check_sent(const herald_notification_t *n)
{
    size_t len;
    assert_int_equal(herald_check_shape(n), HERALD_OK);
    len = write_body(n);
    assert_body_is(body, len, n);
}

/* ---- escaped --------------------------------------------------------------- */

static void test_hostile_text_in_each_field(void **state)
{
    (void)state;
    for (size_t h = 0u; h < NHOSTILE; h++) {
        const char *s = hostile[h];
        herald_var_t vars[2] = { { "customerName", s, 0u }, { s, "v", 0u } };
        herald_var_t push[2] = { { "deepLink", s, 0u }, { s, "v", 0u } };
        const char *targets[1] = { s };
        herald_notification_t n;

        n = base();
        n.vars = vars;
        n.nvars = 1u;
        check_sent(&n); /* a value */
        n.vars = vars + 1;
        check_sent(&n); /* a name */
        n = base();
        n.push_data = push;
        n.npush_data = 1u;
        check_sent(&n); /* a push data value */
        n.push_data = push + 1;
        check_sent(&n); /* a push data key */
        n = base();
        n.title = s;
        check_sent(&n);
        n = base();
        n.tag = s;
        check_sent(&n);
        n = base();
        n.targets = targets;
        check_sent(&n);
        n = base();
        n.template_key = s;
        check_sent(&n);
        n = base();
        n.template_key = NULL;
        n.template_id = s;
        check_sent(&n);

        /* Everything at once, with a second target and variable. */
        {
            const char *two[2] = { s, "user-2" };
            n = base();
            n.template_key = s;
            n.vars = vars;
            n.nvars = 2u;
            n.push_data = push;
            n.npush_data = 2u;
            n.targets = two;
            n.ntargets = 2u;
            n.mode = HERALD_MODE_BATCH;
            n.title = s;
            n.tag = s;
            check_sent(&n);
        }
    }
}

static void test_every_ascii_byte_and_longest_values(void **state)
{
    static char all[128], quotes[HERALD_VAR_MAX_LEN + 1], ctrl[HERALD_TEXT_MAX_LEN + 1];
    static char back[HERALD_TARGET_MAX_LEN + 1], pquotes[HERALD_PUSH_VALUE_MAX_LEN + 1];
    static char pkey[HERALD_PUSH_KEY_MAX_LEN + 1];
    herald_var_t vars[2] = { { "all", all, 0u }, { "quotes", quotes, 0u } };
    herald_var_t push[3] = { { "all", all, 0u }, { "quotes", pquotes, 0u }, { pkey, back, 0u } };
    const char *targets[2] = { all, back };
    herald_notification_t n = base();
    (void)state;
    for (int c = 1; c < 128; c++) {
        all[c - 1] = (char)c;
    }
    memset(quotes, '"', HERALD_VAR_MAX_LEN);
    memset(ctrl, 0x01, HERALD_TEXT_MAX_LEN);
    memset(back, '\\', HERALD_TARGET_MAX_LEN);
    memset(pquotes, '"', HERALD_PUSH_VALUE_MAX_LEN);
    memset(pkey, '\x1f', HERALD_PUSH_KEY_MAX_LEN);
    n.vars = vars;
    n.nvars = 2u;
    n.push_data = push;
    n.npush_data = 3u;
    n.targets = targets;
    n.ntargets = 2u;
    n.mode = HERALD_MODE_BATCH;
    n.title = ctrl; /* 256 bytes that each become six */
    n.tag = all;
    check_sent(&n);
}

/* ---- refused --------------------------------------------------------------- */

static void test_invalid_utf8_is_refused_with_the_fields_status(void **state)
{
    (void)state;
    for (size_t b = 0u; b < NBAD; b++) {
        char text[32];
        herald_var_t vars[1] = { { "customerName", text, 0u } };
        herald_var_t named[1] = { { text, "v", 0u } };
        const char *targets[1] = { text };
        herald_var_t push_value[1] = { { "deepLink", text, 0u } };
        herald_var_t push_key[1] = { { text, "v", 0u } };
        herald_notification_t n;
        snprintf(text, sizeof text, "ok%sok", bad_utf8[b]);

        n = base();
        n.vars = vars;
        n.nvars = 1u;
        assert_int_equal(herald_check_shape(&n), HERALD_E_VAR_INVALID);
        n.vars = named;
        assert_int_equal(herald_check_shape(&n), HERALD_E_VAR_INVALID);
        n = base();
        n.push_data = push_value;
        n.npush_data = 1u;
        assert_int_equal(herald_check_shape(&n), HERALD_E_PUSH_DATA_INVALID);
        n.push_data = push_key;
        assert_int_equal(herald_check_shape(&n), HERALD_E_PUSH_DATA_INVALID);
        n = base();
        n.title = text;
        assert_int_equal(herald_check_shape(&n), HERALD_E_TEXT_INVALID);
        n = base();
        n.tag = text;
        assert_int_equal(herald_check_shape(&n), HERALD_E_TEXT_INVALID);
        n = base();
        n.targets = targets;
        assert_int_equal(herald_check_shape(&n), HERALD_E_TARGET_INVALID);
        n = base();
        n.template_key = text;
        assert_int_equal(herald_check_shape(&n), HERALD_E_INVALID_ARG);
        n = base();
        n.template_key = NULL;
        n.template_id = text;
        assert_int_equal(herald_check_shape(&n), HERALD_E_INVALID_ARG);
    }
}

static void test_nul_in_a_value_is_refused(void **state)
{
    static const herald_var_t nul_mid[] = { { "customerName", "Ja\0ne", 5u } };
    static const herald_var_t nul_end[] = { { "customerName", "Jane\0", 5u } };
    static const herald_var_t nul_only[] = { { "customerName", "\0", 1u } };
    herald_notification_t n = base();
    (void)state;
    n.nvars = 1u;
    n.vars = nul_mid;
    assert_int_equal(herald_check_shape(&n), HERALD_E_VAR_INVALID);
    n.vars = nul_end;
    assert_int_equal(herald_check_shape(&n), HERALD_E_VAR_INVALID);
    n.vars = nul_only;
    assert_int_equal(herald_check_shape(&n), HERALD_E_VAR_INVALID);
    /* The same values as push data. */
    n = base();
    n.npush_data = 1u;
    n.push_data = nul_mid;
    assert_int_equal(herald_check_shape(&n), HERALD_E_PUSH_DATA_INVALID);
    n.push_data = nul_end;
    assert_int_equal(herald_check_shape(&n), HERALD_E_PUSH_DATA_INVALID);
    n.push_data = nul_only;
    assert_int_equal(herald_check_shape(&n), HERALD_E_PUSH_DATA_INVALID);
}

static void test_agent_queues_and_sends_nothing_it_refused(void **state)
{
    fixture_t *f = *state;
    static const herald_var_t nul[] = { { "customerName", "a\0b", 3u } };
    const char *targets[1] = { "user-\xc0\xaf" };
    herald_notification_t n;
    uint32_t handle = 0u;

    n = base();
    n.vars = nul;
    n.nvars = 1u;
    assert_int_equal(herald_notify(&f->agent, &n, &handle), HERALD_E_VAR_INVALID);
    n = base();
    n.title = "\xed\xa0\x80";
    assert_int_equal(herald_notify(&f->agent, &n, &handle), HERALD_E_TEXT_INVALID);
    n = base();
    n.tag = "\xff";
    assert_int_equal(herald_notify(&f->agent, &n, &handle), HERALD_E_TEXT_INVALID);
    n = base();
    n.targets = targets;
    assert_int_equal(herald_notify(&f->agent, &n, &handle), HERALD_E_TARGET_INVALID);
    n = base();
    n.push_data = nul;
    n.npush_data = 1u;
    assert_int_equal(herald_notify(&f->agent, &n, &handle), HERALD_E_PUSH_DATA_INVALID);
    assert_int_equal(herald_counters(&f->agent)->refused_local, 5u);
    assert_int_equal(herald_counters(&f->agent)->queued, 0u);
    assert_true(herald_idle(&f->agent));
    (void)run(f);
    assert_int_equal(f->net.connects, 0u);
    assert_int_equal(f->net.sent_len, 0u);
}

/* ---- on the wire ------------------------------------------------------------- */

/* The request the mock transport captured: its head is the agent's own
 * header lines and nothing else (each once; Connection is optional, as
 * HTTP/1.1 keeps connections alive by default), and its body is exactly n. */
static void assert_wire_request(const fixture_t *f, const char *apikey, const herald_notification_t *n)
{
    const char *sent = f->net.sent;
    const char *sep = strstr(sent, "\r\n\r\n");
    const char *line;
    char lines[6][96];
    int seen[6] = { 0 };
    size_t head_len, body_len;
    assert_non_null(sep);
    head_len = (size_t)(sep - sent) + 4u;
    body_len = f->net.sent_len - head_len;
    snprintf(lines[0], sizeof lines[0], "Host: 127.0.0.1:8443");
    snprintf(lines[1], sizeof lines[1], "appid: app1");
    snprintf(lines[2], sizeof lines[2], "apikey: %s", apikey);
    snprintf(lines[3], sizeof lines[3], "Content-Type: application/json");
    snprintf(lines[4], sizeof lines[4], "Content-Length: %zu", body_len);
    snprintf(lines[5], sizeof lines[5], "Connection: keep-alive");
    line = "POST /v3/business-messaging/api/notifications/send HTTP/1.1\r\n";
    assert_memory_equal(sent, line, strlen(line));
    for (line = sent + strlen(line); line < sep + 2; line = strstr(line, "\r\n") + 2) {
        size_t len = (size_t)(strstr(line, "\r\n") - line);
        size_t k;
        for (k = 0u; k < 6u; k++) {
            if (strlen(lines[k]) == len && memcmp(line, lines[k], len) == 0) {
                break;
            }
        }
        if (k == 6u) {
            fail_msg("unexpected header line: %.*s", (int)len, line);
        }
        assert_int_equal(seen[k], 0);
        seen[k] = 1;
    }
    for (size_t k = 0u; k < 5u; k++) {
        assert_int_equal(seen[k], 1);
    }
    assert_body_is(sent + head_len, body_len, n);
}

static void test_wire_request_has_only_the_agents_headers(void **state)
{
    fixture_t *f = *state;
    const char *s = "\r\nX-Injected: 1\r\nContent-Length: 0\r\n\r\nGET / HTTP/1.1\r\n";
    herald_var_t vars[2] = { { "customerName", s, 0u }, { "orderId", hostile[9], 0u } };
    herald_var_t push[2] = { { s, hostile[5], 0u }, { "deepLink", s, 0u } };
    const char *targets[1] = { s };
    herald_notification_t n = base();
    n.vars = vars;
    n.push_data = push;
    n.npush_data = 2u;
    n.targets = targets;
    n.title = s;
    n.tag = hostile[4];
    f->net.script[0] = resp(200, "", OK_BODY);
    f->net.nscript = 1u;
    assert_int_equal(herald_notify(&f->agent, &n, NULL), HERALD_OK);
    (void)run(f);
    assert_int_equal(f->noutcomes, 1u);
    assert_int_equal(f->outcomes[0].status, HERALD_OK);
    assert_int_equal(f->net.requests, 1u);
    assert_wire_request(f, "key-secret", &n);
}

static void test_header_splitting_credentials_are_refused(void **state)
{
    static herald_agent_t other;
    static const char *const bad_keys[] = {
        "key\r\nX-Injected: 1", "key\n", "key\r", "\r\n", "two words", "tab\there", "del\x7f", "",
    };
    static const char *const bad_app_ids[] = {
        "app\r\nX-Injected: 1", "app\n", "app\r", "app id", "app\"", "app:1", "app/1", "",
    };
    static const char *const bad_urls[] = {
        "https://127.0.0.1:8443\r\nX-Injected: 1",
        "https://127.0.0.1:8443/\r\n",
        "https://host\r\n.example",
        "https://127.0.0.1\r\nX: 1:8443",
        "https://exa mple.com",
        "https://example.com/path",
        "https://user@example.com",
        "http://127.0.0.1:8443",
    };
    fixture_t *f = *state;
    herald_config_t cfg = f->cfg;
    (void)state;

    for (size_t i = 0u; i < sizeof bad_keys / sizeof bad_keys[0]; i++) {
        cfg = f->cfg;
        cfg.api_key = bad_keys[i];
        assert_int_equal(herald_init(&other, &cfg), HERALD_E_INVALID_ARG);
        assert_int_equal(herald_set_credentials(&f->agent, "app1", bad_keys[i]), HERALD_E_INVALID_ARG);
    }
    for (size_t i = 0u; i < sizeof bad_app_ids / sizeof bad_app_ids[0]; i++) {
        cfg = f->cfg;
        cfg.app_id = bad_app_ids[i];
        assert_int_equal(herald_init(&other, &cfg), HERALD_E_INVALID_ARG);
        assert_int_equal(herald_set_credentials(&f->agent, bad_app_ids[i], "key-other"),
                         HERALD_E_INVALID_ARG);
    }
    for (size_t i = 0u; i < sizeof bad_urls / sizeof bad_urls[0]; i++) {
        cfg = f->cfg;
        cfg.base_url = bad_urls[i];
        assert_int_equal(herald_init(&other, &cfg), HERALD_E_URL_INVALID);
    }
    cfg = f->cfg;
    cfg.base_url = NULL;
    cfg.region = "us\r\nX-Injected: 1";
    assert_int_equal(herald_init(&other, &cfg), HERALD_E_INVALID_ARG);

    /* The refused credentials changed nothing: the next request carries the
     * ones the agent was set up with. */
    {
        herald_notification_t n = base();
        f->net.script[0] = resp(200, "", OK_BODY);
        f->net.nscript = 1u;
        assert_int_equal(herald_notify(&f->agent, &n, NULL), HERALD_OK);
        (void)run(f);
        assert_int_equal(f->noutcomes, 1u);
        assert_int_equal(f->outcomes[0].status, HERALD_OK);
        assert_wire_request(f, "key-secret", &n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_text_in_each_field),
        cmocka_unit_test(test_every_ascii_byte_and_longest_values),
        cmocka_unit_test(test_invalid_utf8_is_refused_with_the_fields_status),
        cmocka_unit_test(test_nul_in_a_value_is_refused),
        cmocka_unit_test_setup_teardown(test_agent_queues_and_sends_nothing_it_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wire_request_has_only_the_agents_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_splitting_credentials_are_refused, setup, teardown),
    };
    return cmocka_run_group_tests_name("injection", tests, NULL, NULL);
}
