/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <string.h>
#include "herald/render.h"
#include "json_escape.h"
#include "span.h"

/* Smallest streaming window the API accepts.  Escapes may straddle a flush:
 * the sink sees one byte stream, so that is still exact. */
#define WINDOW_MIN 8u

typedef struct {
    herald_str_t tmpl;
    const herald_var_t *vars;
    size_t nvars;
    herald_render_mode_t mode;
} job_t;

/* herald_render's output buffer, written only while the total still fits,
 * so one pass both renders and measures. */
typedef struct {
    herald_span_t span;
    size_t total; /* bytes produced so far */
} fill_t;

static herald_status_t fill_put(void *ctx, const char *data, size_t len)
{
    fill_t *f = ctx;

    if (len > SIZE_MAX - f->total) {
        return HERALD_E_NOSPACE;
    }
    f->total += len;
    herald_span_put(&f->span, data, len);
    return HERALD_OK;
}

/* Bytes from p up to end; callers keep end >= p. */
static size_t bytes_between(const char *p, const char *end)
{
    ptrdiff_t n = end - p;
    return (size_t)n;
}

/* First "cc" in [p, end), or end. */
static const char *find_pair(const char *p, const char *end, char c)
{
    while (p < end) {
        const char *hit = memchr(p, c, bytes_between(p, end));
        if (!hit || hit + 1 >= end) {
            break;
        }
        if (hit[1] == c) {
            return hit;
        }
        p = hit + 2; /* hit[1] is not c, so no pair can start there */
    }
    return end;
}

static const herald_var_t *lookup(const job_t *j, const char *name, size_t len)
{
    herald_str_t want = { name, len };
    for (size_t i = 0u; i < j->nvars; i++) {
        const char *vn = j->vars[i].name;
        if (vn && herald_str_eq(want, vn)) {
            return &j->vars[i];
        }
    }
    return NULL;
}

static herald_status_t emit_text(const job_t *j, herald_sink_t *o, const char *data, size_t len)
{
    if (!o) {
        return HERALD_OK;
    }
    if (j->mode == HERALD_RENDER_JSON) {
        herald_json_put_escaped(o, data, len);
    } else {
        herald_sink_put(o, data, len);
    }
    return o->st;
}

/* Walk the template; with o NULL it only validates. */
static herald_status_t walk(const job_t *j, herald_sink_t *o)
{
    const char *p = j->tmpl.ptr;
    const char *end = p + j->tmpl.len;

    while (p < end) {
        const char *open = find_pair(p, end, '{');
        const char *name;
        const char *close;
        const herald_var_t *v;
        herald_status_t st = emit_text(j, o, p, bytes_between(p, open));
        if (st != HERALD_OK || open == end) {
            return st;
        }
        name = open + 2;
        close = find_pair(name, end, '}');
        if (close == end) {
            return HERALD_E_TEMPLATE_SYNTAX;
        }
        p = close + 2;
        while (name < close && (*name == ' ' || *name == '\t')) {
            name++;
        }
        while (close > name && (close[-1] == ' ' || close[-1] == '\t')) {
            close--;
        }
        if (name == close) {
            return HERALD_E_TEMPLATE_SYNTAX;
        }
        v = lookup(j, name, bytes_between(name, close));
        if (!v) {
            return HERALD_E_PLACEHOLDER_UNKNOWN;
        }
        st = emit_text(j, o, v->value, herald_var_len(v));
        if (st != HERALD_OK) {
            return st;
        }
    }
    return HERALD_OK;
}

static herald_status_t job_init(job_t *j, herald_str_t tmpl, const herald_var_t *vars, size_t nvars,
                                herald_render_mode_t mode)
{
    if ((!tmpl.ptr && tmpl.len > 0u) || (!vars && nvars > 0u) ||
        (mode != HERALD_RENDER_RAW && mode != HERALD_RENDER_JSON)) {
        return HERALD_E_INVALID_ARG;
    }
    j->tmpl = tmpl;
    if (!j->tmpl.ptr) {
        j->tmpl.ptr = "";
    }
    j->vars = vars;
    j->nvars = nvars;
    j->mode = mode;
    return HERALD_OK;
}

herald_status_t herald_render(herald_str_t tmpl, const herald_var_t *vars, size_t nvars,
                              herald_render_mode_t mode, char *out, size_t cap, size_t *needed)
{
    job_t j;
    fill_t f;
    herald_sink_t o;
    herald_status_t st;

    if (needed) {
        *needed = 0u;
    }
    if (!out && cap > 0u) {
        return HERALD_E_INVALID_ARG;
    }
    herald_span_init(&f.span, out, cap);
    f.total = 0u;
    herald_sink_init(&o, fill_put, &f, NULL, 0u, 0u);
    st = job_init(&j, tmpl, vars, nvars, mode);
    if (st == HERALD_OK) {
        st = walk(&j, &o);
    }
    if (st == HERALD_OK) {
        if (needed) {
            *needed = f.total;
        }
        if (!herald_span_finish(&f.span)) {
            st = HERALD_E_NOSPACE;
        }
    }
    if (st != HERALD_OK && cap > 0u) {
        out[0] = '\0'; /* never leave a prefix that looks like a result */
    }
    return st;
}

herald_status_t herald_render_stream(herald_str_t tmpl, const herald_var_t *vars, size_t nvars,
                                     herald_render_mode_t mode, char *window, size_t window_len,
                                     herald_sink_fn sink, void *ctx)
{
    job_t j;
    herald_sink_t o;
    herald_status_t st;

    if (!window || window_len < WINDOW_MIN || !sink) {
        return HERALD_E_INVALID_ARG;
    }
    /* Everything through the window, so every sink call but the last passes
     * a full one. */
    herald_sink_init(&o, sink, ctx, window, window_len, SIZE_MAX);
    st = job_init(&j, tmpl, vars, nvars, mode);
    if (st == HERALD_OK) {
        st = walk(&j, NULL); /* a bad template must emit nothing */
    }
    if (st == HERALD_OK) {
        st = walk(&j, &o);
    }
    if (st == HERALD_OK) {
        st = herald_sink_flush(&o);
    }
    return st;
}
