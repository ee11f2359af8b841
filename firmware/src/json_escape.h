/* SPDX-License-Identifier: Apache-2.0 */
/* The one JSON string escaper, shared by the renderer, the request writer and
 * the result writer, over the sink writer of span.h. */
#ifndef HERALD_JSON_ESCAPE_H
#define HERALD_JSON_ESCAPE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "herald/types.h"
#include "span.h"

/* Write s[0..len) to w as the content of a JSON string (RFC 8259), without
 * the quotes: '"' -> \", '\\' -> \\, \b \f \n \r \t, other bytes below 0x20
 * -> \u00xx (lowercase hex); everything else, 0x7F and UTF-8 included, passes
 * through.  Runs that need no escaping are put whole, so the writer's policy
 * decides whether they are staged or go straight from s. */
void herald_json_put_escaped(herald_sink_t *w, const char *s, size_t len);

/* The same between quotes: the one writer of a quoted JSON string
 * (herald_json_write_string, in request.h, is this over a bare sink). */
void herald_json_put_string(herald_sink_t *w, const char *s, size_t len);

/* The pieces, for writers that escape into their own buffer: how many bytes
 * from p need no escape (up to len), and the escape of one byte that does,
 * written to out (room for 6), returning its length (2 or 6).  The scan is
 * inline: it runs once per string of every request body. */
static inline int herald_json_needs_escape(unsigned char c)
{
    return c < 0x20u || c == '"' || c == '\\';
}

/* Four bytes are tested at a time with word arithmetic: most text needs no
 * escape, and this scan is the hot loop of every request body. */
static inline size_t herald_json_clean_run(const unsigned char *p, size_t len)
{
    const uint32_t ones = 0x01010101u;
    const uint32_t highs = 0x80808080u;
    size_t i = 0u;
    while (len - i >= 4u) {
        uint32_t w;
        uint32_t q;
        uint32_t b;
        uint32_t lt;
        (void)memcpy(&w, p + i, sizeof w);
        lt = (w - ones * 0x20u) & ~w & highs; /* a byte below 0x20 */
        q = w ^ (ones * 0x22u);               /* a '"' becomes 0 */
        b = w ^ (ones * 0x5Cu);               /* a '\\' becomes 0 */
        q = (q - ones) & ~q & highs;
        b = (b - ones) & ~b & highs;
        if ((lt | q | b) != 0u) {
            break; /* exact when zero; a hit is located byte by byte below */
        }
        i += 4u;
    }
    while (i < len && !herald_json_needs_escape(p[i])) {
        i++;
    }
    return i;
}

size_t herald_json_escape_one(unsigned char c, char *out);

/* The longest escape herald_json_escape_one writes: \u00xx. */
#define HERALD_JSON_ESC_MAX 6u

#endif
