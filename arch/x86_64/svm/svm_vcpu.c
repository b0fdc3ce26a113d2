/*
 * vCPU state under SVM: the VMCB's initial contents, the start states,
 * ASIDs and the TLB flush policy, event injection, and one entry into the
 * guest (the run loop around it is vm/vcpu_run.c's).
 */
#include "svm.h"
#include <arch/cpu.h>
#include <arch/emul.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>
#include <xen-lite/module_hooks.h>
#include <xen-lite/mm.h>
#include <xen-lite/string.h>

#define CR0_PE (1ULL << 0)
#define CR0_MP (1ULL << 1)
#define CR0_ET (1ULL << 4)
#define CR0_NE (1ULL << 5)
#define CR0_WP_BIT (1ULL << 16)
#define CR0_PG (1ULL << 31)
#define CR4_PAE (1ULL << 5)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define PAT_DEFAULT 0x0007040600070406ULL

#define SEG_CODE64 0x0A9B /* present, DPL 0, execute/read, accessed, L, G */
#define SEG_DATA 0x0C93 /* present, DPL 0, read/write, accessed, D/B, G */
#define SEG_TSS64 0x008B /* present, busy 64-bit TSS */
#define SEG_LDT 0x0082
#define CR0_ET_NE (CR0_ET | CR0_NE)

static void set_segment(struct vmcb_segment *s, uint16_t sel, uint16_t attrib, uint32_t limit,
			uint64_t base)
{
	*s = (struct vmcb_segment){ sel, attrib, limit, base };
}

/* Documentation/exits.md gives the reason for each. */
static void set_intercepts(struct vmcb_control *c, const struct domain *d)
{
	c->intercept_exceptions = (1u << X86_VEC_DB) | (1u << X86_VEC_AC) | (1u << X86_VEC_MC);
	c->intercept_misc1 = INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_SMI | INTERCEPT_INIT |
			     INTERCEPT_CPUID | INTERCEPT_HLT | INTERCEPT_INVD | INTERCEPT_INVLPGA |
			     INTERCEPT_IOIO | INTERCEPT_MSR | INTERCEPT_SHUTDOWN |
			     INTERCEPT_TASK_SWITCH | INTERCEPT_RSM;
	c->intercept_misc2 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL | INTERCEPT_VMLOAD |
			     INTERCEPT_VMSAVE | INTERCEPT_STGI | INTERCEPT_CLGI | INTERCEPT_SKINIT |
			     INTERCEPT_MONITOR | INTERCEPT_MWAIT | INTERCEPT_MWAIT_COND |
			     INTERCEPT_XSETBV;
	if (!d->privileged) {
		/* a whole-cache flush would slow the node's other CPUs; counters and RDPRU are hidden */
		c->intercept_misc1 |= INTERCEPT_RDPMC;
		c->intercept_misc2 |= INTERCEPT_WBINVD | INTERCEPT_RDPRU;
	}
	if (d->direct_apic) {
		/* it takes its interrupts (its APIC timer, dom0's devices) directly and idles natively */
		c->intercept_misc1 &= ~(INTERCEPT_INTR | INTERCEPT_HLT);
	}
}

int svm_vcpu_init(struct vcpu *v)
{
	struct vmcb *vmcb = alloc_page_zeroed();
	struct domain *d = v->domain;

	if (!vmcb)
		return -ENOMEM;
	v->arch.vmcb = vmcb;
	v->arch.vmcb_pa = virt_to_phys(vmcb);
	set_intercepts(&vmcb->control, d);
	vmcb->control.iopm_base_pa = d->arch.iopm_pa;
	vmcb->control.msrpm_base_pa = d->arch.msrpm_pa;
	vmcb->control.np_enable = 1;
	vmcb->control.n_cr3 = d->arch.npt_root;
	/* guest IF masks only virtual interrupts; physical ones always exit (not for direct_apic) */
	vmcb->control.v_intr = d->direct_apic ? 0 : V_INTR_MASKING;
	vmcb->save.efer = EFER_SVME;
	vmcb->save.g_pat = PAT_DEFAULT;
	v->arch.virq_pending = -1;
	vmcb->save.dr6 = 0xffff0ff0;
	vmcb->save.dr7 = 0x400;
	vmcb->save.rflags = 0x2;
	return 0;
}

