/* SPDX-License-Identifier: Apache-2.0 */
/* The platform response reader on an arbitrary body and HTTP status.  Beyond
 * "no crash": only documented statuses; every copied string is the body's
 * string, or when too long a prefix of it at most 3 bytes short of the field,
 * flagged, and still valid UTF-8 when the original was; details (when not
 * cut) are valid JSON; a success result writes back out as JSON with the
 * same id.  The body is parsed again here as the reference, through the
 * strict check as the reader does; what the check passes, cJSON parses
 * (unless the arena runs out or a number is longer than cJSON's 63
 * characters).
 *
 * Input: [status, big-endian u16 taken mod 700] body... */
#include <stdlib.h>
#include <string.h>
#include "herald/response.h"
#include "json_arena.h"
#include "json_check.h"
#include "utf8.h"
#include "util.h"

static herald_json_arena_t answer_arena; /* zero bytes: ready */

static herald_json_arena_t json_arena; /* zero bytes: ready */

static const int STATUSES[] = {
    HERALD_OK,
    HERALD_E_RESPONSE_INVALID,
    HERALD_E_HTTP_STATUS,
    HERALD_E_PLATFORM_BAD_REQUEST,
    HERALD_E_PLATFORM_INVALID_VARIABLES,
    HERALD_E_PLATFORM_TEMPLATE_NOT_APPROVED,
    HERALD_E_PLATFORM_TARGET_LIMIT,
    HERALD_E_PLATFORM_INVALID_MODE,
    HERALD_E_PLATFORM_UNAUTHORIZED,
    HERALD_E_PLATFORM_FORBIDDEN,
    HERALD_E_PLATFORM_NOT_FOUND,
    HERALD_E_PLATFORM_RATE_LIMITED,
    HERALD_E_PLATFORM_SERVER,
    HERALD_E_PLATFORM_UNKNOWN,
    HERALD_E_ACCEPTED_UNREADABLE,
};

/* field[cap] against the JSON member it was copied from; returns 1 when it
 * had to be cut. */
static int check_copy(const char *field, size_t cap, const cJSON *item)
{
    size_t n = strnlen(field, cap), len;
    const char *s;
    FZ_CHECK(n < cap);
    if (!cJSON_IsString(item) || item->valuestring == NULL) {
        FZ_CHECK(n == 0);
        return 0;
    }
    s = item->valuestring;
    len = strlen(s);
    if (len < cap) {
        FZ_CHECK(n == len && memcmp(field, s, n) == 0);
        return 0;
    }
    FZ_CHECK(n + 3 >= cap - 1 && memcmp(field, s, n) == 0);
    FZ_CHECK(!herald_utf8_valid(s, len) || herald_utf8_valid(field, n));
    return 1;
}

#define COPY(f, item) check_copy((f), sizeof(f), (item))

static const cJSON *member(const cJSON *o, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(o, name);
}

static void check_success(const herald_send_result_t *res, const cJSON *root)
{
    const cJSON *obj = root, *ch, *it;
    int cut = 0;
    size_t i = 0;
    if (member(root, "notificationId") == NULL && cJSON_IsObject(member(root, "data"))) {
        obj = member(root, "data");
    }
    cut |= COPY(res->notification_id, member(obj, "notificationId"));
    cut |= COPY(res->template_key, member(obj, "templateKey"));
    cut |= COPY(res->mode, member(obj, "mode"));
    cut |= COPY(res->title, member(obj, "title"));
    cut |= COPY(res->tag, member(obj, "tag"));
    cut |= COPY(res->sent_from, member(obj, "sentFrom"));
    cut |= COPY(res->created_at, member(obj, "createdAt"));
    ch = member(obj, "channels");
    if (cJSON_IsArray(ch)) {
        cJSON_ArrayForEach(it, ch)
        {
            if (!cJSON_IsString(it)) {
                continue;
            }
            if (i == HERALD_RESULT_MAX_CHANNELS) {
                cut = 1;
                break;
            }
            cut |= COPY(res->channels[i], it);
            i++;
        }
    }
    FZ_CHECK(res->nchannels == i);
    FZ_CHECK((res->truncated != 0) == (cut != 0));
}

