/* SPDX-License-Identifier: Apache-2.0 */
/* lwIP bring-up: one netif on the LAN9118, DHCP, timers from SysTick. */
#include <stdarg.h>

#include "board.h"
#include "lan9118.h"
#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "net.h"
#include "netif/ethernet.h"

static struct netif g_netif;
static char g_ip[16];

/* lwIP's clock for NO_SYS timeouts. */
uint32_t sys_now(void)
{
    return (uint32_t)board_ms();
}

void herald_lwip_diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    board_vprintf(fmt, ap);
    va_end(ap);
}

void herald_lwip_assert(const char *msg, const char *file, int line)
{
    board_printf("lwip assert: %s (%s:%d)\n", msg, file, line);
    board_fault("lwIP assertion");
}

int board_net_init(void)
{
    lwip_init();
    if (netif_add(&g_netif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, NULL, lan9118_netif_init,
                  ethernet_input) == NULL) {
        return -1;
    }
    netif_set_default(&g_netif);
    netif_set_up(&g_netif);
    board_net_poll(board_ms()); /* picks up the PHY link */
    return dhcp_start(&g_netif) == ERR_OK ? 0 : -1;
}

void board_net_poll(uint64_t now_ms)
{
    lan9118_poll(&g_netif, (uint32_t)now_ms);
    sys_check_timeouts();
}

int board_net_ready(const char **ip)
{
    if (!dhcp_supplied_address(&g_netif)) {
        return 0;
    }
    if (ip != NULL) {
        *ip = ip4addr_ntoa_r(netif_ip4_addr(&g_netif), g_ip, sizeof g_ip) != NULL ? g_ip : "?";
    }
    return 1;
}