void svm_vcpu_free(struct vcpu *v)
{
	if (v->arch.vmcb)
		free_pages(v->arch.vmcb, PAGE_SIZE);
	v->arch.vmcb = NULL;
}

void svm_set_start(struct vcpu *v, const struct vcpu_start *start)
{
	struct vmcb_save *s = &v->arch.vmcb->save;

	set_segment(&s->cs, start->cs, SEG_CODE64, 0xffffffff, 0);
	set_segment(&s->ds, start->ds, SEG_DATA, 0xffffffff, 0);
	s->es = s->ss = s->fs = s->gs = s->ds;
	set_segment(&s->gdtr, 0, 0, start->gdt_limit, start->gdt_base);
	set_segment(&s->idtr, 0, 0, 0, 0);
	set_segment(&s->ldtr, 0, SEG_LDT, 0, 0);
	set_segment(&s->tr, 0, SEG_TSS64, 0x67, 0);
	s->cpl = 0;
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP_BIT | CR0_PG;
	s->cr3 = start->cr3;
	s->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	s->efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME;
	s->rip = start->rip;
	s->rsp = 0;
	s->rax = 0;
	s->rflags = 0x2;
	memset(&v->arch.gprs, 0, sizeof(v->arch.gprs));
	v->arch.gprs.rdi = start->rdi;
	v->arch.gprs.rsi = start->rsi;
	v->arch.dirty = VMCB_CLEAN_ALL;
}

/* The state a CPU has after INIT and a SIPI with this vector (real mode at vector << 12). */
void svm_set_sipi_start(struct vcpu *v, uint8_t vector)
{
	struct vmcb_save *s = &v->arch.vmcb->save;

	set_segment(&s->cs, (uint16_t)(vector << 8), 0x9B, 0xffff, (uint64_t)vector << 12);
	set_segment(&s->ds, 0, 0x93, 0xffff, 0);
	s->es = s->ss = s->fs = s->gs = s->ds;
	set_segment(&s->gdtr, 0, 0, 0xffff, 0);
	set_segment(&s->idtr, 0, 0, 0x3ff, 0);
	set_segment(&s->ldtr, 0, SEG_LDT, 0xffff, 0);
	set_segment(&s->tr, 0, SEG_TSS64, 0xffff, 0);
	s->cpl = 0;
	s->cr0 = CR0_ET | CR0_NE;
	s->cr3 = 0;
	s->cr4 = 0;
	s->efer = EFER_SVME;
	s->rip = 0;
	s->rsp = 0;
	s->rax = 0;
	s->rflags = 0x2;
	memset(&v->arch.gprs, 0, sizeof(v->arch.gprs));
	v->arch.dirty = VMCB_CLEAN_ALL;
}

/* ASIDs are handed out per CPU; a reused one may still have TLB entries. */
static void assign_asid(struct vcpu *v, struct svm_cpu *cpu)
{
	if (cpu->next_asid >= svm_features.nr_asids) {
		cpu->asid_generation++;
		cpu->next_asid = 1;
	}
	v->arch.asid = cpu->next_asid++;
	v->arch.asid_generation = cpu->asid_generation;
	v->arch.vmcb->control.guest_asid = v->arch.asid;
	/* without flush-by-ASID the only choice is flushing everything */
	v->arch.vmcb->control.tlb_control =
		svm_features.flush_by_asid ? TLB_CONTROL_FLUSH_ASID : TLB_CONTROL_FLUSH_ALL;
	v->arch.dirty |= VMCB_CLEAN_ASID;
	v->arch.launched = false;
}