static void check_error(int st, const herald_platform_error_t *err, const cJSON *root)
{
    const cJSON *env = cJSON_IsObject(root) ? member(root, "error") : NULL;
    int cut = 0;
    /* Only a code the table does not know gives UNKNOWN. */
    FZ_CHECK(st != HERALD_E_PLATFORM_UNKNOWN || cJSON_IsString(member(env, "code")));
    if (!cJSON_IsObject(env)) {
        FZ_CHECK(err->code[0] == '\0' && err->message[0] == '\0' && err->details[0] == '\0');
        FZ_CHECK(err->truncated == 0);
        return;
    }
    cut |= COPY(err->code, member(env, "code"));
    cut |= COPY(err->message, member(env, "message"));
    cut |= COPY(err->dev_message, member(env, "devMessage"));
    FZ_CHECK(strnlen(err->details, sizeof err->details) < sizeof err->details);
    FZ_CHECK(err->truncated == 0 || err->truncated == 1);
    FZ_CHECK(cut == 0 || err->truncated == 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input_t in = { data, size };
    int http = (int)(((unsigned)fz_byte(&in) << 8 | fz_byte(&in)) % 700u);
    char *body = fz_dup(in.p, in.n);
    herald_send_result_t res;
    herald_platform_error_t err;
    int st = herald_response_read(&answer_arena, http, body, in.n, &res, &err);
    const cJSON *root;
    unsigned flags = 0u;

    FZ_CHECK(fz_status_in(st, STATUSES, sizeof STATUSES / sizeof STATUSES[0]));
    FZ_CHECK(err.http_status == http);
    FZ_CHECK((res.truncated & ~0xFF) == 0); /* HERALD_CUT_* bits only */
    /* A 2xx is never a refusal or a retry: the platform has it. */
    FZ_CHECK(!(http >= 200 && http <= 299) || st == HERALD_OK || st == HERALD_E_ACCEPTED_UNREADABLE);
    FZ_CHECK(st != HERALD_E_ACCEPTED_UNREADABLE ||
             (http >= 200 && http <= 299 && res.notification_id[0] == '\0'));
    FZ_CHECK(res.nchannels <= HERALD_RESULT_MAX_CHANNELS);

    /* Details, when whole, are JSON (checked before the reference parse
     * reuses the arena). */
    if (err.details[0] != '\0' && !err.truncated) {
        FZ_CHECK(herald_json_parse(&json_arena, err.details, strlen(err.details), NULL) != NULL);
    }
    root = NULL;
    if (in.n > 0 && herald_json_check(body, in.n, &flags) == HERALD_OK) {
        int exhausted = 0;
        /* with the check's flags the parse reads what the parse that scans
         * for long numbers itself reads (each call resets the arena) */
        int with_flags = herald_json_parse_checked(&json_arena, body, in.n, flags, NULL) != NULL;
        root = herald_json_parse(&json_arena, body, in.n, &exhausted);
        FZ_CHECK((root != NULL) == with_flags);
        root = herald_json_parse(&json_arena, body, in.n, &exhausted);
        FZ_CHECK(root != NULL || exhausted); /* what the check passes, cJSON reads */
        if ((flags & HERALD_JSON_NUL) != 0u) {
            /* \u0000: the reader reads no field of it, so there is nothing to compare */
            FZ_CHECK(st != HERALD_OK && res.notification_id[0] == '\0' && err.code[0] == '\0');
            root = NULL;
        }
    }
    if (st == HERALD_OK) {
        fz_sink_t out = { 0 };
        cJSON *back;
        const cJSON *jid;
        FZ_CHECK(http >= 200 && http <= 299 && cJSON_IsObject(root));
        FZ_CHECK(res.notification_id[0] != '\0');
        FZ_CHECK(err.code[0] == '\0' && err.truncated == 0);
        check_success(&res, root);
        FZ_CHECK(herald_result_write_json(&res, fz_sink, &out) == HERALD_OK);
        back = herald_json_parse(&json_arena, out.buf, out.len, NULL);
        jid = member(back, "notificationId");
        /* the id comes back as it was; bytes that are not UTF-8 are printed
         * as U+FFFD, so the line is JSON whatever the platform sent */
        FZ_CHECK(cJSON_IsString(jid));
        FZ_CHECK(!herald_utf8_valid(res.notification_id, strlen(res.notification_id)) ||
                 strcmp(jid->valuestring, res.notification_id) == 0);
        fz_sink_free(&out);
    } else if (st == HERALD_E_ACCEPTED_UNREADABLE) {
        /* whatever could be read is kept, and is printed as valid JSON */
        fz_sink_t out = { 0 };
        FZ_CHECK(err.cause != HERALD_OK);
        FZ_CHECK(herald_result_write_json(&res, fz_sink, &out) == HERALD_OK);
        FZ_CHECK(herald_json_check(out.buf, out.len, NULL) == HERALD_OK);
        fz_sink_free(&out);
    } else {
        FZ_CHECK(res.notification_id[0] == '\0' && res.nchannels == 0 && res.truncated == 0);
        check_error(st, &err, root);
    }
    free(body);
    return 0;
}
