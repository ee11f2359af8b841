/* SPDX-License-Identifier: Apache-2.0 */
/* ARM semihosting: the host (QEMU with -semihosting-config enable=on) answers
 * BKPT 0xAB.  This board uses it for what a real board has in hardware: the
 * wall clock (an RTC), an entropy seed (a TRNG), the exit status, and a host
 * file that stands in for NOR flash.  Every call blocks the CPU until the
 * host answers. */
#ifndef BOARD_SEMIHOST_H
#define BOARD_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* Host file modes of SYS_OPEN (ISO C fopen modes, in the order the ARM spec
 * numbers them). */
enum {
    SH_MODE_RB = 1,  /* "rb" */
    SH_MODE_RPB = 3, /* "r+b" */
    SH_MODE_WPB = 7, /* "w+b": create or truncate */
};

/* Open a host file: a handle >= 0, or -1. */
int sh_open(const char *path, int mode);
int sh_close(int fd);
/* Read or write exactly len bytes at the current position: 0 when all moved,
 * -1 otherwise. */
int sh_read(int fd, void *buf, size_t len);
int sh_write(int fd, const void *buf, size_t len);
/* Absolute seek: 0 or -1. */
int sh_seek(int fd, uint32_t pos);
/* File length in bytes, or -1. */
long sh_flen(int fd);

/* Host time in unix seconds, or -1. */
int64_t sh_time(void);
/* Host centiseconds since the program started (SYS_CLOCK), or -1. */
int32_t sh_clock(void);

/* The command line QEMU was given with -append (after the program name),
 * NUL-terminated into buf: its length, or -1. */
int sh_cmdline(char *buf, size_t cap);

/* Write a NUL-terminated string on the host's debug console. */
void sh_write0(const char *s);

/* Stop the machine with an exit status (SYS_EXIT_EXTENDED). */
void sh_exit(int status) __attribute__((noreturn));

#endif
