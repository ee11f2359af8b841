/* SPDX-License-Identifier: Apache-2.0 */
/* herald: the command-line agent for Linux gateways.
 *   herald send --template KEY --target USER ... [--var NAME=VALUE]... [--push-data KEY=VALUE]...
 *   herald render --templates FILE --template KEY [--var NAME=VALUE]...
 * The API key comes from --api-key, --api-key-file or HERALD_API_KEY and is
 * never printed; the process never dumps core, so a crash cannot write it
 * to disk either. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "herald/render.h"
#include "herald_posix.h"
#include "cli.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static const char USAGE[] =
    "usage:\n"
    "  herald send --template KEY --target USER [--target USER]... [--var NAME=VALUE]...\n"
    "              [--mode realtime|batch] [--title TEXT] [--tag TEXT]\n"
    "              [--push-data KEY=VALUE]...\n"
    "              [--app-id ID] [--api-key KEY | --api-key-file FILE]\n"
    "              [--region us|eu|in | --base-url URL]\n"
    "              [--ca FILE] [--templates FILE] [--queue FILE] [--wait SECONDS]\n"
    "  herald render --templates FILE --template KEY [--var NAME=VALUE]...\n"
    "  herald sync [--templates FILE] --out FILE [connection options]\n"
    "  herald drain --queue FILE [--wait SECONDS] [--strict-order] [connection options]\n"
    "  herald queue --queue FILE\n"
    "  herald stats --queue FILE\n"
    "  herald --help\n"
    "\n"
    "environment: HERALD_APP_ID, HERALD_API_KEY, HERALD_REGION, HERALD_BASE_URL, HERALD_CA;\n"
    "      an option given always wins over the environment (--region or --base-url\n"
    "      replaces both HERALD_REGION and HERALD_BASE_URL); the key: --api-key, else\n"
    "      --api-key-file (mode 600: readable by no one else), else HERALD_API_KEY.\n"
    "--templates (template JSON or image) turns on the local schema check.\n"
    "--push-data: a key/value for the push payload (template.notificationPushData);\n"
    "      repeat it for more, each key once.\n"
    "--wait: keep retrying transient failures for up to SECONDS, 0 to " STR(
        CLI_WAIT_MAX_S) "\n"
                        "      (default: one attempt).\n"
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
static size_t key_file_len; /* bytes of o->key_from_file to wipe */
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
    if (!buf && errno == EISDIR) {
        fprintf(stderr, "herald: cannot read %s: it is a directory; give a file\n", path);
    } else if (!buf && errno == EFBIG) {
        fprintf(stderr, "herald: cannot read %s: larger than %u MiB\n", path,
                (unsigned)(HERALD_POSIX_READ_MAX >> 20));
    } else if (!buf) {
        fprintf(stderr, "herald: cannot read %s: %s\n", path, errno ? strerror(errno) : "read error");
    }
    return buf;
}

int cli_load_templates(herald_tcache_t *c, const char *path)
{
    static herald_json_arena_t json_arena; /* zero bytes: ready */
    size_t len = 0, loaded = 0;
    char *buf = cli_read_file(path, &len);
    herald_status_t st;
    if (!buf) {
        return -1;
    }
    if (len >= 4 && memcmp(buf, "HTPL", 4) == 0) {
        st = herald_timage_load(c, (const uint8_t *)buf, len, &loaded);
    } else {
        st = herald_tjson_load(c, &json_arena, buf, len, &loaded);
    }
    free(buf);
    if (st != HERALD_OK) {
        fprintf(stderr, "herald: templates %s: %s (%s)\n", path, herald_status_name(st),
                herald_status_str(st));
        return -1;
    }
    return 0;
}

/* One --push-data KEY=VALUE.  The value may hold '=' (a URL's query, say):
 * only the first one splits.  A repeated key is left to herald_notify,
 * which refuses it as it refuses a repeated --var. */
