/* SPDX-License-Identifier: Apache-2.0 */
/* NOR flash over a semihosted host file. */
#include <string.h>

#include "flash_sh.h"
#include "herald/status.h"
#include "semihost.h"

#define REGION_SIZE (BOARD_FLASH_SECTOR_SIZE * BOARD_FLASH_SECTORS)
#define CHUNK 64u

static int fl_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    board_flash_sh_t *f = ctx;
    if (addr > REGION_SIZE || len > REGION_SIZE - addr) {
        return HERALD_E_INVALID_ARG;
    }
    if (len == 0) {
        return 0;
    }
    return sh_seek(f->fd, addr) == 0 && sh_read(f->fd, buf, len) == 0 ? 0 : HERALD_E_FLASH;
}

static int fl_erase(void *ctx, uint32_t sector)
{
    board_flash_sh_t *f = ctx;
    uint8_t ff[CHUNK];
    if (sector >= BOARD_FLASH_SECTORS) {
        return HERALD_E_INVALID_ARG;
    }
    memset(ff, 0xFF, sizeof ff);
    if (sh_seek(f->fd, sector * BOARD_FLASH_SECTOR_SIZE) != 0) {
        return HERALD_E_FLASH;
    }
    for (uint32_t off = 0; off < BOARD_FLASH_SECTOR_SIZE; off += CHUNK) {
        if (sh_write(f->fd, ff, CHUNK) != 0) {
            return HERALD_E_FLASH;
        }
    }
    return 0;
}

/* Check the whole range first, so a refused program changes nothing. */
static int fl_program(void *ctx, uint32_t addr, const void *data, size_t len)
{
    board_flash_sh_t *f = ctx;
    const uint8_t *d = data;
    uint8_t old[CHUNK];
    if (len == 0 || addr % BOARD_FLASH_PROGRAM_SIZE != 0u || len % BOARD_FLASH_PROGRAM_SIZE != 0u ||
        addr >= REGION_SIZE || len > REGION_SIZE - addr ||
        addr / BOARD_FLASH_SECTOR_SIZE != (addr + (uint32_t)len - 1u) / BOARD_FLASH_SECTOR_SIZE) {
        return HERALD_E_INVALID_ARG;
    }
    for (size_t off = 0; off < len; off += CHUNK) {
        size_t n = len - off < CHUNK ? len - off : CHUNK;
        if (fl_read(f, addr + (uint32_t)off, old, n) != 0) {
            return HERALD_E_FLASH;
        }
        for (size_t i = 0; i < n; i++) {
            if ((uint8_t)(d[off + i] & ~old[i]) != 0u) {
                return HERALD_E_FLASH; /* would set a bit: NOR cannot */
            }
        }
    }
    if (sh_seek(f->fd, addr) != 0 || sh_write(f->fd, d, len) != 0) {
        return HERALD_E_FLASH;
    }
    return 0;
}

const herald_flash_t *board_flash_sh_open(board_flash_sh_t *f, const char *path)
{
    memset(f, 0, sizeof *f);
    f->fd = sh_open(path, SH_MODE_RPB);
    if (f->fd < 0) {
        f->fd = sh_open(path, SH_MODE_WPB);
    }
    if (f->fd < 0) {
        return NULL;
    }
    long len = sh_flen(f->fd);
    f->flash.erase = fl_erase;
    f->flash.program = fl_program;
    f->flash.read = fl_read;
    f->flash.geometry.sector_size = BOARD_FLASH_SECTOR_SIZE;
    f->flash.geometry.sector_count = BOARD_FLASH_SECTORS;
    f->flash.geometry.program_size = BOARD_FLASH_PROGRAM_SIZE;
    f->flash.ctx = f;
    /* A new (or short) file is a factory-fresh part: erased. */
    if (len != (long)REGION_SIZE) {
        for (uint32_t s = 0; s < BOARD_FLASH_SECTORS; s++) {
            if (fl_erase(f, s) != 0) {
                (void)sh_close(f->fd);
                return NULL;
            }
        }
    }
    return &f->flash;
}
