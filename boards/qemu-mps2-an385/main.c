/* SPDX-License-Identifier: Apache-2.0 */
/* The firmware application: load the template image from flash, raise the
 * seed's order confirmation and a system alert, deliver them over TLS
 * (lwIP + Mbed TLS) to the platform, print a line per outcome, and stop QEMU with
 * status 0 when every notification was delivered.
 *
 * Options come on the semihosting command line (QEMU -semihosting-config
 * arg=...), as key=value words:
 *   flash=PATH   queue on NOR flash kept in this host file (survives a
 *                restart: stopping QEMU is a power cut); without it the
 *                queue is in RAM
 *   raise=0      raise nothing: only deliver what the flash queue holds
 *   resume=1     close the connection after the first delivery, so the
 *                second one resumes the TLS session (heap peaks of both)
 *   timeout=S    give up after S seconds (default 60) with status 1
 *   url=URL      another base URL (tests use it to show that the guest can
 *                reach nothing but the one forwarded address) */
#include <string.h>

#include "board.h"
#include "flash_sh.h"
#include "herald/herald.h"
#include "lan9118.h"
#include "net.h"
#include "port/lwip/herald_lwip.h"
#include "port/mbedtls/herald_tls.h"
#include "semihost.h"

#ifndef HERALD_APP_ID
#define HERALD_APP_ID "demo-app"
#endif
#ifndef HERALD_API_KEY
#define HERALD_API_KEY "demo-key"
#endif
/* QEMU's user network forwards this one guest address to the simulator. */
#define PLATFORM_URL "https://10.0.2.100:443"
/* The simulator's certificate names localhost and 127.0.0.1, not the guest
 * address, so the name checked (and sent as SNI) is set explicitly. */
#define PLATFORM_TLS_NAME "localhost"

/* Mbed TLS's heap: measured peaks are ~12.7 KiB (full handshake) and
 * ~13.9 KiB (resumed) plus a 32-byte header per block (~90 blocks); the rest
 * is room for fragmentation and a server that sends a longer chain. */
#define TLS_HEAP_SIZE (20u * 1024u)
#define QUEUE_RAM_SIZE 2048u
#define DHCP_WAIT_MS 15000u

extern const uint8_t board_template_image[], board_template_image_end[];
extern const char board_ca_pem[], board_ca_pem_end[];

static uint8_t g_tls_heap[TLS_HEAP_SIZE] __attribute__((aligned(8)));
static uint8_t g_tcache_arena[HERALD_TCACHE_ARENA_SIZE];
static herald_tcache_t g_tcache;
static herald_agent_t g_agent;
static herald_tls_t g_tls;
static herald_lwip_net_t g_tcp;
static herald_ram_queue_t g_ram_queue;
static uint8_t g_ram_queue_buf[QUEUE_RAM_SIZE];
static herald_flash_queue_t g_flash_queue;
static board_flash_sh_t g_flash;

typedef struct {
    const char *flash;
    int raise;
    int resume;
    uint32_t timeout_s;
    const char *url;
} options_t;

typedef struct {
    uint32_t delivered;
    uint32_t failed;
    herald_tls_heap_stats_t heap[2]; /* peaks: first delivery, second one */
    uint32_t full_hs[2], resumed_hs[2];
} tally_t;

static tally_t g_tally;

static void parse_options(char *line, options_t *o)
{
    o->flash = NULL;
    o->raise = 1;
    o->resume = 0;
    o->timeout_s = 60;
    o->url = PLATFORM_URL;
    for (char *w = line; *w != '\0';) {
        char *end = w;
        while (*end != '\0' && *end != ' ') {
            end++;
        }
        char next = *end;
        *end = '\0';
        if (strncmp(w, "flash=", 6) == 0) {
            o->flash = w + 6;
        } else if (strcmp(w, "raise=0") == 0) {
            o->raise = 0;
        } else if (strcmp(w, "resume=1") == 0) {
            o->resume = 1;
        } else if (strncmp(w, "url=", 4) == 0) {
            o->url = w + 4;
        } else if (strncmp(w, "timeout=", 8) == 0) {
            uint32_t v = 0;
            for (const char *p = w + 8; *p >= '0' && *p <= '9'; p++) {
                v = v * 10u + (uint32_t)(*p - '0');
            }
            o->timeout_s = v != 0u ? v : o->timeout_s;
        }
        w = next != '\0' ? end + 1 : end;
    }
}

