/* SPDX-License-Identifier: Apache-2.0 */
/* TLS client session over a lower herald_net_t, on Mbed TLS 3.6. */
#include <limits.h>
#include <string.h>

#include "herald/status.h"
#include "port/mbedtls/herald_tls.h"

#include "mbedtls/memory_buffer_alloc.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/platform.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/psa_util.h"
#include "psa/crypto.h"

#if !defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C) || !defined(MBEDTLS_PLATFORM_MEMORY)
#error "port/mbedtls needs MBEDTLS_MEMORY_BUFFER_ALLOC_C and MBEDTLS_PLATFORM_MEMORY (static heap)"
#endif
#if !defined(MBEDTLS_SSL_CLI_C) || !defined(MBEDTLS_X509_CRT_PARSE_C)
#error "port/mbedtls needs MBEDTLS_SSL_CLI_C and MBEDTLS_X509_CRT_PARSE_C"
#endif

enum { ST_IDLE, ST_TCP, ST_HANDSHAKE, ST_OPEN, ST_FAILED };

/* How many TLS 1.3 tickets one recv() takes before it returns "call again",
 * so a server streaming tickets cannot keep the caller inside recv(). */
#define MAX_TICKETS_PER_CALL 8

/* ---- process-wide: heap, randomness, wall clock --------------------------- */

static int g_ready;
static herald_rng_t g_rng;

psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *context, uint8_t *output,
                                             size_t output_size, size_t *output_length)
{
    (void)context;
    if (g_rng.fill == NULL || g_rng.fill(g_rng.ctx, output, output_size) != 0) {
        return PSA_ERROR_INSUFFICIENT_ENTROPY;
    }
    *output_length = output_size;
    return PSA_SUCCESS;
}

#if defined(MBEDTLS_PLATFORM_TIME_ALT)
static herald_clock_t g_clock;
static mbedtls_time_t (*g_prev_time)(mbedtls_time_t *);

/* An unknown wall time reads as 1970: certificates then fail "not yet valid"
 * instead of being accepted unchecked. */
static mbedtls_time_t clock_time(mbedtls_time_t *timer)
{
    int64_t s = g_clock.wall_s(g_clock.ctx);
    mbedtls_time_t now = s < 0 ? 0 : (mbedtls_time_t)s;
    if (timer != NULL) {
        *timer = now;
    }
    return now;
}
#endif

int herald_tls_platform_init(uint8_t *heap, size_t heap_len, const herald_rng_t *rng,
                             const herald_clock_t *wall_clock)
{
    if (g_ready) {
        return HERALD_E_BUSY;
    }
    if (heap == NULL || heap_len == 0 || rng == NULL || rng->fill == NULL ||
        (wall_clock != NULL && wall_clock->wall_s == NULL)) {
        return HERALD_E_INVALID_ARG;
    }
#if defined(MBEDTLS_PLATFORM_TIME_ALT)
    g_prev_time = mbedtls_time;
    if (wall_clock != NULL) {
        g_clock = *wall_clock;
        mbedtls_platform_set_time(clock_time);
    }
#else
    if (wall_clock != NULL) {
        return HERALD_E_NOT_SUPPORTED;
    }
#endif
    g_rng = *rng;
    mbedtls_memory_buffer_alloc_init(heap, heap_len);
    /* PSA allocates its key slots from the heap, so it comes up after it. */
    if (psa_crypto_init() != PSA_SUCCESS) {
        herald_tls_platform_free();
        return HERALD_E_TLS;
    }
    g_ready = 1;
    return HERALD_OK;
}

void herald_tls_platform_free(void)
{
    mbedtls_psa_crypto_free();
    mbedtls_memory_buffer_alloc_free();
#if defined(MBEDTLS_PLATFORM_TIME_ALT)
    if (g_prev_time != NULL) {
        mbedtls_platform_set_time(g_prev_time);
        g_prev_time = NULL;
    }
#endif
    memset(&g_rng, 0, sizeof g_rng);
    g_ready = 0;
}

