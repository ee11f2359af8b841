/* SPDX-License-Identifier: Apache-2.0 */
/* The flash queue recovering from arbitrary flash contents, then driven by a
 * script of appends, deliveries, misuse, reboots, power cuts or one-off
 * device errors (each landing a random part of the operation it hits) and
 * bit flips.  At every boot the queue is walked and drained on a copy of the
 * flash (the walk writes nothing and lists what the drain delivers), which
 * is checked against a model of what the queue was told, and becomes
 * the model for what follows:
 *   - init writes nothing on a flash that only the queue and power cuts
 *     touched; on a damaged one only zeros into single program units (the
 *     retire marks of damaged records); it refuses only geometries too small;
 *   - every call returns only the statuses queue.h documents, and FLASH only
 *     after the device failed (or flipped bits broke a NOR rule);
 *   - the queue itself never breaks a NOR rule (alignment, one sector,
 *     programming a 0 back to 1) on a device it found intact;
 *   - count() is what a drain delivers, and a drain never faults;
 *   - every record committed and not retired comes back, in order, with its
 *     meta and body; nothing retired or never committed does, except the
 *     record whose commit or retire a failure hit (it may or may not);
 *   - on a flash that started blank, sequence numbers rise in FIFO order.
 * Bit flips void the model until the next boot; the safety checks stay.
 *
 * Input: [geometry: program size, sector size, sector count]
 *        [flags: 1 start from the image, else blank] [script length]
 *        script... image... */
#include <stdlib.h>
#include <string.h>
#include "herald/queue.h"
#include "crc32.h"
#include "util.h"

#define MAX_RECS 512
#define MAX_PIECE 48

/* ---- a NOR flash in memory, with power cuts ---------------------------- */

typedef struct {
    uint8_t *mem;
    size_t size;
    herald_flash_t dev;
    long cut_in;     /* operations until the power cut; -1: none armed */
    uint32_t rng;    /* how the cut operation lands */
    int stay_on;     /* the cut is a one-off device error instead */
    int dead;        /* power is off: every operation fails */
    int failed;      /* an operation failed since the last boot */
    unsigned cuts;   /* operations the armed cut hit (a mark it hit may read either way) */
    int flipped;     /* bits were flipped since the last boot */
    unsigned writes; /* programs and erases since the last boot */
    unsigned marks;  /* of them: one program unit of zeros */
} flash_t;

static uint32_t next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static int fz_all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0u) {
            return 0;
        }
    }
    return 1;
}

/* 1 when the power fails now: the caller lands the operation partially. */
static int cut_now(flash_t *f)
{
    if (f->cut_in < 0) {
        return 0;
    }
    if (f->cut_in-- > 0) {
        return 0;
    }
    f->dead = !f->stay_on;
    f->failed = 1;
    f->cuts++;
    return 1;
}

static int fl_erase(void *ctx, uint32_t sector)
{
    flash_t *f = ctx;
    uint8_t *p;
    FZ_CHECK(sector < f->dev.geometry.sector_count);
    if (f->dead) {
        f->failed = 1;
        return HERALD_E_FLASH;
    }
    f->writes++;
    p = f->mem + (size_t)sector * f->dev.geometry.sector_size;
    if (cut_now(f)) {
        for (uint32_t i = 0; i < f->dev.geometry.sector_size; i++) {
            if (next_rand(&f->rng) & 1u) {
                p[i] = 0xFF;
            }
        }
        return HERALD_E_FLASH;
    }
    memset(p, 0xFF, f->dev.geometry.sector_size);
    return 0;
}

static int fl_program(void *ctx, uint32_t addr, const void *data, size_t len)
{
    flash_t *f = ctx;
    const herald_flash_geometry_t *g = &f->dev.geometry;
    const uint8_t *d = data;
    /* The queue must keep the seam's rules whatever it found in flash. */
    FZ_CHECK(len > 0 && addr % g->program_size == 0 && len % g->program_size == 0);
    FZ_CHECK(addr < f->size && len <= f->size - addr);
    FZ_CHECK(addr / g->sector_size == (addr + len - 1) / g->sector_size);
    if (f->dead) {
        f->failed = 1;
        return HERALD_E_FLASH;
    }
    f->writes++;
    if (len == g->program_size && fz_all_zero(d, len)) {
        f->marks++;
    }
    for (size_t i = 0; i < len; i++) {
        if ((f->mem[addr + i] & d[i]) != d[i]) {
            /* 0 -> 1: only flipped bits can have put a 0 where the queue
             * expects an erased byte. */
            FZ_CHECK(f->flipped);
            f->failed = 1;
            return HERALD_E_FLASH;
        }
    }
    if (cut_now(f)) {
        for (size_t i = 0; i < len; i++) {
            f->mem[addr + i] &= (uint8_t)(d[i] | (uint8_t)next_rand(&f->rng));
        }
        return HERALD_E_FLASH;
    }
    for (size_t i = 0; i < len; i++) {
        f->mem[addr + i] &= d[i];
    }
    return 0;
}

