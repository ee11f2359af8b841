/* SPDX-License-Identifier: Apache-2.0 */
/* The MPS2 AN385 board under QEMU: Cortex-M3 at 25 MHz, CMSDK UART0 console,
 * SysTick millisecond clock, LAN9118 Ethernet on IRQ 13, and semihosting for
 * the host services a real board has in hardware (see README.md). */
#ifndef BOARD_H
#define BOARD_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/herald_clock.h"
#include "hal/herald_log.h"
#include "hal/herald_rng.h"

#define BOARD_SYSCLK_HZ 25000000u
#define BOARD_IRQ_ETH 13
#define BOARD_LAN9118_BASE 0x40200000u
#define BOARD_UART0_BASE 0x40004000u

/* Console UART and SysTick; interrupts on.  Call first. */
void board_init(void);

/* Milliseconds since board_init (SysTick). */
uint64_t board_ms(void);

/* Sleep until the next interrupt (SysTick within 1 ms, or Ethernet). */
void board_idle(void);

/* Console: bytes out on UART0.  board_printf knows %s %c %d %u %x %ld %lu
 * %lld %llu %zu and a width with 0 padding (e.g. %08x); nothing else. */
void board_write(const char *s, size_t len);
void board_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void board_vprintf(const char *fmt, va_list ap);

/* The formatter behind board_printf (and the libc shims), over any output;
 * it also knows %i, %X, and %g (approximately: 9 fraction digits). */
typedef void (*board_out_fn)(void *ctx, const char *s, size_t len);
void board_vformat(board_out_fn out, void *ctx, const char *fmt, va_list ap);

/* Stop QEMU with this exit status (semihosting). */
void board_exit(int status) __attribute__((noreturn));
/* Print why and stop with status 3. */
void board_fault(const char *why) __attribute__((noreturn));

/* Peak stack use in bytes since reset (from the paint startup leaves). */
size_t board_stack_peak(void);

/* hal seams.  The wall clock is the host's time read once at boot through
 * semihosting (SYS_TIME) plus the SysTick count since; a real board reads its
 * RTC or SNTP.  The rng is HMAC_DRBG(SHA-256) seeded at boot from 48 bytes
 * of the host's /dev/urandom through semihosting; a real board seeds it from
 * its TRNG.  board_rng_init() fails (<0) when no seed could be read. */
herald_clock_t board_clock(void);
int board_rng_init(void);
herald_rng_t board_rng(void);
/* 32 random bits from the same DRBG, for lwIP's LWIP_RAND(). */
uint32_t board_rand32(void);
herald_log_t board_log(void);

/* Interrupt handlers (startup.c's vector table). */
void board_systick_isr(void);
void board_eth_isr(void);

#endif
