/* SPDX-License-Identifier: Apache-2.0 */
/* Stop the build on impossible configurations rather than fail at run time. */
#ifndef HERALD_CONFIG_CHECK_H
#define HERALD_CONFIG_CHECK_H

#if HERALD_TCACHE_ARENA_SIZE < 256 || HERALD_TCACHE_ARENA_SIZE > 65535
#error "HERALD_TCACHE_ARENA_SIZE must be 256..65535 (entries are addressed by 16-bit offsets)"
#endif
#if HERALD_TCACHE_MAX_TEMPLATES < 1 || HERALD_TCACHE_MAX_TEMPLATES > 255
#error "HERALD_TCACHE_MAX_TEMPLATES must be 1..255"
#endif
#if HERALD_MAX_VARS < 1 || HERALD_MAX_VARS > 64
#error "HERALD_MAX_VARS must be 1..64"
#endif
#if HERALD_VAR_MAX_LEN < 1 || HERALD_VAR_MAX_LEN > 65535
#error "HERALD_VAR_MAX_LEN must be 1..65535"
#endif
#if HERALD_NAME_MAX_LEN < 8 || HERALD_NAME_MAX_LEN > 255
#error "HERALD_NAME_MAX_LEN must be 8..255"
#endif
#if HERALD_PUSH_DATA_MAX < 1 || HERALD_PUSH_DATA_MAX > 64
#error "HERALD_PUSH_DATA_MAX must be 1..64 (the duplicate-key check is quadratic)"
#endif
#if HERALD_PUSH_KEY_MAX_LEN < 1 || HERALD_PUSH_KEY_MAX_LEN > 255 || HERALD_PUSH_VALUE_MAX_LEN < 1 || \
    HERALD_PUSH_VALUE_MAX_LEN > 4096
#error "HERALD_PUSH_KEY_MAX_LEN must be 1..255 and HERALD_PUSH_VALUE_MAX_LEN 1..4096"
#endif
#if HERALD_TARGET_MAX_LEN < 8 || HERALD_TARGET_MAX_LEN > 255
#error "HERALD_TARGET_MAX_LEN must be 8..255"
#endif
#if HERALD_TEXT_MAX_LEN < 8 || HERALD_TEXT_MAX_LEN > 1024
#error "HERALD_TEXT_MAX_LEN must be 8..1024"
#endif
#if HERALD_BATCH_MAX_TARGETS < 1 || HERALD_BATCH_MAX_TARGETS > 10000
#error "HERALD_BATCH_MAX_TARGETS must be 1..10000: the platform refuses more"
#endif
#if HERALD_JSON_ARENA_SIZE < 1024
#error "HERALD_JSON_ARENA_SIZE must be at least 1024"
#endif
#if HERALD_HOST_MAX_LEN < 16 || HERALD_HOST_MAX_LEN > 253
#error "HERALD_HOST_MAX_LEN must be 16..253"
#endif
#if HERALD_TX_HEAD_MAX < 256 || HERALD_TX_HEAD_MAX > 4096
#error "HERALD_TX_HEAD_MAX must be 256..4096 (the request head must fit)"
#endif
#if HERALD_HTTP_HDR_MAX < 256 || HERALD_HTTP_HDR_MAX > 16384 || HERALD_HTTP_BODY_MAX < 256 || \
    HERALD_HTTP_BODY_MAX > 16384
#error "HERALD_HTTP_HDR_MAX and HERALD_HTTP_BODY_MAX must be 256..16384"
#endif
#if HERALD_RX_CHUNK < 64 || HERALD_RX_CHUNK > 4096
#error "HERALD_RX_CHUNK must be 64..4096"
#endif
#if HERALD_BACKOFF_BASE_MS < 1 || HERALD_BACKOFF_CAP_MS < HERALD_BACKOFF_BASE_MS
#error "HERALD_BACKOFF_BASE_MS must be >= 1 and <= HERALD_BACKOFF_CAP_MS"
#endif
#if HERALD_COALESCE_SLOTS < 1 || HERALD_COALESCE_SLOTS > 64
#error "HERALD_COALESCE_SLOTS must be 1..64"
#endif
#if HERALD_ALERT_RUN < 1
#error "HERALD_ALERT_RUN must be at least 1, or routine notifications would starve"
#endif
#if HERALD_SYNC_PAGE_LIMIT < 1 || HERALD_SYNC_PAGE_LIMIT > 100
#error "HERALD_SYNC_PAGE_LIMIT must be 1..100 (the platform's largest page)"
#endif
#if HERALD_STATUS_TEXT != 0 && HERALD_STATUS_TEXT != 1
#error "HERALD_STATUS_TEXT must be 0 or 1"
#endif
#if HERALD_JSON_STRICT != 0 && HERALD_JSON_STRICT != 1
#error "HERALD_JSON_STRICT must be 0 or 1"
#endif
#if HERALD_JSON_MAX_DEPTH < 4 || HERALD_JSON_MAX_DEPTH > 256
#error "HERALD_JSON_MAX_DEPTH must be 4..256"
#endif
#if HERALD_ENABLE_SYNC != 0 && HERALD_ENABLE_SYNC != 1
#error "HERALD_ENABLE_SYNC must be 0 or 1"
#endif
#if HERALD_SYNC_MAX_PAGES < 1 || HERALD_SYNC_MAX_PAGES > 10000
#error "HERALD_SYNC_MAX_PAGES must be 1..10000"
#endif
#if HERALD_ENABLE_LOG != 0 && HERALD_ENABLE_LOG != 1
#error "HERALD_ENABLE_LOG must be 0 or 1"
#endif

#endif
