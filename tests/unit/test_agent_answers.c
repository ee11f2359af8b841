/* SPDX-License-Identifier: Apache-2.0 */
/* Once the status line says 2xx the platform has the notification: however
 * unreadable the rest of the answer, it is retired after one POST and
 * reported as HERALD_E_ACCEPTED_UNREADABLE with the real cause.  And a head
 * that keeps failing moves behind the others (unless order is strict). */
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

static char big[16384];

/* A 200 whose head is about head_bytes long (over the 1 KB reader buffer). */
static const char *big_head(size_t head_bytes)
{
    int n = snprintf(big, sizeof big, "HTTP/1.1 200 OK\r\nX-Filler: ");
    memset(big + n, 'h', head_bytes);
    snprintf(big + n + head_bytes, sizeof big - (size_t)n - head_bytes, "\r\nContent-Length: %zu\r\n\r\n%s",
             strlen(OK_BODY), OK_BODY);
    return big;
}

/* A 200 whose body is body_bytes long (over the 8 KB native body buffer). */
static const char *big_body(size_t body_bytes)
{
    int n = snprintf(big, sizeof big,
                     "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n{\"notificationId\":\"n1\",\"p\":\"",
                     body_bytes);
    memset(big + n, 'x', body_bytes);
    big[(size_t)n + body_bytes] = '\0';
    return big;
}

/* Send one notification whose answer is wire, then a second answered 200:
 * the first must be retired after its one POST, the second delivered. */
static void one_post_then_next(fixture_t *f, const char *wire, herald_status_t detail)
{
    uint32_t h1 = 0, h2 = 0;
    f->net.script[0] = wire;
    f->net.script[1] = resp(200, "", OK_BODY);
    f->net.nscript = 2;
    assert_int_equal(herald_notify(&f->agent, &seed, &h1), HERALD_OK);
    assert_int_equal(herald_notify(&f->agent, &seed, &h2), HERALD_OK);
    for (int i = 0; i < 20 && f->noutcomes < 2u; i++) {
        run(f);
        f->now += 60000u; /* any retry would be due */
    }
    assert_int_equal(f->net.requests, 2); /* one POST each: nothing sent twice */
    assert_int_equal(f->noutcomes, 2);
    assert_int_equal(f->outcomes[0].handle, h1);
    assert_int_equal(f->outcomes[0].status, HERALD_E_ACCEPTED_UNREADABLE);
    assert_int_equal(f->outcomes[0].detail, detail);
    assert_int_equal(f->outcomes[0].attempts, 1);
    assert_non_null(f->outcomes[0].result);
    assert_int_equal(f->outcomes[1].handle, h2);
    assert_int_equal(f->outcomes[1].status, HERALD_OK);
    assert_int_equal(f->outcomes[1].detail, HERALD_OK);
    assert_int_equal(herald_counters(&f->agent)->sent, 2);
    assert_int_equal(herald_counters(&f->agent)->unreadable, 1);
    assert_int_equal(herald_counters(&f->agent)->retried, 0);
    assert_true(herald_idle(&f->agent));
}

static void test_oversize_head_on_a_2xx_is_accepted(void **state)
{
    fixture_t *f = *state;
    one_post_then_next(f, big_head(1400), HERALD_E_HTTP_HEADER_TOO_LARGE);
    assert_int_equal(f->net.connects, 2); /* the framing was lost: a new connection */
}

static void test_oversize_body_on_a_2xx_is_accepted(void **state)
{
    fixture_t *f = *state;
    one_post_then_next(f, big_body(9000), HERALD_E_HTTP_BODY_TOO_LARGE);
    assert_int_equal(f->net.connects, 2);
}

static void test_204_and_unreadable_ids_are_accepted(void **state)
{
    fixture_t *f = *state;
    one_post_then_next(f, "HTTP/1.1 204 No Content\r\n\r\n", HERALD_E_RESPONSE_INVALID);
    assert_int_equal(f->net.connects, 1); /* the framing held: the connection is kept */
}

