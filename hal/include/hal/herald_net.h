/* SPDX-License-Identifier: Apache-2.0 */
/* The network seam: a non-blocking byte stream.  Plain TCP (port/posix,
 * port/lwip) and TLS over TCP (port/mbedtls) both present it, so the HTTP
 * client in firmware/ neither knows nor cares which it talks to.
 *
 * Return contract, for every function returning int:
 *   > 0  progress (bytes moved; for connect: connected)
 *     0  would block: nothing happened, call again later with the same args
 *   < 0  a herald_status_t error; the stream is unusable until close()
 * A peer that closed the stream gives HERALD_E_NET_CLOSED from recv, never 0:
 * 0 MUST NOT be returned after a disconnect. */
#ifndef HERALD_HAL_NET_H
#define HERALD_HAL_NET_H

#include <stddef.h>
#include <stdint.h>

typedef struct herald_net {
    /* Begin or continue connecting to host (name or IP literal) and port.
     * >0 connected, 0 in progress, <0 HERALD_E_NET / HERALD_E_TIMEOUT /
     * HERALD_E_TLS / HERALD_E_TLS_VERIFY / HERALD_E_TLS_KEY_USAGE. */
    int (*connect)(void *ctx, const char *host, uint16_t port);
    /* Send up to len bytes: >0 accepted, 0 would block, <0 error. */
    int (*send)(void *ctx, const uint8_t *buf, size_t len);
    /* Receive up to len bytes: >0 received, 0 nothing yet, <0 error
     * (HERALD_E_NET_CLOSED when the peer closed). */
    int (*recv)(void *ctx, uint8_t *buf, size_t len);
    /* Close; safe to call on a closed or never-opened stream. */
    void (*close)(void *ctx);
    void *ctx;
} herald_net_t;

#endif
