/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

void fz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: invariant failed: %s\n", file, line, what);
    abort();
}

void *fz_dup(const void *p, size_t n)
{
    void *q = malloc(n > 0 ? n : 1);
    FZ_CHECK(q != NULL);
    if (n > 0) {
        memcpy(q, p, n);
    }
    return q;
}

int fz_status_in(int st, const int *set, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (set[i] == st) {
            return 1;
        }
    }
    return 0;
}

uint8_t fz_byte(fz_input_t *in)
{
    uint8_t b = 0;
    if (in->n > 0) {
        b = in->p[0];
        in->p++;
        in->n--;
    }
    return b;
}

herald_status_t fz_sink(void *ctx, const char *data, size_t len)
{
    fz_sink_t *s = ctx;
    if (s->len + len > s->cap) {
        size_t cap = (s->len + len) * 2 + 16;
        char *b = realloc(s->buf, cap);
        FZ_CHECK(b != NULL);
        s->buf = b;
        s->cap = cap;
    }
    if (len > 0) {
        memcpy(s->buf + s->len, data, len);
    }
    s->len += len;
    s->calls++;
    s->last_call = len;
    if (s->window > 0 && len < s->window) {
        s->short_calls++;
    }
    return HERALD_OK;
}

void fz_sink_free(fz_sink_t *s)
{
    free(s->buf);
    memset(s, 0, sizeof *s);
}

static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)s[i];
        h *= 16777619u;
    }
    return h;
}

