/* SPDX-License-Identifier: Apache-2.0 */
/* The board's network: lwIP (NO_SYS=1) on the LAN9118, address by DHCP. */
#ifndef BOARD_NET_H
#define BOARD_NET_H

#include <stdint.h>

/* lwIP, the netif and DHCP.  0, or -1 when the Ethernet chip is missing. */
int board_net_init(void);

/* Move frames and run lwIP's timers; call on every pass of the super-loop. */
void board_net_poll(uint64_t now_ms);

/* 1 once DHCP has bound an address; *ip (may be NULL) gets it as text. */
int board_net_ready(const char **ip);

#endif
