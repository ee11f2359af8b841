/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "seed.h"
#include "herald/notification.h"

static herald_notification_t seed(void)
{
    return seed_notification();
}

/* 10,001 pointers to one string, for the batch limits. */
static const char *many_targets[HERALD_BATCH_MAX_TARGETS + 1];

static void fill_many(void)
{
    for (size_t i = 0u; i < sizeof many_targets / sizeof many_targets[0]; i++) {
        many_targets[i] = "user-1";
    }
}

static void test_mode_parse_and_str(void **state)
{
    herald_mode_t m = HERALD_MODE_BATCH;
    (void)state;
    assert_int_equal(herald_mode_parse("realtime", &m), HERALD_OK);
    assert_int_equal(m, HERALD_MODE_REALTIME);
    assert_int_equal(herald_mode_parse("batch", &m), HERALD_OK);
    assert_int_equal(m, HERALD_MODE_BATCH);
    assert_int_equal(herald_mode_parse("Realtime", &m), HERALD_E_MODE_INVALID);
    assert_int_equal(herald_mode_parse("batch ", &m), HERALD_E_MODE_INVALID);
    assert_int_equal(herald_mode_parse("", &m), HERALD_E_MODE_INVALID);
    assert_int_equal(m, HERALD_MODE_BATCH); /* untouched on error */
    assert_int_equal(herald_mode_parse(NULL, &m), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_mode_parse("batch", NULL), HERALD_E_INVALID_ARG);
    assert_string_equal(herald_mode_str(HERALD_MODE_REALTIME), "realtime");
    assert_string_equal(herald_mode_str(HERALD_MODE_BATCH), "batch");
    assert_null(herald_mode_str((herald_mode_t)2));
}

static void test_var_len(void **state)
{
    herald_var_t v = { "n", "abc", 0u };
    (void)state;
    assert_int_equal(herald_var_len(&v), 3u);
    v.value_len = 2u;
    assert_int_equal(herald_var_len(&v), 2u);
    v.value = NULL;
    assert_int_equal(herald_var_len(&v), 0u);
    assert_int_equal(herald_var_len(NULL), 0u);
}

static void test_shape_accepts_seed(void **state)
{
    herald_notification_t n = seed();
    (void)state;
    assert_int_equal(herald_check_shape(&n), HERALD_OK);
    n.tag = "orders";
    n.title = ""; /* set but empty is fine */
    assert_int_equal(herald_check_shape(&n), HERALD_OK);
    n.template_key = NULL;
    n.template_id = "tpl_1";
    assert_int_equal(herald_check_shape(&n), HERALD_OK);
    n.nvars = 0u;
    n.vars = NULL;
    assert_int_equal(herald_check_shape(&n), HERALD_OK);
}

static void test_shape_key_and_args(void **state)
{
    char long_key[HERALD_NAME_MAX_LEN + 2];
    herald_notification_t n = seed();
    (void)state;
    assert_int_equal(herald_check_shape(NULL), HERALD_E_INVALID_ARG);
    n.template_key = NULL;
    assert_int_equal(herald_check_shape(&n), HERALD_E_INVALID_ARG);
    n.template_key = "";
    assert_int_equal(herald_check_shape(&n), HERALD_E_INVALID_ARG);
    memset(long_key, 'k', sizeof long_key - 1u);
    long_key[sizeof long_key - 1u] = '\0';
    n.template_key = long_key;
    assert_int_equal(herald_check_shape(&n), HERALD_E_INVALID_ARG);
    n.template_key = "bad\xff";
    assert_int_equal(herald_check_shape(&n), HERALD_E_INVALID_ARG);
    n = seed();
    n.vars = NULL;
    assert_int_equal(herald_check_shape(&n), HERALD_E_INVALID_ARG);
    n = seed();
    n.targets = NULL;
    assert_int_equal(herald_check_shape(&n), HERALD_E_INVALID_ARG);
}

