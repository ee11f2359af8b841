/* SPDX-License-Identifier: Apache-2.0 */
/* A notification as the application raises it, and its check against the
 * template schema.  Nothing here allocates or copies. */
#ifndef HERALD_NOTIFICATION_H
#define HERALD_NOTIFICATION_H

#include "herald/config.h"
#include "herald/types.h"
#include "herald/template.h"

typedef enum {
    HERALD_MODE_REALTIME = 0,  /* exactly one target, delivered at once */
    HERALD_MODE_BATCH = 1      /* 1..10,000 targets, queued by the platform */
} herald_mode_t;

/* "realtime" or "batch".  HERALD_E_MODE_INVALID otherwise. */
herald_status_t herald_mode_parse(const char *s, herald_mode_t *out);
const char *herald_mode_str(herald_mode_t m);   /* NULL for a bad value */

/* One variable.  value_len 0 means value is NUL-terminated; give the length
 * explicitly to pass bytes that may hold a NUL (which the check refuses). */
typedef struct {
    const char *name;
    const char *value;
    size_t value_len;
} herald_var_t;

/* Length of a variable's value, resolving value_len 0 with strlen. */
size_t herald_var_len(const herald_var_t *v);

typedef struct {
    const char *template_key;      /* slug; NULL when template_id is used */
    const char *template_id;       /* platform id; NULL when key is used */
    const herald_var_t *vars;
    size_t nvars;
    const char *const *targets;    /* user ids */
    size_t ntargets;
    herald_mode_t mode;
    const char *title;             /* optional: NULL for none */
    const char *tag;               /* optional: NULL for none */
} herald_notification_t;

/* Checks that need no template: key or id given (not both missing), mode
 * valid, target count for the mode (realtime 1, batch
 * 1..HERALD_BATCH_MAX_TARGETS), each target non-empty, valid UTF-8 and at
 * most HERALD_TARGET_MAX_LEN, title and tag valid UTF-8 and at most
 * HERALD_TEXT_MAX_LEN, every variable value valid UTF-8 without NUL and at
 * most HERALD_VAR_MAX_LEN, no variable named twice.
 * Statuses: HERALD_E_INVALID_ARG (NULL, or neither key nor id),
 * HERALD_E_MODE_INVALID, HERALD_E_TARGET_LIMIT, HERALD_E_TARGET_INVALID,
 * HERALD_E_TEXT_INVALID, HERALD_E_VAR_INVALID, HERALD_E_VAR_TOO_LONG,
 * HERALD_E_VAR_DUPLICATE. */
herald_status_t herald_check_shape(const herald_notification_t *n);

/* herald_check_shape, then against the cached template (found by key, else
 * by id): HERALD_E_TEMPLATE_UNKNOWN (not cached),
 * HERALD_E_TEMPLATE_NOT_APPROVED (draft or archived), HERALD_E_VAR_MISSING
 * (a declared variable not supplied), HERALD_E_VAR_UNDECLARED (a supplied
 * variable the schema does not declare).  On success *view (may be NULL)
 * receives the template. */
herald_status_t herald_check(herald_tcache_t *c, const herald_notification_t *n, herald_tview_t *view);

#endif
