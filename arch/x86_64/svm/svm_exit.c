/*
 * #VMEXIT handling: one table entry per exit code we intercept, each with
 * the counter it feeds and its handler. Everything the guest controls
 * (registers, exit information, memory) is checked before use; anything
 * unexpected ends the guest, never the hypervisor.
 */
#include <arch/cpu.h>
#include <arch/guest_policy.h>
#include <arch/page_table.h>
#include <arch/svm_internal.h>
#include <xen-lite-abi.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/hypercall.h>
#include <xen-lite/log.h>
#include <xen-lite/string.h>

typedef void (*exit_handler_fn)(struct vcpu *v);

struct exit_entry {
	uint64_t code;
	enum exit_reason reason;
	exit_handler_fn handler;
};

void svm_inject_exception(struct vcpu *v, unsigned int vector, bool has_error, uint32_t error)
{
	v->arch.vmcb->control.event_inj = EVENT_INJ_VALID | EVENT_INJ_TYPE_EXCEPTION | vector |
					  (has_error ? EVENT_INJ_ERROR_VALID : 0) |
					  ((uint64_t)error << 32);
}

void svm_dump_guest(struct vcpu *v, const char *why)
{
	struct vmcb *vmcb = v->arch.vmcb;
	struct domain *d = v->domain;

	log_warn("d%u (%s) vcpu %u: %s: exit %#llx info1 %#llx info2 %#llx intinfo %#llx\n", d->id,
		 d->name, v->id, why, (unsigned long long)vmcb->control.exit_code,
		 (unsigned long long)vmcb->control.exit_info1,
		 (unsigned long long)vmcb->control.exit_info2,
		 (unsigned long long)vmcb->control.exit_int_info);
	log_warn("  RIP %04x:%016llx RSP %016llx RAX %016llx RFLAGS %llx CPL %u\n",
		 vmcb->save.cs.selector, (unsigned long long)vmcb->save.rip,
		 (unsigned long long)vmcb->save.rsp, (unsigned long long)vmcb->save.rax,
		 (unsigned long long)vmcb->save.rflags, vmcb->save.cpl);
	log_warn("  CR0 %llx CR2 %llx CR3 %llx CR4 %llx EFER %llx\n",
		 (unsigned long long)vmcb->save.cr0, (unsigned long long)vmcb->save.cr2,
		 (unsigned long long)vmcb->save.cr3, (unsigned long long)vmcb->save.cr4,
		 (unsigned long long)vmcb->save.efer);
}

/* 4-level walk of the guest's page tables (long mode only; others are identity). */
int guest_virt_to_phys(struct vcpu *v, uint64_t gva, uint64_t *gpa)
{
	struct vmcb_save *s = &v->arch.vmcb->save;
	uint64_t table = s->cr3 & PTE_ADDR_MASK;

	if (!(s->cr0 & (1ULL << 31))) {
		*gpa = gva;
		return 0;
	}
	if (!(s->efer & (1ULL << 10)))
		return -ENOSYS; /* 32-bit paging is not walked */
	for (int level = 3; level >= 0; level--) {
		uint64_t e, size = 1ULL << (12 + 9 * level);

		if (copy_from_guest(v->domain, &e, table + ((gva >> (12 + 9 * level)) & 511) * 8, 8))
			return -EFAULT;
		if (!(e & PTE_P))
			return -EFAULT;
		if (level == 0 || (level < 3 && (e & PTE_PS))) {
			*gpa = (e & PTE_ADDR_MASK & ~(size - 1)) | (gva & (size - 1));
			return 0;
		}
		table = e & PTE_ADDR_MASK;
	}
	return -EFAULT;
}

static bool is_legacy_prefix(uint8_t b)
{
	return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x2e ||
	       b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65;
}

/* Fetch up to 15 bytes at RIP (they may cross a page). */
int svm_fetch_instruction(struct vcpu *v, uint8_t *buf)
{
	const struct vmcb_save *s = &v->arch.vmcb->save;
	/* outside long mode the instruction is at CS base + RIP (real and protected mode) */
	uint64_t at = s->efer & (1ULL << 10) ? s->rip : s->cs.base + (s->rip & 0xffffffff);

	for (unsigned int i = 0; i < 15; i++) {
		uint64_t gpa;

		if (guest_virt_to_phys(v, at + i, &gpa) || copy_from_guest(v->domain, &buf[i], gpa, 1))
			return i ? (int)i : -EFAULT;
	}
	return 15;
}

