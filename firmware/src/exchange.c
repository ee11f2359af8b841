/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP exchange: connect (or reuse), send the head and then the body
 * pulled from its source, read the answer, each step under its own timeout
 * and the whole under one more.  See exchange.h. */
#include <string.h>
#include "herald/herald.h"
#include "exchange.h"
#include "span.h"

void herald_hx_init(herald_exchange_t *x, herald_net_t *net, uint32_t step_ms, uint32_t whole_ms)
{
    (void)memset(x, 0, sizeof *x);
    x->net = net;
    x->step_ms = step_ms;
    x->whole_ms = whole_ms;
}

/* ---- the request head ---------------------------------------------------- */

static void put_host(herald_span_t *t, const herald_endpoint_t *ep)
{
    int v6 = strchr(ep->host, ':') != NULL;
    herald_span_str(t, v6 ? "[" : "");
    herald_span_str(t, ep->host);
    herald_span_str(t, v6 ? "]" : "");
    if (ep->port != 443u) {
        herald_span_str(t, ":");
        herald_span_u32(t, ep->port);
    }
}

/* The head of a request into buf; a body length < 0 means no body (a GET).
 * Returns its length, or 0 when it does not fit. */
static size_t write_head(const herald_endpoint_t *ep, char *buf, size_t cap, const char *method,
                         const char *path, const char *query, int64_t body_len)
{
    herald_span_t t;
    herald_span_init(&t, buf, cap);
    herald_span_str(&t, method);
    herald_span_str(&t, " ");
    herald_span_str(&t, path);
    herald_span_str(&t, query);
    herald_span_str(&t, " HTTP/1.1\r\nHost: ");
    put_host(&t, ep);
    herald_span_str(&t, "\r\nappid: ");
    herald_span_str(&t, ep->app_id);
    herald_span_str(&t, "\r\napikey: ");
    herald_span_str(&t, ep->api_key);
    if (body_len >= 0) {
        herald_span_str(&t, "\r\nContent-Type: application/json\r\nContent-Length: ");
        herald_span_u32(&t, (uint32_t)body_len);
    }
    herald_span_str(&t, "\r\n\r\n"); /* HTTP/1.1 keeps the connection alive by default */
    return t.err ? 0u : t.len;
}

herald_status_t herald_hx_set_endpoint(herald_exchange_t *x, const char *base_url, const char *region,
                                       const char *app_id, const char *api_key)
{
    herald_endpoint_t ep;
    char scratch[HERALD_TX_HEAD_MAX]; /* never x->tx: a request may be using it */
    herald_status_t st = herald_endpoint_set(&ep, base_url, region, app_id, api_key);
    if (st != HERALD_OK) {
        return st;
    }
    if (x->phase != HERALD_HX_IDLE) {
        return HERALD_E_BUSY; /* the request in flight names the old endpoint */
    }
    if (write_head(&ep, scratch, sizeof scratch, "POST", "", "", (int64_t)0xFFFFFFFFu) == 0u) {
        return HERALD_E_INVALID_ARG; /* host, app id or key too long for the head buffer */
    }
    x->ep = ep;
    return HERALD_OK;
}

/* ---- starting a request -------------------------------------------------- */

static void drop(herald_exchange_t *x)
{
    if (x->connected || x->phase == HERALD_HX_CONNECTING) {
        x->net->close(x->net->ctx);
    }
    x->connected = 0;
}

void herald_hx_close(herald_exchange_t *x)
{
    drop(x);
    x->phase = HERALD_HX_IDLE;
}

