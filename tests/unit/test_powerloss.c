/* SPDX-License-Identifier: Apache-2.0 */
/* The power-loss test.  A workload of 500 notifications, enqueues and
 * deliveries interleaved, runs on a small flash queue (5 sectors of 256
 * bytes, program size 4 and 1).  It is run once uncut to count its T
 * program/erase operations, then for every k in 0..T-1:
 *   - power is cut at operation k, landing it clean, as a random subset of
 *     its bits, or as a prefix (and, when k is an erase, 32 more random
 *     subsets: which bytes a cut erase leaves is pure chance);
 *   - operation k alone fails, half done, and the queue carries on without a
 *     reboot (a flash error rather than a power cut).
 * Then the queue is rebuilt from what landed and everything left goes to a
 * recording sink.  Every notification whose enqueue returned OK is delivered;
 * none is corrupt; the only one delivered twice is the one whose retire was
 * interrupted; the one whose enqueue was cut may appear, intact.  After that
 * the queue must still work, and no NOR rule (ECC strictness included) may
 * ever have been broken. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "herald/queue.h"
#include "herald_flash_file.h"

#define N_WORK 500u /* notifications in the workload */
#define N_POST 24u  /* written after the reboot, to show the queue still works */
#define N_ALL (N_WORK + N_POST)

typedef struct {
    uint8_t acked[N_ALL];   /* enqueue returned OK */
    uint8_t before[N_ALL];  /* deliveries before the cut */
    uint8_t retired[N_ALL]; /* retire returned OK */
    uint8_t after[N_ALL];   /* deliveries after the reboot */
    long commit_inflight;   /* the enqueue the cut interrupted, or -1 */
    long retire_inflight;   /* the retire the cut interrupted, or -1 */
    long last_after;        /* FIFO check after the reboot */
    unsigned corrupt;
    unsigned bad; /* anything else wrong: order, phantom, resurrected, errors */
} rec_t;

typedef struct {
    uint64_t cuts, lost, corrupt, duplicated, bad, failed_runs;
} totals_t;

static totals_t all;

/* Body of notification i: short, distinct, and checkable byte for byte. */
static size_t body_of(unsigned i, char *buf)
{
    int n = sprintf(buf, "n=%u;", i);
    size_t len = (size_t)n + (i * 7u) % 19u;
    for (size_t k = (size_t)n; k < len; k++) {
        buf[k] = (char)('A' + (i + k) % 26u);
    }
    return len;
}

static uint32_t expires_of(unsigned i)
{
    return i * 7u + 1u;
}

/* As herald_notify does: begin, write (here in two pieces), commit; abort on failure. */
static herald_status_t enqueue(herald_queue_t *q, unsigned i)
{
    char body[48];
    size_t len = body_of(i, body), cut = i % len;
    herald_queue_rec_t m = { 0u, (uint32_t)len, expires_of(i), (uint8_t)(i & 1u) };
    herald_status_t st = q->begin(q->ctx, &m);
    if (st != HERALD_OK) {
        return st;
    }
    st = q->write(q->ctx, body, cut);
    if (st == HERALD_OK) {
        st = q->write(q->ctx, body + cut, len - cut);
    }
    if (st == HERALD_OK) {
        st = q->commit(q->ctx);
    }
    if (st != HERALD_OK) {
        q->abort(q->ctx);
    }
    return st;
}

/* The recording sink: peek, read in 3-byte pieces, check, record, retire. */
static herald_status_t deliver(herald_queue_t *q, rec_t *r, int rebooted)
{
    herald_queue_rec_t m;
    char got[64], want[48];
    unsigned i;
    herald_status_t st = q->peek(q->ctx, &m);
    if (st != HERALD_OK) {
        return st;
    }
    if (m.body_len >= sizeof got) {
        r->corrupt++;
        return q->retire(q->ctx, m.seq);
    }
    for (size_t off = 0; off < m.body_len; off += 3u) {
        st = q->read(q->ctx, &m, off, got + off, m.body_len - off < 3u ? m.body_len - off : 3u);
        if (st != HERALD_OK) {
            return st;
        }
    }
    got[m.body_len] = '\0';
    if (sscanf(got, "n=%u;", &i) != 1 || i >= N_ALL || body_of(i, want) != m.body_len ||
        memcmp(got, want, m.body_len) != 0 || m.expires_s != expires_of(i) || m.priority != (i & 1u)) {
        r->corrupt++;
        return q->retire(q->ctx, m.seq);
    }
    if (rebooted) {
        r->after[i]++;
        if ((long)i <= r->last_after) {
            r->bad++; /* out of order */
        }
        r->last_after = (long)i;
    } else {
        r->before[i]++;
    }
    st = q->retire(q->ctx, m.seq);
    if (st != HERALD_OK) {
        if (!rebooted) {
            r->retire_inflight = (long)i;
        }
        return st;
    }
    if (!rebooted) {
        r->retired[i] = 1u;
    }
    return HERALD_OK;
}

