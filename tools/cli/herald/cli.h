/* SPDX-License-Identifier: Apache-2.0 */
/* Shared pieces of the herald CLI. */
#ifndef HERALD_CLI_H
#define HERALD_CLI_H

#include <stddef.h>
#include "herald/herald.h"

/* Exit codes: each failure class has its own, so scripts can tell them apart. */
enum {
    EXIT_DELIVERED = 0,
    EXIT_INTERNAL = 1,
    EXIT_USAGE = 2,
    EXIT_REFUSED_LOCAL = 3,
    EXIT_REFUSED_PLATFORM = 4,
    EXIT_UNDELIVERED = 5,
    EXIT_QUEUED = 6,
    EXIT_ACCEPTED_UNREADABLE = 7, /* the platform took it (2xx); its answer could not be read */
    EXIT_QUEUE_FILE = 8           /* --queue FILE is not a Herald queue, or is of another geometry */
};

#define CLI_MAX_VARS 64
#define CLI_MAX_PUSH_DATA 64 /* the largest HERALD_PUSH_DATA_MAX a build may set */

/* The longest --wait, in seconds (a day): enough for any retry schedule a
 * cron job or a boot script wants, and far inside what the millisecond
 * deadline arithmetic can hold. */
#define CLI_WAIT_MAX_S 86400

/* The longest API key --api-key-file reads. */
#define CLI_KEY_FILE_MAX 4096u

typedef struct {
    const char *app_id, *api_key, *region, *base_url, *ca, *templates;
    const char *template_key, *template_id, *mode, *title, *tag, *queue, *out;
    const char **targets;
    size_t ntargets;
    herald_var_t vars[CLI_MAX_VARS];
    size_t nvars;
    herald_var_t push_data[CLI_MAX_PUSH_DATA]; /* --push-data KEY=VALUE, keys strndup'd */
    size_t npush_data;
    double wait_s;
    int wait_given;
    const char *api_key_file;
    char *key_from_file; /* malloc'd; wiped and freed at exit */
    int strict_order;    /* --strict-order: a failing head is never moved */
} cli_opts_t;

/* Read a whole file; NULL (and a message on stderr) on failure. */
char *cli_read_file(const char *path, size_t *len);

/* Load template JSON or a template image (by its magic) into c. */
int cli_load_templates(herald_tcache_t *c, const char *path);

/* One line on stderr: "herald: <what>: <STATUS> (<text>)". */
void cli_fail(const char *what, herald_status_t st);

/* A notification from the options.  0, or an exit code after printing why. */
int cli_build_notification(const cli_opts_t *o, herald_notification_t *n);

/* The commands; each returns an exit code. */
int cli_send(const cli_opts_t *o, herald_tcache_t *cache);
int cli_sync(const cli_opts_t *o, herald_tcache_t *cache);
int cli_send_queued(const cli_opts_t *o, herald_tcache_t *cache);
int cli_drain(const cli_opts_t *o);
int cli_queue_list(const cli_opts_t *o);
int cli_stats(const cli_opts_t *o);

#endif
