/* SPDX-License-Identifier: Apache-2.0 */
/* A TLS client session over a lower herald_net_t (TCP), presenting
 * herald_net_t upward, so the HTTP client cannot tell it from plain TCP.
 * Mbed TLS 3.6, TLS 1.2 and 1.3, certificate verification always required.
 *
 * Mbed TLS keeps three things process-wide, so they are set up once by
 * herald_tls_platform_init(): the static heap (mbedtls_memory_buffer_alloc
 * has one heap per process), the random source (PSA's external RNG) and the
 * wall clock for certificate validity (mbedtls_platform_set_time). Sessions
 * are single-threaded, like the agent. */
#ifndef HERALD_TLS_H
#define HERALD_TLS_H

#include <stddef.h>
#include <stdint.h>
#include "hal/herald_clock.h"
#include "hal/herald_net.h"
#include "hal/herald_rng.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

/* The structs below must have the layout the library was built with, and the
 * port takes its randomness through PSA's external RNG. */
#if !defined(MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG)
#error \
    "herald_tls.h: build with the board's Mbed TLS config (MBEDTLS_USER_CONFIG_FILE), which must define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG"
#endif

/* ---- process-wide setup ------------------------------------------------ */

/* Point every Mbed TLS allocation at heap[0..heap_len), take all randomness
 * from rng (it must be of cryptographic quality: getrandom, a conditioned
 * TRNG), check certificate validity against wall_clock->wall_s (may be NULL:
 * then libc time() on the host; a wall_s < 0 reads as 1970, so certificates
 * fail as "not yet valid" until the time is known), then psa_crypto_init().
 * rng and wall_clock are copied; heap must outlive herald_tls_platform_free().
 * HERALD_OK; HERALD_E_BUSY when already set up; HERALD_E_INVALID_ARG for a
 * NULL heap or rng; HERALD_E_NOT_SUPPORTED for a wall clock when the Mbed TLS
 * config lacks MBEDTLS_PLATFORM_TIME_ALT; HERALD_E_TLS when PSA fails. */
int herald_tls_platform_init(uint8_t *heap, size_t heap_len, const herald_rng_t *rng,
                             const herald_clock_t *wall_clock);

/* Undo herald_tls_platform_init() once every session has been freed. */
void herald_tls_platform_free(void);

/* Static heap use: bytes in allocated blocks and the number of blocks, now
 * and at the peak since start-up or the last herald_tls_heap_reset_peak().
 * Each block also costs the allocator a header of 8 words (64 bytes on a
 * 64-bit host, 32 on a Cortex-M), so size the heap for at least
 * peak_bytes + peak_blocks * header plus room for fragmentation.  All zero when
 * the Mbed TLS config lacks MBEDTLS_MEMORY_DEBUG. */
typedef struct {
    size_t bytes;
    size_t blocks;
    size_t peak_bytes;
    size_t peak_blocks;
} herald_tls_heap_stats_t;

herald_tls_heap_stats_t herald_tls_heap_stats(void);
void herald_tls_heap_reset_peak(void);

/* Sizing, as measured by tests/unit/test_tls.c on the native board (library
 * defaults: 16 KiB records; one P-256 server certificate under one CA): the
 * smallest heap that carries a full and then a resumed connection is about
 * 68 KB for TLS 1.3 and 52 KB for TLS 1.2.  Each trusted CA adds about
 * 3.4 KB while the session exists: a 144-certificate system bundle needs
 * about 500 KB, so pin the platform's CA rather than load a bundle. */

/* ---- one session --------------------------------------------------------- */

typedef enum { HERALD_TLS_1_2 = 2, HERALD_TLS_1_3 = 3 } herald_tls_version_t;

typedef struct {
    /* Trusted CAs as PEM text; ca_pem_len counts the terminating NUL, which
     * must be there (sizeof a string array, or strlen() + 1). */
    const char *ca_pem;
    size_t ca_pem_len;
    /* Name for SNI and the certificate check; NULL means the host given to
     * connect().  A host name is sent as SNI and checked by Mbed TLS (dNSName
     * SANs, wildcards, the CN when there are no SANs).  An IP literal (IPv4,
     * IPv6) is not sent as SNI (RFC 6066) and matches iPAddress SANs only,
     * never a dNSName or the CN (RFC 9525 section 6.2). */
    const char *server_name;
    herald_tls_version_t min_version;
    herald_tls_version_t max_version;
} herald_tls_config_t;

