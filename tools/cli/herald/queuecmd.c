/* SPDX-License-Identifier: Apache-2.0 */
/* The persistent-queue commands: `send --queue`, `drain`, `queue`, `stats`.
 * A notification is written to the flash queue in the file before anything
 * touches the network, so an accepted one survives a crash or a reboot and
 * is delivered by a later send or drain (at least once). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cJSON.h"
#include "herald/request.h"
#include "herald/response.h"
#include "session.h"
#include "qfile.h"

static qfile_t qf;
static cli_session_t session;

typedef struct {
    uint32_t mine; /* the handle `send` waits for; 0 for drain */
    int mine_done;
    herald_status_t mine_status;
    herald_status_t mine_detail;
    int mine_http;
    herald_send_result_t mine_result; /* its answer, on HERALD_OK */
    int print_all;                    /* drain: print every answer */
    unsigned refused;
    unsigned unreadable;  /* accepted, answer unreadable */
    herald_status_t auth; /* a 401/403 held the queue */
} run_t;

/* 401/403 leave the notification queued (the agent holds the queue until
 * new credentials): it is neither delivered nor refused. */
static int held_for_credentials(herald_status_t st)
{
    return st == HERALD_E_PLATFORM_UNAUTHORIZED || st == HERALD_E_PLATFORM_FORBIDDEN;
}

static void on_outcome(void *ctx, const herald_outcome_t *o)
{
    run_t *r = ctx;
    uint32_t handle;
    if (held_for_credentials(o->status)) {
        qfile_rec_t *rec = qfile_find(&qf, o->handle);
        if (rec) {
            snprintf(rec->last, sizeof rec->last, "%s", herald_status_name(o->status));
        }
        r->auth = o->status;
        return;
    }
    {
        /* a notification moved in an earlier run comes back under its copy's
         * number: the state file knows the handle it was given */
        const qfile_rec_t *rec = qfile_find(&qf, o->handle);
        handle = rec ? rec->handle : o->handle;
    }
    qfile_drop(&qf, o->handle);
    if (o->handle == r->mine) {
        r->mine_done = 1;
        r->mine_status = o->status;
        r->mine_detail = o->detail;
        r->mine_http = o->http_status;
        if (o->result) {
            r->mine_result = *o->result;
        }
        /* Start nothing new: a request begun now would be dropped half way
         * when send returns, and sent again by the next drain. */
        qf.hold = 1;
        return; /* reported by the command itself */
    }
    if (o->status == HERALD_OK) {
        if (r->print_all) {
            (void)cli_print_result(o->result);
        }
        return;
    }
    if (o->status == HERALD_E_FLASH) {
        /* the queue found its record damaged: counted as damaged, not refused */
        fprintf(stderr, "herald: notification %u was lost to flash damage\n", (unsigned)handle);
        return;
    }
    if (o->status == HERALD_E_ACCEPTED_UNREADABLE) {
        r->unreadable++;
        cli_print_unreadable((unsigned)handle, o->http_status, o->detail);
        return;
    }
    r->refused++;
    fprintf(stderr, "herald: notification %u: %s (%s)", (unsigned)handle, herald_status_name(o->status),
            herald_status_str(o->status));
    if (o->error && o->error->code[0]) {
        fprintf(stderr, " %s: %s", o->error->code, o->error->message);
    }
    fputc('\n', stderr);
}

/* A notification moved behind the others: its state follows it to the copy,
 * with the attempts it made in this run so far.  The copy's commit gave it a
 * line of its own under its new number: the original's line takes the new
 * number and that line goes, or, if the original's line is gone (another
 * herald may have pruned it), the copy's line takes the original handle.
 * Saved at once (a later lock reloads the file). */
