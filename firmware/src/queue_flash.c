/* SPDX-License-Identifier: Apache-2.0 */
/* Flash queue: a log of records written through the sectors in rotation.
 * This file is the seam (herald_queue_t), its walk and stats, and init; the
 * on-flash format and why it survives a power cut at any point are in
 * queue_flash_priv.h, the log in queue_flash_log.c, recovery in
 * queue_flash_recover.c and the flash access in queue_flash_io.c. */
#include <string.h>
#include "herald/config.h"
#include "herald/le.h"
#include "crc32.h"
#include "queue_flash_priv.h"

uint32_t herald_flash_queue_max_body(const herald_flash_queue_t *q)
{
    return TAIL_OFF(q) - FIRST_REC(q) - BODY_OFF(q);
}

/* ---- writing -------------------------------------------------------------------- */

/* Room for size bytes where the write sector goes on, or the next sector. */
static herald_status_t make_room(herald_flash_queue_t *q, uint32_t size)
{
    if (q->have_w && q->woff <= TAIL_OFF(q) && size <= TAIL_OFF(q) - q->woff) {
        return HERALD_OK;
    }
    return herald_fq_open_next(q);
}

static void start_record(herald_flash_queue_t *q, const herald_queue_rec_t *meta, const uint8_t *h,
                         uint32_t size)
{
    q->woff += size; /* taken even if the record is aborted */
    q->next_seq++;
    q->wmeta = *meta;
    q->crc = herald_crc32(0, h, REC_FIELDS);
    q->wr = q->rec + BODY_OFF(q);
    q->left = meta->body_len;
    q->staged = 0u;
    q->wfail = 0u;
    q->writing = 1u;
}

static herald_status_t fq_begin(void *ctx, herald_queue_rec_t *meta)
{
    herald_flash_queue_t *q = ctx;
    uint8_t h[32];
    uint32_t size;
    herald_status_t st;

    if (q->writing) {
        return HERALD_E_BUSY;
    }
    if (meta->body_len > herald_flash_queue_max_body(q)) {
        return HERALD_E_NOSPACE;
    }
    if (q->fault) {
        return HERALD_E_FLASH;
    }
    size = herald_fq_rec_size(q, meta->body_len);
    st = make_room(q, size);
    if (st != HERALD_OK) {
        return st;
    }
    if (q->next_seq == 0u) {
        q->next_seq = 1u; /* 0 is never a handle */
    }
    meta->seq = q->next_seq;
    (void)memset(h, 0xFF, sizeof h);
    herald_fq_rec_hdr(h, meta);
    q->rec = herald_fq_sec_addr(q, q->wsec) + q->woff;
    st = herald_fq_prog(q, q->rec, h, CRC_OFF(q));
    if (st != HERALD_OK) {
        q->woff = q->sector_size; /* the header may be half there: close the sector */
        return st;
    }
    start_record(q, meta, h, size);
    return HERALD_OK;
}

/* Program body bytes of the record being written; a failure spoils it. */
static herald_status_t prog_body(herald_flash_queue_t *q, const void *data, size_t n)
{
    if (herald_fq_prog(q, q->wr, data, n) != HERALD_OK) {
        q->wfail = 1u;
        return HERALD_E_FLASH;
    }
    q->wr += (uint32_t)n;
    return HERALD_OK;
}

/* Top up the staged bytes from *d; a unit filled is programmed.  *len and
 * *d move past what was taken. */
static herald_status_t fill_stage(herald_flash_queue_t *q, const uint8_t **d, size_t *len)
{
    size_t n = q->unit - q->staged < *len ? q->unit - q->staged : *len;
    (void)memcpy(q->stage + q->staged, *d, n);
    q->staged = (uint8_t)(q->staged + n);
    *d += n;
    *len -= n;
    if (q->staged < q->unit) {
        return HERALD_OK;
    }
    q->staged = 0u;
    return prog_body(q, q->stage, q->unit);
}

/* Whole program units go straight from the caller's buffer; the remainder
 * waits in stage until the next write or the commit fills it. */
