/*
 * The arch interface, boot: the platform steps the generic boot sequence
 * (xl_main(), xen-lite/main.c) calls, in this order (arch/x86_64/setup.c).
 */
#ifndef XEN_LITE_ARCH_BOOT_H
#define XEN_LITE_ARCH_BOOT_H

#include <xen-lite/boot_info.h>

/* Switch the console to the device console= names (a bad value is reported and ignored). */
void arch_console_init(const char *spec);
/* Firmware tables, interrupt controller, timer: after the memory is set up. */
void arch_platform_init(const struct boot_info *bi);
/* Start the other CPUs, at most maxcpus in all; returns how many are online. */
unsigned int arch_smp_init(unsigned int maxcpus);
/* selftest=: provoke the failure named (params.h), which must stop the machine. */
void arch_run_selftest(unsigned int which);
/* Enable hardware virtualization on every CPU; failure is reported, not fatal. */
void arch_virt_init(void);
/* Guests can run: arch_virt_init() found and enabled an engine. */
bool arch_virt_ready(void);

#endif
