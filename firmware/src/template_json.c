/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "herald/template.h"
#include "json_arena.h"
#include "template_priv.h"

/* An optional member: absent or null reads as missing (0), a string as 1,
 * anything else is a shape error (-1). */
static int prv_opt_string(const cJSON *obj, const char *name, herald_str_t *out)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
    out->ptr = "";
    out->len = 0u;
    if (it == NULL || cJSON_IsNull(it)) {
        return 0;
    }
    if (!cJSON_IsString(it) || it->valuestring == NULL) {
        return -1;
    }
    *out = herald_str(it->valuestring);
    return 1;
}

/* An optional member that must be an object when present. */
static int prv_opt_object(const cJSON *obj, const char *name, const cJSON **out)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
    *out = NULL;
    if (it == NULL || cJSON_IsNull(it)) {
        return 0;
    }
    if (!cJSON_IsObject(it)) {
        return -1;
    }
    *out = it;
    return 1;
}

static int prv_digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), so no libc time functions are needed. */
static int64_t prv_days_from_civil(int64_t y, int64_t m, int64_t d)
{
    int64_t era;
    int64_t yoe;
    int64_t doy;
    int64_t doe;
    y -= m <= 2 ? 1 : 0;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The fields of "YYYY-MM-DDTHH:MM:SS", by position. */
enum { T_YEAR, T_MONTH, T_DAY, T_HOUR, T_MIN, T_SEC, T_FIELDS };

/* Each separator at its place and digits between: v[] gets the fields. */
static int prv_fields(const char *s, int v[T_FIELDS])
{
    static const struct {
        uint8_t at;
        char sep;
    } SEPS[] = { { 4u, '-' }, { 7u, '-' }, { 10u, 'T' }, { 13u, ':' }, { 16u, ':' } };
    static const struct {
        uint8_t at;
        uint8_t len;
    } FIELDS[T_FIELDS] = { { 0u, 4u }, { 5u, 2u }, { 8u, 2u }, { 11u, 2u }, { 14u, 2u }, { 17u, 2u } };
    for (size_t k = 0u; k < sizeof SEPS / sizeof SEPS[0]; k++) {
        if (s[SEPS[k].at] != SEPS[k].sep) {
            return 0;
        }
    }
    for (size_t k = 0u; k < (size_t)T_FIELDS; k++) {
        if (!prv_digits(s + FIELDS[k].at, FIELDS[k].len, &v[k])) {
            return 0;
        }
    }
    return 1;
}

static int prv_leap(int y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* A real date and a time of day (a leap second allowed). */
static int prv_in_range(const int v[T_FIELDS])
{
    static const uint8_t mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int mo = v[T_MONTH];
    int d = v[T_DAY];
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1]) {
        return 0;
    }
    if (mo == 2 && d == 29 && !prv_leap(v[T_YEAR])) {
        return 0;
    }
    return v[T_HOUR] <= 23 && v[T_MIN] <= 59 && v[T_SEC] <= 60;
}

/* Past an optional ".digits" at s[i]; 0 when the dot has no digit after it. */
static size_t prv_fraction(const char *s, size_t n, size_t i)
{
    size_t start = i + 1u; /* the first digit of the fraction */
    if (s[i] != '.') {
        return i;
    }
    i = start;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        i++;
    }
    return i == start ? 0u : i;
}

/* The zone z[0..n): "Z" or "+HH:MM" / "-HH:MM", as seconds east of UTC. */
static int prv_zone(const char *z, size_t n, int64_t *east)
{
    int oh = 0;
    int om = 0;
    if (n == 1u && z[0] == 'Z') {
        *east = 0;
        return 1;
    }
    if (n != 6u || (z[0] != '+' && z[0] != '-') || z[3] != ':' || !prv_digits(z + 1, 2, &oh) ||
        !prv_digits(z + 4, 2, &om) || oh >= 24 || om >= 60) {
        return 0;
    }
    *east = (z[0] == '-' ? -1 : 1) * ((int64_t)oh * 3600 + (int64_t)om * 60);
    return 1;
}

