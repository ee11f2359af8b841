/* SPDX-License-Identifier: Apache-2.0 */
/* The queue seam's walk and stats, on the RAM queue and the flash queue:
 * the walk lists what waits in delivery order and changes nothing, read()
 * takes the record it gave, stats count bytes and sectors' erases (kept in
 * each sector's tail, carried over every erase), and a queue written before
 * the tail existed (format 1) still opens, its records all delivered. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "herald/le.h"
#include "herald/queue.h"
#include "herald_flash_file.h"
#include "queue_fixture.h"
#include "firmware/src/crc32.h"

/* Body i: "b<i>:" and then filler, len bytes. */
static size_t body(unsigned i, char *buf, size_t len)
{
    char tag[16];
    size_t n = (size_t)snprintf(tag, sizeof tag, "b%u:", i);
    n = n < len ? n : len;
    memcpy(buf, tag, n);
    for (size_t k = n; k < len; k++) {
        buf[k] = (char)('a' + (i + k) % 26u);
    }
    buf[len] = '\0';
    return len;
}

static uint32_t put(herald_queue_t *q, unsigned i, size_t len)
{
    char b[200];
    herald_queue_rec_t m = { 0u, (uint32_t)body(i, b, len), 100u + i, (uint8_t)(i & 1u) };
    assert_int_equal(q->begin(q->ctx, &m), HERALD_OK);
    assert_int_equal(q->write(q->ctx, b, len), HERALD_OK);
    assert_int_equal(q->commit(q->ctx), HERALD_OK);
    return m.seq;
}

static void retire_head(herald_queue_t *q)
{
    herald_queue_rec_t m;
    assert_int_equal(q->peek(q->ctx, &m), HERALD_OK);
    assert_int_equal(q->retire(q->ctx, m.seq), HERALD_OK);
}

/* Read the record whole, in pieces of 5, and check it is body i. */
static void check_body(herald_queue_t *q, const herald_queue_rec_t *m, unsigned i, size_t len)
{
    char got[200], want[200];
    assert_int_equal(m->body_len, len);
    for (size_t off = 0; off < len; off += 5u) {
        assert_int_equal(q->read(q->ctx, m, off, got + off, len - off < 5u ? len - off : 5u), HERALD_OK);
    }
    body(i, want, len);
    assert_memory_equal(got, want, len);
    assert_int_equal(m->expires_s, 100u + i);
    assert_int_equal(m->priority, i & 1u);
}

static void test_walk_lists_in_order_and_changes_nothing(void **state)
{
    fx_t *f = *state;
    herald_queue_rec_t m, prev, head;
    uint32_t seqs[6];
    uint64_t programs = f->ff.stats.programs;
    unsigned n = 0;
    assert_int_equal(f->q.walk(f->q.ctx, NULL, &m), HERALD_E_QUEUE_EMPTY);
    for (unsigned i = 0; i < 6; i++) {
        seqs[i] = put(&f->q, i, 20u + 9u * i);
    }
    programs = f->ff.stats.programs;
    assert_int_equal(f->q.walk(f->q.ctx, NULL, &m), HERALD_OK);
    do {
        assert_int_equal(m.seq, seqs[n]);
        check_body(&f->q, &m, n, 20u + 9u * n);
        n++;
        prev = m;
    } while (f->q.walk(f->q.ctx, &prev, &m) == HERALD_OK);
    assert_int_equal(n, 6u);
    assert_int_equal(f->q.walk(f->q.ctx, &prev, &m), HERALD_E_QUEUE_EMPTY);
    /* nothing moved: the same head, the same count, nothing programmed */
    assert_int_equal(f->q.count(f->q.ctx), 6u);
    assert_int_equal(f->q.peek(f->q.ctx, &head), HERALD_OK);
    assert_int_equal(head.seq, seqs[0]);
    assert_int_equal(f->ff.stats.programs, programs);
    /* the head is retired as before, and the walk starts from the new one */
    retire_head(&f->q);
    assert_int_equal(f->q.walk(f->q.ctx, NULL, &m), HERALD_OK);
    assert_int_equal(m.seq, seqs[1]);
}

