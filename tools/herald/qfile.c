/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "qfile.h"
#include "cli.h"

static void load_state(qfile_t *q)
{
    FILE *f = fopen(q->state_path, "r");
    char line[256];
    if (!f) {
        return; /* a new queue */
    }
    while (fgets(line, sizeof line, f)) {
        char name[64], last[48] = "";
        unsigned long long v;
        qfile_rec_t r;
        unsigned handle, attempts;
        long long created, next;
        if (sscanf(line, "rec %u %lld %u %lld %47s", &handle, &created, &attempts, &next, last) >= 4 &&
            q->nrecs < QFILE_MAX_RECORDS) {
            memset(&r, 0, sizeof r);
            r.handle = handle;
            r.created = created;
            r.attempts = attempts;
            r.next_try = next;
            snprintf(r.last, sizeof r.last, "%s", strcmp(last, "-") == 0 ? "" : last);
            q->recs[q->nrecs++] = r;
        } else if (sscanf(line, "counter %63s %llu", name, &v) == 2) {
#define QFILE_X(n) if (strcmp(name, #n) == 0) q->counters.n = v;
            QFILE_COUNTERS(QFILE_X)
#undef QFILE_X
        }
    }
    fclose(f);
}

static void save_state(qfile_t *q)
{
    char tmp[4300];
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp", q->state_path);
    if (!(f = fopen(tmp, "w"))) {
        fprintf(stderr, "herald: cannot write %s: %s\n", tmp, strerror(errno));
        return;
    }
    fprintf(f, "# herald queue state: rec HANDLE CREATED ATTEMPTS NEXT_TRY LAST_STATUS\n");
    for (size_t i = 0; i < q->nrecs; i++) {
        const qfile_rec_t *r = &q->recs[i];
        fprintf(f, "rec %" PRIu32 " %lld %" PRIu32 " %lld %s\n", r->handle, (long long)r->created, r->attempts,
                (long long)r->next_try, r->last[0] ? r->last : "-");
    }
#define QFILE_X(n) fprintf(f, "counter %s %llu\n", #n, (unsigned long long)q->counters.n);
    QFILE_COUNTERS(QFILE_X)
#undef QFILE_X
    /* flushed to disk before the rename, so a crash leaves the old or the new file */
    if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
        fprintf(stderr, "herald: cannot write %s\n", tmp);
        fclose(f);
        remove(tmp);
        return;
    }
    if (fclose(f) != 0 || rename(tmp, q->state_path) != 0) {
        fprintf(stderr, "herald: cannot save %s\n", q->state_path);
        remove(tmp);
    }
}

int qfile_open(qfile_t *q, const char *path)
{
    herald_flash_geometry_t geo = { QFILE_SECTOR_SIZE, QFILE_SECTORS, 4u };
    herald_status_t st;
    memset(q, 0, sizeof *q);
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
    st = herald_flash_file_lock(&q->file, 0);
    if (st == HERALD_E_BUSY) {
        fprintf(stderr, "herald: waiting for %s: another herald is using it\n", path);
        st = herald_flash_file_lock(&q->file, 1);
    }
    if (st == HERALD_OK) {
        st = herald_flash_queue_init(&q->fq, &q->flash, &q->queue);
    }
    if (st == HERALD_E_INVALID_ARG) {
        fprintf(stderr, "herald: queue %s: its geometry (%u sectors of %u bytes, program size %u) is too small "
                        "for a queue\n", path, (unsigned)q->flash.geometry.sector_count,
                (unsigned)q->flash.geometry.sector_size, (unsigned)q->flash.geometry.program_size);
        herald_flash_file_close(&q->file);
        return EXIT_QUEUE_FILE;
    }
    if (st != HERALD_OK) {
        fprintf(stderr, "herald: queue %s: %s (%s)\n", path, herald_status_name(st), herald_status_str(st));
        herald_flash_file_close(&q->file);
        return EXIT_INTERNAL;
    }
    load_state(q);
    q->open = 1;
    return 0;
}

void qfile_close(qfile_t *q)
{
    if (!q->open) {
        return;
    }
    /* Forget state for records the flash no longer holds (delivered by a run
     * that crashed before saving): the flash is the truth. */
    {
        herald_queue_rec_t head;
        if (q->queue.count(q->queue.ctx) == 0u) {
            q->nrecs = 0;
        } else if (q->queue.peek(q->queue.ctx, &head) == HERALD_OK) {
            qfile_forget_before(q, head.seq);
        }
    }
    (void)qfile_damaged(q);
    save_state(q);
    herald_flash_file_unlock(&q->file);
    herald_flash_file_close(&q->file);
    q->open = 0;
}

void qfile_forget_before(qfile_t *q, uint32_t oldest)
{
    size_t j = 0;
    for (size_t i = 0; i < q->nrecs; i++) {
        /* serial order: handles wrap from 0xFFFFFFFF to 1 */
        if ((int32_t)(q->recs[i].handle - oldest) >= 0) {
            q->recs[j++] = q->recs[i];
        }
    }
    q->nrecs = j;
}

uint64_t qfile_damaged(qfile_t *q)
{
    /* The queue counts each damaged record once (it marks it retired), so
     * this total counts each once too. */
    q->counters.damaged += q->fq.damaged - q->damaged_folded;
    q->damaged_folded = q->fq.damaged;
    return q->counters.damaged;
}

qfile_rec_t *qfile_find(qfile_t *q, uint32_t handle)
{
    for (size_t i = 0; i < q->nrecs; i++) {
        if (q->recs[i].handle == handle) {
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
        r->created = now;
    }
    return r;
}

void qfile_drop(qfile_t *q, uint32_t handle)
{
    for (size_t i = 0; i < q->nrecs; i++) {
        if (q->recs[i].handle == handle) {
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
    q->counters.handshakes_full += full;
    q->counters.handshakes_resumed += resumed;
}
