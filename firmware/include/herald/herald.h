/* SPDX-License-Identifier: Apache-2.0 */
/* The agent: raise a notification with one call, and let herald_poll() deliver
 * it to the platform's one-call API over the transport (TLS) the application
 * binds.  Non-blocking throughout: herald_poll() does what can be done now and
 * says when it next needs to run, which suits a bare-metal super-loop, an RTOS
 * task and a Linux poll() loop alike.  No heap: every buffer is in the agent
 * struct or given by the caller. */
#ifndef HERALD_HERALD_H
#define HERALD_HERALD_H

#include "herald/config.h"
#include "herald/types.h"
#include "herald/template.h"
#include "herald/notification.h"
#include "herald/http.h"
#include "herald/response.h"
#include "herald/queue.h"
#include "herald/budget.h"
#include "herald/coalesce.h"
#include "herald/json_arena.h"
#include "hal/herald_net.h"
#include "hal/herald_rng.h"
#include "hal/herald_log.h"
#include "hal/herald_clock.h"

/* What the result callback receives for each notification, once. */
typedef struct {
    uint32_t handle;                      /* as returned by herald_notify */
    herald_status_t status;               /* HERALD_OK when the platform accepted it */
    uint32_t attempts;                    /* sends tried, including this one */
    const herald_send_result_t *result;   /* on HERALD_OK; on HERALD_E_ACCEPTED_UNREADABLE
                                             what could be read of it (notification_id
                                             may be "", every field may be); else NULL */
    const herald_platform_error_t *error; /* when the platform refused it, else NULL */
    herald_status_t detail;               /* on HERALD_E_ACCEPTED_UNREADABLE why the
                                             answer could not be read (e.g.
                                             HERALD_E_HTTP_HEADER_TOO_LARGE,
                                             HERALD_E_JSON_ARENA); else HERALD_OK */
    int http_status;                      /* of the answer that decided it; 0 when
                                             none did (expired, dropped, a timeout) */
} herald_outcome_t;

typedef void (*herald_result_fn)(void *ctx, const herald_outcome_t *outcome);

/* What herald_notify does when the queue is full.  Either way it is counted
 * and reported, never silent. */
typedef enum {
    HERALD_FULL_REFUSE = 0,     /* refuse the new one: HERALD_E_QUEUE_FULL */
    HERALD_FULL_DROP_OLDEST = 1 /* drop the oldest waiting one; its outcome is
                                    reported as HERALD_E_QUEUE_FULL */
} herald_full_policy_t;