static void test_walk_and_read_refuse_what_does_not_wait(void **state)
{
    fx_t *f = *state;
    herald_queue_rec_t first, second, third, m;
    char buf[8];
    for (unsigned i = 0; i < 4; i++) {
        put(&f->q, i, 30u);
    }
    assert_int_equal(f->q.walk(f->q.ctx, NULL, &first), HERALD_OK);
    assert_int_equal(f->q.walk(f->q.ctx, &first, &second), HERALD_OK);
    assert_int_equal(f->q.walk(f->q.ctx, &second, &third), HERALD_OK);
    /* read takes the head and the record the walk gave last, no other */
    assert_int_equal(f->q.read(f->q.ctx, &first, 0u, buf, 4u), HERALD_OK);
    assert_int_equal(f->q.read(f->q.ctx, &third, 0u, buf, 4u), HERALD_OK);
    assert_memory_equal(buf, "b2:", 3u);
    assert_int_equal(f->q.read(f->q.ctx, &second, 0u, buf, 4u), HERALD_E_INVALID_ARG);
    assert_int_equal(f->q.walk(f->q.ctx, &second, &m), HERALD_E_INVALID_ARG);
    assert_int_equal(f->q.read(f->q.ctx, &third, 25u, buf, 6u), HERALD_E_INVALID_ARG); /* past its end */
    /* a record retired since is no longer waiting */
    retire_head(&f->q);
    assert_int_equal(f->q.walk(f->q.ctx, &first, &m), HERALD_E_INVALID_ARG);
    assert_int_equal(f->q.read(f->q.ctx, &first, 0u, buf, 4u), HERALD_E_INVALID_ARG);
    assert_int_equal(f->q.walk(f->q.ctx, NULL, &m), HERALD_OK);
    assert_int_equal(f->q.walk(f->q.ctx, &m, &m), HERALD_OK); /* prev and out may be one */
    assert_int_equal(f->q.walk(f->q.ctx, &m, &m), HERALD_OK);
    retire_head(&f->q);
    retire_head(&f->q);
    assert_int_equal(f->q.read(f->q.ctx, &m, 0u, buf, 4u), HERALD_OK); /* the last: the head now */
    retire_head(&f->q);
    assert_int_equal(f->q.walk(f->q.ctx, &m, &m), HERALD_E_INVALID_ARG);
    assert_int_equal(f->q.walk(f->q.ctx, NULL, &m), HERALD_E_QUEUE_EMPTY);
}

/* What one record of body len takes on this queue. */
static size_t rec_bytes(const fx_t *f, size_t len)
{
    size_t u = f->kind->flash ? f->kind->geo.program_size : 4u;
    size_t al = (len + u - 1u) / u * u;
    if (!f->kind->flash) {
        return 16u + al;
    }
    return (21u + u - 1u) / u * u + (4u + u - 1u) / u * u + 2u * u + al;
}

static void test_stats_count_bytes(void **state)
{
    fx_t *f = *state;
    herald_queue_stats_t s;
    size_t total;
    size_t area = 0u;
    assert_int_equal(f->q.stats(f->q.ctx, &s, NULL, 0u), HERALD_OK);
    assert_int_equal(s.records, 0u);
    assert_int_equal(s.bytes_used, 0u);
    assert_int_equal(s.damaged, 0u);
    assert_int_equal(s.erases, 0u);
    total = s.bytes_free;
    if (f->kind->flash) {
        /* a sector: its header (two copies, the erase mark), its tail */
        uint32_t u = f->kind->geo.program_size;
        area = f->kind->geo.sector_size - (32u + u) - (12u + u - 1u) / u * u;
        assert_int_equal(s.sectors, f->kind->geo.sector_count);
        assert_int_equal(total, area * f->kind->geo.sector_count);
        assert_int_equal(area - rec_bytes(f, 0u), herald_flash_queue_max_body(&f->fq) - 0u);
    } else {
        uint32_t none[2] = { 0u, 0u };
        assert_int_equal(s.sectors, 0u);
        assert_int_equal(total, sizeof f->ram);
        assert_int_equal(f->q.stats(f->q.ctx, &s, none, 2u), HERALD_OK);
        assert_int_equal(none[0], HERALD_QUEUE_ERASES_UNKNOWN);
        assert_int_equal(none[1], HERALD_QUEUE_ERASES_UNKNOWN);
    }
    put(&f->q, 0u, 40u);
    put(&f->q, 1u, 41u);
    assert_int_equal(f->q.stats(f->q.ctx, &s, NULL, 0u), HERALD_OK);
    assert_int_equal(s.records, 2u);
    assert_int_equal(s.bytes_used, rec_bytes(f, 40u) + rec_bytes(f, 41u));
    assert_int_equal(s.bytes_free, total - s.bytes_used);
    retire_head(&f->q);
    assert_int_equal(f->q.stats(f->q.ctx, &s, NULL, 0u), HERALD_OK);
    assert_int_equal(s.records, 1u);
    assert_int_equal(s.bytes_used, rec_bytes(f, 41u));
    if (!f->kind->flash) {
        assert_int_equal(s.bytes_free, total - s.bytes_used);
        return;
    }
    /* on flash the retired record's room comes back with its sector's erase */
    assert_int_equal(s.bytes_free, total - rec_bytes(f, 40u) - rec_bytes(f, 41u));
    retire_head(&f->q);
    assert_int_equal(f->q.stats(f->q.ctx, &s, NULL, 0u), HERALD_OK);
    assert_int_equal(s.bytes_used, 0u);
    assert_int_equal(s.bytes_free, total - rec_bytes(f, 40u) - rec_bytes(f, 41u));
}

