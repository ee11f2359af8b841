/* SPDX-License-Identifier: Apache-2.0 */
/* The request body of POST .../notifications/send, streamed straight from a
 * notification with no JSON tree and no intermediate buffer:
 *   {"template":{"key":"...","variables":{"n":"v",...}},"targets":["..."],
 *    "mode":"realtime","title":"...","tag":"..."}
 * (compact, in this field order; "id" replaces "key" when only the id is
 * given; "variables" is always present, {} when there are none; title and
 * tag only when set).  Every string is escaped per RFC 8259. */
#ifndef HERALD_REQUEST_H
#define HERALD_REQUEST_H

#include "herald/types.h"
#include "herald/notification.h"

/* Stream the body to sink.  HERALD_E_INVALID_ARG for a NULL notification or
 * one with neither key nor id; any sink error is returned unchanged.  It does
 * not re-run the schema check: call herald_check_shape first. */
herald_status_t herald_request_write(const herald_notification_t *n, herald_sink_fn sink, void *ctx);

/* The exact body length, for Content-Length, computed by the same code with a
 * counting sink (no buffer). */
herald_status_t herald_request_length(const herald_notification_t *n, size_t *len);

/* Write s (len bytes) as a JSON string with quotes, escaping '"', '\\' and
 * every control character below 0x20; UTF-8 passes through unchanged. */
herald_status_t herald_json_write_string(herald_sink_fn sink, void *ctx, const char *s, size_t len);

#endif
