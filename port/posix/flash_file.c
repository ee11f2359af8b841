/* SPDX-License-Identifier: Apache-2.0 */
/* NOR-flash emulator: file-backed (mmap, shared) or in memory.  Rule breaks
 * are errors and are counted, never silently fixed, so a test can assert the
 * queue above never breaks one. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "herald/le.h"
#include "port/posix/herald_flash_file.h"
#include "port/posix/herald_posix.h"

static int all_are(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != v) {
            return 0;
        }
    }
    return 1;
}

static uint32_t rng_next(herald_flash_file_t *f)
{
    uint32_t x = f->rng; /* xorshift32: deterministic, so a failing cut repeats */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    f->rng = x;
    return x;
}

/* 1 with probability 1/2^(level+1).  A cut picks its level once, so cuts
 * range from "hardly started" to "nearly done". */
static int rng_hit(herald_flash_file_t *f, uint32_t level)
{
    return (rng_next(f) & ((2u << level) - 1u)) == 0u;
}

/* The bits of a program that land: each with probability 1/2^(level+1), or
 * inverted, 1 - that. */
static uint8_t rng_mask(herald_flash_file_t *f, uint32_t level, int invert)
{
    uint8_t m = 0;
    for (int b = 0; b < 8; b++) {
        m = (uint8_t)(m | (rng_hit(f, level) << b));
    }
    return invert ? (uint8_t)~m : m;
}

/* Flush the pages of [off, off+len) to the file, in order with the rest. */
static int flush_range(herald_flash_file_t *f, size_t off, size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t at = f->hdr + off; /* in the file, whose start the map's is */
    size_t start = at - at % page;
    if (f->fd < 0 || !f->sync) {
        return 0;
    }
    return msync(f->mem - f->hdr + start, at + len - start, MS_SYNC) == 0 ? 0 : HERALD_E_FLASH;
}

/* Every program/erase passes here: 1 when it may go ahead, 0 when this is the
 * operation the armed cut hits (the caller lands it partially and fails). */
static int count_op(herald_flash_file_t *f)
{
    f->stats.ops++;
    if (!f->cut_armed) {
        return 1;
    }
    if (f->cut_left > 0u) {
        f->cut_left--;
        return 1;
    }
    f->cut_armed = 0;
    f->off = !f->cut_stays_on;
    return 0;
}

static int ff_erase(void *ctx, uint32_t sector)
{
    herald_flash_file_t *f = ctx;
    uint8_t *p;
    size_t ss = f->geo.sector_size;
    if (f->off) {
        return HERALD_E_FLASH;
    }
    if (sector >= f->geo.sector_count) {
        f->stats.violations++;
        return HERALD_E_INVALID_ARG;
    }
    p = f->mem + (size_t)sector * ss;
    f->stats.erases++;
    f->sector_erases[sector]++;
    if (count_op(f)) {
        memset(p, 0xFF, ss);
        return flush_range(f, (size_t)sector * ss, ss);
    }
    if (f->cut_how == HERALD_FLASH_CUT_BITS) {
        uint32_t level = rng_next(f) % 6u;
        for (size_t i = 0; i < ss; i++) {
            if (rng_hit(f, level)) {
                p[i] = 0xFF;
            }
        }
    } else if (f->cut_how == HERALD_FLASH_CUT_PREFIX) {
        memset(p, 0xFF, rng_next(f) % ss);
    }
    (void)flush_range(f, (size_t)sector * ss, ss);
    return HERALD_E_FLASH;
}

static int ff_program(void *ctx, uint32_t addr, const void *data, size_t len)
{
    herald_flash_file_t *f = ctx;
    const uint8_t *d = data;
    uint8_t *p;
    size_t ps = f->geo.program_size;
    size_t ss = f->geo.sector_size;
    if (f->off) {
        return HERALD_E_FLASH;
    }
    if (len == 0u || addr >= f->size || len > f->size - addr || addr / ss != (addr + len - 1u) / ss) {
        f->stats.violations++;
        return HERALD_E_INVALID_ARG;
    }
    if (addr % ps != 0u || len % ps != 0u) {
        f->stats.violations++;
        return HERALD_E_FLASH;
    }
    p = f->mem + addr;
    for (size_t i = 0; i < len; i++) {
        if ((uint8_t)(d[i] & ~p[i]) != 0u) {
            f->stats.violations++; /* a 0 bit would have to become 1 */
            return HERALD_E_FLASH;
        }
    }
    for (size_t u = 0; f->ecc && u < len; u += ps) {
        if (!all_are(p + u, ps, 0xFFu) && !all_are(d + u, ps, 0x00u)) {
            f->stats.violations++; /* a programmed unit may only be zeroed */
            return HERALD_E_FLASH;
        }
    }
    f->stats.programs++;
    f->stats.bytes_programmed += len;
    if (count_op(f)) {
        for (size_t i = 0; i < len; i++) {
            p[i] &= d[i];
        }
        return flush_range(f, addr, len);
    }
    if (f->cut_how == HERALD_FLASH_CUT_BITS) {
        uint32_t level = rng_next(f) % 6u;
        int invert = (int)(rng_next(f) & 1u);
        for (size_t i = 0; i < len; i++) {
            uint8_t clear = (uint8_t)(p[i] & ~d[i]);
            p[i] = (uint8_t)(p[i] & ~(clear & rng_mask(f, level, invert)));
        }
    } else if (f->cut_how == HERALD_FLASH_CUT_PREFIX) {
        size_t n = rng_next(f) % len;
        for (size_t i = 0; i < n; i++) {
            p[i] &= d[i];
        }
    }
    (void)flush_range(f, addr, len);
    return HERALD_E_FLASH;
}

