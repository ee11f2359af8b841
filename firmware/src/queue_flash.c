/* SPDX-License-Identifier: Apache-2.0 */
/* Flash queue: a log of records written through the sectors in rotation.
 *
 * Sector layout (every field starts on a program unit, u bytes):
 *   [magic, epoch, next_seq, crc32 of those 12 bytes]  programmed once after erase
 *   [the same 16 bytes again]      a second copy, programmed after the first
 *   [erase mark, u bytes]          0x00: the erase of the next sector has begun
 *   records...
 * Record layout:
 *   [magic, seq, body_len, expires_s, priority, crc32 of those 17 bytes]
 *                                                  21 bytes, programmed at begin
 *   [crc32 over those 21 bytes and the body]       programmed at commit
 *   [commit mark, u bytes of 0x00]                 programmed last at commit
 *   [retire mark, u bytes of 0x00]                 programmed at retire
 *   [body, rounded up to u]                        programmed as it streams in
 *
 * Why it survives a power cut at any point:
 *   - A record counts only when its CRC matches and its commit mark is set;
 *     the mark is programmed after everything else, so a cut before it leaves
 *     a record that is skipped as never committed.
 *   - A mark (commit, retire, erase) is set when more than half of its bits
 *     read 0.  A mark cut halfway may read either way, and both are safe: a
 *     cut commit belongs to an enqueue that reported failure (it may appear),
 *     a cut retire to a record already delivered (it may come again), a cut
 *     erase mark to an erase not yet begun.  The majority also means one
 *     flipped or stuck bit never sets or clears a whole mark (all 0x00 or
 *     all 0xFF); a mark cut near the half may be tipped by one.
 *   - The length of a record is trusted only when its header CRC matches.
 *     A record with a good header but a bad body (cut while streaming, or
 *     damaged since) is stepped over.  After a header that fails its CRC the
 *     walk resyncs: it steps on one program unit at a time and takes the next
 *     place whose magic, header CRC, commit mark and whole-record CRC all
 *     check out.  So a record boundary is never taken from unverified bytes.
 *     Bodies are the application's: one could hold a forged record that
 *     passes every check (never by accident: that takes two CRC-32 matches,
 *     and herald's own bodies are JSON text, which never holds the 0x00 bytes
 *     of a commit mark).  Nothing is ever written behind a bad header in the
 *     write sector (the sector is "closed" and writing moves on).
 *   - A sector is erased only when none of its records is waiting.  A cut
 *     erase can leave old retired records half erased, their retire marks
 *     back at 0xFF; to keep them from coming back, the erase mark of the
 *     sector before it is programmed first, and recovery ignores the sector
 *     after the newest one when that mark is set, until it holds the next
 *     epoch.  The new sector header goes in only after the erase completes.
 *   - Sectors carry an epoch that grows by one per sector opened; recovery
 *     takes the newest as the write sector and accepts the others only with
 *     the epoch their distance from it implies.  Epochs and sequence numbers
 *     are compared as serial numbers ((int32_t)(a - b) > 0), so they may wrap.
 *   - Writing resumes only where the write sector reads erased to its end,
 *     so no unit is ever programmed twice, except marks, which may be
 *     programmed with zeros again (parts with ECC per unit allow exactly that).
 *
 * What bit damage (a flipped or stuck bit, at rest) costs:
 *   - in a record's header, CRC or body: that record, counted in `damaged`;
 *     the walk resyncs behind a bad header and loses nothing else;
 *   - in a sector header: nothing, the other copy serves.  A sector is
 *     written into only while both copies check out (open reads them back;
 *     recovery closes a write sector with one), so a second hit cannot
 *     take new records out of the log.  Both damaged: the sector is taken
 *     by its place (in_log, adopt_successor) when its records' numbers fit;
 *     if not, its records are not delivered, but it is never erased while
 *     one of them still checks out (the queue reports full instead);
 *   - in a mark or in padding: nothing (the majority rule above).
 * A body damaged after init is caught by the CRC that read carries along.
 * A damaged record is counted once: when recovery or the walk to the next
 * head finds it, its retire mark is programmed (zeros, which is always
 * allowed) so that the next boot does not count it again.  That is the only
 * write init ever does, and only on a damaged flash (with DEFER_MARKS not
 * even that: the caller programs them after saving the count).
 * Records leave in order (FIFO), so the sectors free up in the order they were
 * written and no compaction or spare sector is needed. */
#include <string.h>
#include "herald/queue.h"
#include "crc32.h"

#define SEC_MAGIC 0x31534851u /* "QHS1" */
#define REC_MAGIC 0x31524851u /* "QHR1" */
#define SEC_FIELDS 16u        /* a multiple of every program size */
#define REC_FIELDS 21u        /* the header, its own CRC included */
#define RESYNC_STEP 32u       /* bytes looked at per read while resyncing; a multiple of every unit */

