/* SPDX-License-Identifier: Apache-2.0 */
/* One HTTP request and its answer over the transport: the connection (kept
 * alive between requests), the request head, the body pulled from the
 * caller in pieces, the response reader, and the timeouts of each step and
 * of the whole request.  Non-blocking: herald_hx_poll() does one step and
 * says whether it is in progress, done with a response or failed with a
 * status.  It knows nothing of queues, templates or retries; what an
 * answer means is the caller's business. */
#ifndef HERALD_EXCHANGE_H
#define HERALD_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>
#include "herald/config.h"
#include "herald/http.h"
#include "hal/herald_net.h"

/* Where requests go and the credentials their heads carry.  The strings
 * app_id and api_key belong to the caller and must outlive the exchange. */
typedef struct {
    char host[HERALD_HOST_MAX_LEN + 1];
    uint16_t port;
    const char *app_id;
    const char *api_key;
} herald_endpoint_t;

/* Fill *ep from base_url ("https://host[:port]"), or when it is NULL from
 * the region ("us", "eu", "in") and the app id.  HERALD_E_URL_INVALID for a
 * base URL that is not https://host[:port]; HERALD_E_INVALID_ARG for
 * credentials that cannot go in a header, an unknown region or a host too
 * long.  *ep is untouched on failure. */
herald_status_t herald_endpoint_set(herald_endpoint_t *ep, const char *base_url, const char *region,
                                    const char *app_id, const char *api_key);

/* 1 when s holds only [0-9A-Za-z._-]: what an app id may hold, and a
 * template key or id that can go in a URL path unescaped. */
int herald_is_slug(const char *s);

/* Gives the body of a request in pieces: n bytes from offset off. */
typedef herald_status_t (*herald_hx_body_fn)(void *ctx, size_t off, char *buf, size_t n);

typedef enum {
    HERALD_HX_WAIT = 0, /* waiting on the network or a timer */
    HERALD_HX_MORE,     /* progress made: poll again */
    HERALD_HX_DONE,     /* the response is in herald_hx_response() */
    HERALD_HX_FAILED    /* x->error says why; the connection is closed */
} herald_hx_event_t;

typedef enum {
    HERALD_HX_IDLE = 0,
    HERALD_HX_CONNECTING,
    HERALD_HX_SENDING,
    HERALD_HX_RECEIVING
} herald_hx_phase_t;

typedef struct {
    uint32_t requests; /* requests written */
    uint32_t connects; /* connections opened */
    uint64_t bytes_sent;
    uint64_t bytes_received;
} herald_hx_stats_t;

typedef struct {
    herald_net_t *net;
    herald_endpoint_t ep;
    uint32_t step_ms;  /* each connect, send and receive step */
    uint32_t whole_ms; /* the whole request, however it trickles */
    herald_hx_phase_t phase;
    int connected;
    int reused;            /* the request runs on a kept-alive connection */
    int answered;          /* a byte of the answer has arrived */
    int body_failed;       /* the failure was the body source's */
    herald_status_t error; /* why the latest request failed */
    uint64_t now_ms;
    uint64_t deadline_ms;
    uint64_t end_ms;
    herald_hx_body_fn body;
    void *body_ctx;
    size_t body_len;
    size_t body_off;
    char tx[HERALD_TX_HEAD_MAX];
    size_t tx_len;
    size_t tx_off;
    herald_http_reader_t reader;
    char rx_hdr[HERALD_HTTP_HDR_MAX];
    char rx_body[HERALD_HTTP_BODY_MAX];
    char rx_buf[HERALD_RX_CHUNK];
    size_t rx_len;
    size_t rx_off;
    herald_hx_stats_t stats;
} herald_exchange_t;

void herald_hx_init(herald_exchange_t *x, herald_net_t *net, uint32_t step_ms, uint32_t whole_ms);

/* Change the endpoint and credentials (checked as herald_endpoint_set does,
 * and that a request head with the longest body length fits).  Refused
 * with HERALD_E_BUSY while a request is in flight; the old ones stay in
 * force on any refusal. */
herald_status_t herald_hx_set_endpoint(herald_exchange_t *x, const char *base_url, const char *region,
                                       const char *app_id, const char *api_key);

/* Start a POST of body_len bytes to path (body pulls them), or a GET of
 * path and query.  Returns 0 when the head does not fit its buffer (nothing
 * is started). */
int herald_hx_post(herald_exchange_t *x, uint64_t now_ms, const char *path, size_t body_len,
                   herald_hx_body_fn body, void *body_ctx);
int herald_hx_get(herald_exchange_t *x, uint64_t now_ms, const char *path, const char *query);

herald_hx_event_t herald_hx_poll(herald_exchange_t *x, uint64_t now_ms);

/* The latest response: complete after HERALD_HX_DONE; after a failure its
 * status is the answer's once its status line was read (else 0). */
const herald_http_response_t *herald_hx_response(const herald_exchange_t *x);

/* A failure before any answer on a kept-alive connection: the server most
 * likely closed it while idle, and the request may go again at once. */
int herald_hx_stale(const herald_exchange_t *x);

int herald_hx_busy(const herald_exchange_t *x);

/* What the transport is waited on for (HERALD_WANT_* of herald.h). */
unsigned herald_hx_wants(const herald_exchange_t *x);

/* Close the connection; a request in flight is abandoned. */
void herald_hx_close(herald_exchange_t *x);

#endif
