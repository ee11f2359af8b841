/* SPDX-License-Identifier: Apache-2.0 */
/* Template sync against the in-memory transport: a cache miss fetches the
 * one template, a platform template error refreshes the whole paged list,
 * the newer copy by updatedAt wins, and a period keeps it fresh. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "agent_fixture.h"

static uint8_t arena[HERALD_TCACHE_ARENA_SIZE];
static herald_tcache_t cache;
static herald_json_arena_t json_arena; /* zero bytes: ready */
static int persisted;

static const char ALERT_V1[] =
    "{\"id\":\"tmpl_alert\",\"key\":\"system-alert\",\"status\":\"approved\","
    "\"variableSchema\":{\"device\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"}},"
    "\"content\":{\"push\":{\"title\":\"Alert: {{device}}\",\"body\":\"{{message}}\"}},"
    "\"updatedAt\":\"2024-01-01T00:00:00Z\"}";
static const char ALERT_V2[] = /* newer, with a third variable */
    "{\"id\":\"tmpl_alert\",\"key\":\"system-alert\",\"status\":\"approved\","
    "\"variableSchema\":{\"device\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"},"
    "\"site\":{\"type\":\"string\"}},"
    "\"content\":{\"push\":{\"title\":\"Alert at {{site}}\",\"body\":\"{{message}}\"}},"
    "\"updatedAt\":\"2024-06-01T00:00:00Z\"}";
static const char ORDER_OLD[] = /* older than what the device has */
    "{\"id\":\"tmpl_order\",\"key\":\"order-confirmation\",\"status\":\"archived\","
    "\"updatedAt\":\"2020-01-01T00:00:00Z\"}";

static void on_templates(void *ctx, herald_tcache_t *c)
{
    (void)ctx;
    (void)c;
    persisted++;
}

static herald_sync_stats_t sync_stat(fixture_t *f)
{
    herald_sync_stats_t st;
    herald_sync_stats(&f->agent, &st);
    return st;
}

static int sync_setup(void **state)
{
    static const char order[] =
        "{\"id\":\"tmpl_order\",\"key\":\"order-confirmation\",\"status\":\"approved\","
        "\"variableSchema\":{\"customerName\":{\"type\":\"string\"},\"orderId\":{\"type\":\"string\"}},"
        "\"updatedAt\":\"2024-01-15T09:30:00Z\"}";
    setup(state);
    herald_tcache_init(&cache, arena, sizeof arena);
    assert_int_equal(herald_tjson_load(&cache, &json_arena, order, sizeof order - 1, NULL), HERALD_OK);
    fx->cfg.templates = &cache;
    fx->cfg.on_templates = on_templates;
    fx->cfg.rate_per_min = HERALD_RATE_UNLIMITED;
    reconfigure(fx);
    persisted = 0;
    return 0;
}

/* The request line of the n-th request the platform saw. */
static void request_line(fixture_t *f, size_t n, char *out, size_t cap)
{
    const char *p = f->net.sent;
    for (size_t i = 0; i < n && p; i++) {
        p = strstr(p + 1, "\r\n\r\n");
        p = p ? p + 4 : NULL;
        while (p && strncmp(p, "GET ", 4) != 0 && strncmp(p, "POST ", 5) != 0) {
            p++; /* skip a body */
        }
    }
    assert_non_null(p);
    snprintf(out, cap, "%.*s", (int)(strchr(p, '\r') - p), p);
}

static herald_notification_t alert(void)
{
    static const herald_var_t v[] = { { "device", "pump-7", 0 }, { "message", "hot", 0 } };
    herald_notification_t n = seed;
    n.template_key = "system-alert";
    n.vars = v;
    return n;
}

static void test_cache_miss_fetches_the_template(void **state)
{
    fixture_t *f = *state;
    herald_notification_t n = alert();
    herald_tview_t v;
    char body[1024], line[160];
    snprintf(body, sizeof body, "{\"data\":%s}", ALERT_V1);
    f->net.script[0] = resp(200, "", body);
    f->net.script[1] = resp(200, "", OK_BODY);
    f->net.nscript = 2;
    assert_int_equal(herald_notify(&f->agent, &n, NULL), HERALD_OK); /* unknown here: the platform judges */
    assert_false(herald_idle(&f->agent));
    run(f);
    request_line(f, 0, line, sizeof line);
    assert_string_equal(line, "GET /v3/business-messaging/api/templates/system-alert HTTP/1.1");
    request_line(f, 1, line, sizeof line);
    assert_string_equal(line, "POST /v3/business-messaging/api/notifications/send HTTP/1.1");
    assert_int_equal(herald_tcache_find(&cache, herald_str("system-alert"), &v), HERALD_OK);
    assert_int_equal(v.nvars, 2);
    assert_int_equal(persisted, 1);
    assert_int_equal(f->noutcomes, 1);
    assert_int_equal(f->net.connects, 1); /* one connection for both */
    /* now the cache judges: a missing variable is refused at once */
    n.nvars = 1;
    assert_int_equal(herald_notify(&f->agent, &n, NULL), HERALD_E_VAR_MISSING);
}

