/* SPDX-License-Identifier: Apache-2.0 */
/* `herald sync`: refresh a template cache from the platform (the paged list,
 * keeping the newer copy of each by updatedAt) and save it as a template
 * image, as a gateway does before it goes offline. */
#include <stdio.h>
#include <string.h>
#include "session.h"

static uint8_t queue_buf[1024];
static cli_session_t session;

static int synced(void *ctx)
{
    cli_session_t *s = ctx;
    return herald_idle(&s->agent); /* nothing queued: idle means the sync is over */
}

static herald_status_t file_sink(void *ctx, const char *data, size_t len)
{
    return fwrite(data, 1, len, (FILE *)ctx) == len ? HERALD_OK : HERALD_E_FLASH;
}

/* Write to a temporary file and rename, so a crash never leaves half an image. */
static int save_image(const herald_tcache_t *cache, const char *path)
{
    char tmp[4096];
    FILE *f;
    herald_status_t st;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (!(f = fopen(tmp, "wb"))) {
        perror(tmp);
        return -1;
    }
    st = herald_timage_write(cache, file_sink, f);
    if (fclose(f) != 0 || st != HERALD_OK || rename(tmp, path) != 0) {
        fprintf(stderr, "herald: cannot write %s\n", path);
        remove(tmp);
        return -1;
    }
    return 0;
}

int cli_sync(const cli_opts_t *o, herald_tcache_t *cache)
{
    cli_session_t *s = &session;
    herald_sync_stats_t ss;
    herald_ram_queue_t rq;
    herald_queue_t queue;
    double wait = o->wait_given ? o->wait_s : 30.0;
    int rc;

    if (!o->out) {
        fprintf(stderr, "herald: sync needs --out FILE (the template image to write)\n");
        return EXIT_USAGE;
    }
    herald_ram_queue_init(&rq, queue_buf, sizeof queue_buf, &queue);
    rc = cli_session_init(s, o, &queue, cache, 1);
    if (rc == 0) {
        rc = cli_session_connectable(s, o);
    }
    if (rc != 0) {
        return rc;
    }
    herald_sync_templates(&s->agent, NULL);
    cli_session_run(s, synced, s, s->clock.monotonic_ms(NULL) + (uint64_t)(wait * 1000.0));
    cli_session_close(s);
    herald_sync_stats(&s->agent, &ss);
    if (!synced(s) || ss.failures != 0u || ss.refreshes == 0u) {
        herald_status_t st = herald_last_status(&s->agent);
        cli_fail("template sync failed", st == HERALD_OK ? HERALD_E_RESPONSE_INVALID : st);
        return EXIT_UNDELIVERED;
    }
    if (save_image(cache, o->out) != 0) {
        return EXIT_INTERNAL;
    }
    printf("synced %zu templates (%u updated) into %s\n", herald_tcache_count(cache), (unsigned)ss.updated,
           o->out);
    return EXIT_DELIVERED;
}
