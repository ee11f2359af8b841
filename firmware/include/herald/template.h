/* SPDX-License-Identifier: Apache-2.0 */
/* The template cache: the platform's templates (key, id, status, variable
 * schema, push title and body) packed into a fixed arena, looked up by key
 * through a sorted hash index (O(log n)), least recently used evicted first.
 * No heap; the arena and the cache struct belong to the caller. */
#ifndef HERALD_TEMPLATE_H
#define HERALD_TEMPLATE_H

#include "herald/config.h"
#include "herald/json_arena.h"
#include "herald/types.h"

typedef enum {
    HERALD_TSTATUS_DRAFT = 0,
    HERALD_TSTATUS_APPROVED = 1,
    HERALD_TSTATUS_ARCHIVED = 2
} herald_tstatus_t;

typedef enum { HERALD_VTYPE_STRING = 0, HERALD_VTYPE_IMAGE = 1, HERALD_VTYPE_ACTION = 2 } herald_vtype_t;

typedef struct {
    herald_str_t name;
    herald_vtype_t type;
} herald_tvar_t;

/* A template handed to the cache; the cache copies every byte. */
typedef struct {
    herald_str_t key; /* slug, e.g. "order-confirmation"; required */
    herald_str_t id;  /* platform id; may be empty */
    herald_tstatus_t status;
    int64_t updated_at; /* unix seconds from updatedAt; 0 when unknown */
    const herald_tvar_t *vars;
    size_t nvars;
    herald_str_t push_title; /* may contain {{var}} placeholders */
    herald_str_t push_body;
} herald_template_t;

/* A read-only view of a cached template.  Valid until the next put, remove
 * or load on the same cache. */
typedef struct {
    herald_str_t key;
    herald_str_t id;
    herald_tstatus_t status;
    int64_t updated_at;
    size_t nvars;
    herald_str_t push_title;
    herald_str_t push_body;
    const uint8_t *vars_; /* packed variable table: use herald_tview_var() */
} herald_tview_t;

typedef struct {
    uint32_t hash;      /* FNV-1a of the key; index sorted by it */
    uint16_t offset;    /* entry's offset in the arena */
    uint16_t size;      /* entry's packed size */
    uint32_t last_used; /* LRU stamp */
} herald_tindex_t;

typedef struct {
    uint8_t *arena;
    size_t arena_size;
    size_t used; /* bytes of the arena in use, packed from 0 */
    size_t count;
    uint32_t clock; /* LRU clock, bumped on every find and put */
    uint32_t evictions;
    herald_tindex_t index[HERALD_TCACHE_MAX_TEMPLATES];
} herald_tcache_t;

/* Prepare an empty cache over arena (arena_size 1..65535 bytes).
 * HERALD_E_INVALID_ARG: NULL pointers or size out of range. */
herald_status_t herald_tcache_init(herald_tcache_t *c, void *arena, size_t arena_size);

/* Insert or replace (same key) a template, evicting least recently used
 * templates (c->evictions counts them) until it fits in both the arena and
 * the index.  t's strings must not point into this cache's own arena.
 * HERALD_E_INVALID_ARG: NULL pointers, empty key, key, id or variable name
 * longer than HERALD_NAME_MAX_LEN, more than HERALD_MAX_VARS variables, an
 * empty or repeated variable name, status or type out of range.
 * HERALD_E_CACHE_FULL: the template is larger than the whole arena (the
 * cache is left unchanged). */
herald_status_t herald_tcache_put(herald_tcache_t *c, const herald_template_t *t);

/* Look a template up by key and mark it recently used; out may be NULL.
 * HERALD_E_TEMPLATE_UNKNOWN: not cached.  HERALD_E_INVALID_ARG: c NULL. */
herald_status_t herald_tcache_find(herald_tcache_t *c, herald_str_t key, herald_tview_t *out);

/* Look a template up by platform id (linear; ids are the rare path) and
 * mark it recently used; out may be NULL.
 * HERALD_E_TEMPLATE_UNKNOWN: no template has that id (an empty id never
 * matches).  HERALD_E_INVALID_ARG: c NULL. */
