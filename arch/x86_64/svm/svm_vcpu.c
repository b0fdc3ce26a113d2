/*
 * vCPU state under SVM: the VMCB's initial contents, ASIDs and the TLB
 * flush policy, the guest's FPU state, and the run loop.
 */
#include <arch/cpu.h>
#include <arch/guest_policy.h>
#include <arch/lapic.h>
#include <arch/percpu.h>
#include <arch/svm_internal.h>
#include <arch/tsc.h>
#include <xen-lite/arch.h>
#include <xen-lite/dom0.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest_linux.h>
#include <xen-lite/log.h>
#include <xen-lite/mm.h>
#include <xen-lite/string.h>

#define VEC_KICK 0xF1 /* makes a CPU leave its guest; the handler does nothing */

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

#define XCR0_X87 1ULL
#define XCR0_SSE 2ULL

#define SEG_CODE64 0x0A9B /* present, DPL 0, execute/read, accessed, L, G */
#define SEG_DATA 0x0C93 /* present, DPL 0, read/write, accessed, D/B, G */
#define SEG_TSS64 0x008B /* present, busy 64-bit TSS */
#define SEG_LDT 0x0082
#define CR0_ET_NE (CR0_ET | CR0_NE)

static uint8_t fpu_init_area[4096] __attribute__((aligned(64)));
static uint64_t xsave_mask;

static void kick_handler(struct trap_frame *f)
{
	(void)f;
}

void arch_kick_cpu(unsigned int cpu)
{
	struct percpu *p = &percpu_area[cpu];

	if (cpu >= arch_cpus_online())
		return;
	if (p->runs_direct_apic) {
		/* the guest's IDT would take a fixed-vector IPI; an NMI always exits to us */
		__atomic_store_n(&p->nmi_kick, true, __ATOMIC_RELEASE);
		lapic_send_nmi(p->apic_id);
	} else {
		lapic_send_ipi(p->apic_id, VEC_KICK);
	}
}

uint64_t arch_tsc_khz(void)
{
	return tsc_khz();
}

