/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "herald/render.h"

#define PUSH_BODY "Hi {{customerName}}, your order {{orderId}} is confirmed."
#define PUSH_OUT "Hi Jane, your order ORD-12345 is confirmed."

static const herald_var_t seed_vars[] = {
    { "customerName", "Jane", 0u },
    { "orderId", "ORD-12345", 0u },
};

/* Render with the seed variables; returns the status, out and *needed set. */
static herald_status_t render(const char *tmpl, herald_render_mode_t mode, char *out, size_t cap,
                              size_t *needed)
{
    return herald_render(herald_str(tmpl), seed_vars, 2u, mode, out, cap, needed);
}

static void test_push_body(void **state)
{
    char out[128];
    size_t needed = 0u;
    (void)state;
    assert_int_equal(render(PUSH_BODY, HERALD_RENDER_RAW, out, sizeof out, &needed), HERALD_OK);
    assert_string_equal(out, PUSH_OUT);
    assert_int_equal(needed, strlen(PUSH_OUT));
    assert_int_equal(render("Order {{orderId}}", HERALD_RENDER_RAW, out, sizeof out, NULL), HERALD_OK);
    assert_string_equal(out, "Order ORD-12345");
}

static void test_exact_fit_and_one_short(void **state)
{
    const size_t len = strlen(PUSH_OUT);
    char out[64];
    size_t needed = 0u;
    (void)state;
    memset(out, 'x', sizeof out);
    assert_int_equal(render(PUSH_BODY, HERALD_RENDER_RAW, out, len + 1u, &needed), HERALD_OK);
    assert_string_equal(out, PUSH_OUT);
    assert_int_equal(needed, len);
    assert_int_equal(out[len + 1u], 'x'); /* nothing written past cap */

    memset(out, 'x', sizeof out);
    assert_int_equal(render(PUSH_BODY, HERALD_RENDER_RAW, out, len, &needed), HERALD_E_NOSPACE);
    assert_string_equal(out, "");
    assert_int_equal(needed, len);
    assert_int_equal(out[len], 'x');

    /* Every short capacity: NOSPACE, "" and not one byte written past cap. */
    for (size_t cap = 1u; cap <= len; cap++) {
        memset(out, 'x', sizeof out);
        needed = 0u;
        assert_int_equal(render(PUSH_BODY, HERALD_RENDER_RAW, out, cap, &needed), HERALD_E_NOSPACE);
        assert_int_equal(needed, len);
        assert_int_equal(out[0], '\0');
        for (size_t i = cap; i < sizeof out; i++) {
            assert_int_equal(out[i], 'x');
        }
    }

    /* A size query: no buffer at all. */
    needed = 0u;
    assert_int_equal(render(PUSH_BODY, HERALD_RENDER_RAW, NULL, 0u, &needed), HERALD_E_NOSPACE);
    assert_int_equal(needed, len);
    assert_int_equal(render(PUSH_BODY, HERALD_RENDER_RAW, out, 1u, &needed), HERALD_E_NOSPACE);
    assert_string_equal(out, "");
}

static void test_bad_templates(void **state)
{
    static const struct {
        const char *tmpl;
        herald_status_t st;
    } cases[] = {
        { "Hi {{name}}", HERALD_E_PLACEHOLDER_UNKNOWN },
        { "Hi {{customername}}", HERALD_E_PLACEHOLDER_UNKNOWN }, /* case matters */
        { "Hi {{customerName", HERALD_E_TEMPLATE_SYNTAX },
        { "Hi {{customerName}", HERALD_E_TEMPLATE_SYNTAX },
        { "Hi {{", HERALD_E_TEMPLATE_SYNTAX },
        { "{{}}", HERALD_E_TEMPLATE_SYNTAX },
        { "a {{ \t }} b", HERALD_E_TEMPLATE_SYNTAX },
        { "{{orderId}} then {{", HERALD_E_TEMPLATE_SYNTAX },
        { "{{orderId}} then {{nope}}", HERALD_E_PLACEHOLDER_UNKNOWN },
        { "{{orderId}x}}", HERALD_E_PLACEHOLDER_UNKNOWN }, /* first "}}" closes */
        { "{{{orderId}}}", HERALD_E_PLACEHOLDER_UNKNOWN }, /* no triple braces */
    };
    char out[64];
    size_t needed;
    (void)state;
    for (size_t i = 0u; i < sizeof cases / sizeof cases[0]; i++) {
        memset(out, 'x', sizeof out);
        needed = 99u;
        assert_int_equal(render(cases[i].tmpl, HERALD_RENDER_RAW, out, sizeof out, &needed), cases[i].st);
        assert_string_equal(out, "");
        assert_int_equal(needed, 0u);
    }
}

