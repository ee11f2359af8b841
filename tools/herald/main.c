/* SPDX-License-Identifier: Apache-2.0 */
/* herald: the command-line agent for Linux gateways.
 *   herald send --template KEY --target USER ... [--var NAME=VALUE]...
 *   herald render --templates FILE --template KEY [--var NAME=VALUE]...
 * The API key comes from --api-key or HERALD_API_KEY and is never printed. */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "herald/render.h"
#include "herald_posix.h"
#include "cli.h"

static const char USAGE[] =
    "usage:\n"
    "  herald send --template KEY --target USER [--target USER]... [--var NAME=VALUE]...\n"
    "              [--mode realtime|batch] [--title TEXT] [--tag TEXT]\n"
    "              [--app-id ID] [--api-key KEY] [--region us|eu|in | --base-url URL]\n"
    "              [--ca FILE] [--templates FILE] [--queue FILE] [--wait SECONDS]\n"
    "  herald render --templates FILE --template KEY [--var NAME=VALUE]...\n"
    "  herald sync [--templates FILE] --out FILE [connection options]\n"
    "  herald drain --queue FILE [--wait SECONDS] [--strict-order] [connection options]\n"
    "  herald queue --queue FILE\n"
    "  herald stats --queue FILE\n"
    "  herald --help\n"
    "\n"
    "environment: HERALD_APP_ID, HERALD_API_KEY, HERALD_REGION, HERALD_BASE_URL, HERALD_CA\n"
    "--templates (template JSON or image) turns on the local schema check.\n"
    "--wait: keep retrying transient failures for up to SECONDS (default: one attempt).\n"
    "sync: refresh the templates from the platform (keeping the newer of each by\n"
    "      updatedAt) and write them as a template image to --out.\n"
    "--queue: the notification is first written to the persistent queue in FILE\n"
    "      (a flash image, locked while in use), then delivered with retries for\n"
    "      up to --wait; what is left is delivered by a later send or drain.\n"
    "      A notification that keeps failing (e.g. a 5xx for it alone) moves behind\n"
    "      the others after 3 tries; --strict-order keeps the queue in order instead.\n"
    "exit: 0 delivered, 2 usage, 3 refused locally, 4 refused by the platform,\n"
    "      5 could not deliver (network or TLS), 6 still queued, 7 accepted by the\n"
    "      platform but its answer could not be read (do not resend), 8 --queue FILE\n"
    "      is not a Herald queue, 1 internal error\n";

static uint8_t arena[HERALD_TCACHE_ARENA_SIZE];
static herald_tcache_t cache;

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "herald: %s%s%s\n%s", msg, arg ? ": " : "", arg ? arg : "", USAGE);
    return EXIT_USAGE;
}

void cli_fail(const char *what, herald_status_t st)
{
    fprintf(stderr, "herald: %s: %s (%s)\n", what, herald_status_name(st), herald_status_str(st));
}

char *cli_read_file(const char *path, size_t *len)
{
    char *buf = herald_posix_read_file(path, len);
    if (!buf) {
        fprintf(stderr, "herald: cannot read %s: %s\n", path, errno ? strerror(errno) : "read error");
    }
    return buf;
}

int cli_load_templates(herald_tcache_t *c, const char *path)
{
    size_t len = 0, loaded = 0;
    char *buf = cli_read_file(path, &len);
    herald_status_t st;
    if (!buf) {
        return -1;
    }
    if (len >= 4 && memcmp(buf, "HTPL", 4) == 0) {
        st = herald_timage_load(c, (const uint8_t *)buf, len, &loaded);
    } else {
        st = herald_tjson_load(c, buf, len, &loaded);
    }
    free(buf);
    if (st != HERALD_OK) {
        fprintf(stderr, "herald: templates %s: %s (%s)\n", path, herald_status_name(st), herald_status_str(st));
        return -1;
    }
    return 0;
}

