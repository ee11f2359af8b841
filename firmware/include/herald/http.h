/* SPDX-License-Identifier: Apache-2.0 */
/* HTTP/1.1 response reader: an incremental parser fed whatever bytes the
 * transport produced, reading the status line and headers into one bounded
 * buffer and the body (Content-Length, chunked, or until close) into another.
 * It never writes past either buffer; oversize input is a status. */
#ifndef HERALD_HTTP_H
#define HERALD_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include "herald/types.h"

/* herald_http_feed() returns this (> 0) while the response is incomplete. */
#define HERALD_HTTP_MORE 1

typedef struct {
    int status;                  /* 100..599 */
    int conn_close;              /* "Connection: close" seen, or HTTP/1.0 without keep-alive */
    int chunked;                 /* Transfer-Encoding: chunked */
    int64_t content_length;      /* -1 when absent (or when chunked, which wins) */
    int64_t retry_after_s;       /* Retry-After in seconds; -1 when absent */
    int64_t ratelimit_limit;     /* X-RateLimit-Limit; -1 when absent */
    int64_t ratelimit_remaining; /* X-RateLimit-Remaining; -1 when absent */
    int64_t ratelimit_reset;     /* X-RateLimit-Reset (unix s); -1 when absent */
    const char *body;            /* in the caller's body buffer, NUL-terminated */
    size_t body_len;
} herald_http_response_t;

typedef struct {
    /* caller buffers */
    char *hdr;
    size_t hdr_cap;
    char *body;
    size_t body_cap;
    /* parser state (private) */
    int state;         /* a phase, or the (negative) error it stopped on */
    int flags;         /* Connection tokens and version seen so far */
    size_t hdr_len;    /* bytes of hdr kept (header block, then trailers) */
    size_t chunk_left; /* body bytes still due in this chunk or body */
    size_t line_len;   /* bytes of the line being read, after hdr_len */
    size_t pend_off;   /* a header line read but not yet interpreted, */
    size_t pend_len;   /* in case an obs-fold continues it (0: none) */
    herald_http_response_t resp;
} herald_http_reader_t;

/* Prepare a reader for one response.  hdr_cap and body_cap are at least 64;
 * the body buffer keeps one byte for the terminating NUL. */
void herald_http_reader_init(herald_http_reader_t *r, char *hdr, size_t hdr_cap, char *body, size_t body_cap);

/* Feed len bytes (any split works, down to one byte at a time).  *consumed
 * receives how many were used (bytes after the end of the response are left
 * for the caller, who re-inits the reader to read the next one).  Interim 1xx
 * responses are skipped.  The status line and headers, as received with their
 * line ends, must fit hdr_cap; the body must fit body_cap - 1.  Returns
 * HERALD_OK when the response is complete (r->resp is then valid; later calls
 * consume nothing and return HERALD_OK again), HERALD_HTTP_MORE when more
 * bytes are needed, or an error, which sticks and after which the connection
 * must be closed:
 * HERALD_E_HTTP_MALFORMED (bad status line or header),
 * HERALD_E_HTTP_HEADER_TOO_LARGE, HERALD_E_HTTP_BODY_TOO_LARGE,
 * HERALD_E_HTTP_CHUNK (bad chunk size or framing).
 * Even after an error r->resp.status holds the final status code once its
 * status line was read (0 before): a 2xx whose headers or body could not be
 * read was still accepted by the server.  A folded header line (obs-fold) is
 * unfolded into one line, the fold read as one SP (RFC 9112 5.2). */
int herald_http_feed(herald_http_reader_t *r, const char *data, size_t len, size_t *consumed);

/* The peer closed the connection.  Completes a body delimited by close
 * (HERALD_OK, also when the response was already complete); a reader that
 * already failed returns its error; otherwise HERALD_E_NET_CLOSED (closed
 * before the response was complete, e.g. a short Content-Length body). */
int herald_http_eof(herald_http_reader_t *r);

#endif
