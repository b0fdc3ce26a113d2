/*
 * Per-CPU state a guest can set that VMRUN does not switch, cleared before
 * the next vCPU runs on the CPU so that nothing of one domain reaches the
 * next: the debug address registers (DR6 and DR7 are in the VMCB), the
 * TSC_AUX value RDTSCP and RDPID return, and the TSC-deadline timer.
 */
#include <arch/cpu.h>
#include <arch/guest_leftovers.h>
#include <arch/lapic.h>

/* Whether TSC_AUX exists (RDTSCP): the same on every CPU, read from CPUID once. */
static bool cpu_has_tsc_aux(void)
{
	static int known = -1;
	int has = __atomic_load_n(&known, __ATOMIC_RELAXED);

	if (has < 0) {
		has = !!(cpuid(0x80000001).edx & (1u << 27));
		__atomic_store_n(&known, has, __ATOMIC_RELAXED);
	}
	return has;
}

void cpu_clear_guest_leftovers(void)
{
	uint64_t zero = 0;

	__asm__ volatile("mov %0, %%db0; mov %0, %%db1; mov %0, %%db2; mov %0, %%db3" ::"r"(zero));
	if (cpu_has_tsc_aux())
		wrmsr(MSR_TSC_AUX, 0);
	if (lapic_cpu_has_tsc_deadline())
		wrmsr(MSR_TSC_DEADLINE, 0);
}
