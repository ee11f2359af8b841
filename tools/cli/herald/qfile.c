/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include "qfile.h"
#include "herald_posix.h"
#include "cli.h"

/* 0, or -1 when the state file exists but cannot be read (saving over it
 * would lose its counters and lines). */
static int load_state(qfile_t *q)
{
    FILE *f = fopen(q->state_path, "r");
    char line[256];
    if (!f) {
        if (errno == ENOENT) {
            return 0; /* a new queue */
        }
        fprintf(stderr, "herald: cannot read %s: %s\n", q->state_path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        char name[64], last[48] = "";
        unsigned long long v;
        qfile_rec_t r;
        unsigned handle, attempts, seq = 0, addr;
        long long created, next;
        if (sscanf(line, "rec %u %lld %u %lld %47s %u", &handle, &created, &attempts, &next, last, &seq) >=
                4 &&
            q->nrecs < QFILE_MAX_RECORDS) {
            memset(&r, 0, sizeof r);
            r.handle = handle;
            r.seq = seq ? seq : handle;
            r.created = created;
            r.attempts = attempts;
            r.next_try = next;
            snprintf(r.last, sizeof r.last, "%s", strcmp(last, "-") == 0 ? "" : last);
            q->recs[q->nrecs++] = r;
        } else if (sscanf(line, "pending %u", &addr) == 1 && q->npend_saved < HERALD_FLASH_QUEUE_PEND) {
            q->pend_saved[q->npend_saved++] = addr;
        } else if (sscanf(line, "counter %63s %llu", name, &v) == 2) {
#define QFILE_X(n) \
    if (strcmp(name, #n) == 0) \
        q->counters.n = v;
            QFILE_COUNTERS(QFILE_X)
#undef QFILE_X
        }
    }
    fclose(f);
    return 0;
}

/* 0 when the file on disk is the new one. */
static int save_state(qfile_t *q)
{
    char tmp[4300];
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp", q->state_path);
    if (!(f = fopen(tmp, "w"))) {
        fprintf(stderr, "herald: cannot write %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    fprintf(f, "# herald queue state: rec HANDLE CREATED ATTEMPTS NEXT_TRY LAST_STATUS SEQ\n");
    for (size_t i = 0; i < q->nrecs; i++) {
        const qfile_rec_t *r = &q->recs[i];
        fprintf(f, "rec %" PRIu32 " %lld %" PRIu32 " %lld %s %" PRIu32 "\n", r->handle, (long long)r->created,
                r->attempts, (long long)r->next_try, r->last[0] ? r->last : "-", r->seq);
    }
#define QFILE_X(n) fprintf(f, "counter %s %llu\n", #n, (unsigned long long)q->counters.n);
    QFILE_COUNTERS(QFILE_X)
#undef QFILE_X
    for (size_t i = 0; i < q->npend_saved; i++) {
        fprintf(f, "pending %" PRIu32 "\n", q->pend_saved[i]);
    }
    /* flushed to disk before the rename, so a crash leaves the old or the new file */
    if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
        fprintf(stderr, "herald: cannot write %s\n", tmp);
        fclose(f);
        remove(tmp);
        return -1;
    }
    if (fclose(f) != 0 || herald_posix_rename_durable(tmp, q->state_path) != 0) {
        fprintf(stderr, "herald: cannot save %s\n", q->state_path);
        remove(tmp);
        return -1;
    }
    return 0;
}

/* The state file names records by handle; forget those the flash no longer
 * holds (delivered, also by a run that crashed before saving): the flash is
 * the truth. */
static void forget_retired(qfile_t *q)
{
    herald_queue_rec_t head;
    if (q->raw.count(q->raw.ctx) == 0u) {
        q->nrecs = 0;
    } else if (q->raw.peek(q->raw.ctx, &head) == HERALD_OK) {
        qfile_forget_before(q, head.seq);
    }
}

/* Records the queue found damaged go into the state file, under the lock
 * the caller holds, before they are marked on flash (the queue runs with
 * DEFER_MARKS: a mark is what keeps the next run from counting a record
 * again, so marking first and then failing to save would lose the count).
 * In order:
 *   1. count those of fq.pend the file does not list as pending yet, and
 *      save the file with the count and all of fq.pend as "pending";
 *   2. program their marks;
 *   3. save again without the pending lines.
 * A crash or a failed save before 1 is done: nothing marked, nothing saved;
 * the next run finds and counts them.  After 1: the next run finds those not
 * marked and skips them, as the file lists them.  No queue operation runs
 * between the init that found them and step 2, so a pending address names
 * the record that was counted (residual: when step 3 fails and a later run
 * of this lock hold writes a record at the same address that is then found
 * damaged, that one is not counted). */
static void fold_damage(qfile_t *q)
{
    uint32_t saved[HERALD_FLASH_QUEUE_PEND];
    size_t nsaved = q->npend_saved;
    uint32_t n = 0;
    if (q->fq.npend == 0u) {
        /* The walk found nothing unmarked: addresses still listed as
         * pending (a crash or a failed save after their marks) are marked
         * or erased by now; listed on, they would hide a later record
         * damaged at the same address. */
        if (q->npend_saved != 0u) {
            q->npend_saved = 0;
            (void)save_state(q);
        }
        return;
    }
    memcpy(saved, q->pend_saved, sizeof saved);
    for (size_t i = 0; i < q->fq.npend; i++) {
        int known = 0;
        for (size_t k = 0; k < nsaved; k++) {
            known = known || saved[k] == q->fq.pend[i];
        }
        n += known ? 0u : 1u;
    }
    q->counters.damaged += n;
    q->damaged_run += n;
    memcpy(q->pend_saved, q->fq.pend, sizeof q->pend_saved);
    q->npend_saved = q->fq.npend;
    if (save_state(q) != 0) {
        /* not saved, so not marked: the next run counts them */
        q->counters.damaged -= n;
        q->damaged_run -= n;
        memcpy(q->pend_saved, saved, sizeof saved);
        q->npend_saved = nsaved;
        return;
    }
    if (herald_flash_queue_mark_damaged(&q->fq) == HERALD_OK) {
        q->npend_saved = 0;
        (void)save_state(q);
    }
}

herald_status_t qfile_refresh(qfile_t *q)
{
    herald_status_t st = qfile_lock(q);
    if (st == HERALD_OK) {
        qfile_unlock(q, 0);
    }
    return st;
}

herald_status_t qfile_lock(qfile_t *q)
{
    herald_status_t st = herald_flash_file_lock(&q->file, 1);
    if (st != HERALD_OK) {
        return st;
    }
    st = herald_flash_queue_init_ex(&q->fq, &q->flash, &q->raw, HERALD_FLASH_QUEUE_DEFER_MARKS);
    if (st != HERALD_OK) {
        herald_flash_file_unlock(&q->file);
        return st;
    }
    {
        /* `counted` is this run's, not the file's: keep it across the reload */
        struct {
            uint32_t handle, counted;
        } keep[64];
        size_t nkeep = 0;
        for (size_t i = 0; i < q->nrecs && nkeep < sizeof keep / sizeof keep[0]; i++) {
            if (q->recs[i].counted) {
                keep[nkeep].handle = q->recs[i].handle;
                keep[nkeep++].counted = q->recs[i].counted;
            }
        }
        q->nrecs = 0;
        q->npend_saved = 0;
        memset(&q->counters, 0, sizeof q->counters);
        if (load_state(q) != 0) {
            herald_flash_file_unlock(&q->file);
            return HERALD_E_FLASH;
        }
        for (size_t i = 0; i < q->nrecs; i++) {
            for (size_t k = 0; k < nkeep; k++) {
                if (q->recs[i].handle == keep[k].handle) {
                    q->recs[i].counted = keep[k].counted;
                }
            }
        }
    }
    fold_damage(q);
    return HERALD_OK;
}

void qfile_unlock(qfile_t *q, int save)
{
    if (save) {
        forget_retired(q);
        (void)save_state(q);
    }
    herald_flash_file_unlock(&q->file);
}

/* ---- the queue the agent uses: the flash queue, with the file lock held
 * from begin to commit (or abort) and around retire. */

static herald_status_t lk_begin(void *ctx, herald_queue_rec_t *meta)
{
    qfile_t *q = ctx;
    herald_status_t st = qfile_lock(q);
    if (st != HERALD_OK) {
        return HERALD_E_FLASH;
    }
    st = q->raw.begin(q->raw.ctx, meta);
    if (st != HERALD_OK) {
        qfile_unlock(q, 0);
        return st;
    }
    q->wseq = meta->seq;
    return HERALD_OK;
}

static herald_status_t lk_write(void *ctx, const char *data, size_t len)
{
    qfile_t *q = ctx;
    return q->raw.write(q->raw.ctx, data, len);
}

/* The record and its line in the state file are both on disk before the
 * lock goes: a send --queue may return as soon as this does. */
static herald_status_t lk_commit(void *ctx)
{
    qfile_t *q = ctx;
    herald_status_t st = q->raw.commit(q->raw.ctx);
    if (st == HERALD_OK) {
        qfile_add(q, q->wseq, (int64_t)time(NULL));
        qfile_unlock(q, 1);
    }
    /* else the lock stays for lk_abort, which may still program a retire
     * mark: no other herald may see the record meanwhile */
    return st;
}

static void lk_abort(void *ctx)
{
    qfile_t *q = ctx;
    q->raw.abort(q->raw.ctx);
    qfile_unlock(q, 0);
}

static herald_status_t lk_peek(void *ctx, herald_queue_rec_t *out)
{
    qfile_t *q = ctx;
    return q->hold ? HERALD_E_QUEUE_EMPTY : q->raw.peek(q->raw.ctx, out);
}

/* Peek and read run without the file lock (the claim keeps other drains
 * away, but another herald's init may find this head damaged, mark it and
 * later erase its sector while it is streamed).  That is enough because the
 * flash queue checks the CRC of the record as it was found over reads from
 * offset 0 in order (the agent's): a record that changed under the reader,
 * or was erased or written again, fails the last piece, which the agent
 * then never sends, so no body is sent whole that is not the record's. */
static herald_status_t lk_read(void *ctx, const herald_queue_rec_t *rec, size_t off, char *buf, size_t len)
{
    qfile_t *q = ctx;
    return q->raw.read(q->raw.ctx, rec, off, buf, len);
}

static herald_status_t lk_retire(void *ctx, uint32_t seq)
{
    qfile_t *q = ctx;
    herald_status_t st = qfile_lock(q);
    if (st != HERALD_OK) {
        return HERALD_E_FLASH; /* not retired: delivered again later, never lost */
    }
    st = q->raw.retire(q->raw.ctx, seq);
    fold_damage(q); /* the walk to the next head may have found some */
    qfile_unlock(q, 0);
    return st;
}

static size_t lk_count(void *ctx)
{
    qfile_t *q = ctx;
    return q->hold ? 0u : q->raw.count(q->raw.ctx);
}

int qfile_open(qfile_t *q, const char *path)
{
    herald_flash_geometry_t geo = { QFILE_SECTOR_SIZE, QFILE_SECTORS, 4u };
    herald_status_t st;
    memset(q, 0, sizeof *q);
    q->claim_fd = -1;
    snprintf(q->path, sizeof q->path, "%s", path);
    snprintf(q->state_path, sizeof q->state_path, "%s.state", path);
    st = herald_flash_file_open(&q->file, path, &geo, HERALD_FLASH_FILE_HEADER, &q->flash);
    if (st == HERALD_E_QUEUE_FOREIGN) {
        /* Never erase what may be someone's data; the file is left as it was. */
        fprintf(stderr,
                "herald: %s is not a herald queue file (no valid queue header; a queue file of herald 0.x "
                "before the header is refused too: deliver it with that herald first); it was not changed\n",
                path);
        return EXIT_QUEUE_FILE;
    }
    if (st != HERALD_OK) {
        fprintf(stderr, "herald: cannot open queue %s: %s (%s)\n", path, herald_status_name(st),
                st == HERALD_E_INVALID_ARG ? "not a herald queue file of this size" : herald_status_str(st));
        return EXIT_USAGE;
    }
    st = qfile_lock(q);
    if (st == HERALD_E_INVALID_ARG) {
        fprintf(stderr,
                "herald: queue %s: its geometry (%u sectors of %u bytes, program size %u) is too small "
                "for a queue\n",
                path, (unsigned)q->flash.geometry.sector_count, (unsigned)q->flash.geometry.sector_size,
                (unsigned)q->flash.geometry.program_size);
        herald_flash_file_close(&q->file);
        return EXIT_QUEUE_FILE;
    }
    if (st != HERALD_OK) {
        fprintf(stderr, "herald: queue %s: %s (%s)\n", path, herald_status_name(st), herald_status_str(st));
        herald_flash_file_close(&q->file);
        return EXIT_INTERNAL;
    }
    qfile_unlock(q, 0);
    /* no damaged(): the CLI counts damage itself, in the state file */
    q->queue = (herald_queue_t){ .begin = lk_begin,
                                 .write = lk_write,
                                 .commit = lk_commit,
                                 .abort = lk_abort,
                                 .peek = lk_peek,
                                 .read = lk_read,
                                 .retire = lk_retire,
                                 .count = lk_count,
                                 .ctx = q };
    q->open = 1;
    return 0;
}

herald_status_t qfile_claim(qfile_t *q, int wait)
{
    char lock_path[4200];
    if (q->claim_fd < 0) {
        snprintf(lock_path, sizeof lock_path, "%s.lock", q->path);
        q->claim_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (q->claim_fd < 0) {
            return HERALD_E_FLASH;
        }
    }
    while (flock(q->claim_fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
        if (errno != EINTR) {
            return errno == EWOULDBLOCK ? HERALD_E_BUSY : HERALD_E_FLASH;
        }
    }
    /* the claim's last holder may have retired records since we read the queue */
    return qfile_refresh(q);
}

void qfile_close(qfile_t *q)
{
    if (!q->open) {
        return;
    }
    if (q->claim_fd >= 0) {
        (void)close(q->claim_fd); /* releases the claim */
        q->claim_fd = -1;
    }
    herald_flash_file_close(&q->file);
    q->open = 0;
}

void qfile_forget_before(qfile_t *q, uint32_t oldest)
{
    size_t j = 0;
    for (size_t i = 0; i < q->nrecs; i++) {
        /* serial order: handles wrap from 0xFFFFFFFF to 1 */
        if ((int32_t)(q->recs[i].seq - oldest) >= 0) { /* the record it names now */
            q->recs[j++] = q->recs[i];
        }
    }
    q->nrecs = j;
}

uint64_t qfile_damaged(const qfile_t *q)
{
    return q->counters.damaged;
}

qfile_rec_t *qfile_find(qfile_t *q, uint32_t handle)
{
    for (size_t i = 0; i < q->nrecs; i++) {
        if (q->recs[i].handle == handle || q->recs[i].seq == handle) {
            return &q->recs[i];
        }
    }
    return NULL;
}

qfile_rec_t *qfile_add(qfile_t *q, uint32_t handle, int64_t now)
{
    qfile_rec_t *r = qfile_find(q, handle);
    if (!r && q->nrecs < QFILE_MAX_RECORDS) {
        r = &q->recs[q->nrecs++];
    }
    if (r) {
        memset(r, 0, sizeof *r);
        r->handle = handle;
        r->seq = handle;
        r->created = now;
    }
    return r;
}

void qfile_drop(qfile_t *q, uint32_t handle)
{
    for (size_t i = 0; i < q->nrecs; i++) {
        if (q->recs[i].handle == handle || q->recs[i].seq == handle) {
            memmove(&q->recs[i], &q->recs[i + 1], (q->nrecs - i - 1) * sizeof q->recs[0]);
            q->nrecs--;
            return;
        }
    }
}

void qfile_count(qfile_t *q, const herald_counters_t *c, uint32_t full, uint32_t resumed)
{
    q->counters.raised += c->raised;
    q->counters.refused_local += c->refused_local;
    q->counters.queued += c->queued;
    q->counters.sent += c->sent;
    q->counters.refused_platform += c->refused_platform;
    q->counters.retried += c->retried;
    q->counters.failed += c->failed;
    q->counters.expired += c->expired;
    q->counters.dropped += c->dropped;
    q->counters.coalesced += c->coalesced;
    q->counters.bytes_sent += c->bytes_sent;
    q->counters.bytes_received += c->bytes_received;
    q->counters.unreadable += c->unreadable;
    q->counters.rotated += c->rotated;
    q->counters.handshakes_full += full;
    q->counters.handshakes_resumed += resumed;
}
