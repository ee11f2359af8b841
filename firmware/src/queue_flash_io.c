/* SPDX-License-Identifier: Apache-2.0 */
/* Flash queue: flash access, sector headers and tails, and reading one
 * record slot (the layout is in queue_flash_priv.h). */
#include <string.h>
#include "herald/le.h"
#include "crc32.h"
#include "queue_flash_priv.h"

const uint8_t herald_fq_zeros[16];

int herald_fq_all_are(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != v) {
            return 0;
        }
    }
    return 1;
}

/* A mark is set when more than half of its bits are 0 (see the priv header). */
static int mark_set(const uint8_t *p, uint32_t n)
{
    uint32_t zero_bits = 0u;
    for (uint32_t i = 0u; i < n; i++) {
        for (uint32_t v = p[i]; v != 0u; v &= v - 1u) {
            zero_bits++; /* counts the ones here... */
        }
    }
    zero_bits = 8u * n - zero_bits; /* ...so this is the zeros */
    return zero_bits > 4u * n;
}

herald_status_t herald_fq_rd(const herald_flash_queue_t *q, uint32_t addr, void *buf, size_t len)
{
    return q->flash->read(q->flash->ctx, addr, buf, len) == 0 ? HERALD_OK : HERALD_E_FLASH;
}

herald_status_t herald_fq_prog(const herald_flash_queue_t *q, uint32_t addr, const void *data, size_t len)
{
    return q->flash->program(q->flash->ctx, addr, data, len) == 0 ? HERALD_OK : HERALD_E_FLASH;
}

herald_status_t herald_fq_read_mark(const herald_flash_queue_t *q, uint32_t addr, int *set)
{
    uint8_t m[16];
    herald_status_t st = herald_fq_rd(q, addr, m, q->unit);
    *set = st == HERALD_OK && mark_set(m, q->unit);
    return st;
}

/* In pieces, so that a body of any length needs no buffer of its size. */
herald_status_t herald_fq_read_range(const herald_flash_queue_t *q, uint32_t addr, uint32_t len,
                                     uint32_t *crc, int *blank)
{
    uint8_t chunk[64];
    *blank = 1;
    while (len > 0u) {
        uint32_t n = len < sizeof chunk ? len : (uint32_t)sizeof chunk;
        if (herald_fq_rd(q, addr, chunk, n) != HERALD_OK) {
            return HERALD_E_FLASH;
        }
        *crc = herald_crc32(*crc, chunk, n);
        *blank = *blank && herald_fq_all_are(chunk, n, 0xFFu);
        addr += n;
        len -= n;
    }
    return HERALD_OK;
}

/* ---- sectors ------------------------------------------------------------------ */

static int sec_copy_ok(const uint8_t *p)
{
    return herald_le32_get(p) == SEC_MAGIC && herald_crc32(0, p, 12u) == herald_le32_get(p + 12);
}

/* A sector header is valid when either copy checks out (one flipped bit, or
 * a cut while the second copy went in, costs nothing). */
herald_status_t herald_fq_read_sec_hdr(const herald_flash_queue_t *q, uint32_t sec, uint32_t *epoch,
                                       uint32_t *next_seq, int *copies)
{
    uint8_t h[2u * SEC_FIELDS];
    herald_status_t st = herald_fq_rd(q, herald_fq_sec_addr(q, sec), h, sizeof h);
    *copies = 0;
    *epoch = 0u;
    *next_seq = 0u;
    for (size_t c = 2u; st == HERALD_OK && c > 0u; c--) {
        const uint8_t *p = &h[(c - 1u) * SEC_FIELDS];
        if (sec_copy_ok(p)) {
            (*copies)++;
            *epoch = herald_le32_get(p + 4);
            *next_seq = herald_le32_get(p + 8);
        }
    }
    return st;
}

/* The count in the tail; one that reads erased is 0 only when the sector's
 * header does too (the queue writes the tail before the header, so a
 * sector with a header and no count is of format 1, or its tail failed). */
