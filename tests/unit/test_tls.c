/* SPDX-License-Identifier: Apache-2.0 */
/* port/mbedtls against an OpenSSL server (tests/support/tls_echo_server.py)
 * on loopback, with certificates from tools/scripts/devcerts.sh: versions, session
 * resumption, every verification failure, a non-TLS peer, the heap.
 * Run from the repository root (or set HERALD_SRC_DIR to it). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "herald/status.h"
#include "port/mbedtls/herald_tls.h"
#include "port/posix/herald_posix.h"
#include "tls_peer.h"

static char g_src[512];  /* repository root */
static char g_certs[64]; /* temporary folder with the dev certificates */
static char *g_ca_pem;   /* certs/ca.pem, NUL-terminated */
static size_t g_ca_len;  /* including the NUL */
static uint8_t g_heap[256 * 1024];
static int64_t g_fake_wall; /* 0: the real time; else what wall_s reports */

static int64_t test_wall_s(void *ctx)
{
    (void)ctx;
    return g_fake_wall != 0 ? g_fake_wall : (int64_t)time(NULL);
}

static char *read_file(const char *path, size_t *len_with_nul)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    char *buf = malloc(65536);
    size_t n = buf != NULL ? fread(buf, 1, 65535, f) : 0;
    fclose(f);
    if (buf == NULL || n == 0) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len_with_nul = n + 1;
    return buf;
}

/* ---- the OpenSSL peer ------------------------------------------------------ */

typedef tls_peer_t server_t;

static server_t server_start(const char *name, const char *tls, int plain)
{
    server_t s;
    if (tls_peer_start(&s, g_src, g_certs, name, tls, plain) != 0) {
        fail_msg("could not start tests/support/tls_echo_server.py");
    }
    return s;
}

static void server_stop(server_t *s)
{
    tls_peer_stop(s);
}

/* After every test, also a failed one: no server left, the real clock. */
static int test_teardown(void **state)
{
    (void)state;
    tls_peer_stop_all();
    g_fake_wall = 0;
    /* The heap bisection may have failed with the platform down. */
    herald_rng_t rng = herald_posix_rng();
    herald_clock_t clock = { NULL, test_wall_s, NULL };
    int r = herald_tls_platform_init(g_heap, sizeof g_heap, &rng, &clock);
    return r == HERALD_OK || r == HERALD_E_BUSY ? 0 : -1;
}

/* ---- the client ---------------------------------------------------------- */

typedef struct {
    herald_posix_net_t tcp;
    herald_net_t tcp_net;
    herald_net_t net;
    herald_tls_t tls;
} client_t;

static void client_init(client_t *c, const char *server_name, herald_tls_version_t vmin,
                        herald_tls_version_t vmax)
{
    herald_tls_config_t cfg = { g_ca_pem, g_ca_len, server_name, vmin, vmax };
    herald_posix_net_init(&c->tcp, &c->tcp_net);
    assert_int_equal(herald_tls_init(&c->tls, &cfg, &c->tcp_net, &c->net), HERALD_OK);
}

/* Wait (at most 100 ms) for the socket, as a poll() loop would. */
static void wait_fd(client_t *c)
{
    struct pollfd p = { .fd = herald_posix_net_fd(&c->tcp), .events = POLLIN | POLLOUT, .revents = 0 };
    if (p.fd >= 0) {
        (void)poll(&p, 1, 100);
    }
}

/* Drive connect to its end: 1 or an error; 0 only if 10 s were not enough. */
static int client_connect(client_t *c, const char *host, uint16_t port)
{
    for (int i = 0; i < 1000; i++) {
        int r = c->net.connect(c->net.ctx, host, port);
        if (r != 0) {
            return r;
        }
        wait_fd(c);
        usleep(i < 100 ? 0 : 10000); /* POLLOUT is always ready: do not spin */
    }
    return 0;
}

