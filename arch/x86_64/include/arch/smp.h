/* Bringing up application processors and calling functions on other CPUs. */
#ifndef ARCH_SMP_H
#define ARCH_SMP_H

#include <arch/percpu.h>
#include <xen-lite/acpi.h>

/* Must match the parameter block at the end of boot/ap_trampoline.S. */
struct ap_trampoline_params {
	uint16_t gdt_limit;
	uint32_t gdt_base;
	uint16_t pad0;
	uint32_t far32_offset;
	uint16_t far32_selector;
	uint16_t pad1;
	uint32_t far64_offset;
	uint16_t far64_selector;
	uint16_t pad2;
	uint32_t cr3;
	uint32_t nx;
	uint64_t stack;
	uint64_t cpu;
	uint64_t entry;
} __attribute__((packed));

/* Boot every usable CPU in the MADT, up to maxcpus in all. Returns CPUs online. */
unsigned int smp_boot_aps(const struct acpi_info *acpi, unsigned int maxcpus);

/*
 * Run fn(arg) on CPU index cpu and wait for it to finish (bounded: -ETIMEDOUT
 * if the target does not answer within a second). The target must have
 * interrupts enabled (idle CPUs do); running on oneself calls fn directly.
 */
int smp_call_on(unsigned int cpu, smp_call_fn fn, void *arg);

/* What idle CPUs do: run the vCPU the core gives them (run_slot.h), else wait for interrupts. */
__attribute__((noreturn)) void cpu_idle_loop(void);

#endif
