/* SPDX-License-Identifier: Apache-2.0 */
/* Linux host: memory is plentiful, so the caches are roomier than on an MCU. */
#ifndef HERALD_BOARD_CONFIG_H
#define HERALD_BOARD_CONFIG_H

#define HERALD_TCACHE_ARENA_SIZE    16384
#define HERALD_TCACHE_MAX_TEMPLATES 64
#define HERALD_JSON_ARENA_SIZE      65536
#define HERALD_ENABLE_LOG           1

#endif
