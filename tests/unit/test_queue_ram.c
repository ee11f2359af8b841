/* SPDX-License-Identifier: Apache-2.0 */
/* RAM queue specifics (test_queue_flash.c runs the shared queue contract on
 * it too): arguments, sizes, and reads bounded by the stored record. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "herald/queue.h"

static void test_init_arguments(void **state)
{
    herald_ram_queue_t q;
    herald_queue_t ops;
    uint8_t buf[64];
    (void)state;
    assert_int_equal(herald_ram_queue_init(NULL, buf, sizeof buf, &ops), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_ram_queue_init(&q, NULL, sizeof buf, &ops), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_ram_queue_init(&q, buf, sizeof buf, NULL), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_ram_queue_init(&q, buf, 63, &ops), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_ram_queue_init(&q, buf, sizeof buf, &ops), HERALD_OK);
    assert_int_equal(ops.count(ops.ctx), 0);
}

static void test_sizes(void **state)
{
    herald_ram_queue_t q;
    herald_queue_t ops;
    uint8_t buf[66]; /* used as 64: records are 4-aligned */
    herald_queue_rec_t m = { 0, UINT32_MAX, 0, 0 };
    (void)state;
    assert_int_equal(herald_ram_queue_init(&q, buf, sizeof buf, &ops), HERALD_OK);
    assert_int_equal(ops.begin(ops.ctx, &m), HERALD_E_NOSPACE);
    m.body_len = 49; /* 16 + 52 > 64 */
    assert_int_equal(ops.begin(ops.ctx, &m), HERALD_E_NOSPACE);
    m.body_len = 48; /* exactly the buffer */
    assert_int_equal(ops.begin(ops.ctx, &m), HERALD_OK);
    assert_int_equal(ops.begin(ops.ctx, &m), HERALD_E_BUSY);
    ops.abort(ops.ctx);
    m.body_len = 1;
    assert_int_equal(ops.begin(ops.ctx, &m), HERALD_OK);
    assert_int_equal(ops.write(ops.ctx, "xy", 2), HERALD_E_INVALID_ARG);
    assert_int_equal(ops.commit(ops.ctx), HERALD_E_INVALID_ARG);
    assert_int_equal(ops.write(ops.ctx, "x", 1), HERALD_OK);
    assert_int_equal(ops.commit(ops.ctx), HERALD_OK);
    m.body_len = 44; /* 20 used, 16 + 44 does not fit */
    assert_int_equal(ops.begin(ops.ctx, &m), HERALD_E_QUEUE_FULL);
}

static void test_read_is_bounded_by_the_stored_record(void **state)
{
    /* The buffer is exactly 64 bytes on the heap, so ASan sees any copy
     * past it: a caller's meta with the right seq but a longer body must be
     * refused, not trusted. */
    uint8_t *buf = malloc(64);
    herald_ram_queue_t q;
    herald_queue_t ops;
    herald_queue_rec_t m = { 0, 4, 7, 1 }, head, forged;
    char out[64];
    (void)state;
    assert_non_null(buf);
    assert_int_equal(herald_ram_queue_init(&q, buf, 64, &ops), HERALD_OK);
    assert_int_equal(ops.read(ops.ctx, &m, 0, out, 0), HERALD_E_INVALID_ARG); /* empty */
    assert_int_equal(ops.begin(ops.ctx, &m), HERALD_OK);
    assert_int_equal(ops.write(ops.ctx, "body", 4), HERALD_OK);
    assert_int_equal(ops.commit(ops.ctx), HERALD_OK);
    assert_int_equal(ops.peek(ops.ctx, &head), HERALD_OK);
    assert_int_equal(head.seq, m.seq);
    assert_int_equal(head.body_len, 4);
    assert_int_equal(head.expires_s, 7);
    assert_int_equal(head.priority, 1);
    assert_int_equal(ops.read(ops.ctx, &head, 1, out, 3), HERALD_OK);
    assert_memory_equal(out, "ody", 3);
    assert_int_equal(ops.read(ops.ctx, &head, 4, out, 0), HERALD_OK);
    assert_int_equal(ops.read(ops.ctx, &head, 5, out, 0), HERALD_E_INVALID_ARG);
    assert_int_equal(ops.read(ops.ctx, &head, 2, out, 3), HERALD_E_INVALID_ARG);
    forged = head;
    forged.body_len = 60;
    assert_int_equal(ops.read(ops.ctx, &forged, 0, out, 60), HERALD_E_INVALID_ARG);
    assert_int_equal(ops.read(ops.ctx, &forged, 10, out, 1), HERALD_E_INVALID_ARG);
    forged.seq++;
    forged.body_len = 4;
    assert_int_equal(ops.read(ops.ctx, &forged, 0, out, 1), HERALD_E_INVALID_ARG);
    assert_int_equal(ops.retire(ops.ctx, forged.seq), HERALD_E_INVALID_ARG);
    assert_int_equal(ops.retire(ops.ctx, head.seq), HERALD_OK);
    assert_int_equal(ops.retire(ops.ctx, head.seq), HERALD_E_INVALID_ARG);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_arguments),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_read_is_bounded_by_the_stored_record),
    };
    return cmocka_run_group_tests_name("queue_ram", tests, NULL, NULL);
}
