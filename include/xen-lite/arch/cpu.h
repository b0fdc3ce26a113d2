/*
 * The arch interface, CPUs: how the core names, counts, interrupts and
 * stops the machine's CPUs (arch/x86_64/cpu/). Every function may be
 * called on any CPU once the platform is up (arch_platform_init()).
 */
#ifndef XEN_LITE_ARCH_CPU_H
#define XEN_LITE_ARCH_CPU_H

#include <arch/arch_types.h> /* MAX_CPUS */
#include <xen-lite/types.h>

/* This CPU's index: 0 is the boot CPU; the others are numbered as they came up. */
unsigned int arch_cpu_index(void);
/* CPUs 0 .. n-1 are online. */
unsigned int arch_cpus_online(void);
/* A CPU's hardware id, as firmware tables and guests name it (the local APIC id). */
uint32_t arch_cpu_apic_id(unsigned int cpu);

/*
 * Make a CPU that is running a guest leave it and look at its domain's
 * state again (pause, destroy, a changed mapping, a pending event); a CPU
 * in the hypervisor just wakes up. Returns at once; not from an NMI.
 */
void arch_kick_cpu(unsigned int cpu);

/* The TSC frequency in kHz, what guests are told (never 0 after arch_platform_init()). */
uint64_t arch_tsc_khz(void);

/* Stop every other CPU (NMI), bounded wait; returns how many acknowledged. */
unsigned int arch_stop_other_cpus(void);

/*
 * End: write exit_code to the debug-exit port when one is configured
 * (QEMU's isa-debug-exit, for tests), then halt or reset the machine.
 */
__attribute__((noreturn)) void arch_machine_stop(bool reboot, unsigned int exit_code);

/* Print a best-effort backtrace of the current CPU. */
void arch_dump_backtrace(void);

/*
 * The boot CPU has nothing left to do: it waits for work like every other
 * CPU, whose idle loop runs the vCPU the core puts in its run slot
 * (run_slot_run(), xen-lite/run_slot.h).
 */
__attribute__((noreturn)) void arch_idle(void);

#endif
