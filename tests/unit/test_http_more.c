/* SPDX-License-Identifier: Apache-2.0 */
/* HTTP reader corners: Connection token lists, whitespace in a field name,
 * and framing headers on a response that has no body (found by fuzz_http). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "herald/http.h"

static char hdr[256];
static char body[128];

/* Feed a whole response in one call; returns the status. */
static int feed(herald_http_reader_t *r, const char *wire)
{
    size_t used = 0;
    herald_http_reader_init(r, hdr, sizeof hdr, body, sizeof body);
    return herald_http_feed(r, wire, strlen(wire), &used);
}

static void test_connection_token_lists(void **state)
{
    herald_http_reader_t r;
    (void)state;
    /* Empty members, blanks and tabs around tokens, any case. */
    assert_int_equal(feed(&r, "HTTP/1.1 200 OK\r\nConnection: , keep-alive ,\tClose \r\n"
                              "Content-Length: 0\r\n\r\n"),
                     HERALD_OK);
    assert_int_equal(r.resp.conn_close, 1);
    assert_int_equal(feed(&r, "HTTP/1.0 200 OK\r\nConnection: ,,Keep-Alive\t,\r\nContent-Length: 0\r\n\r\n"),
                     HERALD_OK);
    assert_int_equal(r.resp.conn_close, 0);
    assert_int_equal(feed(&r,
                          "HTTP/1.0 200 OK\r\nConnection: upgrade, keep-alivex\r\nContent-Length: 0\r\n\r\n"),
                     HERALD_OK);
    assert_int_equal(r.resp.conn_close, 1);
    assert_int_equal(feed(&r, "HTTP/1.1 200 OK\r\nConnection:\r\nContent-Length: 0\r\n\r\n"), HERALD_OK);
    assert_int_equal(r.resp.conn_close, 0);
}

static void test_whitespace_in_field_name(void **state)
{
    herald_http_reader_t r;
    (void)state;
    assert_int_equal(feed(&r, "HTTP/1.1 200 OK\r\nX\tTag: 1\r\n\r\n"), HERALD_E_HTTP_MALFORMED);
    assert_int_equal(feed(&r, "HTTP/1.1 200 OK\r\nContent-Length\t: 0\r\n\r\n"), HERALD_E_HTTP_MALFORMED);
    assert_int_equal(feed(&r, "HTTP/1.1 200 OK\r\nX-Tag\t:\t1\t\r\nContent-Length: 0\r\n\r\n"),
                     HERALD_E_HTTP_MALFORMED);
    assert_int_equal(feed(&r, "HTTP/1.1 200 OK\r\nX-Tag:\t1\t\r\nContent-Length: 0\r\n\r\n"), HERALD_OK);
}

static void test_chunked_wins_on_a_response_without_body(void **state)
{
    herald_http_reader_t r;
    size_t used = 0;
    (void)state;
    /* fuzz_http's first find: chunked must read content_length -1 even
     * when the status (204, 304) means there is no body at all. */
    assert_int_equal(feed(&r, "HTTP/1.1 204\nContent-Length:4\nTransfer-Encoding:chunked\n\n"), HERALD_OK);
    assert_int_equal(r.resp.status, 204);
    assert_int_equal(r.resp.chunked, 1);
    assert_int_equal(r.resp.content_length, -1);
    assert_int_equal(r.resp.body_len, 0);
    assert_int_equal(feed(&r, "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                     HERALD_OK);
    assert_int_equal(r.resp.content_length, -1);
    /* The reader stops at the end of the head: the "0" is the next response's. */
    herald_http_reader_init(&r, hdr, sizeof hdr, body, sizeof body);
    assert_int_equal(herald_http_feed(&r, "HTTP/1.1 304 x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 51,
                                      &used),
                     HERALD_OK);
    assert_int_equal(used, 46);
    assert_int_equal(feed(&r, "HTTP/1.1 204\r\nContent-Length: 12\r\n\r\n"), HERALD_OK);
    assert_int_equal(r.resp.content_length, 12);
    assert_int_equal(r.resp.chunked, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connection_token_lists),
        cmocka_unit_test(test_whitespace_in_field_name),
        cmocka_unit_test(test_chunked_wins_on_a_response_without_body),
    };
    return cmocka_run_group_tests_name("http_more", tests, NULL, NULL);
}
