/* SPDX-License-Identifier: Apache-2.0 */
/* Priorities without starvation, alert coalescing, and the rate budget with
 * its X-RateLimit-* correction, against the in-memory transport. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "agent_fixture.h"

#define ALERT 0x80000000u

static herald_notification_t alert(void)
{
    static const herald_var_t v[] = { { "device", "pump-7", 0 }, { "message", "pressure high", 0 } };
    herald_notification_t n = seed;
    n.template_key = "system-alert";
    n.vars = v;
    n.priority = HERALD_PRIO_ALERT;
    return n;
}

static void script_ok(fixture_t *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        f->net.script[f->net.nscript++] = resp(200, "", OK_BODY);
    }
}

static void test_alerts_go_first(void **state)
{
    fixture_t *f = *state;
    herald_notification_t a = alert();
    uint32_t h[5];
    f->cfg.rate_per_min = HERALD_RATE_UNLIMITED;
    reconfigure(f); /* pacing is not under test here */
    script_ok(f, 5);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(herald_notify(&f->agent, &seed, &h[i]), HERALD_OK);
    }
    assert_int_equal(herald_notify(&f->agent, &a, &h[3]), HERALD_OK);
    assert_int_equal(herald_notify(&f->agent, &a, &h[4]), HERALD_OK);
    assert_true(h[3] & ALERT);
    assert_false(h[0] & ALERT);
    run(f);
    assert_int_equal(f->noutcomes, 5);
    assert_int_equal(f->outcomes[0].handle, h[3]);
    assert_int_equal(f->outcomes[1].handle, h[4]);
    assert_int_equal(f->outcomes[2].handle, h[0]);
    assert_int_equal(f->outcomes[4].handle, h[2]);
}

static void test_routine_is_not_starved_by_alerts(void **state)
{
    fixture_t *f = *state;
    herald_notification_t a = alert();
    static const char expect[] = "AAAARAAAARAA";
    char got[16] = { 0 };
    f->cfg.rate_per_min = HERALD_RATE_UNLIMITED;
    reconfigure(f);
    script_ok(f, 12);
    herald_notify(&f->agent, &seed, NULL);
    herald_notify(&f->agent, &seed, NULL);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(herald_notify(&f->agent, &a, NULL), HERALD_OK);
    }
    run(f);
    assert_int_equal(f->noutcomes, 12);
    for (size_t i = 0; i < 12; i++) {
        got[i] = (f->outcomes[i].handle & ALERT) ? 'A' : 'R';
    }
    assert_string_equal(got, expect);
}

static void test_attempts_survive_the_other_queues_turn(void **state)
{
    fixture_t *f = *state;
    herald_notification_t a = alert();
    f->cfg.rate_per_min = HERALD_RATE_UNLIMITED;
    reconfigure(f);
    f->net.connect_result = HERALD_E_NET; /* the uplink is down */
    herald_notify(&f->agent, &seed, NULL);
    for (int i = 0; i < 3; i++) { /* three failed attempts of the routine one */
        herald_poll(&f->agent, f->now);
        f->now += 10000; /* past any backoff (cap 1 s) */
    }
    {
        herald_head_t head;
        herald_head(&f->agent, &head);
        assert_int_equal(head.attempts, 3);
    }
    herald_notify(&f->agent, &a, NULL); /* an alert takes its turn */
    herald_poll(&f->agent, f->now);
    f->now += 10000;
    f->net.connect_result = 1;
    f->net.script[0] = resp(200, "", OK_BODY);
    f->net.script[1] = resp(200, "", OK_BODY);
    f->net.nscript = 2;
    run(f);
    assert_int_equal(f->noutcomes, 2);
    assert_true(f->outcomes[0].handle & ALERT);
    assert_false(f->outcomes[1].handle & ALERT);
    assert_int_equal(f->outcomes[1].attempts, 4); /* its count went on, it did not restart */
}

static void test_flapping_alert_is_coalesced(void **state)
{
    fixture_t *f = *state;
    herald_notification_t a = alert(), other = alert(), retitled = alert();
    static const herald_var_t v2[] = { { "device", "pump-8", 0 }, { "message", "pressure high", 0 } };
    uint32_t first = 0, h = 0;
    f->cfg.coalesce_window_ms = 1000;
    reconfigure(f);
    other.vars = v2;
    retitled.title = "another title";
    script_ok(f, 3);
    assert_int_equal(herald_notify(&f->agent, &a, &first), HERALD_OK);
    for (int i = 0; i < 200; i++) { /* a sensor flapping */
        assert_int_equal(herald_notify(&f->agent, i % 2 ? &a : &retitled, &h), HERALD_E_COALESCED);
        assert_int_equal(h, first);
    }
    assert_int_equal(herald_notify(&f->agent, &other, NULL), HERALD_OK); /* different variables */
    assert_int_equal(herald_counters(&f->agent)->coalesced, 200);
    f->now += 999;
    run(f);
    assert_int_equal(herald_notify(&f->agent, &a, NULL), HERALD_E_COALESCED);
    f->now += 1;
    run(f);
    assert_int_equal(herald_notify(&f->agent, &a, NULL), HERALD_OK); /* the window has passed */
    run(f);
    assert_int_equal(f->net.requests, 3);
}

