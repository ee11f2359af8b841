/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "herald/http.h"

/* Phases of r->state; a negative state is the error the reader stopped on. */
enum {
    ST_STATUS,     /* status line */
    ST_HEADER,     /* header lines up to the empty line */
    ST_BODY_LEN,   /* Content-Length body, chunk_left bytes to go */
    ST_BODY_CLOSE, /* body delimited by the peer closing */
    ST_CHUNK_SIZE, /* chunk-size line */
    ST_CHUNK_DATA, /* chunk data, chunk_left bytes to go */
    ST_CHUNK_END,  /* the CRLF after chunk data (line_len 1 once CR is seen) */
    ST_TRAILER,    /* trailer lines up to the empty line */
    ST_DONE
};

/* r->flags */
#define F_HTTP10 1
#define F_CLOSE 2
#define F_KEEPALIVE 4
#define F_FOLD 8 /* inside an obs-fold: its leading white space is skipped */

static char lower(char c)
{
    if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
    }
    return c;
}

/* 1 when s (n bytes) equals the lower-case literal lit, ignoring case. */
static int ieq(const char *s, size_t n, const char *lit)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (lit[i] == '\0' || lower(s[i]) != lit[i]) {
            return 0;
        }
    }
    return lit[n] == '\0';
}

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Decimal digits only (no sign, no space), at most INT64_MAX; 0 on success. */
static int parse_dec(const char *s, size_t n, int64_t *out)
{
    int64_t v = 0;
    size_t i;
    if (n == 0) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        int64_t d = s[i] - '0';
        if (d < 0 || d > 9 || v > (INT64_MAX - d) / 10) {
            return -1;
        }
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* Advisory headers (Retry-After, X-RateLimit-*): anything but delta-seconds,
 * e.g. an HTTP-date, is ignored rather than failing the response. */
static int64_t parse_advisory(const char *s, size_t n)
{
    int64_t v;
    return parse_dec(s, n, &v) == 0 ? v : -1;
}

static int hex_val(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = lower(c);
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

static void reset_response(herald_http_reader_t *r)
{
    herald_http_response_t *h = &r->resp;
    (void)memset(h, 0, sizeof *h);
    h->content_length = -1;
    h->retry_after_s = -1;
    h->ratelimit_limit = -1;
    h->ratelimit_remaining = -1;
    h->ratelimit_reset = -1;
    h->body = r->body;
    r->body[0] = '\0';
    r->flags = 0;
    r->hdr_len = 0;
    r->line_len = 0;
    r->pend_off = 0;
    r->pend_len = 0;
    r->chunk_left = 0;
    r->state = ST_STATUS;
}

void herald_http_reader_init(herald_http_reader_t *r, char *hdr, size_t hdr_cap, char *body, size_t body_cap)
{
    r->hdr = hdr;
    r->hdr_cap = hdr_cap;
    r->body = body;
    r->body_cap = body_cap;
    reset_response(r);
}

/* "HTTP/1.x NNN[ reason]" */
static int status_line(herald_http_reader_t *r, const char *s, size_t n)
{
    int code = 0;
    size_t i;
    if (n < 12 || (s[7] != '0' && s[7] != '1') || s[8] != ' ' || (n > 12 && s[12] != ' ')) {
        return HERALD_E_HTTP_MALFORMED;
    }
    for (i = 9; i < 12; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return HERALD_E_HTTP_MALFORMED;
        }
        code = code * 10 + (s[i] - '0');
    }
    if (code < 100 || code > 599) {
        return HERALD_E_HTTP_MALFORMED;
    }
    r->resp.status = code;
    r->flags = 0;
    if (s[7] == '0') {
        r->flags = F_HTTP10;
    }
    return ST_HEADER;
}

/* Connection is a comma-separated token list; close wins over keep-alive. */
static void connection_tokens(herald_http_reader_t *r, const char *v, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t start;
        size_t end;
        while (i < n && (is_ows(v[i]) || v[i] == ',')) {
            i++;
        }
        start = i;
        while (i < n && v[i] != ',') {
            i++;
        }
        end = i;
        while (end > start && is_ows(v[end - 1])) {
            end--;
        }
        if (ieq(v + start, end - start, "close")) {
            r->flags |= F_CLOSE;
        } else if (ieq(v + start, end - start, "keep-alive")) {
            r->flags |= F_KEEPALIVE;
        } else {
            /* other tokens name hop-by-hop headers: nothing to do */
        }
    }
}