/* "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" to unix seconds. */
static int prv_parse_time(herald_str_t t, int64_t *out)
{
    int v[T_FIELDS];
    int64_t east = 0;
    size_t i;
    if (t.len < 20u || !prv_fields(t.ptr, v)) {
        return 0;
    }
    i = prv_fraction(t.ptr, t.len, 19u);
    if (i == 0u || !prv_zone(t.ptr + i, t.len - i, &east) || !prv_in_range(v)) {
        return 0;
    }
    *out = prv_days_from_civil(v[T_YEAR], v[T_MONTH], v[T_DAY]) * 86400 + (int64_t)v[T_HOUR] * 3600 +
           (int64_t)v[T_MIN] * 60 + v[T_SEC] - east;
    return 1;
}

static herald_status_t prv_status(herald_str_t s, herald_tstatus_t *out)
{
    if (herald_str_eq(s, "approved")) {
        *out = HERALD_TSTATUS_APPROVED;
    } else if (herald_str_eq(s, "draft")) {
        *out = HERALD_TSTATUS_DRAFT;
    } else if (herald_str_eq(s, "archived")) {
        *out = HERALD_TSTATUS_ARCHIVED;
    } else {
        return HERALD_E_JSON_SHAPE;
    }
    return HERALD_OK;
}

static herald_status_t prv_vars(const cJSON *schema, herald_template_t *t, herald_tvar_t *vars)
{
    const cJSON *v;
    t->vars = vars;
    t->nvars = 0;
    cJSON_ArrayForEach(v, schema)
    {
        herald_str_t type;
        if (t->nvars == HERALD_MAX_VARS || !cJSON_IsObject(v) || v->string == NULL ||
            prv_opt_string(v, "type", &type) != 1) {
            return HERALD_E_JSON_SHAPE;
        }
        vars[t->nvars].name = herald_str(v->string);
        if (herald_str_eq(type, "string")) {
            vars[t->nvars].type = HERALD_VTYPE_STRING;
        } else if (herald_str_eq(type, "image")) {
            vars[t->nvars].type = HERALD_VTYPE_IMAGE;
        } else if (herald_str_eq(type, "action")) {
            vars[t->nvars].type = HERALD_VTYPE_ACTION;
        } else {
            return HERALD_E_JSON_SHAPE;
        }
        t->nvars++;
    }
    return HERALD_OK;
}

/* Push content lives at content.push; a bare top-level "push" is accepted
 * too.  Either may be absent (a template for other channels only). */
static herald_status_t prv_push(const cJSON *o, herald_template_t *t)
{
    const cJSON *content;
    const cJSON *push = NULL;
    if (prv_opt_object(o, "content", &content) < 0 ||
        (content != NULL && prv_opt_object(content, "push", &push) < 0) ||
        (push == NULL && prv_opt_object(o, "push", &push) < 0) ||
        prv_opt_string(push, "title", &t->push_title) < 0 ||
        prv_opt_string(push, "body", &t->push_body) < 0) {
        return HERALD_E_JSON_SHAPE;
    }
    return HERALD_OK;
}

static herald_status_t prv_template(const cJSON *o, herald_template_t *t, herald_tvar_t *vars)
{
    herald_str_t s;
    const cJSON *schema;
    int r;
    (void)memset(t, 0, sizeof *t);
    if (!cJSON_IsObject(o)) {
        return HERALD_E_JSON_SHAPE;
    }
    r = prv_opt_string(o, "key", &t->key);
    if (r == 0) {
        r = prv_opt_string(o, "templateId", &t->key);
    }
    if (r != 1 || prv_opt_string(o, "id", &t->id) < 0 || prv_opt_string(o, "status", &s) != 1 ||
        prv_status(s, &t->status) != HERALD_OK) {
        return HERALD_E_JSON_SHAPE;
    }
    r = prv_opt_string(o, "updatedAt", &s);
    if (r < 0 || (r == 1 && !prv_parse_time(s, &t->updated_at))) {
        return HERALD_E_JSON_SHAPE;
    }
    if (prv_opt_object(o, "variableSchema", &schema) < 0 || prv_vars(schema, t, vars) != HERALD_OK) {
        return HERALD_E_JSON_SHAPE;
    }
    return prv_push(o, t);
}

