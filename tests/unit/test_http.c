/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "herald/http.h"

/* What one run of the reader produced; buffers are malloc'd to their exact
 * capacity so that ASan sees any write past them. */
typedef struct {
    int rc;
    size_t used;
    herald_http_response_t resp;
    char body[600];
} outcome_t;

/* Feed wire in pieces of `step` bytes until the reader stops asking for more;
 * with eof set, signal the close after the last byte. */
static outcome_t run(const char *wire, size_t len, size_t hcap, size_t bcap, size_t step, int eof)
{
    outcome_t o;
    herald_http_reader_t r;
    char *hdr = malloc(hcap);
    char *body = malloc(bcap);
    size_t off = 0;
    assert_non_null(hdr);
    assert_non_null(body);
    memset(&o, 0, sizeof o);
    herald_http_reader_init(&r, hdr, hcap, body, bcap);
    o.rc = HERALD_HTTP_MORE;
    while (off < len) {
        size_t n = len - off < step ? len - off : step;
        size_t c = (size_t)-1;
        o.rc = herald_http_feed(&r, wire + off, n, &c);
        assert_true(c <= n);
        off += c;
        if (o.rc != HERALD_HTTP_MORE) {
            break;
        }
        assert_int_equal(c, n); /* "more" means everything was taken */
    }
    if (eof && o.rc == HERALD_HTTP_MORE) {
        o.rc = herald_http_eof(&r);
    }
    o.used = off;
    o.resp = r.resp;
    if (o.rc == HERALD_OK) {
        assert_ptr_equal(r.resp.body, body);
        assert_true(r.resp.body_len < sizeof o.body);
        assert_int_equal(body[r.resp.body_len], '\0');
        memcpy(o.body, body, r.resp.body_len + 1u);
    }
    o.resp.body = NULL;
    free(hdr);
    free(body);
    return o;
}

#define HCAP 256
#define BCAP 128

static outcome_t run_s(const char *wire, size_t step, int eof)
{
    return run(wire, strlen(wire), HCAP, BCAP, step, eof);
}

static void assert_same(const outcome_t *a, const outcome_t *b)
{
    assert_int_equal(a->rc, b->rc);
    assert_int_equal(a->used, b->used);
    assert_memory_equal(&a->resp, &b->resp, sizeof a->resp);
    assert_memory_equal(a->body, b->body, sizeof a->body);
}

/* Every piece size, and every cut into two pieces, gives the whole-feed result. */
static outcome_t run_all_splits(const char *wire, int eof)
{
    size_t len = strlen(wire), i;
    outcome_t whole = run_s(wire, len ? len : 1u, eof);
    for (i = 1; i < len; i++) {
        outcome_t o = run_s(wire, i, eof);
        assert_same(&whole, &o);
    }
    for (i = 1; i < len; i++) {
        herald_http_reader_t r;
        char hdr[HCAP], body[BCAP];
        size_t c1 = 0, c2 = 0;
        int rc;
        herald_http_reader_init(&r, hdr, sizeof hdr, body, sizeof body);
        rc = herald_http_feed(&r, wire, i, &c1);
        if (rc == HERALD_HTTP_MORE) {
            rc = herald_http_feed(&r, wire + i, len - i, &c2);
        }
        if (eof && rc == HERALD_HTTP_MORE) {
            rc = herald_http_eof(&r);
        }
        assert_int_equal(rc, whole.rc);
        assert_int_equal(c1 + c2, whole.used);
    }
    return whole;
}

static const char NORMAL[] = "HTTP/1.1 201 Created\r\n"
                             "Content-Type: application/json\r\n"
                             "content-length:   27  \r\n"
                             "X-RateLimit-Limit: 500\r\n"
                             "X-RATELIMIT-REMAINING:\t499\r\n"
                             "x-ratelimit-reset: 1700000060\r\n"
                             "\r\n"
                             "{\"notificationId\":\"n_1234\"}";

