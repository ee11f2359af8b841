/* SPDX-License-Identifier: Apache-2.0 */
/* NOR flash kept in a host file through semihosting: the queue's flash on
 * this board.  Every erase and program is written to the file before it
 * returns, so stopping QEMU at any moment is a power cut between two flash
 * operations.  The NOR rules of hal/herald_flash.h are enforced: a program
 * that would set a bit fails with HERALD_E_FLASH and writes nothing. */
#ifndef BOARD_FLASH_SH_H
#define BOARD_FLASH_SH_H

#include "hal/herald_flash.h"

/* 8 sectors of 4 KiB, programmed in 8-byte units (like an MCU's internal
 * flash with ECC). */
#define BOARD_FLASH_SECTOR_SIZE 4096u
#define BOARD_FLASH_SECTORS 8u
#define BOARD_FLASH_PROGRAM_SIZE 8u

typedef struct {
    herald_flash_t flash;
    int fd;
} board_flash_sh_t;

/* Open (or create, erased) the host file at path and return the seam, or
 * NULL when the file cannot be opened or sized. */
const herald_flash_t *board_flash_sh_open(board_flash_sh_t *f, const char *path);

#endif
