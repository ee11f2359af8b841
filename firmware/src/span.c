/* SPDX-License-Identifier: Apache-2.0 */
#include "span.h"

void herald_span_init(herald_span_t *s, char *buf, size_t cap)
{
    s->buf = buf;
    s->cap = buf != NULL ? cap : 0u;
    s->len = 0u;
    s->err = 0;
}

void herald_span_put(herald_span_t *s, const char *p, size_t n)
{
    if (s->err != 0 || n == 0u) {
        return;
    }
    if (n > s->cap - s->len) {
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

void herald_span_char(herald_span_t *s, char c)
{
    herald_span_put(s, &c, 1u);
}

char *herald_u64_digits(char *end, uint64_t v)
{
    char *p = end;
    do {
        p--;
        *p = (char)('0' + (v % 10u));
        v /= 10u;
    } while (v > 0u);
    return p;
}

void herald_span_u32(herald_span_t *s, uint32_t v)
{
    char d[HERALD_U64_DIGITS];
    const char *p = herald_u64_digits(d + sizeof d, v);
    ptrdiff_t n = (d + sizeof d) - p;
    herald_span_put(s, p, (size_t)n);
}

void herald_span_i64(herald_span_t *s, int64_t v)
{
    char d[HERALD_U64_DIGITS + 1u];
    /* The magnitude in unsigned arithmetic, so INT64_MIN does not overflow. */
    uint64_t m = v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
    char *p = herald_u64_digits(d + sizeof d, m);
    ptrdiff_t n;
    if (v < 0) {
        p--;
        *p = '-';
    }
    n = (d + sizeof d) - p;
    herald_span_put(s, p, (size_t)n);
}

int herald_span_finish(herald_span_t *s)
{
    if (s->err == 0 && s->len < s->cap) {
        s->buf[s->len] = '\0';
        return 1;
    }
    s->err = 1;
    if (s->cap > 0u) {
        s->buf[0] = '\0';
    }
    return 0;
}

void herald_sink_init(herald_sink_t *w, herald_sink_fn write, void *ctx, char *stage, size_t cap,
                      size_t direct)
{
    w->write = write;
    w->ctx = ctx;
    w->st = HERALD_OK;
    w->stage = stage;
    w->cap = stage != NULL ? cap : 0u;
    w->len = 0u;
    w->direct = w->cap > 0u ? direct : 0u;
}

herald_status_t herald_sink_flush(herald_sink_t *w)
{
    if (w->st == HERALD_OK && w->len > 0u) {
        w->st = w->write(w->ctx, w->stage, w->len);
    }
    w->len = 0u;
    return w->st;
}

void herald_sink_put_slow(herald_sink_t *w, const char *p, size_t n)
{
    if (w->st != HERALD_OK) {
        return;
    }
    if (n >= w->direct) {
        /* Flushed first, to keep the bytes in order. */
        if (herald_sink_flush(w) == HERALD_OK && n > 0u) {
            w->st = w->write(w->ctx, p, n);
        }
        return;
    }
    while (n > 0u && w->st == HERALD_OK) {
        size_t room = w->cap - w->len;
        size_t k = n < room ? n : room;
        (void)memcpy(w->stage + w->len, p, k);
        w->len += k;
        p += k;
        n -= k;
        if (w->len == w->cap) {
            (void)herald_sink_flush(w);
        }
    }
}

void herald_sink_str(herald_sink_t *w, const char *str)
{
    herald_sink_put(w, str, strlen(str));
}

void herald_sink_u32(herald_sink_t *w, uint32_t v)
{
    char d[HERALD_U64_DIGITS];
    const char *p = herald_u64_digits(d + sizeof d, v);
    ptrdiff_t n = (d + sizeof d) - p;
    herald_sink_put(w, p, (size_t)n);
}
