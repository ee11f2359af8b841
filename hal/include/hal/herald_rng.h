/* SPDX-License-Identifier: Apache-2.0 */
/* Randomness seam: backoff jitter and TLS entropy.  fill() returns 0 on
 * success, a negative herald_status_t when no randomness can be had. */
#ifndef HERALD_HAL_RNG_H
#define HERALD_HAL_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct herald_rng {
    int (*fill)(void *ctx, uint8_t *buf, size_t len);
    void *ctx;
} herald_rng_t;

#endif
