/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP/1.1 response reader on arbitrary bytes, fed whole and fed in
 * pieces split where the input says: both must agree on every response (the
 * reader is re-initialised after each complete one, as the agent does on a
 * kept-alive connection), never step outside the caller's buffers and
 * return only the statuses http.h documents.
 *
 * Input: [hdr_cap/4-16] [body_cap/4-16] [largest piece - 1] [split seed] bytes... */
#include <stdlib.h>
#include <string.h>
#include "herald/http.h"
#include "util.h"

#define MAX_RESPONSES 4

typedef struct {
    int st;     /* feed's final status, or eof's */
    size_t end; /* input offset just after this response */
    herald_http_response_t resp;
    char *body; /* copy of the body (body_len + 1 bytes) */
} result_t;

static const int FEED_STATUSES[] = {
    HERALD_OK,
    HERALD_HTTP_MORE,
    HERALD_E_HTTP_MALFORMED,
    HERALD_E_HTTP_HEADER_TOO_LARGE,
    HERALD_E_HTTP_BODY_TOO_LARGE,
    HERALD_E_HTTP_CHUNK,
};

static void check_reader(const herald_http_reader_t *r)
{
    FZ_CHECK(r->resp.body == r->body);
    FZ_CHECK(r->resp.body_len <= r->body_cap - 1);
    FZ_CHECK(r->body[r->resp.body_len] == '\0');
    FZ_CHECK(r->hdr_len <= r->hdr_cap);
    FZ_CHECK(r->line_len <= r->hdr_cap - r->hdr_len);
}

/* What a complete response must look like. */
static void check_complete(const herald_http_response_t *h)
{
    FZ_CHECK(h->status >= 200 && h->status <= 599);
    FZ_CHECK(h->conn_close == 0 || h->conn_close == 1);
    if (h->chunked) {
        FZ_CHECK(h->content_length == -1);
    }
    if (h->status == 204 || h->status == 304) {
        FZ_CHECK(h->body_len == 0);
    } else if (!h->chunked && h->content_length >= 0) {
        FZ_CHECK((int64_t)h->body_len == h->content_length);
    }
    FZ_CHECK(h->retry_after_s >= -1 && h->ratelimit_limit >= -1);
    FZ_CHECK(h->ratelimit_remaining >= -1 && h->ratelimit_reset >= -1);
}

static uint32_t next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Read up to MAX_RESPONSES responses from data, in pieces of 1..maxpiece
 * bytes (each its own heap block, so ASan sees a read past a piece). */
static size_t run(const uint8_t *data, size_t len, size_t hdr_cap, size_t body_cap, size_t maxpiece,
                  uint32_t seed, result_t *res)
{
    size_t pos = 0, nres = 0;
    while (nres < MAX_RESPONSES) {
        herald_http_reader_t r;
        char *hdr = malloc(hdr_cap);
        char *body = malloc(body_cap);
        int st = HERALD_HTTP_MORE;
        FZ_CHECK(hdr != NULL && body != NULL);
        herald_http_reader_init(&r, hdr, hdr_cap, body, body_cap);
        check_reader(&r);
        while (st == HERALD_HTTP_MORE && pos < len) {
            size_t piece = 1 + next_rand(&seed) % maxpiece, consumed = (size_t)-1;
            char *p;
            if (piece > len - pos) {
                piece = len - pos;
            }
            p = fz_dup(data + pos, piece);
            st = herald_http_feed(&r, p, piece, &consumed);
            free(p);
            FZ_CHECK(fz_status_in(st, FEED_STATUSES, sizeof FEED_STATUSES / sizeof FEED_STATUSES[0]));
            FZ_CHECK(consumed <= piece);
            FZ_CHECK(st != HERALD_HTTP_MORE || consumed == piece);
            check_reader(&r);
            pos += consumed;
        }
        if (st == HERALD_HTTP_MORE) {
            st = herald_http_eof(&r);
            FZ_CHECK(st == HERALD_OK || st == HERALD_E_NET_CLOSED);
            check_reader(&r);
        }
        if (st != HERALD_OK) {
            /* Errors stick: nothing more is consumed, eof repeats them. */
            size_t consumed = (size_t)-1;
            FZ_CHECK(herald_http_feed(&r, "x", 1, &consumed) == st && consumed == 0);
            FZ_CHECK(herald_http_eof(&r) == st);
        } else {
            size_t consumed = (size_t)-1;
            check_complete(&r.resp);
            FZ_CHECK(herald_http_feed(&r, "x", 1, &consumed) == HERALD_OK && consumed == 0);
            FZ_CHECK(herald_http_eof(&r) == HERALD_OK);
        }
        res[nres].st = st;
        res[nres].end = pos;
        res[nres].resp = r.resp;
        res[nres].body = fz_dup(body, r.resp.body_len + 1);
        nres++;
        free(hdr);
        free(body);
        if (st != HERALD_OK || pos == len) {
            break;
        }
    }
    return nres;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input_t in = { data, size };
    size_t hdr_cap = 64 + 4 * (size_t)fz_byte(&in);
    size_t body_cap = 64 + 4 * (size_t)fz_byte(&in);
    size_t maxpiece = 1 + (size_t)fz_byte(&in);
    uint32_t seed = 0x9E3779B9u ^ fz_byte(&in);
    result_t whole[MAX_RESPONSES], split[MAX_RESPONSES];
    size_t nw = run(in.p, in.n, hdr_cap, body_cap, in.n > 0 ? in.n : 1, seed, whole);
    size_t ns = run(in.p, in.n, hdr_cap, body_cap, maxpiece, seed, split);

    FZ_CHECK(nw == ns);
    for (size_t i = 0; i < nw; i++) {
        const herald_http_response_t *a = &whole[i].resp, *b = &split[i].resp;
        FZ_CHECK(whole[i].st == split[i].st);
        if (whole[i].st == HERALD_OK) {
            FZ_CHECK(whole[i].end == split[i].end);
            FZ_CHECK(a->status == b->status && a->conn_close == b->conn_close);
            FZ_CHECK(a->chunked == b->chunked && a->content_length == b->content_length);
            FZ_CHECK(a->retry_after_s == b->retry_after_s && a->ratelimit_limit == b->ratelimit_limit);
            FZ_CHECK(a->ratelimit_remaining == b->ratelimit_remaining);
            FZ_CHECK(a->ratelimit_reset == b->ratelimit_reset);
            FZ_CHECK(a->body_len == b->body_len);
            FZ_CHECK(memcmp(whole[i].body, split[i].body, a->body_len + 1) == 0);
        }
        free(whole[i].body);
        free(split[i].body);
    }
    return 0;
}