static void test_shape_mode_and_targets(void **state)
{
    static const char *const two[] = { "a", "b" };
    static const char *const empty[] = { "" };
    static const char *const bad_utf8[] = { "user-\xc3" };
    static const char *const null_one[] = { NULL };
    char long_target[HERALD_TARGET_MAX_LEN + 2];
    const char *long_one[1] = { long_target };
    herald_notification_t n = seed();
    (void)state;
    fill_many();

    n.mode = (herald_mode_t)2;
    assert_int_equal(herald_check_shape(&n), HERALD_E_MODE_INVALID);
    n.mode = (herald_mode_t)-1;
    assert_int_equal(herald_check_shape(&n), HERALD_E_MODE_INVALID);

    n = seed();
    n.ntargets = 0u;
    assert_int_equal(herald_check_shape(&n), HERALD_E_TARGET_LIMIT);
    n.targets = two;
    n.ntargets = 2u;
    assert_int_equal(herald_check_shape(&n), HERALD_E_TARGET_LIMIT);
    n.mode = HERALD_MODE_BATCH;
    assert_int_equal(herald_check_shape(&n), HERALD_OK);
    n.ntargets = 0u;
    assert_int_equal(herald_check_shape(&n), HERALD_E_TARGET_LIMIT);
    n.targets = many_targets;
    n.ntargets = HERALD_BATCH_MAX_TARGETS;
    assert_int_equal(herald_check_shape(&n), HERALD_OK);
    n.ntargets = HERALD_BATCH_MAX_TARGETS + 1u;
    assert_int_equal(herald_check_shape(&n), HERALD_E_TARGET_LIMIT);

    /* The last of 10,000 is checked too. */
    n.ntargets = HERALD_BATCH_MAX_TARGETS;
    many_targets[HERALD_BATCH_MAX_TARGETS - 1u] = "";
    assert_int_equal(herald_check_shape(&n), HERALD_E_TARGET_INVALID);
    fill_many();

    n = seed();
    n.targets = empty;
    assert_int_equal(herald_check_shape(&n), HERALD_E_TARGET_INVALID);
    n.targets = bad_utf8;
    assert_int_equal(herald_check_shape(&n), HERALD_E_TARGET_INVALID);
    n.targets = null_one;
    assert_int_equal(herald_check_shape(&n), HERALD_E_TARGET_INVALID);
    memset(long_target, 'u', sizeof long_target - 1u);
    long_target[sizeof long_target - 1u] = '\0';
    n.targets = long_one;
    assert_int_equal(herald_check_shape(&n), HERALD_E_TARGET_INVALID);
    long_target[HERALD_TARGET_MAX_LEN] = '\0'; /* exactly the limit */
    assert_int_equal(herald_check_shape(&n), HERALD_OK);
}

static void test_shape_title_and_tag(void **state)
{
    char text[HERALD_TEXT_MAX_LEN + 2];
    herald_notification_t n = seed();
    (void)state;
    n.title = "Order \xed\xa0\x80"; /* a surrogate */
    assert_int_equal(herald_check_shape(&n), HERALD_E_TEXT_INVALID);
    memset(text, 't', sizeof text - 1u);
    text[sizeof text - 1u] = '\0';
    n.title = text;
    assert_int_equal(herald_check_shape(&n), HERALD_E_TEXT_INVALID);
    text[HERALD_TEXT_MAX_LEN] = '\0';
    assert_int_equal(herald_check_shape(&n), HERALD_OK);
    n = seed();
    n.tag = "\xc0\xaf";
    assert_int_equal(herald_check_shape(&n), HERALD_E_TEXT_INVALID);
}

static herald_status_t shape_with(const herald_var_t *vars, size_t nvars)
{
    herald_notification_t n = seed();
    n.vars = vars;
    n.nvars = nvars;
    return herald_check_shape(&n);
}

