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

/* The slow path of put: flush first (to keep the bytes in order), then
 * stage the piece or, when it is large, hand it to the sink directly. */
static void put_slow(writer_t *w, const char *s, size_t len)
{
    flush(w);
    if (w->st != HERALD_OK) {
        return;
    }
    if (len >= STAGE_SIZE / 2u) {
        w->st = w->sink(w->ctx, s, len);
    } else {
        (void)memcpy(w->stage, s, len);
        w->len = len;
    }
}

/* Inline, so a literal's copy compiles to a few stores: the body is mostly
 * short constant structure between short strings. */
static inline void put(writer_t *w, const char *s, size_t len)
{
    if (len < STAGE_SIZE / 2u && len <= STAGE_SIZE - w->len) {
        (void)memcpy(w->stage + w->len, s, len);
        w->len += len;
    } else {
        put_slow(w, s, len);
    }
}

/* The structure before a string, then the string's escaped content (its
 * closing quote goes with the next piece of structure).  Escapes are written
 * straight into the stage; clean runs go through put (long ones bypass it). */
static void put_str(writer_t *w, const char *pre, size_t pre_len, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0u;
    put(w, pre, pre_len);
    while (i < len && w->st == HERALD_OK) {
        size_t run = herald_json_clean_run(p + i, len - i);
        if (run > 0u) {
            put(w, s + i, run);
            i += run;
            continue;
        }
        if (STAGE_SIZE - w->len < HERALD_JSON_ESC_MAX) {
            flush(w);
        }
        w->len += herald_json_escape_one(p[i], w->stage + w->len);
        i++;
    }
}

/* The members of a string-valued object, "n":"v",... between braces the
 * caller writes; the last value's closing quote is written here too. */
static void put_members(writer_t *w, const herald_var_t *kv, size_t n)
{
    for (size_t i = 0u; i < n; i++) {
        if (i == 0u) {
            put_str(w, LIT("\""), kv[i].name, strlen(kv[i].name));
        } else {
            put_str(w, LIT("\",\""), kv[i].name, strlen(kv[i].name));
        }
        put_str(w, LIT("\":\""), kv[i].value, herald_var_len(&kv[i]));
    }
    if (n > 0u) {
        put(w, LIT("\""));
    }
}

/* Every name and value of a key/value list is there to follow. */
static int members_writable(const herald_var_t *kv, size_t n)
{
    if (n > 0u && !kv) {
        return 0;
    }
    for (size_t i = 0u; i < n; i++) {
        if (!kv[i].name || !kv[i].value) {
            return 0;
        }
    }
    return 1;
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
        !members_writable(n->vars, n->nvars) || !members_writable(n->push_data, n->npush_data) ||
        (n->ntargets > 0u && !n->targets && !n->target_at)) {
        return 0;
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
    put_members(&w, n->vars, n->nvars);
    if (n->npush_data > 0u) {
        put(&w, LIT("},\"notificationPushData\":{"));
        put_members(&w, n->push_data, n->npush_data);
    }
    put(&w, LIT("}},\"targets\":["));
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