/* Send a line and read the one that comes back, NUL-terminated in reply. */
static int client_exchange(client_t *c, const char *line, char *reply, size_t cap)
{
    size_t sent = 0, len = strlen(line), got = 0;
    for (int i = 0; i < 1000 && sent < len; i++) {
        int r = c->net.send(c->net.ctx, (const uint8_t *)line + sent, len - sent);
        if (r < 0) {
            return r;
        }
        if (r == 0) {
            wait_fd(c);
        }
        sent += (size_t)r;
    }
    for (int i = 0; i < 1000 && got < cap - 1 && (got == 0 || reply[got - 1] != '\n'); i++) {
        int r = c->net.recv(c->net.ctx, (uint8_t *)reply + got, cap - 1 - got);
        if (r < 0) {
            return r;
        }
        if (r == 0) {
            struct pollfd p = { .fd = herald_posix_net_fd(&c->tcp), .events = POLLIN, .revents = 0 };
            (void)poll(&p, 1, 100);
        }
        got += (size_t)r;
    }
    reply[got] = '\0';
    return (int)got;
}

/* Connect over TLS version TLS ("1.2", "1.3", "any") to a server with
 * certificate CERT and expect the certificate to be refused with STATUS. */
static void expect_cert_failure(const char *cert, const char *tls, const char *host, const char *server_name,
                                int status, const char *reason)
{
    client_t c;
    server_t s = server_start(cert, tls, 0);
    client_init(&c, server_name, HERALD_TLS_1_2, HERALD_TLS_1_3);
    int r = client_connect(&c, host, s.port);
    if (r != status) {
        print_error("%s for %s: connect gave %d, mbedtls error -0x%04x\n", cert, host, r,
                    -herald_tls_last_error(&c.tls));
    }
    assert_int_equal(r, status);
    assert_string_equal(herald_tls_verify_reason(&c.tls), reason);
    assert_int_not_equal(herald_tls_verify_flags(&c.tls), 0);
    /* The failure sticks until close, and the reason outlives close. */
    assert_int_equal(c.net.connect(c.net.ctx, host, s.port), status);
    c.net.close(c.net.ctx);
    assert_string_equal(herald_tls_verify_reason(&c.tls), reason);
    herald_tls_stats_t st = herald_tls_stats(&c.tls);
    assert_int_equal(st.full_handshakes, 0);
    herald_tls_free(&c.tls);
    server_stop(&s);
}

/* Connect to a server with certificate NAME and expect a verify failure. */
static void expect_verify_failure(const char *cert, const char *host, const char *server_name,
                                  const char *reason)
{
    expect_cert_failure(cert, "any", host, server_name, HERALD_E_TLS_VERIFY, reason);
}

/* ---- setup --------------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    const char *src = getenv("HERALD_SRC_DIR");
    snprintf(g_src, sizeof g_src, "%s", src != NULL ? src : ".");
    snprintf(g_certs, sizeof g_certs, "/tmp/herald-test-tls-XXXXXX");
    if (mkdtemp(g_certs) == NULL) {
        return -1;
    }
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "sh '%s/tools/scripts/devcerts.sh' '%s' >/dev/null", g_src, g_certs);
    if (system(cmd) != 0) {
        fprintf(stderr, "test_tls: tools/scripts/devcerts.sh failed (run from the repository root)\n");
        return -1;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/ca.pem", g_certs);
    g_ca_pem = read_file(path, &g_ca_len);
    if (g_ca_pem == NULL) {
        return -1;
    }
    herald_rng_t rng = herald_posix_rng();
    herald_clock_t clock = { NULL, test_wall_s, NULL };
    return herald_tls_platform_init(g_heap, sizeof g_heap, &rng, &clock) == HERALD_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    herald_tls_platform_free();
    free(g_ca_pem);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_certs);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- tests --------------------------------------------------------------- */

typedef struct {
    herald_tls_heap_stats_t heap;
    herald_tls_stats_t stats;
} measure_t;

/* One connection: connect, one line each way, close.  Measures the heap
 * peak of just this connection. */