/* Fill the flash queue until it is full, then drain it: stats on the way. */
static void test_stats_full_queue(void **state)
{
    fx_t *f = *state;
    herald_queue_stats_t s;
    herald_queue_rec_t m = { 0u, 100u, 0u, 0u };
    unsigned n = 0;
    char b[200];
    for (;;) {
        herald_status_t st;
        m.body_len = 100u;
        st = f->q.begin(f->q.ctx, &m);
        if (st == HERALD_E_QUEUE_FULL) {
            break;
        }
        assert_int_equal(st, HERALD_OK);
        body(n, b, 100u);
        assert_int_equal(f->q.write(f->q.ctx, b, 100u), HERALD_OK);
        assert_int_equal(f->q.commit(f->q.ctx), HERALD_OK);
        n++;
        assert_int_equal(f->q.stats(f->q.ctx, &s, NULL, 0u), HERALD_OK);
        assert_int_equal(s.records, n);
        assert_true(s.bytes_used >= n * rec_bytes(f, 100u));
    }
    assert_int_equal(f->q.stats(f->q.ctx, &s, NULL, 0u), HERALD_OK);
    assert_true(s.bytes_free < rec_bytes(f, 100u)); /* full means no room for one more */
    while (f->q.count(f->q.ctx) > 0u) {
        retire_head(&f->q);
    }
    assert_int_equal(f->q.stats(f->q.ctx, &s, NULL, 0u), HERALD_OK);
    assert_int_equal(s.bytes_used, 0u);
    assert_true(s.bytes_free > 0u);
}

/* The erase counts the queue keeps are those the device saw, across reopens. */
static void test_erase_counts_follow_the_device(void **state)
{
    fx_t *f = *state;
    uint32_t counts[5];
    herald_queue_stats_t s;
    const uint32_t nsec = f->kind->geo.sector_count;
    assert_int_equal(f->q.stats(f->q.ctx, &s, counts, 5u), HERALD_OK);
    for (uint32_t i = 0; i < nsec; i++) {
        assert_int_equal(counts[i], 0u); /* blank: never erased by the queue */
    }
    for (unsigned i = 0; i < 60u; i++) {
        put(&f->q, i, 100u);
        retire_head(&f->q);
        if (i % 17u == 16u) { /* the counts are on flash, not in this instance */
            assert_int_equal(herald_flash_queue_init(&f->fq, &f->flash, &f->q), HERALD_OK);
        }
    }
    counts[4] = 0xABCDu;
    assert_int_equal(f->q.stats(f->q.ctx, &s, counts, 5u), HERALD_OK);
    assert_int_equal(counts[4], HERALD_QUEUE_ERASES_UNKNOWN); /* past the last sector */
    for (uint32_t i = 0; i < nsec; i++) {
        assert_true(f->ff.sector_erases[i] >= 3u);
        assert_int_equal(counts[i], f->ff.sector_erases[i]);
    }
    assert_true(s.erases > 0u && s.erases < 20u); /* this instance's: since the last reopen */
}

/* A sector with a header and no count (written before counts were kept, or
 * its tail damaged) says so, and from its next erase on counts "at least". */
