/* SPDX-License-Identifier: Apache-2.0 */
/* herald_notify: check a notification once (its shape, then the cached
 * template's schema), encode it straight into the queue record, and queue
 * it.  Nothing here touches the network. */
#include <string.h>
#include "herald/request.h"
#include "agent_priv.h"

/* The local check: shape, then the cached template when there is one; a
 * template the cache does not hold is the platform's to judge (and is
 * fetched for next time). */
static herald_status_t check(herald_agent_priv_t *p, const herald_notification_t *n)
{
    herald_tview_t view;
    herald_status_t st = herald_check_shape(n);
    if (st == HERALD_OK && p->cfg.templates) {
        st = herald_check_schema(p->cfg.templates, n, &view); /* the shape is checked */
        if (st == HERALD_E_TEMPLATE_UNKNOWN) {
            herald_sync_want(&p->sync, n->template_key ? n->template_key : n->template_id);
            st = HERALD_OK;
        }
    }
    if (st == HERALD_OK && n->expires_at != 0u) {
        int64_t now_s = herald_agent_wall(p);
        st = now_s < 0 ? HERALD_E_NOT_SUPPORTED
                       : (now_s >= (int64_t)n->expires_at ? HERALD_E_EXPIRED : HERALD_OK);
    }
    return st;
}

/* Make room under HERALD_FULL_DROP_OLDEST: retire the oldest record of q
 * that is not in flight and tell the application which one went. */
static int drop_oldest(herald_agent_priv_t *p, herald_queue_t *q, uint32_t bit)
{
    herald_queue_rec_t rec;
    uint32_t qid;
    int is_head;
    if (q->peek(q->ctx, &rec) != HERALD_OK) {
        return 0;
    }
    qid = rec.seq | bit;
    is_head = qid == p->head.qid;
    if ((is_head && herald_hx_busy(&p->hx) && !p->req_sync) || q->retire(q->ctx, rec.seq) != HERALD_OK) {
        return 0;
    }
    p->counters.dropped++;
    herald_agent_emit(p, qid, is_head ? p->head.tries.attempts : 0u, HERALD_E_QUEUE_FULL, 0);
    herald_agent_moved_forget(p, qid);
    return 1;
}

/* Write the encoded request into a new record of q; meta.seq is its number. */
static herald_status_t enqueue(herald_agent_priv_t *p, const herald_notification_t *n, herald_queue_t *q,
                               uint32_t bit, herald_queue_rec_t *meta)
{
    herald_status_t st = q->begin(q->ctx, meta);
    while (st == HERALD_E_QUEUE_FULL && p->cfg.full_policy == HERALD_FULL_DROP_OLDEST &&
           drop_oldest(p, q, bit)) {
        st = q->begin(q->ctx, meta);
    }
    if (st != HERALD_OK) {
        return st;
    }
    st = herald_request_write(n, q->write, q->ctx);
    st = (st == HERALD_OK) ? q->commit(q->ctx) : st;
    if (st != HERALD_OK) {
        q->abort(q->ctx);
    }
    return st;
}

/* Identical to one raised within the window: *first is its handle. */
static int coalesced(herald_agent_priv_t *p, uint64_t hash, uint32_t *first)
{
    return p->cfg.coalesce_window_ms != 0u &&
           herald_coalesce_seen(&p->coalesce, hash, p->now_ms, p->cfg.coalesce_window_ms, first);
}

herald_status_t herald_notify(herald_agent_t *a, const herald_notification_t *n, uint32_t *handle)
{
    herald_agent_priv_t *p = herald_priv(a);
    herald_queue_t *q;
    herald_queue_rec_t meta;
    herald_status_t st;
    size_t len = 0u;
    uint64_t hash = 0u;
    uint32_t bit = 0u;
    uint32_t first = 0u;

    if (!a || !n) {
        return HERALD_E_INVALID_ARG;
    }
    p->counters.raised++;
    st = check(p, n);
    /* one pass over the targets gives the length and the coalescing hash */
    st = (st == HERALD_OK) ? herald_request_measure(n, &len, p->cfg.coalesce_window_ms != 0u ? &hash : NULL)
                           : st;
    if (st != HERALD_OK) {
        p->counters.refused_local++;
        return st;
    }
    if (coalesced(p, hash, &first)) {
        p->counters.coalesced++;
        if (handle) {
            *handle = first;
        }
        return HERALD_E_COALESCED;
    }
    if ((uint32_t)len != len) {
        return HERALD_E_NOSPACE; /* a record's length is 32 bits */
    }
    q = p->cfg.queue;
    if (n->priority != HERALD_PRIO_ROUTINE && p->cfg.alert_queue) {
        q = p->cfg.alert_queue;
        bit = HERALD_ALERT_BIT;
    }
    (void)memset(&meta, 0, sizeof meta);
    meta.body_len = (uint32_t)len;
    meta.expires_s = n->expires_at;
    meta.priority = n->priority;
    st = enqueue(p, n, q, bit, &meta);
    if (st != HERALD_OK) {
        p->counters.dropped += st == HERALD_E_QUEUE_FULL ? 1u : 0u;
        return st;
    }
    p->counters.queued++;
    if (p->cfg.coalesce_window_ms != 0u) {
        herald_coalesce_note(&p->coalesce, hash, p->now_ms, meta.seq | bit);
    }
    if (handle) {
        *handle = meta.seq | bit;
    }
    return HERALD_OK;
}
