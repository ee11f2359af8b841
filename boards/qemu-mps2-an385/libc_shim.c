/* SPDX-License-Identifier: Apache-2.0 */
/* The few libc functions the libraries call that would otherwise bring in
 * newlib's heap, stdio and locale machinery (tens of KiB, and a malloc that
 * asks for _sbrk).  Nothing on this board allocates from a libc heap: the
 * agent has no heap, cJSON allocates from its arena through hooks, Mbed TLS
 * from its static heap.
 *   malloc & co.   cJSON.c names them in its default hooks: stand-ins that
 *                  stop the board loudly if anything ever calls them.
 *   strtod         cJSON's number parser: digits, fraction and exponent,
 *                  without newlib's arbitrary precision (which mallocs).
 *   sprintf, snprintf, sscanf("%lg")   cJSON's number printer and Mbed
 *                  TLS's OID and DN text, on the board's small formatter.
 *   exit           Mbed TLS's heap checker on a corrupted heap. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "board.h"

void *malloc(size_t n);
void free(void *p);
void *realloc(void *p, size_t n);
void *calloc(size_t n, size_t m);
double strtod(const char *s, char **end);
int sprintf(char *buf, const char *fmt, ...);
int snprintf(char *buf, size_t cap, const char *fmt, ...);
int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
int sscanf(const char *s, const char *fmt, ...);
void exit(int status);

void *malloc(size_t n)
{
    (void)n;
    board_fault("malloc called");
}

void free(void *p)
{
    if (p != NULL) {
        board_fault("free called");
    }
}

void *realloc(void *p, size_t n)
{
    (void)p;
    (void)n;
    board_fault("realloc called");
}

void *calloc(size_t n, size_t m)
{
    (void)n;
    (void)m;
    board_fault("calloc called");
}

void exit(int status)
{
    board_exit(status);
}

/* Good to the last bit or two of a double, which is all JSON numbers in the
 * platform's answers need (Herald reads them as strings or integers). */
double strtod(const char *s, char **end)
{
    const char *p = s;
    double v = 0.0, scale = 1.0;
    int neg = 0, digits = 0, exp = 0;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
        p++;
    }
    if (*p == '-' || *p == '+') {
        neg = *p++ == '-';
    }
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        v = v * 10.0 + (*p - '0');
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
            scale /= 10.0;
            v += (*p - '0') * scale;
        }
    }
    if (digits == 0) {
        if (end != NULL) {
            *end = (char *)(uintptr_t)s;
        }
        return 0.0;
    }
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        int eneg = 0;
        if (*q == '-' || *q == '+') {
            eneg = *q++ == '-';
        }
        if (*q >= '0' && *q <= '9') {
            for (; *q >= '0' && *q <= '9'; q++) {
                exp = exp < 10000 ? exp * 10 + (*q - '0') : exp;
            }
            exp = eneg ? -exp : exp;
            p = q;
        }
    }
    for (; exp > 0; exp--) {
        v *= 10.0;
    }
    for (; exp < 0; exp++) {
        v /= 10.0;
    }
    if (end != NULL) {
        *end = (char *)(uintptr_t)p;
    }
    return neg ? -v : v;
}

typedef struct {
    char *buf;
    size_t cap; /* 0: unbounded (sprintf) */
    size_t len;
} str_out_t;

static void str_out(void *ctx, const char *s, size_t len)
{
    str_out_t *o = ctx;
    for (size_t i = 0; i < len; i++, o->len++) {
        if (o->cap == 0u || o->len + 1u < o->cap) {
            o->buf[o->len] = s[i];
        }
    }
}

int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
    str_out_t o = { buf, cap, 0 };
    board_vformat(str_out, &o, fmt, ap);
    if (cap != 0u) {
        buf[o.len < cap ? o.len : cap - 1u] = '\0';
    }
    return (int)o.len;
}

int snprintf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

int sprintf(char *buf, const char *fmt, ...)
{
    str_out_t o = { buf, 0, 0 };
    va_list ap;
    va_start(ap, fmt);
    board_vformat(str_out, &o, fmt, ap);
    va_end(ap);
    buf[o.len] = '\0';
    return (int)o.len;
}

/* Only "%lg", the one conversion cJSON uses (to check a printed number). */
int sscanf(const char *s, const char *fmt, ...)
{
    va_list ap;
    char *end;
    int n = 0;
    va_start(ap, fmt);
    if (fmt[0] == '%' && fmt[1] == 'l' && fmt[2] == 'g' && fmt[3] == '\0') {
        double v = strtod(s, &end);
        if (end != s) {
            *va_arg(ap, double *) = v;
            n = 1;
        }
    }
    va_end(ap);
    return n;
}
