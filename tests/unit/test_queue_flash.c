/* SPDX-License-Identifier: Apache-2.0 */
/* The queue contract, run against the RAM queue and the flash queue at every
 * program size (1, 4, 8, 16), then what only the flash queue promises:
 * recovery on reopen, exact capacity, torn and half-marked records, a foreign
 * image, wear spread over 10,000 cycles, and bytes programmed per record. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "herald/queue.h"
#include "herald_flash_file.h"
#include "queue_fixture.h"

static const char SEED_BODY[] =
    "{\"template\":{\"key\":\"order-confirmation\",\"variables\":{\"customerName\":\"Jane\","
    "\"orderId\":\"ORD-12345\"}},\"targets\":[\"user-jane-123\"],\"mode\":\"realtime\","
    "\"title\":\"Order Confirmed\"}";

/* Enqueue as the agent does: begin, write in pieces of `piece` bytes, commit. */
static herald_status_t put(herald_queue_t *q, const char *body, size_t len, uint32_t expires, uint8_t prio,
                           size_t piece, uint32_t *seq)
{
    herald_queue_rec_t m = { 0u, (uint32_t)len, expires, prio };
    herald_status_t st = q->begin(q->ctx, &m);
    if (st != HERALD_OK) {
        return st;
    }
    for (size_t off = 0; off < len && st == HERALD_OK; off += piece) {
        st = q->write(q->ctx, body + off, len - off < piece ? len - off : piece);
    }
    st = st == HERALD_OK ? q->commit(q->ctx) : st;
    if (st != HERALD_OK) {
        q->abort(q->ctx);
    } else if (seq) {
        *seq = m.seq;
    }
    return st;
}

static void put_ok(herald_queue_t *q, const char *body, uint32_t expires, uint8_t prio, uint32_t *seq)
{
    assert_int_equal(put(q, body, strlen(body), expires, prio, 7u, seq), HERALD_OK);
}

/* Check the oldest record is exactly this, reading it in pieces, then retire it. */
static void take(herald_queue_t *q, const char *body, uint32_t expires, uint8_t prio, uint32_t seq)
{
    herald_queue_rec_t m;
    char buf[600];
    size_t len = strlen(body);
    assert_int_equal(q->peek(q->ctx, &m), HERALD_OK);
    assert_int_equal(m.body_len, len);
    assert_int_equal(m.expires_s, expires);
    assert_int_equal(m.priority, prio);
    if (seq) {
        assert_int_equal(m.seq, seq);
    }
    for (size_t off = 0; off < len; off += 5u) {
        size_t n = len - off < 5u ? len - off : 5u;
        assert_int_equal(q->read(q->ctx, &m, off, buf + off, n), HERALD_OK);
    }
    assert_memory_equal(buf, body, len);
    assert_int_equal(q->retire(q->ctx, m.seq), HERALD_OK);
}

static void body_of(char *buf, size_t cap, unsigned i, size_t len)
{
    int n = snprintf(buf, cap, "n=%u;", i);
    for (size_t k = (size_t)n; k < len && k + 1 < cap; k++) {
        buf[k] = (char)('a' + (i + k) % 26u);
    }
    buf[len > (size_t)n ? len : (size_t)n] = '\0';
}

/* ---- the contract, for every queue ------------------------------------------ */

static void test_empty(void **state)
{
    fx_t *f = *state;
    herald_queue_rec_t m;
    assert_int_equal(f->q.count(f->q.ctx), 0u);
    assert_int_equal(f->q.peek(f->q.ctx, &m), HERALD_E_QUEUE_EMPTY);
    assert_int_equal(f->q.retire(f->q.ctx, 1u), HERALD_E_INVALID_ARG);
}

static void test_fifo_keeps_bodies_and_meta(void **state)
{
    fx_t *f = *state;
    uint32_t seq[5];
    char b[5][64];
    for (unsigned i = 0; i < 5; i++) {
        body_of(b[i], sizeof b[i], i, 10u + 9u * i);
        put_ok(&f->q, b[i], 1000u + i, (uint8_t)(i & 1u), &seq[i]);
        if (i > 0) {
            assert_true(seq[i] > seq[i - 1]);
        }
    }
    assert_int_equal(f->q.count(f->q.ctx), 5u);
    for (unsigned i = 0; i < 5; i++) {
        take(&f->q, b[i], 1000u + i, (uint8_t)(i & 1u), seq[i]);
        assert_int_equal(f->q.count(f->q.ctx), 4u - i);
    }
    assert_int_equal(f->q.peek(f->q.ctx, &(herald_queue_rec_t){ 0 }), HERALD_E_QUEUE_EMPTY);
}

static void test_read_in_pieces_and_bounds(void **state)
{
    fx_t *f = *state;
    char body[101], buf[101];
    herald_queue_rec_t m, other;
    body_of(body, sizeof body, 42u, 100u);
    put_ok(&f->q, body, 0u, 0u, NULL);
    assert_int_equal(f->q.peek(f->q.ctx, &m), HERALD_OK);
    for (size_t piece = 1; piece <= 17; piece++) {
        memset(buf, 0, sizeof buf);
        for (size_t off = 0; off < 100u; off += piece) {
            size_t n = 100u - off < piece ? 100u - off : piece;
            assert_int_equal(f->q.read(f->q.ctx, &m, off, buf + off, n), HERALD_OK);
        }
        assert_memory_equal(buf, body, 100u);
    }
    assert_int_equal(f->q.read(f->q.ctx, &m, 100u, buf, 0u), HERALD_OK);
    assert_int_equal(f->q.read(f->q.ctx, &m, 99u, buf, 2u), HERALD_E_INVALID_ARG);
    assert_int_equal(f->q.read(f->q.ctx, &m, 101u, buf, 0u), HERALD_E_INVALID_ARG);
    other = m;
    other.seq++;
    assert_int_equal(f->q.read(f->q.ctx, &other, 0u, buf, 1u), HERALD_E_INVALID_ARG);
}

