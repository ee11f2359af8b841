/* SPDX-License-Identifier: Apache-2.0 */
/* Retry timing for one notification: it counts the attempts of it that
 * failed and gives the wait before the next, exponential from base to cap
 * with full jitter (a random value in [0, ceiling]).  The caller passes the
 * random value in, so the unit is a pure function of its inputs. */
#ifndef HERALD_BACKOFF_H
#define HERALD_BACKOFF_H

#include <stdint.h>

typedef struct {
    uint32_t attempts; /* sends that ended in a transient failure */
} herald_backoff_t;

static inline void herald_backoff_reset(herald_backoff_t *b)
{
    b->attempts = 0u;
}

static inline void herald_backoff_failed(herald_backoff_t *b)
{
    b->attempts++;
}

/* The milliseconds to wait after the latest failure: random (NULL: none)
 * picks within the ceiling base * 2^(attempts-1), capped at cap. */
uint32_t herald_backoff_wait(const herald_backoff_t *b, uint32_t base_ms, uint32_t cap_ms,
                             const uint32_t *random);

#endif
