/* SPDX-License-Identifier: Apache-2.0 */
/* Log seam.  Messages are short, constant or formatted by the caller; secrets
 * (the API key) are never passed here. */
#ifndef HERALD_HAL_LOG_H
#define HERALD_HAL_LOG_H

typedef enum {
    HERALD_LOG_ERROR = 0,
    HERALD_LOG_WARN = 1,
    HERALD_LOG_INFO = 2,
    HERALD_LOG_DEBUG = 3
} herald_log_level_t;

typedef struct herald_log {
    void (*write)(void *ctx, herald_log_level_t level, const char *msg);
    void *ctx;
} herald_log_t;

#endif