static void launch(herald_exchange_t *x, uint64_t now_ms)
{
    uint8_t probe;
    x->now_ms = now_ms;
    x->tx_off = 0u;
    x->answered = 0;
    x->body_failed = 0;
    x->error = HERALD_OK;
    /* a fresh reader: its status stays 0 until this answer's status line */
    herald_http_reader_init(&x->reader, x->rx_hdr, sizeof x->rx_hdr, x->rx_body, sizeof x->rx_body);
    x->rx_len = 0u;
    x->rx_off = 0u;
    /* A kept-alive connection may have been closed by the server while idle;
     * finding out now avoids sending into a dead socket. */
    if (x->connected && x->net->recv(x->net->ctx, &probe, 1u) != 0) {
        drop(x);
    }
    x->reused = x->connected;
    x->phase = x->connected ? HERALD_HX_SENDING : HERALD_HX_CONNECTING;
    x->deadline_ms = now_ms + x->step_ms;
    x->end_ms = now_ms + x->whole_ms; /* a drip cannot stretch it */
    if (x->phase == HERALD_HX_SENDING) {
        x->stats.requests++;
    }
}

int herald_hx_post(herald_exchange_t *x, uint64_t now_ms, const char *path, size_t body_len,
                   herald_hx_body_fn body, void *body_ctx)
{
    size_t n;
    x->tx_len = write_head(&x->ep, x->tx, sizeof x->tx, "POST", path, "", (int64_t)body_len);
    if (x->tx_len == 0u) {
        return 0;
    }
    x->body = body;
    x->body_ctx = body_ctx;
    x->body_len = body_len;
    x->body_off = 0u;
    /* Start the body in the head's buffer: one write, so over TLS a small
     * notification costs one record rather than two.  A failed read here is
     * met again, and reported, when the body is sent. */
    n = sizeof x->tx - x->tx_len;
    n = n < body_len ? n : body_len;
    if (n > 0u && body(body_ctx, 0u, x->tx + x->tx_len, n) == HERALD_OK) {
        x->tx_len += n;
        x->body_off = n;
    }
    launch(x, now_ms);
    return 1;
}

int herald_hx_get(herald_exchange_t *x, uint64_t now_ms, const char *path, const char *query)
{
    x->tx_len = write_head(&x->ep, x->tx, sizeof x->tx, "GET", path, query, -1);
    if (x->tx_len == 0u) {
        return 0;
    }
    x->body = NULL;
    x->body_len = 0u;
    x->body_off = 0u;
    launch(x, now_ms);
    return 1;
}

/* ---- the steps ------------------------------------------------------------ */

static herald_hx_event_t fail(herald_exchange_t *x, herald_status_t st)
{
    drop(x); /* also when a 2xx lost its framing: the stream is out of step */
    x->phase = HERALD_HX_IDLE;
    x->error = st;
    return HERALD_HX_FAILED;
}

static herald_hx_event_t done(herald_exchange_t *x)
{
    if (x->reader.resp.conn_close || x->rx_off != x->rx_len) {
        drop(x); /* asked to, or bytes beyond the response: the stream is out of step */
    }
    x->phase = HERALD_HX_IDLE;
    return HERALD_HX_DONE;
}

static void progress(herald_exchange_t *x)
{
    x->deadline_ms = x->now_ms + x->step_ms;
}

static herald_hx_event_t step_connect(herald_exchange_t *x)
{
    int r = x->net->connect(x->net->ctx, x->ep.host, x->ep.port);
    if (r < 0) {
        return fail(x, (herald_status_t)r);
    }
    if (r == 0) {
        return HERALD_HX_WAIT;
    }
    x->connected = 1;
    x->stats.connects++;
    x->stats.requests++;
    x->phase = HERALD_HX_SENDING;
    progress(x);
    return HERALD_HX_MORE;
}

/* The head is out: the next piece of the body, or on to the answer. */
static herald_hx_event_t next_piece(herald_exchange_t *x)
{
    size_t n = x->body_len - x->body_off;
    herald_status_t st;
    if (n == 0u) {
        x->phase = HERALD_HX_RECEIVING;
        progress(x);
        return HERALD_HX_MORE;
    }
    n = n < sizeof x->tx ? n : sizeof x->tx;
    st = x->body(x->body_ctx, x->body_off, x->tx, n);
    if (st != HERALD_OK) {
        x->body_failed = 1;
        return fail(x, st);
    }
    x->body_off += n;
    x->tx_len = n;
    x->tx_off = 0u;
    return HERALD_HX_MORE;
}

