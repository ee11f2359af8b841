/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "span.h"

void herald_span_init(herald_span_t *s, char *buf, size_t cap)
{
    s->buf = buf;
    s->cap = cap;
    s->len = 0u;
    s->err = 0;
}

void herald_span_put(herald_span_t *s, const char *p, size_t n)
{
    if (s->err || n > s->cap - s->len) {
        s->err = 1;
        return;
    }
    (void)memcpy(s->buf + s->len, p, n);
    s->len += n;
}

void herald_span_str(herald_span_t *s, const char *str)
{
    herald_span_put(s, str, strlen(str));
}

void herald_span_u32(herald_span_t *s, uint32_t v)
{
    char d[10];
    size_t n = 0u;
    do {
        d[sizeof d - 1u - n] = (char)('0' + (v % 10u));
        v /= 10u;
        n++;
    } while (v != 0u);
    herald_span_put(s, &d[sizeof d - n], n);
}