static void on_rotate(void *ctx, uint32_t handle, uint32_t seq)
{
    qfile_rec_t *rec, *copy = NULL;
    herald_head_t head;
    uint32_t run;
    (void)ctx;
    herald_head(&session.agent, &head); /* the head that moved */
    run = head.attempts;
    if (qfile_lock(&qf) != HERALD_OK) {
        return; /* the copy keeps the line its commit gave it */
    }
    for (size_t i = 0; i < qf.nrecs && seq != handle; i++) {
        if (qf.recs[i].handle == seq && qf.recs[i].seq == seq) {
            copy = &qf.recs[i];
        }
    }
    rec = NULL;
    for (size_t i = 0; i < qf.nrecs; i++) {
        if (qf.recs[i].handle == handle) {
            rec = &qf.recs[i];
        }
    }
    if (rec == NULL && copy != NULL) {
        rec = copy; /* relabel the copy's line */
        rec->handle = handle;
        copy = NULL;
    }
    if (rec) {
        rec->seq = seq;
        rec->attempts += run - (run >= rec->counted ? rec->counted : run);
        rec->counted = run;
    }
    if (copy) {
        size_t i = (size_t)(copy - qf.recs);
        memmove(&qf.recs[i], &qf.recs[i + 1], (qf.nrecs - i - 1) * sizeof qf.recs[0]);
        qf.nrecs--;
    }
    qfile_unlock(&qf, 1);
}

static int mine_done(void *ctx)
{
    return ((run_t *)ctx)->mine_done || ((run_t *)ctx)->auth != HERALD_OK;
}

static int credentials_refused(const run_t *r, const char *path)
{
    fprintf(stderr, "herald: queued: the platform refused the credentials (%s); everything stays in %s\n",
            herald_status_name(r->auth), path);
    return EXIT_QUEUED;
}

/* While a drain waits (a failing head, a backoff), other heralds may append:
 * read the queue again now and then, so that they are counted (a failing
 * head can then move behind them).  Safe only between requests. */
static void refresh_while_idle(void)
{
    static uint64_t last;
    uint64_t now = session.clock.monotonic_ms(NULL);
    herald_head_t head;
    herald_head(&session.agent, &head);
    if (!head.busy && now - last >= 1000u) {
        last = now;
        (void)qfile_refresh(&qf);
    }
}

static int drained(void *ctx)
{
    if (herald_idle(&session.agent) || ((run_t *)ctx)->auth != HERALD_OK) {
        return 1;
    }
    refresh_while_idle();
    return 0;
}

/* What the state file keeps about the notification still at the head. */
static void note_head(void)
{
    herald_head_t h;
    herald_queue_rec_t head;
    qfile_rec_t *r;
    if (qf.queue.peek(qf.queue.ctx, &head) != HERALD_OK || !(r = qfile_find(&qf, head.seq))) {
        return;
    }
    herald_head(&session.agent, &h);
    if (h.qid == head.seq) {
        uint64_t now = session.clock.monotonic_ms(NULL);
        r->attempts += h.attempts >= r->counted ? h.attempts - r->counted : 0u;
        r->next_try =
            (int64_t)time(NULL) + (h.next_try_ms > now ? (int64_t)((h.next_try_ms - now) / 1000u) : 0);
        snprintf(r->last, sizeof r->last, "%s", herald_status_name(h.last_status));
    }
}

/* Fold this run into the state file: read it again under the file lock
 * (other heralds may have written it since), add ours, save. */
static void finish(void)
{
    herald_tls_stats_t ts;
    int locked = qfile_lock(&qf) == HERALD_OK;
    if (qf.claim_fd >= 0) {
        note_head(); /* only the claim holder sent anything */
    }
    memset(&ts, 0, sizeof ts);
    if (session.net.live) {
        ts = herald_tls_stats(&session.net.tls);
    }
    qfile_count(&qf, herald_counters(&session.agent), ts.full_handshakes, ts.resumed_handshakes);
    if (locked) {
        qfile_unlock(&qf, 1);
    } else {
        fprintf(stderr, "herald: cannot update %s: its counters miss this run\n", qf.state_path);
    }
    cli_session_close(&session);
    qfile_close(&qf);
}

