/* The generic boot sequence, entered by the architecture once it has a boot_info. */
#ifndef XEN_LITE_SETUP_H
#define XEN_LITE_SETUP_H

#include <xen-lite/boot_info.h>

__attribute__((noreturn)) void xl_main(struct boot_info *bi);

/* Architecture steps the sequence calls, in this order. */
void arch_console_init(const char *spec);
void arch_platform_init(const struct boot_info *bi);
unsigned int arch_smp_init(unsigned int maxcpus);
void arch_run_selftest(unsigned int which);
/* Enable hardware virtualization on every CPU (failure is reported, not fatal). */
void arch_virt_init(void);
__attribute__((noreturn)) void arch_idle(void);

#endif
