/* SPDX-License-Identifier: Apache-2.0 */
/* The agent as a scheduler: which queue and which record go next, and when
 * (the rate budget, the backoff, a held queue); the exchange (exchange.c)
 * carries each request, template sync (sync.c) asks for the connection
 * between notifications, and agent_outcome.c decides what an answer means.
 * Only the head of a queue is ever in flight, so the queues stay FIFOs. */
#include <stdint.h>
#include <string.h>
#include "agent_priv.h"

#define API_PATH "/v3/business-messaging/api/notifications/send"
#define NO_TIMER 0xFFFFFFFFu

/* The private state fits the storage herald.h gives applications, without
 * waste (at most 256 bytes spare), on every board that builds this file: a
 * build where it does not fails here, as an array of negative size.  The
 * storage is uint64_t words, the strictest alignment of any member
 * (test_agent checks it). */
#define STORAGE_FITS (sizeof(herald_agent_priv_t) <= sizeof(herald_agent_t))
#define STORAGE_SNUG (sizeof(herald_agent_t) - sizeof(herald_agent_priv_t) <= 256u)

static uint32_t or_default(uint32_t v, uint32_t dflt)
{
    return v != 0u ? v : dflt;
}

static void apply_defaults(herald_config_t *c)
{
    c->timeout_ms = or_default(c->timeout_ms, HERALD_TIMEOUT_MS);
    c->request_max_ms = or_default(c->request_max_ms, HERALD_REQUEST_MAX_MS);
    c->backoff_base_ms = or_default(c->backoff_base_ms, HERALD_BACKOFF_BASE_MS);
    c->backoff_cap_ms = or_default(c->backoff_cap_ms, HERALD_BACKOFF_CAP_MS);
    c->max_attempts = (uint16_t)or_default(c->max_attempts, HERALD_MAX_ATTEMPTS);
    c->rotate_after = (uint16_t)or_default(c->rotate_after, HERALD_ROTATE_AFTER);
}

herald_status_t herald_init(herald_agent_t *a, const herald_config_t *cfg)
{
    herald_agent_priv_t *p = herald_priv(a);
    herald_status_t st;
    uint32_t rate;
    (void)sizeof(char[(STORAGE_FITS && STORAGE_SNUG) ? 1 : -1]);
    if (!a || !cfg || !cfg->transport || !cfg->queue) {
        return HERALD_E_INVALID_ARG;
    }
    (void)memset(a, 0, sizeof *a);
    p->cfg = *cfg;
    apply_defaults(&p->cfg);
    herald_hx_init(&p->hx, p->cfg.transport, p->cfg.timeout_ms, p->cfg.request_max_ms);
    st = herald_hx_set_endpoint(&p->hx, cfg->base_url, cfg->region, cfg->app_id, cfg->api_key);
    if (st != HERALD_OK) {
        return st;
    }
    herald_sync_init(&p->sync, p->cfg.templates, &p->json, p->cfg.sync_period_ms, p->cfg.on_templates,
                     p->cfg.result_ctx);
    rate =
        cfg->rate_per_min == HERALD_RATE_UNLIMITED ? 0u : or_default(cfg->rate_per_min, HERALD_RATE_PER_MIN);
    herald_budget_init(&p->budget, rate, or_default(cfg->rate_burst, HERALD_RATE_BURST), 0u);
    p->rotate_armed = 1u;
    return HERALD_OK;
}

herald_status_t herald_set_credentials(herald_agent_t *a, const char *app_id, const char *api_key)
{
    herald_agent_priv_t *p = herald_priv(a);
    herald_status_t st = herald_hx_set_endpoint(&p->hx, p->cfg.base_url, p->cfg.region, app_id, api_key);
    if (st != HERALD_OK) {
        return st; /* refused: the agent keeps working with what it had */
    }
    p->cfg.app_id = app_id;
    p->cfg.api_key = api_key;
    p->paused_auth = 0u;
    p->next_try_ms = p->now_ms;
    return HERALD_OK;
}

void herald_sync_templates(herald_agent_t *a, const char *ref)
{
    herald_agent_priv_t *p = herald_priv(a);
    if (ref == NULL) {
        herald_sync_want_all(&p->sync);
    } else {
        herald_sync_want(&p->sync, ref);
    }
}

void herald_close(herald_agent_t *a)
{
    herald_hx_close(&herald_priv(a)->hx);
}

/* ---- choosing the next request ---------------------------------------------- */

static size_t queued(const herald_queue_t *q)
{
    return q ? q->count(q->ctx) : 0u;
}

static size_t waiting(const herald_agent_priv_t *p)
{
    return queued(p->cfg.queue) + queued(p->cfg.alert_queue);
}