static void test_spaces_and_lone_braces(void **state)
{
    char out[128];
    (void)state;
    assert_int_equal(render("[{{ customerName }}|{{\torderId \t}}|{{customerName }}]", HERALD_RENDER_RAW, out,
                            sizeof out, NULL),
                     HERALD_OK);
    assert_string_equal(out, "[Jane|ORD-12345|Jane]");
    assert_int_equal(render("{ a } { {b} }} {", HERALD_RENDER_RAW, out, sizeof out, NULL), HERALD_OK);
    assert_string_equal(out, "{ a } { {b} }} {");
    assert_int_equal(render("}{{orderId}}}{", HERALD_RENDER_RAW, out, sizeof out, NULL), HERALD_OK);
    assert_string_equal(out, "}ORD-12345}{");
    assert_int_equal(render("a{b{{orderId}}c}d}}{x{", HERALD_RENDER_RAW, out, sizeof out, NULL), HERALD_OK);
    assert_string_equal(out, "a{bORD-12345c}d}}{x{");
    assert_int_equal(render("", HERALD_RENDER_RAW, out, sizeof out, NULL), HERALD_OK);
    assert_string_equal(out, "");
}

static void test_values_are_not_re_expanded(void **state)
{
    static const herald_var_t vars[] = { { "a", "{{b}}", 0u }, { "b", "no", 0u } };
    char out[32];
    (void)state;
    assert_int_equal(herald_render(HERALD_STR_LIT("<{{a}}>"), vars, 2u, HERALD_RENDER_RAW, out, sizeof out,
                                   NULL),
                     HERALD_OK);
    assert_string_equal(out, "<{{b}}>");
}

static void test_explicit_length_value(void **state)
{
    static const herald_var_t vars[] = { { "v", "abcdef", 3u } };
    char out[32];
    (void)state;
    assert_int_equal(herald_render(HERALD_STR_LIT("<{{v}}>"), vars, 1u, HERALD_RENDER_RAW, out, sizeof out,
                                   NULL),
                     HERALD_OK);
    assert_string_equal(out, "<abc>");
}

static void test_json_mode_escapes_text_and_values(void **state)
{
    static const herald_var_t vars[] = { { "who", "Jane \"JJ\"\\\n\x01 \xc3\xa9", 0u } };
    static const char want[] = "Say \\\"hi\\\"\\t to Jane \\\"JJ\\\"\\\\\\n\\u0001 \xc3\xa9!";
    char out[128];
    size_t needed = 0u;
    (void)state;
    assert_int_equal(herald_render(HERALD_STR_LIT("Say \"hi\"\t to {{who}}!"), vars, 1u, HERALD_RENDER_JSON,
                                   out, sizeof out, &needed),
                     HERALD_OK);
    assert_string_equal(out, want);
    assert_int_equal(needed, sizeof want - 1u);
    /* NOSPACE measures the escaped length too. */
    assert_int_equal(herald_render(HERALD_STR_LIT("Say \"hi\"\t to {{who}}!"), vars, 1u, HERALD_RENDER_JSON,
                                   out, sizeof want - 1u, &needed),
                     HERALD_E_NOSPACE);
    assert_int_equal(needed, sizeof want - 1u);
    assert_string_equal(out, "");
}

