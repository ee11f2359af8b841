/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "session.h"

/* Large enough for the system CA bundle (~500 KB parsed) when --ca is not given. */
static uint8_t tls_heap[1024 * 1024];

static void on_result(void *ctx, const herald_outcome_t *o)
{
    cli_session_t *s = ctx;
    s->outcomes++;
    s->last = *o;
    if (o->status == HERALD_OK || o->status == HERALD_E_ACCEPTED_UNREADABLE) {
        s->delivered++;
        s->result = *o->result;
        s->http_status = o->http_status;
    }
    s->have_error = o->error != NULL;
    if (o->error) {
        s->error = *o->error;
        if (o->error->cause != HERALD_OK) {
            /* e.g. a 5xx whose body exhausted the JSON arena: say so, not just "5xx" */
            fprintf(stderr, "herald: note: the platform's answer (HTTP %d) could not be read: %s (%s)\n",
                    o->error->http_status, herald_status_name(o->error->cause),
                    herald_status_str(o->error->cause));
        }
    }
    if (s->on_outcome) {
        s->on_outcome(s->outcome_ctx, o);
    }
}

static void on_rotate(void *ctx, uint32_t handle, uint32_t seq)
{
    cli_session_t *s = ctx;
    if (s->on_rotate) {
        s->on_rotate(s->outcome_ctx, handle, seq);
    }
}

int cli_session_init(cli_session_t *s, const cli_opts_t *o, herald_queue_t *queue, herald_tcache_t *cache,
                     uint16_t max_attempts)
{
    herald_config_t cfg;
    herald_status_t st;
    memset(s, 0, sizeof *s);
    if (!o->app_id || !o->api_key) {
        fprintf(stderr, "herald: needs --app-id and --api-key (or HERALD_APP_ID, HERALD_API_KEY)\n");
        return EXIT_USAGE;
    }
    if (!o->base_url && !o->region) {
        fprintf(stderr, "herald: needs --region us|eu|in or --base-url https://host[:port]\n");
        return EXIT_USAGE;
    }
    s->rng = herald_posix_rng();
    s->clock = herald_posix_clock();
    s->log = herald_posix_log();
    memset(&cfg, 0, sizeof cfg);
    cfg.app_id = o->app_id;
    cfg.api_key = o->api_key;
    cfg.region = o->region;
    cfg.base_url = o->base_url;
    cfg.transport = &s->net.tls_net; /* host_tls_open fills it in */
    cfg.rng = &s->rng;
    cfg.log = getenv("HERALD_DEBUG") ? &s->log : NULL;
    cfg.clock = &s->clock;
    cfg.templates = cache;
    cfg.queue = queue;
    cfg.on_result = on_result;
    cfg.result_ctx = s;
    cfg.max_attempts = max_attempts;
    cfg.rotate_after = o->strict_order ? HERALD_ROTATE_NEVER : 0u;
    cfg.on_rotate = on_rotate;
    st = herald_init(&s->agent, &cfg);
    if (st != HERALD_OK) {
        cli_fail("bad configuration (app id, api key, region or base URL)", st);
        return EXIT_USAGE;
    }
    return 0;
}

int cli_session_connectable(cli_session_t *s, const cli_opts_t *o)
{
    host_tls_config_t tcfg;
    size_t ca_len = 0;
    char *ca;
    herald_status_t st;
    if (o->ca) {
        if (!(ca = cli_read_file(o->ca, &ca_len))) {
            return EXIT_USAGE;
        }
    } else if (!(ca = cli_read_file("/etc/ssl/certs/ca-certificates.crt", &ca_len))) {
        fprintf(stderr, "herald: no CA: give --ca FILE or HERALD_CA\n");
        return EXIT_USAGE;
    }
    tcfg = (host_tls_config_t){ .heap = tls_heap,
                                .heap_len = sizeof tls_heap,
                                .rng = &s->rng,
                                .ca_pem = ca,
                                .ca_len = ca_len,
                                .min_version = HERALD_TLS_1_2,
                                .max_version = HERALD_TLS_1_3 };
    st = host_tls_open(&s->net, &tcfg);
    free(ca);
    if (st != HERALD_OK && !s->net.platform_up) {
        cli_fail("could not deliver", HERALD_E_TLS);
        return EXIT_UNDELIVERED;
    }
    if (st != HERALD_OK) {
        cli_fail("could not load the CA", st);
        return EXIT_USAGE;
    }
    return 0;
}

