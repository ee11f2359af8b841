/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rig.h"

int rig_target_option(rig_target_t *t, const char *opt, const char *val)
{
    if (!strcmp(opt, "--base-url")) {
        t->base_url = val;
    } else if (!strcmp(opt, "--ca")) {
        t->ca_path = val;
    } else if (!strcmp(opt, "--app-id")) {
        t->app_id = val;
    } else if (!strcmp(opt, "--api-key")) {
        t->api_key = val;
    } else if (!strcmp(opt, "--tls")) {
        t->tls_min = t->tls_max = strcmp(val, "1.2") == 0 ? 2u : 3u;
    } else {
        return 0;
    }
    return 1;
}

int rig_target_complete(const rig_target_t *t)
{
    return t->base_url != NULL && t->ca_path != NULL && t->api_key != NULL;
}

int rig_open(rig_t *r, const rig_target_t *t, uint8_t *heap, size_t heap_len, uint8_t *queue_buf,
             size_t queue_len, herald_config_t *cfg, const char *who)
{
    size_t ca_len = 0;
    r->rng = herald_posix_rng();
    if (!(r->ca = herald_posix_read_file(t->ca_path, &ca_len))) {
        fprintf(stderr, "%s: cannot read %s\n", who, t->ca_path);
        return 2;
    }
    const host_tls_config_t tcfg = { .heap = heap,
                                     .heap_len = heap_len,
                                     .rng = &r->rng,
                                     .ca_pem = r->ca,
                                     .ca_len = ca_len,
                                     .min_version = (herald_tls_version_t)t->tls_min,
                                     .max_version = (herald_tls_version_t)t->tls_max };
    if (host_tls_open(&r->net, &tcfg) != HERALD_OK) {
        fprintf(stderr, "%s: bad CA\n", who);
        free(r->ca);
        r->ca = NULL;
        return 2;
    }
    herald_ram_queue_init(&r->rq, queue_buf, queue_len, &r->queue);
    memset(cfg, 0, sizeof *cfg);
    cfg->app_id = t->app_id;
    cfg->api_key = t->api_key;
    cfg->base_url = t->base_url;
    cfg->transport = &r->net.tls_net;
    cfg->rng = &r->rng;
    cfg->queue = &r->queue;
    return 0;
}

void rig_close(rig_t *r)
{
    host_tls_close(&r->net);
    free(r->ca);
    r->ca = NULL;
}

herald_notification_t rig_seed(const herald_var_t vars[2])
{
    static const char *const to[] = { "user-jane-123" };
    herald_notification_t n;
    memset(&n, 0, sizeof n);
    n.template_key = "order-confirmation";
    n.vars = vars;
    n.nvars = 2;
    n.targets = to;
    n.ntargets = 1;
    n.mode = HERALD_MODE_REALTIME;
    n.title = "Order Confirmed";
    return n;
}
