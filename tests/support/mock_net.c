/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>
#include "herald/status.h"
#include "mock_net.h"

static int m_connect(void *ctx, const char *host, uint16_t port)
{
    mock_net_t *m = ctx;
    (void)host;
    (void)port;
    if (m->connect_result <= 0) {
        return m->connect_result;
    }
    m->connects++;
    m->open = 1;
    m->peer_closed = 0;
    m->req_start = m->sent_len;
    m->reply = NULL;
    return 1;
}

/* A request is complete when its head and Content-Length body are in. */
static void maybe_answer(mock_net_t *m)
{
    const char *req = m->sent + m->req_start;
    size_t have = m->sent_len - m->req_start;
    const char *end, *cl;
    size_t head, body;
    m->sent[m->sent_len] = '\0';
    end = strstr(req, "\r\n\r\n");
    if (!end) {
        return;
    }
    head = (size_t)(end - req) + 4u;
    cl = strstr(req, "Content-Length: ");
    body = cl ? (size_t)strtoul(cl + 16, NULL, 10) : 0u;
    if (have < head + body) {
        return;
    }
    m->req_start += head + body;
    m->reply = m->requests < m->nscript ? m->script[m->requests] : MOCK_SILENT;
    m->requests++;
    m->reply_len = strlen(m->reply);
    m->reply_off = 0u;
    m->close_after_reply = strstr(m->reply, "Connection: close") != NULL;
}

static int m_send(void *ctx, const uint8_t *buf, size_t len)
{
    mock_net_t *m = ctx;
    if (!m->open || m->peer_closed) {
        return HERALD_E_NET_CLOSED;
    }
    if (m->max_send && len > m->max_send) {
        len = m->max_send;
    }
    if (len > sizeof m->sent - 1u - m->sent_len) {
        return HERALD_E_NET;
    }
    memcpy(m->sent + m->sent_len, buf, len);
    m->sent_len += len;
    maybe_answer(m);
    return (int)len;
}

static int m_recv(void *ctx, uint8_t *buf, size_t len)
{
    mock_net_t *m = ctx;
    size_t n;
    if (!m->open || m->peer_closed) {
        return HERALD_E_NET_CLOSED;
    }
    if (!m->reply) {
        return 0;
    }
    if (strcmp(m->reply, MOCK_CLOSE) == 0) {
        m->peer_closed = 1;
        return HERALD_E_NET_CLOSED;
    }
    if (strcmp(m->reply, MOCK_SILENT) == 0) {
        return 0;
    }
    n = m->reply_len - m->reply_off;
    if (n == 0u) {
        if (m->close_after_reply) {
            m->peer_closed = 1;
            return HERALD_E_NET_CLOSED;
        }
        return 0;
    }
    n = n < len ? n : len;
    if (m->drip) {
        /* one byte, then nothing until the next call: a byte per poll */
        m->drip_gap = !m->drip_gap;
        if (!m->drip_gap) {
            return 0;
        }
        n = 1u;
    }
    memcpy(buf, m->reply + m->reply_off, n);
    m->reply_off += n;
    return (int)n;
}

static void m_close(void *ctx)
{
    mock_net_t *m = ctx;
    if (m->open) {
        m->closes++;
    }
    m->open = 0;
    m->reply = NULL;
}

void mock_net_init(mock_net_t *m, herald_net_t *out)
{
    memset(m, 0, sizeof *m);
    m->connect_result = 1;
    out->connect = m_connect;
    out->send = m_send;
    out->recv = m_recv;
    out->close = m_close;
    out->ctx = m;
}

void mock_net_drop(mock_net_t *m)
{
    m->peer_closed = 1;
}