/* Where things are, for program size u = q->unit (see the layout above). */
#define AL(q, n) (((n) + (q)->unit - 1u) & ~((q)->unit - 1u))
#define MARK_OFF (2u * SEC_FIELDS)               /* in a sector: the erase mark */
#define FIRST_REC(q) (MARK_OFF + (q)->unit)      /* in a sector: the first record */
#define CRC_OFF(q) AL(q, REC_FIELDS)             /* in a record: */
#define COMMIT_OFF(q) (CRC_OFF(q) + AL(q, 4u))
#define RETIRE_OFF(q) (COMMIT_OFF(q) + (q)->unit)
#define BODY_OFF(q) (RETIRE_OFF(q) + (q)->unit)

enum { SLOT_END, SLOT_TORN, SLOT_REC };

typedef struct {
    herald_queue_rec_t meta;
    uint32_t size;
    int live;      /* committed, whole and not retired */
    int whole;     /* committed and its CRC matches (retired or not) */
    int damaged;   /* committed and not retired, but its bytes fail their CRC */
} slot_t;

static const uint8_t zeros[16];

static uint32_t rec_size(const herald_flash_queue_t *q, uint32_t body_len)
{
    return BODY_OFF(q) + AL(q, body_len);
}

static uint32_t sec_addr(const herald_flash_queue_t *q, uint32_t sec)
{
    return sec * q->sector_size;
}

static uint32_t next_sec(const herald_flash_queue_t *q, uint32_t sec)
{
    return sec + 1u < q->sector_count ? sec + 1u : 0u;
}

/* Serial-number order: a is after b (valid while they are < 2^31 apart). */
static int after(uint32_t a, uint32_t b)
{
    uint32_t d = a - b;
    return d != 0u && d < 0x80000000u; /* (int32_t)(a - b) > 0 */
}

uint32_t herald_flash_queue_max_body(const herald_flash_queue_t *q)
{
    return q->sector_size - FIRST_REC(q) - BODY_OFF(q);
}

/* ---- flash access ------------------------------------------------------------ */

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int all_are(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != v) {
            return 0;
        }
    }
    return 1;
}

/* A mark is set when more than half of its bits are 0 (see above). */
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

static herald_status_t rd(const herald_flash_queue_t *q, uint32_t addr, void *buf, size_t len)
{
    return q->flash->read(q->flash->ctx, addr, buf, len) == 0 ? HERALD_OK : HERALD_E_FLASH;
}

static herald_status_t prog(const herald_flash_queue_t *q, uint32_t addr, const void *data, size_t len)
{
    return q->flash->program(q->flash->ctx, addr, data, len) == 0 ? HERALD_OK : HERALD_E_FLASH;
}

/* Is the mark unit at addr set? */
static herald_status_t read_mark(const herald_flash_queue_t *q, uint32_t addr, int *set)
{
    uint8_t m[16];
    herald_status_t st = rd(q, addr, m, q->unit);
    *set = st == HERALD_OK && mark_set(m, q->unit);
    return st;
}

/* Read a range in pieces: continue *crc over it and say whether it is all
 * 0xFF. */
static herald_status_t read_range(const herald_flash_queue_t *q, uint32_t addr, uint32_t len, uint32_t *crc,
                                  int *blank)
{
    uint8_t chunk[64];
    *blank = 1;
    while (len > 0u) {
        uint32_t n = len < sizeof chunk ? len : (uint32_t)sizeof chunk;
        if (rd(q, addr, chunk, n) != HERALD_OK) {
            return HERALD_E_FLASH;
        }
        *crc = herald_crc32(*crc, chunk, n);
        *blank = *blank && all_are(chunk, n, 0xFFu);
        addr += n;
        len -= n;
    }
    return HERALD_OK;
}

/* ---- sectors ------------------------------------------------------------------ */

/* A sector header is valid when either copy checks out (one flipped bit, or
 * a cut while the second copy went in, costs nothing); *copies says how many
 * do (0, 1 or 2), and epoch and next_seq come from the first that does. */
static herald_status_t read_sec_hdr(const herald_flash_queue_t *q, uint32_t sec, uint32_t *epoch,
                                    uint32_t *next_seq, int *copies)
{
    uint8_t h[2u * SEC_FIELDS];
    herald_status_t st = rd(q, sec_addr(q, sec), h, sizeof h);
    *copies = 0;
    *epoch = 0u;
    *next_seq = 0u;
    for (size_t c = 2u; st == HERALD_OK && c > 0u; c--) {
        const uint8_t *p = &h[(c - 1u) * SEC_FIELDS];
        if (get_le32(p) == SEC_MAGIC && herald_crc32(0, p, 12u) == get_le32(p + 12)) {
            (*copies)++;
            *epoch = get_le32(p + 4);
            *next_seq = get_le32(p + 8);
        }
    }
    return st;
}

/* ---- records ------------------------------------------------------------------ */

/* Read the slot at offset off of sector sec: the end of the records there,
 * a torn header (the length cannot be trusted; r->damaged says whether its
 * marks, which sit at fixed offsets, show a committed, unretired record), or
 * a record (see slot_t). */