herald_tls_heap_stats_t herald_tls_heap_stats(void)
{
    herald_tls_heap_stats_t s = { 0, 0, 0, 0 };
#if defined(MBEDTLS_MEMORY_DEBUG)
    mbedtls_memory_buffer_alloc_cur_get(&s.bytes, &s.blocks);
    mbedtls_memory_buffer_alloc_max_get(&s.peak_bytes, &s.peak_blocks);
#endif
    return s;
}

void herald_tls_heap_reset_peak(void)
{
#if defined(MBEDTLS_MEMORY_DEBUG)
    mbedtls_memory_buffer_alloc_max_reset();
#endif
}

/* ---- the lower transport, as Mbed TLS's bio ------------------------------ */

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    herald_tls_t *t = ctx;
    int r = t->lower->send(t->lower->ctx, buf, len);
    if (r > 0) {
        t->stats.bytes_sent += (uint64_t)r;
        return r;
    }
    if (r == 0) {
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    t->lower_err = r;
    return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    herald_tls_t *t = ctx;
    int r = t->lower->recv(t->lower->ctx, buf, len);
    if (r > 0) {
        t->stats.bytes_received += (uint64_t)r;
        return r;
    }
    if (r == 0) {
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    t->lower_err = r;
    /* 0 is Mbed TLS's EOF, which it reports as MBEDTLS_ERR_SSL_CONN_EOF. */
    return r == HERALD_E_NET_CLOSED ? 0 : MBEDTLS_ERR_NET_RECV_FAILED;
}

/* Whether the leaf's subjectAltName holds an iPAddress entry equal to the
 * address the session checks.  Only iPAddress entries count: an IP literal
 * is never matched against a dNSName or the CN (RFC 9525 section 6.2). */
static int has_ip_san(const herald_tls_t *t, const mbedtls_x509_crt *crt)
{
    /* Without the extension the list is one empty entry, which never matches. */
    for (const mbedtls_x509_sequence *san = &crt->subject_alt_names; san != NULL; san = san->next) {
        int type = san->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK;
        if (type == MBEDTLS_X509_SAN_IP_ADDRESS && san->buf.len == t->ip_len &&
            memcmp(san->buf.p, t->ip, t->ip_len) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Counts the certificates checked: a handshake that checked none resumed a
 * session.  For an IP literal, Mbed TLS was given no name (it would also
 * match the address as text against dNSName entries and the CN), so the
 * leaf is checked here; a mismatch is a flag like Mbed TLS's own, and the
 * handshake fails on it.  Other failures are left to Mbed TLS; the flags
 * are kept for the reason. */
static int verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    herald_tls_t *t = ctx;
    t->certs_verified++;
    if (depth == 0 && t->ip_len != 0 && !has_ip_san(t, crt)) {
        *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
    }
    t->verify_flags |= *flags;
    return 0;
}

/* ---- session --------------------------------------------------------------- */

static void save_session(herald_tls_t *t)
{
    mbedtls_ssl_session_free(&t->saved);
    mbedtls_ssl_session_init(&t->saved);
    t->have_saved = mbedtls_ssl_get_session(&t->ssl, &t->saved) == 0;
    if (!t->have_saved) {
        mbedtls_ssl_session_free(&t->saved);
        mbedtls_ssl_session_init(&t->saved);
    }
}

void herald_tls_forget_session(herald_tls_t *t)
{
    mbedtls_ssl_session_free(&t->saved);
    mbedtls_ssl_session_init(&t->saved);
    t->have_saved = 0;
}

#define USAGE_FLAGS \
    (MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE | MBEDTLS_X509_BADCERT_NS_CERT_TYPE)

/* The status for a refused certificate: its key usage only when that is
 * all that is wrong (trust, dates and name come first). */
static int cert_status(uint32_t flags)
{
    return (flags & USAGE_FLAGS) != 0 && (flags & ~USAGE_FLAGS) == 0 ? HERALD_E_TLS_KEY_USAGE
                                                                     : HERALD_E_TLS_VERIFY;
}

/* Record an Mbed TLS failure and turn it into the status the seam returns;
 * the stream stays failed until close(). */
static int fail(herald_tls_t *t, int ret)
{
    int st;
    t->last_mbedtls_err = ret;
    /* Mbed TLS checks the key usage after the chain and verify_cb, so a
     * certificate refused only for it shows in the verify result alone. */
    uint32_t vr = t->state == ST_HANDSHAKE ? mbedtls_ssl_get_verify_result(&t->ssl) : 0xFFFFFFFFu;
    if (vr != 0xFFFFFFFFu &&
        (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED || ret == MBEDTLS_ERR_SSL_BAD_CERTIFICATE)) {
        t->verify_flags |= vr;
    }
    if (t->lower_err != 0) {
        st = t->lower_err;
    } else if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED ||
               (ret == MBEDTLS_ERR_SSL_BAD_CERTIFICATE && t->verify_flags != 0)) {
        st = cert_status(t->verify_flags);
    } else if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF) {
        st = HERALD_E_NET_CLOSED;
    } else {
        st = HERALD_E_TLS;
    }
    if (t->state == ST_HANDSHAKE && t->lower_err == 0) {
        /* A session offered in a handshake that failed at the TLS level is
         * not offered again; a dropped connection keeps it. */
        herald_tls_forget_session(t);
    }
    if (st != HERALD_E_TLS_VERIFY && st != HERALD_E_TLS_KEY_USAGE) {
        t->verify_flags = 0;
    }
    t->state = ST_FAILED;
    t->fail = st;
    return st;
}

static int start_handshake(herald_tls_t *t, const char *host)
{
    if (!t->fixed_name) {
        size_t n = strlen(host);
        if (n >= sizeof t->host) {
            t->state = ST_FAILED;
            t->fail = HERALD_E_INVALID_ARG;
            return HERALD_E_INVALID_ARG;
        }
        /* A saved session belongs to the name it was verified for: Mbed TLS
         * checks that for TLS 1.3 tickets only when it was given the name,
         * which an IP literal is not. */
        if (strcmp(t->host, host) != 0) {
            herald_tls_forget_session(t);
        }
        memcpy(t->host, host, n + 1);
    }
    t->lower_err = 0;
    t->certs_verified = 0;
    t->verify_flags = 0;
    t->last_mbedtls_err = 0;
    mbedtls_ssl_init(&t->ssl);
    t->ssl_live = 1;
    /* An IP literal is neither sent as SNI (RFC 6066 section 3 forbids it)
     * nor given to Mbed TLS to check: NULL turns both off, verify_cb checks
     * the address.  A host name goes to Mbed TLS for both. */
    t->ip_len = mbedtls_x509_crt_parse_cn_inet_pton(t->host, t->ip);
    int ret = mbedtls_ssl_setup(&t->ssl, &t->conf);
    if (ret == 0) {
        ret = mbedtls_ssl_set_hostname(&t->ssl, t->ip_len != 0 ? NULL : t->host);
    }
    if (ret != 0) {
        t->state = ST_HANDSHAKE;
        return fail(t, ret);
    }
    mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
    if (t->have_saved && mbedtls_ssl_set_session(&t->ssl, &t->saved) != 0) {
        herald_tls_forget_session(t);
    }
    t->hs_sent0 = t->stats.bytes_sent;
    t->hs_received0 = t->stats.bytes_received;
    t->state = ST_HANDSHAKE;
    return HERALD_OK;
}

static int continue_handshake(herald_tls_t *t)
{
    for (;;) {
        int ret = mbedtls_ssl_handshake(&t->ssl);
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            save_session(t);
            continue;
        }
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            return 0;
        }
        if (ret != 0) {
            return fail(t, ret);
        }
        break;
    }
    t->stats.handshake_sent = (uint32_t)(t->stats.bytes_sent - t->hs_sent0);
    t->stats.handshake_received = (uint32_t)(t->stats.bytes_received - t->hs_received0);
    if (t->certs_verified == 0) {
        t->stats.resumed_handshakes++;
    } else {
        t->stats.full_handshakes++;
    }
    /* A TLS 1.2 session is complete now; a TLS 1.3 one is only worth keeping
     * once its ticket arrives (after the handshake, seen by recv). */
    if (mbedtls_ssl_get_version_number(&t->ssl) == MBEDTLS_SSL_VERSION_TLS1_2) {
        save_session(t);
    }
    t->state = ST_OPEN;
    return 1;
}

