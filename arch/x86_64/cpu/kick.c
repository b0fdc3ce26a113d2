/*
 * Kicking a CPU out of the guest it runs (arch_kick_cpu(),
 * include/xen-lite/arch/cpu.h): an interrupt makes the guest exit. A guest
 * that takes its CPU's interrupts itself (it drives the local APIC) would
 * take a fixed-vector IPI in its own IDT, so it gets an NMI, which always
 * exits to the hypervisor; the NMI handler knows it by the kick count.
 * Every kick bumps the CPU's kick sequence first, so code that waits halted
 * for a kick (arch/kick.h) never sleeps through one.
 */
#include <arch/kick.h>
#include <arch/lapic.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <xen-lite/arch/cpu.h>

#define VEC_KICK 0xF1 /* makes a CPU leave its guest; the handler does nothing */

extern const char kick_window_start[], kick_window_end[];

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
	__atomic_fetch_add(&p->kick_seq, 1, __ATOMIC_SEQ_CST);
	if (p->runs_direct_apic) {
		__atomic_fetch_add(&p->nmi_kicks, 1, __ATOMIC_SEQ_CST);
		lapic_send_nmi(p->apic_id);
	} else {
		lapic_send_ipi(p->apic_id, VEC_KICK);
	}
}

uint32_t cpu_kick_seq(void)
{
	return __atomic_load_n(&this_cpu()->kick_seq, __ATOMIC_SEQ_CST);
}

void cpu_halt_unless_kicked(uint32_t seq)
{
	volatile uint32_t *now = &this_cpu()->kick_seq;

	__asm__ volatile(".globl kick_window_start, kick_window_end\n"
			 "kick_window_start:\n\t"
			 "cmpl %0, (%1)\n\t"
			 "jne kick_window_end\n\t"
			 "hlt\n"
			 "kick_window_end:\n" ::"r"(seq),
			 "r"(now)
			 : "memory", "cc");
}

void kick_nmi_fixup(struct trap_frame *f)
{
	if (f->rip >= (uintptr_t)kick_window_start && f->rip < (uintptr_t)kick_window_end)
		f->rip = (uintptr_t)kick_window_end;
}

bool kick_nmi_take(void)
{
	struct percpu *cpu = this_cpu();
	uint32_t n = __atomic_load_n(&cpu->nmi_kicks, __ATOMIC_ACQUIRE);

	while (n && !__atomic_compare_exchange_n(&cpu->nmi_kicks, &n, n - 1, false, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE))
		;
	return n != 0;
}
