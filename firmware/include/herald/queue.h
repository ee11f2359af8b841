/* SPDX-License-Identifier: Apache-2.0 */
/* The queue seam: where accepted notifications wait, each as its encoded
 * request body.  A record is written in three steps (begin with its length,
 * write, commit) so a flash queue can stream it and commit atomically, and is
 * read back in pieces so the body never needs a second buffer.  This header
 * also declares the RAM-only queue, for boards with no flash to spare. */
#ifndef HERALD_QUEUE_H
#define HERALD_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include "herald/types.h"
#include "hal/herald_flash.h"

typedef struct {
    uint32_t seq;       /* assigned by the queue, increasing; the notification's handle */
    uint32_t body_len;  /* bytes of the request body */
    uint32_t expires_s; /* unix seconds after which it is not sent; 0: never */
    uint8_t priority;   /* 0 routine, 1 system alert */
} herald_queue_rec_t;

struct herald_queue_stats;

typedef struct herald_queue {
    /* Start a record whose body_len, expires_s and priority are taken from
     * *meta; its number is written to meta->seq.
     * HERALD_E_QUEUE_FULL: no room now; HERALD_E_NOSPACE: never fits;
     * HERALD_E_FLASH: the medium failed. */
    herald_status_t (*begin)(void *ctx, herald_queue_rec_t *meta);
    /* Append bytes to the record begun (a herald_sink_fn). */
    herald_status_t (*write)(void *ctx, const char *data, size_t len);
    /* Make the record durable and visible; abort drops it instead. */
    herald_status_t (*commit)(void *ctx);
    void (*abort)(void *ctx);
    /* The oldest record: HERALD_OK, or HERALD_E_QUEUE_EMPTY when none. */
    herald_status_t (*peek)(void *ctx, herald_queue_rec_t *out);
    /* Copy len body bytes from offset off of record rec. */
    herald_status_t (*read)(void *ctx, const herald_queue_rec_t *rec, size_t off, char *buf, size_t len);
    /* Remove the record seq (delivered, or permanently refused). */
    herald_status_t (*retire)(void *ctx, uint32_t seq);
    size_t (*count)(void *ctx);
    void *ctx;
    /* Optional (may be NULL): records this queue lost to damage of its
     * medium since it was opened (each counted once, see the flash queue).
     * The agent folds it into herald_counters()->damaged. */
    uint32_t (*damaged)(void *ctx);
    /* Optional (may be NULL): the waiting records in delivery order, read
     * only (nothing is written, retired or counted).  prev NULL gives the
     * oldest (as peek); otherwise the record after prev, which is the
     * oldest or the record this walk gave last.  read() takes that record
     * too, so its body can be read between steps.  HERALD_OK;
     * HERALD_E_QUEUE_EMPTY past the newest; HERALD_E_INVALID_ARG prev is
     * neither, or no longer waiting; HERALD_E_FLASH a read failed (a
     * record found damaged is stepped over, left for the queue's own
     * walk to count). */
    herald_status_t (*walk)(void *ctx, const herald_queue_rec_t *prev, herald_queue_rec_t *out);
    /* Optional (may be NULL): the figures in herald_queue_stats_t, and in
     * erase_counts[0..n) the erase count of each sector (those past the
     * last sector, all on RAM: HERALD_QUEUE_ERASES_UNKNOWN); erase_counts
     * may be NULL with n 0.  HERALD_E_FLASH a read failed. */
    herald_status_t (*stats)(void *ctx, struct herald_queue_stats *out, uint32_t *erase_counts, size_t n);
} herald_queue_t;

typedef struct herald_queue_stats {
    size_t records;    /* waiting (as count) */
    size_t bytes_used; /* from the oldest waiting record to where the next goes, headers included */
    size_t bytes_free; /* what new records may take before the queue is full, headers included */
    uint32_t damaged;  /* as damaged(): records lost to damage since the queue was opened */
    uint32_t erases;   /* sector erases done since the queue was opened */
    uint32_t sectors;  /* sectors of the medium; 0 when it has none (RAM) */
} herald_queue_stats_t;