static void one_connection_to(client_t *c, uint16_t port, const char *host, const char *expect, measure_t *m)
{
    char reply[128];
    herald_tls_heap_reset_peak();
    assert_int_equal(client_connect(c, host, port), 1);
    assert_int_equal(client_exchange(c, "hello\n", reply, sizeof reply), (int)strlen(expect));
    assert_string_equal(reply, expect);
    c->net.close(c->net.ctx);
    m->heap = herald_tls_heap_stats();
    m->stats = herald_tls_stats(&c->tls);
}

static void one_connection(client_t *c, uint16_t port, const char *expect, measure_t *m)
{
    one_connection_to(c, port, "localhost", expect, m);
}

static void resumption(const char *tls, herald_tls_version_t v, const char *vname)
{
    client_t c;
    measure_t full, resumed;
    char e_full[64], e_resumed[64];
    snprintf(e_full, sizeof e_full, "%s full hello\n", vname);
    snprintf(e_resumed, sizeof e_resumed, "%s resumed hello\n", vname);
    server_t s = server_start("server", tls, 0);
    client_init(&c, NULL, v, v);

    one_connection(&c, s.port, e_full, &full);
    assert_int_equal(full.stats.full_handshakes, 1);
    assert_int_equal(full.stats.resumed_handshakes, 0);
    one_connection(&c, s.port, e_resumed, &resumed);
    assert_int_equal(resumed.stats.full_handshakes, 1);
    assert_int_equal(resumed.stats.resumed_handshakes, 1);

    uint32_t hs_full = full.stats.handshake_sent + full.stats.handshake_received;
    uint32_t hs_res = resumed.stats.handshake_sent + resumed.stats.handshake_received;
    assert_true(hs_res < hs_full);
    assert_true(full.heap.peak_bytes > 0);
    assert_true(resumed.heap.peak_bytes > 0);
    assert_true(resumed.stats.bytes_sent > full.stats.bytes_sent);
    print_message("measure %s: full handshake %u bytes (%u out, %u in), heap peak %zu bytes in %zu blocks\n",
                  vname, hs_full, full.stats.handshake_sent, full.stats.handshake_received,
                  full.heap.peak_bytes, full.heap.peak_blocks);
    print_message(
        "measure %s: resumed handshake %u bytes (%u out, %u in), heap peak %zu bytes in %zu blocks\n", vname,
        hs_res, resumed.stats.handshake_sent, resumed.stats.handshake_received, resumed.heap.peak_bytes,
        resumed.heap.peak_blocks);

    /* Forgetting the session forces a full handshake again. */
    size_t with_session = herald_tls_heap_stats().bytes;
    herald_tls_forget_session(&c.tls);
    print_message("measure %s: a saved session holds %zu bytes of heap\n", vname,
                  with_session - herald_tls_heap_stats().bytes);
    measure_t again;
    one_connection(&c, s.port, e_full, &again);
    assert_int_equal(again.stats.full_handshakes, 2);

    herald_tls_free(&c.tls);
    server_stop(&s);
}

static void test_tls13_round_trip_and_resumption(void **state)
{
    (void)state;
    resumption("1.3", HERALD_TLS_1_3, "TLSv1.3");
}

static void test_tls12_round_trip_and_resumption(void **state)
{
    (void)state;
    resumption("1.2", HERALD_TLS_1_2, "TLSv1.2");
}

static void test_negotiates_highest_common_version(void **state)
{
    client_t c;
    measure_t m;
    (void)state;
    server_t s = server_start("server", "1.2", 0);
    client_init(&c, NULL, HERALD_TLS_1_2, HERALD_TLS_1_3);
    one_connection(&c, s.port, "TLSv1.2 full hello\n", &m);
    herald_tls_free(&c.tls);
    server_stop(&s);

    s = server_start("server", "any", 0);
    client_init(&c, NULL, HERALD_TLS_1_2, HERALD_TLS_1_3);
    one_connection(&c, s.port, "TLSv1.3 full hello\n", &m);
    herald_tls_free(&c.tls);
    server_stop(&s);
}