static int open_session(const cli_opts_t *o, herald_tcache_t *cache, run_t *r)
{
    int rc = qfile_open(&qf, o->queue);
    if (rc != 0) {
        return rc;
    }
    /* No attempt limit: a persistent queue keeps trying until delivered. */
    rc = cli_session_init(&session, o, &qf.queue, cache, 0);
    if (rc != 0) {
        qfile_close(&qf);
        return rc;
    }
    session.on_outcome = on_outcome;
    session.on_rotate = on_rotate;
    session.outcome_ctx = r;
    return 0;
}

/* Records lost to flash damage are said, never only counted. */
static void report_damage(uint64_t n, const char *path, const char *how)
{
    if (n > 0u) {
        fprintf(stderr,
                "herald: %llu record%s %s %s %s lost to flash damage (counted as damaged in herald stats)\n",
                (unsigned long long)n, n == 1u ? "" : "s", how, path, n == 1u ? "was" : "were");
    }
}

int cli_send_queued(const cli_opts_t *o, herald_tcache_t *cache)
{
    static run_t r;
    herald_notification_t n;
    herald_status_t st;
    int rc = cli_build_notification(o, &n);
    if (rc != 0) {
        return rc;
    }
    rc = open_session(o, cache, &r);
    if (rc != 0) {
        return rc;
    }
    st = herald_notify(&session.agent, &n, &r.mine);
    if (st == HERALD_E_NOSPACE) {
        /* A record never spans two sectors: the largest batch --queue takes
         * is one sector's worth (10,000 targets of up to ~10 bytes each). */
        size_t len = 0;
        (void)herald_request_length(&n, &len);
        fprintf(stderr,
                "herald: refused locally: %s: the notification is %zu bytes; a record of the queue "
                "holds at most %u (send it without --queue, or in smaller batches)\n",
                herald_status_name(st), len, (unsigned)herald_flash_queue_max_body(&qf.fq));
        finish();
        return EXIT_REFUSED_LOCAL;
    }
    if (st != HERALD_OK) {
        cli_fail(st == HERALD_E_QUEUE_FULL ? "queue full" : "refused locally", st);
        finish();
        return st == HERALD_E_QUEUE_FULL ? EXIT_UNDELIVERED : EXIT_REFUSED_LOCAL;
    }
    /* The record is durable now.  A drain (or another send) delivering from
     * the queue will take it too: return rather than wait for that one. */
    st = qfile_claim(&qf, 0);
    if (st != HERALD_OK) {
        finish();
        fprintf(stderr, "herald: queued: notification %u waits in %s (%s)\n", (unsigned)r.mine, o->queue,
                st == HERALD_E_BUSY ? "another herald is delivering from it" : "cannot claim it");
        return EXIT_QUEUED;
    }
    rc = cli_session_connectable(&session, o);
    if (rc != 0) {
        finish();
        fprintf(stderr, "herald: notification %u is queued in %s\n", (unsigned)r.mine, o->queue);
        return EXIT_QUEUED;
    }
    cli_session_run(&session, mine_done, &r,
                    session.clock.monotonic_ms(NULL) + (uint64_t)(o->wait_s * 1000.0));
    if (r.mine_done && r.mine_status == HERALD_OK) {
        rc = cli_print_result(&r.mine_result);
        finish();
        return rc;
    }
    if (r.auth != HERALD_OK) {
        finish();
        return credentials_refused(&r, o->queue);
    }
    if (r.mine_done && r.mine_status == HERALD_E_ACCEPTED_UNREADABLE) {
        cli_print_unreadable((unsigned)r.mine, r.mine_http, r.mine_detail);
        finish();
        return EXIT_ACCEPTED_UNREADABLE;
    }
    if (r.mine_done) {
        rc = cli_session_failure(&session, r.mine_status);
        finish();
        return rc;
    }
    st = herald_last_status(&session.agent);
    fprintf(stderr, "herald: queued: notification %u waits in %s (last attempt: %s)\n", (unsigned)r.mine,
            o->queue, herald_status_name(st));
    finish();
    return EXIT_QUEUED;
}