static void test_shape_variables(void **state)
{
    static char long_value[HERALD_VAR_MAX_LEN + 2];
    static herald_var_t too_many[HERALD_MAX_VARS + 1];
    static char names[HERALD_MAX_VARS + 1][8];
    const herald_var_t dup[] = { { "a", "1", 0u }, { "b", "2", 0u }, { "a", "3", 0u } };
    const herald_var_t bad_utf8[] = { { "a", "caf\xc3", 0u } };
    const herald_var_t nul[] = { { "a", "ab\0cd", 5u } };
    const herald_var_t explicit_ok[] = { { "a", "abcd-ignored", 4u } };
    const herald_var_t null_name[] = { { NULL, "x", 0u } };
    const herald_var_t null_value[] = { { "a", NULL, 0u } };
    const herald_var_t empty_name[] = { { "", "x", 0u } };
    const herald_var_t empty_value[] = { { "a", "", 0u } };
    herald_var_t long_v[] = { { "a", long_value, 0u } };
    (void)state;

    assert_int_equal(shape_with(dup, 3u), HERALD_E_VAR_DUPLICATE);
    assert_int_equal(shape_with(bad_utf8, 1u), HERALD_E_VAR_INVALID);
    assert_int_equal(shape_with(nul, 1u), HERALD_E_VAR_INVALID);
    assert_int_equal(shape_with(explicit_ok, 1u), HERALD_OK);
    assert_int_equal(shape_with(null_name, 1u), HERALD_E_INVALID_ARG);
    assert_int_equal(shape_with(null_value, 1u), HERALD_E_INVALID_ARG);
    assert_int_equal(shape_with(empty_name, 1u), HERALD_E_VAR_INVALID);
    assert_int_equal(shape_with(empty_value, 1u), HERALD_OK);

    memset(long_value, 'v', sizeof long_value - 1u);
    long_value[sizeof long_value - 1u] = '\0';
    assert_int_equal(shape_with(long_v, 1u), HERALD_E_VAR_TOO_LONG);
    long_v[0].value_len = HERALD_VAR_MAX_LEN + 1u;
    assert_int_equal(shape_with(long_v, 1u), HERALD_E_VAR_TOO_LONG);
    long_v[0].value_len = HERALD_VAR_MAX_LEN;
    assert_int_equal(shape_with(long_v, 1u), HERALD_OK);
    long_v[0].value_len = 0u;
    long_value[HERALD_VAR_MAX_LEN] = '\0';
    assert_int_equal(shape_with(long_v, 1u), HERALD_OK);

    /* More variables than any template may declare. */
    for (size_t i = 0u; i <= HERALD_MAX_VARS; i++) {
        names[i][0] = 'v';
        names[i][1] = (char)('A' + i / 26u);
        names[i][2] = (char)('a' + i % 26u);
        names[i][3] = '\0';
        too_many[i].name = names[i];
        too_many[i].value = "x";
    }
    assert_int_equal(shape_with(too_many, HERALD_MAX_VARS), HERALD_OK);
    assert_int_equal(shape_with(too_many, HERALD_MAX_VARS + 1u), HERALD_E_VAR_UNDECLARED);
}

static herald_status_t shape_with_push(const herald_var_t *kv, size_t n)
{
    herald_notification_t note = seed();
    note.push_data = kv;
    note.npush_data = n;
    return herald_check_shape(&note);
}

