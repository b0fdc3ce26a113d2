/*
 * A vCPU with nothing to do waits on its CPU until its domain changes state,
 * or an event channel raises a vector for it (arch/emul.h).
 */
#include <arch/cpu.h>
#include <arch/emul.h>
#include <arch/kick.h>
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
	for (;;) {
		uint32_t seq = cpu_kick_seq(); /* before the check: a kick after it stops the halt */

		if (d->state != s || domain_has_ended(d) || (s == DOMAIN_RUNNING && arch_vcpu_events_raised(&v->arch)))
			break;
		if (d->direct_apic)
			cpu_halt_unless_kicked(seq);
		else
			cpu_idle_wait();
	}
	if (!d->direct_apic)
		irq_enable();
}
