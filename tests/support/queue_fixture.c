/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>
#include "queue_fixture.h"

const qkind_t QK_RAM = { 0, { 0u, 0u, 0u } };
const qkind_t QK_FL1 = { 1, { 512u, 4u, 1u } };
const qkind_t QK_FL4 = { 1, { 512u, 4u, 4u } };
const qkind_t QK_FL8 = { 1, { 512u, 4u, 8u } };
const qkind_t QK_FL16 = { 1, { 512u, 4u, 16u } };

void queue_fx_reopen(fx_t *f)
{
    assert_int_equal(herald_flash_queue_init(&f->fq, &f->flash, &f->q), HERALD_OK);
}

int queue_fx_setup(void **state)
{
    fx_t *f = calloc(1, sizeof *f);
    f->kind = *state;
    if (f->kind->flash) {
        assert_int_equal(herald_flash_file_open(&f->ff, NULL, &f->kind->geo, HERALD_FLASH_FILE_ECC,
                                                &f->flash),
                         HERALD_OK);
        queue_fx_reopen(f);
    } else {
        assert_int_equal(herald_ram_queue_init(&f->rq, f->ram, sizeof f->ram, &f->q), HERALD_OK);
    }
    *state = f;
    return 0;
}

int queue_fx_teardown(void **state)
{
    fx_t *f = *state;
    if (f->kind->flash) {
        assert_int_equal(f->ff.stats.violations, 0u); /* the queue never broke a NOR rule */
        herald_flash_file_close(&f->ff);
    }
    free(f);
    return 0;
}
