/* SPDX-License-Identifier: Apache-2.0 */
/* A bounded writer with a sticky error (placeholder until the shared one lands). */
#ifndef HERALD_SPAN_H
#define HERALD_SPAN_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *buf;
    size_t cap;
    size_t len;
    int err;
} herald_span_t;

void herald_span_init(herald_span_t *s, char *buf, size_t cap);
void herald_span_put(herald_span_t *s, const char *p, size_t n);
void herald_span_str(herald_span_t *s, const char *str);
void herald_span_u32(herald_span_t *s, uint32_t v);

#endif