/* The highest event channel vector raised for the vCPU (taken), or -1. */
static int take_event_vector(struct vcpu *v)
{
	for (int w = 3; w >= 0; w--) {
		uint64_t bits = __atomic_load_n(&v->arch.event_vectors[w], __ATOMIC_ACQUIRE);

		while (bits) {
			int bit = 63 - __builtin_clzll(bits);
			uint64_t mask = 1ULL << bit;

			if (__atomic_fetch_and(&v->arch.event_vectors[w], ~mask, __ATOMIC_ACQ_REL) & mask)
				return w * 64 + bit;
			bits &= ~mask;
		}
	}
	return -1;
}

/*
 * QEMU's TCG does not restore the interrupt shadow at VMRUN (its helper_vmrun
 * never reads int_state): a guest resumed between STI and HLT takes the
 * interrupt window at once, before its HLT, and an interrupt injected there
 * returns to the HLT - which then sleeps with the interrupt it waited for
 * already taken (ELF guests' event ping-pong stalled so, once in a few
 * thousand round trips). An exit still at the RIP the guest was resumed at
 * in a shadow means the shadowed instruction has not run; if it is HLT,
 * it is completed here, as the hardware would have: the interrupt wakes it,
 * and the guest returns after it. Other instructions take the interrupt one
 * instruction early, which only STI; HLT cannot afford.
 */
static void complete_hlt_in_ignored_shadow(struct vcpu *v)
{
	static const uint8_t hlt[] = { 0xf4 };
	struct vmcb *vmcb = v->arch.vmcb;
	bool resumed = v->arch.shadow_resumed;

	v->arch.shadow_resumed = false;
	if (!resumed || vmcb->save.rip != v->arch.shadow_rip ||
	    (vmcb->control.interrupt_shadow & INTERRUPT_SHADOW) || !(vmcb->save.rflags & RFLAGS_IF) || vmcb->save.cpl)
		return; /* at CPL 3 the HLT faults: it is left to run */
	if (svm_insn_length(v, hlt, sizeof(hlt)) == sizeof(hlt))
		vmcb->save.rip += sizeof(hlt);
}

/*
 * A virtual interrupt (dom0's console UART; an ELF guest's event channel
 * vectors, highest first) stays pending here until it is
 * injected as an event, at a VMRUN where the guest can take it (IF set, no
 * interrupt shadow, no other event on its way). Until then V_IRQ with the
 * VINTR intercept makes the guest exit as soon as it can. V_IRQ itself is
 * not trusted to deliver it: upstream QEMU's TCG clears a pending V_IRQ when
 * it dispatches a physical interrupt to the guest, and a lost transmit
 * interrupt would stall dom0's console output for good.
 */
static void deliver_virtual_interrupt(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	struct vmcb_control *c = &vmcb->control;
	bool window_was_open = c->intercept_misc1 & INTERCEPT_VINTR;
	bool events = arch_vcpu_events_raised(&v->arch);
	bool can_inject;
	int vec;

	/* every VMRUN passes here: nothing raised, nothing waiting is the common case */
	if (v->arch.virq_vector < 0 && v->arch.virq_pending < 0 && !window_was_open && !events)
		return;
	vec = __atomic_exchange_n(&v->arch.virq_vector, -1, __ATOMIC_ACQ_REL);
	if (vec >= 0)
		v->arch.virq_pending = vec;
	if ((v->arch.virq_pending >= 0 || events) && !(c->event_inj & EVENT_INJ_VALID))
		complete_hlt_in_ignored_shadow(v); /* only when an interrupt goes in now */
	/* V_TPR and the masking mode stay: an ELF guest's CR8 lives there */
	c->v_intr &= ~(V_IRQ | V_INTR_PRIO_MAX | V_IGN_TPR | V_INTR_VECTOR);
	c->intercept_misc1 &= ~INTERCEPT_VINTR;
	can_inject = !(c->event_inj & EVENT_INJ_VALID) && (vmcb->save.rflags & RFLAGS_IF) &&
		     !(c->interrupt_shadow & INTERRUPT_SHADOW);
	/* an event vector is taken only when it goes in now: until then vcpu_block() sees it raised */
	if (can_inject && v->arch.virq_pending < 0 && events)
		v->arch.virq_pending = take_event_vector(v);
	if (v->arch.virq_pending >= 0 && can_inject) {
		c->event_inj = EVENT_INJ_VALID | EVENT_INJ_TYPE_INTR | (uint8_t)v->arch.virq_pending;
		v->arch.virq_pending = -1;
	}
	if (v->arch.virq_pending >= 0 || arch_vcpu_events_raised(&v->arch)) {
		c->v_intr |= V_IRQ | V_INTR_PRIO_MAX | V_IGN_TPR;
		c->intercept_misc1 |= INTERCEPT_VINTR;
	}
	if (window_was_open != !!(c->intercept_misc1 & INTERCEPT_VINTR) || (c->v_intr & V_IRQ))
		v->arch.dirty |= VMCB_CLEAN_INTERCEPTS | VMCB_CLEAN_TPR;
}