static void test_retire_only_the_oldest(void **state)
{
    fx_t *f = *state;
    uint32_t a, b;
    put_ok(&f->q, "first", 0u, 0u, &a);
    put_ok(&f->q, "second", 0u, 0u, &b);
    assert_int_equal(f->q.retire(f->q.ctx, b), HERALD_E_INVALID_ARG);
    assert_int_equal(f->q.count(f->q.ctx), 2u);
    take(&f->q, "first", 0u, 0u, a);
    assert_int_equal(f->q.retire(f->q.ctx, a), HERALD_E_INVALID_ARG);
    take(&f->q, "second", 0u, 0u, b);
}

static void test_write_contract(void **state)
{
    fx_t *f = *state;
    herald_queue_rec_t m = { 0u, 4u, 0u, 0u }, m2 = { 0u, 1u, 0u, 0u };
    uint32_t s1, s2;
    assert_int_equal(f->q.write(f->q.ctx, "x", 1u), HERALD_E_INVALID_ARG); /* nothing begun */
    assert_int_equal(f->q.commit(f->q.ctx), HERALD_E_INVALID_ARG);
    assert_int_equal(f->q.begin(f->q.ctx, &m), HERALD_OK);
    assert_int_equal(f->q.begin(f->q.ctx, &m2), HERALD_E_BUSY);
    assert_int_equal(f->q.write(f->q.ctx, "abc", 3u), HERALD_OK);
    assert_int_equal(f->q.commit(f->q.ctx), HERALD_E_INVALID_ARG);          /* one byte short */
    assert_int_equal(f->q.write(f->q.ctx, "de", 2u), HERALD_E_INVALID_ARG); /* one too many */
    f->q.abort(f->q.ctx);
    assert_int_equal(f->q.count(f->q.ctx), 0u);
    f->q.abort(f->q.ctx);           /* harmless when nothing is begun */
    put_ok(&f->q, "", 5u, 1u, &s1); /* an empty body is a record too */
    put_ok(&f->q, "after abort", 0u, 0u, &s2);
    if (f->kind->flash) {
        queue_fx_reopen(f); /* what follows an aborted record survives a reboot */
        assert_int_equal(f->q.count(f->q.ctx), 2u);
    }
    take(&f->q, "", 5u, 1u, s1);
    take(&f->q, "after abort", 0u, 0u, s2);
}

static void test_full_then_room_again(void **state)
{
    fx_t *f = *state;
    char body[80];
    unsigned n = 0;
    herald_status_t st = HERALD_OK;
    while (n < 1000u) {
        body_of(body, sizeof body, n, 60u);
        st = put(&f->q, body, strlen(body), n, 0u, 16u, NULL);
        if (st != HERALD_OK) {
            break;
        }
        n++;
    }
    assert_int_equal(st, HERALD_E_QUEUE_FULL);
    assert_true(n >= 10u);
    assert_int_equal(f->q.count(f->q.ctx), n);
    for (unsigned i = 0; i < n; i++) {
        body_of(body, sizeof body, i, 60u);
        take(&f->q, body, i, 0u, 0u);
    }
    put_ok(&f->q, "room again", 0u, 0u, NULL);
    take(&f->q, "room again", 0u, 0u, 0u);
}

static void test_too_big_never_fits(void **state)
{
    fx_t *f = *state;
    herald_queue_rec_t m = { 0u, 1u << 20, 0u, 0u };
    assert_int_equal(f->q.begin(f->q.ctx, &m), HERALD_E_NOSPACE);
    m.body_len = 0xFFFFFFFFu;
    assert_int_equal(f->q.begin(f->q.ctx, &m), HERALD_E_NOSPACE);
    assert_int_equal(f->q.count(f->q.ctx), 0u);
    put_ok(&f->q, "still fine", 0u, 0u, NULL);
}

/* ---- the flash queue only ---------------------------------------------------- */

static void test_reopen_recovers_everything(void **state)
{
    fx_t *f = *state;
    uint32_t seq[12], s;
    char b[12][64];
    for (unsigned i = 0; i < 12; i++) {
        body_of(b[i], sizeof b[i], i, 10u + i);
        put_ok(&f->q, b[i], i, (uint8_t)(i % 2u), &seq[i]);
    }
    for (unsigned i = 0; i < 5; i++) {
        take(&f->q, b[i], i, (uint8_t)(i % 2u), seq[i]);
    }
    queue_fx_reopen(f);
    assert_int_equal(f->q.count(f->q.ctx), 7u);
    queue_fx_reopen(f); /* recovery writes nothing, so twice is the same */
    assert_int_equal(f->q.count(f->q.ctx), 7u);
    put_ok(&f->q, "new after reboot", 7u, 1u, &s);
    assert_true(s > seq[11]);
    for (unsigned i = 5; i < 12; i++) {
        take(&f->q, b[i], i, (uint8_t)(i % 2u), seq[i]);
    }
    take(&f->q, "new after reboot", 7u, 1u, s);
    queue_fx_reopen(f);
    assert_int_equal(f->q.count(f->q.ctx), 0u);
    put_ok(&f->q, "and again", 0u, 0u, &s);
    queue_fx_reopen(f);
    take(&f->q, "and again", 0u, 0u, s);
}