static void test_numeric_id_keeps_what_was_read(void **state)
{
    fixture_t *f = *state;
    one_post_then_next(f, resp(200, "", "{\"notificationId\":12345,\"title\":\"Order Confirmed\"}"),
                       HERALD_E_RESPONSE_INVALID);
    assert_string_equal(f->results[0].notification_id, "");
    assert_string_equal(f->results[0].title, "Order Confirmed");
}

static void test_2xx_cut_short_is_accepted(void **state)
{
    fixture_t *f = *state;
    one_post_then_next(f, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 80\r\n\r\n{\"notif",
                       HERALD_E_NET_CLOSED);
}

static void test_obs_fold_answer_is_read(void **state)
{
    fixture_t *f = *state;
    f->net.script[0] = resp(200, "X-Note: one\r\n two\r\n", OK_BODY);
    f->net.nscript = 1;
    herald_notify(&f->agent, &seed, NULL);
    run(f);
    assert_int_equal(f->noutcomes, 1);
    assert_int_equal(f->outcomes[0].status, HERALD_OK);
    assert_int_equal(f->net.requests, 1);
}

static void test_oversize_head_on_a_5xx_is_still_retried(void **state)
{
    fixture_t *f = *state;
    /* Not a 2xx: the platform did not take it, so it is sent again. */
    memcpy(big, "HTTP/1.1 503", 12);
    big_head(1400);
    memcpy(big, "HTTP/1.1 503", 12);
    f->net.script[0] = big;
    f->net.script[1] = resp(200, "", OK_BODY);
    f->net.nscript = 2;
    herald_notify(&f->agent, &seed, NULL);
    run(f);
    f->now += 60000u;
    run(f);
    assert_int_equal(f->noutcomes, 1);
    assert_int_equal(f->outcomes[0].status, HERALD_OK);
    assert_int_equal(f->outcomes[0].attempts, 2);
    assert_int_equal(herald_counters(&f->agent)->unreadable, 0);
}

static uint32_t rotated_handle, rotated_seq;
static int rotations;

static void on_rotate(void *ctx, uint32_t handle, uint32_t seq)
{
    (void)ctx;
    rotated_handle = handle;
    rotated_seq = seq;
    rotations++;
}

/* Three queued; the first is answered 500 `fails` times, everything else 200;
 * runs until `outcomes` were reported. */
static void failing_head(fixture_t *f, int fails, uint32_t h[3], size_t outcomes)
{
    size_t i;
    for (i = 0; i < (size_t)fails; i++) {
        f->net.script[i] = resp(500, "", "{\"error\":{\"code\":\"ERR_INTERNAL\"}}");
    }
    for (; i < (size_t)fails + 4u; i++) { /* one spare, for a copy sent too */
        f->net.script[i] = resp(200, "", OK_BODY);
    }
    f->net.nscript = i;
    f->cfg.on_rotate = on_rotate;
    reconfigure(f);
    rotations = 0;
    for (i = 0; i < 3; i++) {
        assert_int_equal(herald_notify(&f->agent, &seed, &h[i]), HERALD_OK);
    }
    for (i = 0; i < 40 && f->noutcomes < outcomes; i++) {
        run(f);
        f->now += 60000u;
    }
    assert_int_equal(f->noutcomes, outcomes);
}

static void test_failing_head_moves_behind_the_others(void **state)
{
    fixture_t *f = *state;
    uint32_t h[3];
    const herald_counters_t *c = herald_counters(&f->agent);
    failing_head(f, 3, h, 3u); /* HERALD_ROTATE_AFTER failures, then it moves */
    assert_int_equal(f->outcomes[0].handle, h[1]);
    assert_int_equal(f->outcomes[0].attempts, 1);
    assert_int_equal(f->outcomes[1].handle, h[2]);
    /* the moved one: its own handle, its attempts kept */
    assert_int_equal(f->outcomes[2].handle, h[0]);
    assert_int_equal(f->outcomes[2].status, HERALD_OK);
    assert_int_equal(f->outcomes[2].attempts, 4);
    assert_int_equal(rotations, 1);
    assert_int_equal(rotated_handle, h[0]);
    assert_true(rotated_seq > h[2]); /* its copy is the newest record */
    /* a rotation is neither raised nor queued again */
    assert_int_equal(c->raised, 3);
    assert_int_equal(c->queued, 3);
    assert_int_equal(c->rotated, 1);
    assert_int_equal(c->sent, 3);
    assert_int_equal(c->retried, 3);
    assert_int_equal(f->net.requests, 6);
    assert_true(herald_idle(&f->agent));
}

/* A second head that fails before anything got through stays put: a 5xx
 * from the whole platform costs one copy, not one per head (flash wear). */
static void test_a_second_head_moves_only_after_a_success(void **state)
{
    fixture_t *f = *state;
    uint32_t h[3];
    f->cfg.rotate_after = 1;
    reconfigure(f);
    /* the first request fails (A moves), then the second (B stays) */
    failing_head(f, 2, h, 3u);
    assert_int_equal(f->outcomes[0].handle, h[1]);
    assert_int_equal(f->outcomes[0].attempts, 2);
    assert_int_equal(f->outcomes[1].handle, h[2]);
    assert_int_equal(f->outcomes[1].attempts, 1);
    assert_int_equal(f->outcomes[2].handle, h[0]);
    assert_int_equal(f->outcomes[2].attempts, 2);
    assert_int_equal(rotations, 1);
    assert_int_equal(rotated_handle, h[0]);
    assert_int_equal(herald_counters(&f->agent)->queued, 3);
}

/* No answer from the platform at all (connection refused) says nothing
 * about one notification: nothing moves, however long it lasts. */
static void test_transport_failures_do_not_rotate(void **state)
{
    fixture_t *f = *state;
    uint32_t h[3];
    f->cfg.on_rotate = on_rotate;
    reconfigure(f);
    f->cfg.rotate_after = 1;
    reconfigure(f);
    rotations = 0;
    f->net.connect_result = -1;
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(herald_notify(&f->agent, &seed, &h[i]), HERALD_OK);
    }
    for (size_t i = 0; i < 20; i++) {
        run(f);
        f->now += 60000u;
    }
    assert_true(herald_counters(&f->agent)->retried >= 10u);
    assert_int_equal(rotations, 0);
    assert_int_equal(herald_counters(&f->agent)->rotated, 0);
    assert_int_equal(f->noutcomes, 0);
}

