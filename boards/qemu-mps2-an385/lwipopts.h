/* SPDX-License-Identifier: Apache-2.0 */
/* lwIP 2.2 for Herald on the AN385: NO_SYS=1 raw API, IPv4, DHCP, TCP for
 * one TLS connection at a time, nothing else.  Memory is sized for one
 * connection: TCP_MSS of 1024 keeps each received frame in one pool buffer,
 * and the window (3 segments) fits in the pool with room for ARP and DHCP. */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

#include <stdint.h>

/* No RTOS: the super-loop calls sys_check_timeouts() and the driver poll;
 * lwIP is never entered from an interrupt, so it needs no locking. */
#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_SINGLE_NETIF 1

/* DHCP xids and the first local port come from the board's DRBG. */
uint32_t board_rand32(void);
#define LWIP_RAND() board_rand32()
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1

/* Protocols: IPv4 with ARP, ICMP (echo), UDP for DHCP, TCP.  The platform's
 * address is an IP literal on this board, so no DNS. */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ICMP 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_RAW 0
#define LWIP_DHCP 1
#define LWIP_DHCP_DOES_ACD_CHECK 0
#define LWIP_ACD 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define IP_REASSEMBLY 0
#define IP_FRAG 0
#define ARP_TABLE_SIZE 4
#define ARP_QUEUEING 0
#define ETH_PAD_SIZE 0

/* Memory: a small heap for outgoing segments (copied from the TLS layer),
 * a pool for incoming frames. */
#define MEM_ALIGNMENT 4
#define MEM_SIZE (5 * 1024)
#define MEMP_NUM_PBUF 4
#define MEMP_NUM_UDP_PCB 1
#define MEMP_NUM_TCP_PCB 2
#define MEMP_NUM_TCP_PCB_LISTEN 1
#define MEMP_NUM_TCP_SEG 12
#define PBUF_POOL_SIZE 6
#define TCP_MSS 1024
#define TCP_WND (3 * TCP_MSS)
#define TCP_SND_BUF (2 * TCP_MSS)
#define TCP_SND_QUEUELEN 8
#define PBUF_POOL_BUFSIZE LWIP_MEM_ALIGN_SIZE(TCP_MSS + 40 + PBUF_LINK_ENCAPSULATION_HLEN + PBUF_LINK_HLEN)

/* No statistics, hooks or callbacks this board does not use. */
#define LWIP_STATS 0
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_NETIF_HOSTNAME 0
#define LWIP_DHCP_CHECK_LINK_UP 1

#endif
