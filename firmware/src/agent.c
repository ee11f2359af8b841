/* SPDX-License-Identifier: Apache-2.0 */
/* The agent loop: notify() checks and queues; poll() walks one request at a
 * time through connect -> send (head, then the body streamed from the queue
 * record) -> receive -> classify, and schedules retries.  Only the head of
 * the queue is ever in flight, so the queue stays a plain FIFO. */
#include <stdint.h>
#include <string.h>
#include "herald/herald.h"
#include "herald/request.h"
#include "agent_priv.h"

/* Alerts live in their own queue; their handles carry this bit so the two
 * queues' sequence numbers never collide in the application's eyes. */
#define ALERT_BIT 0x80000000u

#define NO_TIMER 0xFFFFFFFFu
#define MAX_WAIT_S 86400

#if HERALD_ENABLE_LOG
#define LOG(a, lvl, msg) prv_log((a), (lvl), (msg))
static void prv_log(const herald_agent_t *a, herald_log_level_t lvl, const char *msg)
{
    if (a->cfg.log && a->cfg.log->write) {
        a->cfg.log->write(a->cfg.log->ctx, lvl, msg);
    }
}
#else
/* Nothing of the message is evaluated: no status text is linked for it. */
#define LOG(a, lvl, msg) ((void)0)
#endif

herald_status_t herald_init(herald_agent_t *a, const herald_config_t *cfg)
{
    herald_status_t st;
    if (!a || !cfg || !cfg->transport || !cfg->queue) {
        return HERALD_E_INVALID_ARG;
    }
    st = herald_agent_check_credentials(cfg->app_id, cfg->api_key);
    if (st != HERALD_OK) {
        return st;
    }
    (void)memset(a, 0, sizeof *a);
    a->cfg = *cfg;
    if (!a->cfg.timeout_ms) {
        a->cfg.timeout_ms = HERALD_TIMEOUT_MS;
    }
    if (!a->cfg.request_max_ms) {
        a->cfg.request_max_ms = HERALD_REQUEST_MAX_MS;
    }
    if (!a->cfg.backoff_base_ms) {
        a->cfg.backoff_base_ms = HERALD_BACKOFF_BASE_MS;
    }
    if (!a->cfg.backoff_cap_ms) {
        a->cfg.backoff_cap_ms = HERALD_BACKOFF_CAP_MS;
    }
    if (!a->cfg.max_attempts) {
        a->cfg.max_attempts = HERALD_MAX_ATTEMPTS;
    }
    if (!a->cfg.rotate_after) {
        a->cfg.rotate_after = HERALD_ROTATE_AFTER;
    }
    a->rotate_armed = 1u;
    st = herald_agent_set_endpoint(a);
    if (st != HERALD_OK) {
        return st;
    }
    if (!herald_agent_head_fits(a)) {
        return HERALD_E_INVALID_ARG; /* host, app id or key too long for the head buffer */
    }
    herald_budget_init(&a->budget, a->cfg.rate_per_min == HERALD_RATE_UNLIMITED ? 0u
                                   : (a->cfg.rate_per_min ? a->cfg.rate_per_min : HERALD_RATE_PER_MIN),
                       a->cfg.rate_burst ? a->cfg.rate_burst : HERALD_RATE_BURST, 0u);
    return HERALD_OK;
}

herald_status_t herald_set_credentials(herald_agent_t *a, const char *app_id, const char *api_key)
{
    const char *old_id = a->cfg.app_id;
    const char *old_key = a->cfg.api_key;
    char old_host[sizeof a->host];
    uint16_t old_port = a->port;
    herald_status_t st = herald_agent_check_credentials(app_id, api_key);
    if (st != HERALD_OK) {
        return st;
    }
    if (a->state != HERALD_ST_IDLE) {
        return HERALD_E_BUSY; /* the request in flight names the old endpoint */
    }
    (void)memcpy(old_host, a->host, sizeof old_host);
    a->cfg.app_id = app_id;
    a->cfg.api_key = api_key;
    st = herald_agent_set_endpoint(a);
    if (st == HERALD_OK && !herald_agent_head_fits(a)) {
        st = HERALD_E_INVALID_ARG;
    }
    if (st != HERALD_OK) {
        /* refused: the agent keeps working with what it had */
        a->cfg.app_id = old_id;
        a->cfg.api_key = old_key;
        (void)memcpy(a->host, old_host, sizeof old_host);
        a->port = old_port;
        return st;
    }
    a->paused_auth = 0;
    a->next_try_ms = a->now_ms;
    return HERALD_OK;
}

