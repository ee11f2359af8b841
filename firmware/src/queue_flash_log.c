/* SPDX-License-Identifier: Apache-2.0 */
/* Flash queue: the log.  Which sectors belong to it, walking it over the
 * waiting records, the head, damage found on the way, and opening the next
 * sector (the layout and why it is safe are in queue_flash_priv.h). */
#include <string.h>
#include "herald/le.h"
#include "crc32.h"
#include "queue_flash_priv.h"

/* The record at addr is the one whose commit failed (the caller still holds
 * it): it is neither delivered nor counted as damaged by this instance. */
int herald_fq_is_dud(const herald_flash_queue_t *q, uint32_t addr)
{
    return q->have_dud != 0u && q->dud == addr;
}

static int is_pending(const herald_flash_queue_t *q, uint32_t addr)
{
    for (uint32_t i = 0u; i < q->npend; i++) {
        if (q->pend[i] == addr) {
            return 1;
        }
    }
    return 0;
}

/* Count a committed record that damage keeps from being delivered, and set
 * its retire mark so that it is counted once (if that program fails it is
 * counted again at the next boot; nothing else depends on it).  With
 * HERALD_FLASH_QUEUE_DEFER_MARKS the mark waits in pend for
 * herald_flash_queue_mark_damaged(), so that the caller can save the count
 * first; a record already there is not counted again. */
void herald_fq_lost_to_damage(herald_flash_queue_t *q, uint32_t addr)
{
    if (herald_fq_is_dud(q, addr)) {
        (void)herald_fq_prog(q, addr + RETIRE_OFF(q), herald_fq_zeros,
                             q->unit); /* abort's try may have failed */
        return;
    }
    if (is_pending(q, addr)) {
        return;
    }
    if (q->defer != 0u) {
        /* counted only with its address kept, so the caller can save the
         * count before the mark; with pend full it is neither counted nor
         * marked now, and the next walk (or init) finds it again */
        if (q->npend < HERALD_FLASH_QUEUE_PEND) {
            q->damaged++;
            q->pend[q->npend] = addr;
            q->npend++;
        }
        return;
    }
    q->damaged++;
    (void)herald_fq_prog(q, addr + RETIRE_OFF(q), herald_fq_zeros, q->unit);
}

herald_status_t herald_flash_queue_mark_damaged(herald_flash_queue_t *q)
{
    uint32_t kept = 0u;
    if (!q) {
        return HERALD_E_INVALID_ARG;
    }
    for (uint32_t i = 0u; i < q->npend; i++) {
        if (herald_fq_prog(q, q->pend[i] + RETIRE_OFF(q), herald_fq_zeros, q->unit) != HERALD_OK) {
            q->pend[kept] = q->pend[i]; /* still counted, still to mark */
            kept++;
        }
    }
    q->npend = (uint8_t)kept;
    return kept == 0u ? HERALD_OK : HERALD_E_FLASH;
}

herald_status_t herald_fq_next_slot(herald_flash_queue_t *q, herald_fq_pos_t *p, slot_t *r, int *kind,
                                    int account, int *gap)
{
    herald_status_t st = herald_fq_scan(q, p->sec, p->off, r, kind);
    while (st == HERALD_OK && *kind == SLOT_TORN) {
        *gap = 1;
        if (account && r->damaged) {
            herald_fq_lost_to_damage(q, herald_fq_sec_addr(q, p->sec) + p->off);
        }
        st = herald_fq_resync(q, p->sec, &p->off, r, kind);
    }
    return st;
}

/* Visit the slots of sec whose headers check out, in order, until visit
 * says stop (returns 1) or the sector ends. */
typedef int (*slot_visit_fn)(herald_flash_queue_t *q, uint32_t addr, const slot_t *r, void *ctx);