static int ff_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    herald_flash_file_t *f = ctx;
    if (f->off) {
        return HERALD_E_FLASH;
    }
    if (addr > f->size || len > f->size - addr) {
        f->stats.violations++;
        return HERALD_E_INVALID_ARG;
    }
    memcpy(buf, f->mem + addr, len);
    for (unsigned i = 0; i < f->nstuck; i++) {
        uint32_t a = f->stuck[i].addr;
        if (a >= addr && a - addr < len) {
            uint8_t *b = (uint8_t *)buf + (a - addr);
            *b = (uint8_t)((*b & ~f->stuck[i].mask) | (f->stuck[i].value & f->stuck[i].mask));
        }
    }
    return 0;
}

/* CRC-32 (the usual reflected 0xEDB88320), for the file header. */
static uint32_t crc32_of(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n-- > 0u) {
        c ^= *p++;
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
        }
    }
    return ~c;
}

static const char HDR_MAGIC[8] = { 'H', 'E', 'R', 'A', 'L', 'D', 'Q', 'F' };

static int geometry_ok(const herald_flash_geometry_t *geo)
{
    uint32_t ps = geo->program_size;
    return (ps == 1u || ps == 4u || ps == 8u || ps == 16u) && geo->sector_size != 0u &&
           geo->sector_size % ps == 0u && geo->sector_count != 0u &&
           (uint64_t)geo->sector_size * geo->sector_count <= 0xFFFFFFFFu;
}

/* Whether the header block h says "a herald queue image of this format";
 * if so, its geometry. */
static int header_ok(const uint8_t *h, herald_flash_geometry_t *geo)
{
    if (memcmp(h, HDR_MAGIC, sizeof HDR_MAGIC) != 0 || herald_le32_get(h + 8) != HERALD_FLASH_FILE_VERSION ||
        crc32_of(h, 24u) != herald_le32_get(h + 24)) {
        return 0;
    }
    geo->sector_size = herald_le32_get(h + 12);
    geo->sector_count = herald_le32_get(h + 16);
    geo->program_size = herald_le32_get(h + 20);
    /* What a header may claim is bounded too, so a crafted one cannot have
     * a read-only `herald queue` map and walk gigabytes: sectors of 64 B to
     * 16 MiB, at most 4096 of them, 256 MiB in all. */
    return geometry_ok(geo) && geo->sector_size >= 64u && geo->sector_size <= (16u << 20) &&
           geo->sector_count <= 4096u && (uint64_t)geo->sector_size * geo->sector_count <= (256u << 20);
}

/* Write a complete new image (header, then erased sectors) to path.new and
 * rename it over path, so that path is never seen half made (and, the folder
 * synced, the name survives a host crash: a record appended next is durable). */
static herald_status_t create_headed(const char *path, const herald_flash_geometry_t *geo)
{
    char tmp[4200];
    uint8_t h[HERALD_FLASH_FILE_HDR_SIZE];
    uint8_t ff[4096];
    uint64_t left = (uint64_t)geo->sector_size * geo->sector_count;
    herald_status_t rc = HERALD_OK;
    int fd;
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.new", path) >= sizeof tmp) {
        return HERALD_E_FLASH;
    }
    /* A stale one (a creation cut short) goes first; O_EXCL and O_NOFOLLOW
     * then never write through a link someone planted under that name.
     * One creator at a time: the caller holds the empty file's lock. */
    (void)unlink(tmp);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        return HERALD_E_FLASH;
    }
    memset(h, 0, sizeof h);
    memcpy(h, HDR_MAGIC, sizeof HDR_MAGIC);
    herald_le32_put(h + 8, HERALD_FLASH_FILE_VERSION);
    herald_le32_put(h + 12, geo->sector_size);
    herald_le32_put(h + 16, geo->sector_count);
    herald_le32_put(h + 20, geo->program_size);
    herald_le32_put(h + 24, crc32_of(h, 24u));
    memset(ff, 0xFF, sizeof ff);
    if (write(fd, h, sizeof h) != (ssize_t)sizeof h) {
        rc = HERALD_E_FLASH;
    }
    while (rc == HERALD_OK && left > 0u) {
        size_t n = left < sizeof ff ? (size_t)left : sizeof ff;
        if (write(fd, ff, n) != (ssize_t)n) {
            rc = HERALD_E_FLASH;
        }
        left -= n;
    }
    if (rc == HERALD_OK && fsync(fd) != 0) {
        rc = HERALD_E_FLASH;
    }
    if (close(fd) != 0 && rc == HERALD_OK) {
        rc = HERALD_E_FLASH;
    }
    if (rc == HERALD_OK && herald_posix_rename_durable(tmp, path) != 0) {
        rc = HERALD_E_FLASH;
    }
    if (rc != HERALD_OK) {
        (void)unlink(tmp);
    }
    return rc;
}

