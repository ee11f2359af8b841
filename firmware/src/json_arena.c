/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <string.h>
#include "herald/config.h"
#include "json_arena.h"
#include "json_check.h"
#include "span.h"

#define ALIGN 8u
#define ARENA_BYTES ((size_t)HERALD_JSON_ARENA_SIZE)

/* The arena cJSON's hooks allocate from, set for the length of one parse
 * only: cJSON's hooks are process-wide and take no context. */
static herald_json_arena_t *current;

static void *arena_malloc(size_t size)
{
    herald_json_arena_t *a = current;
    unsigned char *bytes;
    size_t start;
    if (a == NULL) {
        return NULL; /* not reached: the hooks are set only while a is */
    }
    bytes = (unsigned char *)a->words_;
    start = (a->used_ + (ALIGN - 1u)) & ~((size_t)ALIGN - 1u);
    if (start > a->limit_ || size > a->limit_ - start) {
        a->exhausted_ = 1;
        return NULL;
    }
    a->used_ = start + size;
    if (a->used_ + (ARENA_BYTES - a->limit_) > a->peak_) {
        a->peak_ = a->used_ + (ARENA_BYTES - a->limit_);
    }
    return &bytes[start];
}

static void arena_free(void *p)
{
    (void)p; /* released all at once by the next parse */
}

void herald_json_arena_init(herald_json_arena_t *a)
{
    a->used_ = 0u;
    a->limit_ = ARENA_BYTES;
    a->peak_ = 0u;
    a->exhausted_ = 0;
}

size_t herald_json_arena_peak(const herald_json_arena_t *a)
{
    return a->peak_;
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

/* Past the digits from s[i]. */
static size_t digits_end(const char *s, size_t n, size_t i)
{
    while (i < n && num_digit(s[i])) {
        i++;
    }
    return i;
}

/* Past an optional "." with digits, or an exponent "e[+-]digits", at s[i]:
 * i itself when the part is absent, 0 when it is there without digits. */
static size_t fraction_end(const char *s, size_t n, size_t i)
{
    size_t d;
    if (i >= n || s[i] != '.') {
        return i;
    }
    d = i + 1u;
    i = digits_end(s, n, d);
    return i == d ? 0u : i;
}

static size_t exponent_end(const char *s, size_t n, size_t i)
{
    size_t d;
    if (i >= n || (s[i] != 'e' && s[i] != 'E')) {
        return i;
    }
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        i++;
    }
    d = i;
    i = digits_end(s, n, d);
    return i == d ? 0u : i;
}

/* The length of the JSON number at s[0..n), or 0 if none starts there. */
static size_t number_len(const char *s, size_t n)
{
    size_t d = 0u;
    size_t i;
    if (n > 0u && s[0] == '-') {
        d = 1u;
    }
    i = digits_end(s, n, d);
    if (i == d || (s[d] == '0' && i - d > 1u)) {
        return 0u;
    }
    i = fraction_end(s, n, i);
    return i == 0u ? 0u : exponent_end(s, n, i);
}

static size_t put_char(char *s, size_t o, char c)
{
    s[o] = c;
    return o + 1u;
}

/* The significant digits of a number, the first KEEP_DIGITS of them. */
typedef struct {
    char digits[KEEP_DIGITS];
    size_t nd;
    int64_t point; /* the decimal point sits after this many of the digits */
} mantissa_t;

/* Read the digits from s[i] up to an 'e' or the end; returns where it stopped. */
static size_t read_mantissa(const char *s, size_t n, size_t i, mantissa_t *m)
{
    int seen = 0; /* a nonzero digit was met */
    int in_frac = 0;
    m->nd = 0u;
    m->point = 0;
    for (; i < n && s[i] != 'e' && s[i] != 'E'; i++) {
        if (s[i] == '.') {
            in_frac = 1;
        } else if (!seen && s[i] == '0') {
            m->point -= in_frac; /* a leading zero: after the point it shifts the value */
        } else {
            seen = 1;
            m->point += !in_frac;
            if (m->nd < KEEP_DIGITS) {
                m->digits[m->nd] = s[i];
                m->nd++;
            }
        }
    }
    return i;
}

/* The exponent whose 'e' is at s[i] (0 when i is the end), saturated. */
static int64_t read_exponent(const char *s, size_t n, size_t i)
{
    int64_t exp = 0;
    int neg;
    if (i >= n) {
        return 0;
    }
    i++; /* past the e */
    neg = s[i] == '-';
    i += (s[i] == '-' || s[i] == '+') ? 1u : 0u;
    for (; i < n; i++) {
        exp = exp < EXP_MAX ? exp * 10 + (s[i] - '0') : EXP_MAX;
    }
    return neg ? -exp : exp;
}