static int str_same(herald_str_t a, herald_str_t b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* A view's bytes must lie inside the used part of the arena. */
static void check_inside(const herald_tcache_t *c, herald_str_t s)
{
    const uint8_t *p = (const uint8_t *)s.ptr;
    FZ_CHECK(p >= c->arena && p + s.len <= c->arena + c->used);
}

void fz_check_cache(herald_tcache_t *c)
{
    size_t total = 0;
    FZ_CHECK(c->used <= c->arena_size);
    FZ_CHECK(c->count <= HERALD_TCACHE_MAX_TEMPLATES);
    FZ_CHECK(herald_tcache_count(c) == c->count);
    for (size_t i = 0; i < c->count; i++) {
        herald_tview_t v;
        size_t size = 16, at_offset = 0;
        FZ_CHECK(herald_tcache_at(c, i, &v) == HERALD_OK);
        FZ_CHECK(i == 0 || c->index[i - 1].hash <= c->index[i].hash);
        FZ_CHECK(c->index[i].hash == fnv1a(v.key.ptr, v.key.len));
        FZ_CHECK(v.key.len >= 1 && v.key.len <= HERALD_NAME_MAX_LEN);
        FZ_CHECK(v.id.len <= HERALD_NAME_MAX_LEN);
        FZ_CHECK((unsigned)v.status <= HERALD_TSTATUS_ARCHIVED);
        FZ_CHECK(v.nvars <= HERALD_MAX_VARS);
        check_inside(c, v.key);
        check_inside(c, v.id);
        check_inside(c, v.push_title);
        check_inside(c, v.push_body);
        size += v.key.len + v.id.len + v.push_title.len + v.push_body.len;
        for (size_t j = 0; j < v.nvars; j++) {
            herald_tvar_t var, other;
            FZ_CHECK(herald_tview_var(&v, j, &var) == HERALD_OK);
            check_inside(c, var.name);
            FZ_CHECK(var.name.len >= 1 && var.name.len <= HERALD_NAME_MAX_LEN);
            FZ_CHECK((unsigned)var.type <= HERALD_VTYPE_ACTION);
            for (size_t k = 0; k < j; k++) {
                FZ_CHECK(herald_tview_var(&v, k, &other) == HERALD_OK);
                FZ_CHECK(!str_same(var.name, other.name));
            }
            size += 2 + var.name.len;
        }
        FZ_CHECK(herald_tview_var(&v, v.nvars, &(herald_tvar_t){ { NULL, 0 }, 0 }) == HERALD_E_INVALID_ARG);
        FZ_CHECK(size == c->index[i].size);
        /* Entries are packed: exactly one starts where each other one ends. */
        for (size_t j = 0; j < c->count; j++) {
            FZ_CHECK(j == i || c->index[j].offset != c->index[i].offset);
            if ((size_t)c->index[j].offset + c->index[j].size == c->index[i].offset) {
                at_offset++;
            }
        }
        FZ_CHECK(c->index[i].offset == 0 ? at_offset == 0 : at_offset == 1);
        for (size_t j = 0; j < i; j++) {
            herald_tview_t w;
            FZ_CHECK(herald_tcache_at(c, j, &w) == HERALD_OK);
            FZ_CHECK(!str_same(v.key, w.key));
        }
        total += c->index[i].size;
    }
    FZ_CHECK(total == c->used);
    /* Lookups last: they move the LRU stamps, nothing else. */
    for (size_t i = 0; i < c->count; i++) {
        herald_tview_t v, found;
        FZ_CHECK(herald_tcache_at(c, i, &v) == HERALD_OK);
        FZ_CHECK(herald_tcache_find(c, v.key, &found) == HERALD_OK);
        FZ_CHECK(found.key.ptr == v.key.ptr);
    }
}

static int same_view(const herald_tview_t *a, const herald_tview_t *b)
{
    if (!str_same(a->key, b->key) || !str_same(a->id, b->id) || a->status != b->status ||
        a->updated_at != b->updated_at || a->nvars != b->nvars || !str_same(a->push_title, b->push_title) ||
        !str_same(a->push_body, b->push_body)) {
        return 0;
    }
    for (size_t j = 0; j < a->nvars; j++) {
        herald_tvar_t va, vb;
        if (herald_tview_var(a, j, &va) != HERALD_OK || herald_tview_var(b, j, &vb) != HERALD_OK ||
            !str_same(va.name, vb.name) || va.type != vb.type) {
            return 0;
        }
    }
    return 1;
}

int fz_same_templates(const herald_tcache_t *a, const herald_tcache_t *b)
{
    if (herald_tcache_count(a) != herald_tcache_count(b)) {
        return 0;
    }
    for (size_t i = 0; i < herald_tcache_count(a); i++) {
        herald_tview_t va, vb;
        size_t j;
        FZ_CHECK(herald_tcache_at(a, i, &va) == HERALD_OK);
        for (j = 0; j < herald_tcache_count(b); j++) {
            FZ_CHECK(herald_tcache_at(b, j, &vb) == HERALD_OK);
            if (str_same(va.key, vb.key)) {
                break;
            }
        }
        if (j == herald_tcache_count(b) || !same_view(&va, &vb)) {
            return 0;
        }
    }
    return 1;
}

static int hex(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

long fz_json_string_decode(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c < 0x20) {
            return -1;
        }
        if (c != '\\') {
            out[o++] = (char)c;
            continue;
        }
        if (++i == n) {
            return -1;
        }
        switch (s[i]) {
        case '"':
            out[o++] = '"';
            break;
        case '\\':
            out[o++] = '\\';
            break;
        case '/':
            out[o++] = '/';
            break;
        case 'b':
            out[o++] = '\b';
            break;
        case 'f':
            out[o++] = '\f';
            break;
        case 'n':
            out[o++] = '\n';
            break;
        case 'r':
            out[o++] = '\r';
            break;
        case 't':
            out[o++] = '\t';
            break;
        case 'u': {
            int v = 0;
            if (n - i < 5) {
                return -1;
            }
            for (int k = 1; k <= 4; k++) {
                int d = hex(s[i + (size_t)k]);
                if (d < 0) {
                    return -1;
                }
                v = v * 16 + d;
            }
            if (v >= 0x80) {
                return -1;
            }
            out[o++] = (char)v;
            i += 4;
            break;
        }
        default:
            return -1;
        }
    }
    return (long)o;
}

void fz_check_round_trip(herald_tcache_t *c, size_t arena_size)
{
    fz_sink_t img = { 0 };
    herald_tcache_t back;
    uint8_t *back_arena = malloc(arena_size);
    size_t n = 0;
    FZ_CHECK(back_arena != NULL);
    fz_check_cache(c);
    FZ_CHECK(herald_timage_write(c, fz_sink, &img) == HERALD_OK);
    FZ_CHECK(herald_tcache_init(&back, back_arena, arena_size) == HERALD_OK);
    FZ_CHECK(herald_timage_load(&back, (const uint8_t *)img.buf, img.len, &n) == HERALD_OK);
    FZ_CHECK(n == herald_tcache_count(c));
    fz_check_cache(&back);
    FZ_CHECK(fz_same_templates(c, &back));
    fz_sink_free(&img);
    free(back_arena);
}
