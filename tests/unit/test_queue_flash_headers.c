/* SPDX-License-Identifier: Apache-2.0 */
/* Sector headers lost to damage (both copies), in the places a second
 * review found them to cost more than they should: the write sector while
 * it is being written, a sector taken by its place and then an erase cut
 * behind it, and a lost write sector whose only record is damaged too. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "herald/queue.h"
#include "herald_flash_file.h"

/* the layout at program size 4 (firmware/src/queue_flash_priv.h): each sector
 * starts with two 16-byte header copies, the epoch at byte 4 of each */
#define SEC 512u
#define HDR_COPY 16u

static herald_flash_file_t ff;
static herald_flash_t fl;
static herald_flash_queue_t fq;
static herald_queue_t q;

static void open_mem(uint32_t sectors)
{
    herald_flash_geometry_t g = { SEC, sectors, 4u };
    assert_int_equal(herald_flash_file_open(&ff, NULL, &g, HERALD_FLASH_FILE_ECC, &fl), HERALD_OK);
    assert_int_equal(herald_flash_queue_init(&fq, &fl, &q), HERALD_OK);
}

/* 100-byte bodies: three records a sector */
static const char *body(unsigned i)
{
    static char b[101];
    memset(b, 'x', 100);
    b[100] = '\0';
    b[snprintf(b, sizeof b, "rec-%03u-", i)] = '-';
    return b;
}

static herald_status_t put(unsigned i, uint32_t *seq)
{
    const char *b = body(i);
    herald_queue_rec_t m = { 0u, (uint32_t)strlen(b), 0u, 0u };
    herald_status_t st = q.begin(q.ctx, &m);
    if (st != HERALD_OK) {
        return st;
    }
    st = q.write(q.ctx, b, strlen(b));
    st = st == HERALD_OK ? q.commit(q.ctx) : st;
    if (st != HERALD_OK) {
        q.abort(q.ctx);
    } else if (seq) {
        *seq = m.seq;
    }
    return st;
}

/* Read the head whole (in pieces of 7) and retire it; its seq in *seq. */
static herald_status_t take(uint32_t *seq)
{
    herald_queue_rec_t m;
    char buf[128];
    herald_status_t st = q.peek(q.ctx, &m);
    for (size_t off = 0; st == HERALD_OK && off < m.body_len; off += 7u) {
        st = q.read(q.ctx, &m, off, buf + off, m.body_len - off < 7u ? m.body_len - off : 7u);
    }
    if (st != HERALD_OK) {
        return st;
    }
    *seq = m.seq;
    return q.retire(q.ctx, m.seq);
}

static void lose_both_headers(uint32_t sector)
{
    herald_flash_file_flip(&ff, sector * SEC + 5u, 0x01u);
    herald_flash_file_flip(&ff, sector * SEC + HDR_COPY + 5u, 0x01u);
}

/* The write sector loses both header copies while it is written: its
 * records are still the queue's, in order, and nothing jumps ahead. */
static void test_write_sector_headers_lost_at_run_time(void **state)
{
    uint32_t s;
    (void)state;
    open_mem(4u);
    for (unsigned i = 0; i < 5; i++) {
        assert_int_equal(put(i, &s), HERALD_OK); /* 3 in sector 0, 2 in sector 1 */
    }
    lose_both_headers(1u);
    for (uint32_t want = 1u; want <= 5u; want++) {
        assert_int_equal(take(&s), HERALD_OK);
        assert_int_equal(s, want);
    }
    assert_int_equal(q.count(q.ctx), 0u);
    assert_int_equal(put(5, &s), HERALD_OK);
    assert_int_equal(s, 6u);
    herald_flash_file_close(&ff);
}

/* A sector taken by its place (both header copies lost), then a cut erase
 * of the sector after it that brings old retire marks back: the queue must
 * not refuse every append for ever. */
static void test_adopted_sector_then_cut_erase_does_not_wedge(void **state)
{
    uint32_t s;
    herald_status_t st = HERALD_OK;
    (void)state;
    open_mem(2u);
    for (unsigned i = 0; i < 6; i++) {
        assert_int_equal(put(i, &s), HERALD_OK); /* sectors 0 and 1 full */
    }
    lose_both_headers(1u);
    assert_int_equal(herald_flash_queue_init(&fq, &fl, &q), HERALD_OK);
    for (uint32_t want = 1u; want <= 3u; want++) {
        assert_int_equal(take(&s), HERALD_OK);
        assert_int_equal(s, want);
    }
    herald_flash_file_cut(&ff, 1u, HERALD_FLASH_CUT_CLEAN, 1u); /* the erase of sector 0 */
    (void)put(6, &s);
    herald_flash_file_power_on(&ff);
    /* a partial erase: the retire marks of sector 0's records are 0xFF again
     * (records of 136 bytes from byte 36, their retire mark at byte 32) */
    for (int k = 0; k < 3; k++) {
        memset(ff.mem + 36 + k * 136 + 32, 0xFF, 4);
    }
    assert_int_equal(herald_flash_queue_init(&fq, &fl, &q), HERALD_OK);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(take(&s), HERALD_OK);
        assert_true(s >= 4u && s <= 6u);
    }
    for (int k = 0; k < 3 && st == HERALD_OK; k++) {
        st = put(7, &s);
    }
    assert_int_equal(st, HERALD_OK);
    herald_flash_file_close(&ff);
}

/* The write sector loses both header copies and its one record is damaged
 * too: the numbers it took are never given again. */
static void test_lost_write_sector_numbers_are_not_reused(void **state)
{
    uint32_t s, last;
    (void)state;
    open_mem(4u);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(put(i, &last), HERALD_OK); /* the fourth opens sector 1 */
    }
    herald_flash_file_flip(&ff, SEC + 36u + 36u + 50u, 0x01u); /* its body */
    lose_both_headers(1u);
    assert_int_equal(herald_flash_queue_init(&fq, &fl, &q), HERALD_OK);
    assert_int_equal(put(9, &s), HERALD_OK);
    assert_true(s > last);
    herald_flash_file_close(&ff);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_sector_headers_lost_at_run_time),
        cmocka_unit_test(test_adopted_sector_then_cut_erase_does_not_wedge),
        cmocka_unit_test(test_lost_write_sector_numbers_are_not_reused),
    };
    return cmocka_run_group_tests_name("queue_flash_headers", tests, NULL, NULL);
}
