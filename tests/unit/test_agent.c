/* SPDX-License-Identifier: Apache-2.0 */
/* The agent loop against an in-memory transport: exact request bytes,
 * keep-alive, retry classes, backoff, Retry-After, auth pause, timeouts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "herald/herald.h"
#include "agent_fixture.h"
#include "firmware/src/exchange.h"   /* the endpoint, under test here */
#include "firmware/src/agent_priv.h" /* the storage check */

static void test_seed_request_bytes_and_answer(void **state)
{
    fixture_t *f = *state;
    char expect[1024];
    uint32_t h = 0;
    f->net.script[0] = resp(200, "Content-Type: application/json\r\n", OK_BODY);
    f->net.nscript = 1;
    f->net.max_send = 37; /* partial sends must be resumed exactly */
    assert_int_equal(herald_notify(&f->agent, &seed, &h), HERALD_OK);
    assert_int_equal(f->net.connects, 0); /* notify never touches the network */
    assert_int_equal(run(f), 0xFFFFFFFFu);
    snprintf(expect, sizeof expect,
             "POST /v3/business-messaging/api/notifications/send HTTP/1.1\r\n"
             "Host: 127.0.0.1:8443\r\nappid: app1\r\napikey: key-secret\r\n"
             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
             strlen(SEED_BODY), SEED_BODY);
    f->net.sent[f->net.sent_len] = '\0';
    assert_string_equal(f->net.sent, expect);
    assert_int_equal(f->noutcomes, 1);
    assert_int_equal(f->outcomes[0].status, HERALD_OK);
    assert_int_equal(f->outcomes[0].handle, h);
    assert_string_equal(f->results[0].notification_id, "notif_abc123");
    assert_int_equal(f->results[0].nchannels, 2);
    assert_true(herald_idle(&f->agent));
    assert_int_equal(herald_counters(&f->agent)->sent, 1);
}

static void test_keep_alive_reuses_one_connection(void **state)
{
    fixture_t *f = *state;
    for (int i = 0; i < 5; i++) {
        f->net.script[i] = resp(200, "", OK_BODY);
        assert_int_equal(herald_notify(&f->agent, &seed, NULL), HERALD_OK);
    }
    f->net.nscript = 5;
    run(f);
    assert_int_equal(f->noutcomes, 5);
    assert_int_equal(f->net.connects, 1);
    assert_int_equal(f->net.requests, 5);
}

static void test_server_error_retried_with_jittered_backoff(void **state)
{
    fixture_t *f = *state;
    uint32_t wait;
    f->net.script[0] = resp(500, "", "{\"error\":{\"code\":\"ERR_INTERNAL\",\"message\":\"boom\"}}");
    f->net.script[1] = resp(502, "", "");
    f->net.script[2] = resp(200, "", OK_BODY);
    f->net.nscript = 3;
    f->rng_value = 1000u; /* 1000 % (100+1) = 91; then 1000 % (200+1) = 196 */
    herald_notify(&f->agent, &seed, NULL);
    wait = run(f);
    assert_int_equal(wait, 91);
    assert_int_equal(f->noutcomes, 0);
    f->now += 91;
    wait = run(f);
    assert_int_equal(wait, 196);
    f->now += 196;
    run(f);
    assert_int_equal(f->noutcomes, 1);
    assert_int_equal(f->outcomes[0].status, HERALD_OK);
    assert_int_equal(f->outcomes[0].attempts, 3);
    assert_int_equal(herald_counters(&f->agent)->retried, 2);
}

static void test_permanent_error_retired_and_next_goes_on(void **state)
{
    fixture_t *f = *state;
    f->net.script[0] = resp(400, "",
                            "{\"error\":{\"code\":\"ERR_INVALID_VARIABLES\",\"message\":\"bad\","
                            "\"details\":{\"orderId\":\"required\"}}}");
    f->net.script[1] = resp(200, "", OK_BODY);
    f->net.nscript = 2;
    herald_notify(&f->agent, &seed, NULL);
    herald_notify(&f->agent, &seed, NULL);
    assert_int_equal(run(f), 0xFFFFFFFFu);
    assert_int_equal(f->noutcomes, 2);
    assert_int_equal(f->outcomes[0].status, HERALD_E_PLATFORM_INVALID_VARIABLES);
    assert_non_null(f->outcomes[0].error);
    assert_int_equal(f->outcomes[0].attempts, 1);
    assert_int_equal(f->outcomes[1].status, HERALD_OK);
}

