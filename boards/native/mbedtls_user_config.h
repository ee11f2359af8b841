/* SPDX-License-Identifier: Apache-2.0 */
/* Mbed TLS on the Linux host: the library defaults plus a static heap whose
 * peak use Herald reports. */
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_MEMORY_DEBUG
#define MBEDTLS_PLATFORM_MEMORY
