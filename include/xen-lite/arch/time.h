/*
 * The arch interface, time: microseconds since boot from the CPU's clock
 * (the TSC on x86, arch/x86_64/cpu/tsc.c); 0 until its frequency is known.
 */
#ifndef XEN_LITE_ARCH_TIME_H
#define XEN_LITE_ARCH_TIME_H

#include <xen-lite/types.h>

uint64_t time_since_boot_us(void);
/* The CPU's cycle counter (the TSC), at arch_tsc_khz() (xen-lite/arch/cpu.h). */
uint64_t arch_tsc(void);
/* Busy-wait; usable before the frequency is known (an estimate is used then). */
void udelay(uint64_t us);

#endif
