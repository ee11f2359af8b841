/* SPDX-License-Identifier: Apache-2.0 */
/* What the end of a request means for the notification at the head: one
 * classify step (status.h's class column: sent, refused, hold, retry), then
 * retire it and report, hold the queue for credentials, or try again after
 * a wait, moving a head that keeps failing behind the others. */
#include <string.h>
#include "agent_priv.h"

#define MAX_WAIT_S 86400

#if HERALD_ENABLE_LOG
#define WARN(p, st) log_warn((p), (st))
static void log_warn(const herald_agent_priv_t *p, herald_status_t st)
{
    if (p->cfg.log && p->cfg.log->write) {
        p->cfg.log->write(p->cfg.log->ctx, HERALD_LOG_WARN, herald_status_str(st));
    }
}
#else
/* Nothing of the message is evaluated: no status text is linked for it. */
#define WARN(p, st) ((void)0)
#endif

int64_t herald_agent_wall(const herald_agent_priv_t *p)
{
    return (p->cfg.clock && p->cfg.clock->wall_s) ? p->cfg.clock->wall_s(p->cfg.clock->ctx) : -1;
}

/* ---- moved notifications ---------------------------------------------------- */

/* The slot index of a moved notification by its copy's queue id, or
 * HERALD_ROTATE_SLOTS. */
static size_t moved_index(const herald_agent_priv_t *p, uint32_t qid)
{
    size_t i = 0u;
    while (i < HERALD_ROTATE_SLOTS && !(p->moved[i].used && p->moved[i].qid == qid)) {
        i++;
    }
    return i;
}

static herald_moved_t *moved_slot(herald_agent_priv_t *p, uint32_t qid)
{
    size_t i = moved_index(p, qid);
    return i < HERALD_ROTATE_SLOTS ? &p->moved[i] : NULL;
}

const herald_moved_t *herald_agent_moved(const herald_agent_priv_t *p, uint32_t qid)
{
    size_t i = moved_index(p, qid);
    return i < HERALD_ROTATE_SLOTS ? &p->moved[i] : NULL;
}

void herald_agent_moved_forget(herald_agent_priv_t *p, uint32_t qid)
{
    herald_moved_t *m = moved_slot(p, qid);
    if (m != NULL) {
        m->used = 0u;
    }
}

/* ---- reporting ---------------------------------------------------------------- */

static int is_platform_error(herald_status_t st)
{
    return st <= HERALD_E_PLATFORM_BAD_REQUEST && st >= HERALD_E_PLATFORM_UNKNOWN;
}

void herald_agent_emit(herald_agent_priv_t *p, uint32_t qid, uint32_t attempts, herald_status_t st,
                       int with_error)
{
    herald_outcome_t o;
    const herald_moved_t *m = herald_agent_moved(p, qid);
    int accepted = st == HERALD_OK || st == HERALD_E_ACCEPTED_UNREADABLE;
    o.handle = (m != NULL) ? m->handle : qid;
    o.status = st;
    o.attempts = attempts;
    o.result = accepted ? &p->result : NULL;
    o.error = with_error ? &p->error : NULL;
    o.detail = st == HERALD_E_ACCEPTED_UNREADABLE ? p->unreadable_cause : HERALD_OK;
    o.http_status = with_error || accepted ? herald_hx_response(&p->hx)->status : 0;
    p->last_status = st;
    if (p->cfg.on_result) {
        p->cfg.on_result(p->cfg.result_ctx, &o);
    }
}

/* The head's outcome; `tried` says whether the attempt that ended counts. */
static void report(herald_agent_priv_t *p, herald_status_t st, int with_error, int tried)
{
    herald_agent_emit(p, p->head.qid, p->head.tries.attempts + (tried ? 1u : 0u), st, with_error);
}

/* The head is out of its queue: forget its state; the next one may go at once. */
static void head_gone(herald_agent_priv_t *p)
{
    herald_agent_moved_forget(p, p->head.qid);
    herald_backoff_reset(&p->head.tries);
    p->head.resent = 0u;
    p->next_try_ms = p->now_ms;
}

void herald_agent_retire(herald_agent_priv_t *p)
{
    (void)p->cur->retire(p->cur->ctx, p->rec.seq);
    head_gone(p);
}

/* ---- rotation ----------------------------------------------------------------- */

static herald_moved_t *free_slot(herald_agent_priv_t *p)
{
    herald_moved_t *slot = moved_slot(p, p->head.qid);
    for (size_t i = 0; slot == NULL && i < HERALD_ROTATE_SLOTS; i++) {
        slot = p->moved[i].used ? NULL : &p->moved[i];
    }
    return slot;
}

/* Append a copy of the head's record, through the exchange's tx buffer,
 * which is free between requests. */