static void test_strict_order_waits(void **state)
{
    fixture_t *f = *state;
    uint32_t h[3];
    f->cfg.rotate_after = HERALD_ROTATE_NEVER;
    reconfigure(f);
    failing_head(f, 5, h, 3u);
    assert_int_equal(f->outcomes[0].handle, h[0]);
    assert_int_equal(f->outcomes[0].attempts, 6);
    assert_int_equal(f->outcomes[1].handle, h[1]);
    assert_int_equal(f->outcomes[2].handle, h[2]);
    assert_int_equal(rotations, 0);
    assert_int_equal(herald_counters(&f->agent)->rotated, 0);
}

static void test_rate_limit_does_not_rotate(void **state)
{
    fixture_t *f = *state;
    uint32_t h[2];
    for (int i = 0; i < 3; i++) {
        f->net.script[i] =
            resp(429, "Retry-After: 1\r\n", "{\"error\":{\"code\":\"ERR_TOO_MANY_REQUESTS\"}}");
    }
    f->net.script[3] = resp(200, "", OK_BODY);
    f->net.script[4] = resp(200, "", OK_BODY);
    f->net.nscript = 5;
    herald_notify(&f->agent, &seed, &h[0]);
    herald_notify(&f->agent, &seed, &h[1]);
    for (int i = 0; i < 20 && f->noutcomes < 2u; i++) {
        run(f);
        f->now += 60000u;
    }
    assert_int_equal(f->outcomes[0].handle, h[0]); /* everyone waits on a 429 */
    assert_int_equal(herald_counters(&f->agent)->rotated, 0);
}

/* ---- rotation when the queue cannot take the copy ---- */

/* The fixture's RAM queue with one chosen operation failing once it has
 * been called `after` more times (begin, commit or the retire of a seq). */
