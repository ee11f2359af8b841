/* SPDX-License-Identifier: Apache-2.0 */
/* cJSON bound to one static arena of HERALD_JSON_ARENA_SIZE bytes, so parsing
 * JSON never touches the heap.  A bump allocator: releasing is a no-op and the
 * whole arena is reset by the next herald_json_arena_begin().  One parse at a
 * time (the agent is single-threaded by design). */
#ifndef HERALD_JSON_ARENA_H
#define HERALD_JSON_ARENA_H

#include <stddef.h>
#include "cJSON.h"

/* Reset the arena and point cJSON's hooks at it.  Call before each parse;
 * every cJSON tree from the previous parse becomes invalid. */
void herald_json_arena_begin(void);

/* Parse len bytes (need not be NUL-terminated) into a tree on the arena.
 * NULL on bad JSON or when the arena ran out; *exhausted (may be NULL)
 * tells the two apart. */
cJSON *herald_json_parse(const char *json, size_t len, int *exhausted);

/* The same for a text herald_json_check passed, with the flags it set: the
 * text is not scanned again for numbers longer than cJSON reads. */
cJSON *herald_json_parse_checked(const char *json, size_t len, unsigned flags, int *exhausted);

/* How deeply arrays and objects nest in json[0..len) (0 for a scalar),
 * strings skipped: tells a document cJSON refused for its nesting limit
 * (CJSON_NESTING_LIMIT) from one it refused for its syntax.  Only without
 * the strict check (HERALD_JSON_STRICT 0), which finds depth itself. */
size_t herald_json_depth(const char *json, size_t len);

/* Highest arena use since start-up, for sizing HERALD_JSON_ARENA_SIZE. */
size_t herald_json_arena_peak(void);

#endif
