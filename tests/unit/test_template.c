/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "herald/template.h"

static uint8_t arena[65535];
static herald_tcache_t cache;

static const herald_tvar_t seed_vars[] = {
    { { "customerName", 12 }, HERALD_VTYPE_STRING },
    { { "orderId", 7 }, HERALD_VTYPE_STRING },
};

static herald_template_t seed(void)
{
    herald_template_t t = {
        HERALD_STR_LIT("order-confirmation"),
        HERALD_STR_LIT("tmpl_order_confirmation"),
        HERALD_TSTATUS_APPROVED,
        1705311000,
        seed_vars,
        2,
        HERALD_STR_LIT("Order Confirmed"),
        HERALD_STR_LIT("Hi {{customerName}}, your order {{orderId}} is confirmed."),
    };
    return t;
}

/* A template whose key, id and body are derived from a name. */
static herald_template_t named(const char *key, const char *id, const char *body)
{
    herald_template_t t = seed();
    t.key = herald_str(key);
    t.id = herald_str(id);
    t.push_body = herald_str(body);
    return t;
}

static void assert_str(herald_str_t s, const char *want)
{
    assert_int_equal(s.len, strlen(want));
    assert_memory_equal(s.ptr, want, s.len);
}

static int setup(void **state)
{
    (void)state;
    memset(arena, 0xA5, sizeof arena);
    return herald_tcache_init(&cache, arena, sizeof arena) == HERALD_OK ? 0 : -1;
}

static void test_init_arguments(void **state)
{
    herald_tcache_t c;
    (void)state;
    assert_int_equal(herald_tcache_init(NULL, arena, 100), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_init(&c, NULL, 100), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_init(&c, arena, 0), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_init(&c, arena, 65536), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_init(&c, arena, 1), HERALD_OK);
    assert_int_equal(herald_tcache_count(&c), 0);
    assert_int_equal(herald_tcache_count(NULL), 0);
}

static void test_put_find_view(void **state)
{
    herald_template_t t = seed();
    herald_tview_t v;
    herald_tvar_t var;
    (void)state;
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_OK);
    assert_int_equal(herald_tcache_count(&cache), 1);
    /* The seed template packs into 152 bytes (16 header + 136 text). */
    assert_int_equal(cache.used, 152);
    assert_int_equal(cache.index[0].size, 152);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("order-confirmation"), &v), HERALD_OK);
    assert_str(v.key, "order-confirmation");
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
    assert_int_equal(herald_tview_var(&v, 2, &var), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("order-confirmatio"), &v),
                     HERALD_E_TEMPLATE_UNKNOWN);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT(""), &v), HERALD_E_TEMPLATE_UNKNOWN);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("order-confirmation"), NULL), HERALD_OK);
    assert_int_equal(herald_tcache_find(NULL, HERALD_STR_LIT("x"), &v), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_at(&cache, 0, &v), HERALD_OK);
    assert_str(v.key, "order-confirmation");
    assert_int_equal(herald_tcache_at(&cache, 1, &v), HERALD_E_INVALID_ARG);
}

static void test_packed_bytes_exact(void **state)
{
    static const herald_tvar_t vars[] = { { { "v", 1 }, HERALD_VTYPE_ACTION } };
    herald_template_t t = {
        HERALD_STR_LIT("k"), HERALD_STR_LIT("i"), HERALD_TSTATUS_ARCHIVED, 0x0102030405060708, vars, 1,
        HERALD_STR_LIT("T"), HERALD_STR_LIT("B")
    };
    static const uint8_t want[] = {
        2, 8, 7, 6, 5, 4, 3, 2, 1, 1, 1, 1, 1, 0, 1, 0, 'k', 'i', 'T', 'B', 1, 'v', 2,
    };
    (void)state;
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_OK);
    assert_int_equal(cache.used, sizeof want);
    assert_memory_equal(arena, want, sizeof want);
    assert_int_equal(arena[sizeof want], 0xA5); /* nothing written past the entry */
}