herald_status_t herald_fq_read_erases(const herald_flash_queue_t *q, uint32_t sec, uint32_t *count)
{
    uint8_t t[TAIL_FIELDS];
    uint8_t h[MARK_OFF + 16u]; /* FIRST_REC at the largest unit */
    herald_status_t st = herald_fq_rd(q, herald_fq_sec_addr(q, sec) + TAIL_OFF(q), t, sizeof t);
    *count = HERALD_QUEUE_ERASES_UNKNOWN;
    if (st != HERALD_OK) {
        return st;
    }
    if (herald_le32_get(t) == TAIL_MAGIC && herald_crc32(0, t, 8u) == herald_le32_get(t + 8)) {
        *count = herald_le32_get(t + 4);
        return HERALD_OK;
    }
    if (!herald_fq_all_are(t, sizeof t, 0xFFu)) {
        return HERALD_OK; /* format 1 record bytes, or damage */
    }
    st = herald_fq_rd(q, herald_fq_sec_addr(q, sec), h, FIRST_REC(q));
    if (st == HERALD_OK && herald_fq_all_are(h, FIRST_REC(q), 0xFFu)) {
        *count = 0u;
    }
    return st;
}

/* One more than before, kept below HERALD_QUEUE_ERASES_UNKNOWN; from an
 * unknown count, 1 and "at least". */
static uint32_t erases_after(uint32_t before)
{
    uint32_t n = before & ~HERALD_QUEUE_ERASES_MORE;
    if (before == HERALD_QUEUE_ERASES_UNKNOWN) {
        return 1u | HERALD_QUEUE_ERASES_MORE;
    }
    return (before & HERALD_QUEUE_ERASES_MORE) | (n < 0x7FFFFFFEu ? n + 1u : n);
}

herald_status_t herald_fq_write_tail(const herald_flash_queue_t *q, uint32_t sec, uint32_t before)
{
    uint8_t t[16];
    (void)memset(t, 0xFF, sizeof t);
    herald_le32_put(t, TAIL_MAGIC);
    herald_le32_put(t + 4, erases_after(before));
    herald_le32_put(t + 8, herald_crc32(0, t, 8u));
    return herald_fq_prog(q, herald_fq_sec_addr(q, sec) + TAIL_OFF(q), t, AL(q, TAIL_FIELDS));
}

/* ---- records ------------------------------------------------------------------ */

void herald_fq_rec_hdr(uint8_t *h, const herald_queue_rec_t *meta)
{
    herald_le32_put(h, REC_MAGIC);
    herald_le32_put(h + 4, meta->seq);
    herald_le32_put(h + 8, meta->body_len);
    herald_le32_put(h + 12, meta->expires_s);
    h[16] = meta->priority;
    herald_le32_put(h + 17, herald_crc32(0, h, 17u));
}

/* The length is trusted only with the header's CRC (and when it fits). */
static int rec_hdr_ok(const herald_flash_queue_t *q, const uint8_t *h, uint32_t off)
{
    return herald_le32_get(h) == REC_MAGIC && herald_crc32(0, h, 17u) == herald_le32_get(h + 17) &&
           herald_le32_get(h + 8) <= q->sector_size - off - BODY_OFF(q);
}

static void rec_meta(const uint8_t *h, herald_queue_rec_t *m)
{
    m->seq = herald_le32_get(h + 4);
    m->body_len = herald_le32_get(h + 8);
    m->expires_s = herald_le32_get(h + 12);
    m->priority = h[16];
}

/* The end of the records: a header that reads erased.  Only its bytes
 * before the tail count (a slot this late holds no record in format 2; in
 * format 1 a record there has its magic before the tail). */
static int hdr_blank(const herald_flash_queue_t *q, const uint8_t *h, uint32_t off)
{
    uint32_t n = TAIL_OFF(q) - off; /* off <= sector_size - BODY_OFF < TAIL_OFF */
    return herald_fq_all_are(h, n < CRC_OFF(q) ? n : CRC_OFF(q), 0xFFu);
}

/* The header and the marks of the slot at addr: *blank when it is the end. */
static herald_status_t read_slot_head(const herald_flash_queue_t *q, uint32_t addr, uint8_t *h, uint8_t *m,
                                      int *blank)
{
    herald_status_t st = herald_fq_rd(q, addr, h, CRC_OFF(q));
    *blank = st == HERALD_OK && hdr_blank(q, h, addr % q->sector_size);
    if (st != HERALD_OK || *blank) {
        return st;
    }
    return herald_fq_rd(q, addr + CRC_OFF(q), m, BODY_OFF(q) - CRC_OFF(q));
}

/* Read the slot at offset off of sector sec: the end of the records there,
 * a torn header (the length cannot be trusted; r->damaged says whether its
 * marks, which sit at fixed offsets, show a committed, unretired record), or
 * a record (see slot_t). */
