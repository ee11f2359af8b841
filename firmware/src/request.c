/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "herald/request.h"
#include "json_escape.h"

/* The literal and its length, for sink calls on string constants. */
#define LIT(s) (s), (sizeof(s) - 1u)

/* Staging bytes: short pieces (structure, escapes, short strings) are
 * gathered here so the sink, often a TLS record buffer, sees a few large
 * writes rather than one per token. */
#define STAGE_SIZE 128u

typedef struct {
    herald_sink_fn sink;
    void *ctx;
    herald_status_t st;    /* first error; later writes are skipped */
    size_t len;            /* bytes waiting in stage */
    char stage[STAGE_SIZE];
} writer_t;

static void flush(writer_t *w)
{
    if (w->st == HERALD_OK && w->len > 0u) {
        w->st = w->sink(w->ctx, w->stage, w->len);
    }
    w->len = 0u;
}

/* A herald_sink_fn over the writer, so the shared escaper can feed it. */
static herald_status_t stage_sink(void *vctx, const char *s, size_t len)
{
    writer_t *w = vctx;

    int large = len >= STAGE_SIZE / 2u;   /* large runs skip the copy */

    if (large || len > STAGE_SIZE - w->len) {
        flush(w);   /* first, to keep the bytes in order */
    }
    if (w->st != HERALD_OK) {
        return w->st;
    }
    if (large) {
        w->st = w->sink(w->ctx, s, len);
    } else {
        memcpy(w->stage + w->len, s, len);
        w->len += len;
    }
    return w->st;
}

static void put(writer_t *w, const char *s, size_t len)
{
    (void)stage_sink(w, s, len);
}

/* The structure before a string, then the string's escaped content (its
 * closing quote goes with the next piece of structure). */
static void put_str(writer_t *w, const char *pre, size_t pre_len, const char *s, size_t len)
{
    put(w, pre, pre_len);
    if (w->st == HERALD_OK) {
        (void)herald_json_escape(stage_sink, w, s, len);
    }
}

static int given(const char *s)
{
    return s && s[0] != '\0';
}

/* Pointers the writer will follow; checked up front so that a malformed
 * notification emits nothing rather than half a body. */
static int writable(const herald_notification_t *n)
{
    if (!n || (!given(n->template_key) && !given(n->template_id)) || !herald_mode_str(n->mode) ||
        (n->nvars > 0u && !n->vars) || (n->ntargets > 0u && !n->targets && !n->target_at)) {
        return 0;
    }
    for (size_t i = 0u; i < n->nvars; i++) {
        if (!n->vars[i].name || !n->vars[i].value) {
            return 0;
        }
    }
    for (size_t i = 0u; i < n->ntargets; i++) {
        if (!herald_target(n, i)) {
            return 0;
        }
    }
    return 1;
}

herald_status_t herald_request_write(const herald_notification_t *n, herald_sink_fn sink, void *ctx)
{
    writer_t w;

    if (!sink || !writable(n)) {
        return HERALD_E_INVALID_ARG;
    }
    w.sink = sink;
    w.ctx = ctx;
    w.st = HERALD_OK;
    w.len = 0u;
    if (given(n->template_key)) {
        put_str(&w, LIT("{\"template\":{\"key\":\""), n->template_key, strlen(n->template_key));
    } else {
        put_str(&w, LIT("{\"template\":{\"id\":\""), n->template_id, strlen(n->template_id));
    }
    put(&w, LIT("\",\"variables\":{"));
    for (size_t i = 0u; i < n->nvars; i++) {
        const herald_var_t *v = &n->vars[i];
        if (i == 0u) {
            put_str(&w, LIT("\""), v->name, strlen(v->name));
        } else {
            put_str(&w, LIT("\",\""), v->name, strlen(v->name));
        }
        put_str(&w, LIT("\":\""), v->value, herald_var_len(v));
    }
    if (n->nvars > 0u) {
        put(&w, LIT("\"}},\"targets\":["));
    } else {
        put(&w, LIT("}},\"targets\":["));
    }
    for (size_t i = 0u; i < n->ntargets; i++) {
        const char *t = herald_target(n, i);
        if (i == 0u) {
            put_str(&w, LIT("\""), t, strlen(t));
        } else {
            put_str(&w, LIT("\",\""), t, strlen(t));
        }
    }
    if (n->ntargets > 0u) {
        put(&w, LIT("\"]"));
    } else {
        put(&w, LIT("]"));
    }
    if (n->mode == HERALD_MODE_REALTIME) {
        put(&w, LIT(",\"mode\":\"realtime\""));
    } else {
        put(&w, LIT(",\"mode\":\"batch\""));
    }
    if (n->title) {
        put_str(&w, LIT(",\"title\":\""), n->title, strlen(n->title));
        put(&w, LIT("\""));
    }
    if (n->tag) {
        put_str(&w, LIT(",\"tag\":\""), n->tag, strlen(n->tag));
        put(&w, LIT("\""));
    }
    put(&w, LIT("}"));
    flush(&w);
    return w.st;
}

herald_status_t herald_request_length(const herald_notification_t *n, size_t *len)
{
    size_t count = 0u;
    herald_status_t st;

    if (!len) {
        return HERALD_E_INVALID_ARG;
    }
    st = herald_request_write(n, herald_count_sink, &count);
    *len = st == HERALD_OK ? count : 0u;
    return st;
}

herald_status_t herald_json_write_string(herald_sink_fn sink, void *ctx, const char *s, size_t len)
{
    herald_status_t st;

    if (!sink || (!s && len > 0u)) {
        return HERALD_E_INVALID_ARG;
    }
    st = sink(ctx, LIT("\""));
    if (st == HERALD_OK) {
        st = herald_json_escape(sink, ctx, s, len);
    }
    if (st == HERALD_OK) {
        st = sink(ctx, LIT("\""));
    }
    return st;
}