bool svm_skip_instruction(struct vcpu *v, const uint8_t *opcode, unsigned int opcode_len)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint8_t insn[15];
	int n;
	unsigned int i = 0;

	if (svm_features.nrip_save) {
		vmcb->save.rip = vmcb->control.next_rip;
		return true;
	}
	n = svm_fetch_instruction(v, insn);
	while (i < (unsigned int)MAX(n, 0) && (is_legacy_prefix(insn[i]) || (insn[i] & 0xf0) == 0x40))
		i++;
	if (n < 0 || i + opcode_len > (unsigned int)n || memcmp(insn + i, opcode, opcode_len)) {
		domain_crash(v->domain, "cannot decode the intercepted instruction at RIP %#llx",
			     (unsigned long long)vmcb->save.rip);
		return false;
	}
	vmcb->save.rip += i + opcode_len;
	return true;
}

static void handle_vmmcall(struct vcpu *v)
{
	static const uint8_t op[] = { 0x0f, 0x01, 0xd9 };
	struct vmcb *vmcb = v->arch.vmcb;
	struct guest_gprs *g = &v->arch.gprs;
	uint64_t args[6] = { g->rdi, g->rsi, g->rdx, g->r10, g->r8, g->r9 };
	int64_t ret;

	if (!svm_skip_instruction(v, op, sizeof(op)))
		return;
	/* hypercalls are for guest kernels, not their user space */
	ret = vmcb->save.cpl ? -EPERM : hypercall_dispatch(v, vmcb->save.rax, args);
	vmcb->save.rax = (uint64_t)ret;
}

static void handle_cpuid(struct vcpu *v)
{
	static const uint8_t op[] = { 0x0f, 0xa2 };
	struct vmcb *vmcb = v->arch.vmcb;
	uint32_t leaf = (uint32_t)vmcb->save.rax, sub = (uint32_t)v->arch.gprs.rcx;
	struct cpuid_regs r = cpuid_count(leaf, sub);

	if (!svm_skip_instruction(v, op, sizeof(op)))
		return;
	cpuid_policy_apply(v->domain, leaf, sub, vmcb->save.cr4, &r);
	vmcb->save.rax = r.eax;
	v->arch.gprs.rbx = r.ebx;
	v->arch.gprs.rcx = r.ecx;
	v->arch.gprs.rdx = r.edx;
}

static void handle_msr(struct vcpu *v)
{
	static const uint8_t rd[] = { 0x0f, 0x32 }, wr[] = { 0x0f, 0x30 };
	struct vmcb *vmcb = v->arch.vmcb;
	bool write = vmcb->control.exit_info1 & 1;
	uint32_t msr = (uint32_t)v->arch.gprs.rcx;
	uint64_t value = (vmcb->save.rax & 0xffffffff) | (v->arch.gprs.rdx << 32);
	int err;

	v->exits[write ? EXIT_MSR_WRITE : EXIT_MSR_READ]++;
	err = write ? msr_write(v, msr, value) : msr_read(v, msr, &value);
	if (err) {
		log_debug("d%u: %s of MSR %#x refused (#GP)\n", v->domain->id, write ? "wrmsr" : "rdmsr",
			  msr);
		svm_inject_exception(v, X86_VEC_GP, true, 0);
		return;
	}
	if (!svm_skip_instruction(v, write ? wr : rd, 2))
		return;
	if (!write) {
		vmcb->save.rax = value & 0xffffffff;
		v->arch.gprs.rdx = value >> 32;
	}
}

/* Guests own no I/O ports: reads see all ones (nothing there), writes are dropped. */
static void handle_ioio(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint64_t info = vmcb->control.exit_info1;
	unsigned int port = (unsigned int)(info >> IOIO_PORT_SHIFT) & 0xffff;

	if (v->domain->privileged && dom0_console_io(v, port, info))
		return;
	if (v->domain->arch.has_uart && (guest_uart_io(v, port, info) || guest_power_io(v, port, info)))
		return; /* a Linux guest's console, or its ACPI power and reset registers */
	if (v->domain->privileged && !(info & (IOIO_STRING | IOIO_REP)) && dom0_io(v, port, info))
		return;
	if (info & (IOIO_STRING | IOIO_REP)) {
		log_debug("d%u: string I/O on port %#x refused (#GP)\n", v->domain->id, port);
		svm_inject_exception(v, X86_VEC_GP, true, 0);
		return;
	}
	if (info & IOIO_TYPE_IN) {
		/* 8- and 16-bit IN keep the rest of RAX; a 32-bit IN zero-extends */
		if (info & IOIO_SIZE8)
			vmcb->save.rax |= 0xff;
		else if (info & IOIO_SIZE16)
			vmcb->save.rax |= 0xffff;
		else
			vmcb->save.rax = 0xffffffff;
	}
	log_debug("d%u: %s port %#x denied\n", v->domain->id, info & IOIO_TYPE_IN ? "in" : "out",
		  port);
	vmcb->save.rip = vmcb->control.exit_info2; /* IOIO exits always carry the next RIP */
}

