/* SPDX-License-Identifier: Apache-2.0 */
/* LAN9118 driver: register map from the SMSC LAN9118 datasheet (section 5,
 * "Register Description"). */
#include <string.h>

#include "board.h"
#include "lan9118.h"
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/snmp.h"
#include "netif/ethernet.h"

/* System control and status registers (byte offsets). */
#define RX_DATA_FIFO 0x00u
#define TX_DATA_FIFO 0x20u
#define RX_STATUS_FIFO 0x40u
#define TX_STATUS_FIFO 0x48u
#define ID_REV 0x50u
#define IRQ_CFG 0x54u
#define INT_STS 0x58u
#define INT_EN 0x5Cu
#define BYTE_TEST 0x64u
#define FIFO_INT 0x68u
#define RX_CFG 0x6Cu
#define TX_CFG 0x70u
#define HW_CFG 0x74u
#define RX_FIFO_INF 0x7Cu
#define TX_FIFO_INF 0x80u
#define PMT_CTRL 0x84u
#define MAC_CSR_CMD 0xA4u
#define MAC_CSR_DATA 0xA8u

#define BYTE_TEST_VALUE 0x87654321u
#define IRQ_CFG_IRQ_EN (1u << 8)
#define IRQ_CFG_IRQ_POL (1u << 4)  /* active high */
#define IRQ_CFG_IRQ_TYPE (1u << 0) /* push-pull */
#define INT_RSFL (1u << 3)         /* RX status FIFO above its level */
#define TX_CFG_TX_ON (1u << 1)
#define TX_CFG_TXSAO (1u << 2) /* TX status FIFO may overrun: statuses are optional */
#define HW_CFG_SRST (1u << 0)
#define HW_CFG_MBO (1u << 20)
#define HW_CFG_TX_FIF_SZ(kb) ((uint32_t)(kb) << 16)
#define PMT_CTRL_READY (1u << 0)
#define MAC_CSR_BUSY (1u << 31)
#define MAC_CSR_READ (1u << 30)

/* TX command words. */
#define TXA_FIRST_SEG (1u << 13)
#define TXA_LAST_SEG (1u << 12)
#define RXS_ERROR (1u << 15)
#define TXS_ERROR (1u << 15)

/* MAC CSRs, reached through MAC_CSR_CMD/DATA. */
#define MAC_CR 1u
#define MAC_ADDRH 2u
#define MAC_ADDRL 3u
#define MII_ACC 6u
#define MII_DATA 7u
#define MAC_CR_FDPX (1u << 20)
#define MAC_CR_TXEN (1u << 3)
#define MAC_CR_RXEN (1u << 2)
#define MII_ACC_BUSY (1u << 0)
#define MII_ACC_WRITE (1u << 1)
#define PHY_ADDR 1u

/* Internal PHY registers (IEEE 802.3 clause 22). */
#define PHY_BMCR 0u
#define PHY_BMSR 1u
#define PHY_ANAR 4u
#define BMCR_RESET (1u << 15)
#define BMCR_ANENABLE (1u << 12)
#define BMCR_ANRESTART (1u << 9)
#define BMSR_LINK (1u << 2)
#define ANAR_ALL_10_100 0x01E1u

/* Spin limit for register handshakes; the chip answers in microseconds. */
#define SPIN_MAX 100000u

static lan9118_stats_t g_stats;
static uint32_t g_next_link_check;

static inline uint32_t rd(uint32_t off)
{
    return *(volatile uint32_t *)(BOARD_LAN9118_BASE + off);
}

static inline void wr(uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)(BOARD_LAN9118_BASE + off) = v;
}

static int mac_wait(void)
{
    for (uint32_t i = 0; i < SPIN_MAX; i++) {
        if ((rd(MAC_CSR_CMD) & MAC_CSR_BUSY) == 0u) {
            return 0;
        }
    }
    return -1;
}

static uint32_t mac_read(uint32_t reg)
{
    (void)mac_wait();
    wr(MAC_CSR_CMD, MAC_CSR_BUSY | MAC_CSR_READ | reg);
    (void)mac_wait();
    return rd(MAC_CSR_DATA);
}

