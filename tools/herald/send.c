/* SPDX-License-Identifier: Apache-2.0 */
/* `herald send`: check, queue and deliver one notification over TLS with the
 * same agent core the firmware runs, then print the platform's answer. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "herald/request.h"
#include "herald/response.h"
#include "herald_posix.h"
#include "herald_tls.h"
#include "cli.h"

/* Mbed TLS's static heap: a full handshake peaks well under this. */
/* Large enough for the system CA bundle (~500 KB parsed) when --ca is not given. */
static uint8_t tls_heap[1024 * 1024];
static uint8_t queue_buf[64 * 1024];
static herald_agent_t agent;

typedef struct {
    int done;
    herald_outcome_t outcome;
    herald_send_result_t result;
    herald_platform_error_t error;
    int have_error;
} send_state_t;

static void on_result(void *ctx, const herald_outcome_t *o)
{
    send_state_t *s = ctx;
    s->done = 1;
    s->outcome = *o;
    if (o->result) {
        s->result = *o->result;
    }
    if (o->error) {
        s->error = *o->error;
        s->have_error = 1;
    }
}

static herald_status_t stdout_sink(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    return fwrite(data, 1, len, stdout) == len ? HERALD_OK : HERALD_E_NET;
}

static void print_platform_error(herald_status_t st, const send_state_t *s)
{
    fprintf(stderr, "herald: refused by the platform: %s (%s)", herald_status_name(st), herald_status_str(st));
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

int cli_send(const cli_opts_t *o, herald_tcache_t *cache)
{
    herald_notification_t n;
    herald_mode_t mode = HERALD_MODE_REALTIME;
    herald_posix_net_t tcp;
    herald_net_t tcp_net, tls_net;
    herald_tls_t tls;
    herald_tls_config_t tcfg;
    herald_rng_t rng = herald_posix_rng();
    herald_clock_t clock = herald_posix_clock();
    herald_log_t log = herald_posix_log();
    herald_ram_queue_t rq;
    herald_queue_t queue;
    herald_config_t cfg;
    send_state_t s;
    herald_status_t st;
    char *ca;
    size_t ca_len = 0;
    uint64_t deadline;
    int rc;

    if (!o->template_key && !o->template_id) {
        fprintf(stderr, "herald: send needs --template KEY (or --template-id ID)\n");
        return EXIT_USAGE;
    }
    if (o->mode && herald_mode_parse(o->mode, &mode) != HERALD_OK) {
        cli_fail("refused locally", HERALD_E_MODE_INVALID);
        return EXIT_REFUSED_LOCAL;
    }
    if (!o->app_id || !o->api_key) {
        fprintf(stderr, "herald: send needs --app-id and --api-key (or HERALD_APP_ID, HERALD_API_KEY)\n");
        return EXIT_USAGE;
    }
    if (!o->base_url && !o->region) {
        fprintf(stderr, "herald: send needs --region us|eu|in or --base-url https://host[:port]\n");
        return EXIT_USAGE;
    }
    memset(&n, 0, sizeof n);
    n.template_key = o->template_key;
    n.template_id = o->template_id;
    n.vars = o->vars;
    n.nvars = o->nvars;
    n.targets = o->targets;
    n.ntargets = o->ntargets;
    n.mode = mode;
    n.title = o->title;
    n.tag = o->tag;

    memset(&s, 0, sizeof s);
    herald_ram_queue_init(&rq, queue_buf, sizeof queue_buf, &queue);
    herald_posix_net_init(&tcp, &tcp_net);
    memset(&cfg, 0, sizeof cfg);
    cfg.app_id = o->app_id;
    cfg.api_key = o->api_key;
    cfg.region = o->region;
    cfg.base_url = o->base_url;
    cfg.transport = &tls_net;
    cfg.rng = &rng;
    cfg.log = getenv("HERALD_DEBUG") ? &log : NULL;
    cfg.clock = &clock;
    cfg.templates = cache;
    cfg.queue = &queue;
    cfg.on_result = on_result;
    cfg.result_ctx = &s;
    cfg.max_attempts = o->wait_s > 0 ? 0 : 1;
    /* The agent is initialised before TLS so a bad URL or credential is a
     * usage error without touching certificates or the network. */
    memset(&tls_net, 0, sizeof tls_net);
    st = herald_init(&agent, &cfg);
    if (st == HERALD_E_URL_INVALID || st == HERALD_E_INVALID_ARG) {
        cli_fail("bad configuration (app id, api key, region or base URL)", st);
        return EXIT_USAGE;
    }
    st = herald_notify(&agent, &n, NULL);
    if (st != HERALD_OK) {
        cli_fail("refused locally", st);
        return EXIT_REFUSED_LOCAL;
    }

    if (o->ca) {
        if (!(ca = cli_read_file(o->ca, &ca_len))) {
            return EXIT_USAGE;
        }
    } else if (!(ca = cli_read_file("/etc/ssl/certs/ca-certificates.crt", &ca_len))) {
        fprintf(stderr, "herald: no CA: give --ca FILE or HERALD_CA\n");
        return EXIT_USAGE;
    }
    if (herald_tls_platform_init(tls_heap, sizeof tls_heap, &rng, NULL) != HERALD_OK) {
        free(ca);
        cli_fail("could not deliver", HERALD_E_TLS);
        return EXIT_UNDELIVERED;
    }
    memset(&tcfg, 0, sizeof tcfg);
    tcfg.ca_pem = ca;
    tcfg.ca_pem_len = ca_len + 1;
    tcfg.min_version = HERALD_TLS_1_2;
    tcfg.max_version = HERALD_TLS_1_3;
    rc = herald_tls_init(&tls, &tcfg, &tcp_net, &tls_net);
    free(ca);
    if (rc != HERALD_OK) {
        cli_fail("could not load the CA", (herald_status_t)rc);
        return EXIT_USAGE;
    }

    deadline = clock.monotonic_ms(NULL) + (uint64_t)(o->wait_s * 1000.0);
    for (;;) {
        uint64_t now = clock.monotonic_ms(NULL);
        uint32_t next = herald_poll(&agent, now);
        struct pollfd pfd;
        int timeout;
        if (s.done) {
            break;
        }
        if (agent.state == HERALD_ST_IDLE && (now >= deadline || next == 0xFFFFFFFFu)) {
            break; /* waiting for a retry that --wait does not cover */
        }
        timeout = next > 50u ? 50 : (int)next;
        if (agent.state == HERALD_ST_IDLE && now + (uint64_t)timeout > deadline) {
            timeout = (int)(deadline - now);
        }
        pfd.fd = herald_posix_net_fd(&tcp);
        pfd.events = (short)(agent.state == HERALD_ST_RECEIVING ? POLLIN : (POLLIN | POLLOUT));
        if (pfd.fd >= 0 && agent.state != HERALD_ST_IDLE) {
            (void)poll(&pfd, 1, timeout > 0 ? timeout : 1);
        } else if (timeout > 0) {
            (void)poll(NULL, 0, timeout);
        }
    }
    herald_close(&agent);
    herald_tls_free(&tls);

    st = s.done ? s.outcome.status : herald_last_status(&agent);
    if (s.done && st == HERALD_OK) {
        herald_result_write_json(&s.result, stdout_sink, NULL);
        fputc('\n', stdout);
        return fflush(stdout) == 0 ? EXIT_DELIVERED : EXIT_INTERNAL;
    }
    if (st <= HERALD_E_PLATFORM_BAD_REQUEST && st >= HERALD_E_PLATFORM_UNKNOWN &&
        st != HERALD_E_PLATFORM_SERVER && st != HERALD_E_PLATFORM_RATE_LIMITED) {
        print_platform_error(st, &s);
        return EXIT_REFUSED_PLATFORM;
    }
    if (st == HERALD_E_TLS_VERIFY) {
        fprintf(stderr, "herald: could not deliver: %s (%s: %s)\n", herald_status_name(st), herald_status_str(st),
                herald_tls_verify_reason(&tls));
        return EXIT_UNDELIVERED;
    }
    if (st == HERALD_E_PLATFORM_SERVER || st == HERALD_E_PLATFORM_RATE_LIMITED) {
        print_platform_error(st, &s);
        return EXIT_UNDELIVERED;
    }
    cli_fail("could not deliver", st == HERALD_OK ? HERALD_E_TIMEOUT : st);
    return EXIT_UNDELIVERED;
}
