/* SPDX-License-Identifier: Apache-2.0 */
/* Clock, randomness and log seams on a POSIX host, and a whole-file reader
 * for the tools. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "herald/status.h"
#include "port/posix/herald_posix.h"

static uint64_t clock_monotonic_ms(void *ctx)
{
    struct timespec ts;
    (void)ctx;
    /* CLOCK_MONOTONIC cannot fail with a valid pointer on Linux. */
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int64_t clock_wall_s(void *ctx)
{
    struct timespec ts;
    (void)ctx;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
        return -1;
    }
    return (int64_t)ts.tv_sec;
}

herald_clock_t herald_posix_clock(void)
{
    return (herald_clock_t){ clock_monotonic_ms, clock_wall_s, NULL };
}

static int rng_fill(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    while (len > 0) {
        ssize_t r = getrandom(buf, len, 0);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return HERALD_E_NOT_SUPPORTED;
        }
        buf += r;
        len -= (size_t)r;
    }
    return HERALD_OK;
}

herald_rng_t herald_posix_rng(void)
{
    return (herald_rng_t){ rng_fill, NULL };
}

static void log_write(void *ctx, herald_log_level_t level, const char *msg)
{
    static const char *const names[] = { "error", "warn", "info", "debug" };
    (void)ctx;
    const char *name = (unsigned)level < sizeof names / sizeof names[0] ? names[level] : "?";
    /* One fprintf per line, so lines from one process do not interleave. */
    fprintf(stderr, "herald %s: %s\n", name, msg != NULL ? msg : "(null)");
}

herald_log_t herald_posix_log(void)
{
    return (herald_log_t){ log_write, NULL };
}

/* Read to EOF in growing steps rather than asking the size first: pipes,
 * process substitution (<(...)) and /dev/stdin cannot seek, and a size from
 * lseek on anything but a regular file means nothing. */
char *herald_posix_read_fd(int fd, size_t max, size_t *len)
{
    struct stat st;
    size_t cap = 4096u, n = 0u;
    char *buf;
    if (fstat(fd, &st) != 0) {
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return NULL;
    }
    if (cap > max) {
        cap = max;
    }
    if (!(buf = malloc(cap + 1u))) {
        errno = ENOMEM;
        return NULL;
    }
    for (;;) {
        ssize_t r;
        if (n == cap) {
            char *bigger;
            if (cap == max) {
                /* one byte more than allowed, or EOF exactly at the bound? */
                char probe;
                do {
                    r = read(fd, &probe, 1u);
                } while (r < 0 && errno == EINTR);
                if (r == 0) {
                    break;
                }
                r = r < 0 ? errno : EFBIG;
                free(buf);
                errno = (int)r;
                return NULL;
            }
            cap = cap > max / 2u ? max : cap * 2u;
            if (!(bigger = realloc(buf, cap + 1u))) {
                free(buf);
                errno = ENOMEM;
                return NULL;
            }
            buf = bigger;
        }
        r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            int e = errno;
            free(buf);
            errno = e;
            return NULL;
        }
        if (r == 0) {
            break;
        }
        n += (size_t)r;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

char *herald_posix_read_file(const char *path, size_t *len)
{
    int fd, e;
    char *buf;
    do {
        fd = open(path, O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        return NULL;
    }
    buf = herald_posix_read_fd(fd, HERALD_POSIX_READ_MAX, len);
    e = errno;
    (void)close(fd);
    errno = e;
    return buf;
}

int herald_posix_rename_durable(const char *from, const char *to)
{
    char dir[4096];
    const char *slash = strrchr(to, '/');
    size_t n = slash ? (size_t)(slash - to) : 0u;
    int fd, rc;
    if (rename(from, to) != 0) {
        return -1;
    }
    if (n >= sizeof dir) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (slash == NULL) {
        dir[0] = '.';
        n = 1;
    } else if (n == 0u) {
        dir[0] = '/'; /* a file in the root folder */
        n = 1;
    } else {
        memcpy(dir, to, n);
    }
    dir[n] = '\0';
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    rc = fsync(fd);
    (void)close(fd);
    return rc;
}