/*
 * A virtual NMI (dom0's NMI IPIs to its own CPUs) blocks further NMIs in the
 * guest until its handler's IRET, as a real one does: IRET is intercepted
 * while one is in service, and the next is injected only once the IRET has
 * run - at an exit where RIP has moved on from it. Injected sooner, it
 * would re-enter the handler on the same stack.
 */
static void deliver_virtual_nmi(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	struct vmcb_control *c = &vmcb->control;

	if (v->arch.nmi_iret_seen && vmcb->save.rip != v->arch.nmi_iret_rip)
		v->arch.nmi_iret_seen = false;
	if (!v->arch.nmi_pending || v->arch.nmi_in_service || v->arch.nmi_iret_seen ||
	    (c->event_inj & EVENT_INJ_VALID) ||
	    !__atomic_exchange_n(&v->arch.nmi_pending, false, __ATOMIC_ACQ_REL))
		return;
	c->event_inj = EVENT_INJ_VALID | EVENT_INJ_TYPE_NMI | 2;
	v->arch.nmi_in_service = true;
	c->intercept_misc1 |= INTERCEPT_IRET;
	v->arch.dirty |= VMCB_CLEAN_INTERCEPTS;
}

void svm_nmi_iret(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;

	vmcb->control.intercept_misc1 &= ~INTERCEPT_IRET;
	v->arch.dirty |= VMCB_CLEAN_INTERCEPTS;
	v->arch.nmi_in_service = false;
	/* the IRET itself has not run yet: it does at the next VMRUN */
	v->arch.nmi_iret_seen = true;
	v->arch.nmi_iret_rip = vmcb->save.rip;
}

static void prepare_vmrun(struct vcpu *v)
{
	struct vmcb_control *c = &v->arch.vmcb->control;
	uint32_t gen = __atomic_load_n(&v->domain->arch.tlb_generation, __ATOMIC_ACQUIRE);

	/* nested mappings shrank since this vCPU last flushed */
	if (v->arch.tlb_seen != gen) {
		if (c->tlb_control == TLB_CONTROL_NONE)
			c->tlb_control = svm_features.flush_by_asid ? TLB_CONTROL_FLUSH_ASID :
								      TLB_CONTROL_FLUSH_ALL;
		v->arch.tlb_seen = gen;
	}

	deliver_virtual_nmi(v);
	deliver_virtual_interrupt(v);
	v->arch.shadow_resumed = c->interrupt_shadow & INTERRUPT_SHADOW;
	v->arch.shadow_rip = v->arch.vmcb->save.rip;
	/* clean bits: only on CPUs that have them, only after a first run */
	c->clean = svm_features.vmcb_clean && v->arch.launched ? VMCB_CLEAN_ALL & ~v->arch.dirty : 0;
	v->arch.dirty = 0;
}

