/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP exchange on its own, over the in-memory transport: one request
 * in progress, done with a response, or failed with a status; the body
 * pulled in pieces; keep-alive and a stale connection; both timeouts.  And
 * the backoff unit it leaves to the agent. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "herald/herald.h"
#include "mock_net.h"
#include "firmware/src/exchange.h"
#include "firmware/src/backoff.h"

typedef struct {
    mock_net_t net;
    herald_net_t transport;
    herald_exchange_t x;
    char body[3000];
    int fail_at; /* the body source fails from this offset (-1: never) */
} hx_fixture_t;

static hx_fixture_t f;

static herald_status_t body_source(void *ctx, size_t off, char *buf, size_t n)
{
    hx_fixture_t *h = ctx;
    if (h->fail_at >= 0 && off + n > (size_t)h->fail_at) {
        return HERALD_E_FLASH;
    }
    memcpy(buf, h->body + off, n);
    return HERALD_OK;
}

static int setup_hx(void **state)
{
    (void)state;
    memset(&f, 0, sizeof f);
    mock_net_init(&f.net, &f.transport);
    herald_hx_init(&f.x, &f.transport, 1000u, 5000u);
    assert_int_equal(herald_hx_set_endpoint(&f.x, "https://127.0.0.1:8443", NULL, "app1", "key1"), HERALD_OK);
    memset(f.body, 'b', sizeof f.body);
    f.fail_at = -1;
    return 0;
}

/* Poll until the exchange is done or failed (or waits); bounded. */
static herald_hx_event_t finish(uint64_t now)
{
    herald_hx_event_t ev = HERALD_HX_MORE;
    for (int i = 0; i < 10000 && ev == HERALD_HX_MORE; i++) {
        ev = herald_hx_poll(&f.x, now);
    }
    return ev;
}

static void test_post_streams_the_body_and_reads_the_answer(void **state)
{
    static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
    (void)state;
    f.net.script[0] = answer;
    f.net.nscript = 1;
    assert_true(herald_hx_post(&f.x, 0, "/send", sizeof f.body, body_source, &f));
    assert_true(herald_hx_busy(&f.x));
    assert_int_equal(herald_hx_wants(&f.x), HERALD_WANT_READ | HERALD_WANT_WRITE);
    assert_int_equal(finish(0), HERALD_HX_DONE);
    assert_false(herald_hx_busy(&f.x));
    assert_int_equal(herald_hx_wants(&f.x), 0u);
    assert_int_equal(herald_hx_response(&f.x)->status, 200);
    assert_int_equal(herald_hx_response(&f.x)->body_len, 2);
    /* the head, then every body byte, in order */
    f.net.sent[f.net.sent_len] = '\0';
    assert_memory_equal(f.net.sent, "POST /send HTTP/1.1\r\nHost: 127.0.0.1:8443\r\n", 43);
    assert_non_null(strstr(f.net.sent, "\r\nContent-Length: 3000\r\n\r\n"));
    assert_int_equal(strlen(strstr(f.net.sent, "\r\n\r\n") + 4), sizeof f.body);
    assert_int_equal(f.x.stats.requests, 1);
    assert_int_equal(f.x.stats.connects, 1);
    assert_int_equal(f.x.stats.bytes_sent, f.net.sent_len);
    assert_int_equal(f.x.stats.bytes_received, sizeof answer - 1);
}

static void test_keep_alive_reuses_and_reports_a_stale_connection(void **state)
{
    static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    (void)state;
    f.net.script[0] = answer;
    f.net.script[1] = MOCK_CLOSE;
    f.net.nscript = 2;
    assert_true(herald_hx_get(&f.x, 0, "/t", "?page=1"));
    assert_int_equal(finish(0), HERALD_HX_DONE);
    assert_true(herald_hx_get(&f.x, 0, "/t", "?page=2"));
    assert_true(f.x.reused);
    assert_int_equal(finish(0), HERALD_HX_FAILED);
    assert_true(herald_hx_stale(&f.x)); /* closed before any answer on a reused connection */
    assert_int_equal(herald_hx_response(&f.x)->status, 0);
    assert_int_equal(f.net.connects, 1);
}

static void test_a_failed_body_read_fails_the_request(void **state)
{
    (void)state;
    f.fail_at = 1000;
    assert_true(herald_hx_post(&f.x, 0, "/send", sizeof f.body, body_source, &f));
    assert_int_equal(finish(0), HERALD_HX_FAILED);
    assert_int_equal(f.x.error, HERALD_E_FLASH);
    assert_true(f.x.body_failed);
    assert_false(herald_hx_stale(&f.x));
    assert_false(f.x.connected); /* a head with half a body went out: the stream is closed */
}

