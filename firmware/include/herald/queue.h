/* SPDX-License-Identifier: Apache-2.0 */
/* The queue seam: where accepted notifications wait, each as its encoded
 * request body.  A record is written in three steps (begin with its length,
 * write, commit) so a flash queue can stream it and commit atomically, and is
 * read back in pieces so the body never needs a second buffer.  This header
 * also declares the RAM-only queue, for boards with no flash to spare. */
#ifndef HERALD_QUEUE_H
#define HERALD_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include "herald/types.h"

typedef struct {
    uint32_t seq;       /* assigned by the queue, increasing; the notification's handle */
    uint32_t body_len;  /* bytes of the request body */
    uint32_t expires_s; /* unix seconds after which it is not sent; 0: never */
    uint8_t priority;   /* 0 routine, 1 system alert */
} herald_queue_rec_t;

typedef struct herald_queue {
    /* Start a record whose body_len, expires_s and priority are taken from
     * *meta; its number is written to meta->seq.
     * HERALD_E_QUEUE_FULL: no room now; HERALD_E_NOSPACE: never fits;
     * HERALD_E_FLASH: the medium failed. */
    herald_status_t (*begin)(void *ctx, herald_queue_rec_t *meta);
    /* Append bytes to the record begun (a herald_sink_fn). */
    herald_status_t (*write)(void *ctx, const char *data, size_t len);
    /* Make the record durable and visible; abort drops it instead. */
    herald_status_t (*commit)(void *ctx);
    void (*abort)(void *ctx);
    /* The oldest record: HERALD_OK, or HERALD_E_QUEUE_EMPTY when none. */
    herald_status_t (*peek)(void *ctx, herald_queue_rec_t *out);
    /* Copy len body bytes from offset off of record rec. */
    herald_status_t (*read)(void *ctx, const herald_queue_rec_t *rec, size_t off, char *buf, size_t len);
    /* Remove the record seq (delivered, or permanently refused). */
    herald_status_t (*retire)(void *ctx, uint32_t seq);
    size_t (*count)(void *ctx);
    void *ctx;
} herald_queue_t;

/* ---- RAM queue: records packed in a caller buffer, lost at reset. */
typedef struct {
    uint8_t *buf;
    size_t cap;
    size_t head;        /* offset of the oldest record */
    size_t tail;        /* end of the newest committed record */
    size_t wr;          /* write position of the record being begun */
    size_t wr_end;
    size_t count;
    uint32_t next_seq;
    int writing;
} herald_ram_queue_t;

/* Bind q over buf (cap >= 64 bytes) and fill *out with its operations.
 * HERALD_E_INVALID_ARG: NULL or cap too small. */
herald_status_t herald_ram_queue_init(herald_ram_queue_t *q, void *buf, size_t cap, herald_queue_t *out);

#endif