static int fl_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    flash_t *f = ctx;
    FZ_CHECK(addr < f->size && len <= f->size - addr);
    if (f->dead) {
        f->failed = 1;
        return HERALD_E_FLASH;
    }
    memcpy(buf, f->mem + addr, len);
    return 0;
}

static void fl_init(flash_t *f, const herald_flash_geometry_t *g, const uint8_t *mem)
{
    memset(f, 0, sizeof *f);
    f->size = (size_t)g->sector_size * g->sector_count;
    f->mem = fz_dup(mem, f->size);
    f->dev.erase = fl_erase;
    f->dev.program = fl_program;
    f->dev.read = fl_read;
    f->dev.geometry = *g;
    f->dev.ctx = f;
    f->cut_in = -1;
}

/* ---- the model ---------------------------------------------------------- */

enum { SURE, MAYBE }; /* MAYBE: a cut hit its commit or its retire */

typedef struct {
    herald_queue_rec_t meta;
    uint32_t body_crc;
    int state;
} entry_t;

typedef struct {
    entry_t e[MAX_RECS];
    size_t n;
    int valid; /* 0 after bit flips: checked again from the next boot */
} model_t;

static uint8_t body_byte(uint32_t seq, uint32_t i)
{
    return (uint8_t)(seq * 131u + i * 7u + 1u);
}

static const int BEGIN_ST[] = { HERALD_OK, HERALD_E_BUSY, HERALD_E_NOSPACE, HERALD_E_QUEUE_FULL,
                                HERALD_E_FLASH };
static const int RW_ST[] = { HERALD_OK, HERALD_E_INVALID_ARG, HERALD_E_FLASH };
static const int PEEK_ST[] = { HERALD_OK, HERALD_E_QUEUE_EMPTY, HERALD_E_FLASH };
#define IN(st, set) fz_status_in((st), (set), sizeof(set) / sizeof((set)[0]))

/* FLASH is an answer only when the device failed or was tampered with. */
static void check_st(const flash_t *f, int st)
{
    FZ_CHECK(st != HERALD_E_FLASH || f->failed || f->flipped);
}

/* Read the oldest record whole, in pieces; returns its body's CRC. */
static uint32_t read_body(herald_queue_t *q, const flash_t *f, const herald_queue_rec_t *m, fz_input_t *in,
                          int *st_out)
{
    uint32_t crc = 0, off = 0;
    size_t piece = 1 + fz_byte(in) % MAX_PIECE;
    int st = HERALD_OK;
    while (off < m->body_len && st == HERALD_OK) {
        size_t n = m->body_len - off < piece ? m->body_len - off : piece;
        char *buf = malloc(n);
        FZ_CHECK(buf != NULL);
        st = q->read(q->ctx, m, off, buf, n);
        FZ_CHECK(IN(st, RW_ST) && st != HERALD_E_INVALID_ARG);
        check_st(f, st);
        if (st == HERALD_OK) {
            crc = herald_crc32(crc, buf, n);
        }
        free(buf);
        off += (uint32_t)n;
    }
    *st_out = st;
    return crc;
}

/* The walk over a queue just booted, each body read through read(): it
 * writes nothing, and stats count what it lists. */
static void walk_copy(herald_queue_t *q, const flash_t *c, model_t *out)
{
    herald_queue_rec_t m, prev;
    herald_queue_stats_t s;
    unsigned writes = c->writes;
    int st;
    out->n = 0;
    for (st = q->walk(q->ctx, NULL, &m); st == HERALD_OK; st = q->walk(q->ctx, &prev, &m)) {
        fz_input_t none = { NULL, 0 };
        int rst;
        FZ_CHECK(out->n < MAX_RECS);
        out->e[out->n].meta = m;
        out->e[out->n].body_crc = read_body(q, c, &m, &none, &rst);
        FZ_CHECK(rst == HERALD_OK);
        out->n++;
        prev = m;
    }
    FZ_CHECK(st == HERALD_E_QUEUE_EMPTY && c->writes == writes);
    FZ_CHECK(q->stats(q->ctx, &s, NULL, 0) == HERALD_OK && s.records == out->n &&
             s.records == q->count(q->ctx));
}

