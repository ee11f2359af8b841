/* SPDX-License-Identifier: Apache-2.0 */
#include <poll.h>
#include <string.h>
#include "host_tls.h"

herald_status_t host_tls_open(host_tls_t *t, const host_tls_config_t *c)
{
    herald_tls_config_t tcfg;
    int rc;
    memset(t, 0, sizeof *t);
    herald_posix_net_init(&t->tcp, &t->tcp_net);
    rc = herald_tls_platform_init(c->heap, c->heap_len, c->rng, NULL);
    if (rc != HERALD_OK) {
        return (herald_status_t)rc;
    }
    t->platform_up = 1;
    memset(&tcfg, 0, sizeof tcfg);
    tcfg.ca_pem = c->ca_pem;
    tcfg.ca_pem_len = c->ca_len + 1; /* Mbed TLS takes PEM with its NUL */
    tcfg.min_version = c->min_version;
    tcfg.max_version = c->max_version;
    rc = herald_tls_init(&t->tls, &tcfg, &t->tcp_net, &t->tls_net);
    if (rc != HERALD_OK) {
        return (herald_status_t)rc;
    }
    t->live = 1;
    return HERALD_OK;
}

void host_tls_wait(const host_tls_t *t, const herald_agent_t *a, uint32_t next_ms, uint32_t slice_ms)
{
    int timeout = (int)(next_ms == 0u || next_ms > slice_ms ? slice_ms : next_ms);
    struct pollfd pfd;
    unsigned wants = herald_wants(a); /* 0: nothing in flight */
    pfd.fd = t->live ? herald_posix_net_fd(&t->tcp) : -1;
    if (wants != 0u && pfd.fd >= 0) {
        pfd.events = (short)(POLLIN | ((wants & HERALD_WANT_WRITE) ? POLLOUT : 0));
        pfd.revents = 0;
        (void)poll(&pfd, 1, timeout);
    } else if (next_ms > 0u) {
        (void)poll(NULL, 0, timeout);
    }
}

void host_tls_close(host_tls_t *t)
{
    if (t->live && !t->freed) {
        herald_tls_free(&t->tls);
        t->freed = 1;
    }
}
