/* SPDX-License-Identifier: Apache-2.0 */
/* The NOR-flash seam: sector erase, program and read over one flash region,
 * with the rules of NOR flash written down: the queue above it is safe
 * against power loss on any part that keeps them (and is tested so, at every
 * cut, on an emulator that enforces them), and loses to bit damage only the
 * record that was hit (below).
 *
 * Rules:
 *   - erase(sector) sets every byte of the sector to 0xFF.
 *   - program(addr, data, len) can only clear bits (1 -> 0): every bit that is
 *     1 in data must still be 1 in flash.  addr and len are multiples of
 *     geometry.program_size, len > 0, and the range lies inside one sector;
 *     the port splits it into the device's pages itself.
 *     Parts with ECC per unit allow a unit to be programmed once after an
 *     erase and then only with all zeros; the queue keeps to that too.
 *   - read(addr, buf, len) any range inside the region, any alignment.
 *   - If power fails during an erase or a program, the range touched may be
 *     left in any intermediate state: for a program, any subset of the bits
 *     it was clearing; for an erase, any mix of 0xFF and the old bytes.  An
 *     operation that returns an error may also have landed partially.
 *
 * Bit damage (not a rule the part keeps, but what the queue is tested
 * against too): a bit may flip at rest, or be stuck at 0 or 1 so that it
 * reads so whatever is programmed or erased, with no error reported.  What
 * the flash queue promises then (firmware/include/herald/queue.h):
 *   - lost: only the record whose bytes were damaged (header, CRC or body);
 *     damage to a sector header (one copy; both: see queue.h), a mark,
 *     padding or erased space costs nothing; a record written over a stuck
 *     bit fails its commit (the caller still holds it) rather than being
 *     lost later;
 *   - reported: every record lost to damage is counted once (except in a
 *     sector that lost both header copies and cannot be placed, queue.h) in
 *     herald_counters()->damaged (and said by the CLI's queue, drain and
 *     stats commands);
 *   - never: an intact record lost, a damaged record delivered, a retired
 *     record delivered again, or a sector erased that still holds a record
 *     that checks out and was not retired.
 *
 * Return contract, for every function: 0 done, or a negative
 * herald_status_t: HERALD_E_FLASH when the device failed or broke a rule
 * above, HERALD_E_INVALID_ARG for an address or length outside the region. */
#ifndef HERALD_HAL_FLASH_H
#define HERALD_HAL_FLASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t sector_size;  /* bytes per erase sector, a multiple of program_size */
    uint32_t sector_count; /* sectors in the region; addresses run 0..size*count-1 */
    uint32_t program_size; /* program granularity in bytes: 1, 4, 8 or 16 */
} herald_flash_geometry_t;

typedef struct herald_flash {
    int (*erase)(void *ctx, uint32_t sector);
    int (*program)(void *ctx, uint32_t addr, const void *data, size_t len);
    int (*read)(void *ctx, uint32_t addr, void *buf, size_t len);
    herald_flash_geometry_t geometry;
    void *ctx;
} herald_flash_t;

#endif