/* "name: value" split at the colon, white space around the value dropped;
 * 0 when there is no name or white space sits in or after it (RFC 9112 5.1;
 * a fold never gets here as a line of its own, see line_byte). */
static int split_field(const char *s, size_t n, size_t *name_len, const char **v, size_t *vn)
{
    const char *colon = memchr(s, ':', n);
    ptrdiff_t name_end;
    if (colon == NULL || colon == s) {
        return 0;
    }
    name_end = colon - s;
    *name_len = (size_t)name_end;
    if (memchr(s, ' ', *name_len) != NULL || memchr(s, '\t', *name_len) != NULL) {
        return 0;
    }
    *v = colon + 1;
    *vn = n - *name_len - 1u;
    while (*vn > 0u && is_ows((*v)[0])) {
        (*v)++;
        (*vn)--;
    }
    while (*vn > 0u && is_ows((*v)[*vn - 1u])) {
        (*vn)--;
    }
    return 1;
}

static int content_length(herald_http_response_t *h, const char *v, size_t vn)
{
    int64_t cl;
    /* Two different lengths would make the framing ambiguous. */
    if (parse_dec(v, vn, &cl) != 0 || (h->content_length >= 0 && h->content_length != cl)) {
        return HERALD_E_HTTP_MALFORMED;
    }
    h->content_length = cl;
    return ST_HEADER;
}

static int transfer_encoding(herald_http_response_t *h, const char *v, size_t vn)
{
    /* We send no TE header, so chunked (once) is the only coding a server may use. */
    if (!ieq(v, vn, "chunked") || h->chunked) {
        return HERALD_E_HTTP_MALFORMED;
    }
    h->chunked = 1;
    return ST_HEADER;
}

/* Where an advisory header's value goes, or NULL for a header that does not
 * concern the agent. */
static int64_t *advisory_field(herald_http_response_t *h, const char *name, size_t n)
{
    int64_t *field = NULL;
    if (ieq(name, n, "retry-after")) {
        field = &h->retry_after_s;
    } else if (ieq(name, n, "x-ratelimit-limit")) {
        field = &h->ratelimit_limit;
    } else if (ieq(name, n, "x-ratelimit-remaining")) {
        field = &h->ratelimit_remaining;
    } else if (ieq(name, n, "x-ratelimit-reset")) {
        field = &h->ratelimit_reset;
    } else {
        /* any other header does not concern the agent */
    }
    return field;
}

static int header_line(herald_http_reader_t *r, const char *s, size_t n)
{
    herald_http_response_t *h = &r->resp;
    const char *v = NULL;
    size_t vn = 0u;
    size_t name_len = 0u;
    int64_t *advisory;
    if (!split_field(s, n, &name_len, &v, &vn)) {
        return HERALD_E_HTTP_MALFORMED;
    }
    if (ieq(s, name_len, "content-length")) {
        return content_length(h, v, vn);
    }
    if (ieq(s, name_len, "transfer-encoding")) {
        return transfer_encoding(h, v, vn);
    }
    if (ieq(s, name_len, "connection")) {
        connection_tokens(r, v, vn);
    }
    advisory = advisory_field(h, s, name_len);
    if (advisory != NULL) {
        *advisory = parse_advisory(v, vn);
    }
    return ST_HEADER;
}

