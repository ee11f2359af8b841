/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <string.h>
#include "herald/request.h"
#include "json_escape.h"

size_t herald_json_escape_one(unsigned char c, char *out)
{
    static const char hex[] = "0123456789abcdef";
    char e;

    switch (c) {
    case '"':
        e = '"';
        break;
    case '\\':
        e = '\\';
        break;
    case '\b':
        e = 'b';
        break;
    case '\f':
        e = 'f';
        break;
    case '\n':
        e = 'n';
        break;
    case '\r':
        e = 'r';
        break;
    case '\t':
        e = 't';
        break;
    default:
        out[0] = '\\';
        out[1] = 'u';
        out[2] = '0';
        out[3] = '0';
        out[4] = hex[c >> 4];
        out[5] = hex[c & 0x0Fu];
        return HERALD_JSON_ESC_MAX;
    }
    out[0] = '\\';
    out[1] = e;
    return 2u;
}

void herald_json_put_escaped(herald_sink_t *w, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0u;
    char esc[HERALD_JSON_ESC_MAX];

    while (i < len && w->st == HERALD_OK) {
        size_t run = herald_json_clean_run(p + i, len - i);
        herald_sink_put(w, s + i, run);
        i += run;
        if (i < len) {
            herald_sink_put(w, esc, herald_json_escape_one(p[i], esc));
            i++;
        }
    }
}

void herald_json_put_string(herald_sink_t *w, const char *s, size_t len)
{
    herald_sink_put(w, "\"", 1u);
    herald_json_put_escaped(w, s, len);
    herald_sink_put(w, "\"", 1u);
}

herald_status_t herald_json_write_string(herald_sink_fn sink, void *ctx, const char *s, size_t len)
{
    herald_sink_t w;

    if (!sink || (!s && len > 0u)) {
        return HERALD_E_INVALID_ARG;
    }
    /* Unstaged: clean runs go to the sink straight from s, each escape on
     * its own; a caller that writes many strings stages them in its own
     * writer and calls herald_json_put_string. */
    herald_sink_init(&w, sink, ctx, NULL, 0u, 0u);
    herald_json_put_string(&w, s, len);
    return herald_sink_flush(&w);
}