static void on_result(void *ctx, const herald_outcome_t *o)
{
    tally_t *t = ctx;
    uint32_t n = t->delivered + t->failed;
    if (n < 2u) {
        herald_tls_stats_t ts = herald_tls_stats(&g_tls);
        t->heap[n] = herald_tls_heap_stats();
        t->full_hs[n] = ts.full_handshakes;
        t->resumed_hs[n] = ts.resumed_handshakes;
        herald_tls_heap_reset_peak();
    }
    if (o->status != HERALD_OK) {
        t->failed++;
        board_printf("failed handle=%u status=%s(%d) attempts=%u\n", (unsigned)o->handle,
                     herald_status_name(o->status), (int)(o->status), (unsigned)o->attempts);
        return;
    }
    t->delivered++;
    board_printf("delivered handle=%u notificationId=%s channels=", (unsigned)o->handle,
                 o->result->notification_id);
    for (size_t i = 0; i < o->result->nchannels; i++) {
        board_printf("%s%s", i ? "," : "", o->result->channels[i]);
    }
    /* The line carries what a test or an operator needs (the id the
     * platform gave, its channels); the whole answer as JSON is the CLI's
     * job, and leaving its writer out saves 0.8 KiB of flash. */
    board_printf(" attempts=%u\n", (unsigned)o->attempts);
}

static int setup_queue(const options_t *opt, herald_queue_t *q)
{
    if (opt->flash == NULL) {
        board_printf("queue: RAM, %u bytes (lost at reset)\n", QUEUE_RAM_SIZE);
        return herald_ram_queue_init(&g_ram_queue, g_ram_queue_buf, sizeof g_ram_queue_buf, q) == HERALD_OK
                   ? 0
                   : -1;
    }
    const herald_flash_t *f = board_flash_sh_open(&g_flash, opt->flash);
    if (f == NULL) {
        board_printf("queue: cannot open flash file %s\n", opt->flash);
        return -1;
    }
    herald_status_t st = herald_flash_queue_init(&g_flash_queue, f, q);
    if (st != HERALD_OK) {
        board_printf("queue: flash init failed: %s(%d)\n", herald_status_name(st), (int)(st));
        return -1;
    }
    board_printf("queue: flash %ux%u bytes in %s, %u waiting\n", (unsigned)f->geometry.sector_count,
                 (unsigned)f->geometry.sector_size, opt->flash, (unsigned)q->count(q->ctx));
    return 0;
}

static int setup_tls(herald_net_t *tls_net, const herald_rng_t *rng, const herald_clock_t *clock)
{
    static herald_net_t tcp_net;
    herald_tls_config_t tcfg;
    int r = herald_tls_platform_init(g_tls_heap, sizeof g_tls_heap, rng, clock);
    if (r != HERALD_OK) {
        board_printf("tls: platform init failed: %s(%d)\n", herald_status_name((herald_status_t)r),
                     (int)((herald_status_t)r));
        return -1;
    }
    herald_lwip_net_init(&g_tcp, &tcp_net);
    memset(&tcfg, 0, sizeof tcfg);
    tcfg.ca_pem = board_ca_pem;
    tcfg.ca_pem_len = (size_t)(board_ca_pem_end - board_ca_pem);
    tcfg.server_name = PLATFORM_TLS_NAME;
    tcfg.min_version = HERALD_TLS_1_2;
    tcfg.max_version = HERALD_TLS_1_3;
    r = herald_tls_init(&g_tls, &tcfg, &tcp_net, tls_net);
    if (r != HERALD_OK) {
        board_printf("tls: init failed: %s(%d)\n", herald_status_name((herald_status_t)r),
                     (int)((herald_status_t)r));
        return -1;
    }
    herald_tls_heap_stats_t hs = herald_tls_heap_stats();
    board_printf("tls: CA parsed, heap %u of %u bytes in use\n", (unsigned)hs.bytes, TLS_HEAP_SIZE);
    return 0;
}

static const char *const g_jane[] = { "user-jane-123" };