static herald_status_t scan(const herald_flash_queue_t *q, uint32_t sec, uint32_t off, slot_t *r, int *kind)
{
    uint8_t h[32];
    uint8_t m[48];
    uint32_t base = sec_addr(q, sec) + off;
    uint32_t len;
    uint32_t crc;
    int blank;
    int committed;
    int retired;
    herald_status_t st;

    *kind = SLOT_END;
    (void)memset(r, 0, sizeof *r);
    if (off > q->sector_size - BODY_OFF(q)) {
        return HERALD_OK; /* no room left for even an empty record */
    }
    st = rd(q, base, h, CRC_OFF(q));
    if (st != HERALD_OK || all_are(h, CRC_OFF(q), 0xFFu)) {
        return st;
    }
    st = rd(q, base + CRC_OFF(q), m, BODY_OFF(q) - CRC_OFF(q));
    if (st != HERALD_OK) {
        return st;
    }
    committed = mark_set(m + (COMMIT_OFF(q) - CRC_OFF(q)), q->unit);
    retired = mark_set(m + (RETIRE_OFF(q) - CRC_OFF(q)), q->unit);
    r->damaged = committed && !retired;
    *kind = SLOT_TORN;
    len = get_le32(h + 8);
    if (get_le32(h) != REC_MAGIC || herald_crc32(0, h, 17u) != get_le32(h + 17) ||
        len > q->sector_size - off - BODY_OFF(q)) {
        return HERALD_OK;
    }
    *kind = SLOT_REC;
    r->meta.seq = get_le32(h + 4);
    r->meta.body_len = len;
    r->meta.expires_s = get_le32(h + 12);
    r->meta.priority = h[16];
    r->size = rec_size(q, len);
    crc = herald_crc32(0, h, REC_FIELDS);
    st = read_range(q, base + BODY_OFF(q), len, &crc, &blank);
    r->whole = committed && crc == get_le32(m);
    r->live = r->whole && !retired;
    r->damaged = committed && !retired && !r->whole;
    return st;
}

/* After a torn header at *off: the next place in the sector that holds a
 * whole record (magic, header CRC, commit mark and record CRC all check), or
 * SLOT_END.  Only magic matches are looked at closely. */
static herald_status_t resync(const herald_flash_queue_t *q, uint32_t sec, uint32_t *off, slot_t *r, int *kind)
{
    uint8_t buf[RESYNC_STEP + 4u];
    uint32_t last = q->sector_size - BODY_OFF(q); /* no record starts after this */
    uint32_t p = *off + q->unit;
    *kind = SLOT_END;
    while (p <= last) {
        uint32_t n = q->sector_size - p < (uint32_t)sizeof buf ? q->sector_size - p : (uint32_t)sizeof buf;
        herald_status_t st = rd(q, sec_addr(q, sec) + p, buf, n);
        if (st != HERALD_OK) {
            return st;
        }
        /* p + i <= last leaves a whole header after i, so buf holds its magic */
        for (uint32_t i = 0u; i < RESYNC_STEP && p + i <= last; i += q->unit) {
            if (get_le32(buf + i) != REC_MAGIC) {
                continue;
            }
            st = scan(q, sec, p + i, r, kind);
            if (st != HERALD_OK || (*kind == SLOT_REC && r->whole)) {
                *off = p + i;
                return st;
            }
            *kind = SLOT_END;
        }
        p += RESYNC_STEP;
    }
    return HERALD_OK;
}

/* The record at addr is the one whose commit failed (the caller still holds
 * it): it is neither delivered nor counted as damaged by this instance. */
static int is_dud(const herald_flash_queue_t *q, uint32_t addr)
{
    return q->have_dud != 0u && q->dud == addr;
}

/* Count a committed record that damage keeps from being delivered, and set
 * its retire mark so that it is counted once (if that program fails it is
 * counted again at the next boot; nothing else depends on it).  With
 * HERALD_FLASH_QUEUE_DEFER_MARKS the mark waits in pend for
 * herald_flash_queue_mark_damaged(), so that the caller can save the count
 * first; a record already there is not counted again. */
