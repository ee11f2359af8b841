/* SPDX-License-Identifier: Apache-2.0 */
/* What the rigs that drive one agent against the simulator share
 * (herald-burst, herald-soak): the options that say where the platform is
 * and who is calling, and the wiring of that agent to it (the CA read, host
 * TLS, a RAM queue and the configuration fields that follow from them).
 * Each rig keeps its own options, loop and report. */
#ifndef HERALD_RIG_H
#define HERALD_RIG_H

#include <stddef.h>
#include <stdint.h>
#include "herald/herald.h"
#include "host_tls.h"

typedef struct {
    const char *base_url, *ca_path, *app_id, *api_key;
    unsigned tls_min, tls_max; /* 2 or 3: TLS 1.2 or 1.3 */
} rig_target_t;

/* No platform yet, app "app1" (the simulator's default), TLS 1.2 to 1.3. */
#define RIG_TARGET_INIT \
    { \
        NULL, NULL, "app1", NULL, 2u, 3u \
    }

/* The options every rig takes: --base-url URL --ca FILE --api-key KEY
 * [--app-id ID] [--tls 1.2|1.3].  1 when opt is one of them (its value is
 * kept), 0 when it is the rig's own. */
int rig_target_option(rig_target_t *t, const char *opt, const char *val);

/* Whether the options without a default were all given. */
int rig_target_complete(const rig_target_t *t);

typedef struct {
    host_tls_t net;
    herald_rng_t rng;
    herald_ram_queue_t rq;
    herald_queue_t queue;
    char *ca;
} rig_t;

/* Read t's CA, open host TLS with heap as Mbed TLS's heap, make a RAM queue
 * over queue_buf, and set cfg (zeroed first) to reach the platform as t says
 * over them, with the hal RNG (full jitter, as on a device): the rig sets the
 * rest.  0, else a message on stderr prefixed with who and 2, the rigs' exit
 * status for bad input.  r must stay put while the agent runs (cfg points
 * into it). */
int rig_open(rig_t *r, const rig_target_t *t, uint8_t *heap, size_t heap_len, uint8_t *queue_buf,
             size_t queue_len, herald_config_t *cfg, const char *who);

/* The seed's order confirmation (template order-confirmation, realtime, to
 * user-jane-123, "Order Confirmed") with the two variables given: what every
 * rig sends or queues. */
herald_notification_t rig_seed(const herald_var_t vars[2]);

/* After herald_close: free the TLS session and the CA. */
void rig_close(rig_t *r);

#endif
