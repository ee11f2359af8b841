/* SPDX-License-Identifier: Apache-2.0 */
/* The flash queue's insides, shared by its four files:
 *   queue_flash.c          the seam (herald_queue_t), init and the walk
 *   queue_flash_io.c       flash access, sector headers and tails, one record slot
 *   queue_flash_log.c      the log: which sectors belong, the head, the next sector
 *   queue_flash_recover.c  rebuilding the queue from flash at init
 *
 * Sector layout (every field starts on a program unit, u bytes):
 *   [magic, epoch, next_seq, crc32 of those 12 bytes]  programmed once after erase
 *   [the same 16 bytes again]      a second copy, programmed after the first
 *   [erase mark, u bytes]          0x00: the erase of the next sector has begun
 *   records...
 *   [tail: magic, erase count, crc32 of those 8 bytes, rounded up to u]
 *                                  the last bytes, programmed right after the erase
 * Record layout:
 *   [magic, seq, body_len, expires_s, priority, crc32 of those 17 bytes]
 *                                                  21 bytes, programmed at begin
 *   [crc32 over those 21 bytes and the body]       programmed at commit
 *   [commit mark, u bytes of 0x00]                 programmed last at commit
 *   [retire mark, u bytes of 0x00]                 programmed at retire
 *   [body, rounded up to u]                        programmed as it streams in
 *
 * The tail came later (format 2): sectors written before it have records up
 * to their end and no count; they are read as before and their erase count
 * is unknown until the queue erases them.  Nothing else depends on the tail:
 * it is shorter than a record's fixed part, so a slot there is never taken
 * for a record (scan treats a header whose first bytes before the tail read
 * erased as the end), and a damaged tail costs only the count.  The count
 * is read before the erase and written as one more after it (bit 31 set:
 * counted from an unknown start, "at least"); a sector whose tail reads
 * erased (never erased by the queue, or an erase cut before its tail went
 * in) starts from 0.  A queue of herald before format 2 still reads format 2
 * sectors (it closes a write sector whose tail it takes for written space).
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
 *   - Writing resumes only where the write sector reads erased up to its
 *     tail, so no unit is ever programmed twice, except marks, which may be
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
 *   - in a mark or in padding: nothing (the majority rule above);
 *   - in a sector tail: that sector's erase count (unknown from then on).
 * A body damaged after init is caught by the CRC that read carries along.
 * A damaged record is counted once: when recovery or the walk to the next
 * head finds it, its retire mark is programmed (zeros, which is always
 * allowed) so that the next boot does not count it again.  That is the only
 * write init ever does, and only on a damaged flash (with DEFER_MARKS not
 * even that: the caller programs them after saving the count).
 * Records leave in order (FIFO), so the sectors free up in the order they were
 * written and no compaction or spare sector is needed. */
#ifndef HERALD_QUEUE_FLASH_PRIV_H
#define HERALD_QUEUE_FLASH_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include "herald/queue.h"

#define SEC_MAGIC 0x31534851u  /* "QHS1" */
#define REC_MAGIC 0x31524851u  /* "QHR1" */
#define TAIL_MAGIC 0x31434851u /* "QHC1" */
#define SEC_FIELDS 16u         /* a multiple of every program size */
#define REC_FIELDS 21u         /* the header, its own CRC included */
#define TAIL_FIELDS 12u
#define RESYNC_STEP 32u /* bytes looked at per read while resyncing; a multiple of every unit */

/* Where things are, for program size u = q->unit (see the layout above). */
#define AL(q, n) (((n) + (q)->unit - 1u) & ~((q)->unit - 1u))
#define MARK_OFF (2u * SEC_FIELDS)                          /* in a sector: the erase mark */
#define FIRST_REC(q) (MARK_OFF + (q)->unit)                 /* in a sector: the first record */
#define TAIL_OFF(q) ((q)->sector_size - AL(q, TAIL_FIELDS)) /* in a sector: the tail; records end here */
#define CRC_OFF(q) AL(q, REC_FIELDS)                        /* in a record: */
#define COMMIT_OFF(q) (CRC_OFF(q) + AL(q, 4u))
#define RETIRE_OFF(q) (COMMIT_OFF(q) + (q)->unit)
#define BODY_OFF(q) (RETIRE_OFF(q) + (q)->unit)

enum { SLOT_END, SLOT_TORN, SLOT_REC };

typedef struct {
    herald_queue_rec_t meta;
    uint32_t size;
    int live;    /* committed, whole and not retired */
    int whole;   /* committed and its CRC matches (retired or not) */
    int damaged; /* committed and not retired, but its bytes fail their CRC */
} slot_t;

/* A place in the log. */
typedef struct {
    uint32_t sec;
    uint32_t off;
} herald_fq_pos_t;

extern const uint8_t herald_fq_zeros[16];

static inline uint32_t herald_fq_rec_size(const herald_flash_queue_t *q, uint32_t body_len)
{
    return BODY_OFF(q) + AL(q, body_len);
}

