/*
 * Raising a vector on a vCPU (arch_event_raise(), include/xen-lite/arch/vm.h):
 * event channels and the emulated devices' interrupts (MSI-X of a virtio
 * function) end here. A domain that drives its CPUs' APICs gets a fixed IPI
 * on the vCPU's CPU, taken by its IDT without an exit; the others get the
 * vector injected at their next entry.
 */
#include <arch/kick.h>
#include <arch/lapic.h>
#include <arch/percpu.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>

void arch_event_raise(struct vcpu *v, uint8_t vector)
{
	if (v->domain->direct_apic) {
		lapic_send_ipi(percpu_area[v->pcpu].apic_id, vector);
		return;
	}
	__atomic_fetch_or(&v->arch.event_vectors[vector / 64], 1ULL << (vector % 64), __ATOMIC_SEQ_CST);
	if (v->pcpu != arch_cpu_index())
		arch_kick_cpu(v->pcpu); /* out of the guest, or out of its halt */
}
