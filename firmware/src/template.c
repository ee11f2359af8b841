/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "herald/le.h"
#include "herald/template.h"
#include "fnv.h"
#include "template_priv.h"

/* An entry in the arena, little-endian and read byte by byte (no alignment):
 *    0  u8   status
 *    1  i64  updated_at
 *    9  u8   key_len
 *   10  u8   id_len
 *   11  u8   nvars
 *   12  u16  title_len
 *   14  u16  body_len
 *   16  key, id, title, body, then nvars x (u8 name_len, name, u8 type)
 * Title and body come before the variable table so that a view is made in
 * O(1); only herald_tview_var walks the table. */
#define ENTRY_HDR 16u
#define VAR_OVERHEAD 2u

static int prv_str_ok(herald_str_t s, size_t max)
{
    return s.len <= max && (s.ptr != NULL || s.len == 0u);
}

static int prv_str_same(herald_str_t a, herald_str_t b)
{
    return a.len == b.len && (a.len == 0u || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* The template's own fields, its variables aside. */
static int prv_fields_ok(const herald_template_t *t)
{
    return t->key.len > 0u && prv_str_ok(t->key, HERALD_NAME_MAX_LEN) &&
           prv_str_ok(t->id, HERALD_NAME_MAX_LEN) && (unsigned)t->status <= HERALD_TSTATUS_ARCHIVED &&
           t->nvars <= HERALD_MAX_VARS && (t->nvars == 0u || t->vars != NULL) &&
           prv_str_ok(t->push_title, SIZE_MAX) && prv_str_ok(t->push_body, SIZE_MAX);
}

/* Variable i: a name that is set, fits and comes first, and a known type. */
static int prv_var_ok(const herald_template_t *t, size_t i)
{
    const herald_tvar_t *v = &t->vars[i];
    if (v->name.len == 0u || !prv_str_ok(v->name, HERALD_NAME_MAX_LEN) ||
        (unsigned)v->type > HERALD_VTYPE_ACTION) {
        return 0;
    }
    for (size_t j = 0; j < i; j++) {
        if (prv_str_same(v->name, t->vars[j].name)) {
            return 0;
        }
    }
    return 1;
}

herald_status_t herald_tcache_validate(const herald_tcache_t *c, const herald_template_t *t, size_t *size)
{
    size_t need;
    if (c == NULL || t == NULL || !prv_fields_ok(t)) {
        return HERALD_E_INVALID_ARG;
    }
    need = ENTRY_HDR + t->key.len + t->id.len;
    for (size_t i = 0; i < t->nvars; i++) {
        if (!prv_var_ok(t, i)) {
            return HERALD_E_INVALID_ARG;
        }
        need += VAR_OVERHEAD + t->vars[i].name.len;
    }
    /* Compared one at a time so the sum cannot overflow. */
    if (t->push_title.len > c->arena_size || t->push_body.len > c->arena_size) {
        return HERALD_E_CACHE_FULL;
    }
    need += t->push_title.len + t->push_body.len;
    if (need > c->arena_size) {
        return HERALD_E_CACHE_FULL;
    }
    if (size != NULL) {
        *size = need;
    }
    return HERALD_OK;
}

static void prv_pack(uint8_t *p, const herald_template_t *t)
{
    p[0] = (uint8_t)t->status;
    herald_le_put(&p[1], (uint64_t)t->updated_at, 8u);
    p[9] = (uint8_t)t->key.len;
    p[10] = (uint8_t)t->id.len;
    p[11] = (uint8_t)t->nvars;
    herald_le16_put(&p[12], (uint16_t)t->push_title.len);
    herald_le16_put(&p[14], (uint16_t)t->push_body.len);
    p += ENTRY_HDR;
    if (t->key.len > 0u) {
        (void)memcpy(p, t->key.ptr, t->key.len);
        p += t->key.len;
    }
    if (t->id.len > 0u) {
        (void)memcpy(p, t->id.ptr, t->id.len);
        p += t->id.len;
    }
    if (t->push_title.len > 0u) {
        (void)memcpy(p, t->push_title.ptr, t->push_title.len);
        p += t->push_title.len;
    }
    if (t->push_body.len > 0u) {
        (void)memcpy(p, t->push_body.ptr, t->push_body.len);
        p += t->push_body.len;
    }
    for (size_t i = 0; i < t->nvars; i++) {
        *p = (uint8_t)t->vars[i].name.len;
        p++;
        (void)memcpy(p, t->vars[i].name.ptr, t->vars[i].name.len);
        p += t->vars[i].name.len;
        *p = (uint8_t)t->vars[i].type;
        p++;
    }
}

static void prv_view(const herald_tcache_t *c, size_t i, herald_tview_t *out)
{
    const uint8_t *p = c->arena + c->index[i].offset;
    const char *s = (const char *)(p + ENTRY_HDR);
    out->status = (herald_tstatus_t)p[0];
    out->updated_at = (int64_t)herald_le_get(&p[1], 8u);
    out->key.ptr = s;
    out->key.len = p[9];
    s += out->key.len;
    out->id.ptr = s;
    out->id.len = p[10];
    s += out->id.len;
    out->nvars = p[11];
    out->push_title.ptr = s;
    out->push_title.len = herald_le16_get(&p[12]);
    s += out->push_title.len;
    out->push_body.ptr = s;
    out->push_body.len = herald_le16_get(&p[14]);
    s += out->push_body.len;
    out->vars_ = (const uint8_t *)s;
}

static herald_str_t prv_key_at(const herald_tcache_t *c, size_t i)
{
    const uint8_t *p = c->arena + c->index[i].offset;
    herald_str_t k = { (const char *)(p + ENTRY_HDR), p[9] };
    return k;
}

/* First index position whose hash is not below h. */
static size_t prv_lower_bound(const herald_tcache_t *c, uint32_t h)
{
    size_t lo = 0;
    size_t hi = c->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2u;
        if (c->index[mid].hash < h) {
            lo = mid + 1u;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Equal hashes sit next to each other, so a collision costs a short scan. */
static int prv_lookup(const herald_tcache_t *c, herald_str_t key, uint32_t h, size_t *at)
{
    for (size_t i = prv_lower_bound(c, h); i < c->count && c->index[i].hash == h; i++) {
        if (prv_str_same(prv_key_at(c, i), key)) {
            *at = i;
            return 1;
        }
    }
    return 0;
}

/* Before the 32-bit clock wraps, restamp every entry with its rank (1..count)
 * so the LRU order survives; this happens once per 2^32 uses. */
static void prv_renumber(herald_tcache_t *c)
{
    uint8_t rank[HERALD_TCACHE_MAX_TEMPLATES];
    for (size_t i = 0; i < c->count; i++) {
        size_t r = 1;
        for (size_t j = 0; j < c->count; j++) {
            if (c->index[j].last_used < c->index[i].last_used ||
                (j < i && c->index[j].last_used == c->index[i].last_used)) {
                r++;
            }
        }
        rank[i] = (uint8_t)r;
    }
    for (size_t i = 0; i < c->count; i++) {
        c->index[i].last_used = rank[i];
    }
    c->clock = (uint32_t)c->count;
}

static uint32_t prv_tick(herald_tcache_t *c)
{
    if (c->clock == UINT32_MAX) {
        prv_renumber(c);
    }
    return ++c->clock;
}

/* Drop entry i: close the gap in the arena and shift the later offsets. */
static void prv_remove_at(herald_tcache_t *c, size_t i)
{
    size_t off = c->index[i].offset;
    size_t sz = c->index[i].size;
    (void)memmove(c->arena + off, c->arena + off + sz, c->used - off - sz);
    c->used -= sz;
    for (size_t j = 0; j < c->count; j++) {
        if (c->index[j].offset > off) {
            c->index[j].offset = (uint16_t)(c->index[j].offset - sz);
        }
    }
    (void)memmove(&c->index[i], &c->index[i + 1u], (c->count - i - 1u) * sizeof c->index[0]);
    c->count--;
}

static size_t prv_lru(const herald_tcache_t *c)
{
    size_t oldest = 0;
    for (size_t i = 1; i < c->count; i++) {
        if (c->index[i].last_used < c->index[oldest].last_used) {
            oldest = i;
        }
    }
    return oldest;
}

herald_status_t herald_tcache_init(herald_tcache_t *c, void *arena, size_t arena_size)
{
    if (c == NULL || arena == NULL || arena_size == 0u || arena_size > 65535u) {
        return HERALD_E_INVALID_ARG;
    }
    (void)memset(c, 0, sizeof *c);
    c->arena = arena;
    c->arena_size = arena_size;
    return HERALD_OK;
}

herald_status_t herald_tcache_put(herald_tcache_t *c, const herald_template_t *t)
{
    size_t size = 0;
    size_t at;
    uint32_t h;
    uint32_t stamp;
    herald_status_t st = herald_tcache_validate(c, t, &size);
    if (st != HERALD_OK) {
        return st;
    }
    h = herald_fnv1a32(t->key.ptr, t->key.len);
    if (prv_lookup(c, t->key, h, &at)) {
        prv_remove_at(c, at);
    }
    while (c->count >= HERALD_TCACHE_MAX_TEMPLATES || c->arena_size - c->used < size) {
        prv_remove_at(c, prv_lru(c));
        c->evictions++;
    }
    prv_pack(c->arena + c->used, t);
    stamp = prv_tick(c);
    /* After any equal hashes, so insertion order is kept among collisions. */
    at = prv_lower_bound(c, h);
    while (at < c->count && c->index[at].hash == h) {
        at++;
    }
    (void)memmove(&c->index[at + 1u], &c->index[at], (c->count - at) * sizeof c->index[0]);
    c->index[at].hash = h;
    c->index[at].offset = (uint16_t)c->used;
    c->index[at].size = (uint16_t)size;
    c->index[at].last_used = stamp;
    c->used += size;
    c->count++;
    return HERALD_OK;
}

herald_status_t herald_tcache_find(herald_tcache_t *c, herald_str_t key, herald_tview_t *out)
{
    size_t at;
    if (c == NULL || (key.ptr == NULL && key.len > 0u)) {
        return HERALD_E_INVALID_ARG;
    }
    if (!prv_lookup(c, key, herald_fnv1a32(key.ptr, key.len), &at)) {
        return HERALD_E_TEMPLATE_UNKNOWN;
    }
    c->index[at].last_used = prv_tick(c);
    if (out != NULL) {
        prv_view(c, at, out);
    }
    return HERALD_OK;
}

herald_status_t herald_tcache_find_id(herald_tcache_t *c, herald_str_t id, herald_tview_t *out)
{
    herald_tview_t v;
    if (c == NULL || (id.ptr == NULL && id.len > 0u)) {
        return HERALD_E_INVALID_ARG;
    }
    for (size_t i = 0; id.len > 0u && i < c->count; i++) {
        prv_view(c, i, &v);
        if (prv_str_same(v.id, id)) {
            c->index[i].last_used = prv_tick(c);
            if (out != NULL) {
                *out = v;
            }
            return HERALD_OK;
        }
    }
    return HERALD_E_TEMPLATE_UNKNOWN;
}

herald_status_t herald_tcache_remove(herald_tcache_t *c, herald_str_t key)
{
    size_t at;
    if (c == NULL || (key.ptr == NULL && key.len > 0u)) {
        return HERALD_E_INVALID_ARG;
    }
    if (!prv_lookup(c, key, herald_fnv1a32(key.ptr, key.len), &at)) {
        return HERALD_E_TEMPLATE_UNKNOWN;
    }
    prv_remove_at(c, at);
    return HERALD_OK;
}

size_t herald_tcache_count(const herald_tcache_t *c)
{
    return c != NULL ? c->count : 0u;
}

herald_status_t herald_tcache_at(const herald_tcache_t *c, size_t i, herald_tview_t *out)
{
    if (c == NULL || out == NULL || i >= c->count) {
        return HERALD_E_INVALID_ARG;
    }
    prv_view(c, i, out);
    return HERALD_OK;
}

herald_status_t herald_tview_var(const herald_tview_t *v, size_t i, herald_tvar_t *out)
{
    const uint8_t *p;
    if (v == NULL || out == NULL || i >= v->nvars) {
        return HERALD_E_INVALID_ARG;
    }
    p = v->vars_;
    while (i-- > 0u) {
        p += (size_t)p[0] + VAR_OVERHEAD;
    }
    out->name.ptr = (const char *)(p + 1);
    out->name.len = p[0];
    out->type = (herald_vtype_t)p[1u + p[0]];
    return HERALD_OK;
}