/* ---- notify ---------------------------------------------------------------- */

static int64_t wall_now(const herald_agent_t *a)
{
    return (a->cfg.clock && a->cfg.clock->wall_s) ? a->cfg.clock->wall_s(a->cfg.clock->ctx) : -1;
}

/* The slot of a moved notification by its copy's queue id, or NULL. */
static herald_moved_t *moved_slot(herald_agent_t *a, uint32_t qid)
{
    for (size_t i = 0; i < HERALD_ROTATE_SLOTS; i++) {
        if (a->moved[i].used && a->moved[i].qid == qid) {
            return &a->moved[i];
        }
    }
    return NULL;
}

/* The handle the application knows for the record qid. */
static uint32_t app_handle(herald_agent_t *a, uint32_t qid)
{
    const herald_moved_t *m = moved_slot(a, qid);
    return (m != NULL) ? m->handle : qid;
}

/* The record qid leaves the queue: its slot, if any, is free again. */
static void moved_forget(herald_agent_t *a, uint32_t qid)
{
    herald_moved_t *m = moved_slot(a, qid);
    if (m != NULL) {
        m->used = 0u;
    }
}

static void emit(herald_agent_t *a, uint32_t handle, uint32_t attempts, herald_status_t st, int with_error)
{
    herald_outcome_t o;
    o.handle = app_handle(a, handle);
    o.status = st;
    o.attempts = attempts;
    o.result = (st == HERALD_OK || st == HERALD_E_ACCEPTED_UNREADABLE) ? &a->result : NULL;
    o.error = with_error ? &a->error : NULL;
    o.detail = st == HERALD_E_ACCEPTED_UNREADABLE ? a->unreadable_cause : HERALD_OK;
    a->last_status = st;
    if (a->cfg.on_result) {
        a->cfg.on_result(a->cfg.result_ctx, &o);
    }
}

/* Make room under HERALD_FULL_DROP_OLDEST: retire the oldest record of q
 * that is not in flight and tell the application which one went. */
static int drop_oldest(herald_agent_t *a, herald_queue_t *q, uint32_t bit)
{
    herald_queue_rec_t rec;
    uint32_t handle;
    if (q->peek(q->ctx, &rec) != HERALD_OK) {
        return 0;
    }
    handle = rec.seq | bit;
    if ((a->state != HERALD_ST_IDLE && !a->req_sync && handle == a->head_handle) ||
        q->retire(q->ctx, rec.seq) != HERALD_OK) {
        return 0;
    }
    a->counters.dropped++;
    emit(a, handle, handle == a->head_handle ? a->attempts : 0u, HERALD_E_QUEUE_FULL, 0);
    moved_forget(a, handle);
    return 1;
}

