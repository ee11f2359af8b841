/* SPDX-License-Identifier: Apache-2.0 */
/* ARM semihosting calls (BKPT 0xAB on M-profile). */
#include <string.h>

#include "semihost.h"

enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_SEEK = 0x0A,
    SYS_FLEN = 0x0C,
    SYS_CLOCK = 0x10,
    SYS_TIME = 0x11,
    SYS_GET_CMDLINE = 0x15,
    SYS_EXIT_EXTENDED = 0x20,
};

#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static int32_t sh_call(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return (int32_t)r0;
}

int sh_open(const char *path, int mode)
{
    uint32_t a[3] = { (uint32_t)path, (uint32_t)mode, (uint32_t)strlen(path) };
    return (int)sh_call(SYS_OPEN, a);
}

int sh_close(int fd)
{
    uint32_t a[1] = { (uint32_t)fd };
    return sh_call(SYS_CLOSE, a) == 0 ? 0 : -1;
}

/* SYS_READ and SYS_WRITE answer with the number of bytes NOT moved. */
int sh_read(int fd, void *buf, size_t len)
{
    uint32_t a[3] = { (uint32_t)fd, (uint32_t)buf, (uint32_t)len };
    return sh_call(SYS_READ, a) == 0 ? 0 : -1;
}

int sh_write(int fd, const void *buf, size_t len)
{
    uint32_t a[3] = { (uint32_t)fd, (uint32_t)buf, (uint32_t)len };
    return sh_call(SYS_WRITE, a) == 0 ? 0 : -1;
}

int sh_seek(int fd, uint32_t pos)
{
    uint32_t a[2] = { (uint32_t)fd, pos };
    return sh_call(SYS_SEEK, a) == 0 ? 0 : -1;
}

long sh_flen(int fd)
{
    uint32_t a[1] = { (uint32_t)fd };
    return (long)sh_call(SYS_FLEN, a);
}

int64_t sh_time(void)
{
    int32_t t = sh_call(SYS_TIME, NULL);
    /* SYS_TIME is 32-bit: read it as unsigned, good until 2106. */
    return t == -1 ? -1 : (int64_t)(uint32_t)t;
}

int32_t sh_clock(void)
{
    return sh_call(SYS_CLOCK, NULL);
}

int sh_cmdline(char *buf, size_t cap)
{
    uint32_t a[2] = { (uint32_t)buf, (uint32_t)cap };
    if (cap == 0 || sh_call(SYS_GET_CMDLINE, a) != 0) {
        return -1;
    }
    buf[a[1] < cap ? a[1] : cap - 1] = '\0';
    return (int)strlen(buf);
}

void sh_write0(const char *s)
{
    (void)sh_call(SYS_WRITE0, s);
}

void sh_exit(int status)
{
    uint32_t a[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status };
    for (;;) {
        (void)sh_call(SYS_EXIT_EXTENDED, a);
    }
}