static void test_unauthorized_pauses_until_new_credentials(void **state)
{
    fixture_t *f = *state;
    f->net.script[0] = resp(401, "", "{\"error\":{\"code\":\"ERR_UNAUTHORIZED\",\"message\":\"no\"}}");
    f->net.script[1] = resp(200, "", OK_BODY);
    f->net.nscript = 2;
    herald_notify(&f->agent, &seed, NULL);
    assert_int_equal(run(f), 0xFFFFFFFFu);
    assert_int_equal(f->noutcomes, 1);
    assert_int_equal(f->outcomes[0].status, HERALD_E_PLATFORM_UNAUTHORIZED);
    f->now += 3600u * 1000u;
    run(f);
    assert_int_equal(f->net.requests, 1); /* held, not retried */
    assert_false(herald_idle(&f->agent));
    assert_int_equal(herald_set_credentials(&f->agent, "app1", "new\r\nkey"), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_set_credentials(&f->agent, "app1", "key-2"), HERALD_OK);
    run(f);
    assert_int_equal(f->noutcomes, 2);
    assert_int_equal(f->outcomes[1].status, HERALD_OK);
    assert_int_equal(f->outcomes[1].attempts, 1); /* the 401 burned no attempt */
    assert_non_null(strstr(f->net.sent + f->net.sent_len - 400, "apikey: key-2\r\n"));
}

static void test_retry_after_is_honoured(void **state)
{
    fixture_t *f = *state;
    f->net.script[0] = resp(429, "Retry-After: 7\r\n", "{\"error\":{\"code\":\"ERR_TOO_MANY_REQUESTS\"}}");
    f->net.script[1] = resp(200, "", OK_BODY);
    f->net.nscript = 2;
    herald_notify(&f->agent, &seed, NULL);
    assert_int_equal(run(f), 7000);
    f->now += 6999;
    run(f);
    assert_int_equal(f->net.requests, 1);
    f->now += 1;
    run(f);
    assert_int_equal(f->noutcomes, 1);
    assert_int_equal(f->outcomes[0].status, HERALD_OK);
}

static void test_stale_keep_alive_resent_on_fresh_connection(void **state)
{
    fixture_t *f = *state;
    f->net.script[0] = resp(200, "", OK_BODY);
    f->net.script[1] = MOCK_CLOSE; /* the server had closed the idle connection */
    f->net.script[2] = resp(200, "", OK_BODY);
    f->net.nscript = 3;
    herald_notify(&f->agent, &seed, NULL);
    run(f);
    herald_notify(&f->agent, &seed, NULL);
    run(f);
    assert_int_equal(f->noutcomes, 2);
    assert_int_equal(f->outcomes[1].status, HERALD_OK);
    assert_int_equal(f->outcomes[1].attempts, 1);
    assert_int_equal(f->net.connects, 2);
}

static void test_silent_server_times_out_and_retries(void **state)
{
    fixture_t *f = *state;
    f->net.script[0] = MOCK_SILENT;
    f->net.script[1] = resp(200, "", OK_BODY);
    f->net.nscript = 2;
    f->rng_value = 0;
    herald_notify(&f->agent, &seed, NULL);
    assert_int_equal(run(f), 0);
    f->now += 999;
    assert_int_equal(run(f), 0);
    f->now += 1;
    run(f); /* timed out, retried at once (jitter 0) on a new connection */
    assert_int_equal(herald_last_status(&f->agent), HERALD_OK);
    assert_int_equal(f->noutcomes, 1);
    assert_int_equal(f->net.connects, 2);
}

static void test_a_dripping_answer_cannot_hold_a_request_forever(void **state)
{
    fixture_t *f = *state;
    f->cfg.request_max_ms = 5000;
    reconfigure(f);
    f->net.script[0] = resp(200, "", OK_BODY);
    f->net.script[1] = resp(200, "", OK_BODY);
    f->net.nscript = 2;
    f->net.drip = 1;
    f->rng_value = 0;
    herald_notify(&f->agent, &seed, NULL);
    for (int i = 0; i < 100; i++) { /* a byte every 900 ms: under the 1 s step timeout */
        herald_poll(&f->agent, f->now);
        f->now += 900;
    }
    assert_int_equal(herald_last_status(&f->agent), HERALD_E_TIMEOUT);
    assert_int_equal(f->noutcomes, 0);
}

static void test_connect_failure_is_transient(void **state)
{
    fixture_t *f = *state;
    f->net.connect_result = HERALD_E_TLS_VERIFY;
    f->rng_value = 50;
    herald_notify(&f->agent, &seed, NULL);
    assert_int_equal(run(f), 50);
    assert_int_equal(herald_last_status(&f->agent), HERALD_E_TLS_VERIFY);
    assert_int_equal(f->noutcomes, 0);
}