/* Boot from a copy of the flash and drain it: what a reboot would deliver
 * (and what the walk before the drain lists, in the same order). */
static void drain_copy(const flash_t *f, model_t *out, int pure)
{
    flash_t c;
    herald_flash_queue_t fq;
    herald_queue_t q;
    size_t left;
    model_t *walked = malloc(sizeof *walked);
    fl_init(&c, &f->dev.geometry, f->mem);
    FZ_CHECK(herald_flash_queue_init(&fq, &c.dev, &q) == HERALD_OK);
    FZ_CHECK(c.writes == c.marks && (c.writes == 0 || !pure));
    FZ_CHECK(walked != NULL);
    walk_copy(&q, &c, walked);
    out->n = 0;
    out->valid = 1;
    left = q.count(q.ctx);
    for (;;) {
        herald_queue_rec_t m;
        fz_input_t none = { NULL, 0 };
        int st = q.peek(q.ctx, &m);
        if (st == HERALD_E_QUEUE_EMPTY) {
            FZ_CHECK(left == 0 && q.count(q.ctx) == 0);
            break;
        }
        FZ_CHECK(st == HERALD_OK && left > 0 && out->n < MAX_RECS);
        out->e[out->n].meta = m;
        out->e[out->n].state = SURE;
        out->e[out->n].body_crc = read_body(&q, &c, &m, &none, &st);
        FZ_CHECK(st == HERALD_OK);
        FZ_CHECK(q.retire(q.ctx, m.seq) == HERALD_OK);
        FZ_CHECK(q.count(q.ctx) == --left);
        FZ_CHECK(out->n < walked->n && walked->e[out->n].meta.seq == m.seq &&
                 walked->e[out->n].meta.body_len == m.body_len &&
                 walked->e[out->n].meta.expires_s == m.expires_s &&
                 walked->e[out->n].meta.priority == m.priority &&
                 walked->e[out->n].body_crc == out->e[out->n].body_crc);
        out->n++;
    }
    FZ_CHECK(out->n == walked->n);
    free(walked);
    free(c.mem);
}

/* The records a reboot delivers against what the model expected. */
static void check_boot(const model_t *want, const model_t *got, int pure)
{
    size_t j = 0;
    for (size_t i = 0; i < got->n; i++) {
        const herald_queue_rec_t *g = &got->e[i].meta;
        if (pure && i > 0) {
            FZ_CHECK(g->seq > got->e[i - 1].meta.seq);
        }
        if (!want->valid) {
            continue;
        }
        while (j < want->n && want->e[j].meta.seq != g->seq) {
            FZ_CHECK(want->e[j].state == MAYBE); /* a sure record was lost */
            j++;
        }
        FZ_CHECK(j < want->n); /* delivered, but retired or never committed */
        FZ_CHECK(want->e[j].meta.body_len == g->body_len && want->e[j].meta.expires_s == g->expires_s);
        FZ_CHECK(want->e[j].meta.priority == g->priority && want->e[j].body_crc == got->e[i].body_crc);
        j++;
    }
    for (; want->valid && j < want->n; j++) {
        FZ_CHECK(want->e[j].state == MAYBE);
    }
}

/* ---- the script ---------------------------------------------------------- */

typedef struct {
    flash_t f;
    herald_flash_queue_t fq;
    herald_queue_t q;
    model_t model;
    int pure;          /* started blank and never flipped */
    uint32_t last_seq; /* newest seq handed out since boot, for `pure` */
} run_t;

static void boot(run_t *r)
{
    model_t *got = malloc(sizeof *got);
    FZ_CHECK(got != NULL);
    r->f.dead = 0;
    r->f.cut_in = -1;
    drain_copy(&r->f, got, r->pure);
    check_boot(&r->model, got, r->pure);
    r->model = *got;
    free(got);
    r->f.failed = 0;
    r->f.flipped = 0;
    r->f.writes = 0;
    r->f.marks = 0;
    FZ_CHECK(herald_flash_queue_init(&r->fq, &r->f.dev, &r->q) == HERALD_OK);
    FZ_CHECK(r->f.writes == r->f.marks && (r->f.writes == 0 || !r->pure));
    FZ_CHECK(r->q.count(r->q.ctx) == r->model.n);
    r->last_seq = r->model.n > 0 ? r->model.e[r->model.n - 1].meta.seq : 0;
}