static void test_normal_response_any_split(void **state)
{
    outcome_t o = run_all_splits(NORMAL, 0);
    (void)state;
    assert_int_equal(o.rc, HERALD_OK);
    assert_int_equal(o.used, strlen(NORMAL));
    assert_int_equal(o.resp.status, 201);
    assert_int_equal(o.resp.conn_close, 0);
    assert_int_equal(o.resp.chunked, 0);
    assert_int_equal(o.resp.content_length, 27);
    assert_int_equal(o.resp.retry_after_s, -1);
    assert_int_equal(o.resp.ratelimit_limit, 500);
    assert_int_equal(o.resp.ratelimit_remaining, 499);
    assert_int_equal(o.resp.ratelimit_reset, 1700000060);
    assert_int_equal(o.resp.body_len, 27);
    assert_string_equal(o.body, "{\"notificationId\":\"n_1234\"}");
}

static void test_chunked_with_extensions_and_trailers(void **state)
{
    static const char wire[] = "HTTP/1.1 200 OK\r\n"
                               "Transfer-Encoding: Chunked\r\n"
                               "Content-Length: 99999\r\n" /* chunked wins, so this is not too large */
                               "\r\n"
                               "5;name=value\r\n"
                               "hello\r\n"
                               "1A ; x=\"y\"\r\n"
                               "abcdefghijklmnopqrstuvwxyz\r\n"
                               "000\r\n"
                               "X-Trailer: yes\r\n"
                               "Another: 2\r\n"
                               "\r\n"
                               "LEFTOVER";
    outcome_t o = run_all_splits(wire, 0);
    (void)state;
    assert_int_equal(o.rc, HERALD_OK);
    assert_int_equal(o.used, strlen(wire) - strlen("LEFTOVER"));
    assert_int_equal(o.resp.status, 200);
    assert_int_equal(o.resp.chunked, 1);
    assert_int_equal(o.resp.content_length, -1);
    assert_int_equal(o.resp.body_len, 31);
    assert_string_equal(o.body, "helloabcdefghijklmnopqrstuvwxyz");
}

static void test_bare_lf_line_ends(void **state)
{
    outcome_t o = run_all_splits("HTTP/1.1 200\nContent-Length: 2\n\nok", 0);
    (void)state;
    assert_int_equal(o.rc, HERALD_OK);
    assert_int_equal(o.resp.status, 200);
    assert_string_equal(o.body, "ok");
}

static void test_close_delimited_body(void **state)
{
    static const char wire[] = "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n\r\n<h1>bad</h1>";
    outcome_t o = run_s(wire, 1000, 0);
    (void)state;
    assert_int_equal(o.rc, HERALD_HTTP_MORE); /* only the close ends it */
    o = run_all_splits(wire, 1);
    assert_int_equal(o.rc, HERALD_OK);
    assert_int_equal(o.resp.status, 502);
    assert_int_equal(o.resp.conn_close, 1);
    assert_int_equal(o.resp.content_length, -1);
    assert_string_equal(o.body, "<h1>bad</h1>");
    /* an empty close-delimited body is a body too */
    o = run_s("HTTP/1.0 200 OK\r\n\r\n", 1, 1);
    assert_int_equal(o.rc, HERALD_OK);
    assert_int_equal(o.resp.body_len, 0);
    assert_string_equal(o.body, "");
}

static void test_eof_before_complete(void **state)
{
    herald_http_reader_t r;
    char hdr[64], body[64];
    (void)state;
    /* a short Content-Length body */
    assert_int_equal(run_s("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345", 3, 1).rc,
                     HERALD_E_NET_CLOSED);
    /* in the headers, in a chunked body, before a single byte */
    assert_int_equal(run_s("HTTP/1.1 200 OK\r\nContent-Le", 3, 1).rc, HERALD_E_NET_CLOSED);
    assert_int_equal(run_s("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", 3, 1).rc,
                     HERALD_E_NET_CLOSED);
    herald_http_reader_init(&r, hdr, sizeof hdr, body, sizeof body);
    assert_int_equal(herald_http_eof(&r), HERALD_E_NET_CLOSED);
    assert_int_equal(herald_http_eof(&r), HERALD_E_NET_CLOSED);
}

