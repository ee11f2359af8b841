/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <string.h>
#include "herald/config.h"
#include "json_arena.h"
#include "json_check.h"

#define ALIGN 8u

/* uint64_t words, so every block starts 8-byte aligned; viewed as bytes. */
static uint64_t arena[(HERALD_JSON_ARENA_SIZE + ALIGN - 1u) / ALIGN];
static size_t arena_used;
static size_t arena_limit = HERALD_JSON_ARENA_SIZE; /* below a copy of the text, when one is kept */
static size_t arena_peak;
static int arena_exhausted;

static void *arena_malloc(size_t size)
{
    unsigned char *bytes = (unsigned char *)arena;
    size_t start = (arena_used + (ALIGN - 1u)) & ~((size_t)ALIGN - 1u);
    if (start > arena_limit || size > arena_limit - start) {
        arena_exhausted = 1;
        return NULL;
    }
    arena_used = start + size;
    if (arena_used + (HERALD_JSON_ARENA_SIZE - arena_limit) > arena_peak) {
        arena_peak = arena_used + (HERALD_JSON_ARENA_SIZE - arena_limit);
    }
    return &bytes[start];
}

static void arena_free(void *p)
{
    (void)p; /* released all at once by the next begin */
}

#if HERALD_JSON_STRICT
/* ---- numbers longer than cJSON reads ------------------------------------------
 * cJSON copies at most 63 characters of a number into a buffer of its own
 * and fails on the rest, so a valid document such as JSONTestSuite's
 * y_number_double_close_to_zero (an 81-character number) would be refused.
 * Such a document is parsed from a copy kept at the top of the arena, in
 * which every longer number is written again in e-notation, padded with
 * spaces: leading zeros go into the exponent, and digits past the 40th
 * significant one are dropped, so the value is the same to 40 significant
 * digits.  The double cJSON then reads is the correctly rounded one except
 * for a number within 1e-40 (relative) above a midpoint between two
 * doubles, where it can be one ulp lower: a midpoint can take hundreds of
 * digits, more than cJSON's 63 characters hold.  Herald reads no number
 * from the platform's answers; what matters is that a valid document is
 * read.  The exponent saturates at +-99999999, where every double is
 * infinite or zero anyway. */
#define KEEP_DIGITS 40u
#define EXP_MAX 99999999

