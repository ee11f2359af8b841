/* SPDX-License-Identifier: Apache-2.0 */
/* A queue of either kind for the queue tests: the RAM queue, or the flash
 * queue on the NOR emulator (in memory, ECC rules on) in a given geometry.
 * Pass the kind as the cmocka prestate; teardown checks that the queue
 * never broke a NOR rule. */
#ifndef QUEUE_FIXTURE_H
#define QUEUE_FIXTURE_H

#include <stdint.h>
#include "herald/queue.h"
#include "herald_flash_file.h"

typedef struct {
    int flash; /* 0: the RAM queue */
    herald_flash_geometry_t geo;
} qkind_t;

/* RAM, and 4 sectors of 512 bytes at program sizes 1, 4, 8 and 16. */
extern const qkind_t QK_RAM, QK_FL1, QK_FL4, QK_FL8, QK_FL16;

typedef struct {
    const qkind_t *kind;
    herald_ram_queue_t rq;
    uint8_t ram[2048];
    herald_flash_file_t ff;
    herald_flash_t flash;
    herald_flash_queue_t fq;
    herald_queue_t q;
} fx_t;

/* Open the flash queue again over the same flash (a reboot). */
void queue_fx_reopen(fx_t *f);

int queue_fx_setup(void **state);
int queue_fx_teardown(void **state);

#endif
