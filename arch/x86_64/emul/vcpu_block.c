/* A vCPU with nothing to do waits on its CPU until its domain changes state (arch/emul.h). */
#include <arch/cpu.h>
#include <arch/emul.h>
#include <xen-lite/domain.h>

void vcpu_block(struct vcpu *v)
{
	struct domain *d = v->domain;
	enum domain_state s = d->state;

	/*
	 * A direct_apic domain's interrupts must wait in the APIC for its next
	 * VMRUN, so its CPU halts with interrupts off and the NMI kick wakes it.
	 * Others: checked with interrupts off, so the kick that changes the state
	 * cannot slip in before hlt.
	 */
	irq_disable();
	while (d->state == s && !domain_has_ended(d)) {
		if (d->direct_apic)
			__asm__ volatile("hlt" ::: "memory");
		else
			cpu_idle_wait();
	}
	if (!d->direct_apic)
		irq_enable();
}
