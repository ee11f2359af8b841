/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "herald/request.h"
#include "fnv.h"
#include "json_escape.h"
#include "span.h"

/* The literal and its length, for sink calls on string constants. */
#define LIT(s) (s), (sizeof(s) - 1u)

/* Staging bytes: short pieces (structure, escapes, short strings) are
 * gathered here so the sink, often a TLS record buffer, sees a few large
 * writes rather than one per token; pieces of half the stage or more go to
 * the sink straight from the caller's memory. */
#define STAGE_SIZE 128u

/* The structure before a string, then the string's escaped content (its
 * closing quote goes with the next piece of structure). */
static void put_str(herald_sink_t *w, const char *pre, size_t pre_len, const char *s, size_t len)
{
    herald_sink_put(w, pre, pre_len);
    herald_json_put_escaped(w, s, len);
}

/* The members of a string-valued object, "n":"v",... between braces the
 * caller writes; the last value's closing quote is written here too. */
static void put_members(herald_sink_t *w, const herald_var_t *kv, size_t n)
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
        herald_sink_put(w, LIT("\""));
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

/* What identifies the notification for coalescing: the template, the
 * variables, the push data, the targets and the mode; title and tag follow. */
static void put_identity(herald_sink_t *w, const herald_notification_t *n)
{
    if (given(n->template_key)) {
        put_str(w, LIT("{\"template\":{\"key\":\""), n->template_key, strlen(n->template_key));
    } else {
        put_str(w, LIT("{\"template\":{\"id\":\""), n->template_id, strlen(n->template_id));
    }
    herald_sink_put(w, LIT("\",\"variables\":{"));
    put_members(w, n->vars, n->nvars);
    if (n->npush_data > 0u) {
        herald_sink_put(w, LIT("},\"notificationPushData\":{"));
        put_members(w, n->push_data, n->npush_data);
    }
    herald_sink_put(w, LIT("}},\"targets\":["));
    for (size_t i = 0u; i < n->ntargets; i++) {
        const char *t = herald_target(n, i);
        put_str(w, i == 0u ? "\"" : "\",\"", i == 0u ? 1u : 3u, t, strlen(t));
    }
    herald_sink_put(w, n->ntargets > 0u ? "\"]" : "]", n->ntargets > 0u ? 2u : 1u);
    if (n->mode == HERALD_MODE_REALTIME) {
        herald_sink_put(w, LIT(",\"mode\":\"realtime\""));
    } else {
        herald_sink_put(w, LIT(",\"mode\":\"batch\""));
    }
}

static void put_texts(herald_sink_t *w, const herald_notification_t *n)
{
    if (n->title) {
        put_str(w, LIT(",\"title\":\""), n->title, strlen(n->title));
        herald_sink_put(w, LIT("\""));
    }
    if (n->tag) {
        put_str(w, LIT(",\"tag\":\""), n->tag, strlen(n->tag));
        herald_sink_put(w, LIT("\""));
    }
    herald_sink_put(w, LIT("}"));
}

herald_status_t herald_request_write(const herald_notification_t *n, herald_sink_fn sink, void *ctx)
{
    herald_sink_t w;
    char stage[STAGE_SIZE];

    if (!sink || !writable(n)) {
        return HERALD_E_INVALID_ARG;
    }
    herald_sink_init(&w, sink, ctx, stage, sizeof stage, STAGE_SIZE / 2u);
    put_identity(&w, n);
    put_texts(&w, n);
    return herald_sink_flush(&w);
}

/* Counts every byte; hashes them while hashing is set. */
typedef struct {
    size_t len;
    uint64_t hash;
    int hashing;
} measure_t;

static herald_status_t measure_sink(void *ctx, const char *data, size_t len)
{
    measure_t *m = ctx;
    m->len += len;
    if (m->hashing) {
        m->hash = herald_fnv1a(m->hash, HERALD_FNV64_PRIME, data, len);
    }
    return HERALD_OK;
}

herald_status_t herald_request_measure(const herald_notification_t *n, size_t *len, uint64_t *hash)
{
    measure_t m = { 0u, HERALD_FNV64_OFFSET, 1 };
    herald_sink_t w;
    char stage[STAGE_SIZE];

    if (len) {
        *len = 0u;
    }
    if (hash) {
        *hash = 0u;
    }
    if (!writable(n)) {
        return HERALD_E_INVALID_ARG;
    }
    herald_sink_init(&w, measure_sink, &m, stage, sizeof stage, STAGE_SIZE / 2u);
    put_identity(&w, n);
    (void)herald_sink_flush(&w); /* the identity's last bytes are hashed, the rest only counted */
    m.hashing = 0;
    put_texts(&w, n);
    (void)herald_sink_flush(&w);
    if (len) {
        *len = m.len;
    }
    if (hash) {
        *hash = m.hash;
    }
    return HERALD_OK;
}

herald_status_t herald_request_length(const herald_notification_t *n, size_t *len)
{
    if (!len) {
        return HERALD_E_INVALID_ARG;
    }
    return herald_request_measure(n, len, NULL);
}