static herald_status_t each_slot(herald_flash_queue_t *q, uint32_t sec, slot_visit_fn visit, void *ctx)
{
    herald_fq_pos_t p = { sec, FIRST_REC(q) };
    slot_t r;
    int kind;
    int gap = 0;
    for (;;) {
        herald_status_t st = herald_fq_next_slot(q, &p, &r, &kind, 0, &gap);
        if (st != HERALD_OK || kind == SLOT_END || visit(q, herald_fq_sec_addr(q, sec) + p.off, &r, ctx)) {
            return st;
        }
        p.off += r.size;
    }
}

typedef struct {
    int older_go;
    int yes;
} live_ctx_t;

static int live_visit(herald_flash_queue_t *q, uint32_t addr, const slot_t *r, void *ctx)
{
    live_ctx_t *c = ctx;
    c->yes =
        r->live && !herald_fq_is_dud(q, addr) && !(c->older_go && herald_fq_after(q->w_seq, r->meta.seq));
    return c->yes;
}

/* Whether sector sec holds a record that checks out and is not retired
 * (the dud aside); with `older_go`, records numbered before the write
 * sector's header (an erase already decided may have brought their retire
 * marks back) do not count. */
static herald_status_t holds_live(herald_flash_queue_t *q, uint32_t sec, int older_go, int *yes)
{
    live_ctx_t c = { older_go, 0 };
    herald_status_t st = each_slot(q, sec, live_visit, &c);
    *yes = c.yes;
    return st;
}

typedef struct {
    uint32_t n;
    uint32_t first;
    uint32_t last;
    int ordered;
} seqs_ctx_t;

/* Every record whose header checks out took its number, whole, damaged or
 * never committed: its CRC vouches for the number. */
static int seqs_visit(herald_flash_queue_t *q, uint32_t addr, const slot_t *r, void *ctx)
{
    seqs_ctx_t *c = ctx;
    (void)q;
    (void)addr;
    if (c->n == 0u) {
        c->first = r->meta.seq;
    } else if (!herald_fq_after(r->meta.seq, c->last)) {
        c->ordered = 0;
    } else {
        /* in order */
    }
    c->last = r->meta.seq;
    c->n++;
    return 0;
}

/* The numbers of the records in sec that check out: how many, the first and
 * the last as they lie, and whether each is after the one before. */
herald_status_t herald_fq_seqs_of(herald_flash_queue_t *q, uint32_t sec, uint32_t *n, uint32_t *first,
                                  uint32_t *last, int *ordered)
{
    seqs_ctx_t c = { 0u, 0u, 0u, 1 };
    herald_status_t st = each_slot(q, sec, seqs_visit, &c);
    *n = c.n;
    *first = c.first;
    *last = c.last;
    *ordered = c.ordered;
    return st;
}

/* A sector whose two header copies are both damaged, dist sectors behind
 * the write sector, is taken by its place: when the sector after it is in
 * the log by its header, it was the sector opened just before that one, so
 * it belongs, provided its records are numbered in order and before that
 * sector's next_seq (which keeps out the write sector's successor when it
 * holds newer records, see recover). */
static herald_status_t in_log_by_place(herald_flash_queue_t *q, uint32_t sec, uint32_t dist, int *yes)
{
    uint32_t epoch;
    uint32_t seq;
    uint32_t n;
    uint32_t first;
    uint32_t last;
    int copies;
    int ordered;
    herald_status_t st = herald_fq_read_sec_hdr(q, herald_fq_next_sec(q, sec), &epoch, &seq, &copies);
    if (st != HERALD_OK || copies == 0 || epoch != q->wepoch - (dist - 1u)) {
        return st;
    }
    st = herald_fq_seqs_of(q, sec, &n, &first, &last, &ordered);
    *yes = st == HERALD_OK && ordered && (n == 0u || herald_fq_after(seq, last));
    return st;
}

/* Whether sec belongs to the log whose newest sector is wsec: a sector counts
 * with a valid header and the epoch its place in the rotation implies, and
 * the one after wsec not at all once wsec's erase mark is set; one with
 * both header copies damaged by its place (in_log_by_place). */