static void test_invalid_args(void **state)
{
    char out[16];
    char win[16];
    herald_str_t null_tmpl = { NULL, 3u };
    (void)state;
    assert_int_equal(herald_render(null_tmpl, seed_vars, 2u, HERALD_RENDER_RAW, out, sizeof out, NULL),
                     HERALD_E_INVALID_ARG);
    assert_int_equal(herald_render(HERALD_STR_LIT("x"), NULL, 2u, HERALD_RENDER_RAW, out, sizeof out, NULL),
                     HERALD_E_INVALID_ARG);
    assert_int_equal(herald_render(HERALD_STR_LIT("x"), seed_vars, 2u, (herald_render_mode_t)5, out,
                                   sizeof out, NULL),
                     HERALD_E_INVALID_ARG);
    assert_int_equal(herald_render(HERALD_STR_LIT("x"), seed_vars, 2u, HERALD_RENDER_RAW, NULL, 4u, NULL),
                     HERALD_E_INVALID_ARG);
    assert_int_equal(herald_render_stream(HERALD_STR_LIT("x"), seed_vars, 2u, HERALD_RENDER_RAW, win, 7u,
                                          herald_count_sink, &(size_t){ 0u }),
                     HERALD_E_INVALID_ARG);
    assert_int_equal(herald_render_stream(HERALD_STR_LIT("x"), seed_vars, 2u, HERALD_RENDER_RAW, NULL, 8u,
                                          herald_count_sink, &(size_t){ 0u }),
                     HERALD_E_INVALID_ARG);
    assert_int_equal(herald_render_stream(HERALD_STR_LIT("x"), seed_vars, 2u, HERALD_RENDER_RAW, win, 8u,
                                          NULL, NULL),
                     HERALD_E_INVALID_ARG);
}

/* ---- streaming */

typedef struct {
    char buf[16384];
    size_t len;
    size_t calls;
    size_t max_call; /* largest single write seen */
    size_t fail_at;  /* 1-based call to fail, 0 never */
} rec_t;

static herald_status_t rec_sink(void *ctx, const char *data, size_t len)
{
    rec_t *r = ctx;
    r->calls++;
    if (r->fail_at != 0u && r->calls >= r->fail_at) {
        return HERALD_E_NET;
    }
    assert_true(len > 0u);
    assert_true(len <= sizeof r->buf - r->len);
    memcpy(r->buf + r->len, data, len);
    r->len += len;
    if (len > r->max_call) {
        r->max_call = len;
    }
    return HERALD_OK;
}

static const herald_var_t big_vars[] = {
    { "customerName", "Jane \"JJ\" Doe\t\x01", 0u },
    { "orderId", "ORD-12345 \xe6\xbc\xa2\xf0\x9f\x98\x80 \\", 0u },
};

/* About 5 KB of output: literal runs, lone braces, quotes and placeholders. */
static size_t big_template(char *t, size_t cap)
{
    static const char piece[] = "Hi {{customerName}}, order {{ orderId }} \"ok\"\n{ } ";
    size_t n = 0u;
    for (int i = 0; i < 80; i++) {
        assert_true(n + sizeof piece <= cap);
        memcpy(t + n, piece, sizeof piece - 1u);
        n += sizeof piece - 1u;
    }
    return n;
}

static void stream_matches_one_shot(herald_render_mode_t mode, size_t window_len)
{
    static char tmpl[8192];
    static char once[16384];
    static rec_t r;
    char window[64];
    size_t needed = 0u;
    herald_str_t t = { tmpl, big_template(tmpl, sizeof tmpl) };

    assert_int_equal(herald_render(t, big_vars, 2u, mode, once, sizeof once, &needed), HERALD_OK);
    assert_true(needed >= 4096u);
    memset(&r, 0, sizeof r);
    assert_int_equal(herald_render_stream(t, big_vars, 2u, mode, window, window_len, rec_sink, &r),
                     HERALD_OK);
    assert_int_equal(r.len, needed);
    assert_memory_equal(r.buf, once, needed);
    assert_int_equal(r.max_call, window_len);
    /* Every flush but the last is a full window. */
    assert_int_equal(r.calls, (needed + window_len - 1u) / window_len);
}