static void handle_npf(struct vcpu *v)
{
	struct vmcb_control *c = &v->arch.vmcb->control;
	uint64_t err = c->exit_info1, gpa = c->exit_info2;

	if (v->domain->direct_apic && (err & 3) == 3 &&
	    (direct_lapic_write(v, gpa) || (v->domain->privileged && dom0_ioapic_write(v, gpa))))
		return; /* a write to its local APIC or dom0's I/O APIC, emulated */
	const char *kind = err & (1u << 4) ? "instruction fetch" : err & 2 ? "write" : "read";
	const char *why = !domain_is_ram(v->domain, gpa) && !v->domain->privileged ? "outside its memory" :
			  err & 1 ? "not permitted there" : "to an unmapped page";

	domain_crash(v->domain, "%s at guest-physical %#llx %s (RIP %#llx)", kind,
		     (unsigned long long)gpa, why, (unsigned long long)v->arch.vmcb->save.rip);
}

static void handle_hlt(struct vcpu *v)
{
	static const uint8_t op[] = { 0xf4 };

	if (!svm_skip_instruction(v, op, 1))
		return;
	/* guests have no interrupt sources yet: a halted vCPU sleeps until its domain changes */
	svm_vcpu_block(v);
}

static void handle_nothing(struct vcpu *v)
{
	/* INTR and NMI: the host takes the interrupt itself right after the world switch */
	(void)v;
}

static void handle_shutdown(struct vcpu *v)
{
	domain_crash(v->domain, "triple fault (shutdown) at RIP %#llx",
		     (unsigned long long)v->arch.vmcb->save.rip);
}

static void handle_refused_insn(struct vcpu *v)
{
	/* the guest sees a CPU without SVM, MONITOR/MWAIT or SKINIT: these are undefined */
	svm_inject_exception(v, X86_VEC_UD, false, 0);
}

static void handle_xsetbv(struct vcpu *v)
{
	static const uint8_t op[] = { 0x0f, 0x01, 0xd1 };
	struct vmcb *vmcb = v->arch.vmcb;
	uint64_t value = (vmcb->save.rax & 0xffffffff) | (v->arch.gprs.rdx << 32);
	struct cpuid_regs r = cpuid_count(0xD, 0);

	if ((uint32_t)v->arch.gprs.rcx != 0 || !xcr0_allowed(value, (uint64_t)r.edx << 32 | r.eax) ||
	    vmcb->save.cpl) {
		svm_inject_exception(v, X86_VEC_GP, true, 0);
		return;
	}
	if (!svm_skip_instruction(v, op, sizeof(op)))
		return;
	/* the CPU is this guest's alone and the host never uses XSAVE state */
	svm_guest_xcr0_load(value);
}

static void handle_reflect_exception(struct vcpu *v)
{
	unsigned int vector = (unsigned int)(v->arch.vmcb->control.exit_code - SVM_EXIT_EXCP_BASE);

	/* intercepted only so a guest cannot wedge the CPU in an exception loop */
	svm_inject_exception(v, vector, vector == X86_VEC_AC, 0);
}

static void handle_machine_check(struct vcpu *v)
{
	log_err("machine check while d%u (%s) was running on CPU %u\n", v->domain->id,
		v->domain->name, v->pcpu);
	domain_crash(v->domain, "machine check");
}

static void handle_invalid(struct vcpu *v)
{
	svm_dump_guest(v, "VMRUN refused the guest state");
	domain_crash(v->domain, "invalid guest state (VMRUN failed)");
}

static void handle_task_switch(struct vcpu *v)
{
	domain_crash(v->domain, "hardware task switch (not supported in long mode guests)");
}