/* Enqueue 0-3, deliver 1-3, in phases that fill the queue to full, hold it
 * there and drain it, until all N_WORK are in and out.  With power cut, it
 * stops at the first failure; with the device left on (transient), it goes
 * on as the agent would: a failed enqueue is refused, a failed retire leaves
 * the record to be delivered again. */
static void workload(herald_queue_t *q, rec_t *r, int transient)
{
    uint32_t x = 0x2545F491u;
    unsigned next = 0, rounds = 0;
    while (next < N_WORK || q->count(q->ctx) > 0u) {
        if (++rounds > 8u * N_WORK) {
            r->bad++; /* no progress: the queue is stuck */
            return;
        }
        unsigned phase = (next / 64u) % 3u, enq, ret;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        enq = phase == 2u ? x % 2u : 1u + x % (phase == 0u ? 3u : 2u);
        ret = 1u + (x >> 8) % (phase == 2u ? 3u : 2u);
        for (unsigned e = 0; e < enq && next < N_WORK; e++) {
            herald_status_t st = enqueue(q, next);
            if (st == HERALD_E_QUEUE_FULL) {
                break;
            }
            if (st != HERALD_OK) {
                r->commit_inflight = (long)next++;
                if (!transient) {
                    return;
                }
                continue;
            }
            r->acked[next++] = 1u;
        }
        for (unsigned k = 0; k < ret; k++) {
            herald_status_t st = deliver(q, r, 0);
            if (st == HERALD_E_QUEUE_EMPTY) {
                break;
            }
            if (st != HERALD_OK && !transient) {
                return;
            }
        }
    }
}

/* The read-only walk over what waits: each record's body read whole through
 * read() and checked, its seq into seqs (N_ALL of them), and stats agreeing.
 * How many it listed, or -1 when the walk failed or disagreed. */
static long walk_all(herald_queue_t *q, uint32_t *seqs)
{
    herald_queue_rec_t m, prev;
    herald_queue_stats_t s;
    long n = 0;
    herald_status_t st = q->walk(q->ctx, NULL, &m);
    while (st == HERALD_OK && n < (long)N_ALL) {
        char got[64], want[48];
        unsigned i;
        if (m.body_len >= sizeof got || q->read(q->ctx, &m, 0, got, m.body_len) != HERALD_OK) {
            return -1;
        }
        got[m.body_len] = '\0';
        if (sscanf(got, "n=%u;", &i) != 1 || i >= N_ALL || body_of(i, want) != m.body_len ||
            memcmp(got, want, m.body_len) != 0 || m.expires_s != expires_of(i)) {
            return -1;
        }
        seqs[n++] = m.seq;
        prev = m;
        st = q->walk(q->ctx, &prev, &m);
    }
    if (st != HERALD_E_QUEUE_EMPTY || q->stats(q->ctx, &s, NULL, 0u) != HERALD_OK ||
        s.records != q->count(q->ctx) || s.records != (size_t)n) {
        return -1;
    }
    return n;
}

/* After the reboot: deliver what is left, then judge every notification.
 * Acknowledged: delivered at least once.  Twice: only the one whose retire
 * failed.  Never acknowledged: never delivered, except (power cut only) the
 * one whose commit the cut interrupted. */
