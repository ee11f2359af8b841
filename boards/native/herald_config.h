/* SPDX-License-Identifier: Apache-2.0 */
/* Linux host: memory is plentiful, so the caches are roomier than on an MCU. */
#ifndef HERALD_BOARD_CONFIG_H
#define HERALD_BOARD_CONFIG_H

#define HERALD_TCACHE_ARENA_SIZE 16384
#define HERALD_TCACHE_MAX_TEMPLATES 64
#define HERALD_JSON_ARENA_SIZE 65536
#define HERALD_ENABLE_LOG 1
/* Room for a page of ten templates when syncing the cache. */
#define HERALD_HTTP_BODY_MAX 8192
#define HERALD_SYNC_PAGE_LIMIT 10u

#endif