herald_status_t herald_notify(herald_agent_t *a, const herald_notification_t *n, uint32_t *handle)
{
    herald_queue_t *q;
    herald_tview_t view;
    herald_queue_rec_t meta;
    herald_status_t st;
    size_t len = 0u;
    uint64_t hash = 0u;
    uint32_t bit = 0u;

    if (!a || !n) {
        return HERALD_E_INVALID_ARG;
    }
    a->counters.raised++;
    st = herald_check_shape(n);
    if (st == HERALD_OK && a->cfg.templates) {
        /* The cache judges only templates it holds; the platform judges the rest. */
        st = herald_check(a->cfg.templates, n, &view);
        if (st == HERALD_E_TEMPLATE_UNKNOWN) {
            herald_sync_want(a, n->template_key ? n->template_key : n->template_id);
            st = HERALD_OK;
        }
    }
    if (st == HERALD_OK && n->expires_at != 0u) {
        int64_t now_s = wall_now(a);
        st = now_s < 0 ? HERALD_E_NOT_SUPPORTED : (now_s >= (int64_t)n->expires_at ? HERALD_E_EXPIRED : HERALD_OK);
    }
    if (st == HERALD_OK) {
        st = herald_request_length(n, &len);
    }
    if (st != HERALD_OK) {
        a->counters.refused_local++;
        return st;
    }
    if (a->cfg.coalesce_window_ms != 0u) {
        uint32_t first = 0u;
        hash = herald_notification_hash(n);
        if (herald_coalesce_seen(&a->coalesce, hash, a->now_ms, a->cfg.coalesce_window_ms, &first)) {
            a->counters.coalesced++;
            if (handle) {
                *handle = first;
            }
            return HERALD_E_COALESCED;
        }
    }
    if ((uint32_t)len != len) {
        return HERALD_E_NOSPACE; /* a record's length is 32 bits */
    }
    q = a->cfg.queue;
    if (n->priority != HERALD_PRIO_ROUTINE && a->cfg.alert_queue) {
        q = a->cfg.alert_queue;
        bit = ALERT_BIT;
    }
    (void)memset(&meta, 0, sizeof meta);
    meta.body_len = (uint32_t)len;
    meta.expires_s = n->expires_at;
    meta.priority = n->priority;
    st = q->begin(q->ctx, &meta);
    while (st == HERALD_E_QUEUE_FULL && a->cfg.full_policy == HERALD_FULL_DROP_OLDEST && drop_oldest(a, q, bit)) {
        st = q->begin(q->ctx, &meta);
    }
    if (st == HERALD_OK) {
        st = herald_request_write(n, q->write, q->ctx);
        st = (st == HERALD_OK) ? q->commit(q->ctx) : st;
        if (st != HERALD_OK) {
            q->abort(q->ctx);
        }
    }
    if (st != HERALD_OK) {
        if (st == HERALD_E_QUEUE_FULL) {
            a->counters.dropped++;
        }
        return st;
    }
    a->counters.queued++;
    if (a->cfg.coalesce_window_ms != 0u) {
        herald_coalesce_note(&a->coalesce, hash, a->now_ms, meta.seq | bit);
    }
    if (handle) {
        *handle = meta.seq | bit;
    }
    return HERALD_OK;
}

/* ---- delivery ---------------------------------------------------------------- */

static void drop_connection(herald_agent_t *a)
{
    if (a->connected || a->state == HERALD_ST_CONNECTING) {
        a->cfg.transport->close(a->cfg.transport->ctx);
    }
    a->connected = 0;
}

void herald_close(herald_agent_t *a)
{
    drop_connection(a);
    a->state = HERALD_ST_IDLE;
}

static void report(herald_agent_t *a, herald_status_t st, int with_error)
{
    emit(a, a->head_handle, a->attempts, st, with_error);
}

static void retire(herald_agent_t *a)
{
    herald_queue_t *q = a->cur;
    (void)q->retire(q->ctx, a->rec.seq);
    moved_forget(a, a->head_handle);
    a->attempts = 0u;
    a->fresh_retry_used = 0;
    a->next_try_ms = a->now_ms;
}

static uint32_t backoff_ms(herald_agent_t *a, uint32_t failures)
{
    uint64_t ceiling = a->cfg.backoff_base_ms;
    uint32_t r = 0xFFFFFFFFu;
    while (failures-- > 1u && ceiling < a->cfg.backoff_cap_ms) {
        ceiling *= 2u;
    }
    if (ceiling > a->cfg.backoff_cap_ms) {
        ceiling = a->cfg.backoff_cap_ms;
    }
    if (!a->cfg.rng || a->cfg.rng->fill(a->cfg.rng->ctx, (uint8_t *)&r, sizeof r) != 0) {
        return (uint32_t)ceiling; /* no randomness: plain exponential */
    }
    return (uint32_t)((uint64_t)r % (ceiling + 1u));
}

/* Move the head behind the others: append a copy of its record, then retire
 * the original.  A power cut between the two leaves both (the notification
 * may be sent twice, never lost); with no room or no free slot it keeps its
 * place.  Returns 1 when it moved. */