static int num_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The length of the JSON number at s[0..n), or 0 if none starts there. */
static size_t number_len(const char *s, size_t n)
{
    size_t i = 0u;
    size_t d;
    if (i < n && s[i] == '-') {
        i++;
    }
    d = i;
    while (i < n && num_digit(s[i])) {
        i++;
    }
    if (i == d || (s[d] == '0' && i - d > 1u)) {
        return 0u;
    }
    if (i < n && s[i] == '.') {
        i++;
        d = i;
        while (i < n && num_digit(s[i])) {
            i++;
        }
        if (i == d) {
            return 0u;
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        d = i;
        while (i < n && num_digit(s[i])) {
            i++;
        }
        if (i == d) {
            return 0u;
        }
    }
    return i;
}

static size_t put_char(char *s, size_t o, char c)
{
    s[o] = c;
    return o + 1u;
}

/* Write the number s[0..n) (valid, n > HERALD_JSON_CJSON_NUMBER_MAX) again in place as
 * [-]d.ddd...e[-]x, then spaces. */
static void shorten(char *s, size_t n)
{
    char digits[KEEP_DIGITS];
    size_t nd = 0u;
    size_t i = 0u;
    size_t o = 0u;
    int64_t point = 0; /* the decimal point sits after this many of the digits */
    int64_t exp = 0;
    int neg = s[0] == '-';
    int seen = 0;        /* a nonzero digit was met */
    int in_frac = 0;
    i = (size_t)neg;
    for (; i < n && s[i] != 'e' && s[i] != 'E'; i++) {
        if (s[i] == '.') {
            in_frac = 1;
        } else if (!seen && s[i] == '0') {
            point -= in_frac; /* a leading zero: after the point it shifts the value */
        } else {
            seen = 1;
            point += !in_frac;
            if (nd < KEEP_DIGITS) {
                digits[nd] = s[i];
                nd++;
            }
        }
    }
    if (i < n) {
        int eneg;
        i++; /* past the e */
        eneg = s[i] == '-';
        i += (s[i] == '-' || s[i] == '+') ? 1u : 0u;
        for (; i < n; i++) {
            exp = exp < EXP_MAX ? exp * 10 + (s[i] - '0') : EXP_MAX;
        }
        exp = eneg ? -exp : exp;
    }
    if (neg) {
        o = put_char(s, o, '-');
    }
    if (nd == 0u) {
        o = put_char(s, o, '0');
    } else {
        char e[12];
        size_t ne = 0u;
        int64_t x = exp + point - 1;
        if (x > EXP_MAX) {
            x = EXP_MAX;
        } else if (x < -EXP_MAX) {
            x = -EXP_MAX;
        } else {
            /* in range */
        }
        o = put_char(s, o, digits[0]);
        if (nd > 1u) {
            o = put_char(s, o, '.');
            for (size_t k = 1u; k < nd; k++) {
                o = put_char(s, o, digits[k]);
            }
        }
        o = put_char(s, o, 'e');
        if (x < 0) {
            o = put_char(s, o, '-');
            x = -x;
        }
        do {
            e[ne] = (char)('0' + (int)(x % 10));
            ne++;
            x /= 10;
        } while (x > 0);
        while (ne > 0u) {
            ne--;
            o = put_char(s, o, e[ne]);
        }
    }
    while (o < n) {
        o = put_char(s, o, ' ');
    }
}

/* Shorten every number outside strings that cJSON could not read; returns
 * how many there were (with s NULL, only counts them in t). */
static size_t long_numbers(char *s, const char *t, size_t n)
{
    size_t found = 0u;
    size_t i = 0u;
    int in_string = 0;
    while (i < n) {
        size_t len;
        if (in_string) {
            in_string = t[i] != '"';
            i += t[i] == '\\' ? 2u : 1u;
        } else if (t[i] == '"') {
            in_string = 1;
            i++;
        } else if ((t[i] == '-' || num_digit(t[i])) && (len = number_len(t + i, n - i)) > 0u) {
            if (len > HERALD_JSON_CJSON_NUMBER_MAX) {
                found++;
                if (s != NULL) {
                    shorten(s + i, len);
                }
            }
            i += len;
        } else {
            i++;
        }
    }
    return found;
}

#endif

void herald_json_arena_begin(void)
{
    cJSON_Hooks hooks = { arena_malloc, arena_free };
    cJSON_InitHooks(&hooks);
    arena_used = 0u;
    arena_limit = HERALD_JSON_ARENA_SIZE;
    arena_exhausted = 0;
}

cJSON *herald_json_parse(const char *json, size_t len, int *exhausted)
{
    unsigned flags = 0u;
#if HERALD_JSON_STRICT
    if (json != NULL && long_numbers(NULL, json, len) > 0u) {
        flags = HERALD_JSON_LONG_NUMBER;
    }
#endif
    return herald_json_parse_checked(json, len, flags, exhausted);
}

cJSON *herald_json_parse_checked(const char *json, size_t len, unsigned flags, int *exhausted)
{
    const char *end = NULL;
    cJSON *root = NULL;
    herald_json_arena_begin();
#if HERALD_JSON_STRICT
    if (json != NULL && (flags & HERALD_JSON_LONG_NUMBER) != 0u) {
        /* a copy to shorten them in, at the top of the arena */
        if (len > HERALD_JSON_ARENA_SIZE / 2u) {
            arena_exhausted = 1;
            json = NULL;
        } else {
            char *copy = (char *)arena + (HERALD_JSON_ARENA_SIZE - len);
            arena_limit = (HERALD_JSON_ARENA_SIZE - len) & ~((size_t)ALIGN - 1u);
            (void)memcpy(copy, json, len);
            (void)long_numbers(copy, json, len);
            json = copy;
        }
    }
#else
    (void)flags; /* the long-number copy is part of the strict reader */
#endif
    if (json != NULL) {
        root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    }
    /* cJSON stops after the first value; anything but white space after it
     * means the document is not JSON. */
    if (root && end) {
        ptrdiff_t parsed = end - json;
        size_t off = (size_t)parsed;
        while (off < len && (json[off] == ' ' || json[off] == '\t' || json[off] == '\n' || json[off] == '\r')) {
            off++;
        }
        if (off < len) {
            root = NULL;
        }
    }
    if (exhausted) {
        *exhausted = arena_exhausted;
    }
    return root;
}

size_t herald_json_arena_peak(void)
{
    return arena_peak;
}

#if !HERALD_JSON_STRICT
size_t herald_json_depth(const char *json, size_t len)
{
    size_t depth = 0u;
    size_t max = 0u;
    int in_string = 0;
    size_t i = 0u;
    while (i < len) {
        char c = json[i];
        i++;
        if (in_string) {
            if (c == '\\') {
                i++; /* the escaped character cannot end the string */
            } else if (c == '"') {
                in_string = 0;
            } else {
                /* string content */
            }
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            depth++;
            max = depth > max ? depth : max;
        } else if ((c == ']' || c == '}') && depth > 0u) {
            depth--;
        } else {
            /* anything else does not nest */
        }
    }
    return max;
}
#endif