static herald_status_t copy_head(herald_agent_priv_t *p, herald_queue_rec_t *meta)
{
    herald_queue_t *q = p->cur;
    char *buf = p->hx.tx;
    herald_status_t st = q->begin(q->ctx, meta);
    for (size_t off = 0u; st == HERALD_OK && off < p->rec.body_len; off += sizeof p->hx.tx) {
        size_t n = p->rec.body_len - off < sizeof p->hx.tx ? p->rec.body_len - off : sizeof p->hx.tx;
        st = q->read(q->ctx, &p->rec, off, buf, n);
        st = st == HERALD_OK ? q->write(q->ctx, buf, n) : st;
    }
    if (st == HERALD_OK) {
        st = q->commit(q->ctx);
    }
    return st;
}

/* Move the head behind the others: append a copy of its record, then retire
 * the original.  A power cut between the two leaves both (the notification
 * may be sent twice, never lost); with no room or no free slot it keeps its
 * place.  Returns 1 when it moved. */
static int rotate(herald_agent_priv_t *p)
{
    herald_queue_rec_t meta = p->rec;
    herald_moved_t *slot = free_slot(p);
    const herald_moved_t *was = herald_agent_moved(p, p->head.qid);
    uint32_t handle = (was != NULL) ? was->handle : p->head.qid;
    if (slot == NULL) {
        return 0;
    }
    if (copy_head(p, &meta) != HERALD_OK) {
        p->cur->abort(p->cur->ctx);
        return 0;
    }
    slot->handle = handle;
    slot->attempts = p->head.tries.attempts;
    slot->qid = meta.seq | (p->head.qid & HERALD_ALERT_BIT);
    slot->used = 1u;
    if (p->cur->retire(p->cur->ctx, p->rec.seq) != HERALD_OK) {
        WARN(p, HERALD_E_FLASH); /* the original stays queued too: at least once */
    }
    p->counters.rotated++;
    if (p->cfg.on_rotate) {
        p->cfg.on_rotate(p->cfg.result_ctx, slot->handle, slot->qid);
    }
    p->head.resent = 0u;
    return 1;
}

/* A failure only this head meets should not hold the others: move it behind
 * them.  Only when the platform itself answered with an error (no route, a
 * refused connection, TLS or a timeout say nothing about this one
 * notification); not when it said when to come back (429, Retry-After),
 * which no other notification would escape either; and not again before
 * some notification got through, so an outage of the whole platform costs
 * one copy, not one per head and round (flash wear). */
static int should_rotate(const herald_agent_priv_t *p, herald_status_t st, int64_t wait_s)
{
    int own = (is_platform_error(st) && st != HERALD_E_PLATFORM_RATE_LIMITED) || st == HERALD_E_HTTP_STATUS;
    return own && wait_s < 0 && p->cfg.rotate_after != HERALD_ROTATE_NEVER && p->rotate_armed != 0u &&
           p->head.tries.attempts % p->cfg.rotate_after == 0u && p->cur->count(p->cur->ctx) > 1u;
}

/* ---- the classes ----------------------------------------------------------------- */

/* What the end of an attempt on a status means: status.h's class column,
 * as a table indexed by the status's magnitude (statuses run 0 to -108;
 * any not listed is a retry). */
typedef enum { CLASS_RETRY = 0, CLASS_SENT, CLASS_REFUSED, CLASS_HOLD, CLASS_LOCAL } herald_class_t;

static herald_class_t class_of(herald_status_t st, int http_status)
{
    static const uint8_t classes[] = {
#define HERALD_X_CLASS(name, value, cls, text) [-(value)] = (uint8_t)CLASS_##cls,
        HERALD_STATUS_LIST(HERALD_X_CLASS)
#undef HERALD_X_CLASS
    };
    size_t i = (size_t)(-(int32_t)st);
    /* Request Timeout and Too Early come from proxies and mean "again
     * later", whatever the body says. */
    if (http_status == 408 || http_status == 425) {
        return CLASS_RETRY;
    }
    if (st == HERALD_E_PLATFORM_UNKNOWN && http_status >= 400 && http_status < 500 && http_status != 429) {
        return CLASS_REFUSED;
    }
    return (st <= HERALD_OK && i < sizeof classes) ? (herald_class_t)classes[i] : CLASS_RETRY;
}

