/* SPDX-License-Identifier: Apache-2.0 */
/* port/posix: the TCP seam's return contract against real loopback sockets,
 * and the clock, rng and log seams. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "herald/status.h"
#include "port/posix/herald_posix.h"

/* A listening socket on loopback; *port gets its number. */
static int listen_on(int family, uint16_t *port)
{
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof ss);
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        len = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a;
    }
    int fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0) {
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                     : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

/* Call connect until it stops saying "in progress", sleeping in poll() on
 * the socket as a CLI loop would; gives up (returns 0) after 5 s. */
static int connect_wait(herald_net_t *net, herald_posix_net_t *n, const char *host, uint16_t port)
{
    for (int i = 0; i < 50; i++) {
        int r = net->connect(net->ctx, host, port);
        if (r != 0) {
            return r;
        }
        struct pollfd p = { .fd = herald_posix_net_fd(n), .events = POLLOUT, .revents = 0 };
        assert_true(p.fd >= 0);
        (void)poll(&p, 1, 100);
    }
    return 0;
}

/* Receive until len bytes arrived or an error; returns the count or error. */
static int recv_all(herald_net_t *net, herald_posix_net_t *n, uint8_t *buf, size_t len)
{
    size_t got = 0;
    for (int i = 0; i < 50 && got < len; i++) {
        int r = net->recv(net->ctx, buf + got, len - got);
        if (r < 0) {
            return r;
        }
        if (r == 0) {
            struct pollfd p = { .fd = herald_posix_net_fd(n), .events = POLLIN, .revents = 0 };
            (void)poll(&p, 1, 100);
        }
        got += (size_t)r;
    }
    return (int)got;
}

typedef struct {
    herald_posix_net_t n;
    herald_net_t net;
    int lfd;  /* listener */
    int peer; /* accepted server side */
    uint16_t port;
} fixture_t;

static int setup_connected(void **state)
{
    static fixture_t f;
    memset(&f, 0, sizeof f);
    herald_posix_net_init(&f.n, &f.net);
    f.lfd = listen_on(AF_INET, &f.port);
    if (f.lfd < 0) {
        return -1;
    }
    int r = f.net.connect(f.net.ctx, "127.0.0.1", f.port);
    f.peer = accept(f.lfd, NULL, NULL);
    if (r == 0) {
        r = connect_wait(&f.net, &f.n, "127.0.0.1", f.port);
    }
    if (r != 1 || f.peer < 0) {
        return -1;
    }
    *state = &f;
    return 0;
}

static int teardown_connected(void **state)
{
    fixture_t *f = *state;
    f->net.close(f->net.ctx);
    if (f->peer >= 0) {
        close(f->peer);
    }
    close(f->lfd);
    return 0;
}

static void test_connect_to_closed_port_is_an_error(void **state)
{
    herald_posix_net_t n;
    herald_net_t net;
    uint16_t port;
    (void)state;
    int lfd = listen_on(AF_INET, &port);
    assert_true(lfd >= 0);
    close(lfd); /* nothing listens on port now */
    herald_posix_net_init(&n, &net);
    assert_int_equal(connect_wait(&net, &n, "127.0.0.1", port), HERALD_E_NET);
    assert_int_equal(herald_posix_net_fd(&n), -1);
    /* The stream is reusable after a failure, and the failure repeats. */
    assert_int_equal(connect_wait(&net, &n, "127.0.0.1", port), HERALD_E_NET);
    net.close(net.ctx);
}

static void test_misuse_and_unconnected_stream(void **state)
{
    herald_posix_net_t n;
    herald_net_t net;
    uint8_t b[4] = { 0 };
    (void)state;
    herald_posix_net_init(&n, &net);
    assert_int_equal(herald_posix_net_fd(&n), -1);
    assert_int_equal(net.connect(net.ctx, NULL, 80), HERALD_E_INVALID_ARG);
    assert_int_equal(net.connect(net.ctx, "", 80), HERALD_E_INVALID_ARG);
    assert_int_equal(net.send(net.ctx, b, sizeof b), HERALD_E_NET);
    assert_int_equal(net.recv(net.ctx, b, sizeof b), HERALD_E_NET);
    net.close(net.ctx);
    net.close(net.ctx);
    assert_int_equal(net.send(net.ctx, b, sizeof b), HERALD_E_NET);
}

static void test_round_trip_exact_bytes(void **state)
{
    fixture_t *f = *state;
    uint8_t buf[16];
    assert_true(herald_posix_net_fd(&f->n) >= 0);
    assert_int_equal(f->net.connect(f->net.ctx, "127.0.0.1", f->port), 1); /* idempotent */
    assert_int_equal(f->net.send(f->net.ctx, (const uint8_t *)"ping\r\n", 6), 6);
    assert_int_equal(recv(f->peer, buf, 6, MSG_WAITALL), 6);
    assert_memory_equal(buf, "ping\r\n", 6);
    assert_int_equal(send(f->peer, "pong", 4, 0), 4);
    assert_int_equal(recv_all(&f->net, &f->n, buf, 4), 4);
    assert_memory_equal(buf, "pong", 4);
    assert_int_equal(f->net.send(f->net.ctx, buf, 0), HERALD_E_INVALID_ARG);
    assert_int_equal(f->net.recv(f->net.ctx, buf, 0), HERALD_E_INVALID_ARG);
}

static void test_would_block_is_zero(void **state)
{
    fixture_t *f = *state;
    static uint8_t chunk[65536];
    uint8_t b[8];
    assert_int_equal(f->net.recv(f->net.ctx, b, sizeof b), 0);
    assert_int_equal(f->net.recv(f->net.ctx, b, sizeof b), 0);
    /* The peer never reads: the socket buffers fill and send says 0. */
    size_t total = 0;
    int r = 1;
    for (int i = 0; i < 10000 && r > 0; i++) {
        r = f->net.send(f->net.ctx, chunk, sizeof chunk);
        if (r > 0) {
            total += (size_t)r;
        }
    }
    assert_int_equal(r, 0);
    assert_true(total > 0);
    assert_int_equal(f->net.send(f->net.ctx, chunk, sizeof chunk), 0);
}

static void test_peer_close_is_net_closed_never_zero(void **state)
{
    fixture_t *f = *state;
    uint8_t buf[8];
    assert_int_equal(send(f->peer, "bye", 3, 0), 3);
    close(f->peer);
    f->peer = -1;
    assert_int_equal(recv_all(&f->net, &f->n, buf, 3), 3);
    assert_memory_equal(buf, "bye", 3);
    /* The data is in; what follows is the orderly close, on every call. */
    int r = 0;
    for (int i = 0; i < 50 && r == 0; i++) {
        r = f->net.recv(f->net.ctx, buf, sizeof buf);
        if (r == 0) {
            struct pollfd p = { .fd = herald_posix_net_fd(&f->n), .events = POLLIN, .revents = 0 };
            (void)poll(&p, 1, 100);
        }
    }
    assert_int_equal(r, HERALD_E_NET_CLOSED);
    assert_int_equal(f->net.recv(f->net.ctx, buf, sizeof buf), HERALD_E_NET_CLOSED);
    assert_int_equal(f->net.recv(f->net.ctx, buf, sizeof buf), HERALD_E_NET_CLOSED);
}

static void test_send_to_closed_peer_fails_without_sigpipe(void **state)
{
    fixture_t *f = *state;
    uint8_t b[512];
    memset(b, 'x', sizeof b);
    close(f->peer);
    f->peer = -1;
    /* The first send may be taken by the kernel; the peer's RST then fails
     * the next ones (ECONNRESET, later EPIPE), and SIGPIPE must not kill us. */
    int r = 1;
    for (int i = 0; i < 50 && r >= 0; i++) {
        r = f->net.send(f->net.ctx, b, sizeof b);
        if (r >= 0) {
            usleep(10000);
        }
    }
    assert_true(r == HERALD_E_NET || r == HERALD_E_NET_CLOSED);
}

static void test_connect_by_name_and_ipv6_literal(void **state)
{
    herald_posix_net_t n;
    herald_net_t net;
    uint16_t port;
    uint8_t b[2];
    (void)state;
    herald_posix_net_init(&n, &net);
    /* localhost may resolve to ::1 first; the IPv4 listener must still be
     * reached by trying the next address. */
    int lfd = listen_on(AF_INET, &port);
    assert_true(lfd >= 0);
    assert_int_equal(connect_wait(&net, &n, "localhost", port), 1);
    int peer = accept(lfd, NULL, NULL);
    assert_true(peer >= 0);
    assert_int_equal(send(peer, "ok", 2, 0), 2);
    assert_int_equal(recv_all(&net, &n, b, 2), 2);
    assert_memory_equal(b, "ok", 2);
    net.close(net.ctx);
    close(peer);
    close(lfd);

    lfd = listen_on(AF_INET6, &port);
    if (lfd < 0) {
        skip(); /* no IPv6 loopback in this environment */
    }
    assert_int_equal(connect_wait(&net, &n, "::1", port), 1);
    peer = accept(lfd, NULL, NULL);
    assert_true(peer >= 0);
    assert_int_equal(net.send(net.ctx, (const uint8_t *)"v6", 2), 2);
    assert_int_equal(recv(peer, b, 2, MSG_WAITALL), 2);
    assert_memory_equal(b, "v6", 2);
    net.close(net.ctx);
    close(peer);
    close(lfd);
}

static void test_clock(void **state)
{
    herald_clock_t c = herald_posix_clock();
    (void)state;
    uint64_t a = c.monotonic_ms(c.ctx);
    usleep(20000);
    uint64_t b = c.monotonic_ms(c.ctx);
    assert_true(b >= a + 20);
    assert_true(b < a + 2000);
    int64_t wall = c.wall_s(c.ctx);
    int64_t now = (int64_t)time(NULL);
    assert_true(wall >= now - 2 && wall <= now + 2);
}

static void test_rng(void **state)
{
    herald_rng_t r = herald_posix_rng();
    uint8_t a[32], b[32], zero[32];
    (void)state;
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    memset(zero, 0, sizeof zero);
    assert_int_equal(r.fill(r.ctx, a, sizeof a), HERALD_OK);
    assert_int_equal(r.fill(r.ctx, b, sizeof b), HERALD_OK);
    assert_memory_not_equal(a, b, sizeof a);
    assert_memory_not_equal(a, zero, sizeof a);
    assert_int_equal(r.fill(r.ctx, a, 0), HERALD_OK);
}

static void test_log_one_line_per_message(void **state)
{
    herald_log_t log = herald_posix_log();
    int pfd[2];
    char buf[128];
    (void)state;
    assert_int_equal(pipe(pfd), 0);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_int_equal(dup2(pfd[1], STDERR_FILENO), STDERR_FILENO);
    log.write(log.ctx, HERALD_LOG_WARN, "queue 80% full");
    log.write(log.ctx, HERALD_LOG_ERROR, "tls: not trusted");
    log.write(log.ctx, HERALD_LOG_DEBUG, NULL);
    fflush(stderr);
    assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
    close(saved);
    close(pfd[1]);
    ssize_t n = read(pfd[0], buf, sizeof buf - 1);
    close(pfd[0]);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_string_equal(buf, "herald warn: queue 80% full\n"
                             "herald error: tls: not trusted\n"
                             "herald debug: (null)\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_to_closed_port_is_an_error),
        cmocka_unit_test(test_misuse_and_unconnected_stream),
        cmocka_unit_test_setup_teardown(test_round_trip_exact_bytes, setup_connected, teardown_connected),
        cmocka_unit_test_setup_teardown(test_would_block_is_zero, setup_connected, teardown_connected),
        cmocka_unit_test_setup_teardown(test_peer_close_is_net_closed_never_zero, setup_connected,
                                        teardown_connected),
        cmocka_unit_test_setup_teardown(test_send_to_closed_peer_fails_without_sigpipe, setup_connected,
                                        teardown_connected),
        cmocka_unit_test(test_connect_by_name_and_ipv6_literal),
        cmocka_unit_test(test_clock),
        cmocka_unit_test(test_rng),
        cmocka_unit_test(test_log_one_line_per_message),
    };
    return cmocka_run_group_tests_name("posix_net", tests, NULL, NULL);
}