/* Alerts go first, but after HERALD_ALERT_RUN of them in a row a waiting
 * routine notification gets its turn, so a storm of alerts cannot starve it. */
static herald_queue_t *pick_queue(const herald_agent_priv_t *p, uint32_t *bit)
{
    size_t alerts = queued(p->cfg.alert_queue);
    size_t routine = queued(p->cfg.queue);
    *bit = 0u;
    if (alerts > 0u && (routine == 0u || p->alert_run < HERALD_ALERT_RUN)) {
        *bit = HERALD_ALERT_BIT;
        return p->cfg.alert_queue;
    }
    return routine > 0u ? p->cfg.queue : NULL;
}

static int held_index(uint32_t qid)
{
    return (qid & HERALD_ALERT_BIT) != 0u ? 1 : 0;
}

/* Make qid the head: park the head we leave, so its attempts (and its free
 * resend) survive the other queue's turn, and pick this one up where it
 * was; a moved notification goes on counting. */
static void take_head(herald_agent_priv_t *p, uint32_t qid)
{
    const herald_head_state_t *take = &p->held[held_index(qid)];
    const herald_moved_t *m = herald_agent_moved(p, qid);
    p->held[held_index(p->head.qid)] = p->head;
    if (take->qid == qid) {
        p->head = *take;
    } else {
        p->head.qid = qid;
        p->head.tries.attempts = (m != NULL) ? m->attempts : 0u;
        p->head.resent = 0u;
    }
    if ((qid & HERALD_ALERT_BIT) != 0u && queued(p->cfg.queue) > 0u) {
        p->alert_run++;
    } else {
        p->alert_run = 0u;
    }
}

/* The head's body, for the exchange. */
static herald_status_t read_body(void *ctx, size_t off, char *buf, size_t n)
{
    herald_agent_priv_t *p = ctx;
    return p->cur->read(p->cur->ctx, &p->rec, off, buf, n);
}

static int expired(herald_agent_priv_t *p)
{
    if (p->rec.expires_s == 0u || herald_agent_wall(p) < (int64_t)p->rec.expires_s) {
        return 0;
    }
    p->counters.expired++;
    herald_agent_emit(p, p->head.qid, p->head.tries.attempts, HERALD_E_EXPIRED, 0);
    herald_agent_retire(p);
    return 1;
}

/* The head of q goes out (its record is in p->rec). */
static int send_head(herald_agent_priv_t *p, herald_queue_t *q, uint32_t bit)
{
    p->req_sync = 0u;
    p->cur = q;
    if ((p->rec.seq | bit) != p->head.qid) {
        take_head(p, p->rec.seq | bit);
    }
    if (expired(p)) {
        return 1;
    }
    if (!herald_hx_post(&p->hx, p->now_ms, API_PATH, p->rec.body_len, read_body, p)) {
        return 0; /* cannot be: herald_init checked that the longest head fits */
    }
    herald_budget_take(&p->budget);
    return 1;
}

/* Templates first, as a fresh cache makes the local check right sooner; but
 * a paged refresh gives the queue a turn between its pages, so a sync never
 * holds delivery up. */
static int sync_turn(const herald_agent_priv_t *p, const herald_queue_t *q)
{
    int due = herald_sync_pending(&p->sync) || herald_sync_wait(&p->sync, p->now_ms) == 0u;
    return due && !(q && p->req_sync && herald_sync_paging(&p->sync));
}

static int start_request(herald_agent_priv_t *p)
{
    uint32_t bit;
    herald_queue_t *q = pick_queue(p, &bit);
    uint32_t wait;
    int has_head = q && q->peek(q->ctx, &p->rec) == HERALD_OK;
    int sync = sync_turn(p, has_head ? q : NULL);
    if (!has_head && !sync) {
        return 0;
    }
    wait = herald_budget_wait(&p->budget, p->now_ms);
    if (wait != 0u) {
        p->next_try_ms = p->now_ms + wait; /* the rate budget: wait rather than earn a 429 */
        return 0;
    }
    if (sync && herald_sync_start(&p->sync, &p->hx, p->now_ms)) {
        herald_budget_take(&p->budget);
        p->req_sync = 1u;
        return 1;
    }
    return has_head ? send_head(p, q, bit) : 0;
}

/* ---- running ------------------------------------------------------------------ */

static void sync_failed(herald_agent_priv_t *p)
{
    /* the one free resend after a stale keep-alive, as for a notification */
    if (herald_hx_stale(&p->hx) && !p->sync_resent) {
        p->sync_resent = 1u;
        p->next_try_ms = p->now_ms;
        return;
    }
    p->sync_resent = 0u;
    herald_sync_failed(&p->sync, p->now_ms);
}