/* An erase count that the sector does not hold: written before counts were
 * kept, or its count damaged.  Counted again from its next erase on, then
 * with HERALD_QUEUE_ERASES_MORE: at least that many. */
#define HERALD_QUEUE_ERASES_UNKNOWN 0xFFFFFFFFu
#define HERALD_QUEUE_ERASES_MORE 0x80000000u

/* ---- RAM queue: records packed in a caller buffer, lost at reset. */
typedef struct {
    uint8_t *buf;
    size_t cap;
    size_t head; /* offset of the oldest record */
    size_t tail; /* end of the newest committed record */
    size_t wr;   /* write position of the record being begun */
    size_t wr_end;
    size_t count;
    uint32_t next_seq;
    int writing;
    uint32_t wk_seq; /* the record the walk gave last (read takes it too) */
    int have_wk;
} herald_ram_queue_t;

/* Bind q over buf (cap >= 64 bytes) and fill *out with its operations.
 * HERALD_E_INVALID_ARG: NULL or cap too small. */
herald_status_t herald_ram_queue_init(herald_ram_queue_t *q, void *buf, size_t cap, herald_queue_t *out);

/* The buffer a RAM queue needs to hold one record of body_len bytes (16
 * bytes of header plus the body rounded up to 4, at least 64): size it from
 * herald_request_length for the largest notification the application
 * raises, times how many may wait at once.  0 when that does not fit a
 * size_t. */
size_t herald_ram_queue_need(size_t body_len);

