/* SPDX-License-Identifier: Apache-2.0 */
/* Template JSON corners: every way an updatedAt can be wrong, schema and
 * push shapes, and merging by key. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "herald/template.h"

static uint8_t arena[4096];
static herald_tcache_t cache;
static herald_json_arena_t json_arena; /* zero bytes: ready */

static int setup(void **state)
{
    (void)state;
    return herald_tcache_init(&cache, arena, sizeof arena) == HERALD_OK ? 0 : -1;
}

static herald_status_t load(const char *json)
{
    return herald_tjson_load(&cache, &json_arena, json, strlen(json), NULL);
}

/* Load one template with this updatedAt; its time when it loads. */
static herald_status_t load_time(const char *when, int64_t *t)
{
    char json[160];
    herald_tview_t v;
    herald_status_t st;
    snprintf(json, sizeof json, "{\"key\":\"k\",\"status\":\"approved\",\"updatedAt\":\"%s\"}", when);
    st = load(json);
    if (st == HERALD_OK) {
        assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("k"), &v), HERALD_OK);
        *t = v.updated_at;
    }
    return st;
}

static void test_good_times(void **state)
{
    static const struct {
        const char *s;
        int64_t t;
    } good[] = {
        { "2024-01-15T09:30:00Z", 1705311000 },
        { "2024-01-15T09:30:00.5Z", 1705311000 },
        { "2024-01-15T09:30:00.123456+01:30", 1705311000 - 5400 },
        { "2024-01-15T09:30:00-00:59", 1705311000 + 3540 },
        { "2024-02-29T23:59:60Z", 1709251200 }, /* leap day, leap second */
        { "2000-02-29T00:00:00Z", 951782400 },  /* divisible by 400 */
        { "1970-01-01T00:00:00+23:59", -86340 },
        { "0000-03-01T00:00:00Z", -62162035200 },
    };
    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int64_t t = 0;
        assert_int_equal(load_time(good[i].s, &t), HERALD_OK);
        assert_int_equal(t, good[i].t);
    }
}

static void test_bad_times(void **state)
{
    static const char *const bad[] = {
        "2024-01-15T09:30:00", /* no zone */
        "2024-01-15T09:30:0Z", /* short */
        "2024/01-15T09:30:00Z",      "2024-01/15T09:30:00Z",
        "2024-01-15 09:30:00Z",      "2024-01-15T09.30:00Z",
        "2024-01-15T09:30.00Z",      "2o24-01-15T09:30:00Z",
        "2024-0a-15T09:30:00Z",      "2024-01-1bT09:30:00Z",
        "2024-01-15T0x:30:00Z",      "2024-01-15T09:3x:00Z",
        "2024-01-15T09:30:0xZ",      "2024-01-15T09:30:00.Z", /* empty fraction */
        "2024-01-15T09:30:00ZZ",     "2024-01-15T09:30:00z",
        "2024-01-15T09:30:00+0100",  "2024-01-15T09:30:00+01:000",
        "2024-01-15T09:30:00*01:00", "2024-01-15T09:30:00+01-00",
        "2024-01-15T09:30:00+a1:00", "2024-01-15T09:30:00+01:a0",
        "2024-01-15T09:30:00+24:00", "2024-01-15T09:30:00+01:60",
        "2024-00-15T09:30:00Z",      "2024-13-15T09:30:00Z",
        "2024-01-00T09:30:00Z",      "2024-04-31T09:30:00Z",
        "2023-02-29T09:30:00Z",      "1900-02-29T09:30:00Z",
        "2024-01-15T24:00:00Z",      "2024-01-15T09:60:00Z",
        "2024-01-15T09:30:61Z",
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t = 0;
        if (load_time(bad[i], &t) != HERALD_E_JSON_SHAPE) {
            fail_msg("updatedAt \"%s\" was accepted", bad[i]);
        }
    }
    assert_int_equal(load("{\"key\":\"k\",\"status\":\"approved\",\"updatedAt\":7}"), HERALD_E_JSON_SHAPE);
    assert_int_equal(load("{\"key\":\"k\",\"status\":\"approved\",\"updatedAt\":null}"), HERALD_OK);
    assert_int_equal(herald_tcache_count(&cache), 1);
}