static int rotate(herald_agent_t *a)
{
    herald_queue_t *q = a->cur;
    herald_queue_rec_t meta = a->rec;
    herald_moved_t *slot = moved_slot(a, a->head_handle);
    uint32_t bit = a->head_handle & ALERT_BIT;
    herald_status_t st;
    for (size_t i = 0; slot == NULL && i < HERALD_ROTATE_SLOTS; i++) {
        slot = a->moved[i].used ? NULL : &a->moved[i];
    }
    if (slot == NULL || q->begin(q->ctx, &meta) != HERALD_OK) {
        return 0;
    }
    st = HERALD_OK;
    /* through tx, which is free between requests */
    for (size_t off = 0u; st == HERALD_OK && off < a->rec.body_len; off += sizeof a->tx) {
        size_t n = a->rec.body_len - off < sizeof a->tx ? a->rec.body_len - off : sizeof a->tx;
        st = q->read(q->ctx, &a->rec, off, a->tx, n);
        st = st == HERALD_OK ? q->write(q->ctx, a->tx, n) : st;
    }
    st = st == HERALD_OK ? q->commit(q->ctx) : st;
    if (st != HERALD_OK) {
        q->abort(q->ctx);
        return 0;
    }
    slot->handle = app_handle(a, a->head_handle);
    slot->attempts = a->attempts;
    slot->qid = meta.seq | bit;
    slot->used = 1u;
    if (q->retire(q->ctx, a->rec.seq) != HERALD_OK) {
        LOG(a, HERALD_LOG_WARN, "rotate: the original stays queued too"); /* at least once */
    }
    a->counters.rotated++;
    if (a->cfg.on_rotate) {
        a->cfg.on_rotate(a->cfg.result_ctx, slot->handle, slot->qid);
    }
    a->fresh_retry_used = 0;
    return 1;
}

/* A transient failure: try again later, unless attempts are used up. */
static void retry_later(herald_agent_t *a, herald_status_t st, int64_t wait_s)
{
    a->last_status = st;
    a->state = HERALD_ST_IDLE;
    if (a->cfg.max_attempts && a->attempts >= a->cfg.max_attempts) {
        a->counters.failed++;
        report(a, st, st <= HERALD_E_PLATFORM_BAD_REQUEST && st >= HERALD_E_PLATFORM_UNKNOWN);
        retire(a);
        return;
    }
    a->counters.retried++;
    /* A failure only this head meets should not hold the others: move it
     * behind them.  Only when the platform itself answered with an error
     * (no route, a refused connection, TLS or a timeout say nothing about
     * this one notification); not when it said when to come back (429,
     * Retry-After), which no other notification would escape either; and
     * not again before some notification got through, so an outage of the
     * whole platform costs one copy, not one per head and round (flash
     * wear). */
    if (a->cfg.rotate_after != HERALD_ROTATE_NEVER && wait_s < 0 && st != HERALD_E_PLATFORM_RATE_LIMITED &&
        ((st <= HERALD_E_PLATFORM_BAD_REQUEST && st >= HERALD_E_PLATFORM_UNKNOWN) || st == HERALD_E_HTTP_STATUS) &&
        a->rotate_armed != 0u && a->attempts % a->cfg.rotate_after == 0u && a->cur->count(a->cur->ctx) > 1u &&
        rotate(a) != 0) {
        a->rotate_armed = 0u;
    }
    if (wait_s >= 0) {
        /* a day at most: a wild Retry-After must neither overflow nor freeze the queue */
        a->next_try_ms = a->now_ms + (uint64_t)(wait_s < MAX_WAIT_S ? wait_s : MAX_WAIT_S) * 1000u;
    } else {
        a->next_try_ms = a->now_ms + backoff_ms(a, a->attempts);
    }
}

/* The platform answered 2xx, so it has the notification, but its answer
 * could not be read (cause): retire it as sent and never send it again. */