static void test_exact_capacity(void **state)
{
    /* 4 sectors of 256, program size 4: sector header 36 (two copies and the
     * erase mark) and tail 12 (its erase count), record 36 + 32 = 68, so 3
     * records per sector; the fifth
     * sector opening would reuse the first, which still holds the head: 12
     * records, then full. */
    fx_t *f = *state;
    char body[41];
    herald_queue_rec_t m = { 0u, 172u, 0u, 0u };
    assert_int_equal(herald_flash_queue_max_body(&f->fq), 256u - 36u - 12u - 36u);
    for (unsigned i = 0; i < 12; i++) {
        body_of(body, sizeof body, i, 32u);
        put_ok(&f->q, body, 0u, 0u, NULL);
    }
    body_of(body, sizeof body, 12u, 32u);
    assert_int_equal(put(&f->q, body, 32u, 0u, 0u, 32u, NULL), HERALD_E_QUEUE_FULL);
    for (unsigned i = 0; i < 2; i++) {
        body_of(body, sizeof body, i, 32u);
        take(&f->q, body, 0u, 0u, 0u);
        assert_int_equal(put(&f->q, body, 32u, 0u, 0u, 32u, NULL), HERALD_E_QUEUE_FULL);
    }
    body_of(body, sizeof body, 2u, 32u);
    take(&f->q, body, 0u, 0u, 0u); /* the first sector is all retired now */
    body_of(body, sizeof body, 12u, 32u);
    put_ok(&f->q, body, 0u, 0u, NULL);
    assert_int_equal(f->q.count(f->q.ctx), 10u);
    assert_int_equal(f->q.begin(f->q.ctx, &m),
                     HERALD_E_QUEUE_FULL); /* max body fits a sector, none is free */
    m.body_len = 173u;
    assert_int_equal(f->q.begin(f->q.ctx, &m), HERALD_E_NOSPACE);
    assert_int_equal(f->ff.stats.erases, 5u);
}

/* Address of the record whose body starts with `text` (test-only search). */
static size_t find_body(fx_t *f, const char *text)
{
    size_t n = strlen(text);
    for (size_t a = 0; a + n <= f->ff.size; a++) {
        if (memcmp(f->ff.mem + a, text, n) == 0) {
            return a;
        }
    }
    fail_msg("body %s not on flash", text);
    return 0;
}

static void test_torn_and_half_marked_records(void **state)
{
    /* Program size 4: record = header 24, crc 4, commit 4, retire 4, body. */
    fx_t *f = *state;
    uint32_t s[6];
    size_t a;
    put_ok(&f->q, "rec-0 delivered, retire half done", 0u, 0u, &s[0]);
    put_ok(&f->q, "rec-1 waiting", 0u, 0u, &s[1]);
    put_ok(&f->q, "rec-2 commit half done", 0u, 0u, &s[2]);
    put_ok(&f->q, "rec-3 body torn", 0u, 0u, &s[3]);
    put_ok(&f->q, "rec-4 header torn", 0u, 0u, &s[4]);
    put_ok(&f->q, "rec-5 found behind it", 0u, 0u, &s[5]);
    /* a retire mark with 9 of its 32 bits cleared: not retired, so
     * delivered again (at-least-once), then retired for good */
    a = find_body(f, "rec-0");
    f->ff.mem[a - 4u] = 0x00;
    f->ff.mem[a - 3u] = 0x7F;
    /* a commit mark with only 9 bits cleared: never committed, never delivered */
    a = find_body(f, "rec-2") - 8u;
    memset(f->ff.mem + a + 1u, 0xFF, 3u);
    f->ff.mem[a + 2u] = 0xEF;
    /* a body bit flipped: the record fails its CRC and is stepped over */
    f->ff.mem[find_body(f, "rec-3") + 6u] ^= 0x01;
    /* a header bit flipped (its length): the walk resyncs on rec-5 */
    f->ff.mem[find_body(f, "rec-4") - 36u + 8u] ^= 0x04;
    queue_fx_reopen(f);
    assert_int_equal(f->q.count(f->q.ctx), 3u);
    assert_int_equal(f->fq.damaged, 2u); /* rec-3 and rec-4 */
    take(&f->q, "rec-0 delivered, retire half done", 0u, 0u, s[0]);
    take(&f->q, "rec-1 waiting", 0u, 0u, s[1]);
    take(&f->q, "rec-5 found behind it", 0u, 0u, s[5]);
    assert_int_equal(f->q.count(f->q.ctx), 0u);
    queue_fx_reopen(f);
    assert_int_equal(f->q.count(f->q.ctx), 0u);
    assert_int_equal(f->fq.damaged, 0u); /* counted once, not at every boot */
    /* nothing is written after a torn header in its sector; writing goes on */
    put_ok(&f->q, "rec-6", 0u, 0u, &s[0]);
    assert_true(find_body(f, "rec-6") >= 512u);
    queue_fx_reopen(f);
    take(&f->q, "rec-6", 0u, 0u, s[0]);
}