/* ---- Flash queue: a power-loss-safe log of records on NOR flash.
 *
 * The records form one log that runs through the sectors in turn (so erases
 * rotate through all of them); a record never spans two sectors.  A power cut
 * at any point, even one that lands a write or erase partially, leaves either
 * the old or the new state: init scans the flash, skips torn and uncommitted
 * records and rebuilds the queue.  Delivery is at-least-once: a record whose
 * retirement was cut short is delivered again after the reboot, never lost.
 *
 * Costs: per record 27 bytes of overhead with a program size of 1, 36 with 4,
 * 48 with 8 and 80 with 16, plus the body rounded up to the program size; per
 * sector 45/48/56/64 bytes (the sector header is kept twice, and the last
 * 12/12/16/16 hold the sector's erase count: the layout is in
 * firmware/src/queue_flash_priv.h).  RAM: this struct, no table per record.  Erases
 * are lazy: begin() erases the next sector when the record does not fit in
 * the current one, so that begin() may take one erase time.
 *
 * Statuses of the seam functions on this queue:
 *   begin   HERALD_E_BUSY a record is already begun; HERALD_E_NOSPACE the body
 *           can never fit (see herald_flash_queue_max_body); HERALD_E_QUEUE_FULL
 *           the next sector still holds waiting records (retiring the oldest
 *           frees room one sector at a time), or records that still check
 *           out in a sector outside the log (never erased, see below);
 *           HERALD_E_FLASH the device failed, or a new sector's header did
 *           not read back as written, and nothing was begun (with one copy
 *           landed that sector is closed and the next begin opens the one
 *           after it; with none the next begin tries it again, so a sector
 *           whose both header copies hold a stuck bit keeps begin failing:
 *           the flash is worn out there).
 *   write   HERALD_E_INVALID_ARG nothing begun or more bytes than announced;
 *           HERALD_E_FLASH the device failed: abort() the record.
 *   commit  HERALD_E_INVALID_ARG nothing begun or fewer bytes than announced;
 *           HERALD_E_FLASH the device failed, or the record did not read
 *           back as written (commit reads it back: a stuck bit): abort() it
 *           (it may or may not survive a reboot, but it is never seen
 *           damaged).
 *   abort   drops the record begun; its space is not reused before the
 *           sector is next erased.
 *   peek    HERALD_E_QUEUE_EMPTY; HERALD_E_FLASH after a fault (below).
 *   read    HERALD_E_INVALID_ARG rec is neither the oldest record nor the
 *           one walk gave last (or that one no longer waits), or the range
 *           passes its end; HERALD_E_FLASH a read failed, or (on the last
 *           piece of reads that ran from offset 0 in order) the record no
 *           longer matches its CRC: it was damaged after init; the oldest
 *           is then lost to damage (counted, retired, the next record is
 *           the head), a later one is left for the head's walk to count.
 *           Reads out of order are not checked.
 *   walk    steps as the head does (each record's CRC is read as it steps,
 *           so walking the whole queue reads the whole log) and programs
 *           nothing; HERALD_E_FLASH after a fault.
 *   stats   bytes_used runs from the oldest record to where the next one
 *           goes (so it holds the rest of a closed sector and aborted
 *           records between); bytes_free is the rest of the write sector
 *           and the sectors the rotation reaches before the oldest record
 *           (a sector outside the log that still holds records, see below,
 *           makes it smaller than that); erases are this instance's; the
 *           erase counts are read from each sector's tail (queue_flash_priv.h:
 *           HERALD_QUEUE_ERASES_UNKNOWN for a sector last erased by a herald
 *           that kept no counts).
 *   retire  HERALD_E_INVALID_ARG seq is not the oldest record (records leave
 *           in order); HERALD_E_FLASH either the mark was not written (the
 *           record stays the oldest and is delivered again) or it was and
 *           finding the next record then failed (a fault, below: the record
 *           is retired; a reboot recovers the rest).
 * A read failure while retire looks for the next record is a fault: from
 * then on every call fails with HERALD_E_FLASH until herald_flash_queue_init
 * runs again.
 *
 * Bit damage (a bit flipped at rest, or stuck at 0 or 1), what it costs:
 *   - a record's header, CRC or body: that record only.  It is skipped,
 *     counted once in `damaged` (its retire mark is set so that the next
 *     boot does not count it again) and so reported through
 *     herald_counters()->damaged.  Behind a bad header the walk resyncs on
 *     the next record that checks out in full, so nothing else is lost;
 *   - a sector header: nothing (there are two copies, and records go only
 *     into a sector whose two copies both check out).  Both copies
 *     damaged: the sector is taken by its place in the rotation when the
 *     sector after it is in the log and its records are numbered before
 *     that one's, or when it follows the write sector, the write sector's
 *     erase mark is set and its records are numbered after it; so its
 *     records are delivered.  Otherwise (a queue whose only written
 *     sector it is, or a neighbour damaged too) its records are neither
 *     delivered nor counted, and the sector is never erased while one of
 *     them still checks out (begin reports HERALD_E_QUEUE_FULL when the
 *     rotation reaches it);
 *   - a commit, retire or erase mark, or padding: nothing (a mark reads by
 *     the majority of its bits);
 *   - erased space in the write sector: nothing (the sector closes).
 * A record whose commit failed is, for that instance, neither delivered nor
 * counted as damaged, even if abort could not retire it (after a reboot it
 * may be delivered, or counted as damaged if its bytes are bad).
 * Not covered: damage to two neighbouring records where the second one's
 * body is hit too (resync needs a whole record to land on; the second is
 * then skipped with the first, and only the first is counted); and faults
 * that combine two power cuts with a flip: a write sector closed empty on
 * one header copy (a cut), then an erase of the sector after it cut too,
 * then that copy flipped, can bring back records of the erased sector that
 * were already retired (delivered again: a duplicate, never a loss). */
#define HERALD_FLASH_QUEUE_PEND 8u /* damaged records whose marks may wait (DEFER_MARKS) */