static void judge(herald_queue_t *q, rec_t *r, int transient, totals_t *t)
{
    herald_status_t st;
    uint32_t *seqs = calloc(N_ALL, sizeof *seqs);
    long listed = walk_all(q, seqs), k = 0;
    r->bad += listed < 0;
    do {
        herald_queue_rec_t m;
        if (q->peek(q->ctx, &m) == HERALD_OK && (k >= listed || m.seq != seqs[k++])) {
            r->bad++; /* the walk did not list what the head delivers, in its order */
        }
        st = deliver(q, r, 1);
    } while (st == HERALD_OK);
    if (st != HERALD_E_QUEUE_EMPTY || k != listed) {
        r->bad++;
    }
    free(seqs);
    for (unsigned i = 0; i < N_WORK; i++) {
        unsigned n = r->before[i] + r->after[i];
        int may_repeat = (long)i == r->retire_inflight;
        int may_appear = !transient && (long)i == r->commit_inflight;
        if (r->acked[i] && n == 0u) {
            t->lost++;
        } else if (n > (may_repeat ? 2u : 1u) || (r->retired[i] && r->after[i]) ||
                   (!r->acked[i] && n > 0u && !may_appear)) {
            r->bad++; /* repeated, resurrected after retirement, or a phantom */
        } else if (n == 2u) {
            t->duplicated++;
        }
    }
}

/* The queue goes on working after recovery: more notifications in and out. */
static void after_reboot(herald_queue_t *q, rec_t *r)
{
    for (unsigned i = N_WORK; i < N_ALL; i++) {
        if (enqueue(q, i) != HERALD_OK) {
            r->bad++;
        }
        if (i % 2u == 1u && deliver(q, r, 1) != HERALD_OK) {
            r->bad++;
        }
    }
    while (deliver(q, r, 1) == HERALD_OK) {
    }
    for (unsigned i = N_WORK; i < N_ALL; i++) {
        if (r->after[i] != 1u) {
            r->bad++;
        }
    }
}

/* The uncut run passes its erases through here to learn which operations
 * are erases. */
static uint8_t is_erase[8192];
static herald_flash_t inner;

static int spy_erase(void *ctx, uint32_t sector)
{
    herald_flash_file_t *f = ctx;
    if (f->stats.ops < sizeof is_erase) {
        is_erase[f->stats.ops] = 1u;
    }
    return inner.erase(ctx, sector);
}

enum { CUT, TRANSIENT, UNCUT };

/* One run: operation k fails, landing as `how` says; with CUT the device is
 * then off until the reboot, with TRANSIENT only that operation fails. */
static void run_once(const herald_flash_geometry_t *geo, int mode, uint64_t k, herald_flash_cut_t how,
                     uint32_t seed, totals_t *t, uint64_t *ops)
{
    herald_flash_file_t ff;
    herald_flash_t fl;
    herald_flash_queue_t fq;
    herald_queue_t q;
    rec_t *r = calloc(1, sizeof *r);
    uint64_t lost_before = t->lost;

    r->commit_inflight = r->retire_inflight = r->last_after = -1;
    assert_int_equal(herald_flash_file_open(&ff, NULL, geo, HERALD_FLASH_FILE_ECC, &fl), HERALD_OK);
    if (mode == UNCUT) {
        inner = fl;
        fl.erase = spy_erase;
    } else if (mode == CUT) {
        herald_flash_file_cut(&ff, k, how, seed);
    } else {
        herald_flash_file_fail_once(&ff, k, how, seed);
    }
    assert_int_equal(herald_flash_queue_init(&fq, &fl, &q), HERALD_OK);
    workload(&q, r, mode == TRANSIENT);
    if (ops) {
        *ops = ff.stats.ops;
    }
    herald_flash_file_power_on(&ff);
    if (herald_flash_queue_init(&fq, &fl, &q) != HERALD_OK) {
        r->bad++;
    } else {
        judge(&q, r, mode == TRANSIENT, t);
        /* delivered and retired stays so across another reboot */
        if (herald_flash_queue_init(&fq, &fl, &q) != HERALD_OK || q.count(q.ctx) != 0u) {
            r->bad++;
        }
        after_reboot(&q, r);
    }
    r->bad += ff.stats.violations;
    t->cuts += mode != UNCUT;
    t->corrupt += r->corrupt;
    t->bad += r->bad;
    if ((r->bad || r->corrupt || t->lost != lost_before) && t->failed_runs++ < 10u) {
        printf("powerloss: FAIL %s at op %llu landing %d seed %u: bad %u corrupt %u lost %u\n",
               mode == TRANSIENT ? "transient fault" : "cut", (unsigned long long)k, (int)how, seed, r->bad,
               r->corrupt, (unsigned)(t->lost - lost_before));
    }
    herald_flash_file_close(&ff);
    free(r);
}

#define ERASE_SEEDS 32u