/* A transient failure: try again later, unless attempts are used up. */
static void retry_later(herald_agent_priv_t *p, herald_status_t st, int64_t wait_s)
{
    p->last_status = st;
    if (p->cfg.max_attempts && p->head.tries.attempts + 1u >= p->cfg.max_attempts) {
        p->counters.failed++;
        report(p, st, is_platform_error(st), 1);
        herald_agent_retire(p);
        return;
    }
    herald_backoff_failed(&p->head.tries);
    p->counters.retried++;
    if (should_rotate(p, st, wait_s) && rotate(p) != 0) {
        p->rotate_armed = 0u;
        p->next_try_ms = p->now_ms; /* the next head goes at once */
    } else if (wait_s >= 0) {
        p->next_try_ms = p->now_ms + (uint64_t)(wait_s < MAX_WAIT_S ? wait_s : MAX_WAIT_S) * 1000u;
    } else {
        uint32_t r = 0u;
        int random = p->cfg.rng && p->cfg.rng->fill(p->cfg.rng->ctx, (uint8_t *)&r, sizeof r) == 0;
        p->next_try_ms = p->now_ms + herald_backoff_wait(&p->head.tries, p->cfg.backoff_base_ms,
                                                         p->cfg.backoff_cap_ms, random ? &r : NULL);
    }
}

/* The platform has it (2xx): retire it as sent and never send it again.
 * st is HERALD_OK, or HERALD_E_ACCEPTED_UNREADABLE when its answer could
 * not be read (cause says why). */
static void sent(herald_agent_priv_t *p, herald_status_t st, herald_status_t cause)
{
    p->counters.sent++;
    p->rotate_armed = 1u; /* the platform takes others: a failing head may move again */
    if (st != HERALD_OK) {
        WARN(p, cause);
        p->counters.unreadable++;
        p->unreadable_cause = cause;
    }
    report(p, st, 0, 1);
    herald_agent_retire(p);
}

/* When the answer says when to come back (429, 503), the wait in seconds. */
static int64_t server_wait(const herald_agent_priv_t *p, const herald_http_response_t *r)
{
    int64_t now_s;
    if (r->status != 429 && r->status != 503) {
        return -1;
    }
    if (r->retry_after_s >= 0) {
        return r->retry_after_s;
    }
    now_s = r->ratelimit_reset > 0 ? herald_agent_wall(p) : -1;
    return (now_s > 0 && r->ratelimit_reset > now_s) ? r->ratelimit_reset - now_s : -1;
}

void herald_agent_answered(herald_agent_priv_t *p, const herald_http_response_t *r)
{
    herald_status_t st =
        herald_response_read(&p->json, r->status, r->body, r->body_len, &p->result, &p->error);
    if (st == HERALD_E_PLATFORM_TEMPLATE_NOT_APPROVED || st == HERALD_E_PLATFORM_NOT_FOUND) {
        herald_sync_want_all(&p->sync); /* our copy of the templates is stale */
    }
    switch (class_of(st, r->status)) {
    case CLASS_SENT:
        sent(p, st, p->error.cause);
        break;
    case CLASS_HOLD:
        /* Credentials will not fix themselves: hold the queue, keep the
         * record, and do not spend its attempts. */
        p->paused_auth = 1u;
        report(p, st, 1, 0);
        break;
    case CLASS_REFUSED:
        p->counters.refused_platform++;
        report(p, st, 1, 1);
        herald_agent_retire(p);
        break;
    default:
        retry_later(p, st, server_wait(p, r));
        break;
    }
}

/* A read of the head's body failed.  When the queue no longer holds that
 * record, it found it damaged and dropped it (counted in `damaged`): the
 * notification is lost, its outcome says so (HERALD_E_FLASH), and the next
 * one may go at once.  Else the read itself failed: tried again later. */
static int head_dropped(herald_agent_priv_t *p)
{
    herald_queue_rec_t now;
    herald_status_t pst = p->cur->peek(p->cur->ctx, &now);
    if (pst != HERALD_E_QUEUE_EMPTY && (pst != HERALD_OK || now.seq == p->rec.seq)) {
        return 0;
    }
    report(p, HERALD_E_FLASH, 0, 1);
    head_gone(p); /* the queue dropped it itself */
    return 1;
}

void herald_agent_failed(herald_agent_priv_t *p)
{
    const herald_exchange_t *x = &p->hx;
    int status = herald_hx_response(x)->status;
    if (status >= 200 && status <= 299) {
        /* accepted, but the answer lost its framing or overflowed */
        (void)memset(&p->result, 0, sizeof p->result);
        sent(p, HERALD_E_ACCEPTED_UNREADABLE, x->error);
        return;
    }
    if (x->body_failed && head_dropped(p)) {
        return;
    }
    WARN(p, x->error);
    /* A kept-alive connection the server closed while idle fails before any
     * answer: resend once at once on a fresh connection, without counting it. */
    if (herald_hx_stale(x) && !p->head.resent) {
        p->head.resent = 1u;
        p->next_try_ms = p->now_ms;
        return;
    }
    retry_later(p, x->error, -1);
}
