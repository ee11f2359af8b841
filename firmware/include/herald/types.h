/* SPDX-License-Identifier: Apache-2.0 */
/* Small shared types: a length-counted string view and an output sink. */
#ifndef HERALD_TYPES_H
#define HERALD_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include "herald/status.h"

/* A view of bytes that need not be NUL-terminated. */
typedef struct {
    const char *ptr;
    size_t len;
} herald_str_t;

#define HERALD_STR_LIT(s) ((herald_str_t){ (s), sizeof(s) - 1u })

/* Make a view of a NUL-terminated string (NULL gives an empty view). */
herald_str_t herald_str(const char *s);

/* 1 when the view equals the NUL-terminated string s. */
int herald_str_eq(herald_str_t a, const char *s);

/* Where streamed output goes.  Return HERALD_OK to go on; any error stops
 * the producer, which returns that error unchanged. */
typedef herald_status_t (*herald_sink_fn)(void *ctx, const char *data, size_t len);

/* A sink into a fixed buffer.  Overflow makes it return HERALD_E_NOSPACE and
 * keep counting in `len` so the caller learns the size that was needed; the
 * buffer then holds only the bytes that fitted. */
typedef struct {
    char *buf;
    size_t cap;
    size_t len;
} herald_buf_sink_t;

herald_status_t herald_buf_sink(void *ctx, const char *data, size_t len);

/* A sink that only counts: ctx is a size_t* that is increased by len. */
herald_status_t herald_count_sink(void *ctx, const char *data, size_t len);

#endif
