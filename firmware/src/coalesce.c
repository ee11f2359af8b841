/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "herald/coalesce.h"
#include "fnv.h"

static uint64_t fnv(uint64_t h, const char *s, size_t len)
{
    h = herald_fnv1a(h, HERALD_FNV64_PRIME, s, len);
    return herald_fnv1a(h, HERALD_FNV64_PRIME, "\xff", 1u); /* a byte no UTF-8 string holds ends each field */
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
    return fnv(h, s ? s : "", s ? strlen(s) : 0u);
}

uint64_t herald_notification_hash(const herald_notification_t *n)
{
    uint64_t h = HERALD_FNV64_OFFSET;
    h = fnv_str(h, n->template_key);
    h = fnv_str(h, n->template_id);
    h = fnv(h, n->mode == HERALD_MODE_BATCH ? "b" : "r", 1u);
    for (size_t i = 0u; i < n->nvars; i++) {
        h = fnv_str(h, n->vars[i].name);
        h = fnv(h, n->vars[i].value, herald_var_len(&n->vars[i]));
    }
    /* Push data is what the device acts on (a deep link, say): two alerts
     * that differ only there are not the same notification. */
    h = fnv(h, "p", 1u);
    for (size_t i = 0u; i < n->npush_data; i++) {
        h = fnv_str(h, n->push_data[i].name);
        h = fnv(h, n->push_data[i].value, herald_var_len(&n->push_data[i]));
    }
    for (size_t i = 0u; i < n->ntargets; i++) {
        h = fnv_str(h, herald_target(n, i));
    }
    return h;
}

int herald_coalesce_seen(const herald_coalesce_t *c, uint64_t hash, uint64_t now_ms, uint32_t window_ms,
                         uint32_t *handle)
{
    for (size_t i = 0u; i < HERALD_COALESCE_SLOTS; i++) {
        const herald_coalesce_slot_t *s = &c->slot[i];
        if (s->used && s->hash == hash && now_ms >= s->at_ms && now_ms - s->at_ms < window_ms) {
            *handle = s->handle;
            return 1;
        }
    }
    return 0;
}

void herald_coalesce_note(herald_coalesce_t *c, uint64_t hash, uint64_t now_ms, uint32_t handle)
{
    herald_coalesce_slot_t *s = &c->slot[c->next];
    c->next = (c->next + 1u) % HERALD_COALESCE_SLOTS;
    s->hash = hash;
    s->at_ms = now_ms;
    s->handle = handle;
    s->used = 1u;
}
