/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "herald/template.h"
#include "herald/le.h"
#include "crc32.h"
#include "span.h"
#include "template_priv.h"

/* Header: "HTPL", u16 version, u16 count, u32 payload length, u32 CRC-32 of
 * the payload.  Payload, per template: u8 status, i64 updated_at, u8 key_len,
 * key, u8 id_len, id, u8 nvars, nvars x (u8 name_len, name, u8 type),
 * u16 title_len, title, u16 body_len, body.  All little-endian. */
#define IMG_HDR 16u

static const char IMG_MAGIC[4] = { 'H', 'T', 'P', 'L' };

/* Every payload byte goes through a writer twice: once to count and
 * checksum it, once more to send it, so no buffer holds the image. */
typedef struct {
    uint32_t crc;
    uint32_t len;
} image_sum_t;

static herald_status_t prv_sum(void *ctx, const char *data, size_t n)
{
    image_sum_t *sum = ctx;
    sum->crc = herald_crc32(sum->crc, data, n);
    sum->len += (uint32_t)n;
    return HERALD_OK;
}

static void prv_emit_le(herald_sink_t *w, uint64_t v, size_t n)
{
    uint8_t b[8];
    herald_le_put(b, v, n);
    herald_sink_put(w, (const char *)b, n);
}

static void prv_emit_str(herald_sink_t *w, herald_str_t s, size_t len_bytes)
{
    prv_emit_le(w, s.len, len_bytes);
    herald_sink_put(w, s.ptr, s.len);
}

static void prv_emit_all(const herald_tcache_t *c, herald_sink_t *w)
{
    herald_tview_t v;
    herald_tvar_t var;
    for (size_t i = 0; i < herald_tcache_count(c) && herald_tcache_at(c, i, &v) == HERALD_OK; i++) {
        prv_emit_le(w, (uint64_t)v.status, 1);
        prv_emit_le(w, (uint64_t)v.updated_at, 8);
        prv_emit_str(w, v.key, 1);
        prv_emit_str(w, v.id, 1);
        prv_emit_le(w, v.nvars, 1);
        for (size_t j = 0; j < v.nvars && herald_tview_var(&v, j, &var) == HERALD_OK; j++) {
            prv_emit_str(w, var.name, 1);
            prv_emit_le(w, (uint64_t)var.type, 1);
        }
        prv_emit_str(w, v.push_title, 2);
        prv_emit_str(w, v.push_body, 2);
    }
}

herald_status_t herald_timage_write(const herald_tcache_t *c, herald_sink_fn sink, void *ctx)
{
    image_sum_t sum = { 0u, 0u };
    herald_sink_t w;
    uint8_t hdr[IMG_HDR];
    herald_status_t st;
    if (c == NULL || sink == NULL) {
        return HERALD_E_INVALID_ARG;
    }
    herald_sink_init(&w, prv_sum, &sum, NULL, 0u, 0u);
    prv_emit_all(c, &w);
    (void)memcpy(hdr, IMG_MAGIC, sizeof IMG_MAGIC);
    herald_le16_put(&hdr[4], HERALD_TIMAGE_VERSION);
    herald_le16_put(&hdr[6], (uint16_t)c->count);
    herald_le32_put(&hdr[8], sum.len);
    herald_le32_put(&hdr[12], sum.crc);
    st = sink(ctx, (const char *)hdr, sizeof hdr);
    if (st != HERALD_OK) {
        return st;
    }
    herald_sink_init(&w, sink, ctx, NULL, 0u, 0u);
    prv_emit_all(c, &w);
    return w.st;
}

typedef struct {
    const uint8_t *p;
    const uint8_t *end;
} reader_t;

/* n bytes from the reader, or NULL when fewer are left. */
static const uint8_t *prv_take(reader_t *r, size_t n)
{
    const uint8_t *p = r->p;
    ptrdiff_t left = r->end - r->p;
    if ((size_t)left < n) {
        return NULL;
    }
    r->p += n;
    return p;
}