int cli_drain(const cli_opts_t *o)
{
    static run_t r;
    herald_status_t st;
    uint64_t deadline;
    size_t left;
    int rc;
    if (!o->queue) {
        fprintf(stderr, "herald: drain needs --queue FILE\n");
        return EXIT_USAGE;
    }
    r.print_all = 1;
    rc = open_session(o, NULL, &r);
    if (rc != 0) {
        return rc;
    }
    st = qfile_claim(&qf, 0);
    if (st == HERALD_E_BUSY) {
        fprintf(stderr, "herald: waiting for %s: another herald is delivering from it\n", o->queue);
        st = qfile_claim(&qf, 1);
    }
    if (st != HERALD_OK) {
        /* without the claim (or a fresh look at the queue) another herald
         * could send the same head: deliver nothing */
        fprintf(stderr, "herald: cannot claim %s for delivery: %s (%s)\n", o->queue, herald_status_name(st),
                herald_status_str(st));
        finish();
        return EXIT_INTERNAL;
    }
    deadline = session.clock.monotonic_ms(NULL) + (uint64_t)(o->wait_s * 1000.0);
    /* Until empty: what other heralds queue meanwhile is delivered too. */
    while (qf.queue.count(qf.queue.ctx) > 0u) {
        if (!session.net.live && (rc = cli_session_connectable(&session, o)) != 0) {
            finish();
            return rc;
        }
        cli_session_run(&session, drained, &r, deadline);
        if (r.auth != HERALD_OK || qf.queue.count(qf.queue.ctx) > 0u || qfile_refresh(&qf) != HERALD_OK) {
            break;
        }
    }
    left = qf.queue.count(qf.queue.ctx);
    /* What this run's queue found damaged, when it opened or on the way. */
    report_damage(qf.damaged_run, o->queue, "found in");
    if (r.auth != HERALD_OK) {
        finish();
        return credentials_refused(&r, o->queue);
    }
    if (left > 0u) {
        fprintf(stderr, "herald: queued: %zu notification(s) still wait in %s (last attempt: %s)\n", left,
                o->queue, herald_status_name(herald_last_status(&session.agent)));
    }
    finish();
    return r.refused      ? EXIT_REFUSED_PLATFORM
           : left         ? EXIT_QUEUED
           : r.unreadable ? EXIT_ACCEPTED_UNREADABLE
                          : EXIT_DELIVERED;
}

/* A summary of a record's body for the listing: template and targets. */
static void describe(const char *body, size_t len, char *tmpl, size_t tcap, char *targets, size_t gcap)
{
    cJSON *root, *t, *k, *g;
    snprintf(tmpl, tcap, "?");
    snprintf(targets, gcap, "?");
    root = cJSON_ParseWithLength(body, len);
    if (!root) {
        return;
    }
    t = cJSON_GetObjectItemCaseSensitive(root, "template");
    k = cJSON_GetObjectItemCaseSensitive(t, "key");
    if (!cJSON_IsString(k)) {
        k = cJSON_GetObjectItemCaseSensitive(t, "id");
    }
    if (cJSON_IsString(k)) {
        snprintf(tmpl, tcap, "%s", k->valuestring);
    }
    g = cJSON_GetObjectItemCaseSensitive(root, "targets");
    if (cJSON_GetArraySize(g) == 1 && cJSON_IsString(cJSON_GetArrayItem(g, 0))) {
        snprintf(targets, gcap, "%s", cJSON_GetArrayItem(g, 0)->valuestring);
    } else if (cJSON_IsArray(g)) {
        snprintf(targets, gcap, "%d targets", cJSON_GetArraySize(g));
    }
    cJSON_Delete(root);
}

