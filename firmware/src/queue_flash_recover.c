/* SPDX-License-Identifier: Apache-2.0 */
/* Flash queue: rebuilding the queue from flash at init (the layout and why
 * it is safe are in queue_flash_priv.h). */
#include "queue_flash_priv.h"

/* What the walk over the log found, for what follows it. */
typedef struct {
    uint32_t last; /* the number of the last record in the write sector */
    int have_last;
    int gap;      /* a bad header in the write sector was stepped over */
    uint32_t end; /* where the records of the write sector end */
} found_t;

/* The newest sector with a valid header is the write sector; *copies: how
 * many of its header copies check out. */
static herald_status_t find_write_sector(herald_flash_queue_t *q, int *copies)
{
    for (uint32_t sec = 0u; sec < q->sector_count; sec++) {
        uint32_t epoch;
        uint32_t seq;
        int n;
        herald_status_t st = herald_fq_read_sec_hdr(q, sec, &epoch, &seq, &n);
        if (st != HERALD_OK) {
            return st;
        }
        if (n > 0 && (!q->have_w || herald_fq_after(epoch, q->wepoch))) {
            q->have_w = 1u;
            q->wsec = sec;
            q->wepoch = epoch;
            q->w_seq = seq;
            *copies = n;
        }
    }
    return HERALD_OK;
}

/* The write sector's successor may have dropped out of the log with newer
 * records in it: both its header copies damaged, after the erase mark of
 * the write sector was set (it was opened after it), holding records that
 * check out, in order, none numbered before the write sector's header.
 * Then it is the write sector (closed: nothing more is appended there). */
static herald_status_t adopt_successor(herald_flash_queue_t *q)
{
    uint32_t sec = herald_fq_next_sec(q, q->wsec);
    uint32_t epoch;
    uint32_t seq;
    uint32_t n = 0u;
    uint32_t first = 0u;
    uint32_t last;
    int copies;
    int ordered = 0;
    int erasing = 0;
    herald_status_t st = herald_fq_read_sec_hdr(q, sec, &epoch, &seq, &copies);
    if (st == HERALD_OK && copies == 0) {
        st = herald_fq_read_mark(q, herald_fq_sec_addr(q, q->wsec) + MARK_OFF, &erasing);
    }
    if (st == HERALD_OK && copies == 0 && erasing) {
        st = herald_fq_seqs_of(q, sec, &n, &first, &last, &ordered);
    }
    if (st == HERALD_OK && n > 0u && ordered && !herald_fq_after(q->w_seq, first)) {
        q->wsec = sec;
        q->wepoch++;
        q->w_seq = first; /* what its lost header said, as near as its records tell */
        q->w_adopted = 1u;
    }
    return st;
}

/* One record found by recovery: counted if damaged, the head if it is the
 * first waiting one, and the last number given if in the write sector. */
static void take_record(herald_flash_queue_t *q, const herald_fq_pos_t *p, const slot_t *r, found_t *f)
{
    uint32_t addr = herald_fq_sec_addr(q, p->sec) + p->off;
    if (r->damaged) {
        herald_fq_lost_to_damage(q, addr);
    }
    if (r->live && q->count++ == 0u) {
        herald_fq_set_head(q, addr, &r->meta);
    }
    if (p->sec == q->wsec) {
        f->last = r->meta.seq;
        f->have_last = 1;
    }
}

/* Every record of a sector of the log, in order. */
static herald_status_t recover_sector(herald_flash_queue_t *q, uint32_t sec, found_t *f)
{
    herald_fq_pos_t p = { sec, FIRST_REC(q) };
    slot_t r;
    int kind = SLOT_END;
    herald_status_t st;
    f->gap = 0;
    for (;;) {
        st = herald_fq_next_slot(q, &p, &r, &kind, 1, &f->gap);
        if (st != HERALD_OK || kind != SLOT_REC) {
            break;
        }
        take_record(q, &p, &r, f);
        p.off += r.size;
    }
    f->end = p.off;
    return st;
}

/* Oldest first: the sector after the write sector, round to it (which is
 * last, so f ends with what it holds). */
static herald_status_t recover_log(herald_flash_queue_t *q, found_t *f)
{
    for (uint32_t i = 1u; i <= q->sector_count; i++) {
        uint32_t sec = (q->wsec + i) % q->sector_count;
        int valid = 1;
        herald_status_t st = sec != q->wsec ? herald_fq_in_log(q, sec, &valid) : HERALD_OK;
        if (st == HERALD_OK && valid) {
            st = recover_sector(q, sec, f);
        }
        if (st != HERALD_OK) {
            return st;
        }
    }
    return HERALD_OK;
}

/* A bad header in the write sector hid how many records (each took a
 * number) lay in the gap; skip as many numbers as could have fitted, so
 * that no handle is ever given twice.  Nor a number that a record after
 * the write sector holds (one that dropped out of the log: see
 * adopt_successor). */
static herald_status_t settle_next_seq(herald_flash_queue_t *q, const found_t *f)
{
    uint32_t n;
    uint32_t first;
    uint32_t last;
    int ordered;
    herald_status_t st;
    q->next_seq =
        (f->have_last ? f->last + 1u : q->w_seq) + (f->gap ? q->sector_size / herald_fq_rec_size(q, 0u) : 0u);
    st = herald_fq_seqs_of(q, herald_fq_next_sec(q, q->wsec), &n, &first, &last, &ordered);
    if (st == HERALD_OK && n > 0u && !herald_fq_after(q->next_seq, last)) {
        q->next_seq = last + 1u;
    }
    return st;
}

/* Append only where the write sector is erased up to its tail, and only
 * while both copies of its header check out (on one copy it would drop out
 * of the log at the next flip); anything else closes it.  A sector of
 * format 1 whose records reach into where the tail goes is closed too. */
static herald_status_t settle_woff(herald_flash_queue_t *q, const found_t *f, int w_copies)
{
    uint32_t unused_crc = 0u;
    int blank = 0;
    herald_status_t st = HERALD_OK;
    q->woff = q->sector_size;
    if (!f->gap && w_copies >= 2 && f->end < TAIL_OFF(q)) {
        st = herald_fq_read_range(q, herald_fq_sec_addr(q, q->wsec) + f->end, TAIL_OFF(q) - f->end,
                                  &unused_crc, &blank);
    }
    if (st == HERALD_OK && blank) {
        q->woff = f->end;
    }
    return st;
}

/* Rebuild everything from flash: the write sector (newest epoch), the head
 * (first waiting record in log order), the count, where the next record goes
 * and the next sequence number.  Writes only the retire marks of records it
 * finds damaged (lost_to_damage), and not those with DEFER_MARKS. */
herald_status_t herald_fq_recover(herald_flash_queue_t *q)
{
    found_t f = { 0u, 0, 0, 0u };
    int w_copies = 0;
    herald_status_t st = find_write_sector(q, &w_copies);
    if (st != HERALD_OK) {
        return st;
    }
    if (!q->have_w) {
        q->wsec = q->sector_count - 1u; /* blank: the first record opens sector 0 */
        q->woff = q->sector_size;
        q->next_seq = 1u;
        return HERALD_OK;
    }
    st = adopt_successor(q);
    w_copies = q->w_adopted ? 0 : w_copies;
    if (st == HERALD_OK) {
        st = recover_log(q, &f);
    }
    if (st == HERALD_OK) {
        st = settle_next_seq(q, &f);
    }
    return st == HERALD_OK ? settle_woff(q, &f, w_copies) : st;
}