herald_status_t herald_tcache_find_id(herald_tcache_t *c, herald_str_t id, herald_tview_t *out);

/* Remove by key.  HERALD_E_TEMPLATE_UNKNOWN: not cached.
 * HERALD_E_INVALID_ARG: c NULL. */
herald_status_t herald_tcache_remove(herald_tcache_t *c, herald_str_t key);

/* Number of cached templates, and the i-th in index order (for iteration,
 * does not touch LRU).  HERALD_E_INVALID_ARG: i out of range. */
size_t herald_tcache_count(const herald_tcache_t *c);
herald_status_t herald_tcache_at(const herald_tcache_t *c, size_t i, herald_tview_t *out);

/* The i-th declared variable of a view.  HERALD_E_INVALID_ARG: i >= nvars. */
herald_status_t herald_tview_var(const herald_tview_t *v, size_t i, herald_tvar_t *out);

/* Load the platform's template JSON: one template object, an array of them,
 * or either wrapped as {"data": ...} (a paged list; other top-level members
 * are ignored).  Per template: "key", else "templateId", is the key; "id"
 * optional; "status" draft|approved|archived required; "variableSchema"
 * optional {name: {"type": string|image|action}}; push text at
 * content.push.{title,body} or push.{title,body}, optional; "updatedAt"
 * optional ISO-8601 (Z or +hh:mm).  A null member counts as absent.
 * Templates are added to what the cache holds (same key replaces; a document
 * larger than the cache evicts as put does).  All or nothing: if any
 * template is malformed nothing is inserted.  cJSON runs on the caller's
 * arena (herald/json_arena.h; what it held before is lost).  *loaded (may be NULL)
 * receives the number inserted (0 on error).
 * HERALD_E_JSON_PARSE: not JSON.  HERALD_E_JSON_SHAPE: a field missing, of
 * the wrong type or value, or one put would refuse (e.g. a key too long).
 * HERALD_E_NOSPACE: the JSON arena is too small.  HERALD_E_CACHE_FULL: a
 * template is larger than the whole cache arena.  HERALD_E_INVALID_ARG: NULL
 * c, arena or json. */
herald_status_t herald_tjson_load(herald_tcache_t *c, herald_json_arena_t *arena, const char *json,
                                  size_t len, size_t *loaded);

/* As herald_tjson_load, for a sync from the platform: a template the cache
 * already holds is replaced only when the document's updatedAt is newer.
 * *updated (may be NULL) receives how many went in, *seen (may be NULL) how
 * many the document held (a full page means there may be another). */
herald_status_t herald_tjson_merge(herald_tcache_t *c, herald_json_arena_t *arena, const char *json,
                                   size_t len, size_t *updated, size_t *seen);

/* The compact binary image: magic "HTPL", version, count, payload length,
 * CRC-32 of the payload, then the packed templates.  Written from a cache
 * through a sink (write: any sink error is returned unchanged); loaded from a
 * flat buffer (e.g. memory-mapped flash; bytes after the payload are ignored)
 * without parsing JSON, added to what the cache holds like herald_tjson_load.
 * A bad image loads nothing.  *loaded (may be NULL) gets the count, 0 on error.
 * HERALD_E_IMAGE_MAGIC / _VERSION / _TRUNCATED / _CORRUPT say why (a record
 * this build cannot hold, e.g. more than HERALD_MAX_VARS variables, counts as
 * corrupt).  HERALD_E_CACHE_FULL: a template is larger than the whole arena.
 * HERALD_E_INVALID_ARG: NULL c, sink or img. */
#define HERALD_TIMAGE_VERSION 1u
herald_status_t herald_timage_write(const herald_tcache_t *c, herald_sink_fn sink, void *ctx);
herald_status_t herald_timage_load(herald_tcache_t *c, const uint8_t *img, size_t len, size_t *loaded);

#endif
