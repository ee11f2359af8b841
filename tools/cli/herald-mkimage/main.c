/* SPDX-License-Identifier: Apache-2.0 */
/* herald-mkimage IN.json OUT.bin: compile the platform's template JSON into
 * the binary template image a device loads without parsing JSON. */
#include <stdio.h>
#include <stdlib.h>
#include "herald_posix.h"
#include "herald/template.h"

#define ARENA_MAX 65535u

static uint8_t arena[ARENA_MAX];
static herald_tcache_t cache;
static herald_json_arena_t json_arena; /* zero bytes: ready */

typedef struct {
    FILE *f;
    size_t bytes;
} file_sink_t;

static herald_status_t file_sink(void *ctx, const char *data, size_t len)
{
    file_sink_t *s = ctx;
    if (fwrite(data, 1, len, s->f) != len) {
        return HERALD_E_FLASH;
    }
    s->bytes += len;
    return HERALD_OK;
}

static int fail(const char *what, const char *path, herald_status_t st)
{
    fprintf(stderr, "herald-mkimage: %s %s: %s (%s)\n", what, path, herald_status_str(st),
            herald_status_name(st));
    return 1;
}

int main(int argc, char **argv)
{
    size_t len = 0, loaded = 0;
    char *json;
    herald_status_t st;
    file_sink_t out = { NULL, 0 };

    if (argc != 3) {
        fprintf(stderr, "usage: herald-mkimage IN.json OUT.bin\n");
        return 1;
    }
    json = herald_posix_read_file(argv[1], &len);
    if (json == NULL) {
        perror(argv[1]);
        return 1;
    }
    herald_tcache_init(&cache, arena, sizeof arena);
    st = herald_tjson_load(&cache, &json_arena, json, len, &loaded);
    free(json);
    if (st == HERALD_E_NOSPACE) {
        fprintf(stderr, "herald-mkimage: %s needs more than HERALD_JSON_ARENA_SIZE (%u bytes) to parse\n",
                argv[1], (unsigned)HERALD_JSON_ARENA_SIZE);
        return 1;
    }
    if (st != HERALD_OK) {
        return fail("loading", argv[1], st);
    }
    /* An image holds what one cache holds; losing templates silently to LRU
     * eviction would ship an incomplete image. */
    if (cache.evictions > 0u) {
        fprintf(stderr,
                "herald-mkimage: %s: %zu templates do not fit in one image "
                "(at most %u templates and %u packed bytes)\n",
                argv[1], loaded, (unsigned)HERALD_TCACHE_MAX_TEMPLATES, ARENA_MAX);
        return 1;
    }
    out.f = fopen(argv[2], "wb");
    if (out.f == NULL) {
        perror(argv[2]);
        return 1;
    }
    st = herald_timage_write(&cache, file_sink, &out);
    if (fclose(out.f) != 0 && st == HERALD_OK) {
        st = HERALD_E_FLASH;
    }
    if (st != HERALD_OK) {
        remove(argv[2]);
        fprintf(stderr, "herald-mkimage: writing %s failed\n", argv[2]);
        return 1;
    }
    printf("%zu templates, %zu bytes\n", herald_tcache_count(&cache), out.bytes);
    return 0;
}
