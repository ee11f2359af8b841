/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "herald/config.h"
#include "herald/response.h"
#include "json_arena.h"
#include "json_check.h"
#include "utf8.h"

/* What the HTTP status alone says, when the body does not say more. */
static herald_status_t by_http_status(int http)
{
    if (http >= 200 && http <= 299) {
        return HERALD_E_ACCEPTED_UNREADABLE; /* the platform has it all the same */
    }
    switch (http) {
    case 401:
        return HERALD_E_PLATFORM_UNAUTHORIZED;
    case 403:
        return HERALD_E_PLATFORM_FORBIDDEN;
    case 404:
        return HERALD_E_PLATFORM_NOT_FOUND;
    case 429:
        return HERALD_E_PLATFORM_RATE_LIMITED;
    default:
        break;
    }
    if (http >= 500 && http <= 599) {
        return HERALD_E_PLATFORM_SERVER;
    }
    return (http >= 400 && http <= 499) ? HERALD_E_PLATFORM_BAD_REQUEST : HERALD_E_HTTP_STATUS;
}

/* Copy a JSON string item into dst[cap] ("" for anything else); sets bit
 * in *truncated when it had to be cut. */
static void copy_field(char *dst, size_t cap, const cJSON *item, int *truncated, int bit)
{
    size_t n = 0;
    if (item != NULL && cJSON_IsString(item) && item->valuestring != NULL) {
        n = strlen(item->valuestring);
        if (n >= cap) {
            n = herald_utf8_cut(item->valuestring, cap - 1u);
            *truncated |= bit;
        }
        (void)memcpy(dst, item->valuestring, n);
    }
    dst[n] = '\0';
}

static void copy_string(char *dst, size_t cap, const cJSON *item, int *truncated)
{
    copy_field(dst, cap, item, truncated, 1);
}

static const cJSON *field(const cJSON *obj, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(obj, name);
}

/* The success object, bare or as {"data": {...}}: its fields are copied even
 * when notificationId is missing or not a string (the platform took the
 * notification all the same); that case returns HERALD_E_RESPONSE_INVALID. */
static herald_status_t read_success(const cJSON *root, herald_send_result_t *res)
{
    const cJSON *obj = root;
    const cJSON *id = field(root, "notificationId");
    const cJSON *ch;
    int *cut = &res->truncated;
    if (id == NULL && cJSON_IsObject(field(root, "data"))) {
        obj = field(root, "data");
        id = field(obj, "notificationId");
    }
    copy_field(res->notification_id, sizeof res->notification_id, id, cut, HERALD_CUT_NOTIFICATION_ID);
    copy_field(res->template_key, sizeof res->template_key, field(obj, "templateKey"), cut,
               HERALD_CUT_TEMPLATE_KEY);
    copy_field(res->mode, sizeof res->mode, field(obj, "mode"), cut, HERALD_CUT_MODE);
    copy_field(res->title, sizeof res->title, field(obj, "title"), cut, HERALD_CUT_TITLE);
    copy_field(res->tag, sizeof res->tag, field(obj, "tag"), cut, HERALD_CUT_TAG);
    copy_field(res->sent_from, sizeof res->sent_from, field(obj, "sentFrom"), cut, HERALD_CUT_SENT_FROM);
    copy_field(res->created_at, sizeof res->created_at, field(obj, "createdAt"), cut, HERALD_CUT_CREATED_AT);
    ch = field(obj, "channels");
    if (cJSON_IsArray(ch)) {
        const cJSON *it;
        cJSON_ArrayForEach(it, ch)
        {
            if (!cJSON_IsString(it)) {
                continue; /* not a channel name: ignored like any unknown data */
            }
            if (res->nchannels == HERALD_RESULT_MAX_CHANNELS) {
                *cut |= HERALD_CUT_CHANNELS;
                break;
            }
            copy_field(res->channels[res->nchannels], sizeof res->channels[0], it, cut, HERALD_CUT_CHANNELS);
            res->nchannels++;
        }
    }
    return res->notification_id[0] != '\0' ? HERALD_OK : HERALD_E_RESPONSE_INVALID;
}

/* details as compact JSON, printed in place; when it does not fit, cJSON has
 * written a prefix of whole tokens, which is kept and cut at a UTF-8 boundary
 * (the last byte is never handed to cJSON, so the prefix stays terminated). */
static void print_details(cJSON *details, herald_platform_error_t *err)
{
    char *out = err->details;
    (void)memset(out, 0, sizeof err->details);
    if (details == NULL || cJSON_IsNull(details)) {
        return;
    }
    if (!cJSON_PrintPreallocated(details, out, (int)(sizeof err->details) - 1, 0)) {
        out[herald_utf8_cut(out, strlen(out))] = '\0';
        err->truncated = 1;
    }
}