static void test_step_and_whole_request_timeouts(void **state)
{
    (void)state;
    f.net.script[0] = MOCK_SILENT;
    f.net.nscript = 1;
    assert_true(herald_hx_get(&f.x, 0, "/t", ""));
    assert_int_equal(finish(0), HERALD_HX_WAIT);
    assert_int_equal(finish(999), HERALD_HX_WAIT);
    assert_int_equal(finish(1000), HERALD_HX_FAILED); /* the step's 1 s */
    assert_int_equal(f.x.error, HERALD_E_TIMEOUT);
    f.net.script[1] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    f.net.nscript = 2;
    f.net.drip = 1; /* one byte per poll: each step makes progress */
    assert_true(herald_hx_get(&f.x, 2000, "/t", ""));
    herald_hx_event_t ev = HERALD_HX_MORE;
    uint64_t now = 2000;
    for (int i = 0; i < 100 && ev != HERALD_HX_FAILED && ev != HERALD_HX_DONE; i++) {
        now += 500; /* within each step's timeout, never within the whole one */
        ev = finish(now);
    }
    assert_int_equal(ev, HERALD_HX_FAILED);
    assert_int_equal(f.x.error, HERALD_E_TIMEOUT);
    assert_true(now >= 2000 + 5000);
}

static void test_endpoint_change_is_checked_and_refused_while_busy(void **state)
{
    char longkey[HERALD_TX_HEAD_MAX];
    (void)state;
    memset(longkey, 'k', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = '\0';
    assert_int_equal(herald_hx_set_endpoint(&f.x, NULL, "eu", "app2", "key2"), HERALD_OK);
    assert_string_equal(f.x.ep.host, "app2.api-eu.cometchat.io");
    assert_int_equal(herald_hx_set_endpoint(&f.x, NULL, "eu", "app2", longkey), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_hx_set_endpoint(&f.x, NULL, "eu", "app 2", "key2"), HERALD_E_INVALID_ARG);
    assert_string_equal(f.x.ep.api_key, "key2"); /* the refused ones changed nothing */
    f.net.script[0] = MOCK_SILENT;
    f.net.nscript = 1;
    assert_true(herald_hx_get(&f.x, 0, "/t", ""));
    assert_int_equal(herald_hx_set_endpoint(&f.x, NULL, "us", "app3", "key3"), HERALD_E_BUSY);
    herald_hx_close(&f.x);
    assert_false(herald_hx_busy(&f.x));
    assert_int_equal(herald_hx_set_endpoint(&f.x, NULL, "us", "app3", "key3"), HERALD_OK);
}

static void test_backoff_doubles_to_its_cap_with_the_random_value_passed_in(void **state)
{
    herald_backoff_t b;
    uint32_t big = 0xFFFFFFFFu, seven = 7u;
    (void)state;
    herald_backoff_reset(&b);
    herald_backoff_failed(&b);
    assert_int_equal(herald_backoff_wait(&b, 100u, 1000u, NULL), 100u);
    herald_backoff_failed(&b);
    assert_int_equal(herald_backoff_wait(&b, 100u, 1000u, NULL), 200u);
    herald_backoff_failed(&b);
    assert_int_equal(herald_backoff_wait(&b, 100u, 1000u, NULL), 400u);
    assert_int_equal(herald_backoff_wait(&b, 100u, 1000u, &big), 0xFFFFFFFFu % 401u); /* full jitter */
    assert_int_equal(herald_backoff_wait(&b, 100u, 1000u, &seven), 7u);
    for (int i = 0; i < 40; i++) {
        herald_backoff_failed(&b);
    }
    assert_int_equal(herald_backoff_wait(&b, 100u, 1000u, NULL), 1000u);
    assert_int_equal(b.attempts, 43u);
    herald_backoff_reset(&b);
    assert_int_equal(b.attempts, 0u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_post_streams_the_body_and_reads_the_answer, setup_hx),
        cmocka_unit_test_setup(test_keep_alive_reuses_and_reports_a_stale_connection, setup_hx),
        cmocka_unit_test_setup(test_a_failed_body_read_fails_the_request, setup_hx),
        cmocka_unit_test_setup(test_step_and_whole_request_timeouts, setup_hx),
        cmocka_unit_test_setup(test_endpoint_change_is_checked_and_refused_while_busy, setup_hx),
        cmocka_unit_test(test_backoff_doubles_to_its_cap_with_the_random_value_passed_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
