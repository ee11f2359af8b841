/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include "utf8.h"

/* RFC 3629 section 4, by lead byte: how many continuation bytes follow, and
 * the second byte's range, which is what rules out overlong forms (E0, F0),
 * surrogates (ED) and code points above U+10FFFF (F4). */
typedef struct {
    uint8_t first;
    uint8_t last;
    uint8_t more;
    uint8_t lo;
    uint8_t hi;
} lead_t;

/* The row for lead byte c, or NULL: a continuation byte, C0, C1 or F5..FF. */
static const lead_t *lead_of(unsigned c)
{
    static const lead_t LEADS[] = {
        { 0xC2u, 0xDFu, 1u, 0x80u, 0xBFu }, { 0xE0u, 0xE0u, 2u, 0xA0u, 0xBFu },
        { 0xE1u, 0xECu, 2u, 0x80u, 0xBFu }, { 0xEDu, 0xEDu, 2u, 0x80u, 0x9Fu },
        { 0xEEu, 0xEFu, 2u, 0x80u, 0xBFu }, { 0xF0u, 0xF0u, 3u, 0x90u, 0xBFu },
        { 0xF1u, 0xF3u, 3u, 0x80u, 0xBFu }, { 0xF4u, 0xF4u, 3u, 0x80u, 0x8Fu },
    };
    for (size_t k = 0u; k < sizeof LEADS / sizeof LEADS[0]; k++) {
        if (c >= LEADS[k].first && c <= LEADS[k].last) {
            return &LEADS[k];
        }
    }
    return NULL;
}

static int is_continuation(unsigned char c)
{
    return (c & 0xC0u) == 0x80u;
}

size_t herald_utf8_seq(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    const lead_t *l;

    if (len == 0u || p[0] == 0u) {
        return 0u;
    }
    if (p[0] < 0x80u) {
        return 1u;
    }
    l = lead_of(p[0]);
    if (!l || len - 1u < l->more || p[1] < l->lo || p[1] > l->hi) {
        return 0u;
    }
    for (size_t k = 2u; k <= l->more; k++) {
        if (!is_continuation(p[k])) {
            return 0u;
        }
    }
    return (size_t)l->more + 1u;
}

int herald_utf8_valid(const char *s, size_t len)
{
    size_t i = 0u;

    if (!s) {
        return len == 0u;
    }
    while (i < len) {
        size_t n = herald_utf8_seq(s + i, len - i);
        if (n == 0u) {
            return 0;
        }
        i += n;
    }
    return 1;
}

/* Bytes of the sequence lead byte c starts, judged by its high bits alone. */
static size_t lead_len(unsigned char c)
{
    size_t need = 1u;
    if (c >= 0xC0u) {
        need = 2u;
    }
    if (c >= 0xE0u) {
        need = 3u;
    }
    if (c >= 0xF0u) {
        need = 4u;
    }
    return need;
}

size_t herald_utf8_cut(const char *s, size_t n)
{
    size_t lead = n;
    while (lead > 0u && n - lead < 3u && is_continuation((unsigned char)s[lead - 1u])) {
        lead--;
    }
    if (lead == 0u) {
        return n;
    }
    lead--;
    return lead + lead_len((unsigned char)s[lead]) > n ? lead : n;
}