herald_status_t herald_fq_in_log(herald_flash_queue_t *q, uint32_t sec, int *yes)
{
    uint32_t dist = (q->wsec + q->sector_count - sec) % q->sector_count;
    uint32_t epoch;
    uint32_t seq;
    int copies;
    int erasing = 0;
    herald_status_t st = herald_fq_read_sec_hdr(q, sec, &epoch, &seq, &copies);
    *yes = 0;
    if (st == HERALD_OK && dist == q->sector_count - 1u) {
        st = herald_fq_read_mark(q, herald_fq_sec_addr(q, q->wsec) + MARK_OFF, &erasing);
    }
    if (st != HERALD_OK || erasing) {
        return st;
    }
    if (copies > 0) {
        *yes = epoch == q->wepoch - dist;
        return HERALD_OK;
    }
    if (dist == 0u) {
        *yes = 1; /* the sector being written, whatever its header says now */
        return HERALD_OK;
    }
    return in_log_by_place(q, sec, dist, yes);
}

/* The slot at *p, for a walk of the log; with `account`, damage found is
 * counted, and the write sector closed behind a header damaged since it
 * was written (nothing more may be appended behind it). */
static herald_status_t log_slot(herald_flash_queue_t *q, herald_fq_pos_t *p, int account, slot_t *r,
                                int *kind)
{
    int gap = 0;
    herald_status_t st = herald_fq_next_slot(q, p, r, kind, account, &gap);
    if (account && st == HERALD_OK && *kind == SLOT_REC && r->damaged) {
        herald_fq_lost_to_damage(q, herald_fq_sec_addr(q, p->sec) + p->off);
    }
    if (account && gap && p->sec == q->wsec) {
        q->woff = q->sector_size;
    }
    return st;
}

herald_status_t herald_fq_log_next(herald_flash_queue_t *q, herald_fq_pos_t *p, int account, slot_t *r,
                                   int *found)
{
    int kind;
    int ok = 1;
    herald_status_t st;
    *found = 0;
    for (;;) {
        if (ok) {
            st = log_slot(q, p, account, r, &kind);
            if (st != HERALD_OK) {
                return st;
            }
            if (kind == SLOT_REC) {
                *found = r->live && !herald_fq_is_dud(q, herald_fq_sec_addr(q, p->sec) + p->off);
                if (*found) {
                    return HERALD_OK;
                }
                p->off += r->size;
                continue;
            }
        }
        if (p->sec == q->wsec) {
            return HERALD_OK;
        }
        p->sec = herald_fq_next_sec(q, p->sec);
        p->off = FIRST_REC(q);
        st = herald_fq_in_log(q, p->sec, &ok);
        if (st != HERALD_OK) {
            return st;
        }
    }
}

void herald_fq_set_head(herald_flash_queue_t *q, uint32_t addr, const herald_queue_rec_t *meta)
{
    q->head = addr;
    q->head_meta = *meta;
}

/* The waiting records from *p on (a recount: one whose commit failed was
 * never counted, so the count is taken afresh rather than adjusted). */
static herald_status_t count_from(herald_flash_queue_t *q, herald_fq_pos_t p, uint32_t *n)
{
    slot_t r;
    int found = 1;
    herald_status_t st = HERALD_OK;
    *n = 0u;
    while (st == HERALD_OK && found) {
        st = herald_fq_log_next(q, &p, 0, &r, &found);
        if (st == HERALD_OK && found) {
            (*n)++;
            p.off += r.size;
        }
    }
    return st;
}

/* The head has gone (retired, or found damaged by a read): find the next,
 * counting what the walk to it finds damaged. */
