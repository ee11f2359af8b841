/* SPDX-License-Identifier: Apache-2.0 */
/* A read that fails, anywhere: the flash queue must say so (HERALD_E_FLASH)
 * and lose nothing.  A workload is recorded once (every read it makes is
 * counted); then, for every one of those reads in turn, the same image is
 * opened again with that read failing once, and everything is drained with
 * the caller doing what the contract asks after an error (initialise again
 * and go on).  Every record must come out whole, and none may be lost. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "herald/queue.h"
#include "herald_flash_file.h"

#define RECORDS 14u

static herald_flash_t real;
static long fail_at = -1; /* the read that fails (counting from 0), -1 none */
static long reads;

static int failing_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    if (reads++ == fail_at) {
        return -1;
    }
    return real.read(ctx, addr, buf, len);
}

/* A body of len bytes (30..150) that names its record's seq. */
static void body_of(char *buf, uint32_t seq, size_t len)
{
    int n = snprintf(buf, 160, "{\"n\":%010u,\"pad\":\"", (unsigned)seq);
    for (size_t k = (size_t)n; k + 2u < len; k++) {
        buf[k] = (char)('a' + (seq + k) % 26u);
    }
    memcpy(buf + len - 2u, "\"}", 3);
}

/* Append one record of len bytes; its body is written once begin gave it
 * its seq. */
static uint32_t last_put; /* the seq of the latest append that committed */

static herald_status_t put(herald_queue_t *q, size_t len)
{
    char body[160];
    herald_queue_rec_t m = { 0u, (uint32_t)len, 0u, 0u };
    herald_status_t st = q->begin(q->ctx, &m);
    if (st == HERALD_OK) {
        body_of(body, m.seq, len);
        st = q->write(q->ctx, body, len);
        st = st == HERALD_OK ? q->commit(q->ctx) : st;
        if (st != HERALD_OK) {
            q->abort(q->ctx);
        } else {
            last_put = m.seq;
        }
    }
    return st;
}

/* Take every record out; on any error initialise again, as the contract
 * says, and go on.  delivered[seq] counts whole, correct bodies. */
static void drain(herald_flash_queue_t *fq, const herald_flash_t *fl, herald_queue_t *q, unsigned *delivered)
{
    for (int guard = 0; guard < 400; guard++) {
        herald_queue_rec_t m;
        char buf[160], want[160];
        herald_status_t st = q->peek(q->ctx, &m);
        int ok = 1;
        if (st == HERALD_E_QUEUE_EMPTY) {
            return;
        }
        if (st == HERALD_OK) {
            assert_true(m.body_len < sizeof buf);
            for (size_t off = 0; off < m.body_len && st == HERALD_OK; off += 16u) {
                size_t n = m.body_len - off < 16u ? m.body_len - off : 16u;
                st = q->read(q->ctx, &m, off, buf + off, n);
            }
        }
        if (st == HERALD_OK) {
            body_of(want, m.seq, m.body_len);
            ok = memcmp(buf, want, m.body_len) == 0;
            assert_true(ok); /* never a wrong body */
            if (m.seq <= RECORDS + 4u) {
                delivered[m.seq]++; /* sent, as the agent would, before it is retired */
            }
            st = q->retire(q->ctx, m.seq);
        }
        if (st != HERALD_OK) {
            assert_int_equal(st, HERALD_E_FLASH);
            while (herald_flash_queue_init(fq, fl, q) != HERALD_OK) {
            }
        }
    }
    fail(); /* the drain did not end */
}

static void test_a_failing_read_anywhere_loses_nothing(void **state)
{
    static const herald_flash_geometry_t GEO[] = { { 512u, 4u, 4u }, { 512u, 4u, 1u } };
    (void)state;
    for (size_t g = 0; g < sizeof GEO / sizeof GEO[0]; g++) {
        herald_flash_file_t ff;
        herald_flash_t fl;
        herald_flash_queue_t fq;
        herald_queue_t q;
        uint8_t *snapshot;
        long total;
        uint32_t seq = 1u;
        unsigned tried = 0u;
        assert_int_equal(herald_flash_file_open(&ff, NULL, &GEO[g], 0u, &real), HERALD_OK);
        fl = real;
        fl.read = failing_read;
        /* the image: records over three sectors, the oldest three retired */
        assert_int_equal(herald_flash_queue_init(&fq, &fl, &q), HERALD_OK);
        for (uint32_t i = 0; i < RECORDS; i++) {
            assert_int_equal(put(&q, 40u + (i * 13u) % 70u), HERALD_OK);
            seq++;
        }
        for (int i = 0; i < 3; i++) {
            herald_queue_rec_t m;
            assert_int_equal(q.peek(q.ctx, &m), HERALD_OK);
            assert_int_equal(q.retire(q.ctx, m.seq), HERALD_OK);
        }
        snapshot = malloc(ff.size);
        memcpy(snapshot, ff.mem, ff.size);
        /* the reads a clean run makes: open, two appends, drain */
        {
            unsigned delivered[RECORDS + 5u] = { 0u };
            reads = 0;
            assert_int_equal(herald_flash_queue_init(&fq, &fl, &q), HERALD_OK);
            assert_int_equal(put(&q, 90u), HERALD_OK);
            drain(&fq, &fl, &q, delivered);
            total = reads;
        }
        for (long n = 0; n < total; n++) {
            unsigned delivered[RECORDS + 5u] = { 0u };
            herald_status_t st;
            memcpy(ff.mem, snapshot, ff.size);
            reads = 0;
            fail_at = n;
            st = herald_flash_queue_init(&fq, &fl, &q);
            if (st != HERALD_OK) {
                assert_int_equal(st, HERALD_E_FLASH);
                assert_int_equal(herald_flash_queue_init(&fq, &fl, &q), HERALD_OK);
            }
            /* an append may fail (its begin read); then the caller still
             * holds it and tries once more */
            st = put(&q, 90u);
            if (st != HERALD_OK) {
                assert_int_equal(st, HERALD_E_FLASH);
                assert_int_equal(herald_flash_queue_init(&fq, &fl, &q), HERALD_OK);
                st = put(&q, 90u);
            }
            assert_int_equal(st, HERALD_OK);
            drain(&fq, &fl, &q, delivered);
            fail_at = -1;
            for (uint32_t r = 4u; r < seq; r++) {
                if (delivered[r] == 0u) {
                    print_message("lost seq %u at read %ld of %ld, geometry %zu\n", (unsigned)r, n, total, g);
                }
                assert_true(delivered[r] >= 1u); /* every waiting record came out */
            }
            /* and the one appended now (a retry after a failed commit is a new record) */
            assert_true(last_put >= seq && last_put < RECORDS + 5u && delivered[last_put] >= 1u);
            assert_int_equal(fq.damaged, 0u); /* a failed read is no damage */
            tried++;
        }
        printf("    read failures tried %u (program size %u): lost 0, wrong bodies 0\n", tried,
               (unsigned)GEO[g].program_size);
        free(snapshot);
        herald_flash_file_close(&ff);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_failing_read_anywhere_loses_nothing),
    };
    return cmocka_run_group_tests_name("queue_flash_reads", tests, NULL, NULL);
}
