/* SPDX-License-Identifier: Apache-2.0 */
/* RAM queue: records laid end to end in the caller's buffer as
 * [u32 seq][u32 len][u32 expires][u32 priority][body, padded to 4].  Records leave from the front; when
 * the free space at the end is too small the live records are moved down to
 * offset 0 (rare, and bounded by the buffer size). */
#include <string.h>
#include "herald/le.h"
#include "herald/queue.h"

#define REC_HDR 16u

static size_t pad4(size_t n)
{
    return (n + 3u) & ~(size_t)3u;
}

static herald_status_t rq_begin(void *ctx, herald_queue_rec_t *meta)
{
    herald_ram_queue_t *q = ctx;
    size_t len = meta->body_len;
    size_t need;
    if (q->writing) {
        return HERALD_E_BUSY;
    }
    if (len > q->cap || pad4(len) + REC_HDR > q->cap) {
        return HERALD_E_NOSPACE;
    }
    need = REC_HDR + pad4(len);
    if (q->cap - q->tail < need && q->head > 0u) {
        (void)memmove(q->buf, q->buf + q->head, q->tail - q->head);
        q->tail -= q->head;
        q->head = 0u;
    }
    if (q->cap - q->tail < need) {
        return HERALD_E_QUEUE_FULL;
    }
    herald_le32_put(q->buf + q->tail, q->next_seq);
    herald_le32_put(q->buf + q->tail + 4u, (uint32_t)len);
    herald_le32_put(q->buf + q->tail + 8u, meta->expires_s);
    herald_le32_put(q->buf + q->tail + 12u, meta->priority);
    meta->seq = q->next_seq;
    q->wr = q->tail + REC_HDR;
    q->wr_end = q->wr + len;
    q->writing = 1;
    return HERALD_OK;
}

static herald_status_t rq_write(void *ctx, const char *data, size_t len)
{
    herald_ram_queue_t *q = ctx;
    if (!q->writing || len > q->wr_end - q->wr) {
        return HERALD_E_INVALID_ARG;
    }
    (void)memcpy(q->buf + q->wr, data, len);
    q->wr += len;
    return HERALD_OK;
}

static herald_status_t rq_commit(void *ctx)
{
    herald_ram_queue_t *q = ctx;
    if (!q->writing || q->wr != q->wr_end) {
        return HERALD_E_INVALID_ARG;
    }
    q->tail += REC_HDR + pad4(herald_le32_get(q->buf + q->tail + 4u));
    q->count++;
    q->next_seq++;
    q->writing = 0;
    return HERALD_OK;
}

static void rq_abort(void *ctx)
{
    herald_ram_queue_t *q = ctx;
    q->writing = 0;
}

static herald_status_t rq_peek(void *ctx, herald_queue_rec_t *out)
{
    herald_ram_queue_t *q = ctx;
    if (q->count == 0u) {
        return HERALD_E_QUEUE_EMPTY;
    }
    out->seq = herald_le32_get(q->buf + q->head);
    out->body_len = herald_le32_get(q->buf + q->head + 4u);
    out->expires_s = herald_le32_get(q->buf + q->head + 8u);
    out->priority = (uint8_t)herald_le32_get(q->buf + q->head + 12u);
    return HERALD_OK;
}

static herald_status_t rq_read(void *ctx, const herald_queue_rec_t *rec, size_t off, char *buf, size_t len)
{
    herald_ram_queue_t *q = ctx;
    size_t body_len;
    if (q->count == 0u || herald_le32_get(q->buf + q->head) != rec->seq) {
        return HERALD_E_INVALID_ARG;
    }
    /* The stored length bounds the copy, not the caller's copy of the meta. */
    body_len = herald_le32_get(q->buf + q->head + 4u);
    if (off > body_len || len > body_len - off) {
        return HERALD_E_INVALID_ARG;
    }
    (void)memcpy(buf, q->buf + q->head + REC_HDR + off, len);
    return HERALD_OK;
}

static herald_status_t rq_retire(void *ctx, uint32_t seq)
{
    herald_ram_queue_t *q = ctx;
    if (q->count == 0u || herald_le32_get(q->buf + q->head) != seq) {
        return HERALD_E_INVALID_ARG; /* only the oldest is ever in flight */
    }
    q->head += REC_HDR + pad4(herald_le32_get(q->buf + q->head + 4u));
    if (--q->count == 0u) {
        q->head = 0u;
        q->tail = 0u;
    }
    return HERALD_OK;
}

static size_t rq_count(void *ctx)
{
    return ((herald_ram_queue_t *)ctx)->count;
}

size_t herald_ram_queue_need(size_t body_len)
{
    size_t need;
    if (body_len > SIZE_MAX - REC_HDR - 3u) {
        return 0u;
    }
    need = REC_HDR + pad4(body_len);
    return need < 64u ? 64u : need;
}

herald_status_t herald_ram_queue_init(herald_ram_queue_t *q, void *buf, size_t cap, herald_queue_t *out)
{
    if (!q || !buf || !out || cap < 64u) {
        return HERALD_E_INVALID_ARG;
    }
    (void)memset(q, 0, sizeof *q);
    q->buf = buf;
    q->cap = cap & ~(size_t)3u;
    q->next_seq = 1u;
    out->begin = rq_begin;
    out->write = rq_write;
    out->commit = rq_commit;
    out->abort = rq_abort;
    out->peek = rq_peek;
    out->read = rq_read;
    out->retire = rq_retire;
    out->count = rq_count;
    out->ctx = q;
    out->damaged = NULL; /* RAM does not rot */
    return HERALD_OK;
}