static void op_append(run_t *r, fz_input_t *in, int abort_midway)
{
    herald_queue_t *q = &r->q;
    uint32_t max = herald_flash_queue_max_body(&r->fq);
    uint32_t len = (uint32_t)(fz_byte(in) | fz_byte(in) << 8) % (max + 2u);
    size_t piece = 1 + fz_byte(in) % MAX_PIECE;
    herald_queue_rec_t m = { 0, len, fz_byte(in), (uint8_t)(fz_byte(in) & 1u) };
    uint32_t crc = 0, off = 0;
    int st = q->begin(q->ctx, &m);

    FZ_CHECK(IN(st, BEGIN_ST) && st != HERALD_E_BUSY);
    FZ_CHECK((st == HERALD_E_NOSPACE) == (len > max));
    check_st(&r->f, st);
    if (st != HERALD_OK) {
        return;
    }
    FZ_CHECK(m.seq != 0);
    if (r->pure) {
        FZ_CHECK(m.seq > r->last_seq);
    }
    r->last_seq = m.seq;
    while (off < len && st == HERALD_OK) {
        size_t n = len - off < piece ? len - off : piece;
        char *buf = malloc(n);
        FZ_CHECK(buf != NULL);
        for (size_t i = 0; i < n; i++) {
            buf[i] = (char)body_byte(m.seq, off + (uint32_t)i);
        }
        crc = herald_crc32(crc, buf, n);
        st = q->write(q->ctx, buf, n);
        FZ_CHECK(IN(st, RW_ST) && st != HERALD_E_INVALID_ARG);
        check_st(&r->f, st);
        free(buf);
        off += (uint32_t)n;
        if (abort_midway && off >= len / 2) {
            q->abort(q->ctx);
            return;
        }
    }
    if (st == HERALD_OK) {
        unsigned cuts_before = r->f.cuts;
        st = q->commit(q->ctx);
        FZ_CHECK(IN(st, RW_ST) && st != HERALD_E_INVALID_ARG);
        check_st(&r->f, st);
        if (st == HERALD_OK || r->f.cuts != cuts_before) {
            /* Committed, or hit by the cut while committing: it may survive. */
            FZ_CHECK(r->model.n < MAX_RECS);
            r->model.e[r->model.n].meta = m;
            r->model.e[r->model.n].body_crc = crc;
            r->model.e[r->model.n].state = st == HERALD_OK ? SURE : MAYBE;
            r->model.n++;
        }
    }
    if (st != HERALD_OK) {
        q->abort(q->ctx);
    }
}

/* Deliver the oldest record: peek, read it whole, retire it. */
static void op_retire(run_t *r, fz_input_t *in)
{
    herald_queue_t *q = &r->q;
    herald_queue_rec_t m;
    uint32_t crc;
    int st = q->peek(q->ctx, &m);
    unsigned cuts_before;
    size_t head = 0;

    FZ_CHECK(IN(st, PEEK_ST));
    check_st(&r->f, st);
    if (st != HERALD_OK) {
        return;
    }
    /* The live queue's head is the first model record it still holds. */
    if (r->model.valid) {
        while (head < r->model.n && r->model.e[head].meta.seq != m.seq) {
            FZ_CHECK(r->model.e[head].state == MAYBE);
            head++;
        }
        FZ_CHECK(head < r->model.n);
    }
    crc = read_body(q, &r->f, &m, in, &st);
    if (st != HERALD_OK) {
        return;
    }
    if (r->model.valid) {
        FZ_CHECK(r->model.e[head].body_crc == crc && r->model.e[head].meta.body_len == m.body_len);
    }
    cuts_before = r->f.cuts;
    st = q->retire(q->ctx, m.seq);
    FZ_CHECK(IN(st, RW_ST) && st != HERALD_E_INVALID_ARG);
    check_st(&r->f, st);
    if (!r->model.valid) {
        return;
    }
    if (st == HERALD_OK) {
        memmove(&r->model.e[head], &r->model.e[head + 1], (r->model.n - head - 1) * sizeof r->model.e[0]);
        r->model.n--;
    } else if (r->f.cuts != cuts_before) {
        r->model.e[head].state = MAYBE; /* its retire mark may have landed */
    }
}