static void test_local_refusal_never_queues(void **state)
{
    fixture_t *f = *state;
    static const char *const two[] = { "a", "b" };
    herald_notification_t n = seed;
    n.targets = two;
    n.ntargets = 2;
    assert_int_equal(herald_notify(&f->agent, &n, NULL), HERALD_E_TARGET_LIMIT);
    assert_true(herald_idle(&f->agent));
    assert_int_equal(herald_counters(&f->agent)->refused_local, 1);
}

static void test_expiry_while_queued_is_reported_and_retired(void **state)
{
    fixture_t *f = *state;
    herald_notification_t n = seed;
    f->net.script[0] = resp(503, "Retry-After: 60\r\n", "");
    f->net.script[1] = resp(200, "", OK_BODY);
    f->net.nscript = 2;
    n.expires_at = (uint32_t)f->wall - 1u;
    assert_int_equal(herald_notify(&f->agent, &n, NULL), HERALD_E_EXPIRED);
    n.expires_at = (uint32_t)f->wall + 30u;
    assert_int_equal(herald_notify(&f->agent, &n, NULL), HERALD_OK);
    assert_int_equal(herald_notify(&f->agent, &seed, NULL), HERALD_OK); /* queued behind it, no expiry */
    assert_int_equal(run(f), 60000);                                    /* 503 + Retry-After: 60 */
    f->now += 60000;
    f->wall += 60;
    run(f);
    assert_int_equal(f->noutcomes, 2);
    assert_int_equal(f->outcomes[0].status, HERALD_E_EXPIRED);
    assert_int_equal(f->outcomes[1].status, HERALD_OK);
    assert_int_equal(f->net.requests, 2); /* the expired one was never sent again */
    assert_int_equal(herald_counters(&f->agent)->expired, 1);
}

static void test_expiry_needs_a_wall_clock(void **state)
{
    fixture_t *f = *state;
    herald_notification_t n = seed;
    f->cfg.clock = NULL;
    reconfigure(f);
    n.expires_at = 1u;
    assert_int_equal(herald_notify(&f->agent, &n, NULL), HERALD_E_NOT_SUPPORTED);
}

static void test_full_queue_refuses_or_drops_oldest(void **state)
{
    fixture_t *f = *state;
    uint32_t first = 0, h = 0;
    size_t accepted = 0;
    herald_status_t st = HERALD_OK;
    while ((st = herald_notify(&f->agent, &seed, accepted == 0 ? &first : &h)) == HERALD_OK) {
        accepted++;
    }
    assert_int_equal(st, HERALD_E_QUEUE_FULL);
    assert_true(accepted > 10);
    assert_int_equal(herald_counters(&f->agent)->dropped, 1);
    assert_int_equal(f->noutcomes, 0); /* refused: the caller was told, nothing dropped */
    f->cfg.full_policy = HERALD_FULL_DROP_OLDEST;
    reconfigure(f); /* a fresh agent over the same full queue: its counters start at 0 */
    assert_int_equal(herald_notify(&f->agent, &seed, &h), HERALD_OK);
    assert_int_equal(f->noutcomes, 1);
    assert_int_equal(f->outcomes[0].status, HERALD_E_QUEUE_FULL);
    assert_int_equal(f->outcomes[0].handle, first);
    assert_int_equal(herald_counters(&f->agent)->dropped, 1); /* the one dropped now */
    assert_int_equal(f->queue.count(f->queue.ctx), accepted);
}

/* The Host header names the endpoint as HTTP/1.1 wants it: brackets around
 * an IPv6 literal, no port when it is 443. */
static void host_header_of(const char *region, const char *base_url, const char *want)
{
    herald_agent_t *a = calloc(1, sizeof *a);
    herald_config_t cfg;
    fixture_t *f = fx;
    memset(&cfg, 0, sizeof cfg);
    cfg.app_id = "myapp";
    cfg.api_key = "k";
    cfg.region = region;
    cfg.base_url = base_url;
    cfg.transport = &f->transport;
    cfg.queue = &f->queue;
    assert_int_equal(herald_init(a, &cfg), HERALD_OK);
    assert_int_equal(herald_notify(a, &seed, NULL), HERALD_OK);
    herald_poll(a, 0);
    f->net.sent[f->net.sent_len < sizeof f->net.sent ? f->net.sent_len : sizeof f->net.sent - 1] = '\0';
    assert_non_null(strstr(f->net.sent, want));
    herald_close(a);
    free(a);
}

static void test_host_header(void **state)
{
    (void)state;
    host_header_of("eu", NULL, "\r\nHost: myapp.api-eu.cometchat.io\r\n");
    host_header_of(NULL, "https://[::1]:9443", "\r\nHost: [::1]:9443\r\n");
}

