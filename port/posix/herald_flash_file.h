/* SPDX-License-Identifier: Apache-2.0 */
/* A NOR-flash emulator behind the hal flash seam: the image is a file (the
 * CLI's persistent queue) or plain memory (fast tests).  It enforces the NOR
 * rules of hal/herald_flash.h instead of papering over them, counts wear, and
 * can cut the power at any chosen operation, landing that operation partially,
 * so the power-loss test can try every cut.  It can also damage bits: flip
 * one at rest, or make one stuck, so the tests can try bit damage too. */
#ifndef HERALD_FLASH_FILE_H
#define HERALD_FLASH_FILE_H

#include <stdint.h>
#include "hal/herald_flash.h"
#include "herald/status.h"

/* How the operation hit by a power cut lands.  Either way it returns
 * HERALD_E_FLASH and the device stays off until herald_flash_file_power_on(). */
typedef enum {
    HERALD_FLASH_CUT_CLEAN = 0, /* nothing of it lands */
    HERALD_FLASH_CUT_BITS = 1,  /* program: a pseudo-random subset of the bits
                                   it clears (possibly all or none); erase: a
                                   pseudo-random subset of the bytes go 0xFF.
                                   The density varies from cut to cut, from
                                   1/64 to 63/64 of the bits (erase: 1/64 to
                                   1/2 of the bytes) */
    HERALD_FLASH_CUT_PREFIX = 2 /* program: its first p bytes land (p < len);
                                   erase: the first p bytes go 0xFF (p < sector) */
} herald_flash_cut_t;

typedef struct {
    uint64_t ops; /* program + erase operations that reached the device */
    uint64_t programs;
    uint64_t erases;
    uint64_t bytes_programmed; /* sum of program lengths */
    uint32_t violations;       /* rule breaks caught: 0 -> 1, misaligned, out of
                                  range, and with ECC a unit programmed twice */
} herald_flash_stats_t;

/* One emulated device.  The fields are private to flash_file.c except that
 * tests may read stats and sector_erases, and read or damage mem directly. */
typedef struct herald_flash_file {
    herald_flash_geometry_t geo;
    uint8_t *mem; /* the image: mmap of the file, or heap memory */
    size_t size;
    int fd;                  /* -1 in memory mode */
    int sync;                /* msync after every operation (file mode) */
    int ecc;                 /* HERALD_FLASH_FILE_ECC */
    uint32_t *sector_erases; /* erase count per sector */
    herald_flash_stats_t stats;
    int cut_armed;
    int cut_stays_on;  /* fail_once: the device stays on */
    uint64_t cut_left; /* operations that still succeed before the cut */
    herald_flash_cut_t cut_how;
    uint32_t rng;
    int off;    /* power is off: every operation fails */
    size_t hdr; /* bytes of file header before the image (HEADER mode) */
    struct {
        uint32_t addr;
        uint8_t mask;  /* these bits of the byte at addr... */
        uint8_t value; /* ...read as these, whatever is programmed or erased */
    } stuck[8];
    unsigned nstuck;
} herald_flash_file_t;

/* Flags for herald_flash_file_open().
 * NO_SYNC: skip the msync after each operation (file mode): faster, but the
 *   image survives only a process crash, not a host crash.
 * ECC: also keep the stricter rule of parts with ECC per program unit: a
 *   unit that is not erased may only be programmed again with all zeros. */
#define HERALD_FLASH_FILE_NO_SYNC 1u
#define HERALD_FLASH_FILE_ECC 2u
/* HEADER (file mode): the file starts with a header block that says what it
 * is, and the image follows it.  The header (HERALD_FLASH_FILE_HDR_SIZE
 * bytes, little-endian): "HERALDQF", format version (1), sector size,
 * sector count, program size, and the CRC-32 of those 24 bytes; the rest of
 * the block is zero.  A missing or empty file is created with geo, complete
 * (header and erased image, synced) before it appears under path; an
 * existing file is used with the geometry its header records (geo is only
 * the default for a new one), and one without a valid header, of another
 * format version or of the wrong size is refused and left untouched. */
#define HERALD_FLASH_FILE_HEADER 4u
#define HERALD_FLASH_FILE_HDR_SIZE 4096u
#define HERALD_FLASH_FILE_VERSION 1u

/* Open the emulator over the file at path, or over fresh memory when path is
 * NULL, and fill *out with the seam (out->geometry is the one in use: with
 * HEADER, the file's).  A missing or empty file is created erased (all
 * 0xFF); an existing file must be exactly sector_size * sector_count bytes
 * (with HEADER: see above).  In file mode every program and erase is flushed with
 * msync before it returns, so operations reach the disk in order.
 * HERALD_OK; HERALD_E_INVALID_ARG: bad geometry (program_size not 1/4/8/16,
 * sector_size not a multiple of it, zero sectors, over 4 GiB) or an existing
 * file of another size; HERALD_E_QUEUE_FOREIGN (HEADER): the file is not
 * one of these images; HERALD_E_FLASH: the file could not be opened, sized
 * or mapped; HERALD_E_NOSPACE: out of memory. */
herald_status_t herald_flash_file_open(herald_flash_file_t *f, const char *path,
                                       const herald_flash_geometry_t *geo, unsigned flags,
                                       herald_flash_t *out);

/* Unmap or free the image and close the file (releasing any lock). */
void herald_flash_file_close(herald_flash_file_t *f);

/* Arm a power cut: the next after_ops program/erase operations succeed, the
 * one after them is cut and lands as `how` says (the partial pattern comes
 * from seed, so a run can be repeated exactly), then the device is off and
 * every operation, reads included, fails with HERALD_E_FLASH. */
void herald_flash_file_cut(herald_flash_file_t *f, uint64_t after_ops, herald_flash_cut_t how, uint32_t seed);

/* Arm a one-off failure instead: like herald_flash_file_cut(), but the
 * device stays on, so the caller carries on after the failed operation (a
 * program or erase error that left its range half done). */
void herald_flash_file_fail_once(herald_flash_file_t *f, uint64_t after_ops, herald_flash_cut_t how,
                                 uint32_t seed);

/* "Reboot": power on with no cut armed.  The image keeps what landed. */
void herald_flash_file_power_on(herald_flash_file_t *f);

/* Bit damage.  flip inverts the bits of mask in the byte at addr, at rest
 * (the next erase or program acts on the damaged byte as on any other).
 * stick makes the bits of mask at addr read as the same bits of value from
 * now on, whatever is programmed or erased there (the part does not verify:
 * programs and erases still report success); up to 8 bytes; returns 0 when
 * the table is full or addr is outside the image.  unstick_all repairs them. */
void herald_flash_file_flip(herald_flash_file_t *f, uint32_t addr, uint8_t mask);
int herald_flash_file_stick(herald_flash_file_t *f, uint32_t addr, uint8_t mask, uint8_t value);
void herald_flash_file_unstick_all(herald_flash_file_t *f);

/* Take the image file's lock (flock) so two processes never use one queue
 * file at once.  wait != 0 blocks until it is free.  Hold it from before
 * herald_flash_queue_init() until the queue is no longer used: the queue
 * keeps its place in RAM, so after another process had the lock it must be
 * initialised again.  HERALD_OK (also in memory mode); HERALD_E_BUSY: held
 * by another open file and wait == 0; HERALD_E_FLASH: flock failed. */
herald_status_t herald_flash_file_lock(herald_flash_file_t *f, int wait);
void herald_flash_file_unlock(herald_flash_file_t *f);

#endif