void svm_vcpu_load(struct vcpu *v)
{
	v->arch.tlb_seen = v->domain->arch.tlb_generation;
	assign_asid(v, svm_this_cpu());
}

/*
 * A #VMEXIT that left the host's own state in the VMCB - the RIP right
 * after VMRUN, the hypervisor's CR3 - as issue 15's dom0 crash did (twice,
 * under load, on QEMU 10): the guest's state is lost. What could explain it
 * is logged before the exit is handled (and the domain crashed): whether
 * this CPU's host save area is still the one it was given, and the vCPU's
 * last exits.
 */
static void report_host_state_in_vmcb(struct vcpu *v)
{
	struct svm_cpu *cpu = svm_this_cpu();
	uint64_t hsave = rdmsr(MSR_VM_HSAVE_PA);

	log_err("svm: d%u vcpu %u: the VMCB at %#llx holds the host's state after an exit (RIP %#llx, CR3 "
		"%#llx); host save area %#llx (given %#llx), host VMCB %#llx\n",
		v->domain->id, v->id, (unsigned long long)v->arch.vmcb_pa,
		(unsigned long long)v->arch.vmcb->save.rip, (unsigned long long)v->arch.vmcb->save.cr3,
		(unsigned long long)hsave, (unsigned long long)cpu->hsave_pa, (unsigned long long)cpu->host_vmcb_pa);
	for (unsigned int i = 0; i < ARRAY_SIZE(v->arch.recent); i++) {
		const struct svm_recent_exit *e = &v->arch.recent[(v->arch.recent_next + i) % ARRAY_SIZE(v->arch.recent)];

		log_err("svm:   an earlier exit: code %#llx info1 %#llx at RIP %#llx\n", (unsigned long long)e->code,
			(unsigned long long)e->info1, (unsigned long long)e->rip);
	}
}

static void note_exit(struct vcpu *v, uint64_t host_cr3)
{
	const struct vmcb *vmcb = v->arch.vmcb;
	uint64_t entry = (uint64_t)(uintptr_t)&svm_vmrun;

	if (vmcb->save.cr3 == host_cr3 && vmcb->save.rip - entry < 0x100)
		report_host_state_in_vmcb(v);
	v->arch.recent[v->arch.recent_next] =
		(struct svm_recent_exit){ vmcb->control.exit_code, vmcb->control.exit_info1, vmcb->save.rip };
	v->arch.recent_next = (v->arch.recent_next + 1) % ARRAY_SIZE(v->arch.recent);
}

/*
 * QEMU's TCG (up to 10.1) clears a bit of the CPU's interrupt requests at
 * #VMEXIT with a plain read-modify-write, without the lock under which its
 * other threads raise them: a local APIC interrupt that arrives (from the
 * APIC timer, an IPI, the I/O APIC) at that moment is left in the IRR with
 * nothing to deliver it. dom0 and Linux guests take their interrupts
 * directly and halt natively: their CPU would sleep until some other
 * interrupt, as dom0 once did for good with its timer in the IRR. A write
 * to CR8, of the value it has, makes QEMU evaluate the APIC again, under
 * that lock. Upstream made those accesses atomic in QEMU 10.2.
 */
static void repoll_apic(void)
{
	if (svm_features.repoll_apic_after_exit)
		write_cr8(read_cr8());
}

void svm_vcpu_enter(struct vcpu *v)
{
	v->arch.in_guest = true;
	prepare_vmrun(v);
	svm_vmrun(v->arch.vmcb_pa, &v->arch.gprs, svm_this_cpu()->host_vmcb_pa);
	repoll_apic();
	v->arch.exit_tsc = __atomic_load_n(&module_exit_hooks_installed, __ATOMIC_RELAXED) ? rdtsc() : 0;
	v->arch.in_guest = false;
	note_exit(v, svm_this_cpu()->host_cr3);
	v->arch.launched = true;
	v->arch.vmcb->control.tlb_control = TLB_CONTROL_NONE;
	svm_handle_exit(v);
}
