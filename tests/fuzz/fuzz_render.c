/* SPDX-License-Identifier: Apache-2.0 */
/* The renderer on arbitrary templates and variables, in both modes and both
 * forms.  Measuring, one-shot rendering and streaming must agree byte for
 * byte and on every error; a buffer one byte short is refused with "" left in
 * it; the stream passes full windows but for the last; a bad template emits
 * nothing; JSON mode is a valid JSON string body that decodes to exactly the
 * raw rendering.
 *
 * Input: [flags: 1 values NUL-terminated] [window - 8] template \0 name \0
 * value \0 name \0 value ... (at most 32 variables) */
#include <stdlib.h>
#include <string.h>
#include "herald/render.h"
#include "util.h"

#define MAX_VARS 32
#define MAX_OUT (1u << 20)

typedef struct {
    int st;    /* HERALD_OK when the template is valid */
    char *out; /* the rendering (len + 1 bytes) when valid */
    size_t len;
} rendered_t;

static const int BAD_TEMPLATE[] = { HERALD_E_PLACEHOLDER_UNKNOWN, HERALD_E_TEMPLATE_SYNTAX };

static rendered_t render_all(herald_str_t tmpl, const herald_var_t *vars, size_t nvars,
                             herald_render_mode_t mode, size_t window_len)
{
    rendered_t r = { 0, NULL, 0 };
    size_t needed = 12345;
    fz_sink_t s = { 0 };
    char *window = malloc(window_len);
    int st = herald_render(tmpl, vars, nvars, mode, NULL, 0, &needed);

    FZ_CHECK(window != NULL);
    s.window = window_len;
    if (st != HERALD_E_NOSPACE) {
        char *small = malloc(4);
        FZ_CHECK(fz_status_in(st, BAD_TEMPLATE, 2) && needed == 0);
        FZ_CHECK(small != NULL);
        memcpy(small, "xyz", 4);
        FZ_CHECK(herald_render(tmpl, vars, nvars, mode, small, 4, &needed) == st && needed == 0);
        FZ_CHECK(small[0] == '\0');
        free(small);
        FZ_CHECK(herald_render_stream(tmpl, vars, nvars, mode, window, window_len, fz_sink, &s) == st);
        FZ_CHECK(s.calls == 0);
        r.st = st;
    } else if (needed <= MAX_OUT) {
        size_t len = needed;
        char *out = malloc(len + 1);
        FZ_CHECK(out != NULL);
        FZ_CHECK(herald_render(tmpl, vars, nvars, mode, out, len + 1, &needed) == HERALD_OK);
        FZ_CHECK(needed == len && out[len] == '\0');
        if (len > 0) {
            /* One byte short: refused, nothing that looks like a result left. */
            char *shorter = malloc(len);
            FZ_CHECK(shorter != NULL);
            FZ_CHECK(herald_render(tmpl, vars, nvars, mode, shorter, len, &needed) == HERALD_E_NOSPACE);
            FZ_CHECK(needed == len && shorter[0] == '\0');
            free(shorter);
        }
        FZ_CHECK(herald_render_stream(tmpl, vars, nvars, mode, window, window_len, fz_sink, &s) == HERALD_OK);
        FZ_CHECK(s.len == len && (len == 0 || memcmp(s.buf, out, len) == 0));
        FZ_CHECK(s.calls == (len + window_len - 1) / window_len);
        FZ_CHECK(s.short_calls == 0 || (s.short_calls == 1 && s.last_call < window_len));
        r.out = out;
        r.len = len;
    } else {
        r.st = 1; /* valid, but too big to check here */
    }
    fz_sink_free(&s);
    free(window);
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input_t in = { data, size };
    uint8_t flags = fz_byte(&in);
    size_t window_len = 8 + fz_byte(&in) % 64u;
    herald_var_t vars[MAX_VARS];
    char *fields[1 + 2 * MAX_VARS];
    size_t lens[1 + 2 * MAX_VARS], nfields = 0, nvars;
    herald_str_t tmpl;
    rendered_t raw, json;

    /* Split on NUL: the template, then name/value pairs. */
    while (nfields < 1 + 2 * MAX_VARS) {
        const uint8_t *nul = memchr(in.p, 0, in.n);
        size_t n = nul != NULL ? (size_t)(nul - in.p) : in.n;
        /* The template and values are exact-size blocks (ASan sees a read
         * past them); names and NUL-terminated values carry their NUL. */
        int terminated = nfields > 0 && (nfields % 2 == 1 || (flags & 1u));
        fields[nfields] = malloc(n + (terminated ? 1 : 0) + (n == 0 && !terminated ? 1 : 0));
        FZ_CHECK(fields[nfields] != NULL);
        memcpy(fields[nfields], in.p, n);
        if (terminated) {
            fields[nfields][n] = '\0';
        }
        lens[nfields++] = n;
        if (nul == NULL) {
            break;
        }
        in.p += n + 1;
        in.n -= n + 1;
    }
    nvars = (nfields - 1) / 2;
    for (size_t i = 0; i < nvars; i++) {
        vars[i].name = fields[1 + 2 * i];
        vars[i].value = fields[2 + 2 * i];
        vars[i].value_len = (flags & 1u) ? 0 : lens[2 + 2 * i];
        if (lens[2 + 2 * i] == 0) {
            vars[i].value = ""; /* value_len 0 reads a NUL-terminated value */
            vars[i].value_len = 0;
        }
    }
    tmpl.ptr = fields[0];
    tmpl.len = lens[0];

    raw = render_all(tmpl, vars, nvars, HERALD_RENDER_RAW, window_len);
    json = render_all(tmpl, vars, nvars, HERALD_RENDER_JSON, window_len);
    FZ_CHECK(raw.st == json.st || raw.st == 1 || json.st == 1);
    if (raw.out != NULL && json.out != NULL) {
        char *decoded = malloc(json.len + 1);
        FZ_CHECK(decoded != NULL);
        FZ_CHECK(fz_json_string_decode(json.out, json.len, decoded) == (long)raw.len);
        FZ_CHECK(memcmp(decoded, raw.out, raw.len) == 0);
        free(decoded);
    }
    free(raw.out);
    free(json.out);
    for (size_t i = 0; i < nfields; i++) {
        free(fields[i]);
    }
    return 0;
}