static void raise_order(void)
{
    static const herald_var_t vars[] = { { "customerName", "Jane", 0 }, { "orderId", "ORD-12345", 0 } };
    herald_notification_t n;
    uint32_t handle = 0;

    memset(&n, 0, sizeof n);
    n.template_key = "order-confirmation";
    n.vars = vars;
    n.nvars = 2;
    n.targets = g_jane;
    n.ntargets = 1;
    n.mode = HERALD_MODE_REALTIME;
    n.title = "Order Confirmed";
    herald_status_t st = herald_notify(&g_agent, &n, &handle);
    board_printf("raised order-confirmation: %s(%d) handle=%u\n", herald_status_name(st), (int)(st),
                 (unsigned)handle);
}

static void raise_alert(void)
{
    static const herald_var_t vars[] = { { "device", "mps2-an385", 0 },
                                         { "message", "Herald firmware booted", 0 } };
    herald_notification_t n;
    uint32_t handle = 0;

    memset(&n, 0, sizeof n);
    n.template_key = "system-alert";
    n.vars = vars;
    n.nvars = 2;
    n.targets = g_jane;
    n.ntargets = 1;
    n.mode = HERALD_MODE_REALTIME;
    n.title = "System alert";
    n.priority = HERALD_PRIO_ALERT;
    herald_status_t st = herald_notify(&g_agent, &n, &handle);
    board_printf("raised system-alert: %s(%d) handle=%u\n", herald_status_name(st), (int)(st),
                 (unsigned)handle);
}

static void report(void)
{
    for (unsigned i = 0; i < 2u && i < g_tally.delivered + g_tally.failed; i++) {
        const char *kind = g_tally.resumed_hs[i] > (i ? g_tally.resumed_hs[i - 1] : 0u) ? "resumed handshake"
                           : g_tally.full_hs[i] > (i ? g_tally.full_hs[i - 1] : 0u)     ? "full handshake"
                                                                                    : "kept-alive connection";
        /* Each block also costs the allocator a 32-byte header. */
        board_printf("tls-heap: send %u (%s) peak %u bytes in %u blocks (%u with headers)\n", i + 1, kind,
                     (unsigned)g_tally.heap[i].peak_bytes, (unsigned)g_tally.heap[i].peak_blocks,
                     (unsigned)(g_tally.heap[i].peak_bytes + 32u * g_tally.heap[i].peak_blocks));
    }
    board_printf("stack: peak %u bytes\n", (unsigned)board_stack_peak());
    const lan9118_stats_t *e = lan9118_stats();
    board_printf("eth: %u frames in (%u dropped), %u out (%u errors)\n", (unsigned)e->rx_frames,
                 (unsigned)e->rx_dropped, (unsigned)e->tx_frames, (unsigned)e->tx_errors);
}

/* The super-loop: lwIP and the agent until `total` outcomes were reported.
 * 0 done, 1 no address or out of time. */
static int run_until_sent(const options_t *opt, uint32_t total, uint64_t deadline)
{
    static int announced;
    const char *ip = NULL;
    while (g_tally.delivered + g_tally.failed < total) {
        uint64_t now = board_ms();
        board_net_poll(now);
        if (board_net_ready(&ip)) {
            if (!announced) {
                announced = 1;
                board_printf("net: DHCP bound %s at %u ms since boot, platform %s\n", ip, (unsigned)now,
                             opt->url);
            }
            (void)herald_poll(&g_agent, now);
        } else if (!announced && now > DHCP_WAIT_MS) {
            board_printf("net: no DHCP answer after %u ms\n", DHCP_WAIT_MS);
            return 1;
        }
        if (now > deadline) {
            board_printf("timeout: %u of %u delivered, last status %s(%d)\n", (unsigned)g_tally.delivered,
                         (unsigned)total, herald_status_name(herald_last_status(&g_agent)),
                         (int)(herald_last_status(&g_agent)));
            return 1;
        }
        board_idle();
    }
    return 0;
}