static void run_every_cut(const herald_flash_geometry_t *geo)
{
    totals_t t = { 0 };
    uint64_t ops = 0, erases = 0;
    clock_t c0 = clock();
    memset(is_erase, 0, sizeof is_erase);
    run_once(geo, UNCUT, 0u, HERALD_FLASH_CUT_CLEAN, 0u, &t, &ops);
    assert_int_equal(t.bad + t.corrupt + t.lost + t.duplicated, 0u);
    assert_true(ops >= 1000u && ops <= sizeof is_erase);
    for (uint64_t k = 0; k < ops; k++) {
        uint32_t seed = (uint32_t)k * 7919u;
        run_once(geo, CUT, k, HERALD_FLASH_CUT_CLEAN, seed, &t, NULL);
        run_once(geo, CUT, k, HERALD_FLASH_CUT_BITS, seed, &t, NULL);
        run_once(geo, CUT, k, HERALD_FLASH_CUT_PREFIX, seed, &t, NULL);
        run_once(geo, TRANSIENT, k, HERALD_FLASH_CUT_BITS, seed, &t, NULL);
        /* A cut erase is where retired records could come back, and which
         * bytes it leaves is pure chance: try many. */
        for (uint32_t e = 1; is_erase[k] && e <= ERASE_SEEDS; e++) {
            run_once(geo, CUT, k, HERALD_FLASH_CUT_BITS, seed + e, &t, NULL);
        }
        erases += is_erase[k];
    }
    printf(
        "powerloss %ux%u program size %u: %llu operations (%llu erases) uncut; cuts tried %llu, lost %llu, "
        "corrupt %llu, duplicated %llu, other failures %llu (%.1f s)\n",
        geo->sector_count, geo->sector_size, geo->program_size, (unsigned long long)ops,
        (unsigned long long)erases, (unsigned long long)t.cuts, (unsigned long long)t.lost,
        (unsigned long long)t.corrupt, (unsigned long long)t.duplicated, (unsigned long long)t.bad,
        (double)(clock() - c0) / CLOCKS_PER_SEC);
    all.cuts += t.cuts;
    all.lost += t.lost;
    all.corrupt += t.corrupt;
    all.duplicated += t.duplicated;
    all.bad += t.bad;
    assert_int_equal(t.lost, 0u);
    assert_int_equal(t.corrupt, 0u);
    assert_int_equal(t.bad, 0u);
}

static void test_every_cut_program_size_4(void **state)
{
    const herald_flash_geometry_t geo = { 256u, 5u, 4u };
    (void)state;
    run_every_cut(&geo);
}

static void test_every_cut_program_size_1(void **state)
{
    const herald_flash_geometry_t geo = { 256u, 5u, 1u };
    (void)state;
    run_every_cut(&geo);
}

/* ---- bit damage --------------------------------------------------------------
 * The workload is stopped at a number of points (a clean cut), and what a
 * reboot would deliver from that image is learnt on a copy: the records, in
 * order, and where each lies.  Then for every byte of the image that holds
 * anything (every header, mark and CRC byte of every record and sector,
 * every body byte) and a sample of the erased ones, one bit is damaged on a
 * fresh copy, flipped at rest or stuck at its opposite, and the copy is
 * rebooted and drained.  The record whose bytes were hit may be lost and
 * must then be counted in `damaged`; nothing else may be lost, nothing
 * appears that was not there, nothing is corrupt, and the queue goes on
 * working (with a stuck bit, a record written over it later is lost too,
 * and counted). */

typedef struct {
    unsigned i;    /* notification */
    uint32_t addr; /* where its record starts */
    uint32_t size; /* and its bytes */
} placed_t;

typedef struct {
    uint64_t tried, flips, stuck, intact_lost, damaged_lost, counted, bad;
} dtotals_t;

static uint32_t align_up(uint32_t n, uint32_t u)
{
    return (n + u - 1u) / u * u;
}

/* queue_flash_priv.h's record: header, CRC, commit and retire marks, body. */
static uint32_t record_bytes(uint32_t u, uint32_t body_len)
{
    return align_up(21u, u) + align_up(4u, u) + 2u * u + align_up(body_len, u);
}

/* Take the head: its notification number, or -1 when it is not one intact. */
static long take_head(herald_queue_t *q, herald_queue_rec_t *m)
{
    char got[64], want[48];
    unsigned i;
    long r = -1;
    if (m->body_len < sizeof got && q->read(q->ctx, m, 0, got, m->body_len) == HERALD_OK) {
        got[m->body_len] = '\0';
        if (sscanf(got, "n=%u;", &i) == 1 && i < N_ALL && body_of(i, want) == m->body_len &&
            memcmp(got, want, m->body_len) == 0 && m->expires_s == expires_of(i) && m->priority == (i & 1u)) {
            r = (long)i;
        }
    }
    return q->retire(q->ctx, m->seq) == HERALD_OK ? r : -2;
}