static void test_no_common_version_is_tls_error(void **state)
{
    client_t c;
    (void)state;
    server_t s = server_start("server", "1.3", 0);
    client_init(&c, NULL, HERALD_TLS_1_2, HERALD_TLS_1_2);
    assert_int_equal(client_connect(&c, "localhost", s.port), HERALD_E_TLS);
    assert_string_equal(herald_tls_verify_reason(&c.tls), "");
    herald_tls_free(&c.tls);
    server_stop(&s);
}

static void test_untrusted_ca(void **state)
{
    (void)state;
    expect_verify_failure("untrusted", "localhost", NULL, "not trusted");
    expect_verify_failure("selfsigned", "localhost", NULL, "not trusted");
}

static void test_wrong_host_name(void **state)
{
    (void)state;
    expect_verify_failure("wronghost", "localhost", NULL, "host name mismatch");
    /* The configured name, not the connect host, is what is checked. */
    expect_verify_failure("server", "localhost", "other.example", "host name mismatch");
}

static void test_expired_and_not_yet_valid(void **state)
{
    (void)state;
    expect_verify_failure("expired", "localhost", NULL, "expired");
    expect_verify_failure("notyet", "localhost", NULL, "not yet valid");
}

static void test_wall_clock_decides_validity(void **state)
{
    (void)state;
    g_fake_wall = 4102444800; /* 2100-01-01: the good certificate has expired */
    expect_verify_failure("server", "localhost", NULL, "expired");
    g_fake_wall = -1; /* unknown time reads as 1970: fail closed */
    expect_verify_failure("server", "localhost", NULL, "not yet valid");
    g_fake_wall = (int64_t)time(NULL) + 5 * 365 * 86400; /* inside every validity */
    client_t c;
    server_t s = server_start("server", "any", 0);
    client_init(&c, NULL, HERALD_TLS_1_2, HERALD_TLS_1_3);
    assert_int_equal(client_connect(&c, "localhost", s.port), 1);
    herald_tls_free(&c.tls);
    server_stop(&s);
    g_fake_wall = 0;
}

static void test_ip_literal_checked_against_ip_san(void **state)
{
    client_t c;
    char reply[64];
    (void)state;
    /* server.pem: CN localhost, SAN DNS:localhost, IP:127.0.0.1.  The name
     * "127.0.0.1" can only match the IP SAN. */
    server_t s = server_start("server", "any", 0);
    client_init(&c, NULL, HERALD_TLS_1_2, HERALD_TLS_1_3);
    assert_int_equal(client_connect(&c, "127.0.0.1", s.port), 1);
    assert_int_equal(client_exchange(&c, "ip\n", reply, sizeof reply), 16);
    assert_string_equal(reply, "TLSv1.3 full ip\n");
    herald_tls_free(&c.tls);
    server_stop(&s);
    /* Another loopback address is not in the certificate. */
    expect_verify_failure("server", "127.0.0.1", "127.0.0.2", "host name mismatch");
    /* A certificate with only a DNS SAN does not cover an IP literal. */
    expect_verify_failure("wronghost", "127.0.0.1", NULL, "host name mismatch");
}

/* RFC 9525 6.2: an IP literal is compared with iPAddress SANs only.  Mbed
 * TLS on its own also matches it as text against dNSName entries (wildcards
 * included) and, without SANs, against the CN. */
static void test_ip_literal_never_matches_a_dns_name_or_cn(void **state)
{
    (void)state;
    expect_verify_failure("ipasdns", "127.0.0.1", NULL, "host name mismatch");
    expect_verify_failure("ipwildcard", "127.0.0.1", NULL, "host name mismatch");
    expect_verify_failure("ipcn", "127.0.0.1", NULL, "host name mismatch");
    /* The configured name counts, not the connect host. */
    expect_verify_failure("ipasdns", "localhost", "127.0.0.1", "host name mismatch");
}

/* Connect to the server with CERT, checking NAME (host or configured
 * server_name), and read back which SNI the server saw. */
