/* SPDX-License-Identifier: Apache-2.0 */
/* herald-soak: raise N distinct notifications up front (the seed example
 * with orderId "ORD-<n>", n = 0..N-1) and drain them through one agent over
 * TLS with unlimited retries, then print one JSON line: how many were
 * delivered, the permanent failures with their statuses, the retries and
 * connections it took, the time, and the orderIds whose outcome was not OK.
 * Run against a simulator with a fault schedule, the simulator's record says
 * whether anything was lost or duplicated (tests/integration/test_wire_faults.py).
 * Exit status 0 only when all N were delivered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "herald/herald.h"
#include "rig.h"

#define MAX_COUNT 100000u
#define MAX_LISTED 50u /* orderIds listed in the JSON line; the rest are counted */

static uint8_t tls_heap[96 * 1024];
static uint8_t queue_buf[1024 * 1024]; /* ~230 bytes a record: room for a few thousand */
static herald_agent_t agent;

/* One slot per notification: its handle and what the callback said. */
typedef struct {
    uint32_t handle;
    herald_status_t status;
    uint32_t attempts;
    unsigned outcomes; /* callbacks received; exactly 1 when all is well */
} slot_t;

typedef struct {
    slot_t *slots;
    unsigned count;
    unsigned stray; /* callbacks for a handle we never raised */
} soak_t;

static void on_result(void *ctx, const herald_outcome_t *o)
{
    soak_t *s = ctx;
    /* Handles are the RAM queue's sequence numbers: consecutive from the first. */
    uint32_t i = o->handle - s->slots[0].handle;
    if (i >= s->count || s->slots[i].handle != o->handle) {
        s->stray++;
        return;
    }
    s->slots[i].status = o->status;
    s->slots[i].attempts = o->attempts;
    s->slots[i].outcomes++;
}

/* Delivered: the platform took it, whether or not its answer could be read. */
static int delivered(const soak_t *s, unsigned i)
{
    return s->slots[i].outcomes == 1u &&
           (s->slots[i].status == HERALD_OK || s->slots[i].status == HERALD_E_ACCEPTED_UNREADABLE);
}

static void print_report(const soak_t *s, const herald_counters_t *c, uint64_t elapsed_ms, int timed_out)
{
    unsigned ok = 0, permanent = 0, listed = 0, not_ok = 0;
    const char *sep = "";
    for (unsigned i = 0; i < s->count; i++) {
        if (delivered(s, i)) {
            ok++;
        } else {
            not_ok++;
            permanent += s->slots[i].outcomes != 0u;
        }
    }
    printf("{\"count\":%u,\"delivered\":%u,\"permanent\":%u,\"permanent_failures\":[", s->count, ok,
           permanent);
    for (unsigned i = 0; i < s->count && listed < MAX_LISTED; i++) {
        if (s->slots[i].outcomes != 0u && !delivered(s, i)) {
            printf("%s{\"orderId\":\"ORD-%u\",\"status\":\"%s\",\"attempts\":%u}", sep, i,
                   herald_status_name(s->slots[i].status), s->slots[i].attempts);
            sep = ",";
            listed++;
        }
    }
    printf("],\"unreadable\":%u,\"retried\":%u,\"requests\":%u,\"connects\":%u,\"elapsed_ms\":%llu,\"timed_"
           "out\":%s,"
           "\"stray_outcomes\":%u,\"last_status\":\"%s\",\"not_ok_count\":%u,\"not_ok\":[",
           c->unreadable, c->retried, c->requests, c->connects, (unsigned long long)elapsed_ms,
           timed_out ? "true" : "false", s->stray, herald_status_name(herald_last_status(&agent)), not_ok);
    sep = "";
    listed = 0;
    for (unsigned i = 0; i < s->count && listed < MAX_LISTED; i++) {
        if (!delivered(s, i)) {
            printf("%s\"ORD-%u\"", sep, i);
            sep = ",";
            listed++;
        }
    }
    printf("]}\n");
}