static void test_damage_after_write_does_not_stall(void **state)
{
    /* Records damaged after they were counted (bit rot) cannot be sent; the
     * queue steps over a damaged body, resyncs behind a damaged header,
     * counts both, and goes on working. */
    fx_t *f = *state;
    uint32_t s[5];
    put_ok(&f->q, "rot-0", 0u, 0u, &s[0]);
    put_ok(&f->q, "rot-1 body damaged", 0u, 0u, &s[1]);
    put_ok(&f->q, "rot-2 behind it", 0u, 0u, &s[2]);
    put_ok(&f->q, "rot-3 header damaged", 0u, 0u, &s[3]);
    put_ok(&f->q, "rot-4 found behind it", 0u, 0u, &s[4]);
    f->ff.mem[find_body(f, "rot-1") + 3u] ^= 0x10;
    f->ff.mem[find_body(f, "rot-3") - 36u + 5u] ^= 0x80; /* its sequence number */
    take(&f->q, "rot-0", 0u, 0u, s[0]);
    /* damage is learnt when the walk gets there; then the count is taken
     * afresh, and only records that check out count */
    assert_int_equal(f->q.count(f->q.ctx), 2u);
    assert_int_equal(f->fq.damaged, 1u);
    take(&f->q, "rot-2 behind it", 0u, 0u, s[2]);
    assert_int_equal(f->q.count(f->q.ctx), 1u);
    assert_int_equal(f->fq.damaged, 2u);
    take(&f->q, "rot-4 found behind it", 0u, 0u, s[4]);
    put_ok(&f->q, "rot-5", 0u, 0u, &s[0]);
    assert_true(find_body(f, "rot-5") >= 512u);
    queue_fx_reopen(f);
    assert_int_equal(f->q.count(f->q.ctx), 1u);
    assert_int_equal(f->fq.damaged, 0u);
    take(&f->q, "rot-5", 0u, 0u, s[0]);
}

/* Sector 0's two header copies, program size 4: magic, epoch, next_seq, crc. */
static void test_sector_header_damage(void **state)
{
    fx_t *f = *state;
    uint32_t s[3];
    put_ok(&f->q, "hdr-0", 0u, 0u, &s[0]);
    put_ok(&f->q, "hdr-1", 0u, 0u, &s[1]);
    put_ok(&f->q, "hdr-2", 0u, 0u, &s[2]);
    /* one copy damaged (its epoch): costs nothing */
    f->ff.mem[5] ^= 0x01;
    queue_fx_reopen(f);
    assert_int_equal(f->q.count(f->q.ctx), 3u);
    take(&f->q, "hdr-0", 0u, 0u, s[0]);
    /* the other copy damaged instead: nothing either */
    f->ff.mem[5] ^= 0x01;
    f->ff.mem[16u + 9u] ^= 0x40;
    queue_fx_reopen(f);
    assert_int_equal(f->q.count(f->q.ctx), 2u);
    /* both damaged: the sector is outside the log, but the two intact
     * records in it are never erased: the queue reports full instead */
    f->ff.mem[2] ^= 0x08;
    queue_fx_reopen(f);
    assert_int_equal(f->q.count(f->q.ctx), 0u);
    assert_int_equal(put(&f->q, "hdr-3", 5u, 0u, 0u, 5u, NULL), HERALD_E_QUEUE_FULL);
    assert_int_equal(f->ff.stats.erases, 1u);
    (void)find_body(f, "hdr-1");
    (void)find_body(f, "hdr-2");
}

/* Fill sectors 0..2 with two 150-byte records each (program size 4) and
 * deliver sector 0's: the next record opens sector 3. */
static void six_then_two_out(fx_t *f, uint32_t *s)
{
    char body[200];
    for (unsigned i = 0; i < 6u; i++) {
        body_of(body, sizeof body, i, 150u);
        put_ok(&f->q, body, 0u, 0u, &s[i]);
    }
    for (unsigned i = 0; i < 2u; i++) {
        body_of(body, sizeof body, i, 150u);
        take(&f->q, body, 0u, 0u, s[i]);
    }
}

static void late_records_come_out(fx_t *f, uint32_t *s, const uint32_t *late, unsigned nlate)
{
    char body[200];
    assert_int_equal(f->q.count(f->q.ctx), 4u + nlate);
    assert_int_equal(f->fq.damaged, 0u);
    for (unsigned i = 2; i < 6u; i++) {
        body_of(body, sizeof body, i, 150u);
        take(&f->q, body, 0u, 0u, s[i]);
    }
    for (unsigned i = 0; i < nlate; i++) {
        snprintf(body, sizeof body, "late-%u", i);
        take(&f->q, body, 0u, 0u, late[i]);
    }
    put_ok(&f->q, "fresh", 0u, 0u, &s[0]);
    for (unsigned i = 0; i < nlate; i++) {
        assert_true(s[0] != late[i]); /* a handle is never given twice */
    }
}

/* One cut and one flip: the cut lands copy 1 of sector 3's header and not
 * copy 2; records written after the reboot must not hang on that one copy,
 * or a later flip in it takes them out of the log (and the sector is erased
 * under them). */