static void xsetbv(uint32_t reg, uint64_t value)
{
	__asm__ volatile("xsetbv" ::"c"(reg), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

/* Components this CPU can save, limited to what fits the 4 KiB reset area. */
static uint64_t supported_xsave_mask(void)
{
	struct cpuid_regs r;

	if (!(cpuid(1).ecx & (1u << 26)) || cpuid(0).eax < 0xD)
		return 0;
	r = cpuid_count(0xD, 0);
	if (r.ecx > sizeof(fpu_init_area))
		return XCR0_X87 | XCR0_SSE | (r.eax & 4);
	return ((uint64_t)r.edx << 32) | r.eax;
}

void svm_guest_xcr0_load(uint64_t value)
{
	xsetbv(0, value);
}

/*
 * Put the FPU, SSE and every XSAVE component into its initial state so a
 * guest never sees what an earlier guest left in this CPU's registers.
 */
static void fpu_reset_for_guest(struct vcpu *v)
{
	/* FCW and MXCSR at their reset values; XSTATE_BV = 0 means "init state" */
	*(uint16_t *)&fpu_init_area[0] = 0x037f;
	*(uint32_t *)&fpu_init_area[24] = 0x1f80;
	if (xsave_mask) {
		xsetbv(0, xsave_mask);
		__asm__ volatile("xrstor64 (%0)" ::"r"(fpu_init_area), "a"((uint32_t)xsave_mask),
				 "d"((uint32_t)(xsave_mask >> 32))
				 : "memory");
		xsetbv(0, XCR0_X87 | XCR0_SSE);
	} else {
		__asm__ volatile("fxrstor64 (%0)" ::"r"(fpu_init_area) : "memory");
	}
}

static void set_segment(struct vmcb_segment *s, uint16_t sel, uint16_t attrib, uint32_t limit,
			uint64_t base)
{
	*s = (struct vmcb_segment){ sel, attrib, limit, base };
}

static void set_intercepts(struct vmcb_control *c, bool direct_apic)
{
	c->intercept_exceptions = (1u << X86_VEC_DB) | (1u << X86_VEC_AC) | (1u << X86_VEC_MC);
	c->intercept_misc1 = INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_CPUID | INTERCEPT_HLT |
			     INTERCEPT_INVLPGA | INTERCEPT_IOIO | INTERCEPT_MSR | INTERCEPT_SHUTDOWN |
			     INTERCEPT_TASK_SWITCH | INTERCEPT_RSM;
	c->intercept_misc2 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL | INTERCEPT_VMLOAD |
			     INTERCEPT_VMSAVE | INTERCEPT_STGI | INTERCEPT_CLGI | INTERCEPT_SKINIT |
			     INTERCEPT_MONITOR | INTERCEPT_MWAIT | INTERCEPT_MWAIT_COND |
			     INTERCEPT_XSETBV;
	if (direct_apic) {
		/* it takes its interrupts (its APIC timer, dom0's devices) directly and idles natively */
		c->intercept_misc1 &= ~(INTERCEPT_INTR | INTERCEPT_HLT);
	}
}

int arch_vcpu_init(struct vcpu *v)
{
	struct vmcb *vmcb = alloc_page_zeroed();
	struct domain *d = v->domain;

	if (!vmcb)
		return -ENOMEM;
	if (!xsave_mask)
		xsave_mask = supported_xsave_mask();
	trap_set_handler(VEC_KICK, kick_handler);
	v->arch.vmcb = vmcb;
	v->arch.vmcb_pa = virt_to_phys(vmcb);
	set_intercepts(&vmcb->control, d->direct_apic);
	vmcb->control.iopm_base_pa = d->arch.iopm_pa;
	vmcb->control.msrpm_base_pa = d->arch.msrpm_pa;
	vmcb->control.np_enable = 1;
	vmcb->control.n_cr3 = d->arch.npt_root;
	/* guest IF masks only virtual interrupts; physical ones always exit (not for direct_apic) */
	vmcb->control.v_intr = d->direct_apic ? 0 : V_INTR_MASKING;
	vmcb->save.efer = EFER_SVME;
	vmcb->save.g_pat = PAT_DEFAULT;
	v->arch.virq_vector = -1;
	v->arch.virq_pending = -1;
	vmcb->save.dr6 = 0xffff0ff0;
	vmcb->save.dr7 = 0x400;
	vmcb->save.rflags = 0x2;
	return 0;
}

void arch_vcpu_free(struct vcpu *v)
{
	if (v->arch.vmcb)
		free_pages(v->arch.vmcb, PAGE_SIZE);
	v->arch.vmcb = NULL;
}

void arch_vcpu_set_start_state(struct vcpu *v, uint64_t rip, uint64_t cr3, uint64_t gdt_base,
			       uint16_t gdt_limit, uint64_t rdi)
{
	struct vmcb_save *s = &v->arch.vmcb->save;

	set_segment(&s->cs, 0x08, SEG_CODE64, 0xffffffff, 0);
	set_segment(&s->ds, 0x10, SEG_DATA, 0xffffffff, 0);
	s->es = s->ss = s->fs = s->gs = s->ds;
	set_segment(&s->gdtr, 0, 0, gdt_limit, gdt_base);
	set_segment(&s->idtr, 0, 0, 0, 0);
	set_segment(&s->ldtr, 0, SEG_LDT, 0, 0);
	set_segment(&s->tr, 0, SEG_TSS64, 0x67, 0);
	s->cpl = 0;
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP_BIT | CR0_PG;
	s->cr3 = cr3;
	s->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	s->efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME;
	s->rip = rip;
	s->rsp = 0;
	s->rax = 0;
	s->rflags = 0x2;
	memset(&v->arch.gprs, 0, sizeof(v->arch.gprs));
	v->arch.gprs.rdi = rdi;
	v->arch.dirty = VMCB_CLEAN_ALL;
}

void arch_vcpu_set_linux_start(struct vcpu *v, uint64_t rip, uint64_t cr3, uint64_t gdt_base,
			       uint16_t gdt_limit, uint64_t boot_params)
{
	struct vmcb_save *s = &v->arch.vmcb->save;

	arch_vcpu_set_start_state(v, rip, cr3, gdt_base, gdt_limit, 0);
	/* Linux boot protocol, 64-bit entry: __BOOT_CS = 0x10, __BOOT_DS = 0x18, RSI = boot params */
	s->cs.selector = 0x10;
	s->ds.selector = 0x18;
	s->es = s->ss = s->fs = s->gs = s->ds;
	v->arch.gprs.rdi = 0;
	v->arch.gprs.rsi = boot_params;
}

int arch_dom0_protect_lapic(struct domain *d)
{
	int err;

	/* dom0 drives CPU 0's APIC through the xAPIC page, which x2APIC mode does not have */
	if (lapic_x2apic_mode()) {
		log_err("dom0: it needs the local APIC in xAPIC mode: boot without x2apic=on\n");
		return -ENODEV;
	}
	err = direct_lapic_protect(d);

	return err ? err : dom0_console_init(d, arch_ioapic_address());
}

void arch_vcpu_dump(struct vcpu *v, const char *why)
{
	svm_dump_guest(v, why);
}

/* The state a CPU has after INIT and a SIPI with this vector (real mode at vector << 12). */
static void set_sipi_state(struct vcpu *v, uint8_t vector)
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

void arch_vcpu_wait_for_sipi(struct vcpu *v)
{
	v->arch.start_state = VCPU_WAIT_SIPI;
}

/* A secondary vCPU of dom0 waits, halted, for the SIPI its sibling sends through its APIC. */
static bool wait_for_sipi(struct vcpu *v)
{
	while (__atomic_load_n(&v->arch.start_state, __ATOMIC_ACQUIRE) == VCPU_WAIT_SIPI &&
	       !domain_has_ended(v->domain))
		__asm__ volatile("hlt"); /* interrupts are off: the kick is an NMI */
	if (domain_has_ended(v->domain))
		return false;
	set_sipi_state(v, v->arch.sipi_vector);
	v->arch.start_state = VCPU_STARTED;
	return true;
}

/* ASIDs are handed out per CPU; a reused one may still have TLB entries. */
static void assign_asid(struct vcpu *v, struct percpu *cpu)
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

/*
 * A virtual interrupt (dom0's console UART) stays pending here until it is
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
	int vec;

	/* every VMRUN passes here: nothing raised, nothing waiting is the common case */
	if (v->arch.virq_vector < 0 && v->arch.virq_pending < 0 && !window_was_open)
		return;
	vec = __atomic_exchange_n(&v->arch.virq_vector, -1, __ATOMIC_ACQ_REL);
	if (vec >= 0)
		v->arch.virq_pending = vec;
	/* V_TPR and the masking mode stay: an ELF guest's CR8 lives there */
	c->v_intr &= ~(V_IRQ | V_INTR_PRIO_MAX | V_IGN_TPR | V_INTR_VECTOR);
	c->intercept_misc1 &= ~INTERCEPT_VINTR;
	if (v->arch.virq_pending >= 0) {
		if (!(c->event_inj & EVENT_INJ_VALID) && (vmcb->save.rflags & RFLAGS_IF) &&
		    !(c->interrupt_shadow & INTERRUPT_SHADOW)) {
			c->event_inj = EVENT_INJ_VALID | EVENT_INJ_TYPE_INTR |
				       (uint8_t)v->arch.virq_pending;
			v->arch.virq_pending = -1;
		} else {
			c->v_intr |= V_IRQ | V_INTR_PRIO_MAX | V_IGN_TPR;
			c->intercept_misc1 |= INTERCEPT_VINTR;
		}
	}
	if (window_was_open != !!(c->intercept_misc1 & INTERCEPT_VINTR) || (c->v_intr & V_IRQ))
		v->arch.dirty |= VMCB_CLEAN_INTERCEPTS | VMCB_CLEAN_TPR;
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

	if (v->arch.nmi_pending && !(c->event_inj & EVENT_INJ_VALID) &&
	    __atomic_exchange_n(&v->arch.nmi_pending, false, __ATOMIC_ACQ_REL))
		c->event_inj = EVENT_INJ_VALID | EVENT_INJ_TYPE_NMI | 2;
	deliver_virtual_interrupt(v);
	/* clean bits: only on CPUs that have them, only after a first run */
	c->clean = svm_features.vmcb_clean && v->arch.launched ? VMCB_CLEAN_ALL & ~v->arch.dirty : 0;
	v->arch.dirty = 0;
}

void svm_vcpu_block(struct vcpu *v)
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
	v->arch.tlb_seen = d->arch.tlb_generation;
	assign_asid(v, cpu);
	fpu_reset_for_guest(v);
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
			svm_vcpu_block(v);
			continue;
		}
		v->arch.in_guest = true;
		prepare_vmrun(v);
		svm_vmrun(v->arch.vmcb_pa, &v->arch.gprs, cpu->host_vmcb_pa);
		v->arch.in_guest = false;
		v->arch.launched = true;
		v->arch.vmcb->control.tlb_control = TLB_CONTROL_NONE;
		svm_handle_exit(v);
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