static void test_stream_equals_one_shot(void **state)
{
    (void)state;
    stream_matches_one_shot(HERALD_RENDER_RAW, 8u);
    stream_matches_one_shot(HERALD_RENDER_RAW, 16u);
    stream_matches_one_shot(HERALD_RENDER_JSON, 8u);
    stream_matches_one_shot(HERALD_RENDER_JSON, 16u);
    stream_matches_one_shot(HERALD_RENDER_JSON, 61u);
}

static void test_stream_bad_template_emits_nothing(void **state)
{
    static char tmpl[8192];
    size_t n = big_template(tmpl, sizeof tmpl - 16u);
    rec_t *r = test_malloc(sizeof *r);
    char window[8];
    (void)state;
    memcpy(tmpl + n, "{{unknown}}", 11u);
    memset(r, 0, sizeof *r);
    assert_int_equal(herald_render_stream((herald_str_t){ tmpl, n + 11u }, big_vars, 2u, HERALD_RENDER_RAW,
                                          window, sizeof window, rec_sink, r),
                     HERALD_E_PLACEHOLDER_UNKNOWN);
    assert_int_equal(herald_render_stream((herald_str_t){ tmpl, n + 2u }, big_vars, 2u, HERALD_RENDER_RAW,
                                          window, sizeof window, rec_sink, r),
                     HERALD_E_TEMPLATE_SYNTAX);
    assert_int_equal(r->calls, 0u);
    /* Empty output: no call at all. */
    assert_int_equal(herald_render_stream(HERALD_STR_LIT(""), big_vars, 2u, HERALD_RENDER_RAW, window,
                                          sizeof window, rec_sink, r),
                     HERALD_OK);
    assert_int_equal(r->calls, 0u);
    test_free(r);
}

static void test_stream_sink_error_propagates(void **state)
{
    static rec_t r;
    char window[16];
    (void)state;
    /* 43 bytes through 16: three calls; fail each one in turn. */
    for (size_t at = 1u; at <= 3u; at++) {
        memset(&r, 0, sizeof r);
        r.fail_at = at;
        assert_int_equal(herald_render_stream(HERALD_STR_LIT(PUSH_BODY), seed_vars, 2u, HERALD_RENDER_JSON,
                                              window, sizeof window, rec_sink, &r),
                         HERALD_E_NET);
        assert_int_equal(r.calls, at);
    }
    memset(&r, 0, sizeof r);
    assert_int_equal(herald_render_stream(HERALD_STR_LIT(PUSH_BODY), seed_vars, 2u, HERALD_RENDER_RAW, window,
                                          sizeof window, rec_sink, &r),
                     HERALD_OK);
    assert_int_equal(r.calls, 3u);
    assert_memory_equal(r.buf, PUSH_OUT, strlen(PUSH_OUT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_push_body),
        cmocka_unit_test(test_exact_fit_and_one_short),
        cmocka_unit_test(test_bad_templates),
        cmocka_unit_test(test_spaces_and_lone_braces),
        cmocka_unit_test(test_values_are_not_re_expanded),
        cmocka_unit_test(test_explicit_length_value),
        cmocka_unit_test(test_json_mode_escapes_text_and_values),
        cmocka_unit_test(test_invalid_args),
        cmocka_unit_test(test_stream_equals_one_shot),
        cmocka_unit_test(test_stream_bad_template_emits_nothing),
        cmocka_unit_test(test_stream_sink_error_propagates),
    };
    return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
