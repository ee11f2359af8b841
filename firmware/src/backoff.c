/* SPDX-License-Identifier: Apache-2.0 */
#include <stddef.h>
#include "backoff.h"

uint32_t herald_backoff_wait(const herald_backoff_t *b, uint32_t base_ms, uint32_t cap_ms,
                             const uint32_t *random)
{
    uint64_t ceiling = base_ms;
    for (uint32_t i = 1u; i < b->attempts && ceiling < cap_ms; i++) {
        ceiling *= 2u;
    }
    if (ceiling > cap_ms) {
        ceiling = cap_ms;
    }
    if (random == NULL) {
        return (uint32_t)ceiling; /* no randomness: plain exponential */
    }
    return (uint32_t)((uint64_t)*random % (ceiling + 1u));
}
