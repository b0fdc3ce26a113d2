/*
 * The per-CPU run slots (include/xen-lite/run_slot.h). A slot is written by
 * the control CPU and emptied by its own CPU when the vCPU stops: a vCPU is
 * "given" from run_slot_give() until then.
 */
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>
#include <xen-lite/run_slot.h>

static struct vcpu *volatile run_slot[MAX_CPUS];

void run_slot_give(struct vcpu *v)
{
	run_slot[v->pcpu] = v;
	arch_kick_cpu(v->pcpu);
}

bool run_slot_holds(const struct vcpu *v)
{
	return run_slot[v->pcpu] == v;
}

bool run_slot_run(void)
{
	unsigned int cpu = arch_cpu_index();
	struct vcpu *v = run_slot[cpu];

	if (!v)
		return false;
	arch_vcpu_run(v);
	__atomic_store_n(&run_slot[cpu], NULL, __ATOMIC_RELEASE);
	return true;
}