static int tls_connect(void *ctx, const char *host, uint16_t port)
{
    herald_tls_t *t = ctx;
    if (host == NULL) {
        return HERALD_E_INVALID_ARG;
    }
    switch (t->state) {
    case ST_OPEN:
        return 1;
    case ST_FAILED:
        return t->fail;
    case ST_HANDSHAKE:
        return continue_handshake(t);
    default:
        break;
    }
    int r = t->lower->connect(t->lower->ctx, host, port);
    if (r == 0) {
        t->state = ST_TCP;
        return 0;
    }
    if (r < 0) {
        t->state = ST_FAILED;
        t->fail = r;
        return r;
    }
    r = start_handshake(t, host);
    if (r < 0) {
        return r;
    }
    return continue_handshake(t);
}

static int tls_send(void *ctx, const uint8_t *buf, size_t len)
{
    herald_tls_t *t = ctx;
    if (len == 0) {
        return HERALD_E_INVALID_ARG;
    }
    if (t->state != ST_OPEN) {
        return t->state == ST_FAILED ? t->fail : HERALD_E_NET;
    }
    int ret = mbedtls_ssl_write(&t->ssl, buf, len);
    if (ret > 0) {
        return ret;
    }
    if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
        return 0;
    }
    if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
        save_session(t);
        return 0;
    }
    return fail(t, ret);
}

