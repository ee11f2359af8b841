/* SPDX-License-Identifier: Apache-2.0 */
/* The CLI's persistent queue: the firmware's flash queue over a file-backed
 * NOR image, plus a small state file beside it with what the flash records
 * do not hold: when each notification was raised, its attempts and next
 * try, and the counters.
 *
 * Two locks, so that an append never waits for a delivery:
 *  - the file lock (flock on the image) is held only for a moment: to append
 *    one record, to retire one, or to read or update the state file.  Each
 *    time it is taken the flash queue is initialised again from the image,
 *    because another herald may have changed it (the queue keeps its place
 *    in RAM);
 *  - the delivery claim (flock on FILE.lock) is held by the one herald that
 *    sends from the queue (a send that found it free, or a drain) for as
 *    long as it runs: two processes never send the same head at once.
 * Only the claim holder retires records, so the head it reads while a
 * request is in flight cannot change under it; appends only ever add. */
#ifndef HERALD_CLI_QFILE_H
#define HERALD_CLI_QFILE_H

#include <stdint.h>
#include <stdio.h>
#include "herald/herald.h"
#include "herald_flash_file.h"

/* A new queue file: 8 sectors of 2 MiB, because a record never spans two
 * sectors and a batch at the platform's limit (10,000 targets of up to
 * HERALD_TARGET_MAX_LEN = 128 bytes) encodes to 1,310,126 bytes; the file is
 * a 4 KiB header (what it is, format version, geometry: see
 * HERALD_FLASH_FILE_HEADER) and 16 MiB of image.  An existing file is used
 * with the geometry its header records. */
#define QFILE_SECTOR_SIZE (2u * 1024u * 1024u)
#define QFILE_SECTORS 8u
#define QFILE_MAX_RECORDS 4096u

typedef struct {
    uint32_t handle;
    int64_t created; /* unix seconds */
    uint32_t attempts;
    int64_t next_try; /* unix seconds; 0 unknown */
    char last[48];    /* status name of the last attempt; "" none */
    uint32_t seq;     /* the queue record holding it: handle, or its copy's
                             seq once it was moved behind the others */
    uint32_t counted; /* attempts of this run already added (not saved) */
} qfile_rec_t;

/* Counters kept across runs, by name, as herald stats prints them. */
#define QFILE_COUNTERS(X) \
    X(raised) \
    X(refused_local) \
    X(queued) \
    X(sent) \
    X(refused_platform) \
    X(retried) \
    X(failed) \
    X(expired) \
    X(dropped) \
    X(coalesced) \
    X(bytes_sent) \
    X(bytes_received) \
    X(handshakes_full) \
    X(handshakes_resumed) \
    X(damaged) \
    X(unreadable) \
    X(rotated)

typedef struct {
#define QFILE_X(name) uint64_t name;
    QFILE_COUNTERS(QFILE_X)
#undef QFILE_X
} qfile_counters_t;

typedef struct {
    char path[4096];
    char state_path[4200];
    herald_flash_file_t file;
    herald_flash_t flash;
    herald_flash_queue_t fq;
    herald_queue_t raw;   /* the flash queue itself */
    herald_queue_t queue; /* the same, taking the file lock to append or retire: give this to the agent */
    uint32_t wseq;        /* the record being appended */
    int claim_fd;         /* FILE.lock while this process holds the delivery claim; else -1 */
    qfile_rec_t recs[QFILE_MAX_RECORDS];
    size_t nrecs;
    qfile_counters_t counters;
    /* damaged records counted in the state file whose retire marks may not
     * have landed yet (see fold_damage): flash addresses */
    uint32_t pend_saved[HERALD_FLASH_QUEUE_PEND];
    size_t npend_saved;
    uint64_t damaged_run; /* records this run found damaged */
    int hold;             /* the agent is shown an empty queue: it starts nothing new
                                 (send --queue, once its own notification is done) */
    int open;
} qfile_t;

/* Open the queue file (created if missing) and read it and its state under
 * the file lock.  0, or an exit code after printing why. */
int qfile_open(qfile_t *q, const char *path);

/* Take the file lock and read the queue and the state again; with save,
 * qfile_unlock writes the state (atomically) before releasing it. */
herald_status_t qfile_lock(qfile_t *q);
void qfile_unlock(qfile_t *q, int save);

/* Read the queue again (what other heralds appended since). */
herald_status_t qfile_refresh(qfile_t *q);

/* Claim the right to send from the queue (see above).  HERALD_OK, or
 * HERALD_E_BUSY when another herald holds it and wait == 0. */
herald_status_t qfile_claim(qfile_t *q, int wait);

/* Release the claim and close the file (the state is saved by qfile_unlock). */
void qfile_close(qfile_t *q);

/* By handle, or by the seq of the record now holding it. */
qfile_rec_t *qfile_find(qfile_t *q, uint32_t handle);
qfile_rec_t *qfile_add(qfile_t *q, uint32_t handle, int64_t now);
void qfile_drop(qfile_t *q, uint32_t handle);

/* Records lost to flash damage in all (what this run's queue found so far
 * folded in). */
uint64_t qfile_damaged(const qfile_t *q);

/* Keep the state of handles from oldest on, in the queue's (wrapping) order. */
void qfile_forget_before(qfile_t *q, uint32_t oldest);

/* Fold an agent's counters (and the TLS handshakes) into the totals; its
 * damaged count is the queue's, which every take of the file lock folds in. */
void qfile_count(qfile_t *q, const herald_counters_t *c, uint32_t full, uint32_t resumed);

#endif
