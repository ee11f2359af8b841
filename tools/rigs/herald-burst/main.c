/* SPDX-License-Identifier: Apache-2.0 */
/* herald-burst: send N copies of the seed notification through one agent
 * over TLS and print one JSON line of what it cost: delivered, handshakes
 * (full and resumed), bytes on the wire both ways, Mbed TLS heap peak, and
 * per kind of handshake (full, resumed) its bytes each way and the heap peak
 * of a connection that began with it.  Used by the integration tests
 * (keep-alive, resumption, TLS versions) and by `make bench`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "herald/herald.h"
#include "rig.h"

static uint8_t tls_heap[96 * 1024];
static uint8_t queue_buf[256 * 1024];
static herald_agent_t agent;

typedef struct {
    unsigned ok, failed;
    herald_status_t last;
} tally_t;

/* What one kind of handshake cost: the last one's bytes each way, and the
 * highest heap peak of a connection that began with one. */
typedef struct {
    uint32_t seen, sent, received;
    size_t heap_peak;
} hs_cost_t;

/* Call after every poll: notes the bytes of a handshake that just completed. */
static void note_handshake(const herald_tls_t *tls, hs_cost_t *full, hs_cost_t *resumed)
{
    herald_tls_stats_t ts = herald_tls_stats(tls);
    hs_cost_t *k = ts.full_handshakes != full->seen         ? full
                   : ts.resumed_handshakes != resumed->seen ? resumed
                                                            : NULL;
    full->seen = ts.full_handshakes;
    resumed->seen = ts.resumed_handshakes;
    if (k) {
        k->sent = ts.handshake_sent;
        k->received = ts.handshake_received;
    }
}

/* Call when a connection ends: its heap peak goes to the kind of handshake
 * it began with (full when the connection held both), and the peak restarts. */
static void note_connection_end(const herald_tls_t *tls, uint32_t *full0, uint32_t *resumed0, hs_cost_t *full,
                                hs_cost_t *resumed)
{
    herald_tls_stats_t ts = herald_tls_stats(tls);
    size_t peak = herald_tls_heap_stats().peak_bytes;
    hs_cost_t *k = ts.full_handshakes != *full0 ? full : ts.resumed_handshakes != *resumed0 ? resumed : NULL;
    if (k && peak > k->heap_peak) {
        k->heap_peak = peak;
    }
    *full0 = ts.full_handshakes;
    *resumed0 = ts.resumed_handshakes;
    herald_tls_heap_reset_peak();
}

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

int main(int argc, char **argv)
{
    rig_target_t target = RIG_TARGET_INIT;
    unsigned count = 1, reconnect_every = 0;
    uint32_t rate_per_min = HERALD_RATE_UNLIMITED;
    static const herald_var_t vars[] = { { "customerName", "Jane", 0 }, { "orderId", "ORD-12345", 0 } };
    herald_notification_t n = rig_seed(vars);
    rig_t rig;
    herald_clock_t clock = herald_posix_clock();
    herald_config_t cfg;
    tally_t tally = { 0, 0, HERALD_OK };
    herald_tls_stats_t ts;
    herald_tls_heap_stats_t hs;
    unsigned sent = 0;
    uint64_t deadline;
    hs_cost_t full = { 0, 0, 0, 0 }, resumed = { 0, 0, 0, 0 };
    uint32_t full0 = 0, resumed0 = 0;
    size_t heap_peak_all = 0;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (rig_target_option(&target, argv[i], argv[i + 1]))
            continue;
        if (!strcmp(argv[i], "--count"))
            count = (unsigned)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--reconnect-every"))
            reconnect_every = (unsigned)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--rate-per-min"))
            rate_per_min = (uint32_t)strtoul(argv[i + 1], NULL, 10);
        else {
            fprintf(stderr, "herald-burst: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (!rig_target_complete(&target)) {
        fprintf(stderr,
                "usage: herald-burst --base-url URL --ca FILE --api-key KEY [--app-id ID] [--count N]\n"
                "                    [--reconnect-every K] [--tls 1.2|1.3] [--rate-per-min N]\n");
        return 2;
    }
    if (rig_open(&rig, &target, tls_heap, sizeof tls_heap, queue_buf, sizeof queue_buf, &cfg,
                 "herald-burst")) {
        return 2;
    }
    cfg.on_result = on_result;
    cfg.result_ctx = &tally;
    cfg.max_attempts = 1;
    /* A burst against the local simulator measures the transport: the
     * platform's rate budget would only add waiting (--rate-per-min sets one). */
    cfg.rate_per_min = rate_per_min;
    if (herald_init(&agent, &cfg) != HERALD_OK) {
        fprintf(stderr, "herald-burst: bad configuration\n");
        return 2;
    }
    deadline = clock.monotonic_ms(NULL) + 60000u;
    /* One notification at a time, as a device raising them in sequence. */
    while (sent < count || !herald_idle(&agent)) {
        uint64_t now = clock.monotonic_ms(NULL);
        if (now > deadline) {
            fprintf(stderr, "herald-burst: timed out\n");
            break;
        }
        if (herald_idle(&agent) && sent < count) {
            if (reconnect_every && sent > 0 && sent % reconnect_every == 0) {
                size_t peak = herald_tls_heap_stats().peak_bytes;
                heap_peak_all = peak > heap_peak_all ? peak : heap_peak_all;
                herald_close(&agent);
                note_connection_end(&rig.net.tls, &full0, &resumed0, &full, &resumed);
            }
            if (herald_notify(&agent, &n, NULL) != HERALD_OK) {
                fprintf(stderr, "herald-burst: notify refused\n");
                return 1;
            }
            sent++;
        }
        uint32_t next = herald_poll(&agent, now);
        note_handshake(&rig.net.tls, &full, &resumed);
        if (!herald_idle(&agent)) {
            /* Wait for the transport, or for the agent's next timer (a
             * backoff), rather than spin: the CPU figures count this loop. */
            host_tls_wait(&rig.net, &agent, next, 20u);
        }
    }
    herald_close(&agent);
    ts = herald_tls_stats(&rig.net.tls);
    hs = herald_tls_heap_stats();
    heap_peak_all = hs.peak_bytes > heap_peak_all ? hs.peak_bytes : heap_peak_all;
    note_connection_end(&rig.net.tls, &full0, &resumed0, &full, &resumed);
    printf("{\"sent\":%u,\"delivered\":%u,\"failed\":%u,\"last_error\":\"%s\",\"full_handshakes\":%u,"
           "\"resumed_handshakes\":%u,\"connects\":%u,\"wire_bytes_sent\":%llu,\"wire_bytes_received\":%llu,"
           "\"http_bytes_sent\":%llu,\"http_bytes_received\":%llu,\"tls_heap_peak\":%zu,"
           "\"full_handshake_sent\":%u,\"full_handshake_received\":%u,\"full_heap_peak\":%zu,"
           "\"resumed_handshake_sent\":%u,\"resumed_handshake_received\":%u,\"resumed_heap_peak\":%zu}\n",
           sent, tally.ok, tally.failed, herald_status_name(tally.last), ts.full_handshakes,
           ts.resumed_handshakes, herald_counters(&agent)->connects, (unsigned long long)ts.bytes_sent,
           (unsigned long long)ts.bytes_received, (unsigned long long)herald_counters(&agent)->bytes_sent,
           (unsigned long long)herald_counters(&agent)->bytes_received, heap_peak_all, full.sent,
           full.received, full.heap_peak, resumed.sent, resumed.received, resumed.heap_peak);
    rig_close(&rig);
    return tally.ok == count ? 0 : 1;
}