static herald_status_t fq_write(void *ctx, const char *data, size_t len)
{
    herald_flash_queue_t *q = ctx;
    const uint8_t *d = (const uint8_t *)data;
    size_t n;

    if (q->writing != 1u || len > q->left) {
        return HERALD_E_INVALID_ARG;
    }
    if (q->wfail) {
        return HERALD_E_FLASH;
    }
    q->crc = herald_crc32(q->crc, d, len);
    q->left -= (uint32_t)len;
    if (q->staged && fill_stage(q, &d, &len) != HERALD_OK) {
        return HERALD_E_FLASH;
    }
    if (q->staged) {
        return HERALD_OK; /* still short of a unit: every byte went there */
    }
    n = len & ~(size_t)(q->unit - 1u);
    if (n > 0u && prog_body(q, d, n) != HERALD_OK) {
        return HERALD_E_FLASH;
    }
    (void)memcpy(q->stage, d + n, len - n);
    q->staged = (uint8_t)(len - n);
    return HERALD_OK;
}

/* Body, then CRC, then the commit mark last: until the mark is whole the
 * record does not exist for recovery.  Then read it back: a part with a
 * stuck bit "programs" without complaint, and a record that does not read
 * as written must fail here, where the caller still holds the
 * notification, not later as a loss. */
static herald_status_t finish_record(herald_flash_queue_t *q)
{
    uint8_t c[16];
    slot_t r;
    int kind;
    herald_status_t st = HERALD_OK;
    if (q->staged) {
        (void)memset(q->stage + q->staged, 0xFF, q->unit - q->staged);
        st = prog_body(q, q->stage, q->unit);
    }
    (void)memset(c, 0xFF, sizeof c);
    herald_le32_put(c, q->crc);
    if (st == HERALD_OK) {
        st = herald_fq_prog(q, q->rec + CRC_OFF(q), c, AL(q, 4u));
    }
    if (st == HERALD_OK) {
        st = herald_fq_prog(q, q->rec + COMMIT_OFF(q), herald_fq_zeros, q->unit);
    }
    if (st == HERALD_OK) {
        st = herald_fq_scan(q, q->rec / q->sector_size, q->rec % q->sector_size, &r, &kind);
    }
    if (st == HERALD_OK && (kind != SLOT_REC || !r.live || r.meta.seq != q->wmeta.seq)) {
        st = HERALD_E_FLASH;
    }
    return st;
}

static herald_status_t fq_commit(void *ctx)
{
    herald_flash_queue_t *q = ctx;
    herald_status_t st;

    if (!q->writing || q->left != 0u) {
        return HERALD_E_INVALID_ARG;
    }
    if (q->wfail) {
        return HERALD_E_FLASH;
    }
    q->writing = 2u;
    st = finish_record(q);
    if (st != HERALD_OK) {
        q->wfail = 1u;
        return st;
    }
    q->writing = 0u;
    if (q->count++ == 0u) {
        herald_fq_set_head(q, q->rec, &q->wmeta);
    }
    return HERALD_OK;
}

static void fq_abort(void *ctx)
{
    herald_flash_queue_t *q = ctx;
    if (!q->writing) {
        return;
    }
    /* A failed commit may still have landed its mark: retire the record so
     * that it cannot reappear (best effort; if this fails too it may).  Its
     * header is whole, so recovery steps over it to what follows. */
    if (q->writing == 2u) {
        (void)herald_fq_prog(q, q->rec + RETIRE_OFF(q), herald_fq_zeros, q->unit);
        /* Its caller was told it failed: whatever it reads like, this
         * instance neither delivers it nor counts it as damaged (nor lets
         * it keep its sector from being erased). */
        q->dud = q->rec;
        q->have_dud = 1u;
    }
    q->writing = 0u;
}

/* ---- reading -------------------------------------------------------------------- */

static herald_status_t fq_peek(void *ctx, herald_queue_rec_t *out)
{
    herald_flash_queue_t *q = ctx;
    if (q->fault) {
        return HERALD_E_FLASH;
    }
    if (q->count == 0u) {
        return HERALD_E_QUEUE_EMPTY;
    }
    *out = q->head_meta;
    return HERALD_OK;
}

/* Where the record rec names lies, and its meta as found: the head, or the
 * record the walk gave last while it still waits. */
static herald_status_t locate(const herald_flash_queue_t *q, const herald_queue_rec_t *rec, uint32_t *addr,
                              herald_queue_rec_t *meta)
{
    int yes = 0;
    herald_status_t st;
    if (q->count == 0u) {
        return HERALD_E_INVALID_ARG;
    }
    if (rec->seq == q->head_meta.seq) {
        *addr = q->head;
        *meta = q->head_meta;
        return HERALD_OK;
    }
    if (!q->have_wk || rec->seq != q->wk_meta.seq) {
        return HERALD_E_INVALID_ARG;
    }
    st = herald_fq_still_there(q, q->wk_addr, &q->wk_meta, &yes);
    *addr = q->wk_addr;
    *meta = q->wk_meta;
    return st == HERALD_OK && !yes ? HERALD_E_INVALID_ARG : st;
}