static void test_unknown_erase_count(void **state)
{
    fx_t *f = *state;
    uint32_t counts[4];
    herald_queue_stats_t s;
    const uint32_t ss = f->kind->geo.sector_size;
    put(&f->q, 0u, 100u); /* opens sector 0 */
    assert_int_equal(f->q.stats(f->q.ctx, &s, counts, 4u), HERALD_OK);
    assert_int_equal(counts[0], 1u);
    memset(f->ff.mem + ss - 12u, 0xFF, 12u);             /* as format 1 left it */
    herald_flash_file_flip(&f->ff, 2u * ss - 7u, 0x10u); /* sector 1: damage where the tail goes */
    assert_int_equal(f->q.stats(f->q.ctx, &s, counts, 4u), HERALD_OK);
    assert_int_equal(counts[0], HERALD_QUEUE_ERASES_UNKNOWN);
    assert_int_equal(counts[1], HERALD_QUEUE_ERASES_UNKNOWN);
    assert_int_equal(counts[2], 0u);
    for (unsigned i = 1; i < 20u; i++) {
        put(&f->q, i, 100u);
        retire_head(&f->q);
    }
    assert_int_equal(f->q.stats(f->q.ctx, &s, counts, 4u), HERALD_OK);
    assert_int_equal(counts[0], HERALD_QUEUE_ERASES_MORE | (f->ff.sector_erases[0] - 1u));
    assert_int_equal(counts[1], HERALD_QUEUE_ERASES_MORE | f->ff.sector_erases[1]);
    assert_int_equal(counts[2], f->ff.sector_erases[2]);
}

/* ---- format 1: records up to the sector's end, no tail ---------------------- */

/* A format 1 sector header (both copies) at program size 4. */
static void v1_sector(uint8_t *sec, uint32_t epoch, uint32_t next_seq)
{
    uint8_t h[16];
    herald_le32_put(h, 0x31534851u);
    herald_le32_put(h + 4, epoch);
    herald_le32_put(h + 8, next_seq);
    herald_le32_put(h + 12, herald_crc32(0, h, 12u));
    memcpy(sec, h, 16u);
    memcpy(sec + 16, h, 16u);
}

/* A committed record at program size 4: header 24, CRC 4, marks 4 + 4, body. */
static uint32_t v1_record(uint8_t *at, uint32_t seq, const char *b, uint32_t len)
{
    uint32_t crc;
    herald_le32_put(at, 0x31524851u);
    herald_le32_put(at + 4, seq);
    herald_le32_put(at + 8, len);
    herald_le32_put(at + 12, 100u + seq);
    at[16] = (uint8_t)(seq & 1u);
    herald_le32_put(at + 17, herald_crc32(0, at, 17u));
    crc = herald_crc32(herald_crc32(0, at, 21u), b, len);
    herald_le32_put(at + 24, crc);
    memset(at + 28, 0x00, 4u); /* committed */
    memcpy(at + 36, b, len);
    return 36u + (len + 3u) / 4u * 4u;
}

/* A queue file of herald before the tail: sector 0 full up to its last
 * byte (its last record lies where the tail now goes), sector 1 the write
 * sector with room.  Everything is delivered, in order; new records go on. */
