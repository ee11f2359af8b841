/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "agent_fixture.h"

const char SEED_BODY[] =
    "{\"template\":{\"key\":\"order-confirmation\",\"variables\":{\"customerName\":\"Jane\","
    "\"orderId\":\"ORD-12345\"}},\"targets\":[\"user-jane-123\"],\"mode\":\"realtime\","
    "\"title\":\"Order Confirmed\"}";

const char OK_BODY[] =
    "{\"notificationId\":\"notif_abc123\",\"templateKey\":\"order-confirmation\","
    "\"channels\":[\"in_app\",\"push\"],\"mode\":\"realtime\",\"title\":\"Order Confirmed\","
    "\"sentFrom\":\"api\",\"createdAt\":\"2024-01-15T09:30:00.000Z\"}";

static char *responses[32];
static size_t nresponses;

const char *resp(int status, const char *headers, const char *body)
{
    char *r = malloc(2048);
    snprintf(r, 2048, "HTTP/1.1 %d X\r\n%sContent-Length: %zu\r\n\r\n%s", status, headers, strlen(body),
             body);
    responses[nresponses++] = r;
    return r;
}

fixture_t *fx;

static int fixed_rng(void *ctx, uint8_t *buf, size_t len)
{
    uint32_t v = *(uint32_t *)ctx;
    memcpy(buf, &v, len < sizeof v ? len : sizeof v);
    return 0;
}

static void on_result(void *ctx, const herald_outcome_t *o)
{
    fixture_t *f = ctx;
    assert_true(f->noutcomes < 64u);
    f->outcomes[f->noutcomes] = *o;
    if (o->result) {
        f->results[f->noutcomes] = *o->result;
    }
    f->noutcomes++;
}

static int64_t fixture_wall(void *ctx)
{
    return ((fixture_t *)ctx)->wall;
}

int setup(void **state)
{
    herald_config_t cfg;
    fx = calloc(1, sizeof *fx);
    mock_net_init(&fx->net, &fx->transport);
    assert_int_equal(herald_ram_queue_init(&fx->rq, fx->qbuf, sizeof fx->qbuf, &fx->queue), HERALD_OK);
    fx->rng.fill = fixed_rng;
    fx->rng.ctx = &fx->rng_value;
    fx->rng_value = 0xFFFFFFFFu;
    memset(&cfg, 0, sizeof cfg);
    cfg.app_id = "app1";
    cfg.api_key = "key-secret";
    cfg.base_url = "https://127.0.0.1:8443";
    cfg.transport = &fx->transport;
    cfg.queue = &fx->queue;
    assert_int_equal(herald_ram_queue_init(&fx->arq, fx->aqbuf, sizeof fx->aqbuf, &fx->alert_queue),
                     HERALD_OK);
    cfg.alert_queue = &fx->alert_queue;
    cfg.rng = &fx->rng;
    cfg.on_result = on_result;
    cfg.result_ctx = fx;
    cfg.timeout_ms = 1000;
    cfg.backoff_base_ms = 100;
    cfg.backoff_cap_ms = 1000;
    fx->wall = 1700000000;
    fx->clock.wall_s = fixture_wall;
    fx->clock.ctx = fx;
    cfg.clock = &fx->clock;
    fx->cfg = cfg;
    assert_int_equal(herald_init(&fx->agent, &cfg), HERALD_OK);
    *state = fx;
    return 0;
}

void reconfigure(fixture_t *f)
{
    assert_int_equal(herald_init(&f->agent, &f->cfg), HERALD_OK);
}

int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < nresponses; i++) {
        free(responses[i]);
    }
    nresponses = 0;
    free(fx);
    return 0;
}

const herald_var_t seed_vars[] = { { "customerName", "Jane", 0 }, { "orderId", "ORD-12345", 0 } };
const char *const seed_target[] = { "user-jane-123" };
const herald_notification_t seed = {
    .template_key = "order-confirmation",
    .vars = seed_vars,
    .nvars = 2,
    .targets = seed_target,
    .ntargets = 1,
    .mode = HERALD_MODE_REALTIME,
    .title = "Order Confirmed",
};

/* Poll at a fixed time until the agent waits on a timer or is idle. */
uint32_t run(fixture_t *f)
{
    uint32_t next = 0;
    for (int i = 0; i < 200; i++) {
        next = herald_poll(&f->agent, f->now);
        if (next != 0u) {
            break;
        }
    }
    return next;
}
