/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <string.h>
#include "json_escape.h"

/* Longest single escape: \u00xx. */
#define ESC_MAX 6u


size_t herald_json_escape_one(unsigned char c, char *out)
{
    static const char hex[] = "0123456789abcdef";
    char e;

    switch (c) {
    case '"':  e = '"';  break;
    case '\\': e = '\\'; break;
    case '\b': e = 'b';  break;
    case '\f': e = 'f';  break;
    case '\n': e = 'n';  break;
    case '\r': e = 'r';  break;
    case '\t': e = 't';  break;
    default:
        out[0] = '\\';
        out[1] = 'u';
        out[2] = '0';
        out[3] = '0';
        out[4] = hex[c >> 4];
        out[5] = hex[c & 0x0Fu];
        return ESC_MAX;
    }
    out[0] = '\\';
    out[1] = e;
    return 2u;
}

herald_status_t herald_json_escape(herald_sink_fn sink, void *ctx, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    char esc[8u * ESC_MAX];
    size_t pending = 0u;    /* escaped bytes waiting in esc */
    size_t i = 0u;
    herald_status_t st;

    while (i < len) {
        size_t start = i;
        i += herald_json_clean_run(p + i, len - i);
        if (i > start) {
            if (pending > 0u) {
                st = sink(ctx, esc, pending);
                if (st != HERALD_OK) {
                    return st;
                }
                pending = 0u;
            }
            st = sink(ctx, s + start, i - start);
            if (st != HERALD_OK) {
                return st;
            }
        }
        if (i == len) {
            break;
        }
        if (sizeof esc - pending < ESC_MAX) {
            st = sink(ctx, esc, pending);
            if (st != HERALD_OK) {
                return st;
            }
            pending = 0u;
        }
        pending += herald_json_escape_one(p[i], esc + pending);
        i++;
    }
    return pending > 0u ? sink(ctx, esc, pending) : HERALD_OK;
}