static int tls_recv(void *ctx, uint8_t *buf, size_t len)
{
    herald_tls_t *t = ctx;
    if (len == 0) {
        return HERALD_E_INVALID_ARG;
    }
    if (t->state != ST_OPEN) {
        return t->state == ST_FAILED ? t->fail : HERALD_E_NET;
    }
    if (len > INT_MAX) {
        len = INT_MAX;
    }
    for (int i = 0; i < MAX_TICKETS_PER_CALL; i++) {
        int ret = mbedtls_ssl_read(&t->ssl, buf, len);
        if (ret > 0) {
            return ret;
        }
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            save_session(t);
            continue;
        }
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            return 0;
        }
        /* 0 from mbedtls_ssl_read is EOF too. */
        return fail(t, ret == 0 ? MBEDTLS_ERR_SSL_CONN_EOF : ret);
    }
    return 0;
}

static void tls_close(void *ctx)
{
    herald_tls_t *t = ctx;
    if (t->state == ST_OPEN) {
        /* Best effort: one try, a full socket buffer just loses the alert. */
        (void)mbedtls_ssl_close_notify(&t->ssl);
    }
    if (t->ssl_live) {
        mbedtls_ssl_free(&t->ssl);
        t->ssl_live = 0;
    }
    t->lower->close(t->lower->ctx);
    t->state = ST_IDLE;
}

/* Only key exchanges with forward secrecy and AEAD ciphers: no static RSA key
 * exchange, no CBC or SHA-1 MAC, no NULL cipher, whatever else the board's
 * Mbed TLS config enables.  Suites the config lacks are skipped. */
static const int allowed_suites[] = {
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS1_3_AES_128_CCM_SHA256,
#endif
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CCM,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    0
};

static int tls_version(herald_tls_version_t v, mbedtls_ssl_protocol_version *out)
{
    switch (v) {
#if defined(MBEDTLS_SSL_PROTO_TLS1_2)
    case HERALD_TLS_1_2:
        *out = MBEDTLS_SSL_VERSION_TLS1_2;
        return HERALD_OK;
#endif
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    case HERALD_TLS_1_3:
        *out = MBEDTLS_SSL_VERSION_TLS1_3;
        return HERALD_OK;
#endif
    default:
        return HERALD_E_NOT_SUPPORTED;
    }
}