int main(void)
{
    options_t opt;
    char cmdline[256];
    herald_queue_t queue;
    herald_net_t tls_net;
    herald_config_t cfg;
    herald_rng_t rng;
    herald_clock_t clock;
    size_t loaded = 0;

    board_init();
    board_printf("\nherald: mps2-an385 firmware, agent over lwIP and Mbed TLS\n");
    if (sh_cmdline(cmdline, sizeof cmdline) < 0) {
        cmdline[0] = '\0';
    }
    parse_options(cmdline, &opt);
    if (board_rng_init() != HERALD_OK) {
        board_printf("rng: no entropy seed from the host, refusing to run TLS\n");
        return 2;
    }
    rng = board_rng();
    clock = board_clock();
    if (clock.wall_s(NULL) < 0) {
        board_printf("clock: no wall time from the host, certificates cannot be checked\n");
        return 2;
    }

    herald_status_t st = herald_tcache_init(&g_tcache, g_tcache_arena, sizeof g_tcache_arena);
    if (st == HERALD_OK) {
        st = herald_timage_load(&g_tcache, board_template_image,
                                (size_t)(board_template_image_end - board_template_image), &loaded);
    }
    board_printf("templates: %s(%d), %u loaded from the flash image (%u bytes)\n", herald_status_name(st),
                 (int)(st), (unsigned)loaded, (unsigned)(board_template_image_end - board_template_image));
    if (st != HERALD_OK || setup_queue(&opt, &queue) != 0 || setup_tls(&tls_net, &rng, &clock) != 0) {
        return 2;
    }
    if (board_net_init() != 0) {
        board_printf("net: no LAN9118 found\n");
        return 2;
    }

    memset(&cfg, 0, sizeof cfg);
    cfg.app_id = HERALD_APP_ID;
    cfg.api_key = HERALD_API_KEY;
    cfg.base_url = opt.url;
    cfg.transport = &tls_net;
    cfg.rng = &rng;
    cfg.templates = &g_tcache;
    cfg.queue = &queue;
    cfg.on_result = on_result;
    cfg.result_ctx = &g_tally;
    cfg.clock = &clock;
    st = herald_init(&g_agent, &cfg);
    if (st != HERALD_OK) {
        board_printf("agent: init failed: %s(%d)\n", herald_status_name(st), (int)(st));
        return 2;
    }
    uint32_t waiting = (uint32_t)queue.count(queue.ctx);
    if (opt.raise) {
        raise_order();
        if (!opt.resume) {
            raise_alert();
        }
    }
    board_printf("queued: %u (%u from before this boot)\n", (unsigned)queue.count(queue.ctx),
                 (unsigned)waiting);

    uint64_t deadline = board_ms() + (uint64_t)opt.timeout_s * 1000u;
    herald_tls_heap_reset_peak();
    int rc = run_until_sent(&opt, (uint32_t)queue.count(queue.ctx), deadline);
    if (rc == 0 && opt.raise && opt.resume) {
        /* A fresh connection for the alert: it resumes the TLS session. */
        herald_close(&g_agent);
        raise_alert();
        rc = run_until_sent(&opt, g_tally.delivered + g_tally.failed + 1u, deadline);
    }
    if (rc != 0) {
        return rc;
    }
    herald_close(&g_agent);
    herald_tls_stats_t ts = herald_tls_stats(&g_tls);
    board_printf("tls: %u full and %u resumed handshakes, %u bytes out, %u in\n",
                 (unsigned)ts.full_handshakes, (unsigned)ts.resumed_handshakes, (unsigned)ts.bytes_sent,
                 (unsigned)ts.bytes_received);
    report();
    {
        const herald_counters_t *c = herald_counters(&g_agent);
        board_printf("counters: raised=%u refused_local=%u queued=%u sent=%u refused_platform=%u retried=%u "
                     "failed=%u expired=%u dropped=%u coalesced=%u bytes_sent=%u bytes_received=%u "
                     "handshakes_full=%u handshakes_resumed=%u\n",
                     (unsigned)c->raised, (unsigned)c->refused_local, (unsigned)c->queued, (unsigned)c->sent,
                     (unsigned)c->refused_platform, (unsigned)c->retried, (unsigned)c->failed,
                     (unsigned)c->expired, (unsigned)c->dropped, (unsigned)c->coalesced,
                     (unsigned)c->bytes_sent, (unsigned)c->bytes_received, (unsigned)ts.full_handshakes,
                     (unsigned)ts.resumed_handshakes);
    }
    board_printf("done: %u delivered, %u failed\n", (unsigned)g_tally.delivered, (unsigned)g_tally.failed);
    return g_tally.failed == 0u ? 0 : 1;
}