static void accepted_unreadable(herald_agent_t *a, herald_status_t cause)
{
    LOG(a, HERALD_LOG_WARN, herald_status_str(cause));
    a->state = HERALD_ST_IDLE;
    a->counters.sent++;
    a->rotate_armed = 1u; /* the platform takes others: a failing head may move again */
    a->counters.unreadable++;
    a->unreadable_cause = cause;
    report(a, HERALD_E_ACCEPTED_UNREADABLE, 0);
    retire(a);
}

static void fail_io(herald_agent_t *a, herald_status_t st)
{
    int status = a->reader.resp.status;
    int answered_2xx = a->state == HERALD_ST_RECEIVING && !a->req_sync && status >= 200 && status <= 299;
    drop_connection(a); /* also when a 2xx lost its framing: the stream is out of step */
    if (answered_2xx) {
        a->counters.bytes_received += a->rx_total;
        (void)memset(&a->result, 0, sizeof a->result);
        accepted_unreadable(a, st);
        return;
    }
    LOG(a, HERALD_LOG_WARN, herald_status_str(st));
    /* A kept-alive connection the server closed while idle fails before any
     * answer: resend once at once on a fresh connection, without counting it. */
    if (a->reused && !a->got_response_bytes && !a->fresh_retry_used &&
        (st == HERALD_E_NET_CLOSED || st == HERALD_E_NET)) {
        a->fresh_retry_used = 1;
        if (!a->req_sync) {
            a->attempts--;
        }
        a->state = HERALD_ST_IDLE;
        a->next_try_ms = a->now_ms;
        return;
    }
    if (a->req_sync) {
        a->state = HERALD_ST_IDLE;
        herald_sync_failed(a);
        return;
    }
    retry_later(a, st, -1);
}

/* A read of the head's body failed.  When the queue no longer holds that
 * record, it found it damaged and dropped it (counted in `damaged`): the
 * notification is lost, its outcome says so (HERALD_E_FLASH), and the next
 * one may go at once.  Else the read itself failed: an I/O failure, tried
 * again later. */
static void body_read_failed(herald_agent_t *a, herald_status_t st)
{
    herald_queue_rec_t now;
    herald_status_t pst = a->cur->peek(a->cur->ctx, &now);
    if (pst == HERALD_E_QUEUE_EMPTY || (pst == HERALD_OK && now.seq != a->rec.seq)) {
        drop_connection(a); /* a head with no body went out */
        a->state = HERALD_ST_IDLE;
        a->last_status = HERALD_E_FLASH;
        report(a, HERALD_E_FLASH, 0);
        moved_forget(a, a->head_handle);
        a->attempts = 0u;
        a->fresh_retry_used = 0;
        a->next_try_ms = a->now_ms;
        return;
    }
    fail_io(a, st);
}

static int is_permanent(herald_status_t st, int http_status)
{
    /* Request Timeout and Too Early come from proxies and mean "again
     * later", whatever the body says. */
    if (http_status == 408 || http_status == 425) {
        return 0;
    }
    switch (st) {
    case HERALD_E_PLATFORM_BAD_REQUEST:
    case HERALD_E_PLATFORM_INVALID_VARIABLES:
    case HERALD_E_PLATFORM_TEMPLATE_NOT_APPROVED:
    case HERALD_E_PLATFORM_TARGET_LIMIT:
    case HERALD_E_PLATFORM_INVALID_MODE:
    case HERALD_E_PLATFORM_NOT_FOUND:
        return 1;
    case HERALD_E_PLATFORM_UNKNOWN:
        return http_status >= 400 && http_status < 500 && http_status != 429;
    default:
        return 0;
    }
}