void cli_session_run(cli_session_t *s, int (*done)(void *ctx), void *ctx, uint64_t deadline_ms)
{
    herald_agent_t *a = &s->agent;
    for (;;) {
        uint64_t now = s->clock.monotonic_ms(NULL);
        uint32_t next = herald_poll(a, now);
        unsigned wants = herald_wants(a); /* 0: nothing in flight */
        if (done(ctx)) {
            break;
        }
        if (wants == 0u && (now >= deadline_ms || next == 0xFFFFFFFFu)) {
            break; /* waiting for a retry that the deadline does not cover */
        }
        if (wants == 0u && now + next > deadline_ms) {
            next = (uint32_t)(deadline_ms - now);
        }
        host_tls_wait(&s->net, a, next, 50u);
    }
}

static void print_platform_error(cli_session_t *s, herald_status_t st)
{
    fprintf(stderr, "herald: refused by the platform: %s (%s)", herald_status_name(st),
            herald_status_str(st));
    if (s->have_error) {
        fprintf(stderr, " http %d", s->error.http_status);
        if (s->error.code[0]) {
            fprintf(stderr, " %s", s->error.code);
        }
        if (s->error.message[0]) {
            fprintf(stderr, ": %s", s->error.message);
        }
        if (s->error.details[0] && strcmp(s->error.details, "{}") != 0) {
            fprintf(stderr, " details %s", s->error.details);
        }
    }
    fputc('\n', stderr);
}

static herald_status_t stdout_sink(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    return fwrite(data, 1, len, stdout) == len ? HERALD_OK : HERALD_E_NET;
}

int cli_print_result(const herald_send_result_t *r)
{
    if (r->truncated) {
        /* the line names them too ("truncated"); say it where a person looks */
        fprintf(stderr, "herald: note: the platform's answer had fields longer than herald keeps; "
                        "they are cut (see \"truncated\")\n");
    }
    if (herald_result_write_json(r, stdout_sink, NULL) != HERALD_OK || fputc('\n', stdout) == EOF) {
        return EXIT_INTERNAL;
    }
    return fflush(stdout) == 0 ? EXIT_DELIVERED : EXIT_INTERNAL;
}

void cli_print_unreadable(unsigned handle, int http_status, herald_status_t cause)
{
    fprintf(stderr,
            "herald: accepted: the platform took notification %u (HTTP %d) but its answer could not "
            "be read: %s (%s); it is delivered, do not send it again\n",
            handle, http_status, herald_status_name(cause), herald_status_str(cause));
}

int cli_session_failure(cli_session_t *s, herald_status_t st)
{
    if (st == HERALD_E_ACCEPTED_UNREADABLE) {
        cli_print_unreadable((unsigned)s->last.handle, s->http_status, s->last.detail);
        return EXIT_ACCEPTED_UNREADABLE;
    }
    if (st <= HERALD_E_PLATFORM_BAD_REQUEST && st >= HERALD_E_PLATFORM_UNKNOWN &&
        st != HERALD_E_PLATFORM_SERVER && st != HERALD_E_PLATFORM_RATE_LIMITED) {
        print_platform_error(s, st);
        return EXIT_REFUSED_PLATFORM;
    }
    if (st == HERALD_E_TLS_VERIFY && s->net.live) {
        fprintf(stderr, "herald: could not deliver: %s (%s: %s)\n", herald_status_name(st),
                herald_status_str(st), herald_tls_verify_reason(&s->net.tls));
        return EXIT_UNDELIVERED;
    }
    if (st == HERALD_E_PLATFORM_SERVER || st == HERALD_E_PLATFORM_RATE_LIMITED) {
        print_platform_error(s, st);
        return EXIT_UNDELIVERED;
    }
    cli_fail("could not deliver", st == HERALD_OK ? HERALD_E_TIMEOUT : st);
    return EXIT_UNDELIVERED;
}

void cli_session_close(cli_session_t *s)
{
    herald_close(&s->agent);
    host_tls_close(&s->net); /* the verify reason stays readable after this */
}