/* The empty line ended the headers: choose how the body is framed. */
static int headers_done(herald_http_reader_t *r)
{
    herald_http_response_t *h = &r->resp;
    if (h->status < 200) {
        reset_response(r); /* interim response: the real one follows */
        return ST_STATUS;
    }
    h->conn_close = (r->flags & F_CLOSE) || ((r->flags & F_HTTP10) && !(r->flags & F_KEEPALIVE));
    r->hdr_len = 0; /* the header buffer now holds chunk-size lines and trailers */
    if (h->chunked) {
        h->content_length = -1; /* chunked wins, also on a response without a body */
    }
    if (h->status == 204 || h->status == 304) {
        return ST_DONE;
    }
    if (h->chunked) {
        return ST_CHUNK_SIZE;
    }
    if (h->content_length >= 0) {
        if ((uint64_t)h->content_length > (uint64_t)(r->body_cap - 1u)) {
            return HERALD_E_HTTP_BODY_TOO_LARGE;
        }
        r->chunk_left = (size_t)h->content_length;
        return r->chunk_left > 0 ? ST_BODY_LEN : ST_DONE;
    }
    h->conn_close = 1;
    return ST_BODY_CLOSE;
}

/* "HEX[ ][;ext...]" */
static int chunk_size_line(herald_http_reader_t *r, const char *s, size_t n)
{
    size_t size = 0;
    size_t i;
    int d = 0;
    for (i = 0; i < n && (d = hex_val(s[i])) >= 0; i++) {
        if (size > (SIZE_MAX >> 4)) {
            return HERALD_E_HTTP_CHUNK;
        }
        size = (size << 4) | (size_t)d;
    }
    if (i == 0) {
        return HERALD_E_HTTP_CHUNK;
    }
    while (i < n && is_ows(s[i])) {
        i++;
    }
    if (i < n && s[i] != ';') {
        return HERALD_E_HTTP_CHUNK;
    }
    if (size == 0) {
        return ST_TRAILER;
    }
    if (size > r->body_cap - 1u - r->resp.body_len) {
        return HERALD_E_HTTP_BODY_TOO_LARGE;
    }
    r->chunk_left = size;
    return ST_CHUNK_DATA;
}

/* A complete line (without its CRLF or LF) in the current state: returns the
 * next state or an error.  Header and trailer lines stay in hdr so that their
 * total is bounded by hdr_cap; a chunk-size line is dropped once read. */
static int line_done(herald_http_reader_t *r, const char *s, size_t n)
{
    int next;
    switch (r->state) {
    case ST_STATUS:
        next = status_line(r, s, n);
        break;
    case ST_HEADER:
        /* Kept pending until the next line's first byte says whether an
         * obs-fold continues it (RFC 9112 5.2: unfold before interpreting). */
        if (n > 0) {
            r->pend_off = r->hdr_len;
            r->pend_len = n;
        }
        next = ST_HEADER;
        break;
    case ST_CHUNK_SIZE:
        r->line_len = 0;
        return chunk_size_line(r, s, n);
    default: /* ST_TRAILER: skipped */
        next = n == 0 ? ST_DONE : ST_TRAILER;
        break;
    }
    r->hdr_len += r->line_len;
    r->line_len = 0;
    if (r->state == ST_HEADER && n == 0) {
        next = headers_done(r);
    }
    return next;
}

/* The CRLF (or LF) after a chunk's data. */
static int chunk_end_byte(herald_http_reader_t *r, char c)
{
    if (c == '\n') {
        r->line_len = 0;
        return ST_CHUNK_SIZE;
    }
    if (c == '\r' && r->line_len == 0) {
        r->line_len = 1;
        return ST_CHUNK_END;
    }
    return HERALD_E_HTTP_CHUNK;
}

/* Refuse a non-HTTP/1.x peer at its first wrong byte, not at hdr_cap. */
static int status_prefix_ok(const herald_http_reader_t *r, char c)
{
    static const char STATUS_PREFIX[] = "HTTP/1.";
    return r->state != ST_STATUS || r->line_len >= sizeof STATUS_PREFIX - 1u ||
           c == STATUS_PREFIX[r->line_len];
}

