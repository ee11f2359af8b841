/* SPDX-License-Identifier: Apache-2.0 */
/* RAM queue: records laid end to end in the caller's buffer as
 * [u32 seq][u32 len][u32 expires][u32 priority][body, padded to 4].  Records leave from the front; when
 * the free space at the end is too small the live records are moved down to
 * offset 0 (rare, and bounded by the buffer size).  Fields are little-endian,
 * byte by byte: the caller's buffer need not be aligned. */
#include <string.h>
#include "herald/config.h"
#include "herald/le.h"
#include "herald/queue.h"

#define REC_HDR 16u

static size_t pad4(size_t n)
{
    return (n + 3u) & ~(size_t)3u;
}

static size_t rec_len(const herald_ram_queue_t *q, size_t at)
{
    return REC_HDR + pad4(herald_le32_get(q->buf + at + 4u));
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
    q->tail += rec_len(q, q->tail);
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

/* Where the record numbered seq lies: the head, or the record the walk
 * gave last (records move down when begin makes room: found by number). */
static int find(const herald_ram_queue_t *q, uint32_t seq, size_t *at)
{
    if (q->count == 0u || (seq != herald_le32_get(q->buf + q->head) && (!q->have_wk || seq != q->wk_seq))) {
        return 0;
    }
    *at = q->head;
    while (*at < q->tail && herald_le32_get(q->buf + *at) != seq) {
        *at += rec_len(q, *at);
    }
    return *at < q->tail;
}

static void meta_at(const herald_ram_queue_t *q, size_t at, herald_queue_rec_t *out)
{
    out->seq = herald_le32_get(q->buf + at);
    out->body_len = herald_le32_get(q->buf + at + 4u);
    out->expires_s = herald_le32_get(q->buf + at + 8u);
    out->priority = (uint8_t)herald_le32_get(q->buf + at + 12u);
}

static herald_status_t rq_peek(void *ctx, herald_queue_rec_t *out)
{
    herald_ram_queue_t *q = ctx;
    if (q->count == 0u) {
        return HERALD_E_QUEUE_EMPTY;
    }
    meta_at(q, q->head, out);
    return HERALD_OK;
}

static herald_status_t rq_read(void *ctx, const herald_queue_rec_t *rec, size_t off, char *buf, size_t len)
{
    herald_ram_queue_t *q = ctx;
    size_t at;
    size_t body_len;
    if (!find(q, rec->seq, &at)) {
        return HERALD_E_INVALID_ARG;
    }
    /* The stored length bounds the copy, not the caller's copy of the meta. */
    body_len = herald_le32_get(q->buf + at + 4u);
    if (off > body_len || len > body_len - off) {
        return HERALD_E_INVALID_ARG;
    }
    (void)memcpy(buf, q->buf + at + REC_HDR + off, len);
    return HERALD_OK;
}

static herald_status_t rq_retire(void *ctx, uint32_t seq)
{
    herald_ram_queue_t *q = ctx;
    if (q->count == 0u || herald_le32_get(q->buf + q->head) != seq) {
        return HERALD_E_INVALID_ARG; /* only the oldest is ever in flight */
    }
    q->head += rec_len(q, q->head);
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

#if HERALD_ENABLE_QUEUE_WALK

static herald_status_t rq_walk(void *ctx, const herald_queue_rec_t *prev, herald_queue_rec_t *out)
{
    herald_ram_queue_t *q = ctx;
    size_t at = q->head;
    if (prev && !find(q, prev->seq, &at)) {
        return HERALD_E_INVALID_ARG;
    }
    if (prev) {
        at += rec_len(q, at);
    }
    if (q->count == 0u || at >= q->tail) {
        return HERALD_E_QUEUE_EMPTY;
    }
    meta_at(q, at, out);
    q->wk_seq = out->seq;
    q->have_wk = 1;
    return HERALD_OK;
}

/* Committed records only (one being written is not counted). */
static herald_status_t rq_stats(void *ctx, herald_queue_stats_t *out, uint32_t *erase_counts, size_t n)
{
    herald_ram_queue_t *q = ctx;
    for (size_t i = 0u; i < n; i++) {
        erase_counts[i] = HERALD_QUEUE_ERASES_UNKNOWN; /* no sectors */
    }
    out->records = q->count;
    out->bytes_used = q->tail - q->head;
    out->bytes_free = q->cap - out->bytes_used;
    out->damaged = 0u;
    out->erases = 0u;
    out->sectors = 0u;
    return HERALD_OK;
}

#define RQ_WALK rq_walk
#define RQ_STATS rq_stats
#else
#define RQ_WALK NULL
#define RQ_STATS NULL
#endif

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
    out->walk = RQ_WALK;
    out->stats = RQ_STATS;
    return HERALD_OK;
}
