/* SPDX-License-Identifier: Apache-2.0 */
/* The request body of POST .../notifications/send, streamed straight from a
 * notification with no JSON tree and no intermediate buffer:
 *   {"template":{"key":"...","variables":{"n":"v",...},
 *                "notificationPushData":{"k":"v",...}},"targets":["..."],
 *    "mode":"realtime","title":"...","tag":"..."}
 * (compact, in this field order; "id" replaces "key" when only the id is
 * given; "variables" is always present, {} when there are none;
 * notificationPushData, title and tag only when set).  Every string is
 * escaped per RFC 8259. */
#ifndef HERALD_REQUEST_H
#define HERALD_REQUEST_H

#include "herald/types.h"
#include "herald/notification.h"

/* Stream the body to sink, in few large writes (short pieces are gathered in
 * a 128-byte stack buffer; long strings go straight from the caller's
 * memory).  HERALD_E_INVALID_ARG, before any byte is written, for a NULL
 * notification or sink, neither key nor id, a bad mode, or a NULL pointer
 * among vars or push_data (name, value) or targets; any sink error is returned unchanged
 * and ends the writing.  It does not re-run the schema check: call
 * herald_check_shape first. */
herald_status_t herald_request_write(const herald_notification_t *n, herald_sink_fn sink, void *ctx);

/* The exact body length, for Content-Length, computed by the same code with a
 * counting sink (no buffer).  Statuses as herald_request_write, plus
 * HERALD_E_INVALID_ARG for a NULL len; *len is 0 on error. */
herald_status_t herald_request_length(const herald_notification_t *n, size_t *len);

/* The length as herald_request_length and, in the same pass, the coalescing
 * hash herald_notification_hash gives (coalesce.h), so a caller that needs
 * both walks the targets once.  Either pointer may be NULL; both receive 0
 * on error.  HERALD_E_INVALID_ARG as herald_request_write. */
herald_status_t herald_request_measure(const herald_notification_t *n, size_t *len, uint64_t *hash);

/* Write s (len bytes) as a JSON string with quotes, escaping '"', '\\' and
 * every control character below 0x20 (\b \f \n \r \t, the rest as \u00xx
 * with lowercase hex); 0x7F and UTF-8 pass through unchanged.
 * HERALD_E_INVALID_ARG: NULL sink, or NULL s with len > 0; else the first
 * sink error. */
herald_status_t herald_json_write_string(herald_sink_fn sink, void *ctx, const char *s, size_t len);

#endif
