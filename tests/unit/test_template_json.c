/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "herald/template.h"
#include "tests/support/testdata.h"

static uint8_t arena[16384];
static herald_tcache_t cache;
static herald_json_arena_t json_arena; /* zero bytes: ready */

#define SEED_OBJ \
    "{\"id\":\"tmpl_order_confirmation\",\"name\":\"Order Confirmation\"," \
    "\"templateId\":\"order-confirmation\",\"category\":\"transactional\",\"status\":\"approved\"," \
    "\"channelIds\":[\"in_app\",\"push\"]," \
    "\"variableSchema\":{\"customerName\":{\"type\":\"string\"},\"orderId\":{\"type\":\"string\"}}," \
    "\"content\":{\"push\":{\"title\":\"Order Confirmed\"," \
    "\"body\":\"Hi {{customerName}}, your order {{orderId}} is confirmed.\"}}," \
    "\"createdAt\":\"2024-01-10T08:00:00.000Z\",\"updatedAt\":\"2024-01-15T09:30:00.000Z\"}"
#define ALERT_OBJ \
    "{\"templateId\":\"system-alert\",\"status\":\"approved\"," \
    "\"variableSchema\":{\"device\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"}}," \
    "\"content\":{\"push\":{\"title\":\"Alert: {{device}}\",\"body\":\"{{ message }}\"}}}"

static int setup(void **state)
{
    (void)state;
    return herald_tcache_init(&cache, arena, sizeof arena) == HERALD_OK ? 0 : -1;
}

static herald_status_t load(const char *json, size_t *n)
{
    return herald_tjson_load(&cache, &json_arena, json, strlen(json), n);
}

static void assert_str(herald_str_t s, const char *want)
{
    assert_int_equal(s.len, strlen(want));
    assert_memory_equal(s.ptr, want, s.len);
}

static void assert_seed(void)
{
    herald_tview_t v;
    herald_tvar_t var;
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("order-confirmation"), &v), HERALD_OK);
    assert_str(v.id, "tmpl_order_confirmation");
    assert_int_equal(v.status, HERALD_TSTATUS_APPROVED);
    assert_int_equal(v.updated_at, 1705311000);
    assert_str(v.push_title, "Order Confirmed");
    assert_str(v.push_body, "Hi {{customerName}}, your order {{orderId}} is confirmed.");
    assert_int_equal(v.nvars, 2);
    assert_int_equal(herald_tview_var(&v, 0, &var), HERALD_OK);
    assert_str(var.name, "customerName");
    assert_int_equal(var.type, HERALD_VTYPE_STRING);
    assert_int_equal(herald_tview_var(&v, 1, &var), HERALD_OK);
    assert_str(var.name, "orderId");
    assert_int_equal(var.type, HERALD_VTYPE_STRING);
}

static void test_one_object(void **state)
{
    size_t n = 99;
    (void)state;
    assert_int_equal(load(SEED_OBJ, &n), HERALD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(herald_tcache_count(&cache), 1);
    assert_seed();
    assert_int_equal(cache.used, 152); /* the seed's packed size */
}

static void test_array(void **state)
{
    size_t n = 0;
    herald_tview_t v;
    (void)state;
    assert_int_equal(load("[" SEED_OBJ "," ALERT_OBJ "]", &n), HERALD_OK);
    assert_int_equal(n, 2);
    assert_seed();
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("system-alert"), &v), HERALD_OK);
    assert_str(v.push_title, "Alert: {{device}}");
    assert_str(v.push_body, "{{ message }}");
    assert_str(v.id, "");
    assert_int_equal(v.updated_at, 0);
    assert_int_equal(load("[]", &n), HERALD_OK);
    assert_int_equal(n, 0);
}