static void expect_accepted(const char *cert, const char *host, const char *server_name,
                            const char *sni_reply)
{
    client_t c;
    char reply[96];
    server_t s = server_start(cert, "any", 0);
    client_init(&c, server_name, HERALD_TLS_1_2, HERALD_TLS_1_3);
    int r = client_connect(&c, host, s.port);
    if (r != 1) {
        print_error("%s for %s/%s: connect gave %d (%s), mbedtls error -0x%04x\n", cert, host,
                    server_name != NULL ? server_name : "-", r, herald_tls_verify_reason(&c.tls),
                    -herald_tls_last_error(&c.tls));
    }
    assert_int_equal(r, 1);
    assert_int_equal(client_exchange(&c, "sni\n", reply, sizeof reply), (int)strlen(sni_reply));
    assert_string_equal(reply, sni_reply);
    herald_tls_free(&c.tls);
    server_stop(&s);
}

static void test_ip_san_matches_ipv4_and_ipv6(void **state)
{
    (void)state;
    /* iponly.pem: SAN IP:127.0.0.1 and IP:::1, nothing else.  An IPv6
     * literal is checked through server_name (the peer listens on IPv4). */
    expect_accepted("iponly", "127.0.0.1", NULL, "TLSv1.3 full sni=-\n");
    expect_accepted("iponly", "127.0.0.1", "::1", "TLSv1.3 full sni=-\n");
    expect_accepted("iponly", "127.0.0.1", "0:0:0:0:0:0:0:1", "TLSv1.3 full sni=-\n");
    expect_verify_failure("iponly", "127.0.0.1", "::2", "host name mismatch");
    expect_verify_failure("iponly", "127.0.0.1", "127.0.0.2", "host name mismatch");
    /* A host name does not match an iPAddress entry. */
    expect_verify_failure("iponly", "localhost", NULL, "host name mismatch");
}

/* RFC 6066 section 3: "Literal IPv4 and IPv6 addresses are not permitted in
 * HostName": no server_name for an IP literal, the host name otherwise. */
static void test_sni_only_for_host_names(void **state)
{
    (void)state;
    expect_accepted("server", "127.0.0.1", NULL, "TLSv1.3 full sni=-\n");
    expect_accepted("server", "localhost", NULL, "TLSv1.3 full sni=localhost\n");
    expect_accepted("server", "127.0.0.1", "localhost", "TLSv1.3 full sni=localhost\n");
}

/* A saved session is offered only to the host it was verified for: a new
 * host gets a full handshake (and its own certificate check), then resumes. */
static void test_session_follows_the_host(void **state)
{
    client_t c;
    measure_t m;
    (void)state;
    server_t s = server_start("server", "any", 0);
    client_init(&c, NULL, HERALD_TLS_1_2, HERALD_TLS_1_3);
    one_connection_to(&c, s.port, "localhost", "TLSv1.3 full hello\n", &m);
    one_connection_to(&c, s.port, "127.0.0.1", "TLSv1.3 full hello\n", &m);
    one_connection_to(&c, s.port, "127.0.0.1", "TLSv1.3 resumed hello\n", &m);
    assert_int_equal(m.stats.full_handshakes, 2);
    assert_int_equal(m.stats.resumed_handshakes, 1);
    herald_tls_free(&c.tls);
    server_stop(&s);
}

/* A certificate that is not for TLS servers (extended key usage clientAuth
 * only) has its own status, in both versions (two code paths in Mbed TLS). */
static void test_client_only_certificate_is_wrong_key_usage(void **state)
{
    (void)state;
    expect_cert_failure("clientauth", "1.3", "localhost", NULL, HERALD_E_TLS_KEY_USAGE, "wrong key usage");
    expect_cert_failure("clientauth", "1.2", "localhost", NULL, HERALD_E_TLS_KEY_USAGE, "wrong key usage");
}

static void test_plain_tcp_peer_is_an_error_not_a_hang(void **state)
{
    client_t c;
    (void)state;
    server_t s = server_start("server", "any", 1);
    client_init(&c, NULL, HERALD_TLS_1_2, HERALD_TLS_1_3);
    assert_int_equal(client_connect(&c, "localhost", s.port), HERALD_E_TLS);
    assert_true(herald_tls_last_error(&c.tls) < 0);
    herald_tls_free(&c.tls);
    server_stop(&s);
}