static void test_cut_then_flip_keeps_the_records(void **state)
{
    fx_t *f = *state;
    uint32_t s[6], late[3];
    char body[200];
    six_then_two_out(f, s);
    /* opening sector 3: erase mark, erase, copy 1, then copy 2 is cut */
    herald_flash_file_cut(&f->ff, 3u, HERALD_FLASH_CUT_CLEAN, 1u);
    body_of(body, sizeof body, 6u, 150u);
    assert_int_equal(put(&f->q, body, 150u, 0u, 0u, 150u, NULL), HERALD_E_FLASH);
    herald_flash_file_power_on(&f->ff);
    queue_fx_reopen(f);
    for (unsigned i = 0; i < 3u; i++) {
        snprintf(body, sizeof body, "late-%u", i);
        put_ok(&f->q, body, 0u, 0u, &late[i]);
    }
    herald_flash_file_flip(&f->ff, 3u * 512u + 5u, 0x01u); /* copy 1 of sector 3: its epoch */
    queue_fx_reopen(f);
    late_records_come_out(f, s, late, 3u);
}

/* The same with a stuck bit in copy 1 when sector 3 opens, and a flip in
 * copy 2 later: the open reads its header back and does not write into a
 * sector with one good copy. */
static void test_stuck_header_bit_then_flip_keeps_the_records(void **state)
{
    fx_t *f = *state;
    uint32_t s[6], late[3];
    char body[200];
    six_then_two_out(f, s);
    assert_true(herald_flash_file_stick(&f->ff, 3u * 512u + 5u, 0x01u, 0x01u));
    body_of(body, sizeof body, 6u, 150u);
    assert_int_equal(put(&f->q, body, 150u, 0u, 0u, 150u, NULL), HERALD_E_FLASH); /* the caller keeps it */
    for (unsigned i = 0; i < 3u; i++) {
        snprintf(body, sizeof body, "late-%u", i);
        put_ok(&f->q, body, 0u, 0u, &late[i]);
    }
    assert_true(find_body(f, "late-0") < 512u);                  /* not in sector 3 */
    herald_flash_file_flip(&f->ff, 3u * 512u + 16u + 5u, 0x01u); /* copy 2 */
    queue_fx_reopen(f);
    late_records_come_out(f, s, late, 3u);
    herald_flash_file_unstick_all(&f->ff);
}

/* Bit rot at rest after init: the head's body no longer matches its CRC.
 * Reading it through fails on the last piece, and the record is lost to
 * damage (counted, retired) rather than handed out (or copied by a
 * rotation under a fresh CRC). */
static void test_body_damaged_after_init_is_not_read_out(void **state)
{
    fx_t *f = *state;
    herald_queue_rec_t m;
    char buf[64];
    const char *a = "rot-a: this body rots after init";
    uint32_t sa, sb;
    size_t len = strlen(a);
    put_ok(&f->q, a, 0u, 0u, &sa);
    put_ok(&f->q, "rot-b", 0u, 0u, &sb);
    herald_flash_file_flip(&f->ff, (uint32_t)find_body(f, "rot-a") + 20u, 0x04u);
    assert_int_equal(f->q.peek(f->q.ctx, &m), HERALD_OK);
    assert_int_equal(m.seq, sa);
    for (size_t off = 0; off + 5u < len; off += 5u) {
        assert_int_equal(f->q.read(f->q.ctx, &m, off, buf + off, 5u), HERALD_OK);
    }
    assert_int_equal(f->q.read(f->q.ctx, &m, len - len % 5u, buf, len % 5u), HERALD_E_FLASH);
    assert_int_equal(f->fq.damaged, 1u);
    assert_int_equal(f->q.count(f->q.ctx), 1u);
    take(&f->q, "rot-b", 0u, 0u, sb);
    queue_fx_reopen(f);
    assert_int_equal(f->q.count(f->q.ctx), 0u);
    assert_int_equal(f->fq.damaged, 0u); /* counted once */
}

/* A record whose commit failed on a stuck body bit, and whose retire mark
 * (abort's best effort) failed too: it was never counted, so the walk must
 * not take it off the count (or call it damage), and the intact record
 * behind it stays the head. */
static void test_failed_commit_is_not_taken_off_the_count(void **state)
{
    fx_t *f = *state;
    herald_queue_rec_t m = { 0u, 8u, 0u, 0u };
    uint32_t sh, sb;
    put_ok(&f->q, "head-h", 0u, 0u, &sh); /* at 36, 36 + 8 bytes */
    /* A's body starts at 80 + 36: "bbbbbbbb", bit 0 of its first byte stuck at 1 */
    assert_true(herald_flash_file_stick(&f->ff, 116u, 0x01u, 0x01u));
    assert_int_equal(f->q.begin(f->q.ctx, &m), HERALD_OK);
    assert_int_equal(f->q.write(f->q.ctx, "bbbbbbbb", 8u), HERALD_OK);
    assert_int_equal(f->q.commit(f->q.ctx), HERALD_E_FLASH);             /* read back: not as written */
    herald_flash_file_fail_once(&f->ff, 0u, HERALD_FLASH_CUT_CLEAN, 1u); /* abort's retire mark */
    f->q.abort(f->q.ctx);
    put_ok(&f->q, "intact-b", 0u, 0u, &sb);
    assert_int_equal(f->q.count(f->q.ctx), 2u);
    take(&f->q, "head-h", 0u, 0u, sh);
    assert_int_equal(f->q.count(f->q.ctx), 1u);
    assert_int_equal(f->fq.damaged, 0u); /* its caller was told */
    queue_fx_reopen(f);
    take(&f->q, "intact-b", 0u, 0u, sb);
    herald_flash_file_unstick_all(&f->ff);
}

/* Both header copies of a sector damaged: its records are still delivered,
 * the sector taken by its place in the rotation: sector 0 in the middle of
 * the log, or sector 1, the write sector itself. */
