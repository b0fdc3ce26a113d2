/*
 * The per-CPU run slots (include/xen-lite/run_slot.h). A slot is written by
 * the control CPU and emptied by its own CPU when the vCPU stops: a vCPU is
 * "given" from run_slot_give() until then. When vCPU 0 of a guest stops
 * because the guest ended, its CPU then does the guest's end action.
 */
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/irq.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>
#include <xen-lite/guest.h>
#include <xen-lite/guest_end.h>
#include <xen-lite/module_hooks.h>
#include <xen-lite/run_slot.h>

static struct vcpu *volatile run_slot[MAX_CPUS];

void run_slot_give(struct vcpu *v)
{
	run_slot[v->pcpu] = v;
	/*
	 * Wake its CPU - unless that is this one (a guest restarted by its own
	 * CPU): it looks at its slot when back in its idle loop, and a kick to
	 * itself, taken with interrupts off, would stay pending into the guest.
	 */
	if (v->pcpu != arch_cpu_index())
		arch_kick_cpu(v->pcpu);
}

bool run_slot_holds(const struct vcpu *v)
{
	return run_slot[v->pcpu] == v;
}

/* Behaviour modules' vCPU hooks, with interrupts off as every hook runs. */
static void vcpu_event(struct vcpu *v, unsigned int cpu, void (*event)(uint32_t, uint32_t, uint32_t))
{
	uint64_t flags = irq_save();

	event(v->domain->id, v->id, cpu);
	irq_restore(flags);
}

bool run_slot_run(void)
{
	unsigned int cpu = arch_cpu_index();
	struct vcpu *v = run_slot[cpu];
	uint32_t ended = 0;

	if (!v)
		return false;
	vcpu_event(v, cpu, module_vcpu_started);
	arch_vcpu_run(v);
	vcpu_event(v, cpu, module_vcpu_stopped);
	/* read while the slot is held: a destroy waits for it, so the domain is still there */
	if (v->id == 0 && guest_end_action(v->domain) != GUEST_END_PRESERVE)
		ended = v->domain->id;
	__atomic_store_n(&run_slot[cpu], NULL, __ATOMIC_RELEASE);
	if (ended)
		guest_ended(ended); /* with the slot empty: the destroy it makes waits for it */
	return true;
}