static int prv_take_str(reader_t *r, size_t len_bytes, herald_str_t *out)
{
    const uint8_t *p = prv_take(r, len_bytes);
    if (p == NULL) {
        return 0;
    }
    out->len = (size_t)herald_le_get(p, len_bytes);
    out->ptr = (const char *)prv_take(r, out->len);
    return out->ptr != NULL;
}

static herald_status_t prv_record(reader_t *r, herald_template_t *t, herald_tvar_t *vars)
{
    const uint8_t *p = prv_take(r, 9);
    if (p == NULL || p[0] > HERALD_TSTATUS_ARCHIVED) {
        return HERALD_E_IMAGE_CORRUPT;
    }
    t->status = (herald_tstatus_t)p[0];
    t->updated_at = (int64_t)herald_le_get(&p[1], 8u);
    if (!prv_take_str(r, 1, &t->key) || !prv_take_str(r, 1, &t->id) || (p = prv_take(r, 1)) == NULL ||
        p[0] > HERALD_MAX_VARS) {
        return HERALD_E_IMAGE_CORRUPT;
    }
    t->nvars = p[0];
    t->vars = vars;
    for (size_t i = 0; i < t->nvars; i++) {
        if (!prv_take_str(r, 1, &vars[i].name) || (p = prv_take(r, 1)) == NULL ||
            p[0] > HERALD_VTYPE_ACTION) {
            return HERALD_E_IMAGE_CORRUPT;
        }
        vars[i].type = (herald_vtype_t)p[0];
    }
    if (!prv_take_str(r, 2, &t->push_title) || !prv_take_str(r, 2, &t->push_body)) {
        return HERALD_E_IMAGE_CORRUPT;
    }
    return HERALD_OK;
}

/* Check (insert 0) or insert (insert 1) every record of the payload. */
static herald_status_t prv_records(herald_tcache_t *c, const uint8_t *payload, size_t len, size_t count,
                                   int insert)
{
    herald_tvar_t vars[HERALD_MAX_VARS];
    herald_template_t t;
    reader_t r = { payload, payload + len };
    for (size_t i = 0; i < count; i++) {
        herald_status_t st = prv_record(&r, &t, vars);
        if (st == HERALD_OK) {
            st = insert ? herald_tcache_put(c, &t) : herald_tcache_validate(c, &t, NULL);
        }
        if (st == HERALD_E_INVALID_ARG) {
            return HERALD_E_IMAGE_CORRUPT; /* e.g. an empty key or a repeated variable */
        }
        if (st != HERALD_OK) {
            return st;
        }
    }
    return r.p == r.end ? HERALD_OK : HERALD_E_IMAGE_CORRUPT;
}

herald_status_t herald_timage_load(herald_tcache_t *c, const uint8_t *img, size_t len, size_t *loaded)
{
    size_t count;
    size_t plen;
    herald_status_t st;
    if (loaded != NULL) {
        *loaded = 0;
    }
    if (c == NULL || (img == NULL && len > 0u)) {
        return HERALD_E_INVALID_ARG;
    }
    /* A short buffer that is not even a prefix of the magic is not an image. */
    if (len > 0u && memcmp(img, IMG_MAGIC, len < sizeof IMG_MAGIC ? len : sizeof IMG_MAGIC) != 0) {
        return HERALD_E_IMAGE_MAGIC;
    }
    if (len < IMG_HDR) {
        return HERALD_E_IMAGE_TRUNCATED;
    }
    if (herald_le16_get(&img[4]) != HERALD_TIMAGE_VERSION) {
        return HERALD_E_IMAGE_VERSION;
    }
    count = herald_le16_get(&img[6]);
    plen = herald_le32_get(&img[8]);
    if (plen > len - IMG_HDR) {
        return HERALD_E_IMAGE_TRUNCATED;
    }
    if (herald_crc32(0u, &img[IMG_HDR], plen) != herald_le32_get(&img[12])) {
        return HERALD_E_IMAGE_CORRUPT;
    }
    st = prv_records(c, &img[IMG_HDR], plen, count, 0);
    if (st == HERALD_OK) {
        st = prv_records(c, &img[IMG_HDR], plen, count, 1);
    }
    if (st == HERALD_OK && loaded != NULL) {
        *loaded = count;
    }
    return st;
}
