/* SPDX-License-Identifier: Apache-2.0 */
/* herald_net_t over non-blocking BSD sockets. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "herald/status.h"
#include "port/posix/herald_posix.h"

static void drop_addrs(herald_posix_net_t *n)
{
    if (n->addrs != NULL) {
        freeaddrinfo(n->addrs);
    }
    n->addrs = NULL;
    n->next_addr = NULL;
}

static void close_fd(herald_posix_net_t *n)
{
    if (n->fd >= 0) {
        close(n->fd);
    }
    n->fd = -1;
    n->connected = 0;
}

static void net_close(void *ctx)
{
    herald_posix_net_t *n = ctx;
    close_fd(n);
    drop_addrs(n);
}

/* Start a non-blocking connect to the next resolved address that accepts
 * one: 1 connected at once (loopback may), 0 in progress, HERALD_E_NET when
 * the list is used up. */
static int start_next(herald_posix_net_t *n)
{
    while (n->next_addr != NULL) {
        const struct addrinfo *ai = n->next_addr;
        n->next_addr = ai->ai_next;
        close_fd(n);
        n->fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (n->fd < 0) {
            continue;
        }
        int fl = fcntl(n->fd, F_GETFL);
        if (fl < 0 || fcntl(n->fd, F_SETFL, fl | O_NONBLOCK) < 0 || fcntl(n->fd, F_SETFD, FD_CLOEXEC) < 0) {
            continue;
        }
        if (connect(n->fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            return 1;
        }
        if (errno == EINPROGRESS || errno == EINTR) {
            return 0;
        }
    }
    close_fd(n);
    return HERALD_E_NET;
}

/* Whether the pending connect finished: 1 yes, 0 not yet, <0 it failed. */
static int check_pending(herald_posix_net_t *n)
{
    struct pollfd p = { .fd = n->fd, .events = POLLOUT, .revents = 0 };
    int r = poll(&p, 1, 0);
    if (r == 0 || (r < 0 && errno == EINTR)) {
        return 0;
    }
    if (r < 0) {
        return HERALD_E_NET;
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(n->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
        return HERALD_E_NET;
    }
    return 1;
}

static int net_connect(void *ctx, const char *host, uint16_t port)
{
    herald_posix_net_t *n = ctx;
    if (host == NULL || host[0] == '\0') {
        return HERALD_E_INVALID_ARG;
    }
    if (n->connected) {
        return 1;
    }
    int r;
    if (n->fd < 0) {
        struct addrinfo hints;
        char service[8];
        memset(&hints, 0, sizeof hints);
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_protocol = IPPROTO_TCP;
        hints.ai_flags = AI_NUMERICSERV;
        snprintf(service, sizeof service, "%u", (unsigned)port);
        drop_addrs(n);
        if (getaddrinfo(host, service, &hints, &n->addrs) != 0) {
            n->addrs = NULL;
            return HERALD_E_NET;
        }
        n->next_addr = n->addrs;
        r = start_next(n);
    } else {
        r = check_pending(n);
        /* This address refused or failed: the next one may answer. */
        while (r < 0 && n->next_addr != NULL) {
            r = start_next(n);
        }
    }
    if (r > 0) {
        int one = 1;
        /* Requests are written whole; waiting for ACKs (Nagle) only adds latency. */
        (void)setsockopt(n->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        n->connected = 1;
        drop_addrs(n);
    } else if (r < 0) {
        net_close(n);
    }
    return r;
}

/* What send and recv check first: 0 and *len clamped to INT_MAX (the
 * seam returns int), else the status to return. */
static int io_start(const herald_posix_net_t *n, size_t *len)
{
    if (*len == 0) {
        return HERALD_E_INVALID_ARG;
    }
    if (!n->connected) {
        return HERALD_E_NET;
    }
    if (*len > INT_MAX) {
        *len = INT_MAX;
    }
    return 0;
}

/* A non-blocking socket call that did nothing this time, or was interrupted. */
static int io_would_block(void)
{
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

static int net_send(void *ctx, const uint8_t *buf, size_t len)
{
    herald_posix_net_t *n = ctx;
    int err = io_start(n, &len);
    if (err != 0) {
        return err;
    }
    /* MSG_NOSIGNAL: a closed peer must give EPIPE, not kill the process. */
    ssize_t r = send(n->fd, buf, len, MSG_NOSIGNAL);
    if (r > 0) {
        return (int)r;
    }
    if (r == 0 || io_would_block()) {
        return 0;
    }
    return errno == EPIPE ? HERALD_E_NET_CLOSED : HERALD_E_NET;
}

static int net_recv(void *ctx, uint8_t *buf, size_t len)
{
    herald_posix_net_t *n = ctx;
    int err = io_start(n, &len);
    if (err != 0) {
        return err;
    }
    ssize_t r = recv(n->fd, buf, len, 0);
    if (r > 0) {
        return (int)r;
    }
    if (r == 0) {
        return HERALD_E_NET_CLOSED;
    }
    return io_would_block() ? 0 : HERALD_E_NET;
}

void herald_posix_net_init(herald_posix_net_t *n, herald_net_t *out)
{
    n->fd = -1;
    n->connected = 0;
    n->addrs = NULL;
    n->next_addr = NULL;
    *out = (herald_net_t){
        .connect = net_connect, .send = net_send, .recv = net_recv, .close = net_close, .ctx = n
    };
}

int herald_posix_net_fd(const herald_posix_net_t *n)
{
    return n->fd;
}