/* A read from offset 0 starts the check of the record at addr; one that
 * does not follow on the last one (offset, or another record) is not
 * checked.  The header as it was found, not as it reads now: a record that
 * changed under the reader (damage, or another process that erased the
 * sector and wrote it again) fails the CRC too. */
static void check_start(herald_flash_queue_t *q, uint32_t addr, const herald_queue_rec_t *meta, size_t off)
{
    if (off == 0u) {
        uint8_t h[REC_FIELDS];
        herald_fq_rec_hdr(h, meta);
        q->rcrc = herald_crc32(0, h, sizeof h);
        q->roff = 0u;
        q->rgood = 1u;
        q->raddr = addr;
    } else if (off != q->roff || addr != q->raddr) {
        q->rgood = 0u;
    } else {
        /* the next piece */
    }
}

/* Carry the check over a piece; on the last one compare with the record's
 * CRC.  A head that fails is lost to damage: counted, retired, and the head
 * moves on (so the caller does not retry it forever); a record further on
 * is left for the walk to the next head to find. */
static herald_status_t check_piece(herald_flash_queue_t *q, uint32_t addr, uint32_t body_len, const char *buf,
                                   size_t len)
{
    uint8_t c[4];
    herald_status_t st;
    q->rcrc = herald_crc32(q->rcrc, buf, len);
    q->roff += (uint32_t)len;
    if (q->roff < body_len) {
        return HERALD_OK;
    }
    q->rgood = 0u;
    st = herald_fq_rd(q, addr + CRC_OFF(q), c, sizeof c);
    if (st != HERALD_OK || herald_le32_get(c) == q->rcrc) {
        return st;
    }
    if (addr == q->head) {
        herald_fq_lost_to_damage(q, addr);
        (void)herald_fq_drop_head(q);
    }
    return HERALD_E_FLASH;
}

/* Reads that run from offset 0 to the end in order (as the agent and the
 * CLI read) carry a CRC along, and the last piece fails when the record no
 * longer matches the CRC it was committed with: a body damaged at rest since
 * init is never handed out whole. */
static herald_status_t fq_read(void *ctx, const herald_queue_rec_t *rec, size_t off, char *buf, size_t len)
{
    herald_flash_queue_t *q = ctx;
    herald_queue_rec_t meta;
    uint32_t addr = 0u;
    herald_status_t st;
    if (q->fault) {
        return HERALD_E_FLASH;
    }
    st = locate(q, rec, &addr, &meta);
    if (st == HERALD_OK && (off > meta.body_len || len > meta.body_len - off)) {
        st = HERALD_E_INVALID_ARG;
    }
    if (st != HERALD_OK) {
        return st;
    }
    check_start(q, addr, &meta, off);
    st = herald_fq_rd(q, addr + BODY_OFF(q) + (uint32_t)off, buf, len);
    if (st != HERALD_OK || q->rgood == 0u) {
        return st;
    }
    return check_piece(q, addr, meta.body_len, buf, len);
}

static herald_status_t fq_retire(void *ctx, uint32_t seq)
{
    herald_flash_queue_t *q = ctx;
    herald_status_t st;

    if (q->fault) {
        return HERALD_E_FLASH;
    }
    if (q->count == 0u || seq != q->head_meta.seq) {
        return HERALD_E_INVALID_ARG;
    }
    st = herald_fq_prog(q, q->head + RETIRE_OFF(q), herald_fq_zeros, q->unit);
    if (st != HERALD_OK) {
        return st; /* programming 0x00 again later is always allowed */
    }
    /* Retired now, whatever follows: a failure to find the next head is a
     * fault (see queue.h), not a record that stays. */
    return herald_fq_drop_head(q);
}

static size_t fq_count(void *ctx)
{
    return ((herald_flash_queue_t *)ctx)->count;
}

static uint32_t fq_damaged(void *ctx)
{
    return ((herald_flash_queue_t *)ctx)->damaged;
}

/* ---- walk and stats --------------------------------------------------------- */

#if HERALD_ENABLE_QUEUE_WALK

static void walk_gave(herald_flash_queue_t *q, uint32_t addr, const herald_queue_rec_t *meta,
                      herald_queue_rec_t *out)
{
    q->wk_addr = addr;
    q->wk_meta = *meta;
    q->have_wk = 1u;
    *out = *meta;
}