static void test_close_notify_is_net_closed(void **state)
{
    client_t c;
    char reply[64];
    uint8_t b[16];
    (void)state;
    server_t s = server_start("server", "any", 0);
    client_init(&c, NULL, HERALD_TLS_1_2, HERALD_TLS_1_3);
    assert_int_equal(client_connect(&c, "localhost", s.port), 1);
    assert_int_equal(client_exchange(&c, "bye\n", reply, sizeof reply), 17);
    assert_string_equal(reply, "TLSv1.3 full bye\n");
    int r = 0;
    for (int i = 0; i < 100 && r == 0; i++) {
        r = c.net.recv(c.net.ctx, b, sizeof b);
        if (r == 0) {
            wait_fd(&c);
            usleep(10000); /* POLLOUT is always ready: give the close time to come */
        }
    }
    assert_int_equal(r, HERALD_E_NET_CLOSED);
    assert_int_equal(c.net.recv(c.net.ctx, b, sizeof b), HERALD_E_NET_CLOSED);
    assert_int_equal(c.net.send(c.net.ctx, b, sizeof b), HERALD_E_NET_CLOSED);
    herald_tls_free(&c.tls);
    server_stop(&s);
}

/* A session gives back all it took: PSA may keep key slots it grew on first
 * use, so compare two identical rounds rather than against the start. */
static void test_heap_returns_to_baseline(void **state)
{
    size_t after[2];
    measure_t m;
    (void)state;
    server_t s = server_start("server", "any", 0);
    for (int round = 0; round < 2; round++) {
        client_t c;
        client_init(&c, NULL, HERALD_TLS_1_2, HERALD_TLS_1_3);
        one_connection(&c, s.port, "TLSv1.3 full hello\n", &m);
        one_connection(&c, s.port, "TLSv1.3 resumed hello\n", &m);
        assert_true(herald_tls_heap_stats().bytes > 0);
        herald_tls_free(&c.tls);
        after[round] = herald_tls_heap_stats().bytes;
    }
    assert_int_equal(after[0], after[1]);
    assert_true(m.heap.peak_bytes > after[1]);
    server_stop(&s);
}

/* Whether a full then a resumed connection work in the current heap. */
static int fits(uint16_t port, herald_tls_version_t v)
{
    client_t c;
    char reply[64];
    int ok = 0;
    herald_tls_config_t cfg = { g_ca_pem, g_ca_len, NULL, v, v };
    herald_posix_net_init(&c.tcp, &c.tcp_net);
    if (herald_tls_init(&c.tls, &cfg, &c.tcp_net, &c.net) != HERALD_OK) {
        return 0;
    }
    for (int i = 0; i < 2; i++) {
        ok = client_connect(&c, "localhost", port) == 1 &&
             client_exchange(&c, "hello\n", reply, sizeof reply) > 0;
        c.net.close(c.net.ctx);
        if (!ok) {
            break;
        }
    }
    ok = ok && herald_tls_stats(&c.tls).resumed_handshakes == 1;
    herald_tls_free(&c.tls);
    return ok;
}

/* The smallest static heap (to 256 bytes) that carries a full and a resumed
 * connection, by bisection; the peak counts only block payloads, this is
 * what a board has to reserve. */
static void test_smallest_heap_that_works(void **state)
{
    static const struct {
        const char *tls;
        herald_tls_version_t v;
    } runs[] = {
        { "1.3", HERALD_TLS_1_3 },
        { "1.2", HERALD_TLS_1_2 },
    };
    herald_rng_t rng = herald_posix_rng();
    herald_clock_t clock = { NULL, test_wall_s, NULL };
    (void)state;
    herald_tls_platform_free();
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        server_t s = server_start("server", runs[r].tls, 0);
        size_t lo = 4096, hi = sizeof g_heap;
        while (hi - lo > 256) {
            size_t mid = lo + (hi - lo) / 2;
            int ok =
                herald_tls_platform_init(g_heap, mid, &rng, &clock) == HERALD_OK && fits(s.port, runs[r].v);
            herald_tls_platform_free();
            if (ok) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        print_message("measure TLSv%s: smallest heap for a full and a resumed connection: %zu bytes\n",
                      runs[r].tls, hi);
        assert_true(hi < sizeof g_heap);
        server_stop(&s);
    }
    assert_int_equal(herald_tls_platform_init(g_heap, sizeof g_heap, &rng, &clock), HERALD_OK);
}