/* Calls out of turn are refused without harm. */
static void op_misuse(run_t *r)
{
    herald_queue_t *q = &r->q;
    herald_queue_rec_t m, other;
    char byte = 0;
    int st;
    FZ_CHECK(q->write(q->ctx, "x", 1) == HERALD_E_INVALID_ARG);
    FZ_CHECK(q->commit(q->ctx) == HERALD_E_INVALID_ARG);
    q->abort(q->ctx); /* nothing begun: no effect */
    st = q->peek(q->ctx, &m);
    if (st == HERALD_OK) {
        st = q->read(q->ctx, &m, m.body_len, &byte, 1);
        FZ_CHECK(st == HERALD_E_INVALID_ARG || st == HERALD_E_FLASH);
        other = m;
        other.seq = m.seq + 1;
        st = q->read(q->ctx, &other, 0, &byte, 0);
        FZ_CHECK(st == HERALD_E_INVALID_ARG || st == HERALD_E_FLASH);
        st = q->retire(q->ctx, other.seq);
        FZ_CHECK(st == HERALD_E_INVALID_ARG || st == HERALD_E_FLASH);
    }
    m.body_len = 0;
    m.expires_s = 0;
    m.priority = 0;
    st = q->begin(q->ctx, &m);
    check_st(&r->f, st);
    if (st == HERALD_OK) {
        other = m;
        FZ_CHECK(q->begin(q->ctx, &other) == HERALD_E_BUSY);
        q->abort(q->ctx);
    }
}

static const uint32_t SECTOR_SIZES[] = { 64, 128, 256, 512 };

/* The smallest sector the queue takes: its two headers and erase mark, one
 * record with a body of one unit, and the erase-count tail
 * (queue_flash_priv.h's layout). */
static uint32_t min_sector(uint32_t u)
{
    uint32_t crc_off = (21u + u - 1u) / u * u, crc_len = (4u + u - 1u) / u * u, tail = (12u + u - 1u) / u * u;
    return 2u * 16u + u + crc_off + crc_len + 2u * u + u + tail;
}
static const uint32_t PROGRAM_SIZES[] = { 1, 4, 8, 16 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input_t in = { data, size };
    uint8_t geo = fz_byte(&in), flags = fz_byte(&in);
    size_t script_len = fz_byte(&in);
    herald_flash_geometry_t g = { SECTOR_SIZES[(geo >> 2) & 3u], 2u + ((geo >> 4) & 3u),
                                  PROGRAM_SIZES[geo & 3u] };
    fz_input_t script = { in.p, script_len < in.n ? script_len : in.n };
    uint8_t *image = malloc((size_t)g.sector_size * g.sector_count);
    run_t *r = calloc(1, sizeof *r);
    herald_flash_queue_t probe;
    herald_queue_t ops;

    FZ_CHECK(image != NULL && r != NULL);
    in.p += script.n;
    in.n -= script.n;
    memset(image, 0xFF, (size_t)g.sector_size * g.sector_count);
    if (flags & 1u) {
        memcpy(image, in.p,
               in.n < (size_t)g.sector_size * g.sector_count ? in.n : (size_t)g.sector_size * g.sector_count);
    }
    fl_init(&r->f, &g, image);
    free(image);

    /* Geometries the queue cannot use are refused up front. */
    if (herald_flash_queue_init(&probe, &r->f.dev, &ops) != HERALD_OK) {
        FZ_CHECK(r->f.writes == 0);
        FZ_CHECK(g.sector_size < min_sector(g.program_size));
        free(r->f.mem);
        free(r);
        return 0;
    }
    r->pure = !(flags & 1u);
    r->model.valid = 0; /* the first boot learns it */
    boot(r);

    while (script.n > 0) {
        uint8_t op = fz_byte(&script);
        switch (op % 8u) {
        case 0:
        case 1:
            op_append(r, &script, 0);
            break;
        case 2:
        case 3:
            op_retire(r, &script);
            break;
        case 4:
            op_append(r, &script, 1);
            break;
        case 5: { /* power cut (or one failed operation) a few operations from now */
            uint8_t b = fz_byte(&script);
            r->f.cut_in = b % 8u;
            r->f.stay_on = (b & 8u) != 0;
            r->f.rng = 0x9E3779B9u ^ fz_byte(&script);
            break;
        }
        case 6: { /* bit flips behind the queue's back */
            size_t at = (size_t)(fz_byte(&script) | fz_byte(&script) << 8) % r->f.size;
            uint8_t mask = fz_byte(&script);
            if (mask != 0) {
                r->f.mem[at] ^= mask;
                r->f.flipped = 1;
                r->model.valid = 0;
                r->pure = 0;
            }
            break;
        }
        default:
            if (op & 8u) {
                boot(r);
            } else {
                op_misuse(r);
            }
            break;
        }
        if (r->model.valid && !r->f.failed) {
            FZ_CHECK(r->q.count(r->q.ctx) == r->model.n);
        }
    }
    boot(r);
    free(r->f.mem);
    free(r);
    return 0;
}