static void test_schema_and_push_shapes(void **state)
{
    char json[1024];
    size_t n = 0;
    (void)state;
    assert_int_equal(load("{\"key\":\"k\",\"status\":\"approved\",\"variableSchema\":{\"a\":\"string\"}}"),
                     HERALD_E_JSON_SHAPE);
    assert_int_equal(load("{\"key\":\"k\",\"status\":\"approved\",\"variableSchema\":{\"a\":{}}}"),
                     HERALD_E_JSON_SHAPE);
    assert_int_equal(
        load("{\"key\":\"k\",\"status\":\"approved\",\"variableSchema\":{\"a\":{\"type\":\"video\"}}}"),
        HERALD_E_JSON_SHAPE);
    assert_int_equal(load("{\"key\":\"k\",\"status\":\"approved\",\"variableSchema\":[]}"),
                     HERALD_E_JSON_SHAPE);
    assert_int_equal(load("{\"key\":\"k\",\"status\":\"approved\",\"push\":5}"), HERALD_E_JSON_SHAPE);
    assert_int_equal(load("{\"key\":\"k\",\"status\":\"approved\",\"content\":[]}"), HERALD_E_JSON_SHAPE);
    assert_int_equal(load("{\"key\":\"k\",\"status\":\"approved\",\"content\":{\"push\":\"x\"}}"),
                     HERALD_E_JSON_SHAPE);
    assert_int_equal(load("{\"key\":\"k\",\"status\":\"approved\",\"push\":{\"title\":1}}"),
                     HERALD_E_JSON_SHAPE);
    assert_int_equal(load("{\"key\":7,\"status\":\"approved\"}"), HERALD_E_JSON_SHAPE);
    assert_int_equal(load("{\"templateId\":\"k\",\"id\":[],\"status\":\"approved\"}"), HERALD_E_JSON_SHAPE);
    assert_int_equal(load("{\"templateId\":\"k\",\"status\":\"retired\"}"), HERALD_E_JSON_SHAPE);
    assert_int_equal(load("{\"data\":7}"), HERALD_E_JSON_SHAPE);
    assert_int_equal(herald_tcache_count(&cache), 0);
    /* One variable more than HERALD_MAX_VARS. */
    n = (size_t)snprintf(json, sizeof json, "{\"key\":\"k\",\"status\":\"approved\",\"variableSchema\":{");
    for (int i = 0; i <= HERALD_MAX_VARS; i++) {
        n += (size_t)snprintf(json + n, sizeof json - n, "%s\"v%d\":{\"type\":\"image\"}", i ? "," : "", i);
    }
    snprintf(json + n, sizeof json - n, "}}");
    assert_int_equal(load(json), HERALD_E_JSON_SHAPE);
    /* Exactly HERALD_MAX_VARS: fine.  Drop the last member. */
    memcpy(strrchr(json, ','), "}}", 3);
    assert_int_equal(load(json), HERALD_OK);
    assert_int_equal(herald_tcache_count(&cache), 1);
}

static void test_merge_by_key_and_time(void **state)
{
    size_t updated = 9, seen = 9;
    herald_tview_t v;
    (void)state;
    assert_int_equal(load("[{\"key\":\"ab\",\"status\":\"draft\",\"updatedAt\":\"2024-01-01T00:00:00Z\"},"
                          "{\"key\":\"ac\",\"status\":\"draft\",\"updatedAt\":\"2024-01-01T00:00:00Z\"}]"),
                     HERALD_OK);
    /* Same key length, other key: a new template; older: kept as it was. */
    static const char doc[] =
        "[{\"key\":\"ad\",\"status\":\"approved\"},"
        "{\"key\":\"ac\",\"status\":\"approved\",\"updatedAt\":\"2023-01-01T00:00:00Z\"},"
        "{\"key\":\"ab\",\"status\":\"approved\",\"updatedAt\":\"2024-01-02T00:00:00Z\"}]";
    assert_int_equal(herald_tjson_merge(&cache, &json_arena, doc, sizeof doc - 1, &updated, &seen),
                     HERALD_OK);
    assert_int_equal(updated, 2);
    assert_int_equal(seen, 3);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("ab"), &v), HERALD_OK);
    assert_int_equal(v.status, HERALD_TSTATUS_APPROVED);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("ac"), &v), HERALD_OK);
    assert_int_equal(v.status, HERALD_TSTATUS_DRAFT);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("ad"), &v), HERALD_OK);
    /* Counts may be left out; a bad document leaves seen at 0. */
    assert_int_equal(herald_tjson_merge(&cache, &json_arena, doc, sizeof doc - 1, NULL, NULL), HERALD_OK);
    assert_int_equal(herald_tjson_merge(&cache, &json_arena, "{", 1, &updated, &seen), HERALD_E_JSON_PARSE);
    assert_int_equal(updated, 0);
    assert_int_equal(seen, 0);
    assert_int_equal(herald_tjson_merge(NULL, &json_arena, doc, sizeof doc - 1, &updated, &seen),
                     HERALD_E_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_good_times, setup),
        cmocka_unit_test_setup(test_bad_times, setup),
        cmocka_unit_test_setup(test_schema_and_push_shapes, setup),
        cmocka_unit_test_setup(test_merge_by_key_and_time, setup),
    };
    return cmocka_run_group_tests_name("template_json_more", tests, NULL, NULL);
}