/* The log walk the head moves by, without accounting: damage it meets is
 * stepped over, nothing is programmed. */
static herald_status_t fq_walk(void *ctx, const herald_queue_rec_t *prev, herald_queue_rec_t *out)
{
    herald_flash_queue_t *q = ctx;
    herald_queue_rec_t meta;
    herald_fq_pos_t p = { 0u, 0u };
    uint32_t addr = 0u;
    slot_t r;
    int found = 0;
    herald_status_t st;
    if (q->fault) {
        return HERALD_E_FLASH;
    }
    if (!prev) {
        st = fq_peek(q, &meta);
        if (st == HERALD_OK) {
            walk_gave(q, q->head, &meta, out);
        }
        return st;
    }
    st = locate(q, prev, &addr, &meta);
    if (st == HERALD_OK) {
        p.sec = addr / q->sector_size;
        p.off = addr % q->sector_size + herald_fq_rec_size(q, meta.body_len);
        st = herald_fq_log_next(q, &p, 0, &r, &found);
    }
    if (st == HERALD_OK && found) {
        walk_gave(q, herald_fq_sec_addr(q, p.sec) + p.off, &r.meta, out);
    }
    return st == HERALD_OK && !found ? HERALD_E_QUEUE_EMPTY : st;
}

static herald_status_t fq_stats(void *ctx, herald_queue_stats_t *out, uint32_t *erase_counts, size_t n)
{
    herald_flash_queue_t *q = ctx;
    uint32_t wend = q->woff < TAIL_OFF(q) ? q->woff : TAIL_OFF(q); /* closed: nothing more goes there */
    herald_status_t st = HERALD_OK;
    out->records = q->count;
    out->bytes_used = herald_fq_bytes_used(q, wend);
    out->bytes_free = herald_fq_bytes_free(q, wend);
    out->damaged = q->damaged;
    out->erases = q->erases;
    out->sectors = q->sector_count;
    for (size_t i = 0u; i < n && st == HERALD_OK; i++) {
        erase_counts[i] = HERALD_QUEUE_ERASES_UNKNOWN; /* past the last sector */
        if (i < q->sector_count) {
            st = herald_fq_read_erases(q, (uint32_t)i, &erase_counts[i]);
        }
    }
    return st;
}

#define FQ_WALK fq_walk
#define FQ_STATS fq_stats
#else
#define FQ_WALK NULL
#define FQ_STATS NULL
#endif

/* ---- init ------------------------------------------------------------------------ */

herald_status_t herald_flash_queue_init(herald_flash_queue_t *q, const herald_flash_t *flash,
                                        herald_queue_t *out)
{
    return herald_flash_queue_init_ex(q, flash, out, 0u);
}

static int geometry_ok(const herald_flash_geometry_t *g)
{
    uint32_t u = g->program_size;
    return (u == 1u || u == 4u || u == 8u || u == 16u) && g->sector_count >= 2u && g->sector_size >= 64u &&
           g->sector_size % u == 0u && (uint64_t)g->sector_size * g->sector_count <= 0xFFFFFFFFu;
}

herald_status_t herald_flash_queue_init_ex(herald_flash_queue_t *q, const herald_flash_t *flash,
                                           herald_queue_t *out, unsigned flags)
{
    herald_status_t st;
    if (!q || !flash || !out || !geometry_ok(&flash->geometry)) {
        return HERALD_E_INVALID_ARG;
    }
    (void)memset(q, 0, sizeof *q);
    q->flash = flash;
    q->sector_size = flash->geometry.sector_size;
    q->sector_count = flash->geometry.sector_count;
    q->unit = flash->geometry.program_size;
    q->defer = (flags & HERALD_FLASH_QUEUE_DEFER_MARKS) != 0u ? 1u : 0u;
    if (q->sector_size < FIRST_REC(q) + BODY_OFF(q) + q->unit + AL(q, TAIL_FIELDS)) {
        return HERALD_E_INVALID_ARG;
    }
    st = herald_fq_recover(q);
    if (st == HERALD_OK) {
        *out = (herald_queue_t){ .begin = fq_begin,
                                 .write = fq_write,
                                 .commit = fq_commit,
                                 .abort = fq_abort,
                                 .peek = fq_peek,
                                 .read = fq_read,
                                 .retire = fq_retire,
                                 .count = fq_count,
                                 .ctx = q,
                                 .damaged = fq_damaged,
                                 .walk = FQ_WALK,
                                 .stats = FQ_STATS };
    }
    return st;
}