static void test_interim_responses_skipped(void **state)
{
    static const char wire[] =
        "HTTP/1.1 100 Continue\r\n\r\n"
        "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\nRetry-After: 9\r\nContent-Length: 5\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    outcome_t o = run_all_splits(wire, 0);
    (void)state;
    assert_int_equal(o.rc, HERALD_OK);
    assert_int_equal(o.used, strlen(wire));
    assert_int_equal(o.resp.status, 200);
    assert_int_equal(o.resp.retry_after_s, -1); /* the interim's headers do not leak */
    assert_int_equal(o.resp.content_length, 2);
    assert_string_equal(o.body, "ok");
}

static void test_connection_close_and_versions(void **state)
{
    (void)state;
    assert_int_equal(
        run_s("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 1, 0).resp.conn_close, 1);
    assert_int_equal(run_s("HTTP/1.1 200 OK\r\nCONNECTION:  Keep-Alive , CLOSE \r\nContent-Length: 0\r\n\r\n",
                           1, 0)
                         .resp.conn_close,
                     1);
    assert_int_equal(
        run_s("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", 1, 0).resp.conn_close,
        0);
    assert_int_equal(run_s("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 1, 0).resp.conn_close, 0);
    assert_int_equal(run_s("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 1, 0).resp.conn_close, 1);
    assert_int_equal(
        run_s("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", 1, 0).resp.conn_close,
        0);
    assert_int_equal(
        run_s("HTTP/1.0 200 OK\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n", 1, 0).resp.conn_close,
        1);
    assert_int_equal(
        run_s("HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 0\r\n\r\n", 1, 0).resp.conn_close, 0);
}

static void test_retry_after_and_rate_limits(void **state)
{
    outcome_t o = run_all_splits("HTTP/1.1 429 Too Many Requests\r\n"
                                 "Retry-After: 120\r\n"
                                 "X-RateLimit-Limit: 10000\r\n"
                                 "X-RateLimit-Remaining: 0\r\n"
                                 "X-RateLimit-Reset: 1705311060\r\n"
                                 "Content-Length: 0\r\n\r\n",
                                 0);
    (void)state;
    assert_int_equal(o.rc, HERALD_OK);
    assert_int_equal(o.resp.status, 429);
    assert_int_equal(o.resp.retry_after_s, 120);
    assert_int_equal(o.resp.ratelimit_limit, 10000);
    assert_int_equal(o.resp.ratelimit_remaining, 0);
    assert_int_equal(o.resp.ratelimit_reset, 1705311060);
    /* an HTTP-date, a negative or an overflowing value is ignored, not fatal */
    o = run_s("HTTP/1.1 503 x\r\nRetry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n"
              "X-RateLimit-Remaining: -1\r\nX-RateLimit-Reset: 99999999999999999999\r\n"
              "Content-Length: 0\r\n\r\n",
              1, 0);
    assert_int_equal(o.rc, HERALD_OK);
    assert_int_equal(o.resp.retry_after_s, -1);
    assert_int_equal(o.resp.ratelimit_remaining, -1);
    assert_int_equal(o.resp.ratelimit_reset, -1);
    o = run_s("HTTP/1.1 503 x\r\nRetry-After: 9223372036854775807\r\nContent-Length: 0\r\n\r\n", 1, 0);
    assert_int_equal(o.resp.retry_after_s, INT64_MAX);
}

static void test_no_body_statuses(void **state)
{
    static const char wire[] = "HTTP/1.1 304 Not Modified\r\nContent-Length: 100000\r\n\r\nNEXT";
    outcome_t o = run_s(wire, 1, 0);
    (void)state;
    assert_int_equal(o.rc, HERALD_OK);
    assert_int_equal(o.used, strlen(wire) - 4u);
    assert_int_equal(o.resp.body_len, 0);
    assert_string_equal(o.body, "");
    o = run_s("HTTP/1.1 204 No Content\r\n\r\nNEXT", 1000, 0);
    assert_int_equal(o.rc, HERALD_OK);
    assert_int_equal(o.used, strlen("HTTP/1.1 204 No Content\r\n\r\n"));
    o = run_s("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nNEXT", 1000, 0);
    assert_int_equal(o.rc, HERALD_OK);
    assert_int_equal(o.used, strlen("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
}

/* A response whose status line and headers take exactly n bytes. */
static size_t head_of_size(char *buf, size_t n)
{
    static const char start[] = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nX-Pad: ";
    static const char end[] = "\r\n\r\nZ";
    size_t pad = n - (sizeof start - 1u) - (sizeof end - 2u);
    memcpy(buf, start, sizeof start - 1u);
    memset(buf + sizeof start - 1u, 'p', pad);
    memcpy(buf + sizeof start - 1u + pad, end, sizeof end);
    return n + 1u;
}

static void test_headers_larger_than_buffer(void **state)
{
    char wire[200];
    size_t len;
    outcome_t o;
    (void)state;
    len = head_of_size(wire, 100);
    o = run(wire, len, 100, 64, 1, 0);
    assert_int_equal(o.rc, HERALD_OK); /* exactly fits */
    assert_string_equal(o.body, "Z");
    len = head_of_size(wire, 101);
    o = run(wire, len, 100, 64, 1, 0);
    assert_int_equal(o.rc, HERALD_E_HTTP_HEADER_TOO_LARGE);
    assert_int_equal(o.used, 101); /* up to and including the byte that did not fit */
    o = run(wire, len, 100, 64, len, 0);
    assert_int_equal(o.rc, HERALD_E_HTTP_HEADER_TOO_LARGE);
    /* one endless line */
    memset(wire, 'a', sizeof wire);
    memcpy(wire, "HTTP/1.1 200 OK\r\nX: ", 20);
    o = run(wire, sizeof wire, 64, 64, 7, 0);
    assert_int_equal(o.rc, HERALD_E_HTTP_HEADER_TOO_LARGE);
    /* endless trailers */
    {
        char big[1000];
        size_t n = 0;
        n += strlen(strcpy(big, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"));
        while (n + 6 < sizeof big) {
            memcpy(big + n, "T: 1\r\n", 6);
            n += 6;
        }
        o = run(big, n, 64, 64, 5, 0);
        assert_int_equal(o.rc, HERALD_E_HTTP_HEADER_TOO_LARGE);
    }
}

static void test_body_larger_than_buffer(void **state)
{
    char wire[400];
    outcome_t o;
    size_t head;
    (void)state;
    /* Content-Length body_cap - 1 fits exactly; body_cap fails before any body byte */
    head = strlen(strcpy(wire, "HTTP/1.1 200 OK\r\nContent-Length: 63\r\n\r\n"));
    memset(wire + head, 'b', 63);
    o = run(wire, head + 63, 64, 64, 1, 0);
    assert_int_equal(o.rc, HERALD_OK);
    assert_int_equal(o.resp.body_len, 63);
    head = strlen(strcpy(wire, "HTTP/1.1 200 OK\r\nContent-Length: 64\r\n\r\n"));
    memset(wire + head, 'b', 64);
    o = run(wire, head + 64, 64, 64, 1000, 0);
    assert_int_equal(o.rc, HERALD_E_HTTP_BODY_TOO_LARGE);
    assert_int_equal(o.used, head);
    o = run_s("HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\n", 1, 0);
    assert_int_equal(o.rc, HERALD_E_HTTP_BODY_TOO_LARGE);
    /* chunked: the second chunk would pass the end, refused at its size line */
    o = run_s("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
              "40\r\n0123456789012345678901234567890123456789012345678901234567890123\r\n"
              "40\r\n",
              1, 0);
    assert_int_equal(o.rc, HERALD_E_HTTP_BODY_TOO_LARGE);
    o = run_s("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffff\r\n", 1, 0);
    assert_int_equal(o.rc, HERALD_E_HTTP_BODY_TOO_LARGE);
    /* close-delimited */
    head = strlen(strcpy(wire, "HTTP/1.1 200 OK\r\n\r\n"));
    memset(wire + head, 'c', 64);
    o = run(wire, head + 64, 64, 64, 1, 1);
    assert_int_equal(o.rc, HERALD_E_HTTP_BODY_TOO_LARGE);
    o = run(wire, head + 63, 64, 64, 1, 1);
    assert_int_equal(o.rc, HERALD_OK);
    assert_int_equal(o.resp.body_len, 63);
}

static void test_endless_chunked_body(void **state)
{
    herald_http_reader_t r;
    char hdr[64], body[BCAP];
    static const char head[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    static const char chunk[] = "3\r\nabc\r\n";
    size_t c, rounds = 0;
    int rc;
    (void)state;
    herald_http_reader_init(&r, hdr, sizeof hdr, body, sizeof body);
    rc = herald_http_feed(&r, head, sizeof head - 1u, &c);
    assert_int_equal(rc, HERALD_HTTP_MORE);
    do {
        rc = herald_http_feed(&r, chunk, sizeof chunk - 1u, &c);
        rounds++;
    } while (rc == HERALD_HTTP_MORE && rounds < 1000);
    assert_int_equal(rc, HERALD_E_HTTP_BODY_TOO_LARGE);
    assert_int_equal(rounds, (BCAP - 1) / 3 + 1);
    /* the error sticks */
    assert_int_equal(herald_http_feed(&r, chunk, sizeof chunk - 1u, &c), HERALD_E_HTTP_BODY_TOO_LARGE);
    assert_int_equal(c, 0);
    assert_int_equal(herald_http_eof(&r), HERALD_E_HTTP_BODY_TOO_LARGE);
}

static void test_malformed_status_lines(void **state)
{
    static const char *const bad[] = {
        "HTTP/1.1 abc\r\n\r\n",     "HTTP/1.1\r\n\r\n",          "HTTP/1.1 \r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",   "HTTP/1.1 2000 OK\r\n\r\n",  "HTTP/1.1  200 OK\r\n\r\n",
        "HTTP/1.1 099 Low\r\n\r\n", "HTTP/1.1 600 High\r\n\r\n", "HTTP/1.2 200 OK\r\n\r\n",
        "HTTP/1.1\t200 OK\r\n\r\n", "HTTP/1.1 200OK\r\n\r\n",    "HTTP/1.1 -20 OK\r\n\r\n",
    };
    outcome_t o;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        o = run_s(bad[i], 1, 0);
        assert_int_equal(o.rc, HERALD_E_HTTP_MALFORMED);
        o = run_s(bad[i], 100, 1);
        assert_int_equal(o.rc, HERALD_E_HTTP_MALFORMED);
    }
    /* a wrong protocol is refused at its first wrong byte */
    o = run_s("HTTP/2 200\r\n\r\n", 1, 0);
    assert_int_equal(o.rc, HERALD_E_HTTP_MALFORMED);
    assert_int_equal(o.used, 6);
    o = run_s("http/1.1 200 OK\r\n\r\n", 1, 0);
    assert_int_equal(o.rc, HERALD_E_HTTP_MALFORMED);
    assert_int_equal(o.used, 1);
    o = run("\x15\x03\x03\x00\x02\x02\x28", 7, HCAP, BCAP, 7, 0); /* a TLS alert */
    assert_int_equal(o.rc, HERALD_E_HTTP_MALFORMED);
    assert_int_equal(o.used, 1);
    o = run_s("\r\nHTTP/1.1 200 OK\r\n\r\n", 1, 0);
    assert_int_equal(o.rc, HERALD_E_HTTP_MALFORMED);
    /* the optional parts really are optional */
    o = run_s("HTTP/1.0 200\r\nContent-Length: 0\r\n\r\n", 1, 0);
    assert_int_equal(o.rc, HERALD_OK);
    assert_int_equal(o.resp.status, 200);
    o = run_s("HTTP/1.1 599 \r\nContent-Length: 0\r\n\r\n", 1, 0);
    assert_int_equal(o.rc, HERALD_OK);
    assert_int_equal(o.resp.status, 599);
}

static void test_malformed_headers(void **state)
{
    static const char *const bad[] = {
        "HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n",
        "HTTP/1.1 200 OK\r\n: no name\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nName : x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775808\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
    };
    outcome_t o;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        o = run_s(bad[i], 1, 1);
        assert_int_equal(o.rc, HERALD_E_HTTP_MALFORMED);
    }
    o = run_s("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 003\r\n\r\nabc", 1, 0);
    assert_int_equal(o.rc, HERALD_OK);
    assert_string_equal(o.body, "abc");
    o = run_s("HTTP/1.1 200 OK\r\nEmpty:\r\nX:y\r\nContent-Length: 0\r\n\r\n", 1, 0);
    assert_int_equal(o.rc, HERALD_OK);
}

static void test_bad_chunks(void **state)
{
    static const char *const bad[] = {
        "zz\r\n",
        "\r\n",
        ";ext\r\n",
        "-5\r\n",
        "5 x\r\nhello\r\n0\r\n\r\n",
        "0x5\r\nhello\r\n0\r\n\r\n",
        "ffffffffffffffffff\r\n",
        "10000000000000000000000000000000001\r\n",
        "5\r\nhelloX\r\n0\r\n\r\n",
        "5\r\nhello\rX\r\n0\r\n\r\n",
        "5\r\nhello\r\r\n0\r\n\r\n",
        "5\r\nhello0\r\n\r\n",
    };
    char wire[200];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        outcome_t o;
        strcpy(wire, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        strcat(wire, bad[i]);
        o = run_s(wire, 1, 1);
        assert_int_equal(o.rc, HERALD_E_HTTP_CHUNK);
        o = run_s(wire, 200, 0);
        assert_int_equal(o.rc, HERALD_E_HTTP_CHUNK);
    }
    /* a chunk-size line longer than the header buffer */
    {
        char big[300];
        size_t n = strlen(strcpy(big, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;"));
        memset(big + n, 'e', sizeof big - n);
        assert_int_equal(run(big, sizeof big, 64, 64, 9, 0).rc, HERALD_E_HTTP_CHUNK);
    }
    /* leading zeros are not an overflow */
    strcpy(wire, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "000000000000000000000000000000002\r\nhi\r\n0\r\n\r\n");
    assert_int_equal(run_s(wire, 1, 0).rc, HERALD_OK);
}

static void test_back_to_back_responses(void **state)
{
    static const char first[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst";
    static const char second[] =
        "HTTP/1.1 429 Slow Down\r\nTransfer-Encoding: chunked\r\nRetry-After: 3\r\n\r\n"
        "6\r\nsecond\r\n0\r\n\r\n";
    char wire[sizeof first + sizeof second];
    herald_http_reader_t r;
    char hdr[HCAP], body[BCAP];
    size_t len = sizeof first - 1u + sizeof second - 1u, c = 0, c2 = 0;
    (void)state;
    memcpy(wire, first, sizeof first - 1u);
    memcpy(wire + sizeof first - 1u, second, sizeof second);
    herald_http_reader_init(&r, hdr, sizeof hdr, body, sizeof body);
    assert_int_equal(herald_http_feed(&r, wire, len, &c), HERALD_OK);
    assert_int_equal(c, sizeof first - 1u);
    assert_int_equal(r.resp.status, 200);
    assert_string_equal(r.resp.body, "first");
    /* a finished reader takes nothing more */
    assert_int_equal(herald_http_feed(&r, wire + c, len - c, &c2), HERALD_OK);
    assert_int_equal(c2, 0);
    assert_int_equal(herald_http_eof(&r), HERALD_OK);
    herald_http_reader_init(&r, hdr, sizeof hdr, body, sizeof body);
    assert_int_equal(herald_http_feed(&r, wire + c, len - c, &c2), HERALD_OK);
    assert_int_equal(c2, sizeof second - 1u);
    assert_int_equal(r.resp.status, 429);
    assert_int_equal(r.resp.retry_after_s, 3);
    assert_int_equal(r.resp.content_length, -1);
    assert_string_equal(r.resp.body, "second");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal_response_any_split),
        cmocka_unit_test(test_chunked_with_extensions_and_trailers),
        cmocka_unit_test(test_bare_lf_line_ends),
        cmocka_unit_test(test_close_delimited_body),
        cmocka_unit_test(test_eof_before_complete),
        cmocka_unit_test(test_interim_responses_skipped),
        cmocka_unit_test(test_connection_close_and_versions),
        cmocka_unit_test(test_retry_after_and_rate_limits),
        cmocka_unit_test(test_no_body_statuses),
        cmocka_unit_test(test_headers_larger_than_buffer),
        cmocka_unit_test(test_body_larger_than_buffer),
        cmocka_unit_test(test_endless_chunked_body),
        cmocka_unit_test(test_malformed_status_lines),
        cmocka_unit_test(test_malformed_headers),
        cmocka_unit_test(test_bad_chunks),
        cmocka_unit_test(test_back_to_back_responses),
    };
    return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