static void test_replace_same_key(void **state)
{
    herald_template_t t = seed();
    herald_template_t other = named("other", "", "x");
    herald_tview_t v;
    (void)state;
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_OK);
    assert_int_equal(herald_tcache_put(&cache, &other), HERALD_OK);
    t.push_body = HERALD_STR_LIT("short");
    t.status = HERALD_TSTATUS_ARCHIVED;
    t.nvars = 1;
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_OK);
    assert_int_equal(herald_tcache_count(&cache), 2);
    assert_int_equal(cache.evictions, 0);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("order-confirmation"), &v), HERALD_OK);
    assert_str(v.push_body, "short");
    assert_int_equal(v.status, HERALD_TSTATUS_ARCHIVED);
    assert_int_equal(v.nvars, 1);
    /* old entry gone: 16+5+0+15+1+14 for "other" plus 16+18+23+15+5+14 */
    assert_int_equal(cache.used, (16 + 5 + 15 + 1 + 23) + (16 + 18 + 23 + 15 + 5 + 14));
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("other"), &v), HERALD_OK);
    assert_str(v.push_body, "x");
}

static void test_remove_compacts(void **state)
{
    herald_template_t a = named("alpha", "id-a", "body of alpha");
    herald_template_t b = named("bravo", "id-b", "body of bravo, a bit longer");
    herald_template_t c = named("charlie", "id-c", "body of charlie");
    herald_tview_t v;
    size_t used;
    (void)state;
    assert_int_equal(herald_tcache_put(&cache, &a), HERALD_OK);
    assert_int_equal(herald_tcache_put(&cache, &b), HERALD_OK);
    assert_int_equal(herald_tcache_put(&cache, &c), HERALD_OK);
    used = cache.used;
    assert_int_equal(herald_tcache_remove(&cache, HERALD_STR_LIT("bravo")), HERALD_OK);
    assert_int_equal(herald_tcache_remove(&cache, HERALD_STR_LIT("bravo")), HERALD_E_TEMPLATE_UNKNOWN);
    assert_int_equal(herald_tcache_count(&cache), 2);
    assert_int_equal(cache.used, used - (16 + 5 + 4 + 15 + 27 + 23));
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("bravo"), &v), HERALD_E_TEMPLATE_UNKNOWN);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("charlie"), &v), HERALD_OK);
    assert_str(v.key, "charlie");
    assert_str(v.id, "id-c");
    assert_str(v.push_body, "body of charlie");
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("alpha"), &v), HERALD_OK);
    assert_str(v.push_body, "body of alpha");
    assert_int_equal(herald_tcache_remove(&cache, HERALD_STR_LIT("alpha")), HERALD_OK);
    assert_int_equal(herald_tcache_remove(&cache, HERALD_STR_LIT("charlie")), HERALD_OK);
    assert_int_equal(cache.used, 0);
    assert_int_equal(herald_tcache_count(&cache), 0);
}

static void test_find_by_id(void **state)
{
    herald_template_t a = named("alpha", "id-a", "A");
    herald_template_t b = named("bravo", "", "B");
    herald_tview_t v;
    (void)state;
    assert_int_equal(herald_tcache_put(&cache, &a), HERALD_OK);
    assert_int_equal(herald_tcache_put(&cache, &b), HERALD_OK);
    assert_int_equal(herald_tcache_find_id(&cache, HERALD_STR_LIT("id-a"), &v), HERALD_OK);
    assert_str(v.key, "alpha");
    assert_int_equal(herald_tcache_find_id(&cache, HERALD_STR_LIT("id-b"), &v), HERALD_E_TEMPLATE_UNKNOWN);
    assert_int_equal(herald_tcache_find_id(&cache, HERALD_STR_LIT(""), &v), HERALD_E_TEMPLATE_UNKNOWN);
}

static void test_many_templates(void **state)
{
    enum { N = HERALD_TCACHE_MAX_TEMPLATES };
    char keys[N][16], ids[N][16];
    herald_tview_t v;
    (void)state;
    for (size_t i = 0; i < N; i++) {
        snprintf(keys[i], sizeof keys[i], "tmpl-%03zu", i);
        snprintf(ids[i], sizeof ids[i], "id_%03zu", i);
        herald_template_t t = named(keys[i], ids[i], keys[i]);
        assert_int_equal(herald_tcache_put(&cache, &t), HERALD_OK);
    }
    assert_int_equal(herald_tcache_count(&cache), N);
    assert_int_equal(cache.evictions, 0);
    for (size_t i = 1; i < N; i++) {
        assert_true(cache.index[i - 1].hash <= cache.index[i].hash);
    }
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(herald_tcache_find(&cache, herald_str(keys[i]), &v), HERALD_OK);
        assert_str(v.key, keys[i]);
        assert_str(v.id, ids[i]);
        assert_str(v.push_body, keys[i]);
    }
    /* Remove every third one; the rest must still be found intact. */
    for (size_t i = 0; i < N; i += 3) {
        assert_int_equal(herald_tcache_remove(&cache, herald_str(keys[i])), HERALD_OK);
    }
    for (size_t i = 0; i < N; i++) {
        herald_status_t st = herald_tcache_find(&cache, herald_str(keys[i]), &v);
        if (i % 3 == 0) {
            assert_int_equal(st, HERALD_E_TEMPLATE_UNKNOWN);
        } else {
            assert_int_equal(st, HERALD_OK);
            assert_str(v.push_body, keys[i]);
        }
    }
}