static void test_data_wrapped_list_and_object(void **state)
{
    size_t n = 0;
    (void)state;
    assert_int_equal(load("{\"data\":[" SEED_OBJ "," ALERT_OBJ "],"
                          "\"pagination\":{\"page\":1,\"limit\":20,\"total\":2},\"meta\":{}}",
                          &n),
                     HERALD_OK);
    assert_int_equal(n, 2);
    assert_int_equal(herald_tcache_count(&cache), 2);
    assert_int_equal(herald_tcache_remove(&cache, HERALD_STR_LIT("order-confirmation")), HERALD_OK);
    assert_int_equal(load("{\"data\":" SEED_OBJ "}", &n), HERALD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(herald_tcache_count(&cache), 2);
    assert_seed();
    assert_int_equal(load("{\"data\":[]}", NULL), HERALD_OK);
}

static void test_platform_list_file(void **state)
{
    size_t len = 0, n = 0;
    const char *json = testdata_read("templates.json", &len);
    herald_tview_t v;
    herald_tvar_t var;
    (void)state;
    assert_non_null(json);
    assert_int_equal(herald_tjson_load(&cache, &json_arena, json, len, &n), HERALD_OK);
    assert_int_equal(n, 5);
    assert_seed();
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("system-alert"), &v), HERALD_OK);
    assert_int_equal(v.status, HERALD_TSTATUS_APPROVED);
    assert_str(v.push_title, "Alert: {{device}}");
    assert_str(v.push_body, "{{ message }}");
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("password-reset"), &v), HERALD_OK);
    assert_int_equal(v.nvars, 2);
    assert_int_equal(herald_tview_var(&v, 1, &var), HERALD_OK);
    assert_str(var.name, "resetUrl");
    assert_int_equal(var.type, HERALD_VTYPE_ACTION);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("welcome-draft"), &v), HERALD_OK);
    assert_int_equal(v.status, HERALD_TSTATUS_DRAFT);
    assert_int_equal(herald_tview_var(&v, 1, &var), HERALD_OK);
    assert_int_equal(var.type, HERALD_VTYPE_IMAGE);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("old-promo"), &v), HERALD_OK);
    assert_int_equal(v.status, HERALD_TSTATUS_ARCHIVED);
    assert_int_equal(v.updated_at, 1688169599); /* 2023-06-30T23:59:59Z */
    assert_int_equal(herald_tcache_find_id(&cache, HERALD_STR_LIT("tmpl_old_promo"), &v), HERALD_OK);
    assert_str(v.key, "old-promo");
}

static void test_field_variants(void **state)
{
    herald_tview_t v;
    (void)state;
    /* "key" wins over "templateId"; push at top level; nulls are absent. */
    assert_int_equal(load("{\"key\":\"k1\",\"templateId\":\"slug\",\"status\":\"draft\",\"id\":null,"
                          "\"push\":{\"title\":\"T\",\"body\":\"B\"},\"variableSchema\":null}",
                          NULL),
                     HERALD_OK);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("k1"), &v), HERALD_OK);
    assert_str(v.push_title, "T");
    assert_str(v.push_body, "B");
    assert_str(v.id, "");
    assert_int_equal(v.nvars, 0);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("slug"), &v), HERALD_E_TEMPLATE_UNKNOWN);
    /* content.push wins over push; email-only content gives empty push text. */
    assert_int_equal(load("[{\"templateId\":\"k2\",\"status\":\"approved\",\"push\":{\"title\":\"no\"},"
                          "\"content\":{\"push\":{\"title\":\"yes\"}}},"
                          "{\"templateId\":\"k3\",\"status\":\"approved\","
                          "\"content\":{\"email\":{\"subject\":\"s\",\"text\":\"t\"}}}]",
                          NULL),
                     HERALD_OK);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("k2"), &v), HERALD_OK);
    assert_str(v.push_title, "yes");
    assert_str(v.push_body, "");
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("k3"), &v), HERALD_OK);
    assert_str(v.push_title, "");
    assert_str(v.push_body, "");
}

static void test_updated_at(void **state)
{
    static const struct {
        const char *text;
        int64_t want;
    } ok[] = {
        { "1970-01-01T00:00:00Z", 0 },
        { "1969-12-31T23:59:59Z", -1 },
        { "2000-03-01T00:00:00Z", 951868800 },
        { "2000-02-29T00:00:00Z", 951782400 },
        { "2024-02-29T12:00:00.5Z", 1709208000 },
        { "2024-01-15T09:30:00.000Z", 1705311000 },
        { "2024-01-15T11:30:00+02:00", 1705311000 },
        { "2024-01-15T04:00:00.123-05:30", 1705311000 },
        { "9999-12-31T23:59:59Z", 253402300799 },
    };
    static const char *const bad[] = {
        "2024-01-15T09:30:00",
        "2024-01-15 09:30:00Z",
        "2024-13-01T00:00:00Z",
        "2023-02-29T00:00:00Z",
        "2024-04-31T00:00:00Z",
        "2024-01-15T24:00:00Z",
        "2024-01-15T09:60:00Z",
        "2024-01-15T09:30:00.Z",
        "2024-1-15T09:30:00Z",
        "yesterday",
        "",
        "2024-01-15T09:30:00ZZ",
        "2024-01-15T09:30:00+0200",
        "2024-00-10T00:00:00Z",
        "2024-01-00T00:00:00Z",
        "1900-02-29T00:00:00Z",
    };
    char json[160];
    herald_tview_t v;
    (void)state;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        snprintf(json, sizeof json, "{\"templateId\":\"t\",\"status\":\"draft\",\"updatedAt\":\"%s\"}",
                 ok[i].text);
        assert_int_equal(load(json, NULL), HERALD_OK);
        assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("t"), &v), HERALD_OK);
        assert_int_equal(v.updated_at, ok[i].want);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(json, sizeof json, "{\"templateId\":\"u\",\"status\":\"draft\",\"updatedAt\":\"%s\"}",
                 bad[i]);
        assert_int_equal(load(json, NULL), HERALD_E_JSON_SHAPE);
    }
    assert_int_equal(load("{\"templateId\":\"u\",\"status\":\"draft\",\"updatedAt\":1705311000}", NULL),
                     HERALD_E_JSON_SHAPE);
    assert_int_equal(herald_tcache_count(&cache), 1);
}