static herald_hx_event_t step_send(herald_exchange_t *x)
{
    int r;
    if (x->tx_off == x->tx_len) {
        return next_piece(x);
    }
    r = x->net->send(x->net->ctx, (const uint8_t *)x->tx + x->tx_off, x->tx_len - x->tx_off);
    if (r < 0) {
        return fail(x, (herald_status_t)r);
    }
    if (r == 0) {
        return HERALD_HX_WAIT;
    }
    x->tx_off += (size_t)r;
    x->stats.bytes_sent += (uint64_t)r;
    progress(x);
    return HERALD_HX_MORE;
}

/* The peer closed the connection: that may end a body read until close. */
static herald_hx_event_t closed(herald_exchange_t *x, int r)
{
    int st = (r == HERALD_E_NET_CLOSED && x->answered) ? herald_http_eof(&x->reader) : r;
    if (st != HERALD_OK) {
        return fail(x, (herald_status_t)st);
    }
    drop(x);
    x->phase = HERALD_HX_IDLE;
    return HERALD_HX_DONE;
}

static herald_hx_event_t step_receive(herald_exchange_t *x)
{
    size_t used = 0u;
    int st;
    if (x->rx_off == x->rx_len) {
        int r = x->net->recv(x->net->ctx, (uint8_t *)x->rx_buf, sizeof x->rx_buf);
        if (r == 0) {
            return HERALD_HX_WAIT;
        }
        if (r < 0) {
            return closed(x, r);
        }
        x->answered = 1;
        x->stats.bytes_received += (uint64_t)r;
        x->rx_len = (size_t)r;
        x->rx_off = 0u;
    }
    st = herald_http_feed(&x->reader, x->rx_buf + x->rx_off, x->rx_len - x->rx_off, &used);
    x->rx_off += used;
    if (st == HERALD_OK) {
        return done(x);
    }
    if (st != HERALD_HTTP_MORE) {
        return fail(x, (herald_status_t)st);
    }
    progress(x);
    return HERALD_HX_MORE;
}

herald_hx_event_t herald_hx_poll(herald_exchange_t *x, uint64_t now_ms)
{
    herald_hx_event_t ev;
    x->now_ms = now_ms;
    switch (x->phase) {
    case HERALD_HX_CONNECTING:
        ev = step_connect(x);
        break;
    case HERALD_HX_SENDING:
        ev = step_send(x);
        break;
    case HERALD_HX_RECEIVING:
        ev = step_receive(x);
        break;
    default:
        return HERALD_HX_WAIT;
    }
    if (ev == HERALD_HX_WAIT && (now_ms >= x->deadline_ms || now_ms >= x->end_ms)) {
        ev = fail(x, HERALD_E_TIMEOUT);
    }
    return ev;
}

const herald_http_response_t *herald_hx_response(const herald_exchange_t *x)
{
    return &x->reader.resp;
}

int herald_hx_stale(const herald_exchange_t *x)
{
    return x->reused && !x->answered && (x->error == HERALD_E_NET_CLOSED || x->error == HERALD_E_NET);
}

int herald_hx_busy(const herald_exchange_t *x)
{
    return x->phase != HERALD_HX_IDLE;
}

unsigned herald_hx_wants(const herald_exchange_t *x)
{
    switch (x->phase) {
    case HERALD_HX_CONNECTING:
    case HERALD_HX_SENDING:
        return HERALD_WANT_READ | HERALD_WANT_WRITE; /* a TLS handshake reads too */
    case HERALD_HX_RECEIVING:
        return HERALD_WANT_READ;
    default:
        return 0u;
    }
}