static herald_queue_t real;
static int fail_op; /* 1 begin, 2 commit, 3 retire */
static int fail_after;
static int aborts;

static int fails_now(int op)
{
    if (fail_op != op) {
        return 0;
    }
    if (fail_after-- == 0) {
        fail_op = 0;
        return 1;
    }
    return 0;
}

static herald_status_t w_begin(void *ctx, herald_queue_rec_t *m)
{
    return fails_now(1) ? HERALD_E_QUEUE_FULL : real.begin(ctx, m);
}

static herald_status_t w_commit(void *ctx)
{
    return fails_now(2) ? HERALD_E_FLASH : real.commit(ctx);
}

static void w_abort(void *ctx)
{
    aborts++;
    real.abort(ctx);
}

static herald_status_t w_retire(void *ctx, uint32_t seq)
{
    return fails_now(3) ? HERALD_E_FLASH : real.retire(ctx, seq);
}

static void failing_queue(fixture_t *f, int op, int after)
{
    real = f->queue;
    f->queue.begin = w_begin;
    f->queue.commit = w_commit;
    f->queue.abort = w_abort;
    f->queue.retire = w_retire;
    fail_op = op;
    fail_after = after;
    aborts = 0;
}

/* No room for the copy (begin refused): the head keeps its place; nothing
 * is lost and nothing is counted as moved. */
static void test_no_room_for_the_copy_keeps_the_head(void **state)
{
    fixture_t *f = *state;
    uint32_t h[3];
    failing_queue(f, 1, 3); /* the three herald_notify begins pass, the copy's fails */
    failing_head(f, 3, h, 3u);
    assert_int_equal(rotations, 0);
    assert_int_equal(herald_counters(&f->agent)->rotated, 0);
    assert_int_equal(f->outcomes[0].handle, h[0]); /* it went first after all */
    assert_int_equal(f->outcomes[0].attempts, 4);
    assert_int_equal(f->outcomes[1].handle, h[1]);
    assert_int_equal(f->outcomes[2].handle, h[2]);
}

/* The copy's commit fails: it is aborted, the head keeps its place. */
static void test_a_failed_copy_is_aborted(void **state)
{
    fixture_t *f = *state;
    uint32_t h[3];
    failing_queue(f, 2, 3);
    failing_head(f, 3, h, 3u);
    assert_int_equal(aborts, 1);
    assert_int_equal(rotations, 0);
    assert_int_equal(f->outcomes[0].handle, h[0]);
    assert_int_equal(f->outcomes[2].handle, h[2]);
}

/* The original cannot be retired once its copy is committed: both stay, so
 * it may go twice (at least once), never lost; the others are not held. */
static void test_original_kept_when_its_retire_fails(void **state)
{
    fixture_t *f = *state;
    uint32_t h[3];
    int seen = 0;
    failing_queue(f, 3, 0);
    failing_head(f, 3, h, 4u); /* the original and its copy both go */
    assert_int_equal(rotations, 1);
    for (size_t i = 0; i < f->noutcomes; i++) {
        assert_int_equal(f->outcomes[i].status, HERALD_OK);
        seen |= f->outcomes[i].handle == h[0] ? 1 : f->outcomes[i].handle == h[1] ? 2 : 4;
    }
    assert_int_equal(seen, 7); /* every one delivered */
    assert_true(herald_idle(&f->agent));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_oversize_head_on_a_2xx_is_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversize_body_on_a_2xx_is_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_204_and_unreadable_ids_are_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numeric_id_keeps_what_was_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_2xx_cut_short_is_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_obs_fold_answer_is_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversize_head_on_a_5xx_is_still_retried, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failing_head_moves_behind_the_others, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_second_head_moves_only_after_a_success, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transport_failures_do_not_rotate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strict_order_waits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_limit_does_not_rotate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_room_for_the_copy_keeps_the_head, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_failed_copy_is_aborted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_original_kept_when_its_retire_fails, setup, teardown),
    };
    return cmocka_run_group_tests_name("agent_answers", tests, NULL, NULL);
}
