/* SPDX-License-Identifier: Apache-2.0 */
/* Every option, its range and its default.  A board sets only what differs. */
#ifndef HERALD_CONFIG_DEFAULTS_H
#define HERALD_CONFIG_DEFAULTS_H

/* Bytes of the template cache arena (256..65535): packed templates live here. */
#ifndef HERALD_TCACHE_ARENA_SIZE
#define HERALD_TCACHE_ARENA_SIZE 4096
#endif

/* Templates the cache can index at once (1..255). */
#ifndef HERALD_TCACHE_MAX_TEMPLATES
#define HERALD_TCACHE_MAX_TEMPLATES 16
#endif

/* Variables one template may declare (1..64). */
#ifndef HERALD_MAX_VARS
#define HERALD_MAX_VARS 16
#endif

/* Longest variable value accepted, in bytes (1..65535). */
#ifndef HERALD_VAR_MAX_LEN
#define HERALD_VAR_MAX_LEN 256
#endif

/* Longest variable name, template key or id, in bytes (8..255). */
#ifndef HERALD_NAME_MAX_LEN
#define HERALD_NAME_MAX_LEN 64
#endif

/* Longest target user id, in bytes (8..255). */
#ifndef HERALD_TARGET_MAX_LEN
#define HERALD_TARGET_MAX_LEN 128
#endif

/* Longest title or tag, in bytes (8..1024). */
#ifndef HERALD_TEXT_MAX_LEN
#define HERALD_TEXT_MAX_LEN 256
#endif

/* Most targets in batch mode (1..10000; the platform allows 10000). */
#ifndef HERALD_BATCH_MAX_TARGETS
#define HERALD_BATCH_MAX_TARGETS 10000
#endif

/* Bytes of the arena cJSON allocates from while loading template JSON. */
#ifndef HERALD_JSON_ARENA_SIZE
#define HERALD_JSON_ARENA_SIZE 16384
#endif

/* Log through the hal log sink (1) or compile every log call away (0). */
#ifndef HERALD_ENABLE_LOG
#define HERALD_ENABLE_LOG 0
#endif

#endif
