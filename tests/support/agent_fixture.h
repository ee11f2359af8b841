/* SPDX-License-Identifier: Apache-2.0 */
/* An agent over the in-memory transport, for the agent tests: a RAM queue,
 * a fixed RNG, a settable wall clock, and every outcome recorded. */
#ifndef AGENT_FIXTURE_H
#define AGENT_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include "herald/herald.h"
#include "mock_net.h"

typedef struct {
    herald_agent_t agent;
    mock_net_t net;
    herald_net_t transport;
    herald_ram_queue_t rq;
    herald_queue_t queue;
    uint8_t qbuf[4096];
    herald_ram_queue_t arq;
    herald_queue_t alert_queue;
    uint8_t aqbuf[4096];
    herald_rng_t rng;
    uint32_t rng_value;
    herald_outcome_t outcomes[64];
    herald_send_result_t results[64];
    size_t noutcomes;
    uint64_t now;
    int64_t wall;
    herald_clock_t clock;
    herald_config_t cfg; /* what the agent was set up with */
} fixture_t;

extern fixture_t *fx;
extern const char SEED_BODY[];
extern const char OK_BODY[];
extern const herald_notification_t seed;

/* An HTTP response with the right Content-Length (freed by teardown). */
const char *resp(int status, const char *headers, const char *body);

/* cmocka setup/teardown: a fresh agent in *state. */
int setup(void **state);
int teardown(void **state);

/* Set the agent up again with f->cfg (tests change it first): a fresh
 * agent over the same queues. */
void reconfigure(fixture_t *f);

/* Poll at the fixture's time until the agent waits on a timer or is idle;
 * returns what herald_poll last returned. */
uint32_t run(fixture_t *f);

#endif