typedef struct {
    const char *app_id;         /* required: letters, digits, '-', '_', '.' */
    const char *api_key;        /* required; never logged, never in any output */
    const char *region;         /* "us", "eu" or "in"; used when base_url is NULL */
    const char *base_url;       /* "https://host[:port]"; overrides region */
    herald_net_t *transport;    /* the TLS stream (port/mbedtls over TCP) */
    herald_rng_t *rng;          /* backoff jitter; NULL: no jitter (tests only) */
    herald_log_t *log;          /* NULL: silent */
    herald_tcache_t *templates; /* NULL: no local schema check */
    herald_queue_t *queue;      /* where accepted notifications wait */
    herald_result_fn on_result; /* NULL: no callback */
    void *result_ctx;
    uint32_t timeout_ms;              /* connect, send and response each, restarted by
                                    progress; 0: HERALD_TIMEOUT_MS */
    uint32_t request_max_ms;          /* a whole request, however it trickles;
                                    0: HERALD_REQUEST_MAX_MS */
    uint32_t backoff_base_ms;         /* 0: HERALD_BACKOFF_BASE_MS */
    uint32_t backoff_cap_ms;          /* 0: HERALD_BACKOFF_CAP_MS */
    uint16_t max_attempts;            /* 0: HERALD_MAX_ATTEMPTS; then reported and retired */
    const herald_clock_t *clock;      /* wall time for expiry and X-RateLimit-Reset;
                                    NULL: neither can be honoured */
    herald_full_policy_t full_policy; /* when the queue is full */
    herald_queue_t *alert_queue;      /* system alerts (priority 1) wait here and go
                                    first; NULL: they share `queue`, in order */
    uint32_t coalesce_window_ms;      /* identical notifications within it are sent
                                    once (HERALD_E_COALESCED); 0: off */
    uint32_t rate_per_min;            /* rate budget; 0: HERALD_RATE_PER_MIN;
                                    HERALD_RATE_UNLIMITED: none */
    uint32_t rate_burst;              /* 0: HERALD_RATE_BURST */
    uint32_t sync_period_ms;          /* refresh the template cache from the platform
                                    this often (and at start-up); 0: only on a
                                    cache miss or a template error */
    /* After a sync changed the cache: persist it (e.g. herald_timage_write to
     * flash) so it survives a reboot.  Called with result_ctx; may be NULL. */
    void (*on_templates)(void *ctx, herald_tcache_t *cache);
    /* A head that failed transiently rotate_after times in a row, while
     * others wait in its queue, moves behind them (a 5xx for one
     * notification must not hold every other).  0: HERALD_ROTATE_AFTER;
     * HERALD_ROTATE_NEVER: strict order, the head waits however long. */
    uint16_t rotate_after;
    /* A moved notification is re-queued as a copy (queue record seq, what
     * herald_queue_t.peek shows from then on) and keeps its handle and
     * attempts; this tells an application that keeps state by record,
     * e.g. across a reboot, where the copy is.  Called with result_ctx;
     * may be NULL. */
    void (*on_rotate)(void *ctx, uint32_t handle, uint32_t seq);
} herald_config_t;

#define HERALD_RATE_UNLIMITED 0xFFFFFFFFu
#define HERALD_ROTATE_NEVER 0xFFFFu

typedef struct {
    uint32_t raised;           /* herald_notify calls */
    uint32_t refused_local;    /* refused by the local check */
    uint32_t queued;           /* accepted into the queue */
    uint32_t sent;             /* accepted by the platform */
    uint32_t refused_platform; /* permanent platform errors */
    uint32_t retried;          /* transient failures that were retried */
    uint32_t failed;           /* given up after max_attempts */
    uint32_t expired;
    uint32_t dropped;    /* refused or dropped because the queue was full */
    uint32_t coalesced;  /* identical to one raised within the window */
    uint32_t unreadable; /* accepted (2xx, so also in sent) but the answer
                                    could not be read: HERALD_E_ACCEPTED_UNREADABLE */
    uint32_t rotated;    /* heads moved behind the others (not new queued) */
    uint32_t requests;   /* HTTP requests written */
    uint32_t connects;   /* transport connections opened */
    uint64_t bytes_sent; /* application bytes (HTTP) */
    uint64_t bytes_received;
    uint32_t damaged; /* records the queues lost to damage of their medium
                                    (bit rot; see queue.h), as of the last herald_poll */
} herald_counters_t;

/* The agent's state is private to firmware/: this is storage of the right
 * size and alignment for it (agent.c checks both at compile time for every
 * board's configuration).  Declare one, static or in a struct, and use it only
 * through the functions below. */
#define HERALD_AGENT_STORAGE \
    (sizeof(herald_config_t) + sizeof(herald_http_reader_t) + sizeof(herald_send_result_t) + \
     sizeof(herald_platform_error_t) + sizeof(herald_counters_t) + sizeof(herald_budget_t) + \
     sizeof(herald_coalesce_t) + sizeof(herald_queue_rec_t) + sizeof(herald_json_arena_t) + \
     (size_t)HERALD_TX_HEAD_MAX + (size_t)HERALD_HTTP_HDR_MAX + (size_t)HERALD_HTTP_BODY_MAX + \
     (size_t)HERALD_RX_CHUNK + (size_t)HERALD_HOST_MAX_LEN + ((size_t)HERALD_NAME_MAX_LEN * 2u) + \
     ((size_t)HERALD_ROTATE_SLOTS * 16u) + (sizeof(void *) * 52u) + 96u)