static void test_init_endpoints(void **state)
{
    herald_agent_t *a = calloc(1, sizeof *a);
    herald_endpoint_t ep;
    herald_config_t cfg;
    fixture_t *f = *state;
    static const char *bad[] = { "http://x", "https://", "https://h:0", "https://h:65536", "https://h/path",
                                 "https://h:12x", "ftp://h",
                                 /* numbers the resolver reads as 127.0.0.1 but TLS as names */
                                 "https://127.1", "https://0x7f.1", "https://2130706433",
                                 "https://0177.0.0.1", "https://127.0.0.01", "https://127.0.0.1.",
                                 "https://256.0.0.1", "https://1.2.3.4.5", "https://[fe80::1%25lo]",
                                 "https://[example.com]", "https://[127.0.0.1]", "https://fe80%lo" };
    static const char *good[] = { "https://127.0.0.1:8443",     "https://10.0.2.2",
                                  "https://[::ffff:127.0.0.1]", "https://1password.example",
                                  "https://cafe.beef",          "https://a-1.b2.example" };
    memset(&cfg, 0, sizeof cfg);
    cfg.app_id = "myapp";
    cfg.api_key = "k";
    cfg.region = "eu";
    cfg.transport = &f->transport;
    cfg.queue = &f->queue;
    assert_int_equal(herald_init(a, &cfg), HERALD_OK);
    assert_int_equal(herald_endpoint_set(&ep, NULL, "eu", "myapp", "k"), HERALD_OK);
    assert_string_equal(ep.host, "myapp.api-eu.cometchat.io");
    assert_int_equal(ep.port, 443);
    cfg.region = "mars";
    assert_int_equal(herald_init(a, &cfg), HERALD_E_INVALID_ARG);
    cfg.base_url = "HTTPS://[::1]:9443/";
    assert_int_equal(herald_init(a, &cfg), HERALD_OK);
    assert_int_equal(herald_endpoint_set(&ep, "HTTPS://[::1]:9443/", "mars", "myapp", "k"), HERALD_OK);
    assert_string_equal(ep.host, "::1");
    assert_int_equal(ep.port, 9443);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cfg.base_url = bad[i];
        print_message("%s\n", bad[i]);
        assert_int_equal(herald_init(a, &cfg), HERALD_E_URL_INVALID);
    }
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        cfg.base_url = good[i];
        print_message("%s\n", good[i]);
        assert_int_equal(herald_init(a, &cfg), HERALD_OK);
    }
    cfg.base_url = NULL;
    cfg.region = "us";
    cfg.app_id = "my app";
    assert_int_equal(herald_init(a, &cfg), HERALD_E_INVALID_ARG);
    free(a);
}

/* Records a queue lost to damage of its medium reach herald_counters(). */
static uint32_t two_damaged(void *ctx)
{
    (void)ctx;
    return 2u;
}

static uint32_t one_damaged(void *ctx)
{
    (void)ctx;
    return 1u;
}

static void test_queue_damage_is_counted(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(herald_counters(&f->agent)->damaged, 0u);
    f->queue.damaged = two_damaged;
    f->alert_queue.damaged = one_damaged;
    (void)run(f);
    assert_int_equal(herald_counters(&f->agent)->damaged, 3u);
}

/* The opaque storage holds the private state and is aligned for it. */
static void test_agent_storage_fits_and_is_aligned(void **state)
{
    (void)state;
    assert_true(sizeof(herald_agent_priv_t) <= sizeof(herald_agent_t));
    assert_true(sizeof(herald_agent_t) - sizeof(herald_agent_priv_t) <= 256u);
    assert_true(_Alignof(herald_agent_priv_t) <= _Alignof(herald_agent_t));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agent_storage_fits_and_is_aligned),
        cmocka_unit_test_setup_teardown(test_seed_request_bytes_and_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_damage_is_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keep_alive_reuses_one_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_error_retried_with_jittered_backoff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_permanent_error_retired_and_next_goes_on, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unauthorized_pauses_until_new_credentials, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retry_after_is_honoured, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_keep_alive_resent_on_fresh_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_silent_server_times_out_and_retries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connect_failure_is_transient, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_dripping_answer_cannot_hold_a_request_forever, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_local_refusal_never_queues, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expiry_while_queued_is_reported_and_retired, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expiry_needs_a_wall_clock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_queue_refuses_or_drops_oldest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_endpoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_host_header, setup, teardown),
    };
    return cmocka_run_group_tests_name("agent", tests, NULL, NULL);
}
