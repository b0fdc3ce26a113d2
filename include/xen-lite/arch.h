/* The narrow interface the generic core uses to reach architecture code. */
#ifndef XEN_LITE_ARCH_H
#define XEN_LITE_ARCH_H

#include <xen-lite/boot_info.h>
#include <xen-lite/types.h>

unsigned int arch_cpu_index(void);
unsigned int arch_cpus_online(void);
uint32_t arch_cpu_apic_id(unsigned int cpu);

/* Stop every other CPU (NMI), bounded wait; returns how many acknowledged. */
unsigned int arch_stop_other_cpus(void);

/*
 * End: write exit_code to the debug-exit port when one is configured
 * (QEMU's isa-debug-exit, for tests), then halt or reset the machine.
 */
__attribute__((noreturn)) void arch_machine_stop(bool reboot, unsigned int exit_code);

/* Print a best-effort backtrace of the current CPU. */
void arch_dump_backtrace(void);

/* Map a device's registers uncached into the MMIO window. NULL on failure. */
void *arch_mmio_map(uint64_t pa, uint64_t size);

/* Direct map: physical -> hypervisor virtual for any memory-map region. */
void *phys_to_virt(uint64_t pa);
uint64_t virt_to_phys(const void *va);

#endif
