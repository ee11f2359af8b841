/* SPDX-License-Identifier: Apache-2.0 */
/* Private to the agent: endpoint and request head (endpoint.c). */
#ifndef HERALD_AGENT_PRIV_H
#define HERALD_AGENT_PRIV_H

#include "herald/herald.h"

/* Fill a->host and a->port from a->cfg.base_url, or from the region and app
 * id.  HERALD_E_URL_INVALID for a base URL that is not https://host[:port];
 * HERALD_E_INVALID_ARG for an unknown region or a host too long. */
herald_status_t herald_agent_set_endpoint(herald_agent_t *a);

/* Write the request head for a body of body_len bytes into a->tx; returns
 * its length, or 0 when it does not fit. */
size_t herald_agent_write_head(herald_agent_t *a, uint32_t body_len);

/* 1 when a request head with the longest Content-Length fits the head
 * buffer for a's endpoint and credentials (checked without touching a->tx). */
int herald_agent_head_fits(const herald_agent_t *a);

/* Write a GET for one template (ref: key or id, a slug) or, with ref NULL,
 * a page of the template list into a->tx; 0 when it does not fit or ref is
 * not a slug. */
size_t herald_agent_write_get(herald_agent_t *a, const char *ref, uint32_t page, uint32_t limit);

/* Template sync (sync.c).  herald_sync_start fills a->tx with the next
 * sync request when one is due (returns 1); herald_sync_complete reads its
 * answer; herald_sync_failed gives it up until the next trigger. */
int herald_sync_start(herald_agent_t *a);
void herald_sync_complete(herald_agent_t *a, const herald_http_response_t *r);
void herald_sync_failed(herald_agent_t *a);
void herald_sync_want(herald_agent_t *a, const char *ref);
int herald_sync_pending(const herald_agent_t *a);
/* Milliseconds until a periodic refresh is due (0xFFFFFFFF: none). */
uint32_t herald_sync_wait(const herald_agent_t *a);

/* HERALD_OK when the app id (letters, digits, '-', '_', '.') and the API key
 * (printable, no spaces) can go on the wire as header values. */
herald_status_t herald_agent_check_credentials(const char *app_id, const char *api_key);

#endif