static void request_done(herald_agent_priv_t *p)
{
    const herald_http_response_t *r = herald_hx_response(&p->hx);
    herald_budget_sync(&p->budget, p->now_ms, r->ratelimit_remaining, r->ratelimit_reset,
                       herald_agent_wall(p));
    if (p->req_sync) {
        p->sync_resent = 0u;
        herald_sync_complete(&p->sync, r, p->now_ms);
    } else {
        herald_agent_answered(p, r);
    }
}

/* One step.  Returns 1 when progress was made and another step may make
 * more, 0 when waiting on the network or a timer. */
static int step(herald_agent_priv_t *p)
{
    herald_hx_event_t ev;
    if (!herald_hx_busy(&p->hx)) {
        return !p->paused_auth && p->now_ms >= p->next_try_ms && start_request(p);
    }
    ev = herald_hx_poll(&p->hx, p->now_ms);
    if (ev == HERALD_HX_DONE) {
        request_done(p);
    } else if (ev == HERALD_HX_FAILED && p->req_sync) {
        sync_failed(p);
    } else if (ev == HERALD_HX_FAILED) {
        herald_agent_failed(p);
    } else {
        /* in progress, or waiting */
    }
    return ev != HERALD_HX_WAIT;
}

static uint32_t queue_damaged(const herald_queue_t *q)
{
    return q && q->damaged ? q->damaged(q->ctx) : 0u;
}

/* The exchange's and the queues' figures are theirs; the counters show them. */
static void gather(herald_agent_priv_t *p)
{
    p->counters.requests = p->hx.stats.requests;
    p->counters.connects = p->hx.stats.connects;
    p->counters.bytes_sent = p->hx.stats.bytes_sent;
    p->counters.bytes_received = p->hx.stats.bytes_received;
    p->counters.damaged = queue_damaged(p->cfg.queue) + queue_damaged(p->cfg.alert_queue);
}

/* When nothing is in flight: the milliseconds until something is due. */
static uint32_t next_due(const herald_agent_priv_t *p, uint64_t now_ms)
{
    uint32_t sw = herald_sync_wait(&p->sync, now_ms);
    int work = waiting(p) != 0u || herald_sync_pending(&p->sync);
    uint64_t d;
    if (p->paused_auth) {
        return NO_TIMER;
    }
    if (p->next_try_ms <= now_ms) {
        return work ? 0u : sw;
    }
    /* Waiting on backoff or the rate budget: nothing is due before then, not
     * even a sync (returning 0 here would spin the caller). */
    d = p->next_try_ms - now_ms;
    d = d > NO_TIMER - 1u ? NO_TIMER - 1u : d;
    return (!work && sw > (uint32_t)d) ? sw : (uint32_t)d;
}

uint32_t herald_poll(herald_agent_t *a, uint64_t now_ms)
{
    herald_agent_priv_t *p = herald_priv(a);
    unsigned steps = 64u; /* bounded work per call keeps the super-loop responsive */
    p->now_ms = now_ms;
    while (steps-- > 0u && step(p)) {
    }
    gather(p);
    return herald_hx_busy(&p->hx) ? 0u : next_due(p, now_ms);
}

/* ---- what tools may read -------------------------------------------------------- */

int herald_idle(const herald_agent_t *a)
{
    const herald_agent_priv_t *p = herald_cpriv(a);
    return !herald_hx_busy(&p->hx) && waiting(p) == 0u && !herald_sync_pending(&p->sync);
}

herald_status_t herald_last_status(const herald_agent_t *a)
{
    return herald_cpriv(a)->last_status;
}

const herald_counters_t *herald_counters(const herald_agent_t *a)
{
    return &herald_cpriv(a)->counters;
}

void herald_head(const herald_agent_t *a, herald_head_t *out)
{
    const herald_agent_priv_t *p = herald_cpriv(a);
    out->qid = p->head.qid;
    out->attempts = p->head.tries.attempts;
    out->next_try_ms = p->next_try_ms;
    out->last_status = p->last_status;
    out->busy = herald_hx_busy(&p->hx);
}

unsigned herald_wants(const herald_agent_t *a)
{
    return herald_hx_wants(&herald_cpriv(a)->hx);
}

void herald_sync_stats(const herald_agent_t *a, herald_sync_stats_t *out)
{
    const herald_sync_t *s = &herald_cpriv(a)->sync;
    out->refreshes = s->refreshes;
    out->updated = s->updated;
    out->failures = s->failures;
}