/* One line of the listing, gathered under the file lock and printed after
 * it (a slow reader of stdout must not hold other heralds up). */
typedef struct {
    unsigned handle, attempts;
    char tmpl[64], targets[64], next[32], last[48];
    long long age;
} qline_t;

/* The line of a record the walk gave: its body read whole through the
 * queue's read (which checks its CRC).  0, or -1 when it cannot be read. */
static int list_line(const herald_queue_rec_t *rec, int64_t now, qline_t *l)
{
    char *body = malloc(rec->body_len + 1u);
    const qfile_rec_t *st = qfile_find(&qf, rec->seq);
    if (!body || qf.raw.read(qf.raw.ctx, rec, 0, body, rec->body_len) != HERALD_OK) {
        free(body);
        return -1;
    }
    describe(body, rec->body_len, l->tmpl, sizeof l->tmpl, l->targets, sizeof l->targets);
    free(body);
    snprintf(l->next, sizeof l->next, "now");
    if (st && st->next_try > now) {
        snprintf(l->next, sizeof l->next, "in %llds", (long long)(st->next_try - now));
    }
    l->handle = st ? (unsigned)st->handle : (unsigned)rec->seq;
    l->attempts = st ? (unsigned)st->attempts : 0u;
    l->age = st ? (long long)(now - st->created) : -1LL;
    snprintf(l->last, sizeof l->last, "%s", st && st->last[0] ? st->last : "-");
    return 0;
}

/* Walk the queue under the file lock (so no append or retire is half seen),
 * changing nothing: the lines in *lines (malloc'd), how many in *n, and the
 * count the queue gives in *total. */
static int gather(qline_t **lines, size_t *n, size_t *total)
{
    herald_queue_rec_t rec, prev;
    int64_t now = (int64_t)time(NULL);
    size_t cap = 0;
    herald_status_t st;
    *lines = NULL;
    *n = 0;
    if (qfile_lock(&qf) != HERALD_OK) {
        return -1;
    }
    *total = qf.raw.count(qf.raw.ctx);
    for (st = qf.raw.walk(qf.raw.ctx, NULL, &rec); st == HERALD_OK;
         st = qf.raw.walk(qf.raw.ctx, &prev, &rec)) {
        if (*n == cap) {
            qline_t *more = realloc(*lines, (cap = cap ? 2u * cap : 64u) * sizeof *more);
            if (!more) {
                break;
            }
            *lines = more;
        }
        if (list_line(&rec, now, &(*lines)[*n]) != 0) {
            break; /* list no further: the count below says so */
        }
        (*n)++;
        prev = rec;
    }
    qfile_unlock(&qf, 0);
    return 0;
}

int cli_queue_list(const cli_opts_t *o)
{
    qline_t *lines;
    size_t n, total = 0;
    uint64_t damaged;
    int rc;
    if (!o->queue) {
        fprintf(stderr, "herald: queue needs --queue FILE\n");
        return EXIT_USAGE;
    }
    rc = qfile_open(&qf, o->queue);
    if (rc != 0) {
        return rc;
    }
    if (gather(&lines, &n, &total) != 0) {
        qfile_close(&qf);
        return EXIT_INTERNAL;
    }
    printf("%-8s %-24s %-24s %8s %-20s %8s %s\n", "HANDLE", "TEMPLATE", "TARGET", "ATTEMPTS", "NEXT TRY",
           "AGE", "LAST");
    for (size_t i = 0; i < n; i++) {
        const qline_t *l = &lines[i];
        printf("%-8u %-24s %-24s %8u %-20s %7llds %s\n", l->handle, l->tmpl, l->targets, l->attempts, l->next,
               l->age, l->last);
    }
    free(lines);
    printf("%zu queued in %s\n", n, o->queue);
    damaged = qfile_damaged(&qf);
    if (damaged > 0u) {
        printf("%llu record%s lost to flash damage\n", (unsigned long long)damaged, damaged == 1u ? "" : "s");
    }
    qfile_close(&qf);
    if (n != total) {
        /* Never show part of a queue as all of it. */
        fprintf(stderr, "herald: queue %s: listed %zu of %zu records: the rest cannot be read\n", o->queue, n,
                total);
        return EXIT_QUEUE_FILE;
    }
    return EXIT_DELIVERED;
}