static void test_hash_collisions(void **state)
{
    /* Known FNV-1a 32-bit collisions. */
    static const char *const keys[] = { "costarring", "liquid", "declinate", "macallums" };
    herald_tview_t v;
    (void)state;
    for (size_t i = 0; i < 4; i++) {
        herald_template_t t = named(keys[i], "", keys[i]);
        assert_int_equal(herald_tcache_put(&cache, &t), HERALD_OK);
    }
    assert_int_equal(herald_tcache_count(&cache), 4);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(herald_tcache_find(&cache, herald_str(keys[i]), &v), HERALD_OK);
        assert_str(v.push_body, keys[i]);
    }
    assert_int_equal(herald_tcache_remove(&cache, HERALD_STR_LIT("costarring")), HERALD_OK);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("costarring"), &v), HERALD_E_TEMPLATE_UNKNOWN);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("liquid"), &v), HERALD_OK);
    assert_str(v.push_body, "liquid");
    herald_template_t t = named("macallums", "", "replaced");
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_OK);
    assert_int_equal(herald_tcache_count(&cache), 3);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("declinate"), &v), HERALD_OK);
    assert_str(v.push_body, "declinate");
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("macallums"), &v), HERALD_OK);
    assert_str(v.push_body, "replaced");
}

/* Every entry of this test packs to the same size: 16 + 2 + 0 + 0 + 4. */
static herald_template_t tiny(char *key, size_t i)
{
    herald_template_t t = { { key, 2 }, { "", 0 },    HERALD_TSTATUS_APPROVED, 0, NULL, 0,
                            { "", 0 },  { "body", 4 } };
    key[0] = (char)('a' + i / 26);
    key[1] = (char)('a' + i % 26);
    return t;
}

static void test_lru_evicts_least_recently_used_bytes(void **state)
{
    herald_tcache_t c;
    char keys[8][2];
    herald_tview_t v;
    (void)state;
    assert_int_equal(herald_tcache_init(&c, arena, 4 * 22 + 21), HERALD_OK); /* room for 4 */
    for (size_t i = 0; i < 4; i++) {
        herald_template_t t = tiny(keys[i], i);
        assert_int_equal(herald_tcache_put(&c, &t), HERALD_OK);
    }
    assert_int_equal(c.used, 88);
    /* Touch 0, 1 and 3: 2 is now the least recently used. */
    assert_int_equal(herald_tcache_find(&c, (herald_str_t){ keys[0], 2 }, &v), HERALD_OK);
    assert_int_equal(herald_tcache_find(&c, (herald_str_t){ keys[1], 2 }, &v), HERALD_OK);
    assert_int_equal(herald_tcache_find(&c, (herald_str_t){ keys[3], 2 }, &v), HERALD_OK);
    herald_template_t t = tiny(keys[4], 4);
    assert_int_equal(herald_tcache_put(&c, &t), HERALD_OK);
    assert_int_equal(c.evictions, 1);
    assert_int_equal(herald_tcache_count(&c), 4);
    assert_int_equal(herald_tcache_find(&c, (herald_str_t){ keys[2], 2 }, &v), HERALD_E_TEMPLATE_UNKNOWN);
    /* Now 0 is the oldest (touched before 1 and 3). */
    t = tiny(keys[5], 5);
    assert_int_equal(herald_tcache_put(&c, &t), HERALD_OK);
    assert_int_equal(c.evictions, 2);
    assert_int_equal(herald_tcache_find(&c, (herald_str_t){ keys[0], 2 }, &v), HERALD_E_TEMPLATE_UNKNOWN);
    for (size_t i = 1; i <= 5; i++) {
        if (i != 2) {
            assert_int_equal(herald_tcache_find(&c, (herald_str_t){ keys[i], 2 }, &v), HERALD_OK);
            assert_memory_equal(v.key.ptr, keys[i], 2);
            assert_str(v.push_body, "body");
        }
    }
    /* A bigger template makes room by evicting several (1 and 3 are oldest). */
    herald_template_t big = named("big", "", "0123456789012345678901234567890123456789");
    big.nvars = 0;
    big.id = HERALD_STR_LIT("");
    big.push_title = HERALD_STR_LIT("");
    assert_int_equal(herald_tcache_put(&c, &big), HERALD_OK); /* 59 bytes */
    assert_int_equal(c.evictions, 4);
    assert_int_equal(herald_tcache_count(&c), 3);
    assert_int_equal(herald_tcache_find(&c, (herald_str_t){ keys[1], 2 }, &v), HERALD_E_TEMPLATE_UNKNOWN);
    assert_int_equal(herald_tcache_find(&c, (herald_str_t){ keys[3], 2 }, &v), HERALD_E_TEMPLATE_UNKNOWN);
    assert_int_equal(herald_tcache_find(&c, (herald_str_t){ keys[4], 2 }, &v), HERALD_OK);
    assert_int_equal(herald_tcache_find(&c, (herald_str_t){ keys[5], 2 }, &v), HERALD_OK);
    assert_int_equal(herald_tcache_find(&c, HERALD_STR_LIT("big"), &v), HERALD_OK);
    assert_int_equal(c.used, 22 + 22 + 59);
}

