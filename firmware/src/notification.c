/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "herald/notification.h"
#include "utf8.h"

herald_status_t herald_mode_parse(const char *s, herald_mode_t *out)
{
    herald_mode_t m;

    if (!s || !out) {
        return HERALD_E_INVALID_ARG;
    }
    if (strcmp(s, "realtime") == 0) {
        m = HERALD_MODE_REALTIME;
    } else if (strcmp(s, "batch") == 0) {
        m = HERALD_MODE_BATCH;
    } else {
        return HERALD_E_MODE_INVALID;
    }
    *out = m;
    return HERALD_OK;
}

const char *herald_mode_str(herald_mode_t m)
{
    switch (m) {
    case HERALD_MODE_REALTIME:
        return "realtime";
    case HERALD_MODE_BATCH:
        return "batch";
    }
    return NULL;
}

size_t herald_var_len(const herald_var_t *v)
{
    if (!v || !v->value) {
        return 0u;
    }
    return v->value_len ? v->value_len : strlen(v->value);
}

/* strlen that stops looking after max + 1 bytes, so an over-long string is
 * refused without walking all of it. */
static size_t bounded_len(const char *s, size_t max)
{
    size_t n = 0u;
    while (n <= max && s[n] != '\0') {
        n++;
    }
    return n;
}

/* A NUL-terminated string of 1..max bytes of valid UTF-8 (or 0..max when
 * empty_ok). */
static int text_ok(const char *s, size_t max, int empty_ok)
{
    size_t n = bounded_len(s, max);
    return n <= max && (n > 0u || empty_ok) && herald_utf8_valid(s, n);
}

const char *herald_target(const herald_notification_t *n, size_t i)
{
    if (n->targets) {
        return n->targets[i];
    }
    return n->target_at ? n->target_at(n->target_ctx, i) : NULL;
}

static herald_status_t check_targets(const herald_notification_t *n)
{
    size_t max = n->mode == HERALD_MODE_REALTIME ? 1u : (size_t)HERALD_BATCH_MAX_TARGETS;

    if (n->ntargets == 0u || n->ntargets > max) {
        return HERALD_E_TARGET_LIMIT;
    }
    if (!n->targets && !n->target_at) {
        return HERALD_E_INVALID_ARG;
    }
    for (size_t i = 0u; i < n->ntargets; i++) {
        const char *t = herald_target(n, i);
        if (!t || !text_ok(t, HERALD_TARGET_MAX_LEN, 0)) {
            return HERALD_E_TARGET_INVALID;
        }
    }
    return HERALD_OK;
}

static herald_status_t check_vars(const herald_var_t *vars, size_t nvars)
{
    if (nvars == 0u) {
        return HERALD_OK;
    }
    if (!vars) {
        return HERALD_E_INVALID_ARG;
    }
    /* No template declares more, and the bound keeps the duplicate check
     * below (quadratic over variables) small. */
    if (nvars > HERALD_MAX_VARS) {
        return HERALD_E_VAR_UNDECLARED;
    }
    for (size_t i = 0u; i < nvars; i++) {
        const herald_var_t *v = &vars[i];
        size_t len;

        if (!v->name || !v->value) {
            return HERALD_E_INVALID_ARG;
        }
        if (!text_ok(v->name, HERALD_NAME_MAX_LEN, 0)) {
            return HERALD_E_VAR_INVALID;
        }
        /* Bounded like the targets: an explicit length is checked before
         * any byte is read, a NUL-terminated value is not walked past it. */
        len = v->value_len ? v->value_len : bounded_len(v->value, HERALD_VAR_MAX_LEN);
        if (len > HERALD_VAR_MAX_LEN) {
            return HERALD_E_VAR_TOO_LONG;
        }
        if (!herald_utf8_valid(v->value, len)) {
            return HERALD_E_VAR_INVALID;
        }
        for (size_t j = 0u; j < i; j++) {
            if (strcmp(vars[j].name, v->name) == 0) {
                return HERALD_E_VAR_DUPLICATE;
            }
        }
    }
    return HERALD_OK;
}

/* Push data follows the variables' rules with its own limits and one status:
 * the platform passes it to the device untouched, so nothing here is
 * checked against the template. */
static herald_status_t check_push_data(const herald_var_t *kv, size_t n)
{
    if (n == 0u) {
        return HERALD_OK;
    }
    if (!kv) {
        return HERALD_E_INVALID_ARG;
    }
    if (n > HERALD_PUSH_DATA_MAX) {
        return HERALD_E_PUSH_DATA_INVALID;
    }
    for (size_t i = 0u; i < n; i++) {
        size_t len;

        if (!kv[i].name || !kv[i].value) {
            return HERALD_E_INVALID_ARG;
        }
        if (!text_ok(kv[i].name, HERALD_PUSH_KEY_MAX_LEN, 0)) {
            return HERALD_E_PUSH_DATA_INVALID;
        }
        len = kv[i].value_len ? kv[i].value_len : bounded_len(kv[i].value, HERALD_PUSH_VALUE_MAX_LEN);
        if (len > HERALD_PUSH_VALUE_MAX_LEN || !herald_utf8_valid(kv[i].value, len)) {
            return HERALD_E_PUSH_DATA_INVALID;
        }
        /* A repeated member name makes the JSON object ambiguous (RFC 8259
         * section 4): which value the platform keeps is anyone's guess. */
        for (size_t j = 0u; j < i; j++) {
            if (strcmp(kv[j].name, kv[i].name) == 0) {
                return HERALD_E_PUSH_DATA_INVALID;
            }
        }
    }
    return HERALD_OK;
}