enum { PRV_CHECK, PRV_INSERT, PRV_MERGE };

/* A template the cache holds is replaced by a merge only when newer. */
static int prv_newer(herald_tcache_t *c, const herald_template_t *t)
{
    herald_tview_t v;
    for (size_t i = 0u; i < herald_tcache_count(c); i++) {
        if (herald_tcache_at(c, i, &v) == HERALD_OK && v.key.len == t->key.len &&
            memcmp(v.key.ptr, t->key.ptr, t->key.len) == 0) {
            return t->updated_at > v.updated_at;
        }
    }
    return 1;
}

/* Check, insert, or merge (insert when newer) every template of the
 * document; *n counts those inserted (all of them when checking). */
static herald_status_t prv_each(herald_tcache_t *c, const cJSON *doc, int mode, size_t *n)
{
    herald_tvar_t vars[HERALD_MAX_VARS];
    herald_template_t t;
    const cJSON *o = cJSON_IsArray(doc) ? doc->child : doc;
    for (; o != NULL; o = cJSON_IsArray(doc) ? o->next : NULL) {
        herald_status_t st = prv_template(o, &t, vars);
        if (st == HERALD_OK && mode == PRV_MERGE && !prv_newer(c, &t)) {
            continue;
        }
        if (st == HERALD_OK) {
            st = mode != PRV_CHECK ? herald_tcache_put(c, &t) : herald_tcache_validate(c, &t, NULL);
        }
        if (st == HERALD_E_INVALID_ARG) {
            return HERALD_E_JSON_SHAPE; /* a field the cache refuses, e.g. a key too long */
        }
        if (st != HERALD_OK) {
            return st;
        }
        *n += 1u;
    }
    return HERALD_OK;
}

static herald_status_t prv_load(herald_tcache_t *c, herald_json_arena_t *arena, const char *json, size_t len,
                                int mode, size_t *loaded, size_t *seen)
{
    const cJSON *root;
    const cJSON *doc;
    int exhausted = 0;
    size_t n = 0;
    herald_status_t st;
    if (loaded != NULL) {
        *loaded = 0;
    }
    if (c == NULL || arena == NULL || json == NULL) {
        return HERALD_E_INVALID_ARG;
    }
    root = herald_json_parse(arena, json, len, &exhausted);
    if (root == NULL) {
        return exhausted ? HERALD_E_NOSPACE : HERALD_E_JSON_PARSE;
    }
    doc = root;
    if (cJSON_IsObject(root) && cJSON_GetObjectItemCaseSensitive(root, "data") != NULL) {
        doc = cJSON_GetObjectItemCaseSensitive(root, "data");
    }
    if (!cJSON_IsArray(doc) && !cJSON_IsObject(doc)) {
        return HERALD_E_JSON_SHAPE;
    }
    st = prv_each(c, doc, PRV_CHECK, &n);
    if (st != HERALD_OK) {
        return st;
    }
    if (seen != NULL) {
        *seen = n;
    }
    /* Cannot fail after the check pass; n counts what went in regardless. */
    n = 0;
    st = prv_each(c, doc, mode, &n);
    if (loaded != NULL) {
        *loaded = n;
    }
    return st;
}

herald_status_t herald_tjson_load(herald_tcache_t *c, herald_json_arena_t *arena, const char *json,
                                  size_t len, size_t *loaded)
{
    return prv_load(c, arena, json, len, PRV_INSERT, loaded, NULL);
}

herald_status_t herald_tjson_merge(herald_tcache_t *c, herald_json_arena_t *arena, const char *json,
                                   size_t len, size_t *updated, size_t *seen)
{
    if (seen != NULL) {
        *seen = 0;
    }
    return prv_load(c, arena, json, len, PRV_MERGE, updated, seen);
}
