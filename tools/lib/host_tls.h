/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's transport on a host, written once for every tool that reaches
 * the platform (the herald CLI, herald-burst, herald-soak): a POSIX TCP
 * socket, Mbed TLS over it, and the poll() that waits on that socket.  Each
 * tool used to wire these by hand; the copies had begun to differ. */
#ifndef HERALD_HOST_TLS_H
#define HERALD_HOST_TLS_H

#include <stddef.h>
#include <stdint.h>
#include "herald/herald.h"
#include "herald_posix.h"
#include "herald_tls.h"

typedef struct {
    herald_posix_net_t tcp;
    herald_net_t tcp_net;
    herald_net_t tls_net; /* the agent's transport: bind &tls_net before host_tls_open, it fills it in */
    herald_tls_t tls;
    int platform_up; /* Mbed TLS's heap and RNG are set up (once per process) */
    int live;        /* TLS is set up: tls's stats and verify reason can be read */
    int freed;
} host_tls_t;

typedef struct {
    uint8_t *heap; /* Mbed TLS's static heap; must outlive the process's TLS use */
    size_t heap_len;
    const herald_rng_t *rng;
    const char *ca_pem; /* NUL-terminated PEM (herald_posix_read_file's result); copied */
    size_t ca_len;      /* without the NUL */
    herald_tls_version_t min_version, max_version;
} host_tls_config_t;

/* Set up Mbed TLS for the process and TLS over a closed TCP socket, trusting
 * c->ca_pem; certificate validity is checked against libc time().  HERALD_OK,
 * else the failing step's status: t->platform_up tells a failure to start
 * Mbed TLS (0) from a CA it could not use (1).  Call once per process. */
herald_status_t host_tls_open(host_tls_t *t, const host_tls_config_t *c);

/* Block until the agent a can progress, at most slice_ms: while a request is
 * in flight, until the socket is readable (or writable, unless the agent only
 * receives); otherwise for next_ms, herald_poll's answer (0: not at all).
 * Before host_tls_open succeeds there is no socket, so only the timer. */
void host_tls_wait(const host_tls_t *t, const herald_agent_t *a, uint32_t next_ms, uint32_t slice_ms);

/* Free the TLS session once (again is a no-op); its verify reason stays
 * readable.  The agent must be closed first. */
void host_tls_close(host_tls_t *t);

#endif