static void both_copies_damaged(fx_t *f, uint32_t sec)
{
    uint32_t s[4], s4;
    char body[200];
    for (unsigned i = 0; i < 4u; i++) {
        body_of(body, sizeof body, i, 150u);
        put_ok(&f->q, body, 0u, 0u, &s[i]); /* sectors 0 and 1 */
    }
    herald_flash_file_flip(&f->ff, sec * 512u + 5u, 0x01u);
    herald_flash_file_flip(&f->ff, sec * 512u + 16u + 9u, 0x10u);
    queue_fx_reopen(f);
    assert_int_equal(f->q.count(f->q.ctx), 4u);
    assert_int_equal(f->fq.damaged, 0u);
    put_ok(&f->q, "behind them", 0u, 0u, &s4);
    assert_true(s4 > s[3]); /* a handle is never given twice */
    queue_fx_reopen(f);
    for (unsigned i = 0; i < 4u; i++) {
        body_of(body, sizeof body, i, 150u);
        take(&f->q, body, 0u, 0u, s[i]);
    }
    take(&f->q, "behind them", 0u, 0u, s4);
    queue_fx_reopen(f);
    assert_int_equal(f->q.count(f->q.ctx), 0u);
}

static void test_both_header_copies_damaged_mid_log(void **state)
{
    both_copies_damaged(*state, 0u);
}

static void test_both_header_copies_damaged_write_sector(void **state)
{
    both_copies_damaged(*state, 1u);
}

/* Epochs compared as serial numbers: a log whose sectors run 0xFFFFFFFE,
 * 0xFFFFFFFF, 0, 1 recovers whole. */
static void test_epoch_wrap(void **state)
{
    fx_t *f = *state;
    char body[200];
    /* As if the last sector had been opened with epoch 0xFFFFFFFD: the next
     * record opens sector 0 with 0xFFFFFFFE. */
    f->fq.have_w = 1u;
    f->fq.wsec = 3u;
    f->fq.wepoch = 0xFFFFFFFDu;
    f->fq.woff = 512u;
    for (unsigned i = 0; i < 8u; i++) {
        body_of(body, sizeof body, i, 150u);
        put_ok(&f->q, body, 0u, 0u, NULL); /* 2 per sector: sectors 0..3 */
    }
    assert_int_equal(f->fq.wsec, 3u);
    assert_int_equal(f->fq.wepoch, 1u);
    queue_fx_reopen(f);
    assert_int_equal(f->q.count(f->q.ctx), 8u);
    for (unsigned i = 0; i < 8u; i++) {
        body_of(body, sizeof body, i, 150u);
        take(&f->q, body, 0u, 0u, 0u);
    }
    body_of(body, sizeof body, 8u, 150u);
    put_ok(&f->q, body, 0u, 0u, NULL); /* sector 0 again, epoch 2 */
    queue_fx_reopen(f);
    assert_int_equal(f->q.count(f->q.ctx), 1u);
    assert_int_equal(f->fq.wepoch, 2u);
}

/* Sequence numbers wrap from 0xFFFFFFFF to 1 (0 is never a handle) and
 * recovery carries on from there. */
static void test_seq_wrap(void **state)
{
    fx_t *f = *state;
    static const uint32_t want[] = { 0xFFFFFFFEu, 0xFFFFFFFFu, 1u, 2u };
    uint32_t s;
    char body[8];
    f->fq.next_seq = 0xFFFFFFFEu;
    for (unsigned i = 0; i < 4u; i++) {
        snprintf(body, sizeof body, "seq-%u", i);
        put_ok(&f->q, body, 0u, 0u, &s);
        assert_int_equal(s, want[i]);
    }
    queue_fx_reopen(f);
    for (unsigned i = 0; i < 4u; i++) {
        snprintf(body, sizeof body, "seq-%u", i);
        take(&f->q, body, 0u, 0u, want[i]);
    }
    put_ok(&f->q, "seq-4", 0u, 0u, &s);
    assert_int_equal(s, 3u);
}

/* A sector header program that fails may still have landed a valid copy:
 * writing must not go on in the old sector, or its numbers come twice. */
static void test_failed_sector_open_closes_the_old_sector(void **state)
{
    fx_t *f = *state;
    uint32_t s0, s1, s2;
    herald_queue_rec_t m = { 0u, herald_flash_queue_max_body(&f->fq), 0u, 0u };
    put_ok(&f->q, "first", 0u, 0u, &s0);
    /* the next record needs a new sector: erase mark, erase, copy A, copy B */
    herald_flash_file_fail_once(&f->ff, 3u, HERALD_FLASH_CUT_CLEAN, 1u);
    assert_int_equal(f->q.begin(f->q.ctx, &m), HERALD_E_FLASH);
    put_ok(&f->q, "second", 0u, 0u, &s1);
    assert_true(find_body(f, "second") >= 512u); /* not behind "first" */
    queue_fx_reopen(f);
    take(&f->q, "first", 0u, 0u, s0);
    take(&f->q, "second", 0u, 0u, s1);
    put_ok(&f->q, "third", 0u, 0u, &s2);
    assert_true(s2 != s1 && s2 != s0);
}

