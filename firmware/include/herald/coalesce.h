/* SPDX-License-Identifier: Apache-2.0 */
/* Alert coalescing: a sensor that flaps raises the same notification again
 * and again.  Identical notifications (same template, targets, variables
 * and push data; title and tag aside) raised within a window are sent once. */
#ifndef HERALD_COALESCE_H
#define HERALD_COALESCE_H

#include <stdint.h>
#include "herald/config.h"
#include "herald/notification.h"

typedef struct {
    uint64_t hash;
    uint64_t at_ms;
    uint32_t handle;
    uint8_t used;
} herald_coalesce_slot_t;

typedef struct {
    herald_coalesce_slot_t slot[HERALD_COALESCE_SLOTS];
    uint32_t next;
} herald_coalesce_t;

/* 64-bit FNV-1a over the request body (herald_request_write) up to and
 * with its mode: the template key (or id), the variables, the push data,
 * the targets and the mode, in JSON, so ("ab","c") and ("a","bc") differ,
 * and a variable from a push entry; title and tag are left out.  The same
 * value herald_request_measure gives with the body's length in one pass; 0
 * for a notification the writer refuses. */
uint64_t herald_notification_hash(const herald_notification_t *n);

/* 1 when hash was raised within window_ms before now_ms (*handle gets the
 * first one's handle), else 0. */
int herald_coalesce_seen(const herald_coalesce_t *c, uint64_t hash, uint64_t now_ms, uint32_t window_ms,
                         uint32_t *handle);

/* Remember a notification that was queued. */
void herald_coalesce_note(herald_coalesce_t *c, uint64_t hash, uint64_t now_ms, uint32_t handle);

#endif