/* HEADER mode: open path, creating it first when it is missing or empty.
 * The creator holds the empty file's lock; a process that waited on it sees
 * afterwards that path names another file now and opens that one. */
static herald_status_t open_headed(herald_flash_file_t *f, const char *path, int *fd_out)
{
    char real[PATH_MAX];
    for (int tries = 0; tries < 8; tries++) {
        struct stat st, now;
        herald_status_t rc;
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0 || fstat(fd, &st) != 0) {
            if (fd >= 0) {
                (void)close(fd);
            }
            return HERALD_E_FLASH;
        }
        if (st.st_size > 0) {
            *fd_out = fd;
            return HERALD_OK;
        }
        if (flock(fd, LOCK_EX) != 0 || fstat(fd, &st) != 0) {
            (void)close(fd);
            return HERALD_E_FLASH;
        }
        /* Through a symbolic link, the file it names is the one made (the
         * link stays a link). */
        if (realpath(path, real) == NULL) {
            (void)close(fd);
            return HERALD_E_FLASH;
        }
        if (stat(real, &now) == 0 && now.st_ino == st.st_ino && now.st_dev == st.st_dev && st.st_size == 0) {
            rc = create_headed(real, &f->geo);
            if (rc != HERALD_OK) {
                (void)close(fd);
                return rc;
            }
        }
        (void)close(fd); /* and its lock: look again at what path is now */
    }
    return HERALD_E_FLASH;
}

static herald_status_t map_file(herald_flash_file_t *f, size_t total)
{
    void *m = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, f->fd, 0);
    if (m == MAP_FAILED) {
        return HERALD_E_FLASH;
    }
    f->mem = (uint8_t *)m + f->hdr;
    return HERALD_OK;
}

/* HEADER mode: check what the file says it is before anything is mapped
 * writable; a file that is not an image is left as it was. */
static herald_status_t open_file_headed(herald_flash_file_t *f, const char *path)
{
    uint8_t h[HERALD_FLASH_FILE_HDR_SIZE];
    herald_flash_geometry_t geo;
    struct stat st;
    herald_status_t rc = open_headed(f, path, &f->fd);
    if (rc != HERALD_OK) {
        return rc;
    }
    if (fstat(f->fd, &st) != 0) {
        return HERALD_E_FLASH;
    }
    if ((uint64_t)st.st_size < sizeof h || pread(f->fd, h, sizeof h, 0) != (ssize_t)sizeof h ||
        !header_ok(h, &geo) ||
        (uint64_t)st.st_size != sizeof h + (uint64_t)geo.sector_size * geo.sector_count) {
        return HERALD_E_QUEUE_FOREIGN;
    }
    f->geo = geo;
    f->size = (size_t)geo.sector_size * geo.sector_count;
    f->hdr = sizeof h;
    return map_file(f, f->hdr + f->size);
}

/* Map the file, creating it erased when it is new.  Creation happens under
 * the lock so that a second process never maps a half-initialised image; an
 * existing image is opened without waiting for a lock holder. */
static herald_status_t open_file(herald_flash_file_t *f, const char *path)
{
    struct stat st;
    herald_status_t rc = HERALD_OK;
    int locked = 0, created = 0;
    f->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (f->fd < 0 || fstat(f->fd, &st) != 0) {
        return HERALD_E_FLASH;
    }
    if (st.st_size == 0) {
        locked = 1;
        if (flock(f->fd, LOCK_EX) != 0 || fstat(f->fd, &st) != 0) {
            rc = HERALD_E_FLASH;
        } else if (st.st_size == 0) {
            created = 1;
            rc = ftruncate(f->fd, (off_t)f->size) == 0 ? HERALD_OK : HERALD_E_FLASH;
        }
    }
    if (rc == HERALD_OK && (uint64_t)st.st_size != (uint64_t)f->size && !created) {
        rc = HERALD_E_INVALID_ARG;
    }
    if (rc == HERALD_OK) {
        rc = map_file(f, f->size);
    }
    if (rc == HERALD_OK && created) {
        memset(f->mem, 0xFF, f->size);
        if (msync(f->mem, f->size, MS_SYNC) != 0) {
            rc = HERALD_E_FLASH;
        }
    }
    if (locked) {
        (void)flock(f->fd, LOCK_UN);
    }
    return rc;
}