static void test_lru_evicts_when_index_full(void **state)
{
    enum { N = HERALD_TCACHE_MAX_TEMPLATES };
    char keys[N + 1][2];
    herald_tview_t v;
    (void)state;
    for (size_t i = 0; i < N; i++) {
        herald_template_t t = tiny(keys[i], i);
        assert_int_equal(herald_tcache_put(&cache, &t), HERALD_OK);
    }
    assert_int_equal(herald_tcache_find(&cache, (herald_str_t){ keys[0], 2 }, &v), HERALD_OK);
    herald_template_t t = tiny(keys[N], N);
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_OK);
    assert_int_equal(cache.evictions, 1);
    assert_int_equal(herald_tcache_count(&cache), N);
    assert_int_equal(herald_tcache_find(&cache, (herald_str_t){ keys[1], 2 }, &v), HERALD_E_TEMPLATE_UNKNOWN);
    assert_int_equal(herald_tcache_find(&cache, (herald_str_t){ keys[0], 2 }, &v), HERALD_OK);
    assert_int_equal(herald_tcache_find(&cache, (herald_str_t){ keys[N], 2 }, &v), HERALD_OK);
}

static void test_lru_survives_clock_wrap(void **state)
{
    herald_tcache_t c;
    char keys[4][2];
    herald_tview_t v;
    (void)state;
    assert_int_equal(herald_tcache_init(&c, arena, 3 * 22), HERALD_OK);
    for (size_t i = 0; i < 3; i++) {
        herald_template_t t = tiny(keys[i], i);
        assert_int_equal(herald_tcache_put(&c, &t), HERALD_OK);
    }
    c.clock = UINT32_MAX - 2u;
    assert_int_equal(herald_tcache_find(&c, (herald_str_t){ keys[0], 2 }, &v), HERALD_OK);
    assert_int_equal(herald_tcache_find(&c, (herald_str_t){ keys[1], 2 }, &v), HERALD_OK);
    assert_int_equal(c.clock, UINT32_MAX);
    assert_int_equal(herald_tcache_find(&c, (herald_str_t){ keys[2], 2 }, &v), HERALD_OK);
    assert_int_equal(c.clock, 4);
    /* Order of use is 0, 1, 2, so 0 goes first. */
    herald_template_t t = tiny(keys[3], 3);
    assert_int_equal(herald_tcache_put(&c, &t), HERALD_OK);
    assert_int_equal(herald_tcache_find(&c, (herald_str_t){ keys[0], 2 }, &v), HERALD_E_TEMPLATE_UNKNOWN);
    assert_int_equal(herald_tcache_find(&c, (herald_str_t){ keys[1], 2 }, &v), HERALD_OK);
}

