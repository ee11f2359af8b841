/* SPDX-License-Identifier: Apache-2.0 */
/* CRC-32 (IEEE 802.3, as zlib and PNG): reflected, polynomial 0xEDB88320,
 * pre- and post-inverted.  Shared by the template image and the queue. */
#ifndef HERALD_CRC32_H
#define HERALD_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC over len more bytes; start with crc = 0.  Chaining works:
 * herald_crc32(herald_crc32(0, a, n), b, m) is the CRC of a followed by b.
 * herald_crc32(0, "123456789", 9) == 0xCBF43926. */
uint32_t herald_crc32(uint32_t crc, const void *data, size_t len);

#endif
