/* SPDX-License-Identifier: Apache-2.0 */
/* The platform's answer to a send: the success object (bare or wrapped in
 * {"data": ...}) or the error envelope, read into fixed fields.  Strings too
 * long for a field are cut at a UTF-8 boundary and flagged, never overflowed. */
#ifndef HERALD_RESPONSE_H
#define HERALD_RESPONSE_H

#include <stddef.h>
#include "herald/json_arena.h"
#include "herald/types.h"

#define HERALD_RESULT_MAX_CHANNELS 6

/* Bits of herald_send_result_t.truncated: which field was cut. */
#define HERALD_CUT_NOTIFICATION_ID 0x01
#define HERALD_CUT_TEMPLATE_KEY 0x02
#define HERALD_CUT_MODE 0x04
#define HERALD_CUT_TITLE 0x08
#define HERALD_CUT_TAG 0x10
#define HERALD_CUT_SENT_FROM 0x20
#define HERALD_CUT_CREATED_AT 0x40
#define HERALD_CUT_CHANNELS 0x80 /* a channel name cut, or channels dropped */

typedef struct {
    char notification_id[64];
    char template_key[64];
    char mode[16];
    char title[128];
    char tag[64];
    char sent_from[32];
    char created_at[32];
    char channels[HERALD_RESULT_MAX_CHANNELS][16];
    size_t nchannels;
    int truncated; /* HERALD_CUT_* of each field that was cut; 0: none */
} herald_send_result_t;

typedef struct {
    int http_status;
    char code[48]; /* e.g. "ERR_INVALID_VARIABLES"; "" when none */
    char message[160];
    char dev_message[160];
    char details[256];     /* the details object as compact JSON; "" when none */
    int truncated;         /* 1 when a string or the details were cut */
    herald_status_t cause; /* HERALD_OK, or why the body could not be read as
                                  expected: HERALD_E_JSON_ARENA, HERALD_E_JSON_DEPTH,
                                  HERALD_E_RESPONSE_INVALID (not JSON, or a 2xx
                                  without a notificationId string or body) */
} herald_platform_error_t;

/* Read a response body given its HTTP status, parsing it on arena (which
 * must not be NULL; what it held before is lost).  *result and *err are always
 * cleared first; err->http_status is always set.
 * HERALD_OK: a 2xx (the platform uses 200, 201 or 202) with a success object
 *   (notificationId required), bare or as {"data": {...}}; *result filled.
 * Platform error: an {"error": {...}} envelope (with a status outside
 *   2xx; on a 2xx see below) has its code, message, devMessage and details
 *   copied into *err and its code mapped to its own status
 *   (ERR_BAD_REQUEST -> HERALD_E_PLATFORM_BAD_REQUEST,
 *   ERR_INVALID_VARIABLES, ERR_TEMPLATE_NOT_APPROVED, ERR_TARGET_LIMIT_EXCEEDED,
 *   ERR_INVALID_MODE, ERR_UNAUTHORIZED, ERR_FORBIDDEN, ERR_NOT_FOUND,
 *   ERR_TOO_MANY_REQUESTS each to theirs); an unknown code gives
 *   HERALD_E_PLATFORM_UNKNOWN with its text kept, except with a 429 or 5xx
 *   status, which stay transient (RATE_LIMITED, SERVER).  Without an envelope
 *   (or without a code in it) the HTTP status decides: 401 UNAUTHORIZED,
 *   403 FORBIDDEN, 404 NOT_FOUND, 429 RATE_LIMITED, 5xx SERVER, other 4xx
 *   BAD_REQUEST.
 * HERALD_E_ACCEPTED_UNREADABLE: a 2xx (so the platform has it) whose body
 *   is empty (a 204), not JSON, too big for the JSON arena, nested too deep,
 *   or has no non-empty notificationId string; err->cause says which, and
 *   *result keeps whatever fields could be read (notification_id is then
 *   "").  A 2xx with an error envelope and no success object is this too,
 *   its envelope in *err and its mapped status as err->cause: the status
 *   line said the platform took it.  Never resend it.
 * err->cause is also set for the other statuses when the body could not be
 *   read (e.g. a 5xx whose body exhausted the arena).
 * HERALD_E_HTTP_STATUS: a status outside 2xx, 4xx and 5xx without an
 *   envelope code. */
herald_status_t herald_response_read(herald_json_arena_t *arena, int http_status, const char *body,
                                     size_t len, herald_send_result_t *result, herald_platform_error_t *err);

/* Write the result as one compact JSON object (for the CLI's stdout):
 * {"notificationId":..,"templateKey":..,"channels":[..],"mode":..,"title":..,
 *  "tag":..,"sentFrom":..,"createdAt":..,"truncated":[..]} in this order,
 * leaving out empty fields other than notificationId, and "truncated" (the
 * names of the fields that were cut) when none was.  Always valid JSON: a
 * byte that is not part of well-formed UTF-8 is written as U+FFFD.  Returns
 * the first sink error. */
herald_status_t herald_result_write_json(const herald_send_result_t *r, herald_sink_fn sink, void *ctx);

#endif