int main(int argc, char **argv)
{
    rig_target_t target = RIG_TARGET_INIT;
    unsigned count = 1000, deadline_s = 120;
    uint32_t timeout_ms = 1500, base_ms = 20, cap_ms = 500;
    uint32_t rate = HERALD_RATE_UNLIMITED, burst = 0;
    char order_id[24];
    herald_var_t vars[] = { { "customerName", "Jane", 0 }, { "orderId", order_id, 0 } };
    herald_notification_t n = rig_seed(vars);
    rig_t rig;
    herald_clock_t clock = herald_posix_clock();
    herald_config_t cfg;
    soak_t soak = { NULL, 0, 0 };
    uint64_t start, deadline, now;
    int timed_out = 0, verbose = 0, rc;
    herald_log_t log = herald_posix_log();

    for (int i = 1; i < argc; i += 2) {
        if (!strcmp(argv[i], "--verbose")) {
            verbose = 1;
            i--;
            continue;
        }
        if (i + 1 == argc) {
            fprintf(stderr, "herald-soak: %s needs a value\n", argv[i]);
            return 2;
        }
        if (rig_target_option(&target, argv[i], argv[i + 1]))
            continue;
        if (!strcmp(argv[i], "--count"))
            count = (unsigned)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--timeout-ms"))
            timeout_ms = (uint32_t)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--backoff-base-ms"))
            base_ms = (uint32_t)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--backoff-cap-ms"))
            cap_ms = (uint32_t)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--deadline-s"))
            deadline_s = (unsigned)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--rate-per-min"))
            rate = (uint32_t)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--rate-burst"))
            burst = (uint32_t)strtoul(argv[i + 1], NULL, 10);
        else {
            fprintf(stderr, "herald-soak: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (!rig_target_complete(&target) || count == 0u || count > MAX_COUNT || !timeout_ms || !base_ms ||
        cap_ms < base_ms) {
        fprintf(stderr,
                "usage: herald-soak --base-url URL --ca FILE --api-key KEY [--app-id ID] [--count N]\n"
                "                   [--timeout-ms MS] [--backoff-base-ms MS] [--backoff-cap-ms MS]\n"
                "                   [--deadline-s S] [--tls 1.2|1.3] [--rate-per-min N] [--rate-burst B]\n"
                "                   [--verbose]\n");
        return 2;
    }
    soak.slots = calloc(count, sizeof *soak.slots);
    soak.count = count;
    if (!soak.slots) {
        fprintf(stderr, "herald-soak: out of memory\n");
        return 2;
    }
    if (rig_open(&rig, &target, tls_heap, sizeof tls_heap, queue_buf, sizeof queue_buf, &cfg,
                 "herald-soak")) {
        return 2;
    }
    cfg.clock = &clock;
    cfg.log = verbose ? &log : NULL; /* each failed attempt's status on stderr */
    cfg.on_result = on_result;
    cfg.result_ctx = &soak;
    cfg.timeout_ms = timeout_ms;
    cfg.backoff_base_ms = base_ms;
    cfg.backoff_cap_ms = cap_ms;
    cfg.max_attempts = 0;    /* HERALD_MAX_ATTEMPTS: unlimited unless the board says otherwise */
    cfg.rate_per_min = rate; /* off unless --rate-per-min: faults, not pacing, are under test */
    cfg.rate_burst = burst;
    if (herald_init(&agent, &cfg) != HERALD_OK) {
        fprintf(stderr, "herald-soak: bad configuration\n");
        return 2;
    }
    /* Everything is raised before anything is sent: the queue holds all N. */
    for (unsigned i = 0; i < count; i++) {
        herald_status_t st;
        snprintf(order_id, sizeof order_id, "ORD-%u", i);
        st = herald_notify(&agent, &n, &soak.slots[i].handle);
        if (st != HERALD_OK) {
            fprintf(stderr, "herald-soak: notify %u refused: %s\n", i, herald_status_name(st));
            return 1;
        }
    }
    start = clock.monotonic_ms(NULL);
    deadline = start + (uint64_t)deadline_s * 1000u;
    while (!herald_idle(&agent)) {
        now = clock.monotonic_ms(NULL);
        if (now > deadline) {
            timed_out = 1;
            fprintf(stderr, "herald-soak: deadline of %u s passed with %zu still queued\n", deadline_s,
                    rig.queue.count(rig.queue.ctx));
            break;
        }
        /* slices of at most 20 ms, so that the agent's own timeouts are checked in time */
        host_tls_wait(&rig.net, &agent, herald_poll(&agent, now), 20u);
    }
    herald_close(&agent);
    print_report(&soak, herald_counters(&agent), clock.monotonic_ms(NULL) - start, timed_out);
    rc = 0;
    for (unsigned i = 0; i < count; i++) {
        rc |= !delivered(&soak, i);
    }
    rig_close(&rig);
    free(soak.slots);
    return rc || soak.stray ? 1 : 0;
}
