/* SPDX-License-Identifier: Apache-2.0 */
#include "herald/budget.h"

#define UNIT 60000u /* one token, in rate_per_min-units per millisecond */

static void refill(herald_budget_t *b, uint64_t now_ms)
{
    uint64_t cap = (uint64_t)b->burst * UNIT;
    if (now_ms > b->last_ms) {
        uint64_t add = (now_ms - b->last_ms) * b->rate_per_min;
        b->units = (cap - b->units < add) ? cap : b->units + add;
        b->last_ms = now_ms;
    }
}

void herald_budget_init(herald_budget_t *b, uint32_t rate_per_min, uint32_t burst, uint64_t now_ms)
{
    b->rate_per_min = rate_per_min;
    b->burst = burst ? burst : 1u;
    b->units = (uint64_t)b->burst * UNIT;
    b->last_ms = now_ms;
    b->hold_until_ms = 0u;
}

uint32_t herald_budget_wait(herald_budget_t *b, uint64_t now_ms)
{
    uint64_t wait = 0u;
    if (b->rate_per_min != 0u) {
        refill(b, now_ms);
        if (b->units < UNIT) {
            wait = (UNIT - b->units + b->rate_per_min - 1u) / b->rate_per_min;
        }
    }
    if (b->hold_until_ms > now_ms && b->hold_until_ms - now_ms > wait) {
        wait = b->hold_until_ms - now_ms;
    }
    return wait > 0xFFFFFFF0u ? 0xFFFFFFF0u : (uint32_t)wait;
}

void herald_budget_take(herald_budget_t *b)
{
    b->units = b->units >= UNIT ? b->units - UNIT : 0u;
}

void herald_budget_sync(herald_budget_t *b, uint64_t now_ms, int64_t remaining, int64_t reset_s,
                        int64_t now_s)
{
    if (remaining < 0) {
        return;
    }
    /* Never believe we have more than the platform says is left. */
    if (b->rate_per_min != 0u && (uint64_t)remaining < b->units / UNIT) {
        b->units = (uint64_t)remaining * UNIT;
    }
    if (remaining == 0) {
        uint64_t hold = 1000u;
        if (reset_s > 0 && now_s >= 0 && reset_s > now_s) {
            /* now_s is truncated, so this ends at or after the reset instant */
            uint64_t secs = (uint64_t)reset_s - (uint64_t)now_s;
            /* a day at most: a reset sent in ms, not s, must not freeze sending */
            hold = (secs < 86400u ? secs : 86400u) * 1000u;
        }
        if (now_ms + hold > b->hold_until_ms) {
            b->hold_until_ms = now_ms + hold;
        }
    }
}
