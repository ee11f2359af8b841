/* SPDX-License-Identifier: Apache-2.0 */
/* herald_net_t over the lwIP raw TCP API (NO_SYS=1). */
#include <string.h>

#include "herald/status.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "port/lwip/herald_lwip.h"

enum { ST_CLOSED, ST_CONNECTING, ST_OPEN, ST_PEER_CLOSED, ST_FAILED };

/* lwIP has already freed the pcb when it reports an error. */
static void on_err(void *arg, err_t err)
{
    herald_lwip_net_t *n = arg;
    (void)err;
    if (n == NULL) {
        return;
    }
    n->pcb = NULL;
    n->state = ST_FAILED;
    n->fail = HERALD_E_NET;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    herald_lwip_net_t *n = arg;
    (void)pcb;
    if (n != NULL && n->state == ST_CONNECTING) {
        n->state = err == ERR_OK ? ST_OPEN : ST_FAILED;
        n->fail = HERALD_E_NET;
    }
    return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    herald_lwip_net_t *n = arg;
    (void)pcb;
    if (n == NULL) {
        if (p != NULL) {
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (p == NULL) {
        if (n->state == ST_OPEN) {
            n->state = ST_PEER_CLOSED;
        }
        return ERR_OK;
    }
    if (err != ERR_OK) {
        pbuf_free(p);
        return ERR_OK;
    }
    if (n->rx == NULL) {
        n->rx = p;
    } else {
        pbuf_cat(n->rx, p);
    }
    return ERR_OK;
}

static void detach(herald_lwip_net_t *n)
{
    if (n->pcb != NULL) {
        tcp_arg(n->pcb, NULL);
        tcp_recv(n->pcb, NULL);
        tcp_err(n->pcb, NULL);
    }
}

static void net_close(void *ctx)
{
    herald_lwip_net_t *n = ctx;
    if (n->pcb != NULL) {
        detach(n);
        if (tcp_close(n->pcb) != ERR_OK) {
            tcp_abort(n->pcb);
        }
        n->pcb = NULL;
    }
    if (n->rx != NULL) {
        pbuf_free(n->rx);
        n->rx = NULL;
    }
    n->state = ST_CLOSED;
    n->fail = 0;
}

static int net_connect(void *ctx, const char *host, uint16_t port)
{
    herald_lwip_net_t *n = ctx;
    ip_addr_t addr;
    switch (n->state) {
    case ST_CONNECTING:
        return 0;
    case ST_OPEN:
    case ST_PEER_CLOSED:
        return 1;
    case ST_FAILED:
        return n->fail;
    default:
        break;
    }
    if (host == NULL) {
        return HERALD_E_INVALID_ARG;
    }
    if (!ipaddr_aton(host, &addr)) {
        return HERALD_E_NET;
    }
    n->pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    if (n->pcb == NULL) {
        return HERALD_E_NET;
    }
    tcp_arg(n->pcb, n);
    tcp_recv(n->pcb, on_recv);
    tcp_err(n->pcb, on_err);
    tcp_nagle_disable(n->pcb);
    n->state = ST_CONNECTING;
    if (tcp_connect(n->pcb, &addr, port, on_connected) != ERR_OK) {
        net_close(n);
        return HERALD_E_NET;
    }
    return 0;
}

static int net_send(void *ctx, const uint8_t *buf, size_t len)
{
    herald_lwip_net_t *n = ctx;
    if (len == 0) {
        return HERALD_E_INVALID_ARG;
    }
    if (n->state != ST_OPEN) {
        return n->state == ST_PEER_CLOSED ? HERALD_E_NET_CLOSED
               : n->state == ST_FAILED    ? n->fail
                                          : HERALD_E_NET;
    }
    size_t room = tcp_sndbuf(n->pcb);
    if (room == 0 || tcp_sndqueuelen(n->pcb) >= TCP_SND_QUEUELEN) {
        return 0;
    }
    u16_t take = (u16_t)(len < room ? len : room);
    err_t e = tcp_write(n->pcb, buf, take, TCP_WRITE_FLAG_COPY);
    if (e == ERR_MEM) {
        return 0;
    }
    if (e != ERR_OK) {
        return HERALD_E_NET;
    }
    (void)tcp_output(n->pcb);
    return (int)take;
}

static int net_recv(void *ctx, uint8_t *buf, size_t len)
{
    herald_lwip_net_t *n = ctx;
    if (len == 0) {
        return HERALD_E_INVALID_ARG;
    }
    if (n->rx != NULL) {
        u16_t take = (u16_t)(len < n->rx->tot_len ? len : n->rx->tot_len);
        (void)pbuf_copy_partial(n->rx, buf, take, 0);
        n->rx = pbuf_free_header(n->rx, take);
        if (n->pcb != NULL) {
            tcp_recved(n->pcb, take);
        }
        return (int)take;
    }
    switch (n->state) {
    case ST_OPEN:
        return 0;
    case ST_PEER_CLOSED:
        return HERALD_E_NET_CLOSED;
    case ST_FAILED:
        return n->fail;
    default:
        return HERALD_E_NET;
    }
}

void herald_lwip_net_init(herald_lwip_net_t *n, herald_net_t *out)
{
    memset(n, 0, sizeof *n);
    n->state = ST_CLOSED;
    *out = (herald_net_t){
        .connect = net_connect, .send = net_send, .recv = net_recv, .close = net_close, .ctx = n
    };
}