/* The flash figures: bytes, and each sector's erase count as the queue
 * keeps it on flash ("?" unknown: last erased by a herald that kept no
 * counts; "N+" at least N).  flash_erases sums them, with "+" when a
 * sector's count is unknown or a lower bound. */
static void print_flash(const herald_queue_stats_t *s, const uint32_t *counts)
{
    char *list = malloc((size_t)s->sectors * 16u + 2u);
    size_t len = 0;
    unsigned long long sum = 0;
    int more = 0;
    printf("%-20s %zu\n", "bytes_used", s->bytes_used);
    printf("%-20s %zu\n", "bytes_free", s->bytes_free);
    for (uint32_t i = 0; list && i < s->sectors; i++) {
        uint32_t c = counts[i];
        more |= c == HERALD_QUEUE_ERASES_UNKNOWN || (c & HERALD_QUEUE_ERASES_MORE) != 0u;
        sum += c == HERALD_QUEUE_ERASES_UNKNOWN ? 0u : (c & ~HERALD_QUEUE_ERASES_MORE);
        if (c == HERALD_QUEUE_ERASES_UNKNOWN) {
            len += (size_t)sprintf(list + len, "%s?", i ? "," : "");
        } else {
            len +=
                (size_t)sprintf(list + len, "%s%u%s", i ? "," : "", (unsigned)(c & ~HERALD_QUEUE_ERASES_MORE),
                                (c & HERALD_QUEUE_ERASES_MORE) ? "+" : "");
        }
    }
    printf("%-20s %llu%s\n", "flash_erases", sum, more ? "+" : "");
    printf("%-20s %s\n", "sector_erases", list && len ? list : "-");
    free(list);
}

int cli_stats(const cli_opts_t *o)
{
    uint32_t *counts;
    herald_queue_stats_t s;
    int64_t now = (int64_t)time(NULL), oldest = -1;
    int rc;
    if (!o->queue) {
        fprintf(stderr, "herald: stats needs --queue FILE\n");
        return EXIT_USAGE;
    }
    rc = qfile_open(&qf, o->queue);
    if (rc != 0) {
        return rc;
    }
    /* under the lock: another herald may be erasing a sector */
    counts = calloc(qf.flash.geometry.sector_count, sizeof *counts);
    if (!counts || qfile_lock(&qf) != HERALD_OK) {
        free(counts);
        qfile_close(&qf);
        return EXIT_INTERNAL;
    }
    if (qf.raw.stats(qf.raw.ctx, &s, counts, qf.flash.geometry.sector_count) != HERALD_OK) {
        fprintf(stderr, "herald: queue %s cannot be read\n", o->queue);
        qfile_unlock(&qf, 0);
        free(counts);
        qfile_close(&qf);
        return EXIT_INTERNAL;
    }
    qfile_unlock(&qf, 0);
    for (size_t i = 0; i < qf.nrecs; i++) {
        if (oldest < 0 || now - qf.recs[i].created > oldest) {
            oldest = now - qf.recs[i].created;
        }
    }
#define QFILE_X(name) printf("%-20s %llu\n", #name, (unsigned long long)qf.counters.name);
    QFILE_COUNTERS(QFILE_X)
#undef QFILE_X
    printf("%-20s %zu\n", "waiting", s.records);
    printf("%-20s %lld\n", "oldest_age_s", (long long)(oldest < 0 ? 0 : oldest));
    print_flash(&s, counts);
    free(counts);
    report_damage(qf.counters.damaged, o->queue, "in");
    qfile_close(&qf);
    return EXIT_DELIVERED;
}