/* Each document has a good template first; none of it may be inserted. */
static void test_errors_insert_nothing(void **state)
{
    static const struct {
        const char *json;
        herald_status_t want;
    } cases[] = {
        { "[" SEED_OBJ ",{\"templateId\":\"x\"}]", HERALD_E_JSON_SHAPE }, /* no status */
        { "[" SEED_OBJ ",{\"templateId\":\"x\",\"status\":\"published\"}]", HERALD_E_JSON_SHAPE },
        { "[" SEED_OBJ ",{\"templateId\":\"x\",\"status\":1}]", HERALD_E_JSON_SHAPE },
        { "[" SEED_OBJ ",{\"status\":\"draft\"}]", HERALD_E_JSON_SHAPE }, /* no key */
        { "[" SEED_OBJ ",{\"templateId\":7,\"status\":\"draft\"}]", HERALD_E_JSON_SHAPE },
        { "[" SEED_OBJ ",{\"key\":7,\"templateId\":\"x\",\"status\":\"draft\"}]", HERALD_E_JSON_SHAPE },
        { "[" SEED_OBJ ",{\"templateId\":\"\",\"status\":\"draft\"}]", HERALD_E_JSON_SHAPE },
        { "[" SEED_OBJ ",{\"templateId\":\"x\",\"id\":5,\"status\":\"draft\"}]", HERALD_E_JSON_SHAPE },
        { "[" SEED_OBJ ",{\"templateId\":\"x\",\"status\":\"draft\","
          "\"variableSchema\":{\"a\":{\"type\":\"number\"}}}]",
          HERALD_E_JSON_SHAPE },
        { "[" SEED_OBJ ",{\"templateId\":\"x\",\"status\":\"draft\","
          "\"variableSchema\":{\"a\":{}}}]",
          HERALD_E_JSON_SHAPE },
        { "[" SEED_OBJ ",{\"templateId\":\"x\",\"status\":\"draft\","
          "\"variableSchema\":{\"a\":\"string\"}}]",
          HERALD_E_JSON_SHAPE },
        { "[" SEED_OBJ ",{\"templateId\":\"x\",\"status\":\"draft\","
          "\"variableSchema\":[{\"type\":\"string\"}]}]",
          HERALD_E_JSON_SHAPE },
        { "[" SEED_OBJ ",{\"templateId\":\"x\",\"status\":\"draft\","
          "\"variableSchema\":{\"a\":{\"type\":\"string\"},\"a\":{\"type\":\"image\"}}}]",
          HERALD_E_JSON_SHAPE },
        { "[" SEED_OBJ ",{\"templateId\":\"x\",\"status\":\"draft\","
          "\"variableSchema\":{\"\":{\"type\":\"string\"}}}]",
          HERALD_E_JSON_SHAPE },
        { "[" SEED_OBJ ",{\"templateId\":\"x\",\"status\":\"draft\",\"content\":\"hi\"}]",
          HERALD_E_JSON_SHAPE },
        { "[" SEED_OBJ ",{\"templateId\":\"x\",\"status\":\"draft\",\"content\":{\"push\":[]}}]",
          HERALD_E_JSON_SHAPE },
        { "[" SEED_OBJ ",{\"templateId\":\"x\",\"status\":\"draft\",\"push\":{\"title\":1}}]",
          HERALD_E_JSON_SHAPE },
        { "[" SEED_OBJ ",{\"templateId\":\"x\",\"status\":\"draft\","
          "\"content\":{\"push\":{\"body\":false}}}]",
          HERALD_E_JSON_SHAPE },
        { "[" SEED_OBJ
          ",{\"templateId\":\"01234567890123456789012345678901234567890123456789012345678901234\","
          "\"status\":\"draft\"}]",
          HERALD_E_JSON_SHAPE }, /* 65 bytes */
        { "[" SEED_OBJ ",42]", HERALD_E_JSON_SHAPE },
        { "[" SEED_OBJ ",", HERALD_E_JSON_PARSE },
        { "not json", HERALD_E_JSON_PARSE },
        { "", HERALD_E_JSON_PARSE },
        { "42", HERALD_E_JSON_SHAPE },
        { "\"order-confirmation\"", HERALD_E_JSON_SHAPE },
        { "{\"data\":5}", HERALD_E_JSON_SHAPE },
        { "{\"data\":null}", HERALD_E_JSON_SHAPE },
        { "{\"data\":[" SEED_OBJ ",[]]}", HERALD_E_JSON_SHAPE },
    };
    herald_template_t keep = {
        HERALD_STR_LIT("keep"), HERALD_STR_LIT(""), HERALD_TSTATUS_APPROVED, 0, NULL, 0,
        HERALD_STR_LIT("t"),    HERALD_STR_LIT("b")
    };
    (void)state;
    assert_int_equal(herald_tcache_put(&cache, &keep), HERALD_OK);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = 99;
        if (load(cases[i].json, &n) != cases[i].want) {
            fail_msg("case %zu: got %s", i, herald_status_name(load(cases[i].json, &n)));
        }
        assert_int_equal(n, 0);
        assert_int_equal(herald_tcache_count(&cache), 1);
        assert_int_equal(cache.used, 16 + 4 + 1 + 1);
    }
    assert_int_equal(herald_tjson_load(NULL, &json_arena, "[]", 2, NULL), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tjson_load(&cache, NULL, "[]", 2, NULL), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tjson_load(&cache, &json_arena, NULL, 0, NULL), HERALD_E_INVALID_ARG);
}

