/* SPDX-License-Identifier: Apache-2.0 */
/* herald-bench-queue: the flash queue under a steady load, for `make bench`.
 * Each cycle enqueues the seed notification's request body (begin, write,
 * commit), reads it back as the agent does when sending, checks it, and
 * retires it; at the end one JSON line gives the bytes and program
 * operations per record and the erase count of the most and least worn
 * sectors, from the NOR emulator's counters.
 *
 * The enqueue is the noinline function bench_enqueue, so that
 * `valgrind --tool=callgrind --toggle-collect=bench_enqueue` counts it alone;
 * --ram puts the queue on a minimal RAM flash instead of the NOR emulator for
 * that count (the JSON then has no wear figures).
 *
 *   herald-bench-queue [--cycles N] [--sectors S] [--sector-size B] [--program-size P] [--ram 1] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "herald/queue.h"
#include "herald/request.h"
#include "herald_flash_file.h"
#include "rig.h"

/* A minimal RAM "flash" for counting the queue's instructions: none of the
 * emulator's rule checks and counters, which are no part of the queue's cost. */
static uint8_t *ram_mem;
static uint32_t ram_sector_size;

static int ram_erase(void *ctx, uint32_t sector)
{
    (void)ctx;
    memset(ram_mem + (size_t)sector * ram_sector_size, 0xFF, ram_sector_size);
    return 0;
}

/* A copy: under the seam's rules (a program never sets a bit) the result
 * equals NOR's bitwise AND, and the emulator run checks those rules. */
static int ram_program(void *ctx, uint32_t addr, const void *data, size_t len)
{
    (void)ctx;
    memcpy(ram_mem + addr, data, len);
    return 0;
}

static int ram_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    (void)ctx;
    memcpy(buf, ram_mem + addr, len);
    return 0;
}

__attribute__((noinline)) herald_status_t bench_enqueue(const herald_queue_t *q, const char *body, size_t len)
{
    herald_queue_rec_t meta = { 0, (uint32_t)len, 0, 0 };
    herald_status_t st = q->begin(q->ctx, &meta);
    if (st == HERALD_OK && (st = q->write(q->ctx, body, len)) == HERALD_OK) {
        st = q->commit(q->ctx);
    }
    if (st != HERALD_OK) {
        q->abort(q->ctx);
    }
    return st;
}

int main(int argc, char **argv)
{
    static const herald_var_t vars[] = { { "customerName", "Jane", 0 }, { "orderId", "ORD-12345", 0 } };
    const herald_notification_t n = rig_seed(vars);
    herald_flash_geometry_t geo = { 4096, 8, 4 };
    unsigned long cycles = 10000;
    static char body[1024], back[1024];
    herald_buf_sink_t sink = { body, sizeof body, 0 };
    herald_flash_file_t ff;
    herald_flash_t flash;
    herald_flash_queue_t fq;
    herald_queue_t q;
    uint32_t emin = UINT32_MAX, emax = 0;
    int ram = 0;

    for (int i = 1; i + 1 < argc; i += 2) {
        unsigned long v = strtoul(argv[i + 1], NULL, 10);
        if (!strcmp(argv[i], "--cycles"))
            cycles = v;
        else if (!strcmp(argv[i], "--sectors"))
            geo.sector_count = (uint32_t)v;
        else if (!strcmp(argv[i], "--sector-size"))
            geo.sector_size = (uint32_t)v;
        else if (!strcmp(argv[i], "--program-size"))
            geo.program_size = (uint32_t)v;
        else if (!strcmp(argv[i], "--ram"))
            ram = v != 0;
        else {
            fprintf(stderr, "usage: herald-bench-queue [--cycles N] [--sectors S] [--sector-size B] "
                            "[--program-size P] [--ram 1]\n");
            return 2;
        }
    }
    if (herald_request_write(&n, herald_buf_sink, &sink) != HERALD_OK) {
        fprintf(stderr, "herald-bench-queue: cannot encode the seed notification\n");
        return 1;
    }
    if (herald_flash_file_open(&ff, NULL, &geo, 0, &flash) != HERALD_OK) {
        fprintf(stderr, "herald-bench-queue: bad flash geometry\n");
        return 2;
    }
    if (ram) {
        ram_sector_size = geo.sector_size;
        ram_mem = ff.mem; /* the emulator's image, erased: only the seam changes */
        flash.erase = ram_erase;
        flash.program = ram_program;
        flash.read = ram_read;
    }
    if (herald_flash_queue_init(&fq, &flash, &q) != HERALD_OK) {
        fprintf(stderr, "herald-bench-queue: queue init failed\n");
        return 1;
    }
    for (unsigned long c = 0; c < cycles; c++) {
        herald_queue_rec_t rec;
        herald_status_t st = bench_enqueue(&q, body, sink.len);
        if (st == HERALD_OK && (st = q.peek(q.ctx, &rec)) == HERALD_OK &&
            (st = q.read(q.ctx, &rec, 0, back, rec.body_len)) == HERALD_OK) {
            st = rec.body_len == sink.len && !memcmp(back, body, sink.len) ? q.retire(q.ctx, rec.seq)
                                                                           : HERALD_E_FLASH;
        }
        if (st != HERALD_OK) {
            fprintf(stderr, "herald-bench-queue: cycle %lu: %s\n", c, herald_status_name(st));
            return 1;
        }
    }
    for (uint32_t s = 0; s < geo.sector_count; s++) {
        emin = ff.sector_erases[s] < emin ? ff.sector_erases[s] : emin;
        emax = ff.sector_erases[s] > emax ? ff.sector_erases[s] : emax;
    }
    if (ram) {
        printf("{\"cycles\":%lu,\"ram\":true}\n", cycles);
        herald_flash_file_close(&ff);
        return 0;
    }
    printf("{\"cycles\":%lu,\"sectors\":%u,\"sector_size\":%u,\"program_size\":%u,\"body_len\":%zu,"
           "\"programmed_per_record\":%.1f,\"programs_per_record\":%.2f,\"erases\":%llu,\"erase_max\":%u,"
           "\"erase_min\":%u,\"violations\":%u}\n",
           cycles, geo.sector_count, geo.sector_size, geo.program_size, sink.len,
           cycles ? (double)ff.stats.bytes_programmed / (double)cycles : 0.0,
           cycles ? (double)ff.stats.programs / (double)cycles : 0.0, (unsigned long long)ff.stats.erases,
           emax, emin, ff.stats.violations);
    herald_flash_file_close(&ff);
    return 0;
}
