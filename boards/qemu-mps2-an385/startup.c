/* SPDX-License-Identifier: Apache-2.0 */
/* Vector table and reset: copy .data, clear .bss, paint the stack (so its
 * peak can be measured), then main().  AN385 has 32 external interrupts. */
#include <stdint.h>
#include <string.h>

#include "board.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _sstack[], _estack[];
int main(void);
void board_reset(void);

static void default_handler(void)
{
    board_fault("unexpected exception");
}

static void hard_fault(void)
{
    board_fault("hard fault");
}

void board_reset(void)
{
    /* Interrupts stay masked until the drivers below are set up. */
    __asm__ volatile("cpsid i");
    memcpy(_sdata, _sidata, (size_t)((char *)_edata - (char *)_sdata));
    memset(_sbss, 0, (size_t)((char *)_ebss - (char *)_sbss));
    /* Paint all but the frame in use now (the top 256 bytes). */
    memset(_sstack, 0xA5, (size_t)((char *)_estack - (char *)_sstack) - 256u);
    board_exit(main());
}

typedef void (*vector_t)(void);

/* clang-format off: eight vectors a row, as the reference manual lists them */
#define D default_handler
#define F hard_fault
__attribute__((section(".vectors"), used)) static const vector_t vectors[16 + 32] = {
    (vector_t)(uintptr_t)_estack,
    board_reset,
    D,
    F,
    F,
    F,
    F,
    D, /* SP, reset, NMI, faults */
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    board_systick_isr, /* SVC, DebugMon, PendSV, SysTick */
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    board_eth_isr,
    D,
    D, /* IRQ 0..15: LAN9118 is 13 */
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D, /* IRQ 16..31 */
};
/* clang-format on */