herald_status_t herald_fq_drop_head(herald_flash_queue_t *q)
{
    herald_fq_pos_t p = { q->head / q->sector_size, q->head % q->sector_size };
    uint32_t before = q->damaged;
    slot_t r;
    int found;
    herald_status_t st;

    q->rgood = 0u;
    if (--q->count == 0u) {
        return HERALD_OK;
    }
    p.off += herald_fq_rec_size(q, q->head_meta.body_len);
    st = herald_fq_log_next(q, &p, 1, &r, &found);
    if (st == HERALD_OK && found) {
        herald_fq_set_head(q, herald_fq_sec_addr(q, p.sec) + p.off, &r.meta);
    }
    if (st == HERALD_OK && !found) {
        q->count = 0u; /* what was counted has been damaged since (bit rot): it cannot be sent */
    } else if (st == HERALD_OK && q->damaged != before) {
        st = count_from(q, p, &q->count);
    } else {
        /* the next waiting record is the head now, or a read failed */
    }
    if (st != HERALD_OK) {
        q->fault = 1u; /* the head is unknown now */
    }
    return st;
}

/* ---- the next sector ---------------------------------------------------------- */

/* Whether sec may be erased: not while it holds the head (records leave in
 * order, so unless the head is there nothing in it is waiting any more),
 * and still never while it holds a record that checks out and was not
 * retired, whatever the count says (a sector outside the log by damage to
 * its header, or a count that damage put wrong).  Only once the erase mark
 * is set (the erase was decided; a cut erase may have brought retire marks
 * back) do records older than the write sector not count: a successor that
 * dropped out of the log holds newer ones. */
static herald_status_t may_erase(herald_flash_queue_t *q, uint32_t sec)
{
    int erasing = 0;
    int live = 0;
    herald_status_t st = HERALD_OK;
    if (q->count > 0u && q->head / q->sector_size == sec) {
        return HERALD_E_QUEUE_FULL;
    }
    if (q->have_w) {
        st = herald_fq_read_mark(q, herald_fq_sec_addr(q, q->wsec) + MARK_OFF, &erasing);
    }
    if (st == HERALD_OK) {
        st = holds_live(q, sec, erasing, &live);
    }
    return st == HERALD_OK && live ? HERALD_E_QUEUE_FULL : st;
}

/* Set the write sector's erase mark (unless it reads all zeros already),
 * erase sec and give it its erase count. */
static herald_status_t erase_next(herald_flash_queue_t *q, uint32_t sec)
{
    uint32_t mark = herald_fq_sec_addr(q, q->wsec) + MARK_OFF;
    uint32_t erases;
    herald_status_t st = herald_fq_read_erases(q, sec, &erases);
    if (st == HERALD_OK && q->have_w) {
        uint8_t m[16];
        st = herald_fq_rd(q, mark, m, q->unit);
        if (st == HERALD_OK && !herald_fq_all_are(m, q->unit, 0x00u)) {
            st = herald_fq_prog(q, mark, herald_fq_zeros, q->unit);
        }
    }
    if (st != HERALD_OK) {
        return st;
    }
    if (q->flash->erase(q->flash->ctx, sec) != 0) {
        return HERALD_E_FLASH;
    }
    q->erases++;
    if (q->have_dud != 0u && q->dud / q->sector_size == sec) {
        q->have_dud = 0u; /* gone with the erase; a new record may come to lie there */
    }
    /* Before the header, so that a sector with a header and no count is
     * one of format 1.  Only a figure: a failure costs the count, and the
     * header's own programs report a failing device. */
    (void)herald_fq_write_tail(q, sec, erases);
    return HERALD_OK;
}

/* Program both copies of sec's header (two programs, so that a cut can tear
 * only one) and read them back: a stuck bit "programs" without complaint,
 * and a sector that hangs on one copy would drop out of the log at the
 * next flip, taking its records with it.  *landed: a copy reads back. */
