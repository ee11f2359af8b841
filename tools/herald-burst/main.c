/* SPDX-License-Identifier: Apache-2.0 */
/* herald-burst: send N copies of the seed notification through one agent
 * over TLS and print one JSON line of what it cost: delivered, handshakes
 * (full and resumed), bytes on the wire both ways, Mbed TLS heap peak.  Used
 * by the integration tests (keep-alive, resumption, TLS versions) and by
 * `make bench`. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "herald/herald.h"
#include "herald_posix.h"
#include "herald_tls.h"

static uint8_t tls_heap[96 * 1024];
static uint8_t queue_buf[256 * 1024];
static herald_agent_t agent;

typedef struct {
    unsigned ok, failed;
    herald_status_t last;
} tally_t;

static void on_result(void *ctx, const herald_outcome_t *o)
{
    tally_t *t = ctx;
    if (o->status == HERALD_OK) {
        t->ok++;
    } else {
        t->failed++;
        t->last = o->status;
    }
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        n = 0;
    }
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

int main(int argc, char **argv)
{
    const char *base = NULL, *ca_path = NULL, *app = "app1", *key = NULL;
    unsigned count = 1, reconnect_every = 0, tls_max = 3, tls_min = 2;
    static const herald_var_t vars[] = { { "customerName", "Jane", 0 }, { "orderId", "ORD-12345", 0 } };
    static const char *const target[] = { "user-jane-123" };
    herald_notification_t n = { "order-confirmation", NULL, vars, 2, target, 1, HERALD_MODE_REALTIME,
                                "Order Confirmed", NULL };
    herald_posix_net_t tcp;
    herald_net_t tcp_net, tls_net;
    herald_tls_t tls;
    herald_tls_config_t tcfg;
    herald_rng_t rng = herald_posix_rng();
    herald_clock_t clock = herald_posix_clock();
    herald_ram_queue_t rq;
    herald_queue_t queue;
    herald_config_t cfg;
    tally_t tally = { 0, 0, HERALD_OK };
    herald_tls_stats_t ts;
    herald_tls_heap_stats_t hs;
    char *ca;
    size_t ca_len;
    unsigned sent = 0;
    uint64_t deadline;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--base-url")) base = argv[i + 1];
        else if (!strcmp(argv[i], "--ca")) ca_path = argv[i + 1];
        else if (!strcmp(argv[i], "--app-id")) app = argv[i + 1];
        else if (!strcmp(argv[i], "--api-key")) key = argv[i + 1];
        else if (!strcmp(argv[i], "--count")) count = (unsigned)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--reconnect-every")) reconnect_every = (unsigned)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--tls")) tls_min = tls_max = argv[i + 1][2] == '2' ? 2u : 3u;
        else {
            fprintf(stderr, "herald-burst: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (!base || !ca_path || !key) {
        fprintf(stderr, "usage: herald-burst --base-url URL --ca FILE --api-key KEY [--app-id ID] [--count N]\n"
                        "                    [--reconnect-every K] [--tls 1.2|1.3]\n");
        return 2;
    }
    if (!(ca = read_file(ca_path, &ca_len))) {
        fprintf(stderr, "herald-burst: cannot read %s\n", ca_path);
        return 2;
    }
    herald_tls_platform_init(tls_heap, sizeof tls_heap, &rng, NULL);
    herald_posix_net_init(&tcp, &tcp_net);
    memset(&tcfg, 0, sizeof tcfg);
    tcfg.ca_pem = ca;
    tcfg.ca_pem_len = ca_len + 1;
    tcfg.min_version = (herald_tls_version_t)tls_min;
    tcfg.max_version = (herald_tls_version_t)tls_max;
    if (herald_tls_init(&tls, &tcfg, &tcp_net, &tls_net) != HERALD_OK) {
        fprintf(stderr, "herald-burst: bad CA\n");
        return 2;
    }
    herald_ram_queue_init(&rq, queue_buf, sizeof queue_buf, &queue);
    memset(&cfg, 0, sizeof cfg);
    cfg.app_id = app;
    cfg.api_key = key;
    cfg.base_url = base;
    cfg.transport = &tls_net;
    cfg.rng = &rng;
    cfg.queue = &queue;
    cfg.on_result = on_result;
    cfg.result_ctx = &tally;
    cfg.max_attempts = 1;
    if (herald_init(&agent, &cfg) != HERALD_OK) {
        fprintf(stderr, "herald-burst: bad configuration\n");
        return 2;
    }
    deadline = clock.monotonic_ms(NULL) + 60000u;
    /* One notification at a time, as a device raising them in sequence. */
    while (sent < count || !herald_idle(&agent)) {
        uint64_t now = clock.monotonic_ms(NULL);
        struct pollfd pfd;
        if (now > deadline) {
            fprintf(stderr, "herald-burst: timed out\n");
            break;
        }
        if (herald_idle(&agent) && sent < count) {
            if (reconnect_every && sent > 0 && sent % reconnect_every == 0) {
                herald_close(&agent);
            }
            if (herald_notify(&agent, &n, NULL) != HERALD_OK) {
                fprintf(stderr, "herald-burst: notify refused\n");
                return 1;
            }
            sent++;
        }
        if (herald_poll(&agent, now) == 0u && !herald_idle(&agent)) {
            pfd.fd = herald_posix_net_fd(&tcp);
            pfd.events = POLLIN | (agent.state == HERALD_ST_RECEIVING ? 0 : POLLOUT);
            if (pfd.fd >= 0) {
                (void)poll(&pfd, 1, 20);
            }
        }
    }
    herald_close(&agent);
    ts = herald_tls_stats(&tls);
    hs = herald_tls_heap_stats();
    printf("{\"sent\":%u,\"delivered\":%u,\"failed\":%u,\"last_error\":\"%s\",\"full_handshakes\":%u,"
           "\"resumed_handshakes\":%u,\"connects\":%u,\"wire_bytes_sent\":%llu,\"wire_bytes_received\":%llu,"
           "\"http_bytes_sent\":%llu,\"http_bytes_received\":%llu,\"tls_heap_peak\":%zu}\n",
           sent, tally.ok, tally.failed, herald_status_name(tally.last), ts.full_handshakes, ts.resumed_handshakes,
           herald_counters(&agent)->connects, (unsigned long long)ts.bytes_sent,
           (unsigned long long)ts.bytes_received, (unsigned long long)herald_counters(&agent)->bytes_sent,
           (unsigned long long)herald_counters(&agent)->bytes_received, hs.peak_bytes);
    herald_tls_free(&tls);
    free(ca);
    return tally.ok == count ? 0 : 1;
}
