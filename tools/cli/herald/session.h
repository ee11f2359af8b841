/* SPDX-License-Identifier: Apache-2.0 */
/* One agent over TLS for a CLI command: the POSIX and Mbed TLS ports wired to
 * the agent, and a poll() loop that runs it until the command is done. */
#ifndef HERALD_CLI_SESSION_H
#define HERALD_CLI_SESSION_H

#include "herald/herald.h"
#include "herald_posix.h"
#include "host_tls.h"
#include "cli.h"

typedef struct {
    herald_agent_t agent;
    host_tls_t net; /* net.live: TLS was set up (its verify reason is readable) */
    herald_rng_t rng;
    herald_clock_t clock;
    herald_log_t log;
    /* outcomes, as the result callback reported them */
    size_t outcomes, delivered;
    herald_outcome_t last;
    herald_send_result_t result;
    herald_platform_error_t error;
    int http_status; /* of the latest accepted answer */
    int have_error;
    void (*on_outcome)(void *ctx, const herald_outcome_t *o); /* optional, for the command */
    void *outcome_ctx;
    void (*on_rotate)(void *ctx, uint32_t handle, uint32_t seq); /* optional, with outcome_ctx */
} cli_session_t;

/* Configure the agent from the options (credentials, endpoint) over queue and
 * cache (may be NULL).  Nothing touches the network or the CA yet.
 * Returns 0, or an exit code (usage error) after printing why. */
int cli_session_init(cli_session_t *s, const cli_opts_t *o, herald_queue_t *queue, herald_tcache_t *cache,
                     uint16_t max_attempts);

/* Load the CA (--ca, HERALD_CA, else the system bundle) and start TLS.
 * Returns 0, or an exit code after printing why. */
int cli_session_connectable(cli_session_t *s, const cli_opts_t *o);

/* Run the agent until done(ctx) says so, or until it only waits on a timer
 * that ends after deadline_ms (monotonic). */
void cli_session_run(cli_session_t *s, int (*done)(void *ctx), void *ctx, uint64_t deadline_ms);

/* Print a failure line for status st and return the exit code for it. */
int cli_session_failure(cli_session_t *s, herald_status_t st);

void cli_session_close(cli_session_t *s);

/* The platform's answer as one JSON line on stdout (a note on stderr when a
 * field was cut); EXIT_DELIVERED, or EXIT_INTERNAL when stdout failed. */
int cli_print_result(const herald_send_result_t *r);

/* stderr: the platform accepted handle but its answer was unreadable (cause). */
void cli_print_unreadable(unsigned handle, int http_status, herald_status_t cause);

#endif
