/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the fuzz targets: a check that aborts (so libFuzzer keeps the
 * input), exact-size copies (so ASan sees every read past an input), and
 * invariants of the template cache and of JSON string bodies. */
#ifndef HERALD_FUZZ_UTIL_H
#define HERALD_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include "herald/template.h"

/* Abort with the failed condition when cond is false. */
#define FZ_CHECK(cond) ((cond) ? (void)0 : fz_fail(__FILE__, __LINE__, #cond))
void fz_fail(const char *file, int line, const char *what);

/* A heap copy of exactly n bytes (n 0 gives a 1-byte block, never read). */
void *fz_dup(const void *p, size_t n);

/* 1 when st is one of the n statuses in set. */
int fz_status_in(int st, const int *set, size_t n);

/* Reads input bytes front to back; past the end every read gives 0. */
typedef struct {
    const uint8_t *p;
    size_t n;
} fz_input_t;
uint8_t fz_byte(fz_input_t *in);

/* A sink (herald_sink_fn) that appends to a growing heap buffer; it also
 * records each call's length so a streaming producer's calls can be checked. */
typedef struct {
    char *buf;
    size_t len;
    size_t cap;
    size_t calls;
    size_t last_call;   /* length of the latest call */
    size_t short_calls; /* calls shorter than `window` */
    size_t window;      /* 0: do not count short calls */
} fz_sink_t;
herald_status_t fz_sink(void *ctx, const char *data, size_t len);
void fz_sink_free(fz_sink_t *s);

/* Every structural invariant of a cache: packed arena, sorted index, views
 * inside the arena, every key found again by find. */
void fz_check_cache(herald_tcache_t *c);

/* 1 when both caches hold the same templates (by content, not layout). */
int fz_same_templates(const herald_tcache_t *a, const herald_tcache_t *b);

/* A loaded cache: its invariants hold, and it survives a trip through the
 * binary image into a fresh cache of arena_size bytes unchanged. */
void fz_check_round_trip(herald_tcache_t *c, size_t arena_size);

/* Decode s[0..n) as the content of a JSON string (RFC 8259, strict: no raw
 * '"', '\\' only before a valid escape, no byte below 0x20).  Writes at most
 * n bytes to out; returns the decoded length, or -1 when s is not valid.
 * \u escapes are decoded only for code points below 0x80 (all the escaper
 * makes); others are refused, which the targets treat as invalid. */
long fz_json_string_decode(const char *s, size_t n, char *out);

#endif
