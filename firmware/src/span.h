/* SPDX-License-Identifier: Apache-2.0 */
/* The bounded writers, private to the firmware.  Both keep the first error
 * (sticky), so a caller writes a whole message without a test after every
 * piece and looks once at the end:
 *  - a span fills a fixed buffer; a piece that does not fit sets err, and
 *    from then on every put is ignored and len stays where it was;
 *  - a sink writer streams through a herald_sink_fn, optionally gathering
 *    short pieces in a stage buffer so the sink (often a TLS record or a
 *    flash page) sees few large writes; the first sink error stops it. */
#ifndef HERALD_SPAN_H
#define HERALD_SPAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "herald/types.h"

typedef struct {
    char *buf;
    size_t cap;
    size_t len;
    int err; /* sticky: once a put does not fit, every later put is ignored, len stops */
} herald_span_t;

void herald_span_init(herald_span_t *s, char *buf, size_t cap);
void herald_span_put(herald_span_t *s, const char *p, size_t n);
void herald_span_str(herald_span_t *s, const char *str);
void herald_span_char(herald_span_t *s, char c);
void herald_span_u32(herald_span_t *s, uint32_t v); /* decimal */
void herald_span_i64(herald_span_t *s, int64_t v);  /* decimal, '-' when negative */

/* NUL-terminate the text (the NUL needs one byte of cap after len).  Returns
 * 1 when everything fit; 0 otherwise, and then buf holds "" (cap > 0), so a
 * cut text is never taken for a whole one. */
int herald_span_finish(herald_span_t *s);

/* The decimal digits of v written backwards from end (at least
 * HERALD_U64_DIGITS bytes before it are available); returns the first. */
#define HERALD_U64_DIGITS 20u
char *herald_u64_digits(char *end, uint64_t v);

typedef struct {
    herald_sink_fn write;
    void *ctx;
    herald_status_t st; /* the first error; every later put is skipped */
    char *stage;        /* may be NULL (cap 0): every piece goes to write */
    size_t cap;
    size_t len;    /* bytes waiting in the stage */
    size_t direct; /* a piece at least this long skips the stage */
} herald_sink_t;

/* Pieces shorter than direct are copied into stage (cap bytes), and the stage
 * goes to write whenever it is full, so every write but the last of a flush
 * passes cap bytes; longer pieces flush the stage and go to write straight
 * from the caller's memory.  direct SIZE_MAX: everything is staged (a
 * streaming window); stage NULL: nothing is. */
void herald_sink_init(herald_sink_t *w, herald_sink_fn write, void *ctx, char *stage, size_t cap,
                      size_t direct);
void herald_sink_put_slow(herald_sink_t *w, const char *p, size_t n);
void herald_sink_str(herald_sink_t *w, const char *str);
void herald_sink_u32(herald_sink_t *w, uint32_t v);

/* Write what waits in the stage; returns the writer's status. */
herald_status_t herald_sink_flush(herald_sink_t *w);

/* Inline, so a short constant piece compiles to a few stores: a request
 * body is mostly short structure between short strings. */
static inline void herald_sink_put(herald_sink_t *w, const char *p, size_t n)
{
    if (n < w->direct && n <= w->cap - w->len) {
        if (n > 0u) {
            (void)memcpy(w->stage + w->len, p, n);
            w->len += n;
        }
    } else {
        herald_sink_put_slow(w, p, n);
    }
}

#endif