static herald_status_t read_error(cJSON *env, int http, herald_platform_error_t *err)
{
    static const struct {
        const char *code;
        herald_status_t st;
    } ERROR_CODES[] = {
        { "ERR_BAD_REQUEST", HERALD_E_PLATFORM_BAD_REQUEST },
        { "ERR_INVALID_VARIABLES", HERALD_E_PLATFORM_INVALID_VARIABLES },
        { "ERR_TEMPLATE_NOT_APPROVED", HERALD_E_PLATFORM_TEMPLATE_NOT_APPROVED },
        { "ERR_TARGET_LIMIT_EXCEEDED", HERALD_E_PLATFORM_TARGET_LIMIT },
        { "ERR_INVALID_MODE", HERALD_E_PLATFORM_INVALID_MODE },
        { "ERR_UNAUTHORIZED", HERALD_E_PLATFORM_UNAUTHORIZED },
        { "ERR_FORBIDDEN", HERALD_E_PLATFORM_FORBIDDEN },
        { "ERR_NOT_FOUND", HERALD_E_PLATFORM_NOT_FOUND },
        { "ERR_TOO_MANY_REQUESTS", HERALD_E_PLATFORM_RATE_LIMITED },
    };
    const cJSON *code = field(env, "code");
    size_t i;
    copy_string(err->code, sizeof err->code, code, &err->truncated);
    copy_string(err->message, sizeof err->message, field(env, "message"), &err->truncated);
    copy_string(err->dev_message, sizeof err->dev_message, field(env, "devMessage"), &err->truncated);
    print_details(cJSON_GetObjectItemCaseSensitive(env, "details"), err);
    if (!cJSON_IsString(code) || code->valuestring == NULL) {
        return by_http_status(http);
    }
    for (i = 0; i < sizeof ERROR_CODES / sizeof ERROR_CODES[0]; i++) {
        if (strcmp(code->valuestring, ERROR_CODES[i].code) == 0) {
            return ERROR_CODES[i].st;
        }
    }
    /* A new code on a 429 or 5xx is still worth retrying; elsewhere it is
     * reported as it came. */
    if (http == 429 || (http >= 500 && http <= 599)) {
        return by_http_status(http);
    }
    return HERALD_E_PLATFORM_UNKNOWN;
}

/* Why a body that did not parse could not: the arena, the nesting limit, or
 * the text itself (reached only with HERALD_JSON_STRICT 0 or when cJSON
 * refuses what the strict check let through). */
static herald_status_t parse_failure(const char *body, size_t len, int exhausted)
{
    if (exhausted) {
        return HERALD_E_JSON_ARENA;
    }
#if HERALD_JSON_STRICT
    (void)body;
    (void)len;
    return HERALD_E_JSON_PARSE; /* the check found the depth; cJSON's own limits remain (a number over 63 characters) */
#else
    return herald_json_depth(body, len) > (size_t)CJSON_NESTING_LIMIT ? HERALD_E_JSON_DEPTH
                                                                      : HERALD_E_JSON_PARSE;
#endif
}

/* The body as a cJSON tree, or NULL with err->cause saying why not.  cJSON
 * takes some text that is not JSON: only what passes the strict check
 * reaches it (HERALD_E_JSON_PARSE / _DEPTH otherwise). */
static cJSON *parse_body(herald_json_arena_t *arena, const char *body, size_t len,
                         herald_platform_error_t *err)
{
    unsigned flags = 0u;
    int exhausted = 0;
    cJSON *root;
    herald_status_t syntax = herald_json_check(body, len, &flags);
    if (syntax != HERALD_OK) {
        err->cause = syntax;
        return NULL;
    }
    if ((flags & HERALD_JSON_NUL) != 0u) {
        err->cause = HERALD_E_RESPONSE_INVALID; /* cJSON would cut a name or value at the NUL */
        return NULL;
    }
    root = herald_json_parse_checked(arena, body, len, flags, &exhausted);
    err->cause = root == NULL ? parse_failure(body, len, exhausted) : HERALD_OK;
    return root;
}

/* An error envelope: its mapped status, except on a 2xx. */
static herald_status_t envelope(cJSON *env, int ok2xx, herald_send_result_t *result,
                                herald_platform_error_t *err)
{
    herald_status_t st;
    (void)memset(result, 0, sizeof *result);
    st = read_error(env, err->http_status, err);
    if (ok2xx) {
        /* An envelope on a 2xx contradicts its status line, which said
         * the platform took it: resending could duplicate it, so it is
         * accepted, with what the envelope said as the cause. */
        err->cause = st;
        st = HERALD_E_ACCEPTED_UNREADABLE;
    }
    return st;
}

herald_status_t herald_response_read(herald_json_arena_t *arena, int http_status, const char *body,
                                     size_t len, herald_send_result_t *result, herald_platform_error_t *err)
{
    cJSON *root = NULL;
    cJSON *env;
    int ok2xx = http_status >= 200 && http_status <= 299;
    (void)memset(result, 0, sizeof *result);
    (void)memset(err, 0, sizeof *err);
    err->http_status = http_status;
    /* A 2xx must say what it accepted; a refusal may come without a body. */
    err->cause = ok2xx ? HERALD_E_RESPONSE_INVALID : HERALD_OK;
    if (body != NULL && len > 0) {
        root = parse_body(arena, body, len, err);
    }
    env = cJSON_IsObject(root) ? cJSON_GetObjectItemCaseSensitive(root, "error") : NULL;
    /* On a 2xx a success object wins over an envelope. */
    if (ok2xx && cJSON_IsObject(root) && (read_success(root, result) == HERALD_OK || !cJSON_IsObject(env))) {
        if (result->notification_id[0] != '\0') {
            return HERALD_OK;
        }
        err->cause = HERALD_E_RESPONSE_INVALID; /* JSON, but no notificationId string */
        return HERALD_E_ACCEPTED_UNREADABLE;
    }
    if (cJSON_IsObject(env)) {
        return envelope(env, ok2xx, result, err);
    }
    if (!ok2xx) {
        return by_http_status(http_status);
    }
    /* The platform took it; what it said about it is lost. */
    if (err->cause == HERALD_OK) {
        err->cause = HERALD_E_RESPONSE_INVALID; /* JSON, but not an object */
    }
    return HERALD_E_ACCEPTED_UNREADABLE;
}
