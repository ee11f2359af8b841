/* SPDX-License-Identifier: Apache-2.0 */
/* A recording sink for tests: keeps what it is given and can fail on the
 * n-th call, to show a writer stops at a failed write. */
#ifndef REC_SINK_H
#define REC_SINK_H

#include <stddef.h>
#include "herald/types.h"

typedef struct {
    char buf[512];
    size_t len;
    size_t calls;
    size_t fail_at; /* 1-based call to fail with HERALD_E_NET, 0 never */
} rec_t;

/* A herald_sink_fn over a rec_t (asserts the bytes fit). */
herald_status_t rec_sink(void *ctx, const char *data, size_t len);

#endif