static herald_status_t write_sec_hdr(herald_flash_queue_t *q, uint32_t sec, uint32_t epoch, int *landed)
{
    uint8_t h[SEC_FIELDS];
    uint32_t got_epoch = 0u;
    uint32_t got_seq;
    int copies = 0;
    herald_status_t st;
    (void)memset(h, 0xFF, sizeof h);
    herald_le32_put(h, SEC_MAGIC);
    herald_le32_put(h + 4, epoch);
    herald_le32_put(h + 8, q->next_seq);
    herald_le32_put(h + 12, herald_crc32(0, h, 12u));
    st = herald_fq_prog(q, herald_fq_sec_addr(q, sec), h, sizeof h);
    if (st == HERALD_OK) {
        st = herald_fq_prog(q, herald_fq_sec_addr(q, sec) + SEC_FIELDS, h, sizeof h);
    }
    if (herald_fq_read_sec_hdr(q, sec, &got_epoch, &got_seq, &copies) != HERALD_OK) {
        copies = 0;
        st = HERALD_E_FLASH;
    }
    *landed = copies > 0 && got_epoch == epoch;
    return st == HERALD_OK && (copies < 2 || got_epoch != epoch) ? HERALD_E_FLASH : st;
}

/* sec, of the given epoch, is the write sector now; writing goes on at woff. */
static void take_sector(herald_flash_queue_t *q, uint32_t sec, uint32_t epoch, uint32_t woff)
{
    q->wsec = sec;
    q->wepoch = epoch;
    q->w_seq = q->next_seq;
    q->w_adopted = 0u;
    q->have_w = 1u;
    q->woff = woff;
}

/* Move writing to the next sector: refuse if it still holds waiting records,
 * else set the erase mark, erase it and give it the next epoch. */
herald_status_t herald_fq_open_next(herald_flash_queue_t *q)
{
    uint32_t sec = herald_fq_next_sec(q, q->wsec);
    uint32_t epoch = q->have_w ? q->wepoch + 1u : 1u;
    int landed = 0;
    herald_status_t st = may_erase(q, sec);
    if (st == HERALD_OK) {
        st = erase_next(q, sec);
    }
    if (st != HERALD_OK) {
        return st;
    }
    if (write_sec_hdr(q, sec, epoch, &landed) == HERALD_OK) {
        take_sector(q, sec, epoch, FIRST_REC(q));
        return HERALD_OK;
    }
    /* A copy that landed makes sec the newest sector for recovery: nothing
     * more may go into the old one (its numbers would come again), nor into
     * sec (one copy is not enough): it is closed and the next begin opens
     * the one after it.  No copy: the next begin erases sec again. */
    if (landed) {
        take_sector(q, sec, epoch, q->sector_size);
    }
    q->woff = q->sector_size;
    return HERALD_E_FLASH;
}

/* ---- room ------------------------------------------------------------------ */

/* What new records may take: the rest of the write sector and every sector
 * after it up to the one that holds the head (all of them when none waits). */
size_t herald_fq_bytes_free(const herald_flash_queue_t *q, uint32_t wend)
{
    uint32_t area = TAIL_OFF(q) - FIRST_REC(q);
    uint32_t hsec = q->count > 0u ? q->head / q->sector_size : q->wsec;
    size_t n;
    if (!q->have_w) {
        return (size_t)area * q->sector_count;
    }
    n = TAIL_OFF(q) - wend;
    for (uint32_t s = herald_fq_next_sec(q, q->wsec); s != q->wsec && s != hsec;
         s = herald_fq_next_sec(q, s)) {
        n += area;
    }
    return n;
}

/* From the head to where the write sector's records end. */
size_t herald_fq_bytes_used(const herald_flash_queue_t *q, uint32_t wend)
{
    uint32_t s = q->head / q->sector_size;
    uint32_t from = q->head % q->sector_size;
    size_t n = 0u;
    if (q->count == 0u) {
        return 0u;
    }
    for (; s != q->wsec; s = herald_fq_next_sec(q, s)) {
        n += TAIL_OFF(q) - from;
        from = FIRST_REC(q);
    }
    from = wend - from; /* in the write sector */
    return n + from;
}
