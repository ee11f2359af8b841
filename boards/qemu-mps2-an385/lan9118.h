/* SPDX-License-Identifier: Apache-2.0 */
/* SMSC LAN9118 Ethernet controller as an lwIP netif (NO_SYS=1), written from
 * the chip's register map: 32-bit PIO through the TX/RX data and status
 * FIFOs, internal PHY over the MII, one interrupt (RX status FIFO level)
 * used only to wake the CPU; frames are moved in lan9118_poll() from the
 * super-loop, never in the interrupt. */
#ifndef BOARD_LAN9118_H
#define BOARD_LAN9118_H

#include <stdint.h>
#include "lwip/netif.h"

typedef struct {
    uint32_t rx_frames;
    uint32_t rx_dropped; /* errored frames, or no pbuf for them */
    uint32_t tx_frames;
    uint32_t tx_errors; /* TX status with the error summary bit */
} lan9118_stats_t;

/* netif_add() init callback: resets the chip, reads its MAC address (from
 * the EEPROM the chip loaded, else a fixed local one), brings up the PHY and
 * the MAC.  ERR_IF when no LAN9118 answers at BOARD_LAN9118_BASE. */
err_t lan9118_netif_init(struct netif *netif);

/* Pass every received frame to netif->input, and follow the PHY link
 * (checked at most once a second).  Call from the super-loop. */
void lan9118_poll(struct netif *netif, uint32_t now_ms);

const lan9118_stats_t *lan9118_stats(void);

#endif