/* Alerts that differ only in their push data (where a tap takes the user)
 * are different notifications; the same push data again is coalesced. */
static void test_push_data_takes_part_in_coalescing(void **state)
{
    fixture_t *f = *state;
    static const herald_var_t link1[] = { { "deepLink", "app://pumps/7", 0 } };
    static const herald_var_t link2[] = { { "deepLink", "app://pumps/8", 0 } };
    /* A variable moved into push data is not the same notification either. */
    static const herald_var_t one_var[] = { { "device", "pump-7", 0 } };
    static const herald_var_t as_push[] = { { "message", "pressure high", 0 } };
    herald_notification_t a = alert(), b = alert(), c = alert(), split = alert();
    f->cfg.coalesce_window_ms = 1000;
    reconfigure(f);
    a.push_data = link1;
    a.npush_data = 1;
    b.push_data = link2;
    b.npush_data = 1;
    split.vars = one_var;
    split.nvars = 1;
    split.push_data = as_push;
    split.npush_data = 1;
    assert_int_equal(herald_notify(&f->agent, &c, NULL), HERALD_OK); /* none */
    assert_int_equal(herald_notify(&f->agent, &a, NULL), HERALD_OK);
    assert_int_equal(herald_notify(&f->agent, &b, NULL), HERALD_OK);
    assert_int_equal(herald_notify(&f->agent, &split, NULL), HERALD_OK);
    assert_int_equal(herald_notify(&f->agent, &a, NULL), HERALD_E_COALESCED);
    assert_int_equal(herald_notify(&f->agent, &c, NULL), HERALD_E_COALESCED);
    assert_int_equal(herald_counters(&f->agent)->coalesced, 2);
    assert_int_equal(herald_counters(&f->agent)->queued, 4);
}

static void test_coalescing_is_off_by_default(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(herald_notify(&f->agent, &seed, NULL), HERALD_OK);
    assert_int_equal(herald_notify(&f->agent, &seed, NULL), HERALD_OK);
    assert_int_equal(herald_counters(&f->agent)->coalesced, 0);
}

static void test_rate_budget_paces_sends(void **state)
{
    fixture_t *f = *state;
    f->cfg.rate_per_min = 60; /* one a second, bursts of two */
    f->cfg.rate_burst = 2;
    reconfigure(f);
    script_ok(f, 4);
    for (int i = 0; i < 4; i++) {
        herald_notify(&f->agent, &seed, NULL);
    }
    assert_int_equal(run(f), 1000);
    assert_int_equal(f->net.requests, 2);
    f->now += 1000;
    assert_int_equal(run(f), 1000);
    assert_int_equal(f->net.requests, 3);
    f->now += 1000;
    run(f);
    assert_int_equal(f->net.requests, 4);
    assert_int_equal(herald_counters(&f->agent)->retried, 0);
}

static void test_ratelimit_headers_hold_sending_until_reset(void **state)
{
    fixture_t *f = *state;
    char hdr[128];
    snprintf(hdr, sizeof hdr,
             "X-RateLimit-Limit: 500\r\nX-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: %lld\r\n",
             (long long)f->wall + 5);
    f->net.script[0] = resp(200, hdr, OK_BODY);
    f->net.nscript = 1;
    script_ok(f, 1);
    herald_notify(&f->agent, &seed, NULL);
    herald_notify(&f->agent, &seed, NULL);
    assert_int_equal(run(f), 5000); /* the platform has no budget left for 5 s */
    assert_int_equal(f->net.requests, 1);
    f->now += 5000;
    f->wall += 5;
    run(f);
    assert_int_equal(f->net.requests, 2);
    assert_int_equal(f->noutcomes, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_alerts_go_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routine_is_not_starved_by_alerts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attempts_survive_the_other_queues_turn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flapping_alert_is_coalesced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_push_data_takes_part_in_coalescing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coalescing_is_off_by_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_budget_paces_sends, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ratelimit_headers_hold_sending_until_reset, setup, teardown),
    };
    return cmocka_run_group_tests_name("agent_features", tests, NULL, NULL);
}