typedef struct {
    uint64_t words[(HERALD_AGENT_STORAGE + 7u) / 8u];
} herald_agent_t;

/* What herald_poll() waits on the transport for, for a poll() loop. */
#define HERALD_WANT_READ 1u
#define HERALD_WANT_WRITE 2u

/* The notification at the head of the queues, for tools that report on it. */
typedef struct {
    uint32_t qid;                /* its queue id (record seq, with the alert bit for
                                    alerts); 0 before the first request */
    uint32_t attempts;           /* its sends that counted so far */
    uint64_t next_try_ms;        /* earliest (monotonic) time of the next request */
    herald_status_t last_status; /* as herald_last_status() */
    int busy;                    /* a request is in flight */
} herald_head_t;

typedef struct {
    uint32_t refreshes; /* full refreshes completed */
    uint32_t updated;   /* templates that came in newer */
    uint32_t failures;  /* syncs that failed (each waits for its next trigger) */
} herald_sync_stats_t;

/* Bind the agent to its configuration (copied; the strings, transport,
 * queue and cache must outlive the agent).
 * HERALD_E_INVALID_ARG: missing app id, key, transport or queue, a header
 *   value with control characters, or an unknown region.
 * HERALD_E_URL_INVALID: base_url is not https://host[:port]. */
herald_status_t herald_init(herald_agent_t *a, const herald_config_t *cfg);

/* Raise a notification.  It is checked at once (against the cached template
 * when there is one, else its shape only) and, if good, encoded and queued;
 * nothing touches the network here.  *handle (may be NULL) identifies it in
 * the result callback.
 * Local refusals: every status of herald_check / herald_check_shape.
 * HERALD_E_QUEUE_FULL: no room and the policy is to refuse (with
 *   HERALD_FULL_DROP_OLDEST the oldest waiting notification is dropped and
 *   reported through the callback instead).
 * HERALD_E_NOT_SUPPORTED: an expiry was given but the agent has no wall clock.
 * HERALD_E_COALESCED: identical to one raised within coalesce_window_ms;
 *   not queued again (counted; *handle gets the first one's handle).
 * HERALD_E_EXPIRED: the expiry has already passed.
 * HERALD_E_NOSPACE: the encoded request is larger than a queue record may be. */
herald_status_t herald_notify(herald_agent_t *a, const herald_notification_t *n, uint32_t *handle);

/* Do what can be done now.  Returns the milliseconds until the agent next
 * needs to run if nothing happens on the network (0: call again as soon as
 * the transport may have progressed, e.g. after a short poll()). */
uint32_t herald_poll(herald_agent_t *a, uint64_t now_ms);

/* 1 when nothing is queued or in flight. */
int herald_idle(const herald_agent_t *a);

/* New credentials after a 401/403: sending resumes.  Same checks as init;
 * a refused change leaves the old credentials in force.  HERALD_E_BUSY while
 * a request is in flight (call again when herald_poll has finished it). */
herald_status_t herald_set_credentials(herald_agent_t *a, const char *app_id, const char *api_key);

/* Ask for a template refresh at the next chance: one template by key or id,
 * or (ref NULL) the whole list.  Needs a template cache in the config. */
void herald_sync_templates(herald_agent_t *a, const char *ref);

/* Close the connection (e.g. before power-down); queued records stay. */
void herald_close(herald_agent_t *a);

const herald_counters_t *herald_counters(const herald_agent_t *a);

/* The status of the latest attempt or outcome (HERALD_OK after a success):
 * why a notification is still queued. */
herald_status_t herald_last_status(const herald_agent_t *a);

/* The head of the queues and its retry state. */
void herald_head(const herald_agent_t *a, herald_head_t *out);

/* HERALD_WANT_READ / HERALD_WANT_WRITE while a request is in flight, else 0. */
unsigned herald_wants(const herald_agent_t *a);

void herald_sync_stats(const herald_agent_t *a, herald_sync_stats_t *out);

#endif
