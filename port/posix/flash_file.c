/* SPDX-License-Identifier: Apache-2.0 */
/* NOR-flash emulator: file-backed (mmap, shared) or in memory.  Rule breaks
 * are errors and are counted, never silently fixed, so a test can assert the
 * queue above never breaks one. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "port/posix/herald_flash_file.h"

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
    size_t start = off - off % page;
    if (f->fd < 0 || !f->sync) {
        return 0;
    }
    return msync(f->mem + start, off + len - start, MS_SYNC) == 0 ? 0 : HERALD_E_FLASH;
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
    return 0;
}

/* Map the file, creating it erased when it is new.  Creation happens under
 * the lock so that a second process never maps a half-initialised image; an
 * existing image is opened without waiting for a lock holder. */
static herald_status_t open_file(herald_flash_file_t *f, const char *path)
{
    struct stat st;
    herald_status_t rc = HERALD_OK;
    int locked = 0, created = 0;
    void *m;
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
        m = mmap(NULL, f->size, PROT_READ | PROT_WRITE, MAP_SHARED, f->fd, 0);
        if (m == MAP_FAILED) {
            rc = HERALD_E_FLASH;
        } else {
            f->mem = m;
        }
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

herald_status_t herald_flash_file_open(herald_flash_file_t *f, const char *path, const herald_flash_geometry_t *geo,
                                       unsigned flags, herald_flash_t *out)
{
    herald_status_t rc;
    uint32_t ps;
    if (!f || !geo || !out) {
        return HERALD_E_INVALID_ARG;
    }
    ps = geo->program_size;
    memset(f, 0, sizeof *f);
    f->fd = -1;
    if ((ps != 1u && ps != 4u && ps != 8u && ps != 16u) || geo->sector_size == 0u ||
        geo->sector_size % ps != 0u || geo->sector_count == 0u ||
        (uint64_t)geo->sector_size * geo->sector_count > 0xFFFFFFFFu) {
        return HERALD_E_INVALID_ARG;
    }
    f->geo = *geo;
    f->size = (size_t)geo->sector_size * geo->sector_count;
    f->sync = (flags & HERALD_FLASH_FILE_NO_SYNC) ? 0 : 1;
    f->ecc = (flags & HERALD_FLASH_FILE_ECC) ? 1 : 0;
    f->sector_erases = calloc(geo->sector_count, sizeof *f->sector_erases);
    if (!f->sector_erases) {
        return HERALD_E_NOSPACE;
    }
    if (path) {
        rc = open_file(f, path);
    } else {
        f->mem = malloc(f->size);
        rc = f->mem ? HERALD_OK : HERALD_E_NOSPACE;
        if (f->mem) {
            memset(f->mem, 0xFF, f->size);
        }
    }
    if (rc != HERALD_OK) {
        herald_flash_file_close(f);
        return rc;
    }
    out->erase = ff_erase;
    out->program = ff_program;
    out->read = ff_read;
    out->geometry = *geo;
    out->ctx = f;
    return HERALD_OK;
}

void herald_flash_file_close(herald_flash_file_t *f)
{
    if (f->fd >= 0) {
        if (f->mem) {
            (void)munmap(f->mem, f->size);
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

void herald_flash_file_fail_once(herald_flash_file_t *f, uint64_t after_ops, herald_flash_cut_t how, uint32_t seed)
{
    herald_flash_file_cut(f, after_ops, how, seed);
    f->cut_stays_on = 1;
}

void herald_flash_file_power_on(herald_flash_file_t *f)
{
    f->off = 0;
    f->cut_armed = 0;
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