/* The first byte of the line after a pending header line: white space is an
 * obs-fold, which continues the pending line (its CRLF and this white space
 * become one SP, as a user agent must, RFC 9112 5.2, and *c becomes that SP);
 * anything else ends it, and it is read.  Negative: the header's error. */
static int after_header_line(herald_http_reader_t *r, char *c)
{
    int st = 0;
    if (is_ows(*c)) {
        r->hdr_len = r->pend_off;
        r->line_len = r->pend_len;
        r->flags |= F_FOLD;
        *c = ' ';
    } else {
        st = header_line(r, r->hdr + r->pend_off, r->pend_len);
    }
    r->pend_len = 0u;
    return st < 0 ? st : 0;
}

/* Keep the byte in the line; at its LF the line is done. */
static int store_byte(herald_http_reader_t *r, char c)
{
    char *line = r->hdr + r->hdr_len;
    size_t n;
    if (r->line_len >= r->hdr_cap - r->hdr_len) {
        return r->state == ST_CHUNK_SIZE ? HERALD_E_HTTP_CHUNK : HERALD_E_HTTP_HEADER_TOO_LARGE;
    }
    line[r->line_len] = c;
    r->line_len++;
    if (c != '\n') {
        return r->state;
    }
    n = r->line_len - 1u;
    if (n > 0 && line[n - 1u] == '\r') {
        n--;
    }
    return line_done(r, line, n);
}

/* One byte of a line-oriented phase. */
static int line_byte(herald_http_reader_t *r, char c)
{
    if (r->state == ST_CHUNK_END) {
        return chunk_end_byte(r, c);
    }
    if (!status_prefix_ok(r, c)) {
        return HERALD_E_HTTP_MALFORMED;
    }
    if (r->state == ST_HEADER && r->line_len == 0u && r->pend_len > 0u) {
        int st = after_header_line(r, &c);
        if (st < 0) {
            return st;
        }
    } else if ((r->flags & F_FOLD) != 0 && is_ows(c)) {
        return r->state; /* the rest of the fold's white space */
    } else {
        r->flags &= ~F_FOLD;
    }
    return store_byte(r, c);
}

/* Copy body bytes in bulk; returns how many of the n offered were taken. */
static size_t body_bytes(herald_http_reader_t *r, const char *p, size_t n)
{
    herald_http_response_t *h = &r->resp;
    if (r->state != ST_BODY_CLOSE && n > r->chunk_left) {
        n = r->chunk_left;
    }
    if (n > r->body_cap - 1u - h->body_len) {
        r->state = HERALD_E_HTTP_BODY_TOO_LARGE;
        return 0;
    }
    (void)memcpy(r->body + h->body_len, p, n);
    h->body_len += n;
    r->body[h->body_len] = '\0';
    if (r->state != ST_BODY_CLOSE) {
        r->chunk_left -= n;
        if (r->chunk_left == 0) {
            r->state = r->state == ST_BODY_LEN ? ST_DONE : ST_CHUNK_END;
        }
    }
    return n;
}

int herald_http_feed(herald_http_reader_t *r, const char *data, size_t len, size_t *consumed)
{
    size_t i = 0;
    while (i < len && r->state >= 0 && r->state != ST_DONE) {
        if (r->state == ST_BODY_LEN || r->state == ST_CHUNK_DATA || r->state == ST_BODY_CLOSE) {
            i += body_bytes(r, data + i, len - i);
        } else {
            r->state = line_byte(r, data[i]);
            i++;
        }
    }
    *consumed = i;
    if (r->state < 0) {
        return r->state;
    }
    return r->state == ST_DONE ? HERALD_OK : HERALD_HTTP_MORE;
}

int herald_http_eof(herald_http_reader_t *r)
{
    if (r->state == ST_BODY_CLOSE) {
        r->state = ST_DONE;
    }
    if (r->state == ST_DONE) {
        return HERALD_OK;
    }
    if (r->state >= 0) {
        r->state = HERALD_E_NET_CLOSED;
    }
    return r->state;
}