static void test_format1_image_opens(void **state)
{
    fx_t *f = *state;
    const uint32_t ss = f->kind->geo.sector_size;
    herald_queue_rec_t m, prev;
    uint32_t counts[4];
    herald_queue_stats_t s;
    char b[512];
    uint32_t off = 36u, seq = 1u, n = 0u;
    v1_sector(f->ff.mem, 1u, 1u);
    while (off < ss) {
        uint32_t room = ss - off - 36u;
        uint32_t len = room >= 100u + 36u + 40u ? 100u : room; /* the last one runs to the sector's end */
        body(seq, b, len);
        off += v1_record(f->ff.mem + off, seq, b, len);
        seq++;
    }
    assert_int_equal(off, ss);
    v1_sector(f->ff.mem + ss, 2u, seq);
    body(seq, b, 50u);
    v1_record(f->ff.mem + ss + 36u, seq, b, 50u);
    seq++;
    assert_int_equal(herald_flash_queue_init(&f->fq, &f->flash, &f->q), HERALD_OK);
    assert_int_equal(f->q.count(f->q.ctx), seq - 1u);
    assert_int_equal(f->q.stats(f->q.ctx, &s, counts, 4u), HERALD_OK);
    assert_int_equal(counts[0], HERALD_QUEUE_ERASES_UNKNOWN);
    assert_int_equal(counts[1], HERALD_QUEUE_ERASES_UNKNOWN);
    assert_int_equal(counts[2], 0u);
    assert_int_equal(f->q.walk(f->q.ctx, NULL, &m), HERALD_OK);
    do {
        n++;
        assert_int_equal(m.seq, n);
        prev = m;
    } while (f->q.walk(f->q.ctx, &prev, &m) == HERALD_OK);
    assert_int_equal(n, seq - 1u);
    put(&f->q, 1000u, 60u);
    for (uint32_t i = 1u; i < seq; i++) {
        assert_int_equal(f->q.peek(f->q.ctx, &m), HERALD_OK);
        assert_int_equal(m.seq, i);
        check_body(&f->q, &m, i, m.body_len);
        assert_int_equal(f->q.retire(f->q.ctx, m.seq), HERALD_OK);
    }
    assert_int_equal(f->q.peek(f->q.ctx, &m), HERALD_OK);
    check_body(&f->q, &m, 1000u, 60u);
    assert_int_equal(f->q.retire(f->q.ctx, m.seq), HERALD_OK);
    assert_int_equal(herald_flash_queue_init(&f->fq, &f->flash, &f->q), HERALD_OK);
    assert_int_equal(f->q.count(f->q.ctx), 0u);
}

/* Damage the walk meets is stepped over and left for the head to count. */
static void test_walk_steps_over_damage(void **state)
{
    fx_t *f = *state;
    herald_queue_rec_t m, prev;
    herald_queue_stats_t s;
    uint32_t seqs[4];
    uint64_t programs;
    unsigned n = 0;
    for (unsigned i = 0; i < 4; i++) {
        seqs[i] = put(&f->q, i, 60u);
    }
    /* the second record's body, program size 4: sector header 36, record 96 */
    herald_flash_file_flip(&f->ff, 36u + 96u + 36u + 10u, 0x04u);
    programs = f->ff.stats.programs;
    assert_int_equal(f->q.walk(f->q.ctx, NULL, &m), HERALD_OK);
    do {
        assert_int_equal(m.seq, seqs[n == 0u ? 0u : n + 1u]);
        n++;
        prev = m;
    } while (f->q.walk(f->q.ctx, &prev, &m) == HERALD_OK);
    assert_int_equal(n, 3u);
    assert_int_equal(f->ff.stats.programs, programs);
    assert_int_equal(f->q.stats(f->q.ctx, &s, NULL, 0u), HERALD_OK);
    assert_int_equal(s.damaged, 0u); /* not yet: the walk counts nothing */
    assert_int_equal(s.records, 4u);
    retire_head(&f->q); /* the head's walk finds it */
    assert_int_equal(f->q.stats(f->q.ctx, &s, NULL, 0u), HERALD_OK);
    assert_int_equal(s.damaged, 1u);
    assert_int_equal(s.records, 2u);
    assert_int_equal(f->q.peek(f->q.ctx, &m), HERALD_OK);
    assert_int_equal(m.seq, seqs[2]);
}

/* A body damaged after the walk gave it fails its last piece, and only the
 * head's failure costs the record. */
static void test_walk_read_checks_the_crc(void **state)
{
    fx_t *f = *state;
    herald_queue_rec_t m;
    herald_queue_stats_t s;
    char buf[64];
    for (unsigned i = 0; i < 3; i++) {
        put(&f->q, i, 60u);
    }
    assert_int_equal(f->q.walk(f->q.ctx, NULL, &m), HERALD_OK);
    assert_int_equal(f->q.walk(f->q.ctx, &m, &m), HERALD_OK);
    herald_flash_file_flip(&f->ff, 36u + 96u + 36u + 10u, 0x04u);
    assert_int_equal(f->q.read(f->q.ctx, &m, 0u, buf, 30u), HERALD_OK);
    assert_int_equal(f->q.read(f->q.ctx, &m, 30u, buf, 30u), HERALD_E_FLASH);
    assert_int_equal(f->q.stats(f->q.ctx, &s, NULL, 0u), HERALD_OK);
    assert_int_equal(s.records, 3u);
    assert_int_equal(s.damaged, 0u);
    assert_int_equal(f->q.read(f->q.ctx, &m, 30u, buf, 30u), HERALD_OK); /* out of order: not checked */
}