static void test_shape_push_data(void **state)
{
    static char long_key[HERALD_PUSH_KEY_MAX_LEN + 2];
    static char long_value[HERALD_PUSH_VALUE_MAX_LEN + 2];
    static herald_var_t too_many[HERALD_PUSH_DATA_MAX + 1];
    static char keys[HERALD_PUSH_DATA_MAX + 1][8];
    const herald_var_t ok[] = { { "deepLink", "app://orders/1", 0u }, { "priority", "high", 0u } };
    /* Push data is not checked against the template: a key named like a
     * declared variable is fine, and so is one no template declares. */
    const herald_var_t like_var[] = { { "orderId", "ORD-1", 0u } };
    const herald_var_t dup[] = { { "a", "1", 0u }, { "b", "2", 0u }, { "a", "3", 0u } };
    const herald_var_t bad_utf8_value[] = { { "a", "caf\xc3", 0u } };
    const herald_var_t bad_utf8_key[] = { { "\xed\xa0\x80", "x", 0u } };
    const herald_var_t nul[] = { { "a", "ab\0cd", 5u } };
    const herald_var_t explicit_ok[] = { { "a", "abcd-ignored", 4u } };
    const herald_var_t empty_key[] = { { "", "x", 0u } };
    const herald_var_t empty_value[] = { { "a", "", 0u } };
    const herald_var_t null_key[] = { { NULL, "x", 0u } };
    const herald_var_t null_value[] = { { "a", NULL, 0u } };
    herald_var_t long_k[] = { { long_key, "v", 0u } };
    herald_var_t long_v[] = { { "a", long_value, 0u } };
    (void)state;

    assert_int_equal(shape_with_push(ok, 2u), HERALD_OK);
    assert_int_equal(shape_with_push(like_var, 1u), HERALD_OK);
    assert_int_equal(shape_with_push(NULL, 0u), HERALD_OK);
    assert_int_equal(shape_with_push(ok, 0u), HERALD_OK);
    assert_int_equal(shape_with_push(dup, 3u), HERALD_E_PUSH_DATA_INVALID);
    assert_int_equal(shape_with_push(dup, 2u), HERALD_OK);
    assert_int_equal(shape_with_push(bad_utf8_value, 1u), HERALD_E_PUSH_DATA_INVALID);
    assert_int_equal(shape_with_push(bad_utf8_key, 1u), HERALD_E_PUSH_DATA_INVALID);
    assert_int_equal(shape_with_push(nul, 1u), HERALD_E_PUSH_DATA_INVALID);
    assert_int_equal(shape_with_push(explicit_ok, 1u), HERALD_OK);
    assert_int_equal(shape_with_push(empty_key, 1u), HERALD_E_PUSH_DATA_INVALID);
    assert_int_equal(shape_with_push(empty_value, 1u), HERALD_OK);
    assert_int_equal(shape_with_push(NULL, 1u), HERALD_E_INVALID_ARG);
    assert_int_equal(shape_with_push(null_key, 1u), HERALD_E_INVALID_ARG);
    assert_int_equal(shape_with_push(null_value, 1u), HERALD_E_INVALID_ARG);

    /* Key and value lengths: the limit is accepted, one more is not. */
    memset(long_key, 'k', sizeof long_key - 1u);
    long_key[HERALD_PUSH_KEY_MAX_LEN + 1u] = '\0';
    assert_int_equal(shape_with_push(long_k, 1u), HERALD_E_PUSH_DATA_INVALID);
    long_key[HERALD_PUSH_KEY_MAX_LEN] = '\0';
    assert_int_equal(shape_with_push(long_k, 1u), HERALD_OK);
    memset(long_value, 'v', sizeof long_value - 1u);
    long_value[HERALD_PUSH_VALUE_MAX_LEN + 1u] = '\0';
    assert_int_equal(shape_with_push(long_v, 1u), HERALD_E_PUSH_DATA_INVALID);
    long_v[0].value_len = HERALD_PUSH_VALUE_MAX_LEN + 1u;
    assert_int_equal(shape_with_push(long_v, 1u), HERALD_E_PUSH_DATA_INVALID);
    long_v[0].value_len = HERALD_PUSH_VALUE_MAX_LEN;
    assert_int_equal(shape_with_push(long_v, 1u), HERALD_OK);
    long_v[0].value_len = 0u;
    long_value[HERALD_PUSH_VALUE_MAX_LEN] = '\0';
    assert_int_equal(shape_with_push(long_v, 1u), HERALD_OK);

    /* Entry count. */
    for (size_t i = 0u; i <= HERALD_PUSH_DATA_MAX; i++) {
        keys[i][0] = 'k';
        keys[i][1] = (char)('A' + i / 26u);
        keys[i][2] = (char)('a' + i % 26u);
        keys[i][3] = '\0';
        too_many[i].name = keys[i];
        too_many[i].value = "x";
    }
    assert_int_equal(shape_with_push(too_many, HERALD_PUSH_DATA_MAX), HERALD_OK);
    assert_int_equal(shape_with_push(too_many, HERALD_PUSH_DATA_MAX + 1u), HERALD_E_PUSH_DATA_INVALID);
}

/* ---- against the template cache */

static herald_tcache_t cache;
static uint8_t arena[4096];