static void test_interrupted_erase_is_ignored(void **state)
{
    /* Fill sector 0, move to sector 1, retire all of sector 0, then set
     * sector 1's erase mark as if erasing sector 2 had begun: recovery must
     * ignore sector 2 even though it looks intact. */
    fx_t *f = *state;
    char body[200];
    unsigned i;
    for (i = 0; i < 8u; i++) {
        body_of(body, sizeof body, i, 150u);
        put_ok(&f->q, body, 0u, 0u, NULL); /* 2 per sector: sectors 0..3 */
    }
    for (i = 0; i < 8u; i++) {
        body_of(body, sizeof body, i, 150u);
        take(&f->q, body, 0u, 0u, 0u);
    }
    for (i = 0; i < 3u; i++) {
        body_of(body, sizeof body, 100u + i, 150u);
        put_ok(&f->q, body, 0u, 0u, NULL); /* sector 0 again, then sector 1 */
    }
    /* Sector 2 still holds retired records 4 and 5.  A cut erase of it that
     * happened to hit just their retire marks would bring them back, were
     * it not for the erase mark. */
    for (i = 4; i < 6u; i++) {
        body_of(body, sizeof body, i, 150u);
        memset(f->ff.mem + find_body(f, body) - 4u, 0xFF, 4u);
    }
    memset(f->ff.mem + 512u + 32u, 0x00, 4u); /* sector 1's erase mark (after the two headers) */
    queue_fx_reopen(f);
    assert_int_equal(f->q.count(f->q.ctx), 3u);
    for (i = 0; i < 3u; i++) {
        body_of(body, sizeof body, 100u + i, 150u);
        take(&f->q, body, 0u, 0u, 0u);
    }
    for (i = 0; i < 3u; i++) { /* sector 2 is erased again on the way */
        body_of(body, sizeof body, 200u + i, 150u);
        put_ok(&f->q, body, 0u, 0u, NULL);
    }
    queue_fx_reopen(f);
    assert_int_equal(f->q.count(f->q.ctx), 3u);
}

static void test_foreign_image_is_an_empty_queue(void **state)
{
    fx_t *f = *state;
    uint32_t x = 0x12345678u;
    char body[64];
    for (size_t a = 0; a < f->ff.size; a++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        f->ff.mem[a] = (uint8_t)x;
    }
    queue_fx_reopen(f);
    assert_int_equal(f->q.count(f->q.ctx), 0u);
    for (unsigned i = 0; i < 40u; i++) {
        body_of(body, sizeof body, i, 50u);
        put_ok(&f->q, body, 0u, 0u, NULL);
        take(&f->q, body, 0u, 0u, 0u);
    }
}

static void test_bad_geometry(void **state)
{
    herald_flash_queue_t q;
    herald_queue_t out;
    herald_flash_t fl = { NULL, NULL, NULL, { 512u, 4u, 2u }, NULL };
    (void)state;
    assert_int_equal(herald_flash_queue_init(&q, &fl, &out), HERALD_E_INVALID_ARG);
    fl.geometry = (herald_flash_geometry_t){ 512u, 1u, 4u };
    assert_int_equal(herald_flash_queue_init(&q, &fl, &out), HERALD_E_INVALID_ARG);
    fl.geometry = (herald_flash_geometry_t){ 100u, 4u, 16u };
    assert_int_equal(herald_flash_queue_init(&q, &fl, &out), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_flash_queue_init(NULL, &fl, &out), HERALD_E_INVALID_ARG);
}

static void test_file_backed_queue_survives_close(void **state)
{
    char path[] = "/tmp/herald-queue-XXXXXX";
    int fd = mkstemp(path);
    const herald_flash_geometry_t geo = { 1024u, 4u, 8u };
    herald_flash_file_t ff;
    herald_flash_t fl;
    herald_flash_queue_t fq;
    herald_queue_t q;
    uint32_t s;
    (void)state;
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(herald_flash_file_open(&ff, path, &geo, HERALD_FLASH_FILE_ECC, &fl), HERALD_OK);
    assert_int_equal(herald_flash_file_lock(&ff, 0), HERALD_OK);
    assert_int_equal(herald_flash_queue_init(&fq, &fl, &q), HERALD_OK);
    put_ok(&q, SEED_BODY, 0u, 0u, &s);
    herald_flash_file_close(&ff);
    assert_int_equal(herald_flash_file_open(&ff, path, &geo, HERALD_FLASH_FILE_ECC, &fl), HERALD_OK);
    assert_int_equal(herald_flash_file_lock(&ff, 0), HERALD_OK);
    assert_int_equal(herald_flash_queue_init(&fq, &fl, &q), HERALD_OK);
    assert_int_equal(q.count(q.ctx), 1u);
    take(&q, SEED_BODY, 0u, 0u, s);
    assert_int_equal(ff.stats.violations, 0u);
    herald_flash_file_close(&ff);
    unlink(path);
}

/* 10,000 notifications through a small flash, rebooting every 1,000: the
 * erases spread evenly over the sectors. */
