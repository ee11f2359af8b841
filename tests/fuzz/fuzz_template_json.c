/* SPDX-License-Identifier: Apache-2.0 */
/* The template JSON loader on arbitrary documents, into a cache that already
 * holds two templates (so replacing and evicting happen).  It returns only
 * documented statuses; on error the cache is byte for byte as before (all or
 * nothing); on success the cache keeps every invariant and survives a trip
 * through the binary image unchanged.
 *
 * Input: [arena size selector] JSON... */
#include <stdlib.h>
#include <string.h>
#include "herald/template.h"
#include "util.h"

static herald_json_arena_t json_arena; /* zero bytes: ready */

static const int STATUSES[] = {
    HERALD_OK, HERALD_E_JSON_PARSE, HERALD_E_JSON_SHAPE, HERALD_E_NOSPACE, HERALD_E_CACHE_FULL,
};

static const size_t ARENAS[] = { 4096, 1024, 256, 65535 };

static void seed_cache(herald_tcache_t *c)
{
    static const herald_tvar_t vars[] = {
        { HERALD_STR_LIT("customerName"), HERALD_VTYPE_STRING },
        { HERALD_STR_LIT("orderId"), HERALD_VTYPE_STRING },
    };
    herald_template_t t = {
        HERALD_STR_LIT("order-confirmation"),
        HERALD_STR_LIT("tpl_1"),
        HERALD_TSTATUS_APPROVED,
        1705311000,
        vars,
        2,
        HERALD_STR_LIT("Order {{orderId}}"),
        HERALD_STR_LIT("Hi {{customerName}}"),
    };
    FZ_CHECK(herald_tcache_put(c, &t) == HERALD_OK);
    t.key = HERALD_STR_LIT("alert");
    t.id = HERALD_STR_LIT("");
    t.status = HERALD_TSTATUS_DRAFT;
    t.nvars = 0;
    t.push_title = HERALD_STR_LIT("Alert");
    t.push_body = HERALD_STR_LIT("");
    FZ_CHECK(herald_tcache_put(c, &t) == HERALD_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input_t in = { data, size };
    size_t arena_size = ARENAS[fz_byte(&in) % 4u];
    uint8_t *arena = malloc(arena_size), *before_arena = malloc(arena_size);
    herald_tcache_t c, before;
    char *json = fz_dup(in.p, in.n);
    size_t loaded = 12345;
    int st;

    FZ_CHECK(arena != NULL && before_arena != NULL);
    FZ_CHECK(herald_tcache_init(&c, arena, arena_size) == HERALD_OK);
    seed_cache(&c);
    before = c;
    memcpy(before_arena, arena, c.used);

    st = herald_tjson_load(&c, &json_arena, json, in.n, &loaded);
    FZ_CHECK(fz_status_in(st, STATUSES, sizeof STATUSES / sizeof STATUSES[0]));
    if (st != HERALD_OK) {
        FZ_CHECK(loaded == 0);
        FZ_CHECK(memcmp(&before, &c, sizeof c) == 0);
        FZ_CHECK(memcmp(before_arena, arena, c.used) == 0);
    } else {
        fz_check_round_trip(&c, arena_size);
    }
    free(json);
    free(arena);
    free(before_arena);
    return 0;
}
