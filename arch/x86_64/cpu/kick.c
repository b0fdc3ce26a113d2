/*
 * Kicking a CPU out of the guest it runs (arch_kick_cpu(),
 * include/xen-lite/arch/cpu.h): an interrupt makes the guest exit. A guest
 * that takes its CPU's interrupts itself (it drives the local APIC) would
 * take a fixed-vector IPI in its own IDT, so it gets an NMI, which always
 * exits to the hypervisor; the NMI handler knows it by nmi_kick.
 */
#include <arch/lapic.h>
#include <arch/percpu.h>
#include <arch/smp.h>
#include <arch/trap.h>
#include <xen-lite/arch/cpu.h>

#define VEC_KICK 0xF1 /* makes a CPU leave its guest; the handler does nothing */

static void kick_handler(struct trap_frame *f)
{
	(void)f;
}

void kick_init(void)
{
	trap_set_handler(VEC_KICK, kick_handler);
}

void arch_kick_cpu(unsigned int cpu)
{
	struct percpu *p = &percpu_area[cpu];

	if (cpu >= arch_cpus_online())
		return;
	if (p->runs_direct_apic) {
		__atomic_store_n(&p->nmi_kick, true, __ATOMIC_RELEASE);
		lapic_send_nmi(p->apic_id);
	} else {
		lapic_send_ipi(p->apic_id, VEC_KICK);
	}
}
