/* TSC frequency: tsc_khz= on the command line, else CPUID 0x15/0x16, else measured against the PIT or the ACPI PM timer. */
#ifndef ARCH_TSC_H
#define ARCH_TSC_H

#include <xen-lite/types.h>

void tsc_mark_boot(void);
/* pm_timer_port: from the FADT, 0 if none. Returns the frequency in kHz (never 0). */
uint64_t tsc_init(uint64_t override_khz, uint32_t pm_timer_port, bool pm_timer_32bit);
uint64_t tsc_khz(void);

#endif
