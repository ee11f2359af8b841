/* SPDX-License-Identifier: Apache-2.0 */
/* Template cache corners: NULL views and outputs, oversize push text, and
 * the LRU order surviving the clock renumbering. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "herald/template.h"

static uint8_t arena[512];
static herald_tcache_t cache;

static herald_template_t tmpl(const char *key)
{
    herald_template_t t = { herald_str(key),     HERALD_STR_LIT(""), HERALD_TSTATUS_APPROVED, 0, NULL, 0,
                            HERALD_STR_LIT("T"), HERALD_STR_LIT("B") };
    return t;
}

static int setup(void **state)
{
    (void)state;
    return herald_tcache_init(&cache, arena, sizeof arena) == HERALD_OK ? 0 : -1;
}

static void test_null_views_and_outputs(void **state)
{
    herald_template_t t = tmpl("k");
    herald_str_t bad = { NULL, 2 };
    herald_tview_t v;
    herald_tvar_t var;
    (void)state;
    t.id = HERALD_STR_LIT("id-1");
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_OK);
    assert_int_equal(herald_tcache_find(&cache, bad, &v), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_find_id(&cache, bad, &v), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_find_id(NULL, HERALD_STR_LIT("id-1"), &v), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_remove(&cache, bad), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_remove(NULL, HERALD_STR_LIT("k")), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_at(&cache, 0, NULL), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_at(NULL, 0, &v), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_find_id(&cache, HERALD_STR_LIT("id-1"), NULL), HERALD_OK);
    assert_int_equal(herald_tcache_find_id(&cache, (herald_str_t){ NULL, 0 }, &v), HERALD_E_TEMPLATE_UNKNOWN);
    assert_int_equal(herald_tcache_find(&cache, (herald_str_t){ NULL, 0 }, &v), HERALD_E_TEMPLATE_UNKNOWN);
    assert_int_equal(herald_tcache_at(&cache, 0, &v), HERALD_OK);
    assert_int_equal(herald_tview_var(&v, 0, NULL), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tview_var(NULL, 0, &var), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_remove(&cache, HERALD_STR_LIT("k")), HERALD_OK);
    assert_int_equal(herald_tcache_count(&cache), 0);
}

static void test_put_refuses_bad_views(void **state)
{
    static const herald_tvar_t vars[] = { { { "a", 1 }, HERALD_VTYPE_STRING } };
    herald_template_t t = tmpl("k");
    (void)state;
    t.id = (herald_str_t){ NULL, 3 };
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_E_INVALID_ARG);
    t = tmpl("k");
    t.nvars = 1;
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_E_INVALID_ARG); /* vars NULL */
    t.vars = vars;
    t.push_title = (herald_str_t){ NULL, 1 };
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_E_INVALID_ARG);
    t.push_title = HERALD_STR_LIT("");
    t.push_body = (herald_str_t){ NULL, 1 };
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_E_INVALID_ARG);
    t.push_body = (herald_str_t){ NULL, 0 };
    t.id = (herald_str_t){ NULL, 0 };
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_OK);
    assert_int_equal(herald_tcache_put(NULL, &t), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_put(&cache, NULL), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_tcache_count(&cache), 1);
}

static void test_push_text_larger_than_the_arena(void **state)
{
    static char big[600];
    herald_template_t t = tmpl("k");
    (void)state;
    memset(big, 'x', sizeof big);
    t.push_body = (herald_str_t){ big, sizeof big };
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_E_CACHE_FULL);
    t.push_body = (herald_str_t){ big, 400 };
    t.push_title = (herald_str_t){ big, 400 };
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_E_CACHE_FULL);
    t.push_title = HERALD_STR_LIT("");
    assert_int_equal(herald_tcache_put(&cache, &t), HERALD_OK);
    assert_int_equal(herald_tcache_count(&cache), 1);
}

static void test_lru_order_survives_the_clock_wrap(void **state)
{
    herald_template_t a = tmpl("a"), b = tmpl("b"), c = tmpl("c");
    herald_tview_t v;
    static char fill[460];
    herald_template_t big = tmpl("big");
    (void)state;
    assert_int_equal(herald_tcache_put(&cache, &a), HERALD_OK);
    assert_int_equal(herald_tcache_put(&cache, &b), HERALD_OK);
    assert_int_equal(herald_tcache_put(&cache, &c), HERALD_OK);
    /* Give two entries the same stamp (as no public call can) and put the
     * clock at its end: the next use renumbers, ties kept in index order. */
    cache.index[0].last_used = 7;
    cache.index[1].last_used = 7;
    cache.index[2].last_used = 5;
    cache.clock = UINT32_MAX;
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("a"), &v), HERALD_OK);
    assert_true(cache.clock <= 4);
    /* 480 bytes leave room for one 19-byte entry: the two least recently
     * used go, "a" (just used) stays. */
    memset(fill, 'f', sizeof fill);
    big.push_body = (herald_str_t){ fill, sizeof fill };
    assert_int_equal(herald_tcache_put(&cache, &big), HERALD_OK);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("a"), NULL), HERALD_OK);
    assert_int_equal(herald_tcache_find(&cache, HERALD_STR_LIT("big"), NULL), HERALD_OK);
    assert_int_equal(herald_tcache_count(&cache), 2);
    assert_int_equal(cache.evictions, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_null_views_and_outputs, setup),
        cmocka_unit_test_setup(test_put_refuses_bad_views, setup),
        cmocka_unit_test_setup(test_push_text_larger_than_the_arena, setup),
        cmocka_unit_test_setup(test_lru_order_survives_the_clock_wrap, setup),
    };
    return cmocka_run_group_tests_name("template_more", tests, NULL, NULL);
}
