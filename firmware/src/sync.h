/* SPDX-License-Identifier: Apache-2.0 */
/* Template sync: keeps the cache in step with the platform through GETs on
 * the exchange.  It owns its state and writes nothing of the agent's; the
 * agent only decides when a sync may have the connection. */
#ifndef HERALD_SYNC_H
#define HERALD_SYNC_H

#include <stdint.h>
#include "herald/template.h"
#include "herald/json_arena.h"
#include "exchange.h"

typedef struct {
    herald_tcache_t *cache;     /* NULL: sync is off */
    herald_json_arena_t *arena; /* the agent's, for the list's JSON */
    uint32_t period_ms;         /* full refresh this often; 0: only when asked */
    void (*on_templates)(void *ctx, herald_tcache_t *cache);
    void *ctx;
    uint8_t state;    /* idle, fetching one template, or the list */
    uint8_t want_all; /* a full refresh is due */
    uint32_t page;
    char key[HERALD_NAME_MAX_LEN + 1];      /* a template to fetch next; "" none */
    char inflight[HERALD_NAME_MAX_LEN + 1]; /* the one being fetched */
    uint64_t next_ms;                       /* next periodic refresh */
    uint32_t refreshes;                     /* full refreshes completed */
    uint32_t updated;                       /* templates that came in newer */
    uint32_t failures;
} herald_sync_t;

void herald_sync_init(herald_sync_t *s, herald_tcache_t *cache, herald_json_arena_t *arena,
                      uint32_t period_ms, void (*on_templates)(void *ctx, herald_tcache_t *cache), void *ctx);

/* Fetch this template (key or id) at the next chance; the latest miss wins. */
void herald_sync_want(herald_sync_t *s, const char *ref);

/* Refresh the whole list at the next chance (the cache is stale). */
void herald_sync_want_all(herald_sync_t *s);

/* 1 when a fetch was asked for or a paged refresh is under way. */
int herald_sync_pending(const herald_sync_t *s);

/* 1 between the pages of a refresh. */
int herald_sync_paging(const herald_sync_t *s);

/* Milliseconds until a periodic refresh is due (0xFFFFFFFF: none). */
uint32_t herald_sync_wait(const herald_sync_t *s, uint64_t now_ms);

/* Start the next sync GET on x when one is due; 1 when started. */
int herald_sync_start(herald_sync_t *s, herald_exchange_t *x, uint64_t now_ms);

/* Its answer, or its failure: a failed sync waits for its next trigger. */
void herald_sync_complete(herald_sync_t *s, const herald_http_response_t *r, uint64_t now_ms);
void herald_sync_failed(herald_sync_t *s, uint64_t now_ms);

#endif
