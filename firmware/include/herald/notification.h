/* SPDX-License-Identifier: Apache-2.0 */
/* A notification as the application raises it, and its check against the
 * template schema.  Nothing here allocates or copies. */
#ifndef HERALD_NOTIFICATION_H
#define HERALD_NOTIFICATION_H

#include "herald/config.h"
#include "herald/types.h"
#include "herald/template.h"

typedef enum {
    HERALD_MODE_REALTIME = 0, /* exactly one target, delivered at once */
    HERALD_MODE_BATCH = 1     /* 1..10,000 targets, queued by the platform */
} herald_mode_t;

/* "realtime" or "batch".  HERALD_E_MODE_INVALID otherwise. */
herald_status_t herald_mode_parse(const char *s, herald_mode_t *out);
const char *herald_mode_str(herald_mode_t m); /* NULL for a bad value */

/* One variable.  value_len 0 means value is NUL-terminated; give the length
 * explicitly to pass bytes that may hold a NUL (which the check refuses). */
typedef struct {
    const char *name;
    const char *value;
    size_t value_len;
} herald_var_t;

/* Length of a variable's value, resolving value_len 0 with strlen (0 for a
 * NULL variable or value). */
size_t herald_var_len(const herald_var_t *v);

/* Targets by index, for batches too large to list in RAM at once: returns
 * the i-th user id (0 <= i < ntargets), NUL-terminated and valid until the
 * next call.  Called several times per target (check, length, write), so it
 * must give the same answer each time. */
typedef const char *(*herald_target_fn)(void *ctx, size_t i);

typedef struct {
    const char *template_key; /* slug; NULL when template_id is used */
    const char *template_id;  /* platform id; NULL when key is used */
    const herald_var_t *vars;
    size_t nvars;
    /* template.notificationPushData: extra key/values the platform adds to
     * the push payload (name is the key; value_len as for vars).  Optional:
     * with npush_data 0 the field is left out of the request. */
    const herald_var_t *push_data;
    size_t npush_data;
    const char *const *targets; /* user ids */
    size_t ntargets;
    herald_mode_t mode;
    const char *title;          /* optional: NULL for none */
    const char *tag;            /* optional: NULL for none */
    uint32_t expires_at;        /* unix seconds after which it must not be
                                      sent (reported HERALD_E_EXPIRED); 0: never */
    herald_target_fn target_at; /* used when targets is NULL */
    void *target_ctx;
    uint8_t priority; /* HERALD_PRIO_ROUTINE or HERALD_PRIO_ALERT */
} herald_notification_t;

#define HERALD_PRIO_ROUTINE 0u
#define HERALD_PRIO_ALERT 1u

/* The i-th target, from the array or the iterator; NULL when neither. */
const char *herald_target(const herald_notification_t *n, size_t i);

/* Checks that need no template, in this order: key or id given (a NULL or
 * empty string counts as not given; the key is used when both are), mode
 * valid, target count for the mode (realtime 1, batch
 * 1..HERALD_BATCH_MAX_TARGETS), each target non-empty, valid UTF-8 and at
 * most HERALD_TARGET_MAX_LEN, title and tag valid UTF-8 and at most
 * HERALD_TEXT_MAX_LEN (empty is allowed), at most HERALD_MAX_VARS variables,
 * every variable name 1..HERALD_NAME_MAX_LEN bytes of UTF-8, every value
 * valid UTF-8 without NUL and at most HERALD_VAR_MAX_LEN, no variable named
 * twice; then at most HERALD_PUSH_DATA_MAX push data entries, every key
 * 1..HERALD_PUSH_KEY_MAX_LEN bytes of UTF-8, every value valid UTF-8 without
 * NUL and at most HERALD_PUSH_VALUE_MAX_LEN (empty is allowed), no key given
 * twice.  Costs O(ntargets + nvars^2 + npush_data^2).
 * Statuses: HERALD_E_INVALID_ARG (NULL notification, NULL vars or targets
 * with a nonzero count, a NULL variable name or value, neither key nor id,
 * or a key or id that is not 1..HERALD_NAME_MAX_LEN bytes of UTF-8),
 * HERALD_E_MODE_INVALID, HERALD_E_TARGET_LIMIT, HERALD_E_TARGET_INVALID
 * (also a NULL target), HERALD_E_TEXT_INVALID, HERALD_E_VAR_UNDECLARED (more
 * than HERALD_MAX_VARS variables: no template declares that many),
 * HERALD_E_VAR_INVALID (bad value or name), HERALD_E_VAR_TOO_LONG,
 * HERALD_E_VAR_DUPLICATE, HERALD_E_PUSH_DATA_INVALID (any push data rule
 * above broken; HERALD_E_INVALID_ARG for NULL push_data with a nonzero count
 * or a NULL key or value). */
herald_status_t herald_check_shape(const herald_notification_t *n);

/* herald_check_shape, then against the cached template (found by key, else
 * by id), in this order: HERALD_E_TEMPLATE_UNKNOWN (not cached),
 * HERALD_E_TEMPLATE_NOT_APPROVED (draft or archived), HERALD_E_VAR_MISSING
 * (a declared variable not supplied), HERALD_E_VAR_UNDECLARED (a supplied
 * variable the schema does not declare).  HERALD_E_INVALID_ARG also for a
 * NULL cache.  On success *view (may be NULL) receives the template. */
herald_status_t herald_check(herald_tcache_t *c, const herald_notification_t *n, herald_tview_t *view);

/* The second half of herald_check alone, for a caller that has just run
 * herald_check_shape on n (the agent, which checks every notification's
 * shape and only some against a template), so nothing is checked twice.
 * Statuses as herald_check after its shape check; HERALD_E_INVALID_ARG for
 * a NULL cache or notification.  n must have passed herald_check_shape. */
herald_status_t herald_check_schema(herald_tcache_t *c, const herald_notification_t *n, herald_tview_t *view);

#endif