static int add_push_data(cli_opts_t *o, const char *kv)
{
    const char *eq = kv ? strchr(kv, '=') : NULL;
    if (!eq || eq == kv) {
        return usage_error("--push-data takes KEY=VALUE", kv);
    }
    if (o->npush_data == CLI_MAX_PUSH_DATA) {
        return usage_error("too many --push-data options", NULL);
    }
    o->push_data[o->npush_data].name = strndup(kv, (size_t)(eq - kv));
    o->push_data[o->npush_data].value = eq + 1;
    o->push_data[o->npush_data].value_len = 0;
    o->npush_data++;
    return 0;
}

/* --wait SECONDS: a finite number from 0 to CLI_WAIT_MAX_S, nothing after it
 * (strtod alone takes "nan", "inf" and 1e17, whose conversion to a
 * millisecond deadline is undefined). */
static int parse_wait(const char *v, double *out)
{
    char *end;
    double d;
    /* a plain decimal number: strtod would also take " 5", "+5", hex and
     * "inf"; an underflow to (almost) zero is a fine wait, an overflow not */
    if (v[0] == '\0' || strspn(v, "0123456789.eE-") != strlen(v) || strchr("0123456789.", v[0]) == NULL) {
        return -1;
    }
    errno = 0;
    d = strtod(v, &end);
    if (end == v || *end || (errno == ERANGE && d > 1.0) || !isfinite(d) || d < 0.0 ||
        d > (double)CLI_WAIT_MAX_S) {
        return -1;
    }
    *out = d;
    return 0;
}

/* The key from --api-key-file: the whole file less one trailing newline.  A
 * file others may read is refused (the key would not be a secret), and so
 * is an empty key.  The key itself is never printed. */
static int read_key_file(cli_opts_t *o)
{
    const char *path = o->api_key_file;
    struct stat st;
    size_t len = 0;
    char *key;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "herald: cannot read --api-key-file %s: %s\n", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return EXIT_USAGE;
    }
    if (S_ISDIR(st.st_mode)) {
        fprintf(stderr, "herald: --api-key-file %s is a directory; give the file that holds the key\n", path);
        close(fd);
        return EXIT_USAGE;
    }
    /* Others must neither read it nor write another key into it, and it
     * must be the user's own (a root herald taking nobody's file would
     * take a key that nobody may change). */
    if ((st.st_mode & (S_IRGRP | S_IROTH | S_IWGRP | S_IWOTH)) ||
        (S_ISREG(st.st_mode) && st.st_uid != geteuid())) {
        fprintf(stderr,
                "herald: --api-key-file %s is not private (mode %03o, owner %u): an API key must be "
                "the user's own, readable and writable by no one else; run: chown %u %s && chmod 600 %s\n",
                path, (unsigned)(st.st_mode & 0777u), (unsigned)st.st_uid, (unsigned)geteuid(), path, path);
        close(fd);
        return EXIT_USAGE;
    }
    key = herald_posix_read_fd(fd, CLI_KEY_FILE_MAX + 2u, &len); /* the key and its line end */
    close(fd);
    key_file_len = len;
    if (!key) {
        fprintf(stderr, "herald: cannot read --api-key-file %s: %s\n", path,
                errno == EFBIG ? "longer than an API key can be" : strerror(errno));
        return EXIT_USAGE;
    }
    if (len > 0 && key[len - 1] == '\n') {
        key[--len] = '\0';
        if (len > 0 && key[len - 1] == '\r') {
            key[--len] = '\0';
        }
    }
    o->key_from_file = key;
    if (len == 0) {
        fprintf(stderr, "herald: --api-key-file %s holds no key\n", path);
        return EXIT_USAGE;
    }
    if (len > CLI_KEY_FILE_MAX) {
        fprintf(stderr, "herald: cannot read --api-key-file %s: longer than an API key can be\n", path);
        return EXIT_USAGE;
    }
    /* A NUL would end the key early, unseen by herald_init; a line break
     * inside herald_init refuses.  Neither is ever printed. */
    if (memchr(key, '\0', len) != NULL) {
        fprintf(stderr, "herald: --api-key-file %s holds a NUL byte: not an API key\n", path);
        return EXIT_USAGE;
    }
    o->api_key = key;
    return 0;
}

