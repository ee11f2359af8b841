/* SPDX-License-Identifier: Apache-2.0 */
/* Template sync: keeps the cache in step with the platform.  It fetches one
 * template on a cache miss, the whole paged list after the platform refused a
 * template (ERR_TEMPLATE_NOT_APPROVED, ERR_NOT_FOUND) and on a period, keeps
 * the newer copy by updatedAt, and hands the changed cache to the
 * application to persist.  A sync never blocks delivery: a failed one is
 * dropped until its next trigger. */
#include <string.h>
#include "herald/herald.h"
#include "sync.h"
#include "span.h"

#define TEMPLATES_PATH "/v3/business-messaging/api/templates"

#if HERALD_ENABLE_SYNC

enum { SYNC_IDLE = 0, SYNC_ONE = 1, SYNC_LIST = 2 };

void herald_sync_init(herald_sync_t *s, herald_tcache_t *cache, herald_json_arena_t *arena,
                      uint32_t period_ms, void (*on_templates)(void *ctx, herald_tcache_t *cache), void *ctx)
{
    (void)memset(s, 0, sizeof *s);
    s->cache = cache;
    s->arena = arena;
    s->period_ms = period_ms;
    s->on_templates = on_templates;
    s->ctx = ctx;
}

void herald_sync_want(herald_sync_t *s, const char *ref)
{
    size_t n = ref ? strlen(ref) : 0u;
    if (!s->cache || n == 0u || n > HERALD_NAME_MAX_LEN) {
        return;
    }
    (void)memcpy(s->key, ref, n + 1u); /* the latest miss wins; older ones recur */
}

void herald_sync_want_all(herald_sync_t *s)
{
    s->want_all = s->cache != NULL;
}

int herald_sync_pending(const herald_sync_t *s)
{
    return s->key[0] != '\0' || s->want_all || s->state != SYNC_IDLE;
}

int herald_sync_paging(const herald_sync_t *s)
{
    return s->state != SYNC_IDLE;
}

uint32_t herald_sync_wait(const herald_sync_t *s, uint64_t now_ms)
{
    uint64_t d;
    if (!s->cache || s->period_ms == 0u) {
        return 0xFFFFFFFFu;
    }
    if (now_ms >= s->next_ms) {
        return 0u;
    }
    d = s->next_ms - now_ms;
    return d > 0xFFFFFFF0u ? 0xFFFFFFF0u : (uint32_t)d;
}

/* The next fetch, if one is due: a miss before a refresh. */
static int choose(herald_sync_t *s, uint64_t now_ms)
{
    if (s->state != SYNC_IDLE) {
        return 1;
    }
    if (s->key[0] != '\0') {
        /* a miss raised while this one is in flight waits its turn */
        (void)memcpy(s->inflight, s->key, sizeof s->inflight);
        s->key[0] = '\0';
        s->state = SYNC_ONE;
        return 1;
    }
    if (s->want_all || herald_sync_wait(s, now_ms) == 0u) {
        s->state = SYNC_LIST;
        s->page = 1u;
        return 1;
    }
    return 0;
}

/* The GET's query: "/ref" for one template, "?page=&limit=" for the list. */
static int write_query(const herald_sync_t *s, char *buf, size_t cap)
{
    herald_span_t q;
    herald_span_init(&q, buf, cap - 1u);
    if (s->state == SYNC_ONE) {
        if (!herald_is_slug(s->inflight)) { /* anything else would need escaping in the path */
            return 0;
        }
        herald_span_str(&q, "/");
        herald_span_str(&q, s->inflight);
    } else {
        herald_span_str(&q, "?page=");
        herald_span_u32(&q, s->page);
        herald_span_str(&q, "&limit=");
        herald_span_u32(&q, HERALD_SYNC_PAGE_LIMIT);
    }
    buf[q.len] = '\0';
    return !q.err;
}

int herald_sync_start(herald_sync_t *s, herald_exchange_t *x, uint64_t now_ms)
{
    char query[HERALD_NAME_MAX_LEN + 2];
    if (!s->cache || !choose(s, now_ms)) {
        return 0;
    }
    if (!write_query(s, query, sizeof query) || !herald_hx_get(x, now_ms, TEMPLATES_PATH, query)) {
        herald_sync_failed(s, now_ms); /* a key that is not a slug cannot be asked for */
        return 0;
    }
    return 1;
}

static void finish(herald_sync_t *s, uint64_t now_ms)
{
    if (s->state == SYNC_ONE) {
        s->inflight[0] = '\0';
    } else {
        s->want_all = 0u;
        s->next_ms = now_ms + s->period_ms;
    }
    s->state = SYNC_IDLE;
}

void herald_sync_failed(herald_sync_t *s, uint64_t now_ms)
{
    s->failures++;
    finish(s, now_ms);
}

void herald_sync_complete(herald_sync_t *s, const herald_http_response_t *r, uint64_t now_ms)
{
    size_t updated = 0u;
    size_t seen = 0u;

    if (r->status == 404 && s->state == SYNC_ONE) {
        /* The platform no longer has it: a cached copy would only mislead. */
        (void)herald_tcache_remove(s->cache, herald_str(s->inflight));
        finish(s, now_ms);
        return;
    }
    if (r->status != 200 ||
        herald_tjson_merge(s->cache, s->arena, r->body, r->body_len, &updated, &seen) != HERALD_OK) {
        herald_sync_failed(s, now_ms);
        return;
    }
    s->updated += (uint32_t)updated;
    if (updated > 0u && s->on_templates) {
        s->on_templates(s->ctx, s->cache);
    }
    if (s->state == SYNC_LIST && seen >= HERALD_SYNC_PAGE_LIMIT && s->page < HERALD_SYNC_MAX_PAGES) {
        s->page++; /* a full page: there may be another (a bounded number) */
        return;
    }
    s->refreshes++;
    finish(s, now_ms);
}

#else

/* Sync compiled out: the agent works from the templates it was given, and
 * nothing of the fetching (nor the JSON merge with cJSON) is linked. */
void herald_sync_init(herald_sync_t *s, herald_tcache_t *cache, herald_json_arena_t *arena,
                      uint32_t period_ms, void (*on_templates)(void *ctx, herald_tcache_t *cache), void *ctx)
{
    (void)cache;
    (void)arena;
    (void)period_ms;
    (void)on_templates;
    (void)ctx;
    (void)memset(s, 0, sizeof *s);
}

void herald_sync_want(herald_sync_t *s, const char *ref)
{
    (void)s;
    (void)ref;
}

void herald_sync_want_all(herald_sync_t *s)
{
    (void)s;
}

int herald_sync_pending(const herald_sync_t *s)
{
    (void)s;
    return 0;
}

int herald_sync_paging(const herald_sync_t *s)
{
    (void)s;
    return 0;
}

uint32_t herald_sync_wait(const herald_sync_t *s, uint64_t now_ms)
{
    (void)s;
    (void)now_ms;
    return 0xFFFFFFFFu;
}

int herald_sync_start(herald_sync_t *s, herald_exchange_t *x, uint64_t now_ms)
{
    (void)s;
    (void)x;
    (void)now_ms;
    return 0;
}

void herald_sync_complete(herald_sync_t *s, const herald_http_response_t *r, uint64_t now_ms)
{
    (void)s;
    (void)r;
    (void)now_ms;
}

void herald_sync_failed(herald_sync_t *s, uint64_t now_ms)
{
    (void)s;
    (void)now_ms;
}

#endif