static void test_too_many_vars(void **state)
{
    char json[4096];
    size_t off;
    (void)state;
    off = (size_t)snprintf(json, sizeof json,
                           "{\"templateId\":\"x\",\"status\":\"draft\",\"variableSchema\":{");
    for (int i = 0; i <= HERALD_MAX_VARS; i++) {
        off += (size_t)snprintf(json + off, sizeof json - off, "%s\"v%d\":{\"type\":\"string\"}",
                                i ? "," : "", i);
        if (i == HERALD_MAX_VARS - 1) {
            snprintf(json + off, sizeof json - off, "}}");
            assert_int_equal(load(json, NULL), HERALD_OK); /* exactly the limit */
        }
    }
    snprintf(json + off, sizeof json - off, "}}");
    assert_int_equal(load(json, NULL), HERALD_E_JSON_SHAPE);
}

static void test_json_arena_exhausted(void **state)
{
    /* One number costs a whole cJSON node, far more than its 2 bytes of text. */
    static char json[HERALD_JSON_ARENA_SIZE / 2 + 8];
    size_t n = 0;
    (void)state;
    json[n++] = '[';
    while (n < sizeof json - 3) {
        json[n++] = '1';
        json[n++] = ',';
    }
    json[n++] = '1';
    json[n++] = ']';
    assert_int_equal(herald_tjson_load(&cache, &json_arena, json, n, NULL), HERALD_E_NOSPACE);
    assert_int_equal(herald_tcache_count(&cache), 0);
    /* The arena is reset for the next document. */
    assert_int_equal(load(SEED_OBJ, NULL), HERALD_OK);
}

static void test_template_bigger_than_cache(void **state)
{
    herald_tcache_t small;
    uint8_t a[151];
    size_t n = 99;
    (void)state;
    assert_int_equal(herald_tcache_init(&small, a, sizeof a), HERALD_OK);
    assert_int_equal(herald_tjson_load(&small, &json_arena, "[" ALERT_OBJ "," SEED_OBJ "]",
                                       strlen("[" ALERT_OBJ "," SEED_OBJ "]"), &n),
                     HERALD_E_CACHE_FULL);
    assert_int_equal(n, 0);
    assert_int_equal(herald_tcache_count(&small), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_one_object, setup),
        cmocka_unit_test_setup(test_array, setup),
        cmocka_unit_test_setup(test_data_wrapped_list_and_object, setup),
        cmocka_unit_test_setup(test_platform_list_file, setup),
        cmocka_unit_test_setup(test_field_variants, setup),
        cmocka_unit_test_setup(test_updated_at, setup),
        cmocka_unit_test_setup(test_errors_insert_nothing, setup),
        cmocka_unit_test_setup(test_too_many_vars, setup),
        cmocka_unit_test_setup(test_json_arena_exhausted, setup),
        cmocka_unit_test_setup(test_template_bigger_than_cache, setup),
    };
    return cmocka_run_group_tests_name("template_json", tests, NULL, NULL);
}