/* Options first, then the environment for what no option gave: an option
 * given always wins.  --region and --base-url name one thing (where to
 * send), so either of them replaces both HERALD_REGION and HERALD_BASE_URL. */
static int apply_environment(cli_opts_t *o)
{
    if (o->region && o->base_url) {
        return usage_error("give --region or --base-url, not both", NULL);
    }
    if (!o->region && !o->base_url) {
        o->region = getenv("HERALD_REGION");
        o->base_url = getenv("HERALD_BASE_URL");
        if (o->region && *o->region && o->base_url && *o->base_url) {
            /* which one was meant cannot be told: neither is guessed */
            return usage_error("HERALD_REGION and HERALD_BASE_URL are both set: unset one, or give "
                               "--region or --base-url",
                               NULL);
        }
    }
    if (!o->app_id) {
        o->app_id = getenv("HERALD_APP_ID");
    }
    if (!o->ca) {
        o->ca = getenv("HERALD_CA");
    }
    if (o->api_key && o->api_key_file) {
        return usage_error("give --api-key or --api-key-file, not both", NULL);
    }
    if (!o->api_key && o->api_key_file) {
        return read_key_file(o);
    }
    if (!o->api_key) {
        o->api_key = getenv("HERALD_API_KEY");
    }
    return 0;
}

static int parse_args(int argc, char **argv, cli_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->targets = calloc((size_t)argc, sizeof *o->targets);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = (i + 1 < argc) ? argv[i + 1] : NULL;
        const char **slot = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(USAGE, stdout);
            exit(EXIT_DELIVERED);
        }
        if (strcmp(a, "--push-data") == 0) {
            int rc = v ? add_push_data(o, v) : usage_error("option needs a value", a);
            if (rc != 0) {
                return rc;
            }
            i++;
            continue;
        }
        if (strcmp(a, "--strict-order") == 0) {
            o->strict_order = 1;
            continue;
        }
        if (strcmp(a, "--template") == 0)
            slot = &o->template_key;
        else if (strcmp(a, "--template-id") == 0)
            slot = &o->template_id;
        else if (strcmp(a, "--mode") == 0)
            slot = &o->mode;
        else if (strcmp(a, "--title") == 0)
            slot = &o->title;
        else if (strcmp(a, "--tag") == 0)
            slot = &o->tag;
        else if (strcmp(a, "--app-id") == 0)
            slot = &o->app_id;
        else if (strcmp(a, "--api-key") == 0)
            slot = &o->api_key;
        else if (strcmp(a, "--api-key-file") == 0)
            slot = &o->api_key_file;
        else if (strcmp(a, "--region") == 0)
            slot = &o->region;
        else if (strcmp(a, "--base-url") == 0)
            slot = &o->base_url;
        else if (strcmp(a, "--ca") == 0)
            slot = &o->ca;
        else if (strcmp(a, "--templates") == 0)
            slot = &o->templates;
        else if (strcmp(a, "--queue") == 0)
            slot = &o->queue;
        else if (strcmp(a, "--out") == 0)
            slot = &o->out;
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
            if (parse_wait(v, &o->wait_s) != 0) {
                return usage_error("--wait takes seconds, from 0 to " STR(CLI_WAIT_MAX_S), v);
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
    return apply_environment(o);
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
    for (size_t i = 0; i < o->npush_data; i++) {
        free((char *)(uintptr_t)o->push_data[i].name); /* strndup'd by add_push_data */
    }
    free(o->targets);
    if (o->key_from_file) {
        explicit_bzero(o->key_from_file, key_file_len); /* a memset before free may be optimised away */
        free(o->key_from_file);
    }
}

/* The API key lives in this process's memory (and maybe argv or the
 * environment): a core dump would write it to disk.  No core, and no
 * ptrace attach by other processes of the same user. */
static void no_core_dumps(void)
{
    struct rlimit none = { 0, 0 };
    (void)setrlimit(RLIMIT_CORE, &none);
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int main(int argc, char **argv)
{
    cli_opts_t o;
    int rc;
    no_core_dumps();
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
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
