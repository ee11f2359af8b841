/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's state, private to firmware/.  herald.h gives applications
 * only opaque storage of the right size and alignment (checked in agent.c)
 * and accessors. */
#ifndef HERALD_AGENT_PRIV_H
#define HERALD_AGENT_PRIV_H

#include "herald/herald.h"
#include "herald/json_arena.h"
#include "exchange.h"
#include "sync.h"
#include "backoff.h"

/* Alerts live in their own queue; their queue ids carry this bit so the two
 * queues' sequence numbers never collide in the application's eyes. */
#define HERALD_ALERT_BIT 0x80000000u

/* A notification at the head of a queue: its queue id (record seq, with the
 * alert bit), the attempts that counted, and whether its one free resend
 * after a stale keep-alive is used. */
typedef struct {
    uint32_t qid;
    herald_backoff_t tries;
    uint8_t resent;
} herald_head_state_t;

/* A notification moved behind the others: its copy's queue id and what it
 * keeps (the application's handle and its attempts). */
typedef struct {
    uint32_t qid;
    uint32_t handle;
    uint32_t attempts;
    uint8_t used;
} herald_moved_t;

typedef struct {
    herald_config_t cfg;
    herald_exchange_t hx;
    herald_sync_t sync;
    herald_budget_t budget;
    herald_coalesce_t coalesce;
    herald_json_arena_t json; /* cJSON parses answers and template lists here */
    uint64_t now_ms;
    uint64_t next_try_ms;   /* earliest time to start the next request */
    uint8_t paused_auth;    /* 401/403 seen: hold the queues until new credentials */
    uint8_t req_sync;       /* the latest request was a template sync */
    uint8_t sync_resent;    /* its free resend after a stale keep-alive is used */
    uint8_t rotate_armed;   /* a head may move: none moved since the last success */
    herald_queue_t *cur;    /* the queue of the head */
    herald_queue_rec_t rec; /* the head's record */
    herald_head_state_t head;
    herald_head_state_t held[2]; /* routine and alert heads, parked between turns */
    herald_moved_t moved[HERALD_ROTATE_SLOTS];
    uint32_t alert_run; /* alerts sent in a row while routine ones waited */
    herald_status_t last_status;
    herald_status_t unreadable_cause;
    herald_send_result_t result;
    herald_platform_error_t error;
    herald_counters_t counters;
} herald_agent_priv_t;

static inline herald_agent_priv_t *herald_priv(herald_agent_t *a)
{
    return (herald_agent_priv_t *)(void *)a;
}

static inline const herald_agent_priv_t *herald_cpriv(const herald_agent_t *a)
{
    return (const herald_agent_priv_t *)(const void *)a;
}

/* Outcomes (agent_outcome.c). */
int64_t herald_agent_wall(const herald_agent_priv_t *p);
void herald_agent_emit(herald_agent_priv_t *p, uint32_t qid, uint32_t attempts, herald_status_t st,
                       int with_error);
void herald_agent_moved_forget(herald_agent_priv_t *p, uint32_t qid);
const herald_moved_t *herald_agent_moved(const herald_agent_priv_t *p, uint32_t qid);
void herald_agent_retire(herald_agent_priv_t *p);
/* The request of the head ended: on its answer, or failed. */
void herald_agent_answered(herald_agent_priv_t *p, const herald_http_response_t *r);
void herald_agent_failed(herald_agent_priv_t *p);

#endif