static void complete(herald_agent_t *a)
{
    const herald_http_response_t *r = &a->reader.resp;
    herald_status_t st;
    int64_t wait_s = -1;

    a->counters.bytes_received += a->rx_total;
    herald_budget_sync(&a->budget, a->now_ms, r->ratelimit_remaining, r->ratelimit_reset, wall_now(a));
    if (r->conn_close) {
        drop_connection(a);
    }
    a->state = HERALD_ST_IDLE;
    if (a->req_sync) {
        herald_sync_complete(a, r);
        return;
    }
    st = herald_response_parse(r->status, r->body, r->body_len, &a->result, &a->error);
    if (st == HERALD_E_PLATFORM_TEMPLATE_NOT_APPROVED || st == HERALD_E_PLATFORM_NOT_FOUND) {
        a->sync.want_all = a->cfg.templates != NULL; /* our copy of the templates is stale */
    }
    if (st == HERALD_OK) {
        a->counters.sent++;
        a->rotate_armed = 1u; /* the platform takes others: a failing head may move again */
        report(a, st, 0);
        retire(a);
    } else if (st == HERALD_E_ACCEPTED_UNREADABLE) {
        accepted_unreadable(a, a->error.cause);
    } else if (st == HERALD_E_PLATFORM_UNAUTHORIZED || st == HERALD_E_PLATFORM_FORBIDDEN) {
        /* Credentials will not fix themselves: hold the queue, keep the record,
         * and do not burn its attempts. */
        a->attempts--;
        a->paused_auth = 1;
        report(a, st, 1);
    } else if (is_permanent(st, r->status)) {
        a->counters.refused_platform++;
        report(a, st, 1);
        retire(a);
    } else {
        if (r->status == 429 || r->status == 503) {
            if (r->retry_after_s >= 0) {
                wait_s = r->retry_after_s;
            } else if (r->ratelimit_reset > 0) {
                int64_t now_s = wall_now(a);
                wait_s = (now_s > 0 && r->ratelimit_reset > now_s) ? r->ratelimit_reset - now_s : -1;
            } else {
                /* no hint from the server: the backoff decides */
            }
        }
        retry_later(a, st, wait_s);
    }
}

static size_t queued(const herald_queue_t *q)
{
    return q ? q->count(q->ctx) : 0u;
}

static uint32_t queue_damaged(const herald_queue_t *q)
{
    return q && q->damaged ? q->damaged(q->ctx) : 0u;
}

/* Alerts go first, but after HERALD_ALERT_RUN of them in a row a waiting
 * routine notification gets its turn, so a storm of alerts cannot starve it. */
static herald_queue_t *pick_queue(herald_agent_t *a, uint32_t *bit)
{
    size_t alerts = queued(a->cfg.alert_queue);
    size_t routine = queued(a->cfg.queue);
    *bit = 0u;
    if (alerts > 0u && (routine == 0u || a->alert_run < HERALD_ALERT_RUN)) {
        *bit = ALERT_BIT;
        return a->cfg.alert_queue;
    }
    return routine > 0u ? a->cfg.queue : NULL;
}

/* Open or reuse the connection for the request now in a->tx. */
static void launch(herald_agent_t *a)
{
    uint8_t probe;
    herald_budget_take(&a->budget);
    a->tx_off = 0u;
    a->body_off = 0u;
    a->got_response_bytes = 0;
    a->rx_total = 0u;
    /* A kept-alive connection may have been closed by the server while idle;
     * finding out now avoids sending into a dead socket. */
    if (a->connected && a->cfg.transport->recv(a->cfg.transport->ctx, &probe, 1u) != 0) {
        drop_connection(a);
    }
    a->reused = a->connected;
    a->state = a->connected ? HERALD_ST_SENDING : HERALD_ST_CONNECTING;
    a->deadline_ms = a->now_ms + a->cfg.timeout_ms;
    a->request_end_ms = a->now_ms + a->cfg.request_max_ms; /* a drip cannot stretch it */
    if (a->state == HERALD_ST_SENDING) {
        a->counters.requests++;
    }
}

