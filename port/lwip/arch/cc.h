/* SPDX-License-Identifier: Apache-2.0 */
/* lwIP's compiler and platform glue for bare-metal GCC with newlib: the
 * standard headers are there, diagnostics go to the board's console, and a
 * failed lwIP assertion stops the board. */
#ifndef HERALD_LWIP_ARCH_CC_H
#define HERALD_LWIP_ARCH_CC_H

#include <stdint.h>

void herald_lwip_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void herald_lwip_assert(const char *msg, const char *file, int line) __attribute__((noreturn));

#define LWIP_PLATFORM_DIAG(x) \
    do { \
        herald_lwip_diag x; \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x) herald_lwip_assert((x), __FILE__, __LINE__)

#endif