static void damage_one(const herald_flash_geometry_t *geo, const uint8_t *img, const placed_t *want,
                       size_t nwant, uint32_t pos, uint8_t mask, int stuck, dtotals_t *t)
{
    herald_flash_file_t ff;
    herald_flash_t fl;
    herald_flash_queue_t fq;
    herald_queue_t q;
    herald_queue_rec_t m;
    static uint32_t seqs[N_ALL];
    long victim = -1;
    size_t j = 0;
    unsigned bad = 0, delivered = 0, refused = 0;
    uint32_t counted;

    assert_int_equal(herald_flash_file_open(&ff, NULL, geo, HERALD_FLASH_FILE_ECC, &fl), HERALD_OK);
    memcpy(ff.mem, img, ff.size);
    if (stuck) {
        assert_true(herald_flash_file_stick(&ff, pos, mask, (uint8_t)~img[pos]));
    } else {
        herald_flash_file_flip(&ff, pos, mask);
    }
    for (size_t k = 0; k < nwant; k++) {
        if (pos >= want[k].addr && pos - want[k].addr < want[k].size) {
            victim = (long)k;
        }
    }
    if (herald_flash_queue_init(&fq, &fl, &q) != HERALD_OK) {
        bad++;
    } else {
        uint64_t programs = ff.stats.programs;
        uint32_t found = fq.damaged;
        long listed = walk_all(&q, seqs), k = 0;
        /* the walk lists what the head then takes, and changes nothing */
        bad += listed < 0 || ff.stats.programs != programs || fq.damaged != found;
        while (q.peek(q.ctx, &m) == HERALD_OK) {
            long i;
            bad += k >= listed || m.seq != seqs[k++];
            i = take_head(&q, &m);
            if (i < 0) {
                bad++; /* corrupt, or the queue did not move on */
                break;
            }
            while (j < nwant && want[j].i != (unsigned)i) {
                if ((long)j == victim) {
                    t->damaged_lost++;
                } else {
                    t->intact_lost++;
                }
                j++;
            }
            if (j == nwant) {
                bad++; /* not among what was waiting, or out of order */
                break;
            }
            j++;
        }
        bad += k != listed;
        for (; j < nwant; j++) {
            if ((long)j == victim) {
                t->damaged_lost++;
            } else {
                t->intact_lost++;
            }
        }
        counted = fq.damaged;
        t->counted += counted;
        /* and it goes on working */
        for (unsigned i = N_WORK; i < N_ALL; i++) {
            herald_status_t st = enqueue(&q, i);
            /* A record written over a stuck bit fails its commit: the caller
             * still holds it, nothing is lost. */
            if (st == HERALD_E_FLASH && stuck) {
                refused++;
            } else if (st != HERALD_OK) {
                bad++;
            }
            while (q.count(q.ctx) > (i % 3u) && q.peek(q.ctx, &m) == HERALD_OK) {
                delivered += take_head(&q, &m) >= 0;
            }
        }
        while (q.peek(q.ctx, &m) == HERALD_OK) {
            delivered += take_head(&q, &m) >= 0;
        }
        if (delivered + refused + (fq.damaged - counted) != N_POST || (!stuck && fq.damaged != counted)) {
            bad++;
        }
    }
    bad += ff.stats.violations;
    t->bad += bad;
    if (bad && t->bad - bad < 10u) {
        printf("powerloss: FAIL damage %s at %u mask 0x%02x: %u\n", stuck ? "stuck" : "flip", pos, mask, bad);
    }
    t->tried++;
    t->flips += !stuck;
    t->stuck += stuck;
    herald_flash_file_close(&ff);
}

#define DAMAGE_POINTS 24u