static int start_request(herald_agent_t *a)
{
    uint32_t bit;
    herald_queue_t *q = pick_queue(a, &bit);
    uint32_t wait;
    int sync_due = herald_sync_pending(a) || herald_sync_wait(a) == 0u;
    if ((!q || q->peek(q->ctx, &a->rec) != HERALD_OK) && !sync_due) {
        return 0;
    }
    wait = herald_budget_wait(&a->budget, a->now_ms);
    if (wait != 0u) {
        a->next_try_ms = a->now_ms + wait; /* the rate budget: wait rather than earn a 429 */
        return 0;
    }
    /* Templates first, as a fresh cache makes the local check right sooner;
     * but a paged refresh gives the queue a turn between its pages, so a sync
     * never holds delivery up. */
    if (sync_due && !(q && a->req_sync && a->sync.state != 0u) && herald_sync_start(a)) {
        a->req_sync = 1;
        a->req_body_len = 0u;
        launch(a);
        return 1;
    }
    if (!q) {
        return 0;
    }
    a->req_sync = 0;
    a->cur = q;
    if ((a->rec.seq | bit) != a->head_handle) {
        /* Park the head we leave, so its attempts (and its free resend) survive
         * the other queue's turn; pick up this queue's head where it was. */
        herald_held_t *leave = &a->held[(a->head_handle & ALERT_BIT) != 0u ? 1 : 0];
        const herald_held_t *take = &a->held[bit != 0u ? 1 : 0];
        leave->handle = a->head_handle;
        leave->attempts = a->attempts;
        leave->fresh_retry_used = a->fresh_retry_used;
        if (take->handle == (a->rec.seq | bit)) {
            a->attempts = take->attempts;
            a->fresh_retry_used = take->fresh_retry_used;
        } else {
            const herald_moved_t *m = moved_slot(a, a->rec.seq | bit);
            a->attempts = (m != NULL) ? m->attempts : 0u; /* a moved one goes on counting */
            a->fresh_retry_used = 0;
        }
        a->head_handle = a->rec.seq | bit;
        if (bit != 0u && queued(a->cfg.queue) > 0u) {
            a->alert_run++;
        } else {
            a->alert_run = 0u;
        }
    }
    if (a->rec.expires_s != 0u) {
        int64_t now_s = wall_now(a);
        if (now_s >= (int64_t)a->rec.expires_s) {
            a->counters.expired++;
            report(a, HERALD_E_EXPIRED, 0);
            retire(a);
            return 1;
        }
    }
    a->tx_len = herald_agent_write_head(a, a->rec.body_len);
    a->req_body_len = a->rec.body_len;
    a->attempts++;
    launch(a);
    /* Start the body in the head's buffer: one write, so over TLS a small
     * notification costs one record rather than two. */
    {
        size_t n = sizeof a->tx - a->tx_len;
        n = n < a->req_body_len ? n : a->req_body_len;
        if (n > 0u && a->cur->read(a->cur->ctx, &a->rec, 0u, a->tx + a->tx_len, n) == HERALD_OK) {
            a->tx_len += n;
            a->body_off = n;
        }
    }
    return 1;
}

/* One step of I/O.  Returns 1 when progress was made and another step may
 * make more, 0 when waiting on the network or a timer. */