static int cache_setup(void **state)
{
    static const herald_tvar_t oc_vars[] = {
        { { "customerName", 12u }, HERALD_VTYPE_STRING },
        { { "orderId", 7u }, HERALD_VTYPE_STRING },
    };
    herald_template_t t = {
        .key = HERALD_STR_LIT("order-confirmation"),
        .id = HERALD_STR_LIT("tpl_oc"),
        .status = HERALD_TSTATUS_APPROVED,
        .vars = oc_vars,
        .nvars = 2u,
        .push_title = HERALD_STR_LIT("Order Confirmed"),
        .push_body = HERALD_STR_LIT("Hi {{customerName}}, your order {{orderId}} is confirmed."),
    };
    (void)state;
    assert_int_equal(herald_tcache_init(&cache, arena, sizeof arena), HERALD_OK);
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_OK);
    t.key = HERALD_STR_LIT("draft-one");
    t.id = HERALD_STR_LIT("tpl_draft");
    t.status = HERALD_TSTATUS_DRAFT;
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_OK);
    t.key = HERALD_STR_LIT("archived-one");
    t.id = HERALD_STR_LIT("");
    t.status = HERALD_TSTATUS_ARCHIVED;
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_OK);
    t.key = HERALD_STR_LIT("no-vars");
    t.status = HERALD_TSTATUS_APPROVED;
    t.vars = NULL;
    t.nvars = 0u;
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_OK);
    return 0;
}

static void test_check_accepts_seed(void **state)
{
    herald_notification_t n = seed();
    herald_tview_t v;
    (void)state;
    memset(&v, 0, sizeof v);
    assert_int_equal(herald_check(&cache, &n, &v), HERALD_OK);
    assert_true(herald_str_eq(v.key, "order-confirmation"));
    assert_int_equal(v.nvars, 2u);
    assert_true(herald_str_eq(v.push_body, "Hi {{customerName}}, your order {{orderId}} is confirmed."));
    assert_int_equal(herald_check(&cache, &n, NULL), HERALD_OK);
    /* By id when no key is given; variable order does not matter. */
    {
        const herald_var_t swapped[] = { seed().vars[1], seed().vars[0] };
        n.template_key = NULL;
        n.template_id = "tpl_oc";
        n.vars = swapped;
        assert_int_equal(herald_check(&cache, &n, &v), HERALD_OK);
        assert_true(herald_str_eq(v.key, "order-confirmation"));
    }
    /* Push data keys are not variables: the schema does not judge them. */
    {
        const herald_var_t push[] = { { "deepLink", "app://orders/1", 0u } };
        n = seed();
        n.push_data = push;
        n.npush_data = 1u;
        assert_int_equal(herald_check(&cache, &n, NULL), HERALD_OK);
    }
    n = seed();
    n.template_key = "no-vars";
    n.vars = NULL;
    n.nvars = 0u;
    assert_int_equal(herald_check(&cache, &n, NULL), HERALD_OK);
    assert_int_equal(herald_check(NULL, &n, NULL), HERALD_E_INVALID_ARG);
}

static void test_check_refusals(void **state)
{
    const herald_var_t missing[] = { { "customerName", "Jane", 0u } };
    const herald_var_t undeclared[] = {
        { "customerName", "Jane", 0u },
        { "orderId", "1", 0u },
        { "coupon", "X", 0u },
    };
    const herald_var_t renamed[] = { { "customerName", "Jane", 0u }, { "orderID", "1", 0u } };
    herald_notification_t n = seed();
    herald_tview_t v;
    (void)state;
    n.template_key = "unknown-one";
    assert_int_equal(herald_check(&cache, &n, &v), HERALD_E_TEMPLATE_UNKNOWN);
    n.template_key = NULL;
    n.template_id = "tpl_nope";
    assert_int_equal(herald_check(&cache, &n, &v), HERALD_E_TEMPLATE_UNKNOWN);
    n = seed();
    n.template_key = "draft-one";
    assert_int_equal(herald_check(&cache, &n, &v), HERALD_E_TEMPLATE_NOT_APPROVED);
    n.template_key = "archived-one";
    assert_int_equal(herald_check(&cache, &n, &v), HERALD_E_TEMPLATE_NOT_APPROVED);
    n = seed();
    n.vars = missing;
    n.nvars = 1u;
    assert_int_equal(herald_check(&cache, &n, &v), HERALD_E_VAR_MISSING);
    n.vars = undeclared;
    n.nvars = 3u;
    assert_int_equal(herald_check(&cache, &n, &v), HERALD_E_VAR_UNDECLARED);
    /* Both at once (a misspelt name): the missing one is reported. */
    n.vars = renamed;
    n.nvars = 2u;
    assert_int_equal(herald_check(&cache, &n, &v), HERALD_E_VAR_MISSING);
}