int herald_tls_init(herald_tls_t *t, const herald_tls_config_t *cfg, const herald_net_t *lower,
                    herald_net_t *out)
{
    mbedtls_ssl_protocol_version vmin, vmax;
    if (t == NULL || cfg == NULL || lower == NULL || out == NULL || !g_ready || cfg->ca_pem == NULL ||
        cfg->ca_pem_len == 0 || cfg->ca_pem[cfg->ca_pem_len - 1] != '\0' ||
        cfg->min_version > cfg->max_version ||
        (cfg->server_name != NULL && strlen(cfg->server_name) >= sizeof t->host)) {
        return HERALD_E_INVALID_ARG;
    }
    if (tls_version(cfg->min_version, &vmin) != HERALD_OK ||
        tls_version(cfg->max_version, &vmax) != HERALD_OK) {
        return HERALD_E_NOT_SUPPORTED;
    }
    memset(t, 0, sizeof *t);
    t->lower = lower;
    t->state = ST_IDLE;
    if (cfg->server_name != NULL) {
        strcpy(t->host, cfg->server_name);
        t->fixed_name = 1;
    }
    mbedtls_ssl_config_init(&t->conf);
    mbedtls_ssl_init(&t->ssl);
    mbedtls_x509_crt_init(&t->ca);
    mbedtls_ssl_session_init(&t->saved);

    /* A bundle may hold certificates Mbed TLS cannot parse (>0 failures):
     * the rest still count, as long as one parsed. */
    int ret = mbedtls_x509_crt_parse(&t->ca, (const unsigned char *)cfg->ca_pem, cfg->ca_pem_len);
    if (ret < 0 || t->ca.raw.p == NULL) {
        t->last_mbedtls_err = ret < 0 ? ret : 0;
        herald_tls_free(t);
        return ret == MBEDTLS_ERR_X509_ALLOC_FAILED ? HERALD_E_NOSPACE : HERALD_E_TLS;
    }
    ret = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        t->last_mbedtls_err = ret;
        herald_tls_free(t);
        return HERALD_E_TLS;
    }
    /* Verification is not configurable: there is no way to turn it off. */
    mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
    mbedtls_ssl_conf_verify(&t->conf, verify_cb, t);
    mbedtls_ssl_conf_rng(&t->conf, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
    mbedtls_ssl_conf_ciphersuites(&t->conf, allowed_suites);
    mbedtls_ssl_conf_min_tls_version(&t->conf, vmin);
    mbedtls_ssl_conf_max_tls_version(&t->conf, vmax);
#if defined(MBEDTLS_SSL_SESSION_TICKETS)
    mbedtls_ssl_conf_session_tickets(&t->conf, MBEDTLS_SSL_SESSION_TICKETS_ENABLED);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
        &t->conf, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#endif
#endif
    *out = (herald_net_t){
        .connect = tls_connect, .send = tls_send, .recv = tls_recv, .close = tls_close, .ctx = t
    };
    return HERALD_OK;
}

void herald_tls_free(herald_tls_t *t)
{
    if (t->lower != NULL) {
        tls_close(t);
    }
    mbedtls_ssl_free(&t->ssl);
    mbedtls_ssl_config_free(&t->conf);
    mbedtls_x509_crt_free(&t->ca);
    herald_tls_forget_session(t);
}

const char *herald_tls_verify_reason(const herald_tls_t *t)
{
    static const struct {
        uint32_t flags;
        const char *text;
    } reasons[] = {
        { MBEDTLS_X509_BADCERT_NOT_TRUSTED, "not trusted" },
        { MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCRL_EXPIRED, "expired" },
        { MBEDTLS_X509_BADCERT_FUTURE | MBEDTLS_X509_BADCRL_FUTURE, "not yet valid" },
        { MBEDTLS_X509_BADCERT_CN_MISMATCH, "host name mismatch" },
        { MBEDTLS_X509_BADCERT_REVOKED, "revoked" },
        { MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE |
              MBEDTLS_X509_BADCERT_NS_CERT_TYPE,
          "wrong key usage" },
        { MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK | MBEDTLS_X509_BADCERT_BAD_KEY,
          "weak algorithm or key" },
        { MBEDTLS_X509_BADCERT_MISSING | MBEDTLS_X509_BADCERT_SKIP_VERIFY, "no certificate" },
    };
    if (t->verify_flags == 0) {
        return "";
    }
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
        if (t->verify_flags & reasons[i].flags) {
            return reasons[i].text;
        }
    }
    return "verification failed";
}

uint32_t herald_tls_verify_flags(const herald_tls_t *t)
{
    return t->verify_flags;
}

int herald_tls_last_error(const herald_tls_t *t)
{
    return t->last_mbedtls_err;
}

herald_tls_stats_t herald_tls_stats(const herald_tls_t *t)
{
    return t->stats;
}
