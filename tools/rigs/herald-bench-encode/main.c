/* SPDX-License-Identifier: Apache-2.0 */
/* herald-bench-encode: the seed notification's title and request body,
 * encoded three ways, for `make bench` to count under callgrind:
 *   herald  herald_render (push title) + herald_request_write into a buffer
 *   cjson   what a user writes without Herald: snprintf for the title, a cJSON
 *           tree printed with cJSON_PrintUnformatted (default malloc), the
 *           text copied into the same buffer, the tree and text freed
 *   memcpy  a plain copy of the same title and body bytes: the floor
 * Each way is one noinline function, bench_<way>, so that
 * `valgrind --tool=callgrind --toggle-collect=bench_<way>` counts only the
 * encoding, not the loop or the start-up.
 *
 *   herald-bench-encode herald|cjson|memcpy ITERATIONS   run one way N times
 *   herald-bench-encode check    the three outputs, compared: a JSON line
 *   herald-bench-encode body     the body bytes on stdout (for curl) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cJSON.h"
#include "herald/render.h"
#include "herald/request.h"

/* The inputs are non-const globals with external linkage, so the compiler
 * cannot fold any of the work into constants. */
const char *bench_title_tmpl = "Order Confirmed";
const char *bench_key = "order-confirmation";
const char *bench_target = "user-jane-123";
herald_var_t bench_vars[2] = { { "customerName", "Jane", 0 }, { "orderId", "ORD-12345", 0 } };
size_t bench_nvars = 2;

char bench_title[128];
char bench_out[1024];
size_t bench_out_len;

/* The reference output for the memcpy floor, taken from Herald's encoding. */
char ref_title[128];
size_t ref_title_len;
char ref_body[1024];
size_t ref_body_len;

__attribute__((noinline)) int bench_herald(void)
{
    const char *targets[1] = { bench_target };
    herald_notification_t n = { .template_key = bench_key,
                                .vars = bench_vars,
                                .nvars = bench_nvars,
                                .targets = targets,
                                .ntargets = 1,
                                .mode = HERALD_MODE_REALTIME,
                                .title = bench_title };
    herald_buf_sink_t sink = { bench_out, sizeof bench_out, 0 };

    if (herald_render(herald_str(bench_title_tmpl), bench_vars, bench_nvars, HERALD_RENDER_RAW, bench_title,
                      sizeof bench_title, NULL) != HERALD_OK ||
        herald_request_write(&n, herald_buf_sink, &sink) != HERALD_OK) {
        return -1;
    }
    bench_out_len = sink.len;
    return 0;
}

__attribute__((noinline)) int bench_cjson(void)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *tmpl = cJSON_AddObjectToObject(root, "template");
    cJSON *vars, *targets;
    char *text;
    size_t len;
    int rc = -1;

    if (snprintf(bench_title, sizeof bench_title, "%s", bench_title_tmpl) >= (int)sizeof bench_title) {
        cJSON_Delete(root);
        return -1;
    }
    cJSON_AddStringToObject(tmpl, "key", bench_key);
    vars = cJSON_AddObjectToObject(tmpl, "variables");
    for (size_t i = 0; i < bench_nvars; i++) {
        cJSON_AddStringToObject(vars, bench_vars[i].name, bench_vars[i].value);
    }
    targets = cJSON_AddArrayToObject(root, "targets");
    cJSON_AddItemToArray(targets, cJSON_CreateString(bench_target));
    cJSON_AddStringToObject(root, "mode", "realtime");
    cJSON_AddStringToObject(root, "title", bench_title);
    text = cJSON_PrintUnformatted(root);
    if (text && (len = strlen(text)) < sizeof bench_out) {
        memcpy(bench_out, text, len);
        bench_out_len = len;
        rc = 0;
    }
    cJSON_free(text);
    cJSON_Delete(root);
    return rc;
}

__attribute__((noinline)) int bench_memcpy(void)
{
    memcpy(bench_title, ref_title, ref_title_len + 1u);
    memcpy(bench_out, ref_body, ref_body_len);
    bench_out_len = ref_body_len;
    return 0;
}

static int run_once(int (*fn)(void), char *body, size_t *body_len, char *title)
{
    memset(bench_out, 0, sizeof bench_out);
    memset(bench_title, 0, sizeof bench_title);
    if (fn() != 0) {
        return -1;
    }
    memcpy(body, bench_out, bench_out_len);
    *body_len = bench_out_len;
    memcpy(title, bench_title, sizeof bench_title);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(void);
    } ways[] = { { "herald", bench_herald }, { "cjson", bench_cjson }, { "memcpy", bench_memcpy } };
    static char body[3][1024], title[3][128];
    size_t body_len[3];

    if (argc < 2) {
        fprintf(stderr, "usage: herald-bench-encode herald|cjson|memcpy ITERATIONS | check | body\n");
        return 2;
    }
    /* Every way needs the reference bytes (the floor copies them). */
    if (bench_herald() != 0) {
        fprintf(stderr, "herald-bench-encode: herald encoding failed\n");
        return 1;
    }
    memcpy(ref_body, bench_out, bench_out_len);
    ref_body_len = bench_out_len;
    ref_title_len = strlen(bench_title);
    memcpy(ref_title, bench_title, ref_title_len + 1u);

    if (!strcmp(argv[1], "body")) {
        return fwrite(ref_body, 1, ref_body_len, stdout) == ref_body_len ? 0 : 1;
    }
    if (!strcmp(argv[1], "check")) {
        int same = 1;
        for (size_t i = 0; i < 3; i++) {
            if (run_once(ways[i].fn, body[i], &body_len[i], title[i]) != 0) {
                fprintf(stderr, "herald-bench-encode: %s failed\n", ways[i].name);
                return 1;
            }
            same &= body_len[i] == body_len[0] && !memcmp(body[i], body[0], body_len[0]) &&
                    !strcmp(title[i], title[0]);
        }
        printf("{\"body_len\":%zu,\"title_len\":%zu,\"identical\":%s}\n", ref_body_len, ref_title_len,
               same ? "true" : "false");
        return same ? 0 : 1;
    }
    for (size_t i = 0; i < 3; i++) {
        if (!strcmp(argv[1], ways[i].name) && argc == 3) {
            long iters = atol(argv[2]);
            for (long k = 0; k < iters; k++) {
                if (ways[i].fn() != 0) {
                    fprintf(stderr, "herald-bench-encode: %s failed\n", ways[i].name);
                    return 1;
                }
            }
            return 0;
        }
    }
    fprintf(stderr, "herald-bench-encode: unknown way or missing ITERATIONS: %s\n", argv[1]);
    return 2;
}