static void test_check_order(void **state)
{
    static const char *const two[] = { "a", "b" };
    const herald_var_t missing[] = { { "customerName", "Jane", 0u } };
    herald_notification_t n = seed();
    (void)state;
    /* Shape before the cache: an unknown template with two realtime targets. */
    n.template_key = "unknown-one";
    n.targets = two;
    n.ntargets = 2u;
    assert_int_equal(herald_check(&cache, &n, NULL), HERALD_E_TARGET_LIMIT);
    /* Unknown before anything about variables. */
    n = seed();
    n.template_key = "unknown-one";
    n.vars = missing;
    n.nvars = 1u;
    assert_int_equal(herald_check(&cache, &n, NULL), HERALD_E_TEMPLATE_UNKNOWN);
    /* Not approved before variables. */
    n.template_key = "draft-one";
    assert_int_equal(herald_check(&cache, &n, NULL), HERALD_E_TEMPLATE_NOT_APPROVED);
}

/* herald_check_schema is herald_check without the shape check: the same
 * answers for a notification of good shape, and the shape is not looked at
 * again (a title that is not UTF-8 passes it, not herald_check). */
static void test_check_schema_alone(void **state)
{
    const herald_var_t missing[] = { { "customerName", "Jane", 0u } };
    herald_notification_t n = seed();
    herald_tview_t v;
    (void)state;
    assert_int_equal(herald_check_schema(&cache, &n, &v), HERALD_OK);
    assert_int_equal(v.key.len, strlen(n.template_key));
    assert_int_equal(herald_check_schema(&cache, &n, NULL), HERALD_OK);
    n.template_key = NULL;
    n.template_id = "tpl_oc";
    assert_int_equal(herald_check_schema(&cache, &n, NULL), HERALD_OK); /* found by id */
    n = seed();
    n.template_key = "unknown-one";
    assert_int_equal(herald_check_schema(&cache, &n, &v), HERALD_E_TEMPLATE_UNKNOWN);
    n.template_key = "draft-one";
    assert_int_equal(herald_check_schema(&cache, &n, &v), HERALD_E_TEMPLATE_NOT_APPROVED);
    n = seed();
    n.vars = missing;
    n.nvars = 1u;
    assert_int_equal(herald_check_schema(&cache, &n, &v), HERALD_E_VAR_MISSING);
    n = seed();
    n.title = "\xff";
    assert_int_equal(herald_check(&cache, &n, NULL), HERALD_E_TEXT_INVALID);
    assert_int_equal(herald_check_schema(&cache, &n, NULL), HERALD_OK);
    assert_int_equal(herald_check_schema(NULL, &n, NULL), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_check_schema(&cache, NULL, NULL), HERALD_E_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mode_parse_and_str),
        cmocka_unit_test(test_var_len),
        cmocka_unit_test(test_shape_accepts_seed),
        cmocka_unit_test(test_shape_key_and_args),
        cmocka_unit_test(test_shape_mode_and_targets),
        cmocka_unit_test(test_shape_title_and_tag),
        cmocka_unit_test(test_shape_variables),
        cmocka_unit_test(test_shape_push_data),
        cmocka_unit_test_setup(test_check_accepts_seed, cache_setup),
        cmocka_unit_test_setup(test_check_refusals, cache_setup),
        cmocka_unit_test_setup(test_check_order, cache_setup),
        cmocka_unit_test_setup(test_check_schema_alone, cache_setup),
    };
    return cmocka_run_group_tests_name("notification", tests, NULL, NULL);
}