static int parse_args(int argc, char **argv, cli_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->app_id = getenv("HERALD_APP_ID");
    o->api_key = getenv("HERALD_API_KEY");
    o->region = getenv("HERALD_REGION");
    o->base_url = getenv("HERALD_BASE_URL");
    o->ca = getenv("HERALD_CA");
    o->targets = calloc((size_t)argc, sizeof *o->targets);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = (i + 1 < argc) ? argv[i + 1] : NULL;
        const char **slot = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(USAGE, stdout);
            exit(EXIT_DELIVERED);
        }
        if (strcmp(a, "--strict-order") == 0) {
            o->strict_order = 1;
            continue;
        }
        if (strcmp(a, "--template") == 0) slot = &o->template_key;
        else if (strcmp(a, "--template-id") == 0) slot = &o->template_id;
        else if (strcmp(a, "--mode") == 0) slot = &o->mode;
        else if (strcmp(a, "--title") == 0) slot = &o->title;
        else if (strcmp(a, "--tag") == 0) slot = &o->tag;
        else if (strcmp(a, "--app-id") == 0) slot = &o->app_id;
        else if (strcmp(a, "--api-key") == 0) slot = &o->api_key;
        else if (strcmp(a, "--region") == 0) slot = &o->region;
        else if (strcmp(a, "--base-url") == 0) slot = &o->base_url;
        else if (strcmp(a, "--ca") == 0) slot = &o->ca;
        else if (strcmp(a, "--templates") == 0) slot = &o->templates;
        else if (strcmp(a, "--queue") == 0) slot = &o->queue;
        else if (strcmp(a, "--out") == 0) slot = &o->out;
        else if (strcmp(a, "--target") != 0 && strcmp(a, "--var") != 0 && strcmp(a, "--wait") != 0) {
            return usage_error("unknown option", a);
        }
        if (!v) {
            return usage_error("option needs a value", a);
        }
        i++;
        if (slot) {
            *slot = v;
        } else if (strcmp(a, "--target") == 0) {
            o->targets[o->ntargets++] = v;
        } else if (strcmp(a, "--wait") == 0) {
            char *end;
            o->wait_s = strtod(v, &end);
            if (*end || o->wait_s < 0) {
                return usage_error("--wait takes seconds", v);
            }
            o->wait_given = 1;
        } else {
            const char *eq = strchr(v, '=');
            if (!eq || eq == v) {
                return usage_error("--var takes NAME=VALUE", NULL);
            }
            if (o->nvars == CLI_MAX_VARS) {
                return usage_error("too many --var options", NULL);
            }
            char *name = strndup(v, (size_t)(eq - v));
            o->vars[o->nvars].name = name;
            o->vars[o->nvars].value = eq + 1;
            o->vars[o->nvars].value_len = 0;
            o->nvars++;
        }
    }
    return 0;
}

static int cmd_render(const cli_opts_t *o)
{
    herald_tview_t v;
    herald_status_t st;
    static const char *label[2] = { "title", "body" };
    if (!o->templates || !o->template_key) {
        return usage_error("render needs --templates and --template", NULL);
    }
    if (cli_load_templates(&cache, o->templates) != 0) {
        return EXIT_USAGE;
    }
    st = herald_tcache_find(&cache, herald_str(o->template_key), &v);
    if (st != HERALD_OK) {
        cli_fail("render", st);
        return EXIT_REFUSED_LOCAL;
    }
    for (int i = 0; i < 2; i++) {
        herald_str_t t = i == 0 ? v.push_title : v.push_body;
        size_t need = 0;
        char *out;
        st = herald_render(t, o->vars, o->nvars, HERALD_RENDER_RAW, NULL, 0, &need);
        if (st != HERALD_OK && st != HERALD_E_NOSPACE) {
            cli_fail("render", st);
            return EXIT_REFUSED_LOCAL;
        }
        out = malloc(need + 1);
        st = herald_render(t, o->vars, o->nvars, HERALD_RENDER_RAW, out, need + 1, &need);
        if (st != HERALD_OK) {
            free(out);
            cli_fail("render", st);
            return EXIT_INTERNAL;
        }
        printf("%s: %s\n", label[i], out);
        free(out);
    }
    return EXIT_DELIVERED;
}

static int dispatch(const char *cmd, cli_opts_t *o)
{
    if (strcmp(cmd, "render") == 0) {
        return cmd_render(o);
    }
    if (strcmp(cmd, "send") == 0 || strcmp(cmd, "sync") == 0) {
        if (o->templates && cli_load_templates(&cache, o->templates) != 0) {
            return EXIT_USAGE;
        }
        if (cmd[1] == 'y') {
            return cli_sync(o, &cache); /* a sync may start from an empty cache */
        }
        if (o->queue) {
            return cli_send_queued(o, o->templates ? &cache : NULL);
        }
        return cli_send(o, o->templates ? &cache : NULL);
    }
    if (strcmp(cmd, "drain") == 0) {
        return cli_drain(o);
    }
    if (strcmp(cmd, "queue") == 0) {
        return cli_queue_list(o);
    }
    if (strcmp(cmd, "stats") == 0) {
        return cli_stats(o);
    }
    return usage_error("unknown command", cmd);
}

static void free_opts(cli_opts_t *o)
{
    for (size_t i = 0; i < o->nvars; i++) {
        free((char *)(uintptr_t)o->vars[i].name); /* strndup'd by parse_args */
    }
    free(o->targets);
}

int main(int argc, char **argv)
{
    cli_opts_t o;
    int rc;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        fputs(USAGE, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_DELIVERED;
    }
    herald_tcache_init(&cache, arena, sizeof arena);
    rc = parse_args(argc, argv, &o);
    if (rc == 0) {
        rc = dispatch(argv[1], &o);
    }
    free_opts(&o);
    return rc;
}