static int step(herald_agent_t *a)
{
    herald_net_t *t = a->cfg.transport;
    int r;

    switch (a->state) {
    case HERALD_ST_IDLE:
        if (a->paused_auth || a->now_ms < a->next_try_ms) {
            return 0;
        }
        return start_request(a);

    case HERALD_ST_CONNECTING:
        r = t->connect(t->ctx, a->host, a->port);
        if (r > 0) {
            a->connected = 1;
            a->counters.connects++;
            a->counters.requests++;
            a->state = HERALD_ST_SENDING;
            a->deadline_ms = a->now_ms + a->cfg.timeout_ms;
            return 1;
        }
        if (r < 0) {
            fail_io(a, (herald_status_t)r);
            return 1;
        }
        break;

    case HERALD_ST_SENDING:
        if (a->tx_off == a->tx_len) {
            size_t n = a->req_body_len - a->body_off;
            herald_status_t st;
            if (n == 0u) {
                herald_http_reader_init(&a->reader, a->rx_hdr, sizeof a->rx_hdr, a->rx_body, sizeof a->rx_body);
                a->rx_len = 0u;
                a->rx_off = 0u;
                a->state = HERALD_ST_RECEIVING;
                a->deadline_ms = a->now_ms + a->cfg.timeout_ms;
                return 1;
            }
            n = n < sizeof a->tx ? n : sizeof a->tx;
            st = a->cur->read(a->cur->ctx, &a->rec, a->body_off, a->tx, n);
            if (st != HERALD_OK) {
                body_read_failed(a, st);
                return 1;
            }
            a->body_off += n;
            a->tx_len = n;
            a->tx_off = 0u;
        }
        r = t->send(t->ctx, (const uint8_t *)a->tx + a->tx_off, a->tx_len - a->tx_off);
        if (r > 0) {
            a->tx_off += (size_t)r;
            a->counters.bytes_sent += (uint64_t)r;
            a->deadline_ms = a->now_ms + a->cfg.timeout_ms;
            return 1;
        }
        if (r < 0) {
            fail_io(a, (herald_status_t)r);
            return 1;
        }
        break;

    case HERALD_ST_RECEIVING:
        if (a->rx_off == a->rx_len) {
            r = t->recv(t->ctx, (uint8_t *)a->rx_buf, sizeof a->rx_buf);
            if (r == 0) {
                break;
            }
            if (r < 0) {
                int st = (r == HERALD_E_NET_CLOSED && a->got_response_bytes) ? herald_http_eof(&a->reader) : r;
                if (st == HERALD_OK) {
                    drop_connection(a);
                    complete(a);
                } else {
                    fail_io(a, (herald_status_t)st);
                }
                return 1;
            }
            a->got_response_bytes = 1;
            a->rx_total += (uint32_t)r;
            a->rx_len = (size_t)r;
            a->rx_off = 0u;
        }
        {
            size_t used = 0u;
            int st = herald_http_feed(&a->reader, a->rx_buf + a->rx_off, a->rx_len - a->rx_off, &used);
            a->rx_off += used;
            if (st == HERALD_OK) {
                if (a->rx_off != a->rx_len) {
                    drop_connection(a); /* bytes beyond the response: the stream is out of step */
                }
                complete(a);
            } else if (st != HERALD_HTTP_MORE) {
                fail_io(a, (herald_status_t)st);
            } else {
                a->deadline_ms = a->now_ms + a->cfg.timeout_ms;
            }
        }
        return 1;
    }
    if (a->state != HERALD_ST_IDLE && (a->now_ms >= a->deadline_ms || a->now_ms >= a->request_end_ms)) {
        fail_io(a, HERALD_E_TIMEOUT);
        return 1;
    }
    return 0;
}

uint32_t herald_poll(herald_agent_t *a, uint64_t now_ms)
{
    unsigned steps = 64u; /* bounded work per call keeps the super-loop responsive */
    a->now_ms = now_ms;
    while (steps-- > 0u && step(a)) {
    }
    /* The queues find damaged records as they walk them; their count is theirs. */
    a->counters.damaged = queue_damaged(a->cfg.queue) + queue_damaged(a->cfg.alert_queue);
    if (a->state != HERALD_ST_IDLE) {
        return 0u;
    }
    if (a->paused_auth) {
        return NO_TIMER;
    }
    /* Waiting on backoff or the rate budget: nothing is due before then, not
     * even a sync (returning 0 here would spin the caller). */
    if (a->next_try_ms > now_ms) {
        uint64_t d = a->next_try_ms - now_ms;
        uint32_t sw = herald_sync_wait(a);
        d = d > NO_TIMER - 1u ? NO_TIMER - 1u : d;
        return (queued(a->cfg.queue) + queued(a->cfg.alert_queue) == 0u && !herald_sync_pending(a) &&
                sw > (uint32_t)d) ? sw : (uint32_t)d;
    }
    if (herald_sync_pending(a) || queued(a->cfg.queue) + queued(a->cfg.alert_queue) != 0u) {
        return 0u;
    }
    return herald_sync_wait(a);
}

int herald_idle(const herald_agent_t *a)
{
    return a->state == HERALD_ST_IDLE && queued(a->cfg.queue) + queued(a->cfg.alert_queue) == 0u &&
           !herald_sync_pending(a);
}

herald_status_t herald_last_status(const herald_agent_t *a)
{
    return a->last_status;
}

const herald_counters_t *herald_counters(const herald_agent_t *a)
{
    return &a->counters;
}
