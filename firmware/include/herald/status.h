/* SPDX-License-Identifier: Apache-2.0 */
/* One status type for the whole agent: 0 is success, every error is negative
 * and has its own name and text.  The list is an X-macro so the enum and
 * herald_status_str() can never drift apart. */
#ifndef HERALD_STATUS_H
#define HERALD_STATUS_H

/* X(name, value, text) */
#define HERALD_STATUS_LIST(X) \
    X(HERALD_OK,                        0,  "ok") \
    X(HERALD_E_INVALID_ARG,            -1,  "invalid argument (API misuse)") \
    X(HERALD_E_NOSPACE,                -2,  "buffer or arena too small") \
    /* local refusals: the notification against the template cache */ \
    X(HERALD_E_TEMPLATE_UNKNOWN,       -10, "unknown template") \
    X(HERALD_E_TEMPLATE_NOT_APPROVED,  -11, "template is not approved (draft or archived)") \
    X(HERALD_E_VAR_MISSING,            -12, "a declared variable is missing") \
    X(HERALD_E_VAR_UNDECLARED,         -13, "a variable is not declared by the template") \
    X(HERALD_E_VAR_INVALID,            -14, "a variable value is not valid UTF-8 or contains NUL") \
    X(HERALD_E_VAR_TOO_LONG,           -15, "a variable value is longer than the configured limit") \
    X(HERALD_E_TARGET_LIMIT,           -16, "wrong number of targets for the mode (realtime 1, batch 1..10000)") \
    X(HERALD_E_TARGET_INVALID,         -17, "a target is empty, too long, or not valid UTF-8") \
    X(HERALD_E_MODE_INVALID,           -18, "mode must be realtime or batch") \
    X(HERALD_E_TEXT_INVALID,           -19, "title or tag is too long, not valid UTF-8, or contains NUL") \
    X(HERALD_E_VAR_DUPLICATE,          -20, "a variable is given twice") \
    X(HERALD_E_PUSH_DATA_INVALID,      -21, "push data: too many entries, an empty or repeated key, or a key or value too long, not valid UTF-8 or with NUL") \
    /* rendering and templates */ \
    X(HERALD_E_PLACEHOLDER_UNKNOWN,    -30, "template uses a placeholder with no variable") \
    X(HERALD_E_TEMPLATE_SYNTAX,        -31, "template has an unterminated or empty {{ }} placeholder") \
    X(HERALD_E_JSON_PARSE,             -32, "input is not valid JSON") \
    X(HERALD_E_JSON_SHAPE,             -33, "JSON is valid but lacks a required field or has a wrong type") \
    X(HERALD_E_IMAGE_MAGIC,            -34, "template image has a bad magic number") \
    X(HERALD_E_IMAGE_VERSION,          -35, "template image version is not supported") \
    X(HERALD_E_IMAGE_TRUNCATED,        -36, "template image is truncated") \
    X(HERALD_E_IMAGE_CORRUPT,          -37, "template image fails its CRC or structure check") \
    X(HERALD_E_CACHE_FULL,             -38, "template does not fit in the cache even when empty") \
    X(HERALD_E_JSON_ARENA,             -39, "JSON needs more memory than the parse arena holds") \
    X(HERALD_E_JSON_DEPTH,             -40, "JSON nests deeper than the parser allows") \
    /* transport */ \
    X(HERALD_E_NET,                    -50, "network error") \
    X(HERALD_E_NET_CLOSED,             -51, "connection closed by peer") \
    X(HERALD_E_TIMEOUT,                -52, "timed out") \
    X(HERALD_E_TLS,                    -53, "TLS error") \
    X(HERALD_E_TLS_VERIFY,             -54, "server certificate verification failed") \
    X(HERALD_E_URL_INVALID,            -55, "base URL must be https://host[:port]") \
    X(HERALD_E_TLS_KEY_USAGE,          -56, "server certificate is not for TLS server authentication (key usage)") \
    /* HTTP response reading */ \
    X(HERALD_E_HTTP_MALFORMED,         -60, "malformed HTTP response") \
    X(HERALD_E_HTTP_HEADER_TOO_LARGE,  -61, "HTTP response headers exceed the buffer") \
    X(HERALD_E_HTTP_BODY_TOO_LARGE,    -62, "HTTP response body exceeds the buffer") \
    X(HERALD_E_HTTP_CHUNK,             -63, "bad chunked encoding in HTTP response") \
    X(HERALD_E_RESPONSE_INVALID,       -64, "response body is not the expected JSON") \
    X(HERALD_E_HTTP_STATUS,            -65, "unexpected HTTP status without a platform error") \
    X(HERALD_E_ACCEPTED_UNREADABLE,    -66, "platform accepted it (2xx) but its answer could not be read") \
    /* the platform's answers (firmware/PLATFORM-API.md error table) */ \
    X(HERALD_E_PLATFORM_BAD_REQUEST,   -80, "platform: ERR_BAD_REQUEST") \
    X(HERALD_E_PLATFORM_INVALID_VARIABLES, -81, "platform: ERR_INVALID_VARIABLES") \
    X(HERALD_E_PLATFORM_TEMPLATE_NOT_APPROVED, -82, "platform: ERR_TEMPLATE_NOT_APPROVED") \
    X(HERALD_E_PLATFORM_TARGET_LIMIT,  -83, "platform: ERR_TARGET_LIMIT_EXCEEDED") \
    X(HERALD_E_PLATFORM_INVALID_MODE,  -84, "platform: ERR_INVALID_MODE") \
    X(HERALD_E_PLATFORM_UNAUTHORIZED,  -85, "platform: ERR_UNAUTHORIZED (401)") \
    X(HERALD_E_PLATFORM_FORBIDDEN,     -86, "platform: forbidden (403)") \
    X(HERALD_E_PLATFORM_NOT_FOUND,     -87, "platform: ERR_NOT_FOUND") \
    X(HERALD_E_PLATFORM_RATE_LIMITED,  -88, "platform: ERR_TOO_MANY_REQUESTS (429)") \
    X(HERALD_E_PLATFORM_SERVER,        -89, "platform: server error (5xx)") \
    X(HERALD_E_PLATFORM_UNKNOWN,       -90, "platform: unknown error code") \
    /* queue and delivery */ \
    X(HERALD_E_QUEUE_FULL,             -100, "queue is full") \
    X(HERALD_E_FLASH,                  -101, "flash error") \
    X(HERALD_E_EXPIRED,                -102, "notification expired before delivery") \
    X(HERALD_E_BUSY,                   -103, "busy: try again later") \
    X(HERALD_E_NOT_SUPPORTED,          -104, "not supported by this build or board") \
    X(HERALD_E_QUEUE_EMPTY,            -105, "queue is empty") \
    X(HERALD_E_PAUSED,                 -106, "sending is paused until new credentials are set") \
    X(HERALD_E_COALESCED,              -107, "identical to a notification raised moments ago: sent once") \
    X(HERALD_E_QUEUE_FOREIGN,          -108, "not a Herald queue, or one of another format version or geometry")

typedef enum {
#define HERALD_X_ENUM(name, value, text) name = (value),
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
