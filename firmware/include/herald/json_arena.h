/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON arena: the memory that cJSON builds a parsed document in (a
 * platform answer, a template page), so parsing never touches the heap.  The
 * caller owns it: the agent holds one, a tool that loads templates holds its
 * own.  A bump allocator over HERALD_JSON_ARENA_SIZE bytes: each parse starts
 * it afresh, so the tree of one parse is valid until the next parse on the
 * same arena (trees on other arenas are not touched).
 *
 * cJSON's allocator is process-wide (cJSON_InitHooks), so Herald points it at
 * the arena for the length of one parse only and then sets cJSON's defaults
 * back (cJSON_InitHooks(NULL)) before returning.  An application that uses
 * cJSON itself with the default allocator has nothing to set up or undo; one
 * that installs hooks of its own installs them again after a Herald call that
 * parses JSON (herald_tjson_load/_merge, herald_response_read, and the
 * agent's step while it reads an answer).  One parse at a time per process:
 * the hooks are not reentrant. */
#ifndef HERALD_JSON_ARENA_PUBLIC_H
#define HERALD_JSON_ARENA_PUBLIC_H

#include <stddef.h>
#include <stdint.h>
#include "herald/config.h"

typedef struct {
    /* Internal: read only through the functions below. */
    uint64_t words_[(HERALD_JSON_ARENA_SIZE + 7u) / 8u]; /* 8-byte aligned blocks */
    size_t used_;
    size_t limit_; /* below a copy of the text, when one is kept */
    size_t peak_;
    int exhausted_;
} herald_json_arena_t;

/* Prepare an arena (any storage: static, in a struct, on a large stack).  An
 * arena that is all zero bytes (static storage) is ready without it. */
void herald_json_arena_init(herald_json_arena_t *a);

/* The highest use of this arena since init, for sizing HERALD_JSON_ARENA_SIZE. */
size_t herald_json_arena_peak(const herald_json_arena_t *a);

#endif