/*
 * dom0's I/O APIC and MSIs address its vCPUs logically (flat: vCPU i is bit i,
 * Linux's numbering), and an x2APIC-mode CPU with APIC id i < 16 matches
 * such an 8-bit destination with bit i. So a guest CPU may run in x2APIC
 * mode unless its APIC id is the index of a dom0 vCPU that runs elsewhere
 * (machines whose CPU n has APIC id n never clash).
 */
static bool clashes_with_dom0_logical(const struct domain *d)
{
	const struct domain *dom0 = domain_find(0);

	for (unsigned int i = 0; dom0 && i < d->nr_vcpus; i++) {
		uint32_t id = arch_cpu_apic_id(d->vcpus[i]->pcpu);

		if (id < dom0->nr_vcpus && arch_cpu_apic_id(dom0->vcpus[id]->pcpu) != id) {
			log_warn("d%u (%s): xAPIC mode: its CPU %u (APIC id %u) would take dom0's logical interrupts in x2APIC mode\n",
				 d->id, d->name, d->vcpus[i]->pcpu, id);
			return true;
		}
	}
	return false;
}

int arch_linux_guest_platform(struct domain *d, uint64_t *lapic_gpa)
{
	uint64_t lapic = lapic_base_pa();
	int err;

	if (domain_is_ram(d, lapic))
		return -E2BIG;
	/*
	 * x2APIC where the CPU has it: its registers are MSRs, so the timer and
	 * EOI pass while the ICR is still filtered (no exit per timer tick).
	 * Otherwise the xAPIC page, where every write exits.
	 */
	d->arch.x2apic = lapic_cpu_has_x2apic() && !clashes_with_dom0_logical(d);
	msrpm_allow_direct_apic(d->arch.msrpm, d->arch.x2apic);
	if (d->arch.x2apic) {
		direct_lapic_set_owners(d); /* no page: in x2APIC mode it is not the APIC's */
		err = 0;
	} else {
		err = arch_domain_map(d, lapic, lapic, PAGE_SIZE);
		if (!err)
			err = direct_lapic_protect(d);
	}
	if (!err)
		guest_uart_init(d);
	*lapic_gpa = lapic;
	return err;
}