typedef struct {
    uint32_t full_handshakes;
    uint32_t resumed_handshakes;
    uint64_t bytes_sent; /* on the lower transport, all connections */
    uint64_t bytes_received;
    uint32_t handshake_sent; /* lower-transport bytes of the last completed handshake */
    uint32_t handshake_received;
} herald_tls_stats_t;

/* The session.  Owned by the caller; the fields are private to tls.c. */
typedef struct herald_tls {
    const herald_net_t *lower;
    int state;
    int fail;             /* the status a failed stream keeps giving */
    int lower_err;        /* the lower transport's error, passed up */
    int fixed_name;       /* 1: host[] came from the config */
    char host[256];       /* the name being verified */
    unsigned char ip[16]; /* host as an address, when it is an IP literal */
    size_t ip_len;        /* 4 or 16 for an IP literal, 0 for a host name */
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl; /* set up per connection, freed by close */
    int ssl_live;
    mbedtls_x509_crt ca;
    mbedtls_ssl_session saved; /* for resumption on the next connect */
    int have_saved;
    uint32_t certs_verified; /* verify callbacks in this handshake */
    uint32_t verify_flags;   /* MBEDTLS_X509_BADCERT_* of the last failure */
    int last_mbedtls_err;
    uint64_t hs_sent0, hs_received0;
    herald_tls_stats_t stats;
} herald_tls_t;

/* Parse the CAs (onto the static heap) and fill *out with the seam:
 *
 * connect(host, port): drives lower->connect, then the handshake, without
 *   blocking; offers the session saved from the last connection.  1 done,
 *   0 in progress (call again), HERALD_E_TLS_VERIFY when the server's
 *   certificate failed (see herald_tls_verify_reason),
 *   HERALD_E_TLS_KEY_USAGE when its only fault is that its key usage or
 *   extended key usage does not allow a TLS server, HERALD_E_TLS for any
 *   other TLS failure (protocol, alert, not TLS at all, out of heap), or the
 *   lower transport's error (HERALD_E_NET, HERALD_E_NET_CLOSED).  There is
 *   no timeout here: the caller tracks time and calls close().
 * send(): >0 bytes taken, 0 would block (call again with the same bytes),
 *   <0 as for connect; HERALD_E_NET when not connected, HERALD_E_INVALID_ARG
 *   for len 0.
 * recv(): >0 bytes, 0 nothing yet, HERALD_E_NET_CLOSED on close_notify or
 *   EOF, <0 as for send.  TLS 1.3 session tickets are taken silently.  Call
 *   it until it gives 0 before sleeping on the socket: a record larger than
 *   len stays buffered inside Mbed TLS, invisible to poll().
 * close(): sends close_notify (best effort), closes the lower transport and
 *   keeps the saved session for the next connect.
 *
 * HERALD_OK; HERALD_E_INVALID_ARG for missing arguments or a ca_pem without
 * its NUL; HERALD_E_NOT_SUPPORTED for a version this build lacks;
 * HERALD_E_NOSPACE when the CAs do not fit in the static heap; HERALD_E_TLS
 * when no CA could be parsed. */
int herald_tls_init(herald_tls_t *t, const herald_tls_config_t *cfg, const herald_net_t *lower,
                    herald_net_t *out);

/* Close and give everything back to the static heap. */
void herald_tls_free(herald_tls_t *t);

/* Forget the saved session: the next connect does a full handshake. */
void herald_tls_forget_session(herald_tls_t *t);

/* Why the last connect gave HERALD_E_TLS_VERIFY or HERALD_E_TLS_KEY_USAGE
 * (then "wrong key usage"): "not trusted", "expired",
 * "not yet valid", "host name mismatch", "revoked", "wrong key usage",
 * "weak algorithm or key", "no certificate", "verification failed"; "" when
 * the last handshake did not fail verification.  Kept across close() until
 * the next handshake starts.  Never NULL. */
const char *herald_tls_verify_reason(const herald_tls_t *t);

/* The raw MBEDTLS_X509_BADCERT_* flags behind herald_tls_verify_reason(). */
uint32_t herald_tls_verify_flags(const herald_tls_t *t);

/* The last Mbed TLS error code (negative), 0 if none, for logs. */
int herald_tls_last_error(const herald_tls_t *t);

/* Counters since herald_tls_init(). */
herald_tls_stats_t herald_tls_stats(const herald_tls_t *t);

#endif
