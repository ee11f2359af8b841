/* SPDX-License-Identifier: Apache-2.0 */
/* cJSON on a caller's arena (herald/json_arena.h), private to the firmware. */
#ifndef HERALD_JSON_ARENA_H
#define HERALD_JSON_ARENA_H

#include <stddef.h>
#include "cJSON.h"
#include "herald/json_arena.h"

/* Parse len bytes (need not be NUL-terminated) into a tree on arena a,
 * which starts afresh: every tree of a's previous parse becomes invalid.
 * NULL on bad JSON or when the arena ran out; *exhausted (may be NULL)
 * tells the two apart. */
cJSON *herald_json_parse(herald_json_arena_t *a, const char *json, size_t len, int *exhausted);

/* The same for a text herald_json_check passed, with the flags it set: the
 * text is not scanned again for numbers longer than cJSON reads. */
cJSON *herald_json_parse_checked(herald_json_arena_t *a, const char *json, size_t len, unsigned flags,
                                 int *exhausted);

/* How deeply arrays and objects nest in json[0..len) (0 for a scalar),
 * strings skipped: tells a document cJSON refused for its nesting limit
 * (CJSON_NESTING_LIMIT) from one it refused for its syntax.  Only without
 * the strict check (HERALD_JSON_STRICT 0), which finds depth itself. */
size_t herald_json_depth(const char *json, size_t len);

#endif
