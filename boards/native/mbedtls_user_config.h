/* SPDX-License-Identifier: Apache-2.0 */
/* Mbed TLS on the Linux host: the library defaults (TLS 1.2 and 1.3 client,
 * session tickets for both, SNI, PSA crypto) plus what port/mbedtls needs.
 * Memory is plentiful here, so nothing is trimmed; record buffers stay at the
 * 16 KiB a server may use without max_fragment_length. */

/* Mbed TLS allocates only from a static heap, whose peak Herald reports
 * (mbedtls_memory_buffer_alloc_max_get needs MBEDTLS_MEMORY_DEBUG). */
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_MEMORY_DEBUG
#define MBEDTLS_PLATFORM_MEMORY
/* The static heap aligns blocks to 4 by default: too little for the
 * pointers in Mbed TLS's structs on a 64-bit host (UBSan reports the
 * misaligned access when port/mbedtls walks a certificate's SAN list). */
#define MBEDTLS_MEMORY_ALIGN_MULTIPLE 8

/* Every random byte (PSA key generation in TLS 1.3 and the SSL f_rng) comes
 * from the herald_rng_t seam: port/mbedtls/tls.c defines
 * mbedtls_psa_external_get_random().  The entropy module stays unused. */
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG

/* Certificate validity is checked against the herald_clock_t wall clock
 * given to herald_tls_platform_init(); without one, libc time(). */
#define MBEDTLS_PLATFORM_TIME_ALT
