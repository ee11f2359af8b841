/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "herald/coalesce.h"
#include "herald/request.h"

/* The hash is taken by the request writer, over the body's own bytes, so
 * what is hashed is exactly what the platform would be sent. */
uint64_t herald_notification_hash(const herald_notification_t *n)
{
    uint64_t h = 0u;
    (void)herald_request_measure(n, NULL, &h);
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
