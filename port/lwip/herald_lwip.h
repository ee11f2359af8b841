/* SPDX-License-Identifier: Apache-2.0 */
/* The hal net seam over lwIP's raw TCP API, for NO_SYS=1 super-loops (no
 * RTOS, no sockets).  Everything runs in the loop's context: lwIP calls back
 * into this port from sys_check_timeouts() and the netif's input, never from
 * an interrupt, so there is no locking.  Received data is held as the pbufs
 * lwIP delivered and the TCP window is reopened only as recv() consumes
 * them, so a slow reader throttles the peer instead of losing data. */
#ifndef HERALD_LWIP_H
#define HERALD_LWIP_H

#include <stdint.h>
#include "hal/herald_net.h"

struct tcp_pcb;
struct pbuf;

/* One TCP stream.  Owned by the caller (static); the fields are private to
 * net_lwip.c. */
typedef struct herald_lwip_net {
    struct tcp_pcb *pcb; /* NULL when closed or after lwIP freed it */
    struct pbuf *rx;     /* received, not yet read */
    int state;
    int fail; /* the status a failed stream keeps giving */
} herald_lwip_net_t;

/* Make n a closed stream and fill *out with the seam over it.
 *
 * connect(host, port): host must be an IPv4 literal (this port does no DNS;
 *   a name gives HERALD_E_NET).  The first call starts the connect (SYN);
 *   later calls report it.  1 connected (Nagle is off), 0 in progress,
 *   HERALD_E_NET when it was refused, reset or could not start (no route,
 *   no free PCB), HERALD_E_INVALID_ARG for a NULL host.  No timeout here
 *   beyond lwIP's SYN retries: the caller tracks time and calls close().
 * send(): copies up to len bytes into lwIP's send buffer and pushes them
 *   out: >0 bytes taken, 0 the send buffer or segment queue is full,
 *   HERALD_E_NET_CLOSED after the peer closed, HERALD_E_NET on a reset or
 *   when not connected, HERALD_E_INVALID_ARG for len 0.
 * recv(): >0 bytes, 0 nothing yet, HERALD_E_NET_CLOSED once the peer's FIN
 *   is reached (again on every later call), HERALD_E_NET after a reset or
 *   when not connected, HERALD_E_INVALID_ARG for len 0.
 * close(): graceful close (FIN; an abort when lwIP has no memory for it),
 *   drops unread data; safe on a closed or never-opened stream. */
void herald_lwip_net_init(herald_lwip_net_t *n, herald_net_t *out);

#endif
