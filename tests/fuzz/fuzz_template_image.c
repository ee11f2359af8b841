/* SPDX-License-Identifier: Apache-2.0 */
/* The template image loader on arbitrary bytes, into a cache that already
 * holds a template.  Random bytes rarely pass the CRC, so a flag lets the
 * target fix the CRC (and the payload length) first, which takes the
 * fuzzer into the record reader.  Only documented statuses; on error the
 * cache is byte for byte as before; on success it keeps every invariant,
 * holds the image's count, and writes back to an image that loads the same.
 *
 * Input: [flags: 1 fix CRC, 2 fix length, 4|8 arena size] image... */
#include <stdlib.h>
#include <string.h>
#include "herald/template.h"
#include "crc32.h"
#include "util.h"

static const int STATUSES[] = {
    HERALD_OK,
    HERALD_E_IMAGE_MAGIC,
    HERALD_E_IMAGE_VERSION,
    HERALD_E_IMAGE_TRUNCATED,
    HERALD_E_IMAGE_CORRUPT,
    HERALD_E_CACHE_FULL,
};

static const size_t ARENAS[] = { 4096, 1024, 256, 65535 };

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input_t in = { data, size };
    uint8_t flags = fz_byte(&in);
    size_t arena_size = ARENAS[(flags >> 2) % 4u];
    uint8_t *arena = malloc(arena_size), *before_arena = malloc(arena_size);
    uint8_t *img = fz_dup(in.p, in.n);
    herald_tcache_t c, before;
    herald_template_t t = {
        HERALD_STR_LIT("alert"),
        HERALD_STR_LIT("tpl_9"),
        HERALD_TSTATUS_APPROVED,
        0,
        NULL,
        0,
        HERALD_STR_LIT("Alert"),
        HERALD_STR_LIT("Something happened"),
    };
    size_t loaded = 12345;
    int st;

    FZ_CHECK(arena != NULL && before_arena != NULL);
    if (in.n >= 16) {
        if (flags & 2u) {
            put_le32(&img[8], (uint32_t)(in.n - 16));
        }
        if (flags & 1u) {
            uint32_t plen =
                (uint32_t)img[8] | (uint32_t)img[9] << 8 | (uint32_t)img[10] << 16 | (uint32_t)img[11] << 24;
            if (plen <= in.n - 16) {
                put_le32(&img[12], herald_crc32(0, &img[16], plen));
            }
        }
    }
    FZ_CHECK(herald_tcache_init(&c, arena, arena_size) == HERALD_OK);
    FZ_CHECK(herald_tcache_put(&c, &t) == HERALD_OK);
    before = c;
    memcpy(before_arena, arena, c.used);

    st = herald_timage_load(&c, img, in.n, &loaded);
    FZ_CHECK(fz_status_in(st, STATUSES, sizeof STATUSES / sizeof STATUSES[0]));
    if (st != HERALD_OK) {
        FZ_CHECK(loaded == 0);
        FZ_CHECK(memcmp(&before, &c, sizeof c) == 0);
        FZ_CHECK(memcmp(before_arena, arena, c.used) == 0);
    } else {
        FZ_CHECK(loaded == ((size_t)img[6] | (size_t)img[7] << 8));
        fz_check_round_trip(&c, arena_size);
    }
    free(img);
    free(arena);
    free(before_arena);
    return 0;
}