static const struct exit_entry exit_table[] = {
	{ SVM_EXIT_VMMCALL, EXIT_HYPERCALL, handle_vmmcall },
	{ SVM_EXIT_CPUID, EXIT_CPUID, handle_cpuid },
	{ SVM_EXIT_MSR, EXIT_REASON_COUNT, handle_msr }, /* counts read/write itself */
	{ SVM_EXIT_IOIO, EXIT_IO, handle_ioio },
	{ SVM_EXIT_NPF, EXIT_NPF, handle_npf },
	{ SVM_EXIT_HLT, EXIT_HLT, handle_hlt },
	{ SVM_EXIT_INTR, EXIT_INTR, handle_nothing },
	{ SVM_EXIT_NMI, EXIT_NMI, handle_nothing },
	/* the guest can take the virtual interrupt it waits for: injected on the next VMRUN */
	{ SVM_EXIT_VINTR, EXIT_INTR, handle_nothing },
	{ SVM_EXIT_SHUTDOWN, EXIT_SHUTDOWN, handle_shutdown },
	{ SVM_EXIT_VMRUN, EXIT_SVM_INSN, handle_refused_insn },
	{ SVM_EXIT_VMLOAD, EXIT_SVM_INSN, handle_refused_insn },
	{ SVM_EXIT_VMSAVE, EXIT_SVM_INSN, handle_refused_insn },
	{ SVM_EXIT_STGI, EXIT_SVM_INSN, handle_refused_insn },
	{ SVM_EXIT_CLGI, EXIT_SVM_INSN, handle_refused_insn },
	{ SVM_EXIT_SKINIT, EXIT_SVM_INSN, handle_refused_insn },
	{ SVM_EXIT_INVLPGA, EXIT_SVM_INSN, handle_refused_insn },
	{ SVM_EXIT_MONITOR, EXIT_OTHER, handle_refused_insn },
	{ SVM_EXIT_MWAIT, EXIT_OTHER, handle_refused_insn },
	{ SVM_EXIT_MWAIT_COND, EXIT_OTHER, handle_refused_insn },
	{ SVM_EXIT_RSM, EXIT_OTHER, handle_refused_insn },
	{ SVM_EXIT_XSETBV, EXIT_XSETBV, handle_xsetbv },
	{ SVM_EXIT_EXCP_BASE + X86_VEC_DB, EXIT_EXCEPTION, handle_reflect_exception },
	{ SVM_EXIT_EXCP_BASE + X86_VEC_AC, EXIT_EXCEPTION, handle_reflect_exception },
	{ SVM_EXIT_EXCP_BASE + X86_VEC_MC, EXIT_EXCEPTION, handle_machine_check },
	{ SVM_EXIT_TASK_SWITCH, EXIT_OTHER, handle_task_switch },
	{ SVM_EXIT_INVALID, EXIT_OTHER, handle_invalid },
};

/*
 * An exit in the middle of delivering an event (an interrupt taken straight
 * from the APIC, a virtual interrupt, an NMI, an exception) leaves it in
 * EXITINTINFO and nowhere else: deliver it again on the next VMRUN, or it is
 * lost (a physical interrupt would stay in service in the APIC for good). A
 * handler that injects an event of its own replaces it. Software interrupts,
 * INT3 and INTO are not re-injected: RIP still points at the instruction,
 * which runs again.
 */
static void redeliver_interrupted_event(struct vmcb_control *c)
{
	uint64_t info = c->exit_int_info, type = info & EVENT_INJ_TYPE_MASK;

	if (!(info & EVENT_INJ_VALID))
		return;
	if (type == EVENT_INJ_TYPE_EXCEPTION && ((info & 0xff) == 3 || (info & 0xff) == 4))
		return; /* #BP and #OF come from INT3/INTO, which run again */
	if (type == EVENT_INJ_TYPE_INTR || type == EVENT_INJ_TYPE_NMI ||
	    type == EVENT_INJ_TYPE_EXCEPTION)
		c->event_inj = info;
}

/*
 * An instruction right after STI (or MOV SS) runs in an interrupt shadow; once
 * the hypervisor has completed it for the guest, the shadow is over - left
 * set, it would hold back the next interrupt (or the injection of one).
 */
static void end_shadow_if_completed(struct vmcb *vmcb, uint64_t rip_at_exit)
{
	if (vmcb->save.rip != rip_at_exit)
		vmcb->control.interrupt_shadow &= ~INTERRUPT_SHADOW;
}

void svm_handle_exit(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint64_t code = vmcb->control.exit_code, rip = vmcb->save.rip;

	redeliver_interrupted_event(&vmcb->control);

	if (v->domain->privileged)
		dom0_console_poll(v); /* dom0 exits often enough to carry keyboard input */
	for (unsigned int i = 0; i < ARRAY_SIZE(exit_table); i++) {
		if (exit_table[i].code != code)
			continue;
		if (exit_table[i].reason < EXIT_REASON_COUNT)
			v->exits[exit_table[i].reason]++;
		exit_table[i].handler(v);
		end_shadow_if_completed(vmcb, rip);
		return;
	}
	v->exits[EXIT_OTHER]++;
	svm_dump_guest(v, "unexpected exit");
	domain_crash(v->domain, "unexpected exit %#llx", (unsigned long long)code);
}