herald_status_t herald_fq_scan(const herald_flash_queue_t *q, uint32_t sec, uint32_t off, slot_t *r,
                               int *kind)
{
    uint8_t h[32];
    uint8_t m[48];
    uint32_t base = herald_fq_sec_addr(q, sec) + off;
    uint32_t crc;
    int blank = 1;
    int committed;
    int retired;
    herald_status_t st = HERALD_OK;

    *kind = SLOT_END;
    (void)memset(r, 0, sizeof *r);
    if (off <= q->sector_size - BODY_OFF(q)) { /* else no room left for even an empty record */
        st = read_slot_head(q, base, h, m, &blank);
    }
    if (st != HERALD_OK || blank) {
        return st;
    }
    committed = mark_set(m + (COMMIT_OFF(q) - CRC_OFF(q)), q->unit);
    retired = mark_set(m + (RETIRE_OFF(q) - CRC_OFF(q)), q->unit);
    r->damaged = committed && !retired;
    *kind = SLOT_TORN;
    if (!rec_hdr_ok(q, h, off)) {
        return HERALD_OK;
    }
    *kind = SLOT_REC;
    rec_meta(h, &r->meta);
    r->size = herald_fq_rec_size(q, r->meta.body_len);
    crc = herald_crc32(0, h, REC_FIELDS);
    st = herald_fq_read_range(q, base + BODY_OFF(q), r->meta.body_len, &crc, &blank);
    r->whole = committed && crc == herald_le32_get(m);
    r->live = r->whole && !retired;
    r->damaged = committed && !retired && !r->whole;
    return st;
}

/* The magic matches in one resync window that hold a whole record. */
static herald_status_t resync_window(const herald_flash_queue_t *q, uint32_t sec, uint32_t p,
                                     const uint8_t *buf, uint32_t *off, slot_t *r, int *kind)
{
    uint32_t last = q->sector_size - BODY_OFF(q); /* no record starts after this */
    /* p + i <= last leaves a whole header after i, so buf holds its magic */
    for (uint32_t i = 0u; i < RESYNC_STEP && p + i <= last; i += q->unit) {
        herald_status_t st;
        if (herald_le32_get(buf + i) != REC_MAGIC) {
            continue;
        }
        st = herald_fq_scan(q, sec, p + i, r, kind);
        if (st != HERALD_OK || (*kind == SLOT_REC && r->whole)) {
            *off = p + i;
            return st;
        }
    }
    *kind = SLOT_END;
    return HERALD_OK;
}

/* After a torn header at *off: the next place in the sector that holds a
 * whole record (magic, header CRC, commit mark and record CRC all check), or
 * SLOT_END.  Only magic matches are looked at closely. */
herald_status_t herald_fq_resync(const herald_flash_queue_t *q, uint32_t sec, uint32_t *off, slot_t *r,
                                 int *kind)
{
    uint8_t buf[RESYNC_STEP + 4u];
    *kind = SLOT_END;
    for (uint32_t p = *off + q->unit; p <= q->sector_size - BODY_OFF(q); p += RESYNC_STEP) {
        uint32_t n = q->sector_size - p < (uint32_t)sizeof buf ? q->sector_size - p : (uint32_t)sizeof buf;
        herald_status_t st = herald_fq_rd(q, herald_fq_sec_addr(q, sec) + p, buf, n);
        if (st == HERALD_OK) {
            st = resync_window(q, sec, p, buf, off, r, kind);
        }
        if (st != HERALD_OK || *kind != SLOT_END) {
            return st;
        }
    }
    return HERALD_OK;
}

herald_status_t herald_fq_still_there(const herald_flash_queue_t *q, uint32_t addr,
                                      const herald_queue_rec_t *meta, int *yes)
{
    uint8_t h[32];
    uint8_t m[48];
    herald_queue_rec_t now;
    int blank;
    herald_status_t st = read_slot_head(q, addr, h, m, &blank);
    *yes = 0;
    if (st != HERALD_OK || blank || !rec_hdr_ok(q, h, addr % q->sector_size)) {
        return st;
    }
    rec_meta(h, &now);
    *yes = now.seq == meta->seq && now.body_len == meta->body_len &&
           mark_set(m + (COMMIT_OFF(q) - CRC_OFF(q)), q->unit) &&
           !mark_set(m + (RETIRE_OFF(q) - CRC_OFF(q)), q->unit);
    return HERALD_OK;
}
