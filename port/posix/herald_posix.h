/* SPDX-License-Identifier: Apache-2.0 */
/* The hal seams on a POSIX host: non-blocking TCP sockets, clock_gettime,
 * getrandom and stderr.  Port code, not firmware: it uses the OS freely but
 * keeps to the return contracts written in hal/. */
#ifndef HERALD_POSIX_H
#define HERALD_POSIX_H

#include <stddef.h>
#include <stdint.h>
#include "hal/herald_clock.h"
#include "hal/herald_log.h"
#include "hal/herald_net.h"
#include "hal/herald_rng.h"

struct addrinfo;

/* One TCP stream.  Owned by the caller (static or on the stack); the fields
 * are private to net_posix.c. */
typedef struct herald_posix_net {
    int fd;                     /* -1 when closed */
    int connected;              /* 1 once the connect completed */
    struct addrinfo *addrs;     /* resolved addresses while connecting */
    struct addrinfo *next_addr; /* the next one to try */
} herald_posix_net_t;

/* Make n a closed stream and fill *out with the seam over it.
 *
 * connect(host, port): host is a name or an IPv4/IPv6 literal.  The first
 *   call resolves host with getaddrinfo() (this step blocks for DNS names;
 *   literals never block) and starts a non-blocking connect; later calls with
 *   the same arguments check for completion without blocking.  Addresses are
 *   tried in the order getaddrinfo() gives them.  1 connected (TCP_NODELAY is
 *   set), 0 in progress, HERALD_E_NET when no address could be reached or
 *   the name did not resolve, HERALD_E_INVALID_ARG for a NULL or empty host.
 *   There is no timeout here: the caller tracks time and calls close().
 * send(): >0 bytes accepted, 0 the socket buffer is full, HERALD_E_NET_CLOSED
 *   when the stream was shut down (EPIPE), HERALD_E_NET on any other error
 *   or when not connected, HERALD_E_INVALID_ARG for len 0.
 * recv(): >0 bytes received, 0 nothing yet, HERALD_E_NET_CLOSED when the peer
 *   closed in order (again on every later call), HERALD_E_NET on a reset or
 *   other error or when not connected, HERALD_E_INVALID_ARG for len 0.
 * close(): safe on a closed or never-opened stream; n may be reused. */
void herald_posix_net_init(herald_posix_net_t *n, herald_net_t *out);

/* The socket to wait on with poll(), or -1 when closed.  Wait for POLLOUT
 * while connect() returns 0 or after send() returned 0, else for POLLIN. */
int herald_posix_net_fd(const herald_posix_net_t *n);

/* monotonic_ms: CLOCK_MONOTONIC in milliseconds.  wall_s: CLOCK_REALTIME in
 * unix seconds (-1 if the clock cannot be read).  ctx is unused. */
herald_clock_t herald_posix_clock(void);

/* getrandom(2): 0 on success, HERALD_E_NOT_SUPPORTED when the kernel gives
 * no randomness.  Cryptographic quality, so it may feed TLS. */
herald_rng_t herald_posix_rng(void);

/* The most herald_posix_read_file reads: 16 MiB, well above a system CA
 * bundle (~200 KB) or a template file, and a bound on what a wrong path
 * (a device, a log) can make the CLI allocate. */
#define HERALD_POSIX_READ_MAX (16u * 1024u * 1024u)

/* Read a whole file into a malloc'd buffer, NUL-terminated (the CLI and the
 * tools load CA PEM, template JSON and images with it).  The file is read as
 * a stream to EOF, so pipes, <(...) and /dev/stdin work.  NULL when it cannot
 * be read, with errno: EISDIR for a directory, EFBIG when it holds more than
 * HERALD_POSIX_READ_MAX bytes, else open's or read's; free() the result. */
char *herald_posix_read_file(const char *path, size_t *len);

/* The same from an open descriptor (not closed here), up to max bytes. */
char *herald_posix_read_fd(int fd, size_t max, size_t *len);

/* rename(from, to), then fsync the folder that holds `to`, so that the new
 * name survives a host crash as well as a process crash.  0, or -1 with
 * errno. */
int herald_posix_rename_durable(const char *from, const char *to);

/* One line per message on stderr: "herald <level>: <msg>". */
herald_log_t herald_posix_log(void);

#endif
