/* SPDX-License-Identifier: Apache-2.0 */
/* The CLI's persistent queue: the firmware's flash queue over a file-backed
 * NOR image (locked, so two processes never share it), plus a small state
 * file beside it with what the flash records do not hold: when each
 * notification was raised, its attempts and next try, and the counters. */
#ifndef HERALD_CLI_QFILE_H
#define HERALD_CLI_QFILE_H

#include <stdint.h>
#include <stdio.h>
#include "herald/herald.h"
#include "herald_flash_file.h"

/* A new queue file: 16 sectors of 128 KiB, so a record holds up to ~128 KB
 * (a batch of several thousand targets); the file is a 4 KiB header (what it
 * is, format version, geometry: see HERALD_FLASH_FILE_HEADER) and 2 MiB of
 * image.  An existing file is used with the geometry its header records. */
#define QFILE_SECTOR_SIZE (128u * 1024u)
#define QFILE_SECTORS 16u
#define QFILE_MAX_RECORDS 4096u

typedef struct {
    uint32_t handle;
    int64_t created;      /* unix seconds */
    uint32_t attempts;
    int64_t next_try;     /* unix seconds; 0 unknown */
    char last[48];        /* status name of the last attempt; "" none */
} qfile_rec_t;

/* Counters kept across runs, by name, as herald stats prints them. */
#define QFILE_COUNTERS(X) \
    X(raised) X(refused_local) X(queued) X(sent) X(refused_platform) X(retried) X(failed) \
    X(expired) X(dropped) X(coalesced) X(bytes_sent) X(bytes_received) X(handshakes_full) \
    X(handshakes_resumed) X(damaged)

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
    herald_queue_t queue;
    qfile_rec_t recs[QFILE_MAX_RECORDS];
    size_t nrecs;
    qfile_counters_t counters;
    uint32_t damaged_folded;  /* of fq.damaged, what counters.damaged holds already */
    int open;
} qfile_t;

/* Lock and open the queue file (created if missing) and its state.  Waits for
 * the lock when another herald holds it, saying so once.  0, or an exit code
 * after printing why. */
int qfile_open(qfile_t *q, const char *path);

/* Save the state file (atomically) and release the lock. */
void qfile_close(qfile_t *q);

qfile_rec_t *qfile_find(qfile_t *q, uint32_t handle);
qfile_rec_t *qfile_add(qfile_t *q, uint32_t handle, int64_t now);
void qfile_drop(qfile_t *q, uint32_t handle);

/* Records lost to flash damage in all (what this run's queue found so far
 * folded in). */
uint64_t qfile_damaged(qfile_t *q);

/* Keep the state of handles from oldest on, in the queue's (wrapping) order. */
void qfile_forget_before(qfile_t *q, uint32_t oldest);

/* Fold an agent's counters (and the TLS handshakes) into the totals; its
 * damaged count is the queue's, which qfile_close folds in itself. */
void qfile_count(qfile_t *q, const herald_counters_t *c, uint32_t full, uint32_t resumed);

#endif
