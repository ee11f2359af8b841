/* SPDX-License-Identifier: Apache-2.0 */
/* Clock, randomness and log seams on a POSIX host, and a whole-file reader
 * for the tools. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>

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

char *herald_posix_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n = -1;
    if (!f) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1u)) != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
        *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}