static void test_template_error_refreshes_the_list_keeping_the_newer(void **state)
{
    fixture_t *f = *state;
    herald_tview_t v;
    char page1[2048], page2[1024], line[160];
    size_t limit = HERALD_SYNC_PAGE_LIMIT;
    f->net.script[0] =
        resp(400, "", "{\"error\":{\"code\":\"ERR_TEMPLATE_NOT_APPROVED\",\"message\":\"no\"}}");
    if (limit == 1) {
        snprintf(page1, sizeof page1, "{\"data\":[%s]}", ORDER_OLD);
        snprintf(page2, sizeof page2, "{\"data\":[%s]}", ALERT_V2);
        f->net.script[1] = resp(200, "", page1);
        f->net.script[2] = resp(200, "", page2);
        f->net.script[3] = resp(200, "", "{\"data\":[]}");
        f->net.nscript = 4;
    } else {
        snprintf(page1, sizeof page1, "{\"data\":[%s,%s],\"pagination\":{\"page\":1}}", ORDER_OLD, ALERT_V2);
        f->net.script[1] = resp(200, "", page1);
        f->net.nscript = 2;
    }
    assert_int_equal(herald_notify(&f->agent, &seed, NULL), HERALD_OK);
    run(f);
    assert_int_equal(f->outcomes[0].status, HERALD_E_PLATFORM_TEMPLATE_NOT_APPROVED);
    request_line(f, 1, line, sizeof line);
    snprintf(page2, sizeof page2, "GET /v3/business-messaging/api/templates?page=1&limit=%zu HTTP/1.1",
             limit);
    assert_string_equal(line, page2);
    assert_true(herald_idle(&f->agent));
    /* the older platform copy did not replace the device's newer one */
    assert_int_equal(herald_tcache_find(&cache, herald_str("order-confirmation"), &v), HERALD_OK);
    assert_int_equal(v.status, HERALD_TSTATUS_APPROVED);
    assert_int_equal(herald_tcache_find(&cache, herald_str("system-alert"), &v), HERALD_OK);
    assert_int_equal(v.nvars, 3);
    assert_int_equal(sync_stat(f).refreshes, 1);
}

static void test_periodic_refresh_and_removed_template(void **state)
{
    fixture_t *f = *state;
    char body[1024];
    herald_notification_t n = alert();
    f->cfg.sync_period_ms = 60000;
    reconfigure(f);
    snprintf(body, sizeof body, "{\"data\":[%s]}", ALERT_V1);
    /* at start-up and a minute later; a one-template page means an empty
     * page must end each refresh */
    for (int i = 0; i < 2; i++) {
        f->net.script[f->net.nscript++] = resp(200, "", body);
        if (HERALD_SYNC_PAGE_LIMIT == 1) {
            f->net.script[f->net.nscript++] = resp(200, "", "{\"data\":[]}");
        }
    }
    assert_int_equal(run(f), 60000);
    assert_int_equal(herald_notify(&f->agent, &n, NULL), HERALD_OK); /* known after the first sync */
    f->queue.retire(f->queue.ctx, 1);                                /* not under test: drop it unsent */
    f->now += 60000;
    run(f);
    assert_int_equal(sync_stat(f).refreshes, 2);
    /* the platform has deleted a template the device asks for */
    f->net.script[f->net.nscript++] =
        resp(404, "", "{\"error\":{\"code\":\"ERR_NOT_FOUND\",\"message\":\"gone\"}}");
    herald_sync_templates(&f->agent, "system-alert");
    run(f);
    assert_int_equal(herald_tcache_find(&cache, herald_str("system-alert"), NULL), HERALD_E_TEMPLATE_UNKNOWN);
}

static void test_failed_sync_never_blocks_delivery(void **state)
{
    fixture_t *f = *state;
    herald_notification_t n = alert();
    f->net.script[0] = resp(200, "", "{\"data\": not json");
    f->net.script[1] = resp(200, "", OK_BODY);
    f->net.nscript = 2;
    assert_int_equal(herald_notify(&f->agent, &n, NULL), HERALD_OK);
    run(f);
    assert_int_equal(f->noutcomes, 1);
    assert_int_equal(f->outcomes[0].status, HERALD_OK);
    assert_int_equal(sync_stat(f).failures, 1);
    assert_true(herald_idle(&f->agent));
}

static void test_refs_that_cannot_be_asked_for(void **state)
{
    fixture_t *f = *state;
    char longkey[HERALD_NAME_MAX_LEN + 8];
    memset(longkey, 'k', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = '\0';
    herald_sync_templates(&f->agent, longkey); /* longer than any key: ignored */
    assert_true(herald_idle(&f->agent));
    herald_sync_templates(&f->agent, "has space"); /* not a slug: given up, never sent */
    run(f);
    assert_int_equal(f->net.requests, 0);
    assert_int_equal(sync_stat(f).failures, 1);
    assert_true(herald_idle(&f->agent));
    f->cfg.templates = NULL;
    reconfigure(f); /* no cache, no sync */
    herald_sync_templates(&f->agent, NULL);
    herald_sync_templates(&f->agent, "system-alert");
    assert_true(herald_idle(&f->agent));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cache_miss_fetches_the_template, sync_setup, teardown),
        cmocka_unit_test_setup_teardown(test_template_error_refreshes_the_list_keeping_the_newer, sync_setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_periodic_refresh_and_removed_template, sync_setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_sync_never_blocks_delivery, sync_setup, teardown),
        cmocka_unit_test_setup_teardown(test_refs_that_cannot_be_asked_for, sync_setup, teardown),
    };
    return cmocka_run_group_tests_name("sync", tests, NULL, NULL);
}
