/* SPDX-License-Identifier: Apache-2.0 */
/* Mbed TLS 3.6 for Herald on a Cortex-M3: the complete configuration (it
 * replaces the library default, it does not amend it).  Only what Herald
 * uses: a TLS 1.3 and 1.2 client, ECDHE on P-256 with ECDSA certificates,
 * AES-128/256-GCM, SHA-256, X.509 parsing, session tickets for resumption,
 * a static heap, and randomness and time from the hal seams. */
#ifndef BOARD_MBEDTLS_CONFIG_H
#define BOARD_MBEDTLS_CONFIG_H

/* ---- platform: no libc allocator, no stdio, no OS ------------------------ */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
/* The wall clock (certificate validity) comes from herald_clock_t through
 * herald_tls_platform_init(); milliseconds (ticket age) from SysTick. */
#define MBEDTLS_PLATFORM_TIME_ALT
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#define MBEDTLS_PLATFORM_GMTIME_R_ALT /* board: no newlib gmtime */
/* Allocation only from the static heap, with its peak tracked for `make size`. */
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_MEMORY_DEBUG
/* MEMORY_DEBUG's diagnostics would print to stderr: there is none. */
#define MBEDTLS_PLATFORM_FPRINTF_MACRO(stream, ...) ((void)0)
#define MBEDTLS_PLATFORM_PRINTF_MACRO(...) ((void)0)
/* OID and DN text (certificate names in errors): the board's snprintf. */
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO snprintf
#define MBEDTLS_PLATFORM_EXIT_MACRO exit

/* ---- randomness: every byte from the board's herald_rng_t ---------------- */
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG

/* ---- crypto -------------------------------------------------------------- */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_USE_PSA_CRYPTO
#define MBEDTLS_PSA_KEY_SLOT_COUNT 8
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES /* tables in flash, not built in RAM */
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_GCM_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_HKDF_C /* TLS 1.3 key schedule */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C

/* ---- X.509: parse and verify the server's chain against the PEM CA ------- */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_REMOVE_INFO
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_BASE64_C

/* ---- TLS client ---------------------------------------------------------- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE /* required by TLS 1.3 in 3.6 */
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_SERVER_NAME_INDICATION

/* Record buffers.  Outgoing requests are small, so 2 KiB records.  Incoming:
 * 4 KiB covers every record the simulator (OpenSSL) sends, whose whole
 * handshake flight is under 2 KiB; a server that sends a long chain in one
 * record needs up to 16 KiB here (TLS 1.3 has no way to ask for less from
 * servers without record_size_limit support). */
#define MBEDTLS_SSL_IN_CONTENT_LEN 4096
#define MBEDTLS_SSL_OUT_CONTENT_LEN 2048

#endif