/* d.ddd...e[-]x from the mantissa and the exponent, at s[o]. */
static size_t put_scientific(char *s, size_t o, const mantissa_t *m, int64_t exp)
{
    char e[HERALD_U64_DIGITS];
    const char *p;
    int64_t x = exp + m->point - 1;
    x = x > EXP_MAX ? EXP_MAX : (x < -EXP_MAX ? -EXP_MAX : x);
    o = put_char(s, o, m->digits[0]);
    if (m->nd > 1u) {
        o = put_char(s, o, '.');
        for (size_t k = 1u; k < m->nd; k++) {
            o = put_char(s, o, m->digits[k]);
        }
    }
    o = put_char(s, o, 'e');
    if (x < 0) {
        o = put_char(s, o, '-');
        x = -x;
    }
    for (p = herald_u64_digits(e + sizeof e, (uint64_t)x); p < e + sizeof e; p++) {
        o = put_char(s, o, *p);
    }
    return o;
}

/* Write the number s[0..n) (valid, n > HERALD_JSON_CJSON_NUMBER_MAX) again in place as
 * [-]d.ddd...e[-]x, then spaces. */
static void shorten(char *s, size_t n)
{
    mantissa_t m;
    int neg = s[0] == '-';
    size_t i = read_mantissa(s, n, (size_t)neg, &m);
    int64_t exp = read_exponent(s, n, i);
    size_t o = 0u;
    if (neg) {
        o = put_char(s, o, '-');
    }
    if (m.nd == 0u) {
        o = put_char(s, o, '0');
    } else {
        o = put_scientific(s, o, &m, exp);
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

cJSON *herald_json_parse(herald_json_arena_t *a, const char *json, size_t len, int *exhausted)
{
    unsigned flags = 0u;
#if HERALD_JSON_STRICT
    if (json != NULL && long_numbers(NULL, json, len) > 0u) {
        flags = HERALD_JSON_LONG_NUMBER;
    }
#endif
    return herald_json_parse_checked(a, json, len, flags, exhausted);
}

#if HERALD_JSON_STRICT
/* A copy of the text at the top of the arena, its long numbers shortened;
 * NULL when the arena cannot hold it beside a tree. */
static const char *long_number_copy(herald_json_arena_t *a, const char *json, size_t len)
{
    char *copy;
    if (len > ARENA_BYTES / 2u) {
        a->exhausted_ = 1;
        return NULL;
    }
    copy = (char *)a->words_ + (ARENA_BYTES - len);
    a->limit_ = (ARENA_BYTES - len) & ~((size_t)ALIGN - 1u);
    (void)memcpy(copy, json, len);
    (void)long_numbers(copy, json, len);
    return copy;
}
#endif

/* cJSON stops after the first value; anything but white space after it
 * means the document is not JSON. */
static int only_space_after(const char *json, size_t len, const char *end)
{
    ptrdiff_t parsed = end - json;
    size_t off = (size_t)parsed;
    while (off < len && (json[off] == ' ' || json[off] == '\t' || json[off] == '\n' || json[off] == '\r')) {
        off++;
    }
    return off == len;
}

cJSON *herald_json_parse_checked(herald_json_arena_t *a, const char *json, size_t len, unsigned flags,
                                 int *exhausted)
{
    cJSON_Hooks hooks = { arena_malloc, arena_free };
    const char *end = NULL;
    cJSON *root = NULL;
    a->used_ = 0u;
    a->limit_ = ARENA_BYTES;
    a->exhausted_ = 0;
#if HERALD_JSON_STRICT
    if (json != NULL && (flags & HERALD_JSON_LONG_NUMBER) != 0u) {
        json = long_number_copy(a, json, len);
    }
#else
    (void)flags; /* the long-number copy is part of the strict reader */
#endif
    if (json != NULL) {
        current = a;
        cJSON_InitHooks(&hooks);
        root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
        cJSON_InitHooks(NULL); /* cJSON's own allocator again: see herald/json_arena.h */
        current = NULL;
    }
    if (root && end && !only_space_after(json, len, end)) {
        root = NULL;
    }
    if (exhausted) {
        *exhausted = a->exhausted_;
    }
    return root;
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
