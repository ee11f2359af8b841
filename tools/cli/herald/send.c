/* SPDX-License-Identifier: Apache-2.0 */
/* `herald send`: check, queue and deliver one notification over TLS with the
 * same agent core the firmware runs, then print the platform's answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "herald/request.h"
#include "herald/response.h"
#include "session.h"

/* The RAM queue of one send: sized for the notification it holds (a batch
 * of 10,000 targets encodes to up to 1.3 MB); freed by cli_send. */
static uint8_t *queue_buf;
static cli_session_t session;

static int one_outcome(void *ctx)
{
    return ((cli_session_t *)ctx)->outcomes > 0u;
}

int cli_build_notification(const cli_opts_t *o, herald_notification_t *n)
{
    herald_mode_t mode = HERALD_MODE_REALTIME;
    if (!o->template_key && !o->template_id) {
        fprintf(stderr, "herald: send needs --template KEY (or --template-id ID)\n");
        return EXIT_USAGE;
    }
    if (o->mode && herald_mode_parse(o->mode, &mode) != HERALD_OK) {
        cli_fail("refused locally", HERALD_E_MODE_INVALID);
        return EXIT_REFUSED_LOCAL;
    }
    memset(n, 0, sizeof *n);
    n->template_key = o->template_key;
    n->template_id = o->template_id;
    n->vars = o->vars;
    n->nvars = o->nvars;
    n->push_data = o->push_data;
    n->npush_data = o->npush_data;
    n->targets = o->targets;
    n->ntargets = o->ntargets;
    n->mode = mode;
    n->title = o->title;
    n->tag = o->tag;
    return 0;
}

static int send_one(const cli_opts_t *o, herald_tcache_t *cache)
{
    cli_session_t *s = &session;
    herald_notification_t n;
    herald_ram_queue_t rq;
    herald_queue_t queue;
    herald_status_t st;
    int rc;

    rc = cli_build_notification(o, &n);
    if (rc != 0) {
        return rc;
    }
    /* Count the body first (as herald_notify does for Content-Length); a
     * notification that cannot be counted is refused by herald_notify below. */
    size_t body_len = 0, need;
    (void)herald_request_length(&n, &body_len);
    need = herald_ram_queue_need(body_len);
    if (need == 0u || !(queue_buf = malloc(need))) {
        cli_fail("refused locally", HERALD_E_NOSPACE);
        return EXIT_REFUSED_LOCAL;
    }
    herald_ram_queue_init(&rq, queue_buf, need, &queue);
    /* The agent is set up before TLS so a bad URL or credential is a usage
     * error without touching certificates or the network. */
    rc = cli_session_init(s, o, &queue, cache, o->wait_s > 0 ? 0 : 1);
    if (rc != 0) {
        return rc;
    }
    st = herald_notify(&s->agent, &n, NULL);
    if (st != HERALD_OK) {
        cli_fail("refused locally", st);
        return EXIT_REFUSED_LOCAL;
    }
    rc = cli_session_connectable(s, o);
    if (rc != 0) {
        return rc;
    }
    cli_session_run(s, one_outcome, s, s->clock.monotonic_ms(NULL) + (uint64_t)(o->wait_s * 1000.0));
    cli_session_close(s);

    st = s->outcomes ? s->last.status : herald_last_status(&s->agent);
    if (s->outcomes && st == HERALD_OK) {
        return cli_print_result(&s->result);
    }
    return cli_session_failure(s, st);
}

int cli_send(const cli_opts_t *o, herald_tcache_t *cache)
{
    int rc = send_one(o, cache);
    free(queue_buf);
    queue_buf = NULL;
    return rc;
}
