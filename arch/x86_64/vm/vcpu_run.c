/*
 * vCPUs for the core (include/xen-lite/arch/vm.h): their start states, and
 * the run loop around the vendor engine's entries into the guest - what a
 * CPU does when it takes a vCPU on and when it gives it back, for any
 * vendor: the FPU reset, the local APIC's mode and leftovers, the x86 start
 * protocol of secondary vCPUs (INIT, SIPI), pausing.
 */
#include <arch/cpu.h>
#include <arch/emul.h>
#include <arch/fpu.h>
#include <arch/guest_leftovers.h>
#include <arch/kick.h>
#include <arch/lapic.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <arch/vmm.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>

int arch_vcpu_init(struct vcpu *v)
{
	v->arch.virq_vector = -1;
	return vmm->vcpu_init(v);
}

void arch_vcpu_free(struct vcpu *v)
{
	vmm->vcpu_free(v);
}

void arch_vcpu_set_start_state(struct vcpu *v, uint64_t rip, uint64_t cr3, uint64_t gdt_base,
			       uint16_t gdt_limit, uint64_t rdi)
{
	struct vcpu_start s = { .rip = rip, .cr3 = cr3, .gdt_base = gdt_base,
				.gdt_limit = gdt_limit, .cs = 0x08, .ds = 0x10, .rdi = rdi };

	vmm->set_start(v, &s);
}

void arch_vcpu_set_linux_start(struct vcpu *v, uint64_t rip, uint64_t cr3, uint64_t gdt_base,
			       uint16_t gdt_limit, uint64_t boot_params)
{
	/* Linux boot protocol, 64-bit entry: __BOOT_CS = 0x10, __BOOT_DS = 0x18, RSI = boot params */
	struct vcpu_start s = { .rip = rip, .cr3 = cr3, .gdt_base = gdt_base,
				.gdt_limit = gdt_limit, .cs = 0x10, .ds = 0x18, .rsi = boot_params };

	vmm->set_start(v, &s);
}

void arch_vcpu_wait_for_sipi(struct vcpu *v)
{
	v->arch.start_state = VCPU_WAIT_SIPI;
}

void arch_vcpu_dump(struct vcpu *v, const char *why)
{
	vmm->dump(v, why);
}

/* A secondary vCPU waits, halted, for the SIPI its sibling sends through its APIC. */
static bool wait_for_sipi(struct vcpu *v)
{
	for (;;) {
		uint32_t seq = cpu_kick_seq();

		if (__atomic_load_n(&v->arch.start_state, __ATOMIC_ACQUIRE) != VCPU_WAIT_SIPI ||
		    domain_has_ended(v->domain))
			break;
		cpu_halt_unless_kicked(seq); /* interrupts are off: the kick is an NMI */
	}
	if (domain_has_ended(v->domain))
		return false;
	vmm->set_sipi_start(v, v->arch.sipi_vector);
	v->arch.start_state = VCPU_STARTED;
	return true;
}

/*
 * A guest's timer, LVTs and unfinished interrupts must not reach the
 * hypervisor: reset the APIC, then take (and end, quietly) whatever the
 * guest left pending in its IRR, in one short window with interrupts on.
 */
static void drain_guest_apic(struct percpu *cpu)
{
	lapic_reset_local();
	cpu->draining_guest_irqs = true;
	__asm__ volatile("sti; nop; nop; cli" ::: "memory");
	cpu->draining_guest_irqs = false;
}

void arch_vcpu_run(struct vcpu *v)
{
	struct percpu *cpu = this_cpu();
	struct domain *d = v->domain;

	v->run_state = VCPU_RUNNING;
	vmm->vcpu_load(v);
	fpu_reset_for_guest();
	cpu_clear_guest_leftovers();
	cpu->runs_direct_apic = d->direct_apic;
	/*
	 * ELF guests: with V_INTR_MASKING, host IF=1 makes physical interrupts
	 * exit the guest. direct_apic domains: host IF stays 0, so an interrupt
	 * that arrives while the hypervisor handles an exit waits and is
	 * delivered to the guest by VMRUN.
	 */
	if (d->direct_apic)
		irq_disable();
	else
		irq_enable();
	if (d->arch.x2apic)
		lapic_enter_x2apic();
	if (v->arch.start_state != VCPU_STARTED && !wait_for_sipi(v))
		goto out;
	while (!domain_has_ended(d)) {
		if (d->state == DOMAIN_PAUSED) {
			vcpu_block(v);
			continue;
		}
		vmm->vcpu_enter(v);
		nmi_report_unexpected();
	}
out:
	irq_disable();
	if (d->privileged)
		lapic_timer_stop(); /* dom0's timer must not keep firing into the hypervisor */
	else if (d->direct_apic)
		drain_guest_apic(cpu);
	cpu->runs_direct_apic = false;
	v->run_state = VCPU_IDLE;
}
