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

/* "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" to unix seconds. */
static int prv_parse_time(herald_str_t t, int64_t *out)
{
    static const uint8_t mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    const char *s = t.ptr;
    size_t n = t.len;
    size_t i = 19;
    int y;
    int mo;
    int d;
    int h;
    int mi;
    int sec;
    int oh = 0;
    int om = 0;
    int sign = 0;
    if (n < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
        !prv_digits(s, 4, &y) || !prv_digits(s + 5, 2, &mo) || !prv_digits(s + 8, 2, &d) ||
        !prv_digits(s + 11, 2, &h) || !prv_digits(s + 14, 2, &mi) || !prv_digits(s + 17, 2, &sec)) {
        return 0;
    }
    if (s[i] == '.') {
        size_t start = i + 1u; /* the first digit of the fraction */
        i = start;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
        if (i == start) {
            return 0;
        }
    }
    if (i + 1u == n && s[i] == 'Z') {
        sign = 0;
    } else if (i + 6u == n && (s[i] == '+' || s[i] == '-') && s[i + 3u] == ':' &&
               prv_digits(s + i + 1u, 2, &oh) && prv_digits(s + i + 4u, 2, &om) && oh < 24 && om < 60) {
        sign = 1;
        if (s[i] == '-') {
            sign = -1;
        }
    } else {
        return 0;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
        (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) ||
        h > 23 || mi > 59 || sec > 60) {
        return 0;
    }
    *out = prv_days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + sec -
           (int64_t)sign * ((int64_t)oh * 3600 + (int64_t)om * 60);
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
    cJSON_ArrayForEach(v, schema) {
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
    if (prv_opt_object(o, "variableSchema", &schema) < 0 ||
        prv_vars(schema, t, vars) != HERALD_OK) {
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

static herald_status_t prv_load(herald_tcache_t *c, const char *json, size_t len, int mode, size_t *loaded,
                                size_t *seen)
{
    const cJSON *root;
    const cJSON *doc;
    int exhausted = 0;
    size_t n = 0;
    herald_status_t st;
    if (loaded != NULL) {
        *loaded = 0;
    }
    if (c == NULL || json == NULL) {
        return HERALD_E_INVALID_ARG;
    }
    root = herald_json_parse(json, len, &exhausted);
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

herald_status_t herald_tjson_load(herald_tcache_t *c, const char *json, size_t len, size_t *loaded)
{
    return prv_load(c, json, len, PRV_INSERT, loaded, NULL);
}

herald_status_t herald_tjson_merge(herald_tcache_t *c, const char *json, size_t len, size_t *updated, size_t *seen)
{
    if (seen != NULL) {
        *seen = 0;
    }
    return prv_load(c, json, len, PRV_MERGE, updated, seen);
}