static void test_wear_spread(void **state)
{
    const herald_flash_geometry_t geo = { 1024u, 8u, 4u };
    herald_flash_file_t ff;
    herald_flash_t fl;
    herald_flash_queue_t fq;
    herald_queue_t q;
    uint32_t lo = 0xFFFFFFFFu, hi = 0u;
    (void)state;
    assert_int_equal(herald_flash_file_open(&ff, NULL, &geo, HERALD_FLASH_FILE_ECC, &fl), HERALD_OK);
    assert_int_equal(herald_flash_queue_init(&fq, &fl, &q), HERALD_OK);
    for (unsigned i = 0; i < 10000u; i++) {
        if (i % 1000u == 999u) {
            assert_int_equal(herald_flash_queue_init(&fq, &fl, &q), HERALD_OK);
        }
        put_ok(&q, SEED_BODY, i, 0u, NULL);
        if (q.count(q.ctx) > 3u || i % 7u == 0u) { /* a few wait now and then */
            take(&q, SEED_BODY, i + 1u - (uint32_t)q.count(q.ctx), 0u, 0u);
        }
    }
    for (uint32_t s = 0; s < geo.sector_count; s++) {
        lo = ff.sector_erases[s] < lo ? ff.sector_erases[s] : lo;
        hi = ff.sector_erases[s] > hi ? ff.sector_erases[s] : hi;
    }
    printf("wear: 10000 cycles of a %zu-byte body on %ux%u (program size %u): %llu erases, per sector min %u "
           "max %u "
           "(max/min %.2f)\n",
           sizeof SEED_BODY - 1u, geo.sector_count, geo.sector_size, geo.program_size,
           (unsigned long long)ff.stats.erases, lo, hi, (double)hi / lo);
    assert_true(lo > 0u);
    assert_true(hi <= 2u * lo);
    assert_int_equal(ff.stats.violations, 0u);
    herald_flash_file_close(&ff);
}

/* What one notification costs on flash, for the 171-byte seed body. */
static void test_bytes_per_notification(void **state)
{
    static const uint32_t sizes[] = { 1u, 4u, 8u, 16u };
    static const uint32_t expect[] = { 27u + 171u, 36u + 172u, 48u + 176u, 80u + 176u };
    (void)state;
    for (size_t i = 0; i < 4; i++) {
        const herald_flash_geometry_t geo = { 4096u, 2u, sizes[i] };
        herald_flash_file_t ff;
        herald_flash_t fl;
        herald_flash_queue_t fq;
        herald_queue_t q;
        uint64_t before;
        assert_int_equal(herald_flash_file_open(&ff, NULL, &geo, HERALD_FLASH_FILE_ECC, &fl), HERALD_OK);
        assert_int_equal(herald_flash_queue_init(&fq, &fl, &q), HERALD_OK);
        put_ok(&q, "opens the sector", 0u, 0u, NULL);
        take(&q, "opens the sector", 0u, 0u, 0u);
        before = ff.stats.bytes_programmed;
        put_ok(&q, SEED_BODY, 0u, 0u, NULL);
        take(&q, SEED_BODY, 0u, 0u, 0u);
        printf("flash: program size %2u: %llu bytes programmed per %zu-byte notification (record %u bytes)\n",
               sizes[i], (unsigned long long)(ff.stats.bytes_programmed - before), sizeof SEED_BODY - 1u,
               expect[i]);
        assert_int_equal(ff.stats.bytes_programmed - before, expect[i]);
        herald_flash_file_close(&ff);
    }
}

static const qkind_t QK_FL4_SMALL = { 1, { 256u, 4u, 4u } };

/* One entry per queue kind, named "test (kind)" so a failure says which. */
#define CONTRACT(fn, k) \
    { \
#fn " (" #k ")", fn, queue_fx_setup, queue_fx_teardown, (void *)&(QK_##k) \
    }
#define CONTRACT_ALL(fn) \
    CONTRACT(fn, RAM), CONTRACT(fn, FL1), CONTRACT(fn, FL4), CONTRACT(fn, FL8), CONTRACT(fn, FL16)
#define FLASH_ALL(fn) CONTRACT(fn, FL1), CONTRACT(fn, FL4), CONTRACT(fn, FL8), CONTRACT(fn, FL16)

int main(void)
{
    const struct CMUnitTest tests[] = {
        CONTRACT_ALL(test_empty),
        CONTRACT_ALL(test_fifo_keeps_bodies_and_meta),
        CONTRACT_ALL(test_read_in_pieces_and_bounds),
        CONTRACT_ALL(test_retire_only_the_oldest),
        CONTRACT_ALL(test_write_contract),
        CONTRACT_ALL(test_full_then_room_again),
        CONTRACT_ALL(test_too_big_never_fits),
        FLASH_ALL(test_reopen_recovers_everything),
        FLASH_ALL(test_foreign_image_is_an_empty_queue),
        CONTRACT(test_exact_capacity, FL4_SMALL),
        CONTRACT(test_torn_and_half_marked_records, FL4),
        CONTRACT(test_interrupted_erase_is_ignored, FL4),
        CONTRACT(test_damage_after_write_does_not_stall, FL4),
        CONTRACT(test_sector_header_damage, FL4),
        CONTRACT(test_cut_then_flip_keeps_the_records, FL4),
        CONTRACT(test_stuck_header_bit_then_flip_keeps_the_records, FL4),
        CONTRACT(test_body_damaged_after_init_is_not_read_out, FL4),
        CONTRACT(test_failed_commit_is_not_taken_off_the_count, FL4),
        CONTRACT(test_both_header_copies_damaged_mid_log, FL4),
        CONTRACT(test_both_header_copies_damaged_write_sector, FL4),
        CONTRACT(test_epoch_wrap, FL4),
        CONTRACT(test_seq_wrap, FL4),
        CONTRACT(test_failed_sector_open_closes_the_old_sector, FL4),
        cmocka_unit_test(test_bad_geometry),
        cmocka_unit_test(test_file_backed_queue_survives_close),
        cmocka_unit_test(test_wear_spread),
        cmocka_unit_test(test_bytes_per_notification),
    };
    return cmocka_run_group_tests_name("queue_flash", tests, NULL, NULL);
}