static void mac_write(uint32_t reg, uint32_t v)
{
    (void)mac_wait();
    wr(MAC_CSR_DATA, v);
    wr(MAC_CSR_CMD, MAC_CSR_BUSY | reg);
    (void)mac_wait();
}

static int mii_wait(void)
{
    for (uint32_t i = 0; i < SPIN_MAX; i++) {
        if ((mac_read(MII_ACC) & MII_ACC_BUSY) == 0u) {
            return 0;
        }
    }
    return -1;
}

static uint16_t phy_read(uint32_t reg)
{
    (void)mii_wait();
    mac_write(MII_ACC, (PHY_ADDR << 11) | (reg << 6) | MII_ACC_BUSY);
    (void)mii_wait();
    return (uint16_t)mac_read(MII_DATA);
}

static void phy_write(uint32_t reg, uint16_t v)
{
    (void)mii_wait();
    mac_write(MII_DATA, v);
    mac_write(MII_ACC, (PHY_ADDR << 11) | (reg << 6) | MII_ACC_WRITE | MII_ACC_BUSY);
    (void)mii_wait();
}

/* The whole frame goes in as one buffer (first and last segment), its bytes
 * packed little-endian into FIFO words across the pbuf chain. */
static err_t low_output(struct netif *netif, struct pbuf *p)
{
    uint32_t len = p->tot_len;
    (void)netif;
    if (len > 1514u) {
        return ERR_ARG;
    }
    for (uint32_t i = 0; (rd(TX_FIFO_INF) & 0xFFFFu) < len + 8u; i++) {
        if (i == SPIN_MAX) {
            g_stats.tx_errors++;
            return ERR_MEM;
        }
    }
    wr(TX_DATA_FIFO, TXA_FIRST_SEG | TXA_LAST_SEG | len);
    wr(TX_DATA_FIFO, (len << 16) | len);
    uint32_t word = 0, nbytes = 0;
    for (const struct pbuf *q = p; q != NULL; q = q->next) {
        const uint8_t *b = q->payload;
        for (uint16_t i = 0; i < q->len; i++) {
            word |= (uint32_t)b[i] << (8u * nbytes);
            if (++nbytes == 4u) {
                wr(TX_DATA_FIFO, word);
                word = 0;
                nbytes = 0;
            }
        }
    }
    if (nbytes != 0u) {
        wr(TX_DATA_FIFO, word);
    }
    /* Drain the TX statuses so the FIFO never fills; count failures. */
    while (((rd(TX_FIFO_INF) >> 16) & 0xFFu) != 0u) {
        if (rd(TX_STATUS_FIFO) & TXS_ERROR) {
            g_stats.tx_errors++;
        }
    }
    g_stats.tx_frames++;
    return ERR_OK;
}

/* Read one frame of len bytes (with its 4-byte FCS) out of the RX data FIFO
 * into a pbuf chain; NULL (the frame is still consumed) when it is bad or no
 * pbuf is free. */
static struct pbuf *read_frame(uint32_t len, int bad)
{
    uint32_t words = (len + 3u) / 4u;
    struct pbuf *p = NULL;
    if (!bad && len > 4u + 14u) {
        p = pbuf_alloc(PBUF_RAW, (u16_t)(len - 4u), PBUF_POOL);
    }
    if (p == NULL) {
        for (uint32_t i = 0; i < words; i++) {
            (void)rd(RX_DATA_FIFO);
        }
        return NULL;
    }
    uint32_t word = 0, got = 0;
    for (struct pbuf *q = p; q != NULL; q = q->next) {
        uint8_t *b = q->payload;
        for (uint16_t i = 0; i < q->len; i++) {
            if ((got & 3u) == 0u) {
                word = rd(RX_DATA_FIFO);
            }
            b[i] = (uint8_t)(word >> (8u * (got & 3u)));
            got++;
        }
    }
    /* The FCS and padding words left over. */
    for (uint32_t i = (got + 3u) / 4u; i < words; i++) {
        (void)rd(RX_DATA_FIFO);
    }
    return p;
}

