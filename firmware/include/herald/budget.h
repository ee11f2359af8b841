/* SPDX-License-Identifier: Apache-2.0 */
/* The rate budget: a token bucket set to the platform's published limit
 * (500 requests/min free, 10,000/min paid) and corrected by the
 * X-RateLimit-* headers the platform sends, so a device never drives itself
 * into 429s.  Time is passed in; nothing here reads a clock. */
#ifndef HERALD_BUDGET_H
#define HERALD_BUDGET_H

#include <stdint.h>

typedef struct {
    uint32_t rate_per_min; /* 0: no budget */
    uint32_t burst;        /* tokens the bucket holds at most */
    uint64_t units;        /* tokens * 60000, so refill needs no division */
    uint64_t last_ms;
    uint64_t hold_until_ms; /* the platform said: nothing left until then */
} herald_budget_t;

void herald_budget_init(herald_budget_t *b, uint32_t rate_per_min, uint32_t burst, uint64_t now_ms);

/* Milliseconds until a request may be sent (0: now). */
uint32_t herald_budget_wait(herald_budget_t *b, uint64_t now_ms);

/* Spend one token (call when a request is sent). */
void herald_budget_take(herald_budget_t *b);

/* Apply a response's X-RateLimit-Remaining and X-RateLimit-Reset (unix s;
 * -1 when absent).  now_s is the wall clock (-1 unknown: then a zero
 * remaining holds for one second, the shortest window that is safe). */
void herald_budget_sync(herald_budget_t *b, uint64_t now_ms, int64_t remaining, int64_t reset_s,
                        int64_t now_s);

#endif
