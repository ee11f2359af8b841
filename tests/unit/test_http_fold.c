/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP reader on answers it cannot hold: a folded header line is unfolded
 * (RFC 9112 5.2), and the status stays readable after the head or the body
 * overflowed, so the agent can tell an accepted notification from a lost one. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "herald/http.h"

static char hdr[256];
static char body[128];

/* Feed wire step bytes at a time; returns the last status. */
static int feed_in(herald_http_reader_t *r, const char *wire, size_t step)
{
    size_t len = strlen(wire);
    size_t off = 0;
    int rc = HERALD_HTTP_MORE;
    herald_http_reader_init(r, hdr, sizeof hdr, body, sizeof body);
    while (off < len && rc == HERALD_HTTP_MORE) {
        size_t n = len - off < step ? len - off : step;
        size_t used = 0;
        rc = herald_http_feed(r, wire + off, n, &used);
        off += used;
    }
    return rc;
}

static void test_obs_fold_is_unfolded(void **state)
{
    static const size_t steps[] = { 1, 2, 3, 7, 1000 };
    herald_http_reader_t r;
    (void)state;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        /* A folded advisory header and a folded Content-Length: each is read
         * as one line, the fold as a space. */
        assert_int_equal(feed_in(&r,
                                 "HTTP/1.1 200 OK\r\nX-Note: a\r\n  \t b\r\nRetry-After:\r\n 7\r\n"
                                 "Content-Length:\r\n\t2\r\n\r\n{}",
                                 steps[i]),
                         HERALD_OK);
        assert_int_equal(r.resp.status, 200);
        assert_int_equal(r.resp.retry_after_s, 7);
        assert_int_equal(r.resp.content_length, 2);
        assert_string_equal(r.resp.body, "{}");
        /* A fold that makes the value two tokens: "1 2" is no length. */
        assert_int_equal(feed_in(&r, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n 2\r\n\r\n", steps[i]),
                         HERALD_E_HTTP_MALFORMED);
        /* Connection tokens across a fold, and bare LF line ends. */
        assert_int_equal(feed_in(&r,
                                 "HTTP/1.1 200 OK\nConnection: keep-alive,\n close\nContent-Length: 0\n\n",
                                 steps[i]),
                         HERALD_OK);
        assert_int_equal(r.resp.conn_close, 1);
    }
    /* A continuation with no line before it is still malformed. */
    assert_int_equal(feed_in(&r, "HTTP/1.1 200 OK\r\n folded\r\n\r\n", 1), HERALD_E_HTTP_MALFORMED);
}

static void test_status_survives_an_overflow(void **state)
{
    char wire[600];
    herald_http_reader_t r;
    (void)state;
    /* head larger than hdr[] */
    strcpy(wire, "HTTP/1.1 200 OK\r\nX-Filler: ");
    memset(wire + strlen(wire), 'h', 400);
    wire[27 + 400] = '\0';
    strcat(wire, "\r\nContent-Length: 2\r\n\r\n{}");
    assert_int_equal(feed_in(&r, wire, 5), HERALD_E_HTTP_HEADER_TOO_LARGE);
    assert_int_equal(r.resp.status, 200);
    /* body larger than body[], by length and chunked */
    assert_int_equal(feed_in(&r, "HTTP/1.1 202 Accepted\r\nContent-Length: 500\r\n\r\n", 3),
                     HERALD_E_HTTP_BODY_TOO_LARGE);
    assert_int_equal(r.resp.status, 202);
    assert_int_equal(feed_in(&r, "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n200\r\n", 3),
                     HERALD_E_HTTP_BODY_TOO_LARGE);
    assert_int_equal(r.resp.status, 201);
    /* cut short by the peer */
    assert_int_equal(feed_in(&r, "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"notif", 4),
                     HERALD_HTTP_MORE);
    assert_int_equal(herald_http_eof(&r), HERALD_E_NET_CLOSED);
    assert_int_equal(r.resp.status, 200);
    /* an interim 1xx is not the answer; before any status line there is none */
    assert_int_equal(feed_in(&r, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nA", 4), HERALD_HTTP_MORE);
    assert_int_equal(r.resp.status, 200);
    assert_int_equal(feed_in(&r, "HTTP/1.1 2", 4), HERALD_HTTP_MORE);
    assert_int_equal(r.resp.status, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_obs_fold_is_unfolded),
        cmocka_unit_test(test_status_survives_an_overflow),
    };
    return cmocka_run_group_tests_name("http_fold", tests, NULL, NULL);
}
