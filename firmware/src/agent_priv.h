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

/* HERALD_OK when the app id (letters, digits, '-', '_', '.') and the API key
 * (printable, no spaces) can go on the wire as header values. */
herald_status_t herald_agent_check_credentials(const char *app_id, const char *api_key);

#endif
