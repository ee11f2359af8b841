/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <string.h>
#include "herald/config.h"
#include "json_check.h"

#if HERALD_JSON_STRICT

typedef struct {
    const unsigned char *s;
    size_t len;
    size_t i;
    unsigned flags; /* HERALD_JSON_NUL, HERALD_JSON_LONG_NUMBER */
} cursor_t;

/* The byte at the cursor, or -1 at the end. */
static int peek(const cursor_t *c)
{
    return c->i < c->len ? (int)c->s[c->i] : -1;
}

/* RFC 8259 section 2: these four and nothing else (no NUL, form feed, NBSP). */
static void skip_ws(cursor_t *c)
{
    int ch = peek(c);
    while (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
        c->i++;
        ch = peek(c);
    }
}

static int is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

/* One or more digits; 0 when there is none. */
static int digits(cursor_t *c)
{
    size_t start = c->i;
    while (is_digit(peek(c))) {
        c->i++;
    }
    return c->i > start;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? : no leading zero, no bare
 * or trailing dot, no '+' sign, an exponent with digits. */
static int number(cursor_t *c)
{
    int ok;
    if (peek(c) == '-') {
        c->i++;
    }
    if (peek(c) == '0') {
        c->i++;
        ok = 1;
    } else {
        ok = digits(c);
    }
    if (ok && peek(c) == '.') {
        c->i++;
        ok = digits(c);
    }
    if (ok && (peek(c) == 'e' || peek(c) == 'E')) {
        c->i++;
        if (peek(c) == '+' || peek(c) == '-') {
            c->i++;
        }
        ok = digits(c);
    }
    return ok;
}

/* \uXXXX after the backslash and 'u': the code unit, or -1. */
static long hex4(cursor_t *c)
{
    static const char HEX[] = "0123456789abcdefABCDEF";
    long v = 0;
    for (int k = 0; k < 4; k++) {
        int ch = peek(c);
        const char *p = ch > 0 ? strchr(HEX, ch) : NULL;
        ptrdiff_t off;
        long d;
        if (p == NULL) {
            return -1;
        }
        off = p - HEX;
        d = (long)off;
        v = v * 16 + (d >= 16 ? d - 6 : d);
        c->i++;
    }
    return v;
}

static int is_low_surrogate(long u)
{
    return u >= 0xDC00 && u <= 0xDFFF;
}

/* After a high surrogate: an escaped low one, "\\uDC00".."\\uDFFF". */
static int low_surrogate_follows(cursor_t *c)
{
    if (peek(c) != '\\') {
        return 0;
    }
    c->i++;
    if (peek(c) != 'u') {
        return 0;
    }
    c->i++;
    return is_low_surrogate(hex4(c));
}

/* One escape, the cursor after its backslash.  A high surrogate must be
 * followed by an escaped low one; a low one alone is refused (cJSON refuses
 * both too: they are no Unicode character). */
static int escape(cursor_t *c)
{
    int ch = peek(c);
    long u;
    c->i++;
    if (ch > 0 && strchr("\"\\/bfnrt", ch) != NULL) {
        return 1;
    }
    if (ch != 'u') {
        return 0;
    }
    u = hex4(c);
    if (is_low_surrogate(u)) {
        return 0;
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
        return low_surrogate_follows(c);
    }
    if (u == 0) {
        c->flags |= HERALD_JSON_NUL;
    }
    return u >= 0;
}

/* A string, the cursor on its opening quote: no raw byte below 0x20 and
 * valid escapes.  Raw bytes that are not UTF-8 are let through: RFC 8259
 * (8.1) leaves them to the implementation (JSONTestSuite's i_ files), and
 * in a 2xx they sit in echoed fields while the notificationId beside them
 * is what must be read; whatever is printed of them is made valid UTF-8 by
 * herald_result_write_json. */
static int string(cursor_t *c)
{
    int ch;
    c->i++;
    ch = peek(c);
    while (ch != '"') {
        if (ch < 0x20) {
            return 0; /* the end, or a raw control character */
        }
        c->i++;
        if (ch == '\\' && !escape(c)) {
            return 0;
        }
        ch = peek(c);
    }
    c->i++;
    return 1;
}

static int word(cursor_t *c, const char *w)
{
    while (*w != '\0') {
        if (peek(c) != (int)(unsigned char)*w) {
            return 0;
        }
        c->i++;
        w++;
    }
    return 1;
}

static int scalar(cursor_t *c)
{
    int ch = peek(c);
    if (ch == '"') {
        return string(c);
    }
    if (ch == 't') {
        return word(c, "true");
    }
    if (ch == 'f') {
        return word(c, "false");
    }
    if (ch == 'n') {
        return word(c, "null");
    }
    if (ch == '-' || is_digit(ch)) {
        size_t start = c->i;
        int ok = number(c);
        if (c->i - start > HERALD_JSON_CJSON_NUMBER_MAX) {
            c->flags |= HERALD_JSON_LONG_NUMBER;
        }
        return ok;
    }
    return 0;
}

/* What comes next: a value, an object member's name, or what follows a
 * value (',' or the container's end). */
enum { WANT_VALUE, WANT_NAME, WANT_NEXT, DONE };

/* The cursor on '[' or '{' at *depth (below the limit): note its kind,
 * step in, and say what comes next; an empty container is closed here. */
static int open_container(cursor_t *c, uint32_t *objects, size_t *depth, int is_object)
{
    uint32_t bit = (uint32_t)1u << (*depth % 32u);
    objects[*depth / 32u] = is_object ? objects[*depth / 32u] | bit : objects[*depth / 32u] & ~bit;
    c->i++;
    skip_ws(c);
    if (peek(c) == (is_object ? '}' : ']')) {
        c->i++;
        return WANT_NEXT;
    }
    (*depth)++;
    return is_object ? WANT_NAME : WANT_VALUE;
}

/* The document's state: where the cursor is, how deep it is, and, bit d
 * of objects set, whether the container at depth d is an object. */
typedef struct {
    cursor_t c;
    uint32_t objects[(HERALD_JSON_MAX_DEPTH + 31) / 32];
    size_t depth;
} doc_t;

static int in_object(const doc_t *d)
{
    size_t k = d->depth - 1u;
    return d->depth > 0u && ((d->objects[k / 32u] >> (k % 32u)) & 1u) != 0u;
}

/* A value: a container is opened, a scalar read whole. */
static herald_status_t on_value(doc_t *d, int ch, int *want)
{
    if (ch != '[' && ch != '{') {
        *want = WANT_NEXT;
        return scalar(&d->c) ? HERALD_OK : HERALD_E_JSON_PARSE;
    }
    if (d->depth == (size_t)HERALD_JSON_MAX_DEPTH) {
        return HERALD_E_JSON_DEPTH;
    }
    *want = open_container(&d->c, d->objects, &d->depth, ch == '{');
    return HERALD_OK;
}

/* A member's name and its colon. */
static herald_status_t on_name(doc_t *d, int ch, int *want)
{
    if (ch != '"' || !string(&d->c)) {
        return HERALD_E_JSON_PARSE;
    }
    skip_ws(&d->c);
    *want = WANT_VALUE;
    return word(&d->c, ":") ? HERALD_OK : HERALD_E_JSON_PARSE;
}

/* After a value: the end of the text, a comma, or the container's end. */
static herald_status_t on_next(doc_t *d, int ch, int *want)
{
    int obj = in_object(d);
    if (d->depth == 0u) {
        *want = DONE; /* white space is skipped: only the end may follow */
    } else if (ch == ',') {
        d->c.i++;
        *want = obj ? WANT_NAME : WANT_VALUE;
    } else if (ch == (obj ? '}' : ']')) {
        d->c.i++;
        d->depth--;
    } else {
        return HERALD_E_JSON_PARSE;
    }
    return HERALD_OK;
}

herald_status_t herald_json_check(const char *json, size_t len, unsigned *flags)
{
    doc_t d;
    int want = WANT_VALUE;
    herald_status_t st = HERALD_OK;
    (void)memset(&d, 0, sizeof d);
    d.c.s = (const unsigned char *)json;
    d.c.len = json != NULL ? len : 0u;
    while (want != DONE && st == HERALD_OK) {
        int ch;
        skip_ws(&d.c);
        ch = peek(&d.c);
        if (want == WANT_VALUE) {
            st = on_value(&d, ch, &want);
        } else if (want == WANT_NAME) {
            st = on_name(&d, ch, &want);
        } else {
            st = on_next(&d, ch, &want);
        }
    }
    if (st == HERALD_OK && d.c.i != d.c.len) {
        st = HERALD_E_JSON_PARSE;
    }
    if (flags != NULL) {
        *flags = d.c.flags;
    }
    return st;
}

#else

herald_status_t herald_json_check(const char *json, size_t len, unsigned *flags)
{
    (void)json;
    (void)len;
    if (flags != NULL) {
        *flags = 0u;
    }
    return HERALD_OK;
}

#endif
