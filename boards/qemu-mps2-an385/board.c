/* SPDX-License-Identifier: Apache-2.0 */
/* Console on the CMSDK APB UART, SysTick milliseconds, clock and log seams. */
#include <string.h>

#include "board.h"
#include "semihost.h"

/* CMSDK APB UART registers. */
#define UART_DATA (*(volatile uint32_t *)(BOARD_UART0_BASE + 0x00u))
#define UART_STATE (*(volatile uint32_t *)(BOARD_UART0_BASE + 0x04u))
#define UART_CTRL (*(volatile uint32_t *)(BOARD_UART0_BASE + 0x08u))
#define UART_BAUDDIV (*(volatile uint32_t *)(BOARD_UART0_BASE + 0x10u))
#define UART_STATE_TXFULL 0x1u
#define UART_CTRL_TXEN 0x1u

/* SysTick (ARMv7-M system control space). */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_CSR_ENABLE 0x1u
#define SYST_CSR_TICKINT 0x2u
#define SYST_CSR_CLKSOURCE 0x4u

static volatile uint32_t g_ticks_lo;
static volatile uint32_t g_ticks_hi;
static int64_t g_wall_at_boot = -1;

void board_systick_isr(void)
{
    if (++g_ticks_lo == 0u) {
        g_ticks_hi++;
    }
}

uint64_t board_ms(void)
{
    uint32_t hi, lo;
    /* Read hi twice so a wrap between the two reads is seen. */
    do {
        hi = g_ticks_hi;
        lo = g_ticks_lo;
    } while (hi != g_ticks_hi);
    return ((uint64_t)hi << 32) | lo;
}

void board_idle(void)
{
    __asm__ volatile("wfi");
}

void board_init(void)
{
    UART_BAUDDIV = BOARD_SYSCLK_HZ / 115200u;
    UART_CTRL = UART_CTRL_TXEN;
    SYST_RVR = BOARD_SYSCLK_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
    g_wall_at_boot = sh_time();
    __asm__ volatile("cpsie i");
}

void board_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n') {
            while (UART_STATE & UART_STATE_TXFULL) {
            }
            UART_DATA = '\r';
        }
        while (UART_STATE & UART_STATE_TXFULL) {
        }
        UART_DATA = (uint8_t)s[i];
    }
}

/* ---- a small printf: enough for the console and for the few libc
 * formatting calls the libraries make, no heap, no stdio -------------------- */

static void put_uint(board_out_fn out, void *ctx, uint64_t v, unsigned base, int upper, int width, char pad)
{
    char tmp[24];
    int n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        tmp[n++] = (char)(d < 10u ? '0' + d : (upper ? 'A' : 'a') + d - 10u);
        v /= base;
    } while (v != 0u);
    while (width > n) {
        out(ctx, &pad, 1);
        width--;
    }
    while (n > 0) {
        n--;
        out(ctx, &tmp[n], 1);
    }
}

/* %g without the libm: sign, integer part, and up to 9 significant decimals
 * of the fraction with trailing zeros cut.  Only cJSON's number printer
 * asks for it, and only for non-integers in a platform error's details. */
static void put_double(board_out_fn out, void *ctx, double d)
{
    if (d != d) {
        out(ctx, "nan", 3);
        return;
    }
    if (d < 0) {
        out(ctx, "-", 1);
        d = -d;
    }
    if (d >= 1e19) {
        out(ctx, "inf", 3);
        return;
    }
    uint64_t ip = (uint64_t)d;
    uint64_t frac = (uint64_t)((d - (double)ip) * 1e9 + 0.5);
    if (frac >= 1000000000u) {
        ip++;
        frac -= 1000000000u;
    }
    put_uint(out, ctx, ip, 10, 0, 0, ' ');
    if (frac != 0u) {
        int width = 9;
        while (frac % 10u == 0u) {
            frac /= 10u;
            width--;
        }
        out(ctx, ".", 1);
        put_uint(out, ctx, frac, 10, 0, width, '0');
    }
}

void board_vformat(board_out_fn out, void *ctx, const char *fmt, va_list ap)
{
    while (*fmt != '\0') {
        const char *p = fmt;
        while (*p != '\0' && *p != '%') {
            p++;
        }
        out(ctx, fmt, (size_t)(p - fmt));
        if (*p == '\0') {
            return;
        }
        p++;
        char pad = ' ';
        int width = 0, lng = 0, size = 0;
        if (*p == '0') {
            pad = '0';
        }
        while (*p >= '0' && *p <= '9') {
            width = width * 10 + (*p++ - '0');
        }
        if (*p == '.') { /* precision: parsed, not honoured */
            p++;
            while (*p >= '0' && *p <= '9') {
                p++;
            }
        }
        while (*p == 'l') {
            lng++;
            p++;
        }
        if (*p == 'z') {
            size = 1;
            p++;
        }
        switch (*p) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            s = s != NULL ? s : "(null)";
            out(ctx, s, strlen(s));
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            out(ctx, &c, 1);
            break;
        }
        case 'd':
        case 'i': {
            int64_t v = lng >= 2 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
            uint64_t u = (uint64_t)v;
            if (v < 0) {
                out(ctx, "-", 1);
                u = 0u - u;
            }
            put_uint(out, ctx, u, 10, 0, width, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = lng >= 2        ? va_arg(ap, unsigned long long)
                         : (lng || size) ? va_arg(ap, unsigned long)
                                         : va_arg(ap, unsigned);
            put_uint(out, ctx, v, *p == 'u' ? 10u : 16u, *p == 'X', width, pad);
            break;
        }
        case 'g':
            put_double(out, ctx, va_arg(ap, double));
            break;
        case '%':
            out(ctx, "%", 1);
            break;
        default:
            out(ctx, "?", 1);
            break;
        }
        fmt = *p != '\0' ? p + 1 : p;
    }
}

static void uart_out(void *ctx, const char *s, size_t len)
{
    (void)ctx;
    board_write(s, len);
}

void board_vprintf(const char *fmt, va_list ap)
{
    board_vformat(uart_out, NULL, fmt, ap);
}

void board_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    board_vprintf(fmt, ap);
    va_end(ap);
}

void board_exit(int status)
{
    sh_exit(status);
}

void board_fault(const char *why)
{
    board_printf("\nboard: %s, stopping\n", why);
    sh_exit(3);
}

size_t board_stack_peak(void)
{
    extern uint32_t _sstack[], _estack[];
    const uint8_t *p = (const uint8_t *)_sstack;
    while (p < (const uint8_t *)_estack && *p == 0xA5u) {
        p++;
    }
    return (size_t)((const uint8_t *)_estack - p);
}

/* ---- hal seams ------------------------------------------------------------ */

static uint64_t clock_monotonic_ms(void *ctx)
{
    (void)ctx;
    return board_ms();
}

static int64_t clock_wall_s(void *ctx)
{
    (void)ctx;
    return g_wall_at_boot < 0 ? -1 : g_wall_at_boot + (int64_t)(board_ms() / 1000u);
}

herald_clock_t board_clock(void)
{
    return (herald_clock_t){ clock_monotonic_ms, clock_wall_s, NULL };
}

static void log_write(void *ctx, herald_log_level_t level, const char *msg)
{
    static const char *const names[] = { "error", "warn", "info", "debug" };
    (void)ctx;
    board_printf("herald %s: %s\n", (unsigned)level < 4u ? names[level] : "?", msg);
}

herald_log_t board_log(void)
{
    return (herald_log_t){ log_write, NULL };
}