static int is_set(const char *s)
{
    return s && s[0] != '\0';
}

/* The template reference: a key or an id (or both), each a short UTF-8 name. */
static herald_status_t check_template_ref(const herald_notification_t *n)
{
    int has_key = is_set(n->template_key);
    int has_id = is_set(n->template_id);

    if (!has_key && !has_id) {
        return HERALD_E_INVALID_ARG;
    }
    if ((has_key && !text_ok(n->template_key, HERALD_NAME_MAX_LEN, 0)) ||
        (has_id && !text_ok(n->template_id, HERALD_NAME_MAX_LEN, 0))) {
        return HERALD_E_INVALID_ARG;
    }
    return HERALD_OK;
}

static herald_status_t check_texts(const herald_notification_t *n)
{
    if ((n->title && !text_ok(n->title, HERALD_TEXT_MAX_LEN, 1)) ||
        (n->tag && !text_ok(n->tag, HERALD_TEXT_MAX_LEN, 1))) {
        return HERALD_E_TEXT_INVALID;
    }
    return HERALD_OK;
}

herald_status_t herald_check_shape(const herald_notification_t *n)
{
    herald_status_t st;

    if (!n) {
        return HERALD_E_INVALID_ARG;
    }
    st = check_template_ref(n);
    if (st == HERALD_OK && !herald_mode_str(n->mode)) {
        st = HERALD_E_MODE_INVALID;
    }
    if (st == HERALD_OK) {
        st = check_targets(n);
    }
    if (st == HERALD_OK) {
        st = check_texts(n);
    }
    if (st == HERALD_OK) {
        st = check_vars(n->vars, n->nvars);
    }
    if (st == HERALD_OK) {
        st = check_push_data(n->push_data, n->npush_data);
    }
    return st;
}

static int var_supplied(const herald_notification_t *n, herald_str_t name)
{
    for (size_t i = 0u; i < n->nvars; i++) {
        if (herald_str_eq(name, n->vars[i].name)) {
            return 1;
        }
    }
    return 0;
}

static int var_declared(const herald_tview_t *t, const char *name)
{
    herald_tvar_t tv;
    for (size_t i = 0u; i < t->nvars; i++) {
        if (herald_tview_var(t, i, &tv) == HERALD_OK && herald_str_eq(tv.name, name)) {
            return 1;
        }
    }
    return 0;
}

/* Every declared variable supplied, every supplied one declared. */
static herald_status_t check_schema_vars(const herald_tview_t *t, const herald_notification_t *n)
{
    herald_tvar_t tv;

    for (size_t i = 0u; i < t->nvars; i++) {
        herald_status_t st = herald_tview_var(t, i, &tv);
        if (st != HERALD_OK) {
            return st;
        }
        if (!var_supplied(n, tv.name)) {
            return HERALD_E_VAR_MISSING;
        }
    }
    for (size_t i = 0u; i < n->nvars; i++) {
        if (!var_declared(t, n->vars[i].name)) {
            return HERALD_E_VAR_UNDECLARED;
        }
    }
    return HERALD_OK;
}

herald_status_t herald_check_schema(herald_tcache_t *c, const herald_notification_t *n, herald_tview_t *view)
{
    herald_tview_t t;
    herald_status_t st;

    if (!c || !n) {
        return HERALD_E_INVALID_ARG;
    }
    if (is_set(n->template_key)) {
        st = herald_tcache_find(c, herald_str(n->template_key), &t);
    } else {
        st = herald_tcache_find_id(c, herald_str(n->template_id), &t);
    }
    if (st == HERALD_OK && t.status != HERALD_TSTATUS_APPROVED) {
        st = HERALD_E_TEMPLATE_NOT_APPROVED;
    }
    if (st == HERALD_OK) {
        st = check_schema_vars(&t, n);
    }
    if (st == HERALD_OK && view) {
        *view = t;
    }
    return st;
}

herald_status_t herald_check(herald_tcache_t *c, const herald_notification_t *n, herald_tview_t *view)
{
    herald_status_t st;

    if (!c) {
        return HERALD_E_INVALID_ARG;
    }
    st = herald_check_shape(n);
    return st == HERALD_OK ? herald_check_schema(c, n, view) : st;
}