static inline uint32_t herald_fq_sec_addr(const herald_flash_queue_t *q, uint32_t sec)
{
    return sec * q->sector_size;
}

static inline uint32_t herald_fq_next_sec(const herald_flash_queue_t *q, uint32_t sec)
{
    return sec + 1u < q->sector_count ? sec + 1u : 0u;
}

/* Serial-number order: a is after b (valid while they are < 2^31 apart). */
static inline int herald_fq_after(uint32_t a, uint32_t b)
{
    uint32_t d = a - b;
    return d != 0u && d < 0x80000000u; /* (int32_t)(a - b) > 0 */
}

/* ---- queue_flash_io.c */
int herald_fq_all_are(const uint8_t *p, size_t n, uint8_t v);
herald_status_t herald_fq_rd(const herald_flash_queue_t *q, uint32_t addr, void *buf, size_t len);
herald_status_t herald_fq_prog(const herald_flash_queue_t *q, uint32_t addr, const void *data, size_t len);
/* Is the mark unit at addr set? */
herald_status_t herald_fq_read_mark(const herald_flash_queue_t *q, uint32_t addr, int *set);
/* Continue *crc over a range and say whether it is all 0xFF. */
herald_status_t herald_fq_read_range(const herald_flash_queue_t *q, uint32_t addr, uint32_t len,
                                     uint32_t *crc, int *blank);
/* A sector header: *copies that check out (0, 1 or 2), epoch and next_seq
 * from the first that does. */
herald_status_t herald_fq_read_sec_hdr(const herald_flash_queue_t *q, uint32_t sec, uint32_t *epoch,
                                       uint32_t *next_seq, int *copies);
/* A sector's erase count as stats reports it (HERALD_QUEUE_ERASES_*). */
herald_status_t herald_fq_read_erases(const herald_flash_queue_t *q, uint32_t sec, uint32_t *count);
/* Program the tail of a sector just erased with the count read before. */
herald_status_t herald_fq_write_tail(const herald_flash_queue_t *q, uint32_t sec, uint32_t before);
/* The REC_FIELDS bytes of a record's header. */
void herald_fq_rec_hdr(uint8_t *h, const herald_queue_rec_t *meta);
/* The slot at (sec, off): SLOT_END, SLOT_TORN or SLOT_REC (see slot_t). */
herald_status_t herald_fq_scan(const herald_flash_queue_t *q, uint32_t sec, uint32_t off, slot_t *r,
                               int *kind);
/* After a torn header at *off: the next place in sec that holds a whole
 * record, or SLOT_END. */
herald_status_t herald_fq_resync(const herald_flash_queue_t *q, uint32_t sec, uint32_t *off, slot_t *r,
                                 int *kind);
/* Whether the record at addr is still committed, unretired and as meta says
 * (its header only: the body's CRC is read's to check). */
herald_status_t herald_fq_still_there(const herald_flash_queue_t *q, uint32_t addr,
                                      const herald_queue_rec_t *meta, int *yes);

/* ---- queue_flash_log.c */
/* The next record at or after p->off in p->sec, over torn headers (those
 * that were waiting records go to lost_to_damage when `account`); *gap set
 * when one was stepped over.  *kind is SLOT_END or SLOT_REC. */
herald_status_t herald_fq_next_slot(herald_flash_queue_t *q, herald_fq_pos_t *p, slot_t *r, int *kind,
                                    int account, int *gap);
int herald_fq_is_dud(const herald_flash_queue_t *q, uint32_t addr);
void herald_fq_lost_to_damage(herald_flash_queue_t *q, uint32_t addr);
herald_status_t herald_fq_seqs_of(herald_flash_queue_t *q, uint32_t sec, uint32_t *n, uint32_t *first,
                                  uint32_t *last, int *ordered);
herald_status_t herald_fq_in_log(herald_flash_queue_t *q, uint32_t sec, int *yes);
/* The first waiting record at or after *p, up to the end of the write
 * sector: *found 0 when there is none; *p is left on it. */
herald_status_t herald_fq_log_next(herald_flash_queue_t *q, herald_fq_pos_t *p, int account, slot_t *r,
                                   int *found);
void herald_fq_set_head(herald_flash_queue_t *q, uint32_t addr, const herald_queue_rec_t *meta);
herald_status_t herald_fq_drop_head(herald_flash_queue_t *q);
herald_status_t herald_fq_open_next(herald_flash_queue_t *q);

/* ---- queue_flash_recover.c */
herald_status_t herald_fq_recover(herald_flash_queue_t *q);

/* Bytes from the head to wend (where the write sector's records end), and
 * what new records may still take (queue_flash_log.c). */
size_t herald_fq_bytes_used(const herald_flash_queue_t *q, uint32_t wend);
size_t herald_fq_bytes_free(const herald_flash_queue_t *q, uint32_t wend);

#endif