static void run_every_damage(const herald_flash_geometry_t *geo)
{
    dtotals_t t = { 0 };
    uint64_t ops = 0;
    totals_t unused = { 0 };
    clock_t c0 = clock();
    placed_t *want = calloc(N_ALL, sizeof *want);
    uint64_t lost_before;
    run_once(geo, UNCUT, 0u, HERALD_FLASH_CUT_CLEAN, 0u, &unused, &ops);
    for (uint32_t p = 1; p <= DAMAGE_POINTS; p++) {
        herald_flash_file_t ff, cp;
        herald_flash_t fl, cfl;
        herald_flash_queue_t fq;
        herald_queue_t q;
        herald_queue_rec_t m;
        rec_t *r = calloc(1, sizeof *r);
        size_t nwant = 0;
        r->commit_inflight = r->retire_inflight = r->last_after = -1;
        /* stop the workload cleanly at op k: that image is what lies at rest */
        assert_int_equal(herald_flash_file_open(&ff, NULL, geo, HERALD_FLASH_FILE_ECC, &fl), HERALD_OK);
        herald_flash_file_cut(&ff, ops * p / (DAMAGE_POINTS + 1u), HERALD_FLASH_CUT_CLEAN, 0u);
        assert_int_equal(herald_flash_queue_init(&fq, &fl, &q), HERALD_OK);
        workload(&q, r, 0);
        herald_flash_file_power_on(&ff);
        /* what an undamaged reboot delivers, and where each record lies */
        assert_int_equal(herald_flash_file_open(&cp, NULL, geo, HERALD_FLASH_FILE_ECC, &cfl), HERALD_OK);
        memcpy(cp.mem, ff.mem, ff.size);
        assert_int_equal(herald_flash_queue_init(&fq, &cfl, &q), HERALD_OK);
        while (q.peek(q.ctx, &m) == HERALD_OK) {
            uint32_t at = fq.head;
            long i = take_head(&q, &m);
            assert_true(i >= 0 && nwant < N_ALL);
            want[nwant++] = (placed_t){ (unsigned)i, at, record_bytes(geo->program_size, m.body_len) };
        }
        herald_flash_file_close(&cp);
        for (uint32_t pos = 0; pos < ff.size; pos++) {
            uint8_t mask = (uint8_t)(1u << ((pos + p) % 8u));
            if (ff.mem[pos] == 0xFFu && pos % 16u != p % 16u) {
                continue; /* erased: a sample */
            }
            damage_one(geo, ff.mem, want, nwant, pos, mask, 0, &t);
            damage_one(geo, ff.mem, want, nwant, pos, mask, 1, &t);
        }
        herald_flash_file_close(&ff);
        free(r);
    }
    lost_before = t.intact_lost;
    printf("powerloss damage %ux%u program size %u: damage tried %llu (%llu flipped, %llu stuck bits) at %u "
           "points; "
           "intact lost %llu, damaged records lost %llu, counted %llu, other failures %llu (%.1f s)\n",
           geo->sector_count, geo->sector_size, geo->program_size, (unsigned long long)t.tried,
           (unsigned long long)t.flips, (unsigned long long)t.stuck, DAMAGE_POINTS,
           (unsigned long long)lost_before, (unsigned long long)t.damaged_lost, (unsigned long long)t.counted,
           (unsigned long long)t.bad, (double)(clock() - c0) / CLOCKS_PER_SEC);
    free(want);
    assert_true(t.tried > 0u && t.damaged_lost > 0u);
    assert_int_equal(t.intact_lost, 0u);
    assert_int_equal(t.counted, t.damaged_lost);
    assert_int_equal(t.bad, 0u);
}

static void test_every_damage_program_size_4(void **state)
{
    const herald_flash_geometry_t geo = { 256u, 5u, 4u };
    (void)state;
    run_every_damage(&geo);
}

static void test_every_damage_program_size_1(void **state)
{
    const herald_flash_geometry_t geo = { 256u, 5u, 1u };
    (void)state;
    run_every_damage(&geo);
}

static void test_summary(void **state)
{
    (void)state;
    printf("powerloss: cuts tried %llu, lost %llu, corrupt %llu, duplicated %llu\n",
           (unsigned long long)all.cuts, (unsigned long long)all.lost, (unsigned long long)all.corrupt,
           (unsigned long long)all.duplicated);
    assert_true(all.cuts > 0u);
    assert_int_equal(all.lost, 0u);
    assert_int_equal(all.corrupt, 0u);
    assert_int_equal(all.bad, 0u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_cut_program_size_4),
        cmocka_unit_test(test_every_cut_program_size_1),
        cmocka_unit_test(test_every_damage_program_size_4),
        cmocka_unit_test(test_every_damage_program_size_1),
        cmocka_unit_test(test_summary),
    };
    return cmocka_run_group_tests_name("powerloss", tests, NULL, NULL);
}
