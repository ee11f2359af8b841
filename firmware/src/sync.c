/* SPDX-License-Identifier: Apache-2.0 */
/* Template sync: keeps the cache in step with the platform.  It fetches one
 * template on a cache miss, the whole paged list after the platform refused a
 * template (ERR_TEMPLATE_NOT_APPROVED, ERR_NOT_FOUND) and on a period, keeps
 * the newer copy by updatedAt, and hands the changed cache to the
 * application to persist.  A sync never blocks delivery: a failed one is
 * dropped until its next trigger. */
#include <string.h>
#include "herald/herald.h"
#include "agent_priv.h"
#include "json_arena.h"

#if HERALD_ENABLE_SYNC

enum { SYNC_IDLE = 0, SYNC_ONE = 1, SYNC_LIST = 2 };

void herald_sync_want(herald_agent_t *a, const char *ref)
{
    size_t n = ref ? strlen(ref) : 0u;
    if (!a->cfg.templates || n == 0u || n > HERALD_NAME_MAX_LEN) {
        return;
    }
    (void)memcpy(a->sync.key, ref, n + 1u); /* the latest miss wins; older ones recur */
}

void herald_sync_templates(herald_agent_t *a, const char *ref)
{
    if (ref == NULL) {
        a->sync.want_all = a->cfg.templates != NULL;
    } else {
        herald_sync_want(a, ref);
    }
}

int herald_sync_pending(const herald_agent_t *a)
{
    return a->sync.key[0] != '\0' || a->sync.want_all || a->sync.state != SYNC_IDLE;
}

static int periodic_due(const herald_agent_t *a)
{
    return a->cfg.sync_period_ms != 0u && a->now_ms >= a->sync.next_ms;
}

uint32_t herald_sync_wait(const herald_agent_t *a)
{
    uint64_t d;
    if (!a->cfg.templates || a->cfg.sync_period_ms == 0u) {
        return 0xFFFFFFFFu;
    }
    if (a->now_ms >= a->sync.next_ms) {
        return 0u;
    }
    d = a->sync.next_ms - a->now_ms;
    return d > 0xFFFFFFF0u ? 0xFFFFFFF0u : (uint32_t)d;
}

int herald_sync_start(herald_agent_t *a)
{
    herald_sync_t *s = &a->sync;
    if (!a->cfg.templates) {
        return 0;
    }
    if (s->state == SYNC_IDLE) {
        if (s->key[0] != '\0') {
            /* a miss raised while this one is in flight waits its turn */
            (void)memcpy(s->inflight, s->key, sizeof s->inflight);
            s->key[0] = '\0';
            s->state = SYNC_ONE;
        } else if (s->want_all || periodic_due(a)) {
            s->state = SYNC_LIST;
            s->page = 1u;
        } else {
            return 0;
        }
    }
    a->tx_len = s->state == SYNC_ONE ? herald_agent_write_get(a, s->inflight, 0u, 0u)
                                     : herald_agent_write_get(a, NULL, s->page, HERALD_SYNC_PAGE_LIMIT);
    if (a->tx_len == 0u) {
        herald_sync_failed(a); /* a key that is not a slug cannot be asked for */
        return 0;
    }
    return 1;
}

static void finish(herald_agent_t *a)
{
    herald_sync_t *s = &a->sync;
    if (s->state == SYNC_ONE) {
        s->inflight[0] = '\0';
    } else {
        s->want_all = 0u;
        s->next_ms = a->now_ms + a->cfg.sync_period_ms;
    }
    s->state = SYNC_IDLE;
}

void herald_sync_failed(herald_agent_t *a)
{
    a->sync.failures++;
    finish(a);
}

void herald_sync_complete(herald_agent_t *a, const herald_http_response_t *r)
{
    herald_sync_t *s = &a->sync;
    size_t updated = 0u;
    size_t seen = 0u;
    herald_status_t st;

    if (r->status == 404 && s->state == SYNC_ONE) {
        /* The platform no longer has it: a cached copy would only mislead. */
        (void)herald_tcache_remove(a->cfg.templates, herald_str(s->inflight));
        finish(a);
        return;
    }
    if (r->status != 200) {
        herald_sync_failed(a);
        return;
    }
    st = herald_tjson_merge(a->cfg.templates, herald_json_shared_arena(), r->body, r->body_len, &updated, &seen);
    if (st != HERALD_OK) {
        herald_sync_failed(a);
        return;
    }
    s->updated += (uint32_t)updated;
    if (updated > 0u && a->cfg.on_templates) {
        a->cfg.on_templates(a->cfg.result_ctx, a->cfg.templates);
    }
    if (s->state == SYNC_LIST && seen >= HERALD_SYNC_PAGE_LIMIT && s->page < HERALD_SYNC_MAX_PAGES) {
        s->page++; /* a full page: there may be another (a bounded number) */
        return;
    }
    s->refreshes++;
    finish(a);
}

#else

/* Sync compiled out: the agent works from the templates it was given, and
 * the JSON merge (with cJSON) is not linked. */
void herald_sync_templates(herald_agent_t *a, const char *ref)
{
    (void)a;
    (void)ref;
}

void herald_sync_want(herald_agent_t *a, const char *ref)
{
    (void)a;
    (void)ref;
}

int herald_sync_pending(const herald_agent_t *a)
{
    (void)a;
    return 0;
}

uint32_t herald_sync_wait(const herald_agent_t *a)
{
    (void)a;
    return 0xFFFFFFFFu;
}

int herald_sync_start(herald_agent_t *a)
{
    (void)a;
    return 0;
}

void herald_sync_complete(herald_agent_t *a, const herald_http_response_t *r)
{
    (void)a;
    (void)r;
}

void herald_sync_failed(herald_agent_t *a)
{
    (void)a;
}

#endif