static void test_too_big_is_cache_full(void **state)
{
    herald_tcache_t c;
    herald_template_t t = seed();
    herald_tview_t v;
    (void)state;
    assert_int_equal(herald_tcache_init(&c, arena, 152), HERALD_OK);
    assert_int_equal(herald_tcache_put(&c, &t), HERALD_OK); /* exactly fits */
    t.push_title = HERALD_STR_LIT("Order Confirmed!");
    assert_int_equal(herald_tcache_put(&c, &t), HERALD_E_CACHE_FULL);
    /* The old version is still there, untouched. */
    assert_int_equal(herald_tcache_count(&c), 1);
    assert_int_equal(herald_tcache_find(&c, HERALD_STR_LIT("order-confirmation"), &v), HERALD_OK);
    assert_str(v.push_title, "Order Confirmed");
    assert_int_equal(c.evictions, 0);
    t.push_body.len = SIZE_MAX; /* must not overflow the size sum */
    assert_int_equal(herald_tcache_put(&c, &t), HERALD_E_CACHE_FULL);
}

static void test_put_validation(void **state)
{
    char longname[HERALD_NAME_MAX_LEN + 1];
    herald_tvar_t vars[HERALD_MAX_VARS + 1];
    herald_template_t t;
    (void)state;
    memset(longname, 'n', sizeof longname);
    for (size_t i = 0; i <= HERALD_MAX_VARS; i++) {
        vars[i].name = (herald_str_t){ &longname[i], 1 };
        vars[i].type = HERALD_VTYPE_STRING;
    }
    vars[0].name.len = 8;
    t = seed();
    assert_int_equal(herald_tcache_put(NULL, &t), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_put(&cache, NULL), HERALD_E_INVALID_ARG);
    t.key = HERALD_STR_LIT("");
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_E_INVALID_ARG);
    t.key = (herald_str_t){ longname, HERALD_NAME_MAX_LEN + 1 };
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_E_INVALID_ARG);
    t = seed();
    t.id = (herald_str_t){ longname, HERALD_NAME_MAX_LEN + 1 };
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_E_INVALID_ARG);
    t = seed();
    t.status = (herald_tstatus_t)3;
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_E_INVALID_ARG);
    t = seed();
    t.vars = NULL;
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_E_INVALID_ARG);
    /* vars[1..] are "n" each: a repeated name */
    t = seed();
    t.vars = vars;
    t.nvars = 3;
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_E_INVALID_ARG);
    herald_tvar_t two[2] = { { HERALD_STR_LIT("a"), HERALD_VTYPE_STRING },
                             { HERALD_STR_LIT(""), HERALD_VTYPE_STRING } };
    t.vars = two;
    t.nvars = 2;
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_E_INVALID_ARG);
    two[1].name = HERALD_STR_LIT("b");
    two[1].type = (herald_vtype_t)3;
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_E_INVALID_ARG);
    two[1].type = HERALD_VTYPE_IMAGE;
    two[1].name = (herald_str_t){ longname, HERALD_NAME_MAX_LEN + 1 };
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_E_INVALID_ARG);
    /* too many variables, all distinct */
    char names[HERALD_MAX_VARS + 1][3];
    for (size_t i = 0; i <= HERALD_MAX_VARS; i++) {
        names[i][0] = 'v';
        names[i][1] = (char)('A' + i / 26);
        names[i][2] = (char)('a' + i % 26);
        vars[i].name = (herald_str_t){ names[i], 3 };
    }
    t.vars = vars;
    t.nvars = HERALD_MAX_VARS + 1;
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_count(&cache), 0);
    /* The limits themselves are accepted. */
    t.nvars = HERALD_MAX_VARS;
    t.key = (herald_str_t){ longname, HERALD_NAME_MAX_LEN };
    t.id = (herald_str_t){ longname, HERALD_NAME_MAX_LEN };
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_OK);
    assert_int_equal(herald_tcache_count(&cache), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_arguments),
        cmocka_unit_test_setup(test_put_find_view, setup),
        cmocka_unit_test_setup(test_packed_bytes_exact, setup),
        cmocka_unit_test_setup(test_replace_same_key, setup),
        cmocka_unit_test_setup(test_remove_compacts, setup),
        cmocka_unit_test_setup(test_find_by_id, setup),
        cmocka_unit_test_setup(test_many_templates, setup),
        cmocka_unit_test_setup(test_hash_collisions, setup),
        cmocka_unit_test_setup(test_lru_evicts_least_recently_used_bytes, setup),
        cmocka_unit_test_setup(test_lru_evicts_when_index_full, setup),
        cmocka_unit_test_setup(test_lru_survives_clock_wrap, setup),
        cmocka_unit_test_setup(test_too_big_is_cache_full, setup),
        cmocka_unit_test_setup(test_put_validation, setup),
    };
    return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}
