/* SPDX-License-Identifier: Apache-2.0 */
/* Time seams.  firmware/ takes the monotonic time as an argument
 * (herald_poll(agent, now_ms)); ports use these to produce it, and TLS uses
 * the wall clock to check certificate validity. */
#ifndef HERALD_HAL_CLOCK_H
#define HERALD_HAL_CLOCK_H

#include <stdint.h>

typedef struct herald_clock {
    uint64_t (*monotonic_ms)(void *ctx); /* never goes backwards */
    int64_t (*wall_s)(void *ctx);        /* unix seconds; <0 unknown */
    void *ctx;
} herald_clock_t;

#endif
