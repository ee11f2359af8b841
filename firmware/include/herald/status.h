/* SPDX-License-Identifier: Apache-2.0 */
/* One status type for the whole agent: 0 is success, every error is negative
 * and has its own name and text.  The list is an X-macro so the enum,
 * herald_status_str() and the agent's retry classes can never drift apart. */
#ifndef HERALD_STATUS_H
#define HERALD_STATUS_H

/* X(name, value, class, text).  The class says what the agent does when a
 * delivery attempt ends on the status:
 *   SENT     the platform has it: retired, reported, never sent again;
 *   REFUSED  the platform refused it for good: retired and reported;
 *   HOLD     the credentials were refused: the queue waits, attempts are
 *            not spent, until herald_set_credentials();
 *   RETRY    transient: tried again after a backoff (or Retry-After);
 *   LOCAL    raised only by local checks and calls, never the end of a
 *            delivery (treated as RETRY if it ever were).
 * HERALD_E_PLATFORM_UNKNOWN is REFUSED when its HTTP status is a 4xx other
 * than 429; an HTTP 408 or 425 is RETRY whatever the body says. */
/* clang-format off: one status per line, in columns */
#define HERALD_STATUS_LIST(X) \
    X(HERALD_OK, 0, SENT, "ok") \
    X(HERALD_E_INVALID_ARG, -1, LOCAL, "invalid argument (API misuse)") \
    X(HERALD_E_NOSPACE, -2, LOCAL, "buffer or arena too small") \
    /* local refusals: the notification against the template cache */ \
    X(HERALD_E_TEMPLATE_UNKNOWN, -10, LOCAL, "unknown template") \
    X(HERALD_E_TEMPLATE_NOT_APPROVED, -11, LOCAL, "template is not approved (draft or archived)") \
    X(HERALD_E_VAR_MISSING, -12, LOCAL, "a declared variable is missing") \
    X(HERALD_E_VAR_UNDECLARED, -13, LOCAL, "a variable is not declared by the template") \
    X(HERALD_E_VAR_INVALID, -14, LOCAL, "a variable value is not valid UTF-8 or contains NUL") \
    X(HERALD_E_VAR_TOO_LONG, -15, LOCAL, "a variable value is longer than the configured limit") \
    X(HERALD_E_TARGET_LIMIT, -16, LOCAL, \
      "wrong number of targets for the mode (realtime 1, batch 1..10000)") \
    X(HERALD_E_TARGET_INVALID, -17, LOCAL, "a target is empty, too long, or not valid UTF-8") \
    X(HERALD_E_MODE_INVALID, -18, LOCAL, "mode must be realtime or batch") \
    X(HERALD_E_TEXT_INVALID, -19, LOCAL, "title or tag is too long, not valid UTF-8, or contains NUL") \
    X(HERALD_E_VAR_DUPLICATE, -20, LOCAL, "a variable is given twice") \
    X(HERALD_E_PUSH_DATA_INVALID, -21, LOCAL, \
      "push data: too many entries, an empty or repeated key, or a key or value too long, not valid UTF-8 " \
      "or with NUL") \
    /* rendering and templates */ \
    X(HERALD_E_PLACEHOLDER_UNKNOWN, -30, LOCAL, "template uses a placeholder with no variable") \
    X(HERALD_E_TEMPLATE_SYNTAX, -31, LOCAL, "template has an unterminated or empty {{ }} placeholder") \
    X(HERALD_E_JSON_PARSE, -32, LOCAL, "input is not valid JSON") \
    X(HERALD_E_JSON_SHAPE, -33, LOCAL, "JSON is valid but lacks a required field or has a wrong type") \
    X(HERALD_E_IMAGE_MAGIC, -34, LOCAL, "template image has a bad magic number") \
    X(HERALD_E_IMAGE_VERSION, -35, LOCAL, "template image version is not supported") \
    X(HERALD_E_IMAGE_TRUNCATED, -36, LOCAL, "template image is truncated") \
    X(HERALD_E_IMAGE_CORRUPT, -37, LOCAL, "template image fails its CRC or structure check") \
    X(HERALD_E_CACHE_FULL, -38, LOCAL, "template does not fit in the cache even when empty") \
    X(HERALD_E_JSON_ARENA, -39, LOCAL, "JSON needs more memory than the parse arena holds") \
    X(HERALD_E_JSON_DEPTH, -40, LOCAL, "JSON nests deeper than the parser allows") \
    /* transport */ \
    X(HERALD_E_NET, -50, RETRY, "network error") \
    X(HERALD_E_NET_CLOSED, -51, RETRY, "connection closed by peer") \
    X(HERALD_E_TIMEOUT, -52, RETRY, "timed out") \
    X(HERALD_E_TLS, -53, RETRY, "TLS error") \
    X(HERALD_E_TLS_VERIFY, -54, RETRY, "server certificate verification failed") \
    X(HERALD_E_URL_INVALID, -55, LOCAL, "base URL must be https://host[:port]") \
    X(HERALD_E_TLS_KEY_USAGE, -56, RETRY, \
      "server certificate is not for TLS server authentication (key usage)") \
    /* HTTP response reading */ \
    X(HERALD_E_HTTP_MALFORMED, -60, RETRY, "malformed HTTP response") \
    X(HERALD_E_HTTP_HEADER_TOO_LARGE, -61, RETRY, "HTTP response headers exceed the buffer") \
    X(HERALD_E_HTTP_BODY_TOO_LARGE, -62, RETRY, "HTTP response body exceeds the buffer") \
    X(HERALD_E_HTTP_CHUNK, -63, RETRY, "bad chunked encoding in HTTP response") \
    X(HERALD_E_RESPONSE_INVALID, -64, RETRY, "response body is not the expected JSON") \
    X(HERALD_E_HTTP_STATUS, -65, RETRY, "unexpected HTTP status without a platform error") \
    X(HERALD_E_ACCEPTED_UNREADABLE, -66, SENT, \
      "platform accepted it (2xx) but its answer could not be read") \
    /* the platform's answers (firmware/PLATFORM-API.md, the error table) */ \
    X(HERALD_E_PLATFORM_BAD_REQUEST, -80, REFUSED, "platform: ERR_BAD_REQUEST") \
    X(HERALD_E_PLATFORM_INVALID_VARIABLES, -81, REFUSED, "platform: ERR_INVALID_VARIABLES") \
    X(HERALD_E_PLATFORM_TEMPLATE_NOT_APPROVED, -82, REFUSED, "platform: ERR_TEMPLATE_NOT_APPROVED") \
    X(HERALD_E_PLATFORM_TARGET_LIMIT, -83, REFUSED, "platform: ERR_TARGET_LIMIT_EXCEEDED") \
    X(HERALD_E_PLATFORM_INVALID_MODE, -84, REFUSED, "platform: ERR_INVALID_MODE") \
    X(HERALD_E_PLATFORM_UNAUTHORIZED, -85, HOLD, "platform: ERR_UNAUTHORIZED (401)") \
    X(HERALD_E_PLATFORM_FORBIDDEN, -86, HOLD, "platform: forbidden (403)") \
    X(HERALD_E_PLATFORM_NOT_FOUND, -87, REFUSED, "platform: ERR_NOT_FOUND") \
    X(HERALD_E_PLATFORM_RATE_LIMITED, -88, RETRY, "platform: ERR_TOO_MANY_REQUESTS (429)") \
    X(HERALD_E_PLATFORM_SERVER, -89, RETRY, "platform: server error (5xx)") \
    X(HERALD_E_PLATFORM_UNKNOWN, -90, RETRY, "platform: unknown error code") \
    /* queue and delivery */ \
    X(HERALD_E_QUEUE_FULL, -100, LOCAL, "queue is full") \
    X(HERALD_E_FLASH, -101, RETRY, "flash error") \
    X(HERALD_E_EXPIRED, -102, LOCAL, "notification expired before delivery") \
    X(HERALD_E_BUSY, -103, LOCAL, "busy: try again later") \
    X(HERALD_E_NOT_SUPPORTED, -104, LOCAL, "not supported by this build or board") \
    X(HERALD_E_QUEUE_EMPTY, -105, LOCAL, "queue is empty") \
    X(HERALD_E_PAUSED, -106, LOCAL, "sending is paused until new credentials are set") \
    X(HERALD_E_COALESCED, -107, LOCAL, "identical to a notification raised moments ago: sent once") \
    X(HERALD_E_QUEUE_FOREIGN, -108, LOCAL, "not a Herald queue, or one of another format version or geometry")

/* clang-format on */

typedef enum {
#define HERALD_X_ENUM(name, value, cls, text) name = (value),
    HERALD_STATUS_LIST(HERALD_X_ENUM)
#undef HERALD_X_ENUM
} herald_status_t;

/* Human-readable text for a status; never NULL ("unknown status" for values
 * outside the list).  A build with HERALD_STATUS_TEXT 0 gives only "ok" or a
 * generic error text, and a generic name. */
const char *herald_status_str(herald_status_t st);

/* The enumerator's name ("HERALD_E_NOSPACE"), for logs and the CLI. */
const char *herald_status_name(herald_status_t st);

#endif