void lan9118_poll(struct netif *netif, uint32_t now_ms)
{
    /* Acknowledge first: a frame landing during the drain re-raises it. */
    wr(INT_STS, INT_RSFL);
    while (((rd(RX_FIFO_INF) >> 16) & 0xFFu) != 0u) {
        uint32_t st = rd(RX_STATUS_FIFO);
        uint32_t len = (st >> 16) & 0x3FFFu;
        struct pbuf *p = read_frame(len, (st & RXS_ERROR) != 0u);
        if (p == NULL) {
            g_stats.rx_dropped++;
            continue;
        }
        g_stats.rx_frames++;
        if (netif->input(p, netif) != ERR_OK) {
            pbuf_free(p);
        }
    }
    wr(INT_EN, INT_RSFL);

    if ((int32_t)(now_ms - g_next_link_check) >= 0) {
        g_next_link_check = now_ms + 1000u;
        int up = (phy_read(PHY_BMSR) & BMSR_LINK) != 0u;
        if (up && !netif_is_link_up(netif)) {
            netif_set_link_up(netif);
        } else if (!up && netif_is_link_up(netif)) {
            netif_set_link_down(netif);
        }
    }
}

/* The interrupt only wakes the super-loop: mask until lan9118_poll drains. */
void board_eth_isr(void)
{
    wr(INT_EN, 0);
}

const lan9118_stats_t *lan9118_stats(void)
{
    return &g_stats;
}

err_t lan9118_netif_init(struct netif *netif)
{
    if (rd(BYTE_TEST) != BYTE_TEST_VALUE || (rd(ID_REV) >> 16) != 0x0118u) {
        return ERR_IF;
    }
    wr(HW_CFG, HW_CFG_SRST);
    uint32_t i;
    for (i = 0; i < SPIN_MAX && (rd(HW_CFG) & HW_CFG_SRST) != 0u; i++) {
    }
    for (; i < SPIN_MAX && (rd(PMT_CTRL) & PMT_CTRL_READY) == 0u; i++) {
    }
    if (i == SPIN_MAX) {
        return ERR_IF;
    }
    wr(HW_CFG, HW_CFG_MBO | HW_CFG_TX_FIF_SZ(5));

    /* The chip loads its address from the EEPROM at reset; a blank EEPROM
     * leaves zeros, and then a fixed locally administered address is used. */
    uint32_t lo = mac_read(MAC_ADDRL), hi = mac_read(MAC_ADDRH) & 0xFFFFu;
    if ((lo == 0u && hi == 0u) || (lo == 0xFFFFFFFFu && hi == 0xFFFFu)) {
        lo = 0x12005402u; /* 02:54:00:12:34:56 */
        hi = 0x5634u;
        mac_write(MAC_ADDRL, lo);
        mac_write(MAC_ADDRH, hi);
    }
    for (unsigned k = 0; k < 4u; k++) {
        netif->hwaddr[k] = (u8_t)(lo >> (8u * k));
    }
    netif->hwaddr[4] = (u8_t)hi;
    netif->hwaddr[5] = (u8_t)(hi >> 8);
    netif->hwaddr_len = ETH_HWADDR_LEN;

    phy_write(PHY_BMCR, BMCR_RESET);
    for (i = 0; i < 1000u && (phy_read(PHY_BMCR) & BMCR_RESET) != 0u; i++) {
    }
    phy_write(PHY_ANAR, ANAR_ALL_10_100);
    phy_write(PHY_BMCR, BMCR_ANENABLE | BMCR_ANRESTART);

    wr(FIFO_INT, 0); /* RSFL as soon as one status is waiting */
    wr(RX_CFG, 0);   /* no offset, 4-byte end alignment */
    wr(TX_CFG, TX_CFG_TX_ON | TX_CFG_TXSAO);
    mac_write(MAC_CR, MAC_CR_FDPX | MAC_CR_TXEN | MAC_CR_RXEN);
    wr(INT_STS, 0xFFFFFFFFu);
    wr(INT_EN, INT_RSFL);
    wr(IRQ_CFG, IRQ_CFG_IRQ_EN | IRQ_CFG_IRQ_POL | IRQ_CFG_IRQ_TYPE);
    *(volatile uint32_t *)0xE000E100u = 1u << BOARD_IRQ_ETH; /* NVIC_ISER0 */

    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->mtu = 1500;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    netif->output = etharp_output;
    netif->linkoutput = low_output;
    g_next_link_check = 0;
    return ERR_OK;
}