static void lost_to_damage(herald_flash_queue_t *q, uint32_t sec, uint32_t off)
{
    uint32_t addr = sec_addr(q, sec) + off;
    if (is_dud(q, addr)) {
        (void)prog(q, addr + RETIRE_OFF(q), zeros, q->unit); /* abort's try may have failed */
        return;
    }
    for (uint32_t i = 0u; i < q->npend; i++) {
        if (q->pend[i] == addr) {
            return;
        }
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
    (void)prog(q, addr + RETIRE_OFF(q), zeros, q->unit);
}

/* The next record at or after *off in sector sec, stepping over torn headers
 * (each torn one that was a waiting record goes to lost_to_damage when
 * `account`); *gap is set when one was stepped over.  *kind is SLOT_END or
 * SLOT_REC. */
static herald_status_t next_slot(herald_flash_queue_t *q, uint32_t sec, uint32_t *off, slot_t *r, int *kind,
                                 int account, int *gap)
{
    herald_status_t st = scan(q, sec, *off, r, kind);
    while (st == HERALD_OK && *kind == SLOT_TORN) {
        *gap = 1;
        if (account && r->damaged) {
            lost_to_damage(q, sec, *off);
        }
        st = resync(q, sec, off, r, kind);
    }
    return st;
}

/* Whether sector sec holds a record that checks out and is not retired
 * (the dud aside); with `older_go`, records numbered before the write
 * sector's header (an erase already decided may have brought their retire
 * marks back) do not count. */
static herald_status_t holds_live(herald_flash_queue_t *q, uint32_t sec, int older_go, int *yes)
{
    uint32_t off = FIRST_REC(q);
    slot_t r;
    int kind;
    int gap = 0;
    *yes = 0;
    for (;;) {
        herald_status_t st = next_slot(q, sec, &off, &r, &kind, 0, &gap);
        if (st != HERALD_OK || kind == SLOT_END) {
            return st;
        }
        if (r.live && !is_dud(q, sec_addr(q, sec) + off) && !(older_go && after(q->w_seq, r.meta.seq))) {
            *yes = 1;
            return HERALD_OK;
        }
        off += r.size;
    }
}

/* The numbers of the records in sec that check out: how many, the first and
 * the last as they lie, and whether each is after the one before. */
static herald_status_t seqs_of(herald_flash_queue_t *q, uint32_t sec, uint32_t *n, uint32_t *first,
                               uint32_t *last, int *ordered)
{
    uint32_t off = FIRST_REC(q);
    slot_t r;
    int kind;
    int gap = 0;
    *n = 0u;
    *first = 0u;
    *last = 0u;
    *ordered = 1;
    for (;;) {
        herald_status_t st = next_slot(q, sec, &off, &r, &kind, 0, &gap);
        if (st != HERALD_OK || kind == SLOT_END) {
            return st;
        }
        /* every record whose header checks out took its number, whole,
         * damaged or never committed: its CRC vouches for the number */
        if (*n == 0u) {
            *first = r.meta.seq;
        } else if (!after(r.meta.seq, *last)) {
            *ordered = 0;
        } else {
            /* in order */
        }
        *last = r.meta.seq;
        (*n)++;
        off += r.size;
    }
}

/* Whether sec belongs to the log whose newest sector is wsec: a sector counts
 * with a valid header and the epoch its place in the rotation implies, and
 * the one after wsec not at all once wsec's erase mark is set.  A sector
 * whose two header copies are both damaged is taken by its place: when the
 * sector after it is in the log by its header, it was the sector opened just
 * before that one (sectors open in turn), so it belongs, provided its
 * records are numbered in order and before that sector's next_seq (which
 * keeps out the write sector's successor when it holds newer records, see
 * recover). */
static herald_status_t in_log(herald_flash_queue_t *q, uint32_t sec, int *yes)
{
    uint32_t dist = (q->wsec + q->sector_count - sec) % q->sector_count;
    uint32_t epoch;
    uint32_t seq;
    uint32_t n;
    uint32_t first;
    uint32_t last;
    int copies;
    int ordered;
    int erasing = 0;
    herald_status_t st = read_sec_hdr(q, sec, &epoch, &seq, &copies);
    *yes = 0;
    if (st == HERALD_OK && dist == q->sector_count - 1u) {
        st = read_mark(q, sec_addr(q, q->wsec) + MARK_OFF, &erasing);
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
    st = read_sec_hdr(q, next_sec(q, sec), &epoch, &seq, &copies);
    if (st != HERALD_OK || copies == 0 || epoch != q->wepoch - (dist - 1u)) {
        return st;
    }
    st = seqs_of(q, sec, &n, &first, &last, &ordered);
    *yes = st == HERALD_OK && ordered && (n == 0u || after(seq, last));
    return st;
}

/* Move writing to the next sector: refuse if it still holds waiting records,
 * else set the erase mark, erase it and give it the next epoch. */
static herald_status_t open_next(herald_flash_queue_t *q)
{
    uint32_t sec = next_sec(q, q->wsec);
    uint32_t epoch = q->have_w ? q->wepoch + 1u : 1u;
    uint32_t mark = sec_addr(q, q->wsec) + MARK_OFF;
    uint32_t got_epoch = 0u;
    uint32_t got_seq;
    uint8_t h[SEC_FIELDS];
    uint8_t m[16];
    int erasing = 0;
    int live = 0;
    int copies = 0;
    herald_status_t st = HERALD_OK;

    /* Records leave in order, so unless the head is there, nothing in the
     * next sector is waiting any more. */
    if (q->count > 0u && q->head / q->sector_size == sec) {
        return HERALD_E_QUEUE_FULL;
    }
    if (q->have_w) {
        st = rd(q, mark, m, q->unit);
        erasing = st == HERALD_OK && mark_set(m, q->unit);
    }
    /* And still, never erase a record that checks out and was not retired,
     * whatever the count says (a sector outside the log by damage to its
     * header, or a count that damage put wrong).  Only once the erase mark
     * is set (the erase was decided; a cut erase may have brought retire
     * marks back) do records older than the write sector not count: a
     * successor that dropped out of the log holds newer ones. */
    if (st == HERALD_OK) {
        st = holds_live(q, sec, erasing, &live);
    }
    if (st == HERALD_OK && live) {
        return HERALD_E_QUEUE_FULL;
    }
    if (st == HERALD_OK && q->have_w && !all_are(m, q->unit, 0x00u)) {
        st = prog(q, mark, zeros, q->unit);
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
    (void)memset(h, 0xFF, sizeof h);
    put_le32(h, SEC_MAGIC);
    put_le32(h + 4, epoch);
    put_le32(h + 8, q->next_seq);
    put_le32(h + 12, herald_crc32(0, h, 12u));
    /* Two programs, so that a cut can tear only one copy. */
    st = prog(q, sec_addr(q, sec), h, sizeof h);
    if (st == HERALD_OK) {
        st = prog(q, sec_addr(q, sec) + SEC_FIELDS, h, sizeof h);
    }
    /* Read both back: a stuck bit "programs" without complaint, and a
     * sector that hangs on one copy would drop out of the log at the next
     * flip, taking its records with it. */
    if (read_sec_hdr(q, sec, &got_epoch, &got_seq, &copies) != HERALD_OK) {
        copies = 0;
        st = HERALD_E_FLASH;
    }
    if (st == HERALD_OK && (copies < 2 || got_epoch != epoch)) {
        st = HERALD_E_FLASH;
    }
    if (st != HERALD_OK) {
        /* A copy that landed makes sec the newest sector for recovery:
         * nothing more may go into the old one (its numbers would come
         * again), nor into sec (one copy is not enough): it is closed and
         * the next begin opens the one after it.  No copy: the next begin
         * erases sec again. */
        if (copies > 0 && got_epoch == epoch) {
            q->wsec = sec;
            q->wepoch = epoch;
            q->w_seq = q->next_seq;
            q->w_adopted = 0u;
            q->have_w = 1u;
        }
        q->woff = q->sector_size;
        return HERALD_E_FLASH;
    }
    q->wsec = sec;
    q->wepoch = epoch;
    q->w_seq = q->next_seq;
    q->w_adopted = 0u;
    q->woff = FIRST_REC(q);
    q->have_w = 1u;
    return HERALD_OK;
}

/* Walk the log from (sec, off) to the end of the write sector over the
 * waiting records.  To find the head (count_all 0) it stops at the first
 * one, makes it the head and sets *n to 1, counting what it finds damaged
 * on the way (and closing the write sector behind a damaged header); to
 * count (count_all 1) it only counts them all into *n, accounting for
 * nothing: a recount after damage (one whose commit failed was never
 * counted, so the count is taken afresh rather than adjusted). */
static herald_status_t walk_log(herald_flash_queue_t *q, uint32_t sec, uint32_t off, int count_all, uint32_t *n)
{
    slot_t r;
    int kind;
    int ok = 1;
    herald_status_t st;
    *n = 0u;
    for (;;) {
        if (ok) {
            int gap = 0;
            st = next_slot(q, sec, &off, &r, &kind, !count_all, &gap);
            if (!count_all && st == HERALD_OK && kind == SLOT_REC && r.damaged) {
                lost_to_damage(q, sec, off);
            }
            /* A header damaged since it was written: nothing more may be
             * appended behind it. */
            if (!count_all && gap && sec == q->wsec) {
                q->woff = q->sector_size;
            }
            if (st != HERALD_OK) {
                return st;
            }
            if (kind == SLOT_REC) {
                if (r.live && !is_dud(q, sec_addr(q, sec) + off)) {
                    (*n)++;
                    if (!count_all) {
                        q->head = sec_addr(q, sec) + off;
                        q->head_meta = r.meta;
                        return HERALD_OK;
                    }
                }
                off += r.size;
                continue;
            }
        }
        if (sec == q->wsec) {
            return HERALD_OK;
        }
        sec = next_sec(q, sec);
        off = FIRST_REC(q);
        st = in_log(q, sec, &ok);
        if (st != HERALD_OK) {
            return st;
        }
    }
}

/* The head has gone (retired, or found damaged by a read): find the next. */
static herald_status_t drop_head(herald_flash_queue_t *q)
{
    uint32_t sec = q->head / q->sector_size;
    uint32_t before = q->damaged;
    herald_status_t st;
    uint32_t found;

    q->rgood = 0u;
    if (--q->count == 0u) {
        return HERALD_OK;
    }
    st = walk_log(q, sec, q->head - sec_addr(q, sec) + rec_size(q, q->head_meta.body_len), 0, &found);
    if (st == HERALD_OK && found == 0u) {
        q->count = 0u; /* what was counted has been damaged since (bit rot): it cannot be sent */
    } else if (st == HERALD_OK && q->damaged != before) {
        sec = q->head / q->sector_size;
        st = walk_log(q, sec, q->head - sec_addr(q, sec), 1, &q->count);
    } else {
        /* the next waiting record is the head now, or a read failed */
    }
    if (st != HERALD_OK) {
        q->fault = 1u; /* the head is unknown now */
    }
    return st;
}

/* ---- recovery ----------------------------------------------------------------- */

/* The write sector's successor may have dropped out of the log with newer
 * records in it: both its header copies damaged, after the erase mark of
 * the write sector was set (it was opened after it), holding records that
 * check out, in order, none numbered before the write sector's header.
 * Then it is the write sector (closed: nothing more is appended there). */
static herald_status_t adopt_successor(herald_flash_queue_t *q)
{
    uint32_t sec = next_sec(q, q->wsec);
    uint32_t epoch;
    uint32_t seq;
    uint32_t n = 0u;
    uint32_t first = 0u;
    uint32_t last;
    int copies;
    int ordered = 0;
    int erasing = 0;
    herald_status_t st = read_sec_hdr(q, sec, &epoch, &seq, &copies);
    if (st == HERALD_OK && copies == 0) {
        st = read_mark(q, sec_addr(q, q->wsec) + MARK_OFF, &erasing);
    }
    if (st == HERALD_OK && copies == 0 && erasing) {
        st = seqs_of(q, sec, &n, &first, &last, &ordered);
    }
    if (st == HERALD_OK && n > 0u && ordered && !after(q->w_seq, first)) {
        q->wsec = sec;
        q->wepoch++;
        q->w_seq = first; /* what its lost header said, as near as its records tell */
        q->w_adopted = 1u;
    }
    return st;
}

/* Rebuild everything from flash: the write sector (newest epoch), the head
 * (first waiting record in log order), the count, where the next record goes
 * and the next sequence number.  Writes only the retire marks of records it
 * finds damaged (lost_to_damage), and not those with DEFER_MARKS. */
static herald_status_t recover(herald_flash_queue_t *q)
{
    uint32_t sec;
    uint32_t epoch;
    uint32_t seq;
    uint32_t n;
    uint32_t first = 0u;
    uint32_t off = 0u;
    uint32_t unused_crc = 0u;
    slot_t r;
    int valid;
    int copies;
    int w_copies = 0;
    int kind = SLOT_END;
    int gap = 0;
    int have_last = 0;
    herald_status_t st;

    for (sec = 0u; sec < q->sector_count; sec++) {
        st = read_sec_hdr(q, sec, &epoch, &seq, &copies);
        if (st != HERALD_OK) {
            return st;
        }
        if (copies > 0 && (!q->have_w || after(epoch, q->wepoch))) {
            q->have_w = 1u;
            q->wsec = sec;
            q->wepoch = epoch;
            q->w_seq = seq;
            w_copies = copies;
        }
    }
    if (!q->have_w) {
        q->wsec = q->sector_count - 1u; /* blank: the first record opens sector 0 */
        q->woff = q->sector_size;
        q->next_seq = 1u;
        return HERALD_OK;
    }
    st = adopt_successor(q);
    if (st != HERALD_OK) {
        return st;
    }
    w_copies = q->w_adopted ? 0 : w_copies;
    /* Oldest first: the sector after the write sector, round to it. */
    for (uint32_t i = 1u; i <= q->sector_count; i++) {
        sec = (q->wsec + i) % q->sector_count;
        if (sec != q->wsec) {
            st = in_log(q, sec, &valid);
            if (st != HERALD_OK) {
                return st;
            }
            if (!valid) {
                continue;
            }
        }
        off = FIRST_REC(q);
        gap = 0;
        for (;;) {
            st = next_slot(q, sec, &off, &r, &kind, 1, &gap);
            if (st != HERALD_OK) {
                return st;
            }
            if (kind != SLOT_REC) {
                break;
            }
            if (r.damaged) {
                lost_to_damage(q, sec, off);
            }
            if (r.live && q->count++ == 0u) {
                q->head = sec_addr(q, sec) + off;
                q->head_meta = r.meta;
            }
            if (sec == q->wsec) {
                seq = r.meta.seq;
                have_last = 1;
            }
            off += r.size;
        }
    }
    /* A bad header in the write sector hid how many records (each took a
     * number) lay in the gap; skip as many numbers as could have fitted, so
     * that no handle is ever given twice. */
    q->next_seq = (have_last ? seq + 1u : q->w_seq) + (gap ? q->sector_size / rec_size(q, 0u) : 0u);
    /* Nor a number that a record after the write sector holds (one that
     * dropped out of the log: see adopt_successor). */
    st = seqs_of(q, next_sec(q, q->wsec), &n, &first, &seq, &valid);
    if (st != HERALD_OK) {
        return st;
    }
    if (n > 0u && !after(q->next_seq, seq)) {
        q->next_seq = seq + 1u;
    }
    /* Append only where the write sector is erased to its end, and only
     * while both copies of its header check out (on one copy it would drop
     * out of the log at the next flip); anything else closes it. */
    q->woff = (gap || w_copies < 2) ? q->sector_size : off;
    st = read_range(q, sec_addr(q, q->wsec) + q->woff, q->sector_size - q->woff, &unused_crc, &valid);
    if (!valid) {
        q->woff = q->sector_size;
    }
    return st;
}

/* ---- the seam ------------------------------------------------------------------ */

/* The REC_FIELDS bytes of a record's header. */
static void rec_hdr(uint8_t *h, const herald_queue_rec_t *meta)
{
    put_le32(h, REC_MAGIC);
    put_le32(h + 4, meta->seq);
    put_le32(h + 8, meta->body_len);
    put_le32(h + 12, meta->expires_s);
    h[16] = meta->priority;
    put_le32(h + 17, herald_crc32(0, h, 17u));
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
    size = rec_size(q, meta->body_len);
    if (!q->have_w || size > q->sector_size - q->woff) {
        st = open_next(q);
        if (st != HERALD_OK) {
            return st;
        }
    }
    if (q->next_seq == 0u) {
        q->next_seq = 1u; /* 0 is never a handle */
    }
    meta->seq = q->next_seq;
    (void)memset(h, 0xFF, sizeof h);
    rec_hdr(h, meta);
    q->rec = sec_addr(q, q->wsec) + q->woff;
    st = prog(q, q->rec, h, CRC_OFF(q));
    if (st != HERALD_OK) {
        q->woff = q->sector_size; /* the header may be half there: close the sector */
        return st;
    }
    q->woff += size; /* taken even if the record is aborted */
    q->next_seq++;
    q->wmeta = *meta;
    q->crc = herald_crc32(0, h, REC_FIELDS);
    q->wr = q->rec + BODY_OFF(q);
    q->left = meta->body_len;
    q->staged = 0u;
    q->wfail = 0u;
    q->writing = 1u;
    return HERALD_OK;
}

/* Program body bytes of the record being written; a failure spoils it. */
static herald_status_t prog_body(herald_flash_queue_t *q, const void *data, size_t n)
{
    if (prog(q, q->wr, data, n) != HERALD_OK) {
        q->wfail = 1u;
        return HERALD_E_FLASH;
    }
    q->wr += (uint32_t)n;
    return HERALD_OK;
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
    if (q->staged) {
        n = q->unit - q->staged < len ? q->unit - q->staged : len;
        (void)memcpy(q->stage + q->staged, d, n);
        q->staged = (uint8_t)(q->staged + n);
        d += n;
        len -= n;
        if (q->staged < q->unit) {
            return HERALD_OK;
        }
        if (prog_body(q, q->stage, q->unit) != HERALD_OK) {
            return HERALD_E_FLASH;
        }
        q->staged = 0u;
    }
    n = len & ~(size_t)(q->unit - 1u);
    if (n > 0u && prog_body(q, d, n) != HERALD_OK) {
        return HERALD_E_FLASH;
    }
    d += n;
    len -= n;
    (void)memcpy(q->stage, d, len);
    q->staged = (uint8_t)len;
    return HERALD_OK;
}

static herald_status_t fq_commit(void *ctx)
{
    herald_flash_queue_t *q = ctx;
    uint8_t c[16];
    herald_status_t st = HERALD_OK;

    if (!q->writing || q->left != 0u) {
        return HERALD_E_INVALID_ARG;
    }
    if (q->wfail) {
        return HERALD_E_FLASH;
    }
    /* Body, then CRC, then the commit mark last: until the mark is whole the
     * record does not exist for recovery. */
    q->writing = 2u;
    if (q->staged) {
        (void)memset(q->stage + q->staged, 0xFF, q->unit - q->staged);
        st = prog_body(q, q->stage, q->unit);
    }
    (void)memset(c, 0xFF, sizeof c);
    put_le32(c, q->crc);
    if (st == HERALD_OK) {
        st = prog(q, q->rec + CRC_OFF(q), c, AL(q, 4u));
    }
    if (st == HERALD_OK) {
        st = prog(q, q->rec + COMMIT_OFF(q), zeros, q->unit);
    }
    /* Read it back: a part with a stuck bit "programs" without complaint,
     * and a record that does not read as written must fail here, where the
     * caller still holds the notification, not later as a loss. */
    if (st == HERALD_OK) {
        slot_t r;
        int kind;
        st = scan(q, q->rec / q->sector_size, q->rec % q->sector_size, &r, &kind);
        if (st == HERALD_OK && (kind != SLOT_REC || !r.live || r.meta.seq != q->wmeta.seq)) {
            st = HERALD_E_FLASH;
        }
    }
    if (st != HERALD_OK) {
        q->wfail = 1u;
        return st;
    }
    q->writing = 0u;
    if (q->count++ == 0u) {
        q->head = q->rec;
        q->head_meta = q->wmeta;
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
        (void)prog(q, q->rec + RETIRE_OFF(q), zeros, q->unit);
        /* Its caller was told it failed: whatever it reads like, this
         * instance neither delivers it nor counts it as damaged (nor lets
         * it keep its sector from being erased). */
        q->dud = q->rec;
        q->have_dud = 1u;
    }
    q->writing = 0u;
}

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

/* Reads that run from offset 0 to the end in order (as the agent and the
 * CLI read) carry a CRC along, and the last piece fails when the record no
 * longer matches the CRC it was committed with: a body damaged at rest since
 * init is never handed out whole.  The record is then lost to damage: counted,
 * retired, and the head moves on (so the caller does not retry it forever). */
static herald_status_t fq_read(void *ctx, const herald_queue_rec_t *rec, size_t off, char *buf, size_t len)
{
    herald_flash_queue_t *q = ctx;
    uint8_t c[4];
    uint32_t sec;
    herald_status_t st;
    if (q->fault) {
        return HERALD_E_FLASH;
    }
    if (q->count == 0u || rec->seq != q->head_meta.seq || off > q->head_meta.body_len ||
        len > q->head_meta.body_len - off) {
        return HERALD_E_INVALID_ARG;
    }
    if (off == 0u) {
        /* The header as it was found, not as it reads now: a record that
         * changed under the reader (damage, or another process that erased
         * the sector and wrote it again) fails the CRC too. */
        uint8_t h[REC_FIELDS];
        rec_hdr(h, &q->head_meta);
        q->rcrc = herald_crc32(0, h, sizeof h);
        q->roff = 0u;
        q->rgood = 1u;
    } else if (off != q->roff) {
        q->rgood = 0u; /* out of order: this pass is not checked */
    } else {
        /* the next piece */
    }
    st = rd(q, q->head + BODY_OFF(q) + (uint32_t)off, buf, len);
    if (st != HERALD_OK || q->rgood == 0u) {
        return st;
    }
    q->rcrc = herald_crc32(q->rcrc, buf, len);
    q->roff += (uint32_t)len;
    if (q->roff < q->head_meta.body_len) {
        return HERALD_OK;
    }
    q->rgood = 0u;
    st = rd(q, q->head + CRC_OFF(q), c, sizeof c);
    if (st != HERALD_OK || get_le32(c) == q->rcrc) {
        return st;
    }
    sec = q->head / q->sector_size;
    lost_to_damage(q, sec, q->head - sec_addr(q, sec));
    (void)drop_head(q);
    return HERALD_E_FLASH;
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
    st = prog(q, q->head + RETIRE_OFF(q), zeros, q->unit);
    if (st != HERALD_OK) {
        return st; /* programming 0x00 again later is always allowed */
    }
    /* Retired now, whatever follows: a failure to find the next head is a
     * fault (see queue.h), not a record that stays. */
    return drop_head(q);
}

static size_t fq_count(void *ctx)
{
    return ((herald_flash_queue_t *)ctx)->count;
}

static uint32_t fq_damaged(void *ctx)
{
    return ((herald_flash_queue_t *)ctx)->damaged;
}

herald_status_t herald_flash_queue_init(herald_flash_queue_t *q, const herald_flash_t *flash, herald_queue_t *out)
{
    return herald_flash_queue_init_ex(q, flash, out, 0u);
}

herald_status_t herald_flash_queue_mark_damaged(herald_flash_queue_t *q)
{
    uint32_t kept = 0u;
    if (!q) {
        return HERALD_E_INVALID_ARG;
    }
    for (uint32_t i = 0u; i < q->npend; i++) {
        if (prog(q, q->pend[i] + RETIRE_OFF(q), zeros, q->unit) != HERALD_OK) {
            q->pend[kept] = q->pend[i]; /* still counted, still to mark */
            kept++;
        }
    }
    q->npend = (uint8_t)kept;
    return kept == 0u ? HERALD_OK : HERALD_E_FLASH;
}

herald_status_t herald_flash_queue_init_ex(herald_flash_queue_t *q, const herald_flash_t *flash, herald_queue_t *out,
                                           unsigned flags)
{
    const herald_flash_geometry_t *g;
    herald_status_t st;
    if (!q || !flash || !out) {
        return HERALD_E_INVALID_ARG;
    }
    g = &flash->geometry;
    if ((g->program_size != 1u && g->program_size != 4u && g->program_size != 8u && g->program_size != 16u) ||
        g->sector_count < 2u || g->sector_size < 64u || g->sector_size % g->program_size != 0u ||
        (uint64_t)g->sector_size * g->sector_count > 0xFFFFFFFFu) {
        return HERALD_E_INVALID_ARG;
    }
    (void)memset(q, 0, sizeof *q);
    q->flash = flash;
    q->sector_size = g->sector_size;
    q->sector_count = g->sector_count;
    q->unit = g->program_size;
    q->defer = (flags & HERALD_FLASH_QUEUE_DEFER_MARKS) != 0u ? 1u : 0u;
    if (q->sector_size < FIRST_REC(q) + BODY_OFF(q) + q->unit) {
        return HERALD_E_INVALID_ARG;
    }
    st = recover(q);
    if (st == HERALD_OK) {
        *out = (herald_queue_t){ fq_begin, fq_write, fq_commit, fq_abort, fq_peek, fq_read, fq_retire, fq_count, q, fq_damaged };
    }
    return st;
}
