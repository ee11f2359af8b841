/* SPDX-License-Identifier: Apache-2.0 */
/* FNV-1a, the one copy: 64-bit for the coalescing hash of a notification,
 * 32-bit for the template cache's index.  One loop serves both widths: in
 * 64-bit arithmetic the low 32 bits of xor and multiply depend only on the
 * low 32 bits of the operands, so truncating a run with the 32-bit offset
 * and prime gives exactly FNV-1a-32. */
#ifndef HERALD_FNV_H
#define HERALD_FNV_H

#include <stddef.h>
#include <stdint.h>

#define HERALD_FNV64_OFFSET 0xcbf29ce484222325u
#define HERALD_FNV64_PRIME 0x100000001b3u
#define HERALD_FNV32_OFFSET 2166136261u
#define HERALD_FNV32_PRIME 16777619u

/* Continue hash h over s[0..n) with the given prime. */
static inline uint64_t herald_fnv1a(uint64_t h, uint64_t prime, const char *s, size_t n)
{
    for (size_t i = 0u; i < n; i++) {
        h = (h ^ (uint8_t)s[i]) * prime;
    }
    return h;
}

static inline uint32_t herald_fnv1a32(const char *s, size_t n)
{
    return (uint32_t)herald_fnv1a(HERALD_FNV32_OFFSET, HERALD_FNV32_PRIME, s, n);
}

#endif