static void test_misuse(void **state)
{
    client_t c;
    herald_net_t out;
    uint8_t b[4];
    static const char no_nul[] = { 'x', 'y' };
    static const char junk[] = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
    (void)state;
    herald_posix_net_init(&c.tcp, &c.tcp_net);
    herald_tls_config_t cfg = { no_nul, sizeof no_nul, NULL, HERALD_TLS_1_2, HERALD_TLS_1_3 };
    assert_int_equal(herald_tls_init(&c.tls, &cfg, &c.tcp_net, &out), HERALD_E_INVALID_ARG);
    cfg = (herald_tls_config_t){ junk, sizeof junk, NULL, HERALD_TLS_1_2, HERALD_TLS_1_3 };
    assert_int_equal(herald_tls_init(&c.tls, &cfg, &c.tcp_net, &out), HERALD_E_TLS);
    cfg = (herald_tls_config_t){ g_ca_pem, g_ca_len, NULL, HERALD_TLS_1_3, HERALD_TLS_1_2 };
    assert_int_equal(herald_tls_init(&c.tls, &cfg, &c.tcp_net, &out), HERALD_E_INVALID_ARG);
    herald_rng_t rng = herald_posix_rng();
    assert_int_equal(herald_tls_platform_init(g_heap, sizeof g_heap, &rng, NULL), HERALD_E_BUSY);

    /* An unconnected session refuses data; close is safe at any time. */
    client_init(&c, NULL, HERALD_TLS_1_2, HERALD_TLS_1_3);
    assert_int_equal(c.net.send(c.net.ctx, b, sizeof b), HERALD_E_NET);
    assert_int_equal(c.net.recv(c.net.ctx, b, sizeof b), HERALD_E_NET);
    c.net.close(c.net.ctx);
    c.net.close(c.net.ctx);
    herald_tls_free(&c.tls);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_tls13_round_trip_and_resumption, test_teardown),
        cmocka_unit_test_teardown(test_tls12_round_trip_and_resumption, test_teardown),
        cmocka_unit_test_teardown(test_negotiates_highest_common_version, test_teardown),
        cmocka_unit_test_teardown(test_no_common_version_is_tls_error, test_teardown),
        cmocka_unit_test_teardown(test_untrusted_ca, test_teardown),
        cmocka_unit_test_teardown(test_wrong_host_name, test_teardown),
        cmocka_unit_test_teardown(test_expired_and_not_yet_valid, test_teardown),
        cmocka_unit_test_teardown(test_wall_clock_decides_validity, test_teardown),
        cmocka_unit_test_teardown(test_ip_literal_checked_against_ip_san, test_teardown),
        cmocka_unit_test_teardown(test_ip_literal_never_matches_a_dns_name_or_cn, test_teardown),
        cmocka_unit_test_teardown(test_ip_san_matches_ipv4_and_ipv6, test_teardown),
        cmocka_unit_test_teardown(test_sni_only_for_host_names, test_teardown),
        cmocka_unit_test_teardown(test_session_follows_the_host, test_teardown),
        cmocka_unit_test_teardown(test_client_only_certificate_is_wrong_key_usage, test_teardown),
        cmocka_unit_test_teardown(test_plain_tcp_peer_is_an_error_not_a_hang, test_teardown),
        cmocka_unit_test_teardown(test_close_notify_is_net_closed, test_teardown),
        cmocka_unit_test_teardown(test_heap_returns_to_baseline, test_teardown),
        cmocka_unit_test_teardown(test_smallest_heap_that_works, test_teardown),
        cmocka_unit_test_teardown(test_misuse, test_teardown),
    };
    return cmocka_run_group_tests_name("tls", tests, group_setup, group_teardown);
}
