/* SPDX-License-Identifier: Apache-2.0 */
/* The agent on a Cortex-M3 with 64 KiB of RAM to share with lwIP and TLS:
 * caches sized for the handful of templates the device raises, a JSON arena
 * sized for the platform's answers (the template image needs no JSON). */
#ifndef HERALD_BOARD_CONFIG_H
#define HERALD_BOARD_CONFIG_H

#define HERALD_TCACHE_ARENA_SIZE 1024
#define HERALD_TCACHE_MAX_TEMPLATES 8
#define HERALD_JSON_ARENA_SIZE 3072
#define HERALD_HOST_MAX_LEN 64
#define HERALD_HTTP_HDR_MAX 768
#define HERALD_HTTP_BODY_MAX 768
#define HERALD_ENABLE_LOG 0
/* The console prints status numbers (decoded on the host with status.h),
 * and the templates come from the flash image, never synced: both save
 * flash for the agent core. */
#define HERALD_STATUS_TEXT 0
#define HERALD_ENABLE_SYNC 0
/* Nothing on the device lists its queue: the walk and stats stay out. */
#define HERALD_ENABLE_QUEUE_WALK 0

#endif
