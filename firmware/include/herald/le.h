/* SPDX-License-Identifier: Apache-2.0 */
/* Little-endian fields, byte by byte, so a buffer need not be aligned and the
 * layout on flash is the same on every CPU.  The one copy: the flash queue,
 * the RAM queue, the template image and the queue file's header use it. */
#ifndef HERALD_LE_H
#define HERALD_LE_H

#include <stddef.h>
#include <stdint.h>

/* Write the low n bytes of v (n <= 8), least significant first. */
static inline void herald_le_put(uint8_t *p, uint64_t v, size_t n)
{
    for (size_t i = 0u; i < n; i++) {
        p[i] = (uint8_t)(v >> (8u * i));
    }
}

/* Read n bytes (n <= 8), least significant first. */
static inline uint64_t herald_le_get(const uint8_t *p, size_t n)
{
    uint64_t v = 0u;
    for (size_t i = n; i > 0u; i--) {
        v = (v << 8) | p[i - 1u];
    }
    return v;
}

static inline void herald_le32_put(uint8_t *p, uint32_t v)
{
    herald_le_put(p, v, 4u);
}

static inline uint32_t herald_le32_get(const uint8_t *p)
{
    return (uint32_t)herald_le_get(p, 4u);
}

static inline void herald_le16_put(uint8_t *p, uint16_t v)
{
    herald_le_put(p, v, 2u);
}

static inline uint16_t herald_le16_get(const uint8_t *p)
{
    return (uint16_t)herald_le_get(p, 2u);
}

#endif
