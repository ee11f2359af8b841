/* SPDX-License-Identifier: Apache-2.0 */
/* The result as JSON, for the CLI's stdout and a board's console: in a file
 * of its own, so an image that does not print results does not link it. */
#include <string.h>
#include "herald/response.h"
#include "json_escape.h"
#include "span.h"
#include "utf8.h"

/* A few pieces per sink call; long values go straight from the result. */
#define STAGE_SIZE 64u

/* A JSON string of s, valid whatever s holds: control characters escaped,
 * and each byte that does not start a well-formed UTF-8 sequence written as
 * U+FFFD, so one bad byte from the platform cannot make the line unreadable. */
static void put_text(herald_sink_t *w, const char *s)
{
    static const char REPLACEMENT[] = "\xEF\xBF\xBD";
    size_t len = strlen(s);
    size_t start = 0u;
    size_t i = 0u;
    herald_sink_put(w, "\"", 1u);
    while (i < len && w->st == HERALD_OK) {
        size_t n = herald_utf8_seq(s + i, len - i);
        if (n > 0u) {
            i += n;
            continue;
        }
        herald_json_put_escaped(w, s + start, i - start);
        herald_sink_put(w, REPLACEMENT, sizeof REPLACEMENT - 1u);
        i++;
        start = i;
    }
    herald_json_put_escaped(w, s + start, len - start);
    herald_sink_put(w, "\"", 1u);
}

/* key (with its leading comma and colon) and value, when the value is set. */
static void put_field(herald_sink_t *w, const char *key, const char *v)
{
    if (v[0] != '\0') {
        herald_sink_str(w, key);
        put_text(w, v);
    }
}

static void put_channels(herald_sink_t *w, const herald_send_result_t *r)
{
    size_t n = r->nchannels;
    if (n > HERALD_RESULT_MAX_CHANNELS) {
        n = HERALD_RESULT_MAX_CHANNELS;
    }
    for (size_t i = 0u; i < n; i++) {
        herald_sink_str(w, i == 0u ? ",\"channels\":[" : ",");
        put_text(w, r->channels[i]);
    }
    if (n > 0u) {
        herald_sink_put(w, "]", 1u);
    }
}

/* ,"truncated":["title",...] naming each field that was cut. */
static void put_truncated(herald_sink_t *w, int cut)
{
    static const struct {
        int bit;
        const char *name;
    } NAMES[] = {
        { HERALD_CUT_NOTIFICATION_ID, "\"notificationId\"" },
        { HERALD_CUT_TEMPLATE_KEY, "\"templateKey\"" },
        { HERALD_CUT_CHANNELS, "\"channels\"" },
        { HERALD_CUT_MODE, "\"mode\"" },
        { HERALD_CUT_TITLE, "\"title\"" },
        { HERALD_CUT_TAG, "\"tag\"" },
        { HERALD_CUT_SENT_FROM, "\"sentFrom\"" },
        { HERALD_CUT_CREATED_AT, "\"createdAt\"" },
    };
    const char *sep = ",\"truncated\":[";
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) {
        if ((cut & NAMES[i].bit) != 0) {
            herald_sink_str(w, sep);
            herald_sink_str(w, NAMES[i].name);
            sep = ",";
        }
    }
    if (cut != 0) {
        herald_sink_put(w, "]", 1u);
    }
}

herald_status_t herald_result_write_json(const herald_send_result_t *r, herald_sink_fn sink, void *ctx)
{
    herald_sink_t w;
    char stage[STAGE_SIZE];
    herald_sink_init(&w, sink, ctx, stage, sizeof stage, STAGE_SIZE / 2u);
    herald_sink_str(&w, "{\"notificationId\":");
    put_text(&w, r->notification_id);
    put_field(&w, ",\"templateKey\":", r->template_key);
    put_channels(&w, r);
    put_field(&w, ",\"mode\":", r->mode);
    put_field(&w, ",\"title\":", r->title);
    put_field(&w, ",\"tag\":", r->tag);
    put_field(&w, ",\"sentFrom\":", r->sent_from);
    put_field(&w, ",\"createdAt\":", r->created_at);
    put_truncated(&w, r->truncated);
    herald_sink_put(&w, "}", 1u);
    return herald_sink_flush(&w);
}
