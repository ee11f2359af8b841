/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include "herald/config.h"
#include "json_arena.h"

#define ALIGN 8u

static size_t arena_used;
static size_t arena_peak;
static int arena_exhausted;

static void *arena_malloc(size_t size)
{
    /* uint64_t words, so every block starts 8-byte aligned; viewed as bytes. */
    static uint64_t arena[(HERALD_JSON_ARENA_SIZE + ALIGN - 1u) / ALIGN];
    unsigned char *bytes = (unsigned char *)arena;
    size_t start = (arena_used + (ALIGN - 1u)) & ~((size_t)ALIGN - 1u);
    if (start > HERALD_JSON_ARENA_SIZE || size > HERALD_JSON_ARENA_SIZE - start) {
        arena_exhausted = 1;
        return NULL;
    }
    arena_used = start + size;
    if (arena_used > arena_peak) {
        arena_peak = arena_used;
    }
    return &bytes[start];
}

static void arena_free(void *p)
{
    (void)p; /* released all at once by the next begin */
}

void herald_json_arena_begin(void)
{
    cJSON_Hooks hooks = { arena_malloc, arena_free };
    cJSON_InitHooks(&hooks);
    arena_used = 0u;
    arena_exhausted = 0;
}

cJSON *herald_json_parse(const char *json, size_t len, int *exhausted)
{
    const char *end = NULL;
    cJSON *root;
    herald_json_arena_begin();
    root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    /* cJSON stops after the first value; anything but white space after it
     * means the document is not JSON. */
    if (root && end) {
        ptrdiff_t parsed = end - json;
        size_t off = (size_t)parsed;
        while (off < len && (json[off] == ' ' || json[off] == '\t' || json[off] == '\n' || json[off] == '\r')) {
            off++;
        }
        if (off < len) {
            root = NULL;
        }
    }
    if (exhausted) {
        *exhausted = arena_exhausted;
    }
    return root;
}

size_t herald_json_arena_peak(void)
{
    return arena_peak;
}

#if !HERALD_JSON_STRICT
size_t herald_json_depth(const char *json, size_t len)
{
    size_t depth = 0u;
    size_t max = 0u;
    int in_string = 0;
    size_t i = 0u;
    while (i < len) {
        char c = json[i];
        i++;
        if (in_string) {
            if (c == '\\') {
                i++; /* the escaped character cannot end the string */
            } else if (c == '"') {
                in_string = 0;
            } else {
                /* string content */
            }
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            depth++;
            max = depth > max ? depth : max;
        } else if ((c == ']' || c == '}') && depth > 0u) {
            depth--;
        } else {
            /* anything else does not nest */
        }
    }
    return max;
}
#endif
