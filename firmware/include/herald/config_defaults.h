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

/* Push data (template.notificationPushData): most entries per notification
 * (1..64), longest key (1..255) and longest value (1..4096), in bytes.  The
 * platform states no limit; these bound the check's cost and the body. */
#ifndef HERALD_PUSH_DATA_MAX
#define HERALD_PUSH_DATA_MAX 8
#endif
#ifndef HERALD_PUSH_KEY_MAX_LEN
#define HERALD_PUSH_KEY_MAX_LEN 64
#endif
#ifndef HERALD_PUSH_VALUE_MAX_LEN
#define HERALD_PUSH_VALUE_MAX_LEN 256
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

/* RFC 8259 exactly (1), or cJSON alone (0).  cJSON takes some invalid JSON
 * ("-01", "2.", raw tabs and line feeds in strings, NUL or form feed as
 * white space), recurses once per nesting level, up to 1000 deep, on the
 * board's stack, and refuses a valid number longer than 63 characters.  The
 * strict check refuses the former and caps the nesting at
 * HERALD_JSON_MAX_DEPTH; long numbers are read from a copy at the top of
 * the JSON arena in which they are written shorter with the same value.
 * Cost on the Cortex-M3 board (-Os): 1,001 bytes of flash for the check
 * (json_check.o) and 922 for the long numbers (json_arena.o), no RAM beyond
 * a few dozen bytes of stack.  On by default: the bytes are worth a reader
 * that neither misreads nor overflows its stack on a hostile answer, and
 * reads every document JSONTestSuite calls valid. */
#ifndef HERALD_JSON_STRICT
#define HERALD_JSON_STRICT 1
#endif
/* Deepest nesting of arrays and objects a response may have (4..256). */
#ifndef HERALD_JSON_MAX_DEPTH
#define HERALD_JSON_MAX_DEPTH 32
#endif

/* Longest host name of the platform's base URL (16..253). */
#ifndef HERALD_HOST_MAX_LEN
#define HERALD_HOST_MAX_LEN 128
#endif

/* Request-head buffer; the body is streamed through it too (256..4096). */
#ifndef HERALD_TX_HEAD_MAX
#define HERALD_TX_HEAD_MAX 512
#endif

/* Response status line + headers, and response body buffers (256..16384). */
#ifndef HERALD_HTTP_HDR_MAX
#define HERALD_HTTP_HDR_MAX 1024
#endif
#ifndef HERALD_HTTP_BODY_MAX
#define HERALD_HTTP_BODY_MAX 1024
#endif

/* Bytes read from the transport per step (64..4096). */
#ifndef HERALD_RX_CHUNK
#define HERALD_RX_CHUNK 256
#endif

/* Connect, send and response timeouts, each, in ms. */
#ifndef HERALD_TIMEOUT_MS
#define HERALD_TIMEOUT_MS 10000u
#endif

/* A whole request (connect, send, answer) in ms, however slowly the server
 * drips its answer: the per-step timeout restarts on every byte. */
#ifndef HERALD_REQUEST_MAX_MS
#define HERALD_REQUEST_MAX_MS 30000u
#endif

/* Full-jitter backoff: delay = random(0, min(cap, base * 2^n)). */
#ifndef HERALD_BACKOFF_BASE_MS
#define HERALD_BACKOFF_BASE_MS 500u
#endif
#ifndef HERALD_BACKOFF_CAP_MS
#define HERALD_BACKOFF_CAP_MS 60000u
#endif

/* Sends tried before a notification is reported failed; 0: no limit
 * (at-least-once: keep trying until it expires). */
#ifndef HERALD_MAX_ATTEMPTS
#define HERALD_MAX_ATTEMPTS 0u
#endif

/* Rate budget: requests per minute (0: none) and the burst the bucket
 * allows.  The platform's free plan allows 500/min, paid plans 10,000/min. */
#ifndef HERALD_RATE_PER_MIN
#define HERALD_RATE_PER_MIN 500u
#endif
#ifndef HERALD_RATE_BURST
#define HERALD_RATE_BURST 10u
#endif

/* Recent notifications remembered for coalescing (1..64). */
#ifndef HERALD_COALESCE_SLOTS
#define HERALD_COALESCE_SLOTS 8
#endif

/* Alerts sent in a row before one routine notification gets its turn. */
#ifndef HERALD_ALERT_RUN
#define HERALD_ALERT_RUN 4u
#endif

/* Consecutive transient failures of a queue head, while others wait behind
 * it, before it moves behind them (1..65534); a config's rotate_after of 0
 * takes this. */
#ifndef HERALD_ROTATE_AFTER
#define HERALD_ROTATE_AFTER 3u
#endif

/* Notifications that may be moved behind the others at once (1..64): each
 * keeps its handle and attempts in a slot while it waits.  With every slot
 * taken, a failing head keeps its place until one is free. */
#ifndef HERALD_ROTATE_SLOTS
#define HERALD_ROTATE_SLOTS 4
#endif

/* Templates asked for per page when syncing the list (1..100); each page
 * must fit HERALD_HTTP_BODY_MAX (a template is about 400-600 bytes). */
#ifndef HERALD_SYNC_PAGE_LIMIT
#define HERALD_SYNC_PAGE_LIMIT 1u
#endif

/* Status texts and names (about 4 KB of flash on a Cortex-M3): 1 keeps
 * them, 0 reduces herald_status_str/name to "ok" and a generic error. */
#ifndef HERALD_STATUS_TEXT
#define HERALD_STATUS_TEXT 1
#endif

/* Template sync from the platform (1), or none (0): a device that loads a
 * template image and never refreshes it saves the JSON merge and cJSON. */
#ifndef HERALD_ENABLE_SYNC
#define HERALD_ENABLE_SYNC 1
#endif

/* The queues' walk and stats (1), for tools that list and measure a queue
 * (herald queue, herald stats), or none (0): herald_queue_t.walk and .stats
 * are then NULL, and a device that never lists its queue saves their code. */
#ifndef HERALD_ENABLE_QUEUE_WALK
#define HERALD_ENABLE_QUEUE_WALK 1
#endif

/* Pages of the template list one refresh reads at most (1..10000). */
#ifndef HERALD_SYNC_MAX_PAGES
#define HERALD_SYNC_MAX_PAGES 100u
#endif

/* Log through the hal log sink (1) or compile every log call away (0). */
#ifndef HERALD_ENABLE_LOG
#define HERALD_ENABLE_LOG 0
#endif

#endif