/* After a power cut at every operation of a short workload the walk lists
 * exactly what count says, each record whole. */
static void test_walk_after_every_cut(void **state)
{
    fx_t *f = *state;
    uint64_t ops;
    unsigned tried = 0;
    for (unsigned i = 0; i < 30u; i++) {
        put(&f->q, i, 50u + i);
        if (i % 3u != 0u) {
            retire_head(&f->q);
        }
    }
    ops = f->ff.stats.ops;
    for (uint64_t k = 0; k < ops; k++) {
        herald_flash_file_t ff;
        herald_flash_t fl;
        herald_flash_queue_t fq;
        herald_queue_t q;
        herald_queue_rec_t m, prev;
        herald_queue_stats_t s;
        size_t n = 0;
        herald_status_t st;
        assert_int_equal(herald_flash_file_open(&ff, NULL, &f->kind->geo, HERALD_FLASH_FILE_ECC, &fl),
                         HERALD_OK);
        herald_flash_file_cut(&ff, k, HERALD_FLASH_CUT_BITS, (uint32_t)k);
        assert_int_equal(herald_flash_queue_init(&fq, &fl, &q), HERALD_OK);
        for (unsigned i = 0; i < 30u; i++) {
            char b[100];
            herald_queue_rec_t w = { 0u, (uint32_t)body(i, b, 50u + i), 100u + i, (uint8_t)(i & 1u) };
            if (q.begin(q.ctx, &w) != HERALD_OK || q.write(q.ctx, b, w.body_len) != HERALD_OK ||
                q.commit(q.ctx) != HERALD_OK) {
                break;
            }
            if (i % 3u != 0u && (q.peek(q.ctx, &w) != HERALD_OK || q.retire(q.ctx, w.seq) != HERALD_OK)) {
                break;
            }
        }
        herald_flash_file_power_on(&ff);
        assert_int_equal(herald_flash_queue_init(&fq, &fl, &q), HERALD_OK);
        for (st = q.walk(q.ctx, NULL, &m); st == HERALD_OK; st = q.walk(q.ctx, &prev, &m)) {
            char got[100];
            unsigned i;
            assert_int_equal(q.read(q.ctx, &m, 0u, got, m.body_len), HERALD_OK);
            assert_int_equal(sscanf(got, "b%u:", &i), 1);
            check_body(&q, &m, i, 50u + i);
            n++;
            prev = m;
        }
        assert_int_equal(st, HERALD_E_QUEUE_EMPTY);
        assert_int_equal(q.stats(q.ctx, &s, NULL, 0u), HERALD_OK);
        assert_int_equal(n, q.count(q.ctx));
        assert_int_equal(s.records, n);
        herald_flash_file_close(&ff);
        tried++;
    }
    printf("walk after power cuts: %u cuts tried, each listing whole\n", tried);
}

#define CASE(fn, k) \
    { \
#fn " (" #k ")", fn, queue_fx_setup, queue_fx_teardown, (void *)&(QK_##k) \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        CASE(test_walk_lists_in_order_and_changes_nothing, RAM),
        CASE(test_walk_lists_in_order_and_changes_nothing, FL1),
        CASE(test_walk_lists_in_order_and_changes_nothing, FL4),
        CASE(test_walk_lists_in_order_and_changes_nothing, FL16),
        CASE(test_walk_and_read_refuse_what_does_not_wait, RAM),
        CASE(test_walk_and_read_refuse_what_does_not_wait, FL4),
        CASE(test_walk_and_read_refuse_what_does_not_wait, FL16),
        CASE(test_stats_count_bytes, RAM),
        CASE(test_stats_count_bytes, FL1),
        CASE(test_stats_count_bytes, FL4),
        CASE(test_stats_count_bytes, FL16),
        CASE(test_stats_full_queue, FL4),
        CASE(test_erase_counts_follow_the_device, FL4),
        CASE(test_erase_counts_follow_the_device, FL16),
        CASE(test_unknown_erase_count, FL4),
        CASE(test_format1_image_opens, FL4),
        CASE(test_walk_steps_over_damage, FL4),
        CASE(test_walk_read_checks_the_crc, FL4),
        CASE(test_walk_after_every_cut, FL4),
    };
    return cmocka_run_group_tests_name("queue_walk", tests, NULL, NULL);
}