herald_status_t herald_flash_file_open(herald_flash_file_t *f, const char *path,
                                       const herald_flash_geometry_t *geo, unsigned flags,
                                       herald_flash_t *out)
{
    herald_status_t rc;
    if (!f || !geo || !out) {
        return HERALD_E_INVALID_ARG;
    }
    memset(f, 0, sizeof *f);
    f->fd = -1;
    if (!geometry_ok(geo)) {
        return HERALD_E_INVALID_ARG;
    }
    f->geo = *geo;
    f->size = (size_t)geo->sector_size * geo->sector_count;
    f->sync = (flags & HERALD_FLASH_FILE_NO_SYNC) ? 0 : 1;
    f->ecc = (flags & HERALD_FLASH_FILE_ECC) ? 1 : 0;
    if (path && (flags & HERALD_FLASH_FILE_HEADER)) {
        rc = open_file_headed(f, path); /* the file's geometry replaces geo */
    } else if (path) {
        rc = open_file(f, path);
    } else {
        f->mem = malloc(f->size);
        rc = f->mem ? HERALD_OK : HERALD_E_NOSPACE;
        if (f->mem) {
            memset(f->mem, 0xFF, f->size);
        }
    }
    if (rc == HERALD_OK) {
        f->sector_erases = calloc(f->geo.sector_count, sizeof *f->sector_erases);
        rc = f->sector_erases ? HERALD_OK : HERALD_E_NOSPACE;
    }
    if (rc != HERALD_OK) {
        herald_flash_file_close(f);
        return rc;
    }
    out->erase = ff_erase;
    out->program = ff_program;
    out->read = ff_read;
    out->geometry = f->geo;
    out->ctx = f;
    return HERALD_OK;
}

void herald_flash_file_close(herald_flash_file_t *f)
{
    if (f->fd >= 0) {
        if (f->mem) {
            (void)munmap(f->mem - f->hdr, f->hdr + f->size);
        }
        (void)close(f->fd);
    } else {
        free(f->mem);
    }
    free(f->sector_erases);
    f->mem = NULL;
    f->sector_erases = NULL;
    f->fd = -1;
}

void herald_flash_file_cut(herald_flash_file_t *f, uint64_t after_ops, herald_flash_cut_t how, uint32_t seed)
{
    f->cut_armed = 1;
    f->cut_stays_on = 0;
    f->cut_left = after_ops;
    f->cut_how = how;
    f->rng = seed ^ 0x9E3779B9u;
    if (f->rng == 0u) {
        f->rng = 1u; /* xorshift never leaves 0 */
    }
}

void herald_flash_file_fail_once(herald_flash_file_t *f, uint64_t after_ops, herald_flash_cut_t how,
                                 uint32_t seed)
{
    herald_flash_file_cut(f, after_ops, how, seed);
    f->cut_stays_on = 1;
}

void herald_flash_file_power_on(herald_flash_file_t *f)
{
    f->off = 0;
    f->cut_armed = 0;
}

void herald_flash_file_flip(herald_flash_file_t *f, uint32_t addr, uint8_t mask)
{
    if (addr < f->size) {
        f->mem[addr] ^= mask;
        (void)flush_range(f, addr, 1u);
    }
}

int herald_flash_file_stick(herald_flash_file_t *f, uint32_t addr, uint8_t mask, uint8_t value)
{
    if (addr >= f->size || f->nstuck >= sizeof f->stuck / sizeof f->stuck[0]) {
        return 0;
    }
    f->stuck[f->nstuck].addr = addr;
    f->stuck[f->nstuck].mask = mask;
    f->stuck[f->nstuck].value = value;
    f->nstuck++;
    return 1;
}

void herald_flash_file_unstick_all(herald_flash_file_t *f)
{
    f->nstuck = 0;
}

herald_status_t herald_flash_file_lock(herald_flash_file_t *f, int wait)
{
    if (f->fd < 0) {
        return HERALD_OK;
    }
    for (;;) {
        if (flock(f->fd, LOCK_EX | (wait ? 0 : LOCK_NB)) == 0) {
            return HERALD_OK;
        }
        if (errno == EWOULDBLOCK) {
            return HERALD_E_BUSY;
        }
        if (errno != EINTR) {
            return HERALD_E_FLASH;
        }
    }
}

void herald_flash_file_unlock(herald_flash_file_t *f)
{
    if (f->fd >= 0) {
        (void)flock(f->fd, LOCK_UN);
    }
}