typedef struct {
    const herald_flash_t *flash;
    uint32_t sector_size;
    uint32_t sector_count;
    uint32_t unit;   /* program granularity; every field is unit-aligned */
    uint32_t wsec;   /* the sector being written */
    uint32_t wepoch; /* its epoch: sectors are numbered as they are opened */
    uint32_t woff;   /* where the next record goes; sector_size when closed */
    uint32_t head;   /* flash address of the oldest waiting record */
    herald_queue_rec_t head_meta;
    uint32_t count;
    uint32_t next_seq;
    uint32_t erases;  /* sector erases done by this instance */
    uint32_t damaged; /* records lost to damage found by this instance */
    /* the record being written */
    uint32_t rec; /* its address */
    herald_queue_rec_t wmeta;
    uint32_t wr;   /* next body address to program */
    uint32_t left; /* body bytes still to come */
    uint32_t crc;
    uint8_t stage[16]; /* body bytes short of a whole program unit */
    uint8_t staged;
    uint8_t writing;   /* 1 begun, 2 commit started */
    uint8_t wfail;     /* a program of this record failed */
    uint8_t have_w;    /* wsec holds a valid sector header */
    uint8_t fault;     /* a read failed mid-update: init again */
    uint8_t w_adopted; /* wsec was taken by its place (both header copies damaged) */
    uint32_t w_seq;    /* next_seq in the header of the newest sector with one */
    /* the check of the head's CRC over reads from offset 0 (see read) */
    uint32_t rcrc;
    uint32_t roff;
    uint8_t rgood;
    /* the record whose commit failed last (abort): not delivered, not counted */
    uint8_t have_dud;
    uint32_t dud;
    /* DEFER_MARKS: damaged records counted, their retire marks not yet set */
    uint8_t defer;
    uint8_t npend;
    uint32_t pend[HERALD_FLASH_QUEUE_PEND];
    /* the record the walk gave last (read takes it too) */
    uint32_t wk_addr;
    herald_queue_rec_t wk_meta;
    uint8_t have_wk;
    uint32_t raddr; /* the record the read check runs over */
} herald_flash_queue_t;

/* Recover the queue from flash and fill *out with its operations.  Nothing
 * is written, except the retire marks of records found damaged (see
 * herald_flash_queue_init_ex for a caller that must save the count first).  The flash must outlive q.  A blank or foreign region is
 * taken as an empty queue and formatted sector by sector as it is used.
 * HERALD_E_INVALID_ARG: NULL, program_size not 1/4/8/16, fewer than 2
 * sectors, or sectors too small (under 64 bytes, or not a multiple of
 * program_size); HERALD_E_FLASH: a read failed. */
herald_status_t herald_flash_queue_init(herald_flash_queue_t *q, const herald_flash_t *flash,
                                        herald_queue_t *out);

/* Flags for herald_flash_queue_init_ex().
 * DEFER_MARKS: records found damaged are counted in `damaged` but their
 *   retire marks (which keep the next init from counting them again) are
 *   not programmed until herald_flash_queue_mark_damaged(): a caller that
 *   keeps the count elsewhere (the CLI's state file) saves it first, so a
 *   crash between the two cannot lose it.  The addresses wait in pend[]
 *   (npend of them); past HERALD_FLASH_QUEUE_PEND the mark is programmed at
 *   once as without the flag.  A record in pend is not counted again by
 *   this instance.
 * Without it (herald_flash_queue_init, the agent on a board): the count is
 *   kept in RAM and the marks are programmed at once, so a reboot never
 *   counts a record twice, but one before the count was reported (stats)
 *   loses that count: the records stay lost and retired, uncounted. */
#define HERALD_FLASH_QUEUE_DEFER_MARKS 1u
herald_status_t herald_flash_queue_init_ex(herald_flash_queue_t *q, const herald_flash_t *flash,
                                           herald_queue_t *out, unsigned flags);

/* Program the retire marks of the damaged records in pend[] (DEFER_MARKS);
 * those whose program fails stay there.  HERALD_OK when none is left;
 * HERALD_E_FLASH otherwise; HERALD_E_INVALID_ARG: q is NULL. */
herald_status_t herald_flash_queue_mark_damaged(herald_flash_queue_t *q);

/* The largest body a record can hold on this geometry. */
uint32_t herald_flash_queue_max_body(const herald_flash_queue_t *q);

#endif
