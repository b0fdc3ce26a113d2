/*
 * #VMEXIT handling: one table entry per exit code we intercept, each with
 * the counter it feeds and its handler. Everything the guest controls
 * (registers, exit information, memory) is checked before use; anything
 * unexpected ends the guest, never the hypervisor. Port and MMIO accesses
 * go to whichever device the domain registered for them (arch/vdev.h).
 */
#include "svm.h"
#include <arch/cpu.h>
#include <arch/emul.h>
#include <arch/fpu.h>
#include <arch/guest_policy.h>
#include <arch/vdev.h>
#include <xen-lite-abi.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/hypercall.h>
#include <xen-lite/log.h>
#include <xen-lite/module_hooks.h>
#include <xen-lite/string.h>

typedef void (*exit_handler_fn)(struct vcpu *v);

struct exit_entry {
	uint64_t code;
	enum exit_reason reason;
	exit_handler_fn handler;
};

static bool is_legacy_prefix(uint8_t b)
{
	return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x2e ||
	       b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65;
}

/* The length of the instruction at RIP if it is opcode after any prefixes, else 0. */
unsigned int svm_insn_length(struct vcpu *v, const uint8_t *opcode, unsigned int opcode_len)
{
	uint8_t insn[15];
	int n = vcpu_fetch_insn(v, insn);
	unsigned int i = 0;

	while (i < (unsigned int)MAX(n, 0) && (is_legacy_prefix(insn[i]) || (insn[i] & 0xf0) == 0x40))
		i++;
	if (n < 0 || i + opcode_len > (unsigned int)n || memcmp(insn + i, opcode, opcode_len))
		return 0;
	return i + opcode_len;
}

bool svm_skip_instruction(struct vcpu *v, const uint8_t *opcode, unsigned int opcode_len)
{
	struct vmcb *vmcb = v->arch.vmcb;
	unsigned int length;

	if (svm_features.nrip_save) {
		vmcb->save.rip = vmcb->control.next_rip;
		return true;
	}
	length = svm_insn_length(v, opcode, opcode_len);
	if (!length) {
		domain_crash(v->domain, "cannot decode the intercepted instruction at RIP %#llx",
			     (unsigned long long)vmcb->save.rip);
		return false;
	}
	vmcb->save.rip += length;
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

/* What behaviour modules' policy hooks make of the core's CPUID answer. */
static void module_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	struct xl_cpuid_regs m = { r->eax, r->ebx, r->ecx, r->edx };

	module_policy_cpuid(v->domain->id, leaf, sub, &m);
	*r = (struct cpuid_regs){ .eax = m.eax, .ebx = m.ebx, .ecx = m.ecx, .edx = m.edx };
}

/* The core's MSR policy, then the modules' say (a refusal is a #GP, as the core's). */
static int msr_access(struct vcpu *v, bool write, uint32_t msr, uint64_t *value)
{
	bool hooked = __atomic_load_n(&module_policy_hooks_installed, __ATOMIC_RELAXED);
	int err;

	if (write && hooked && !module_policy_msr_write(v->domain->id, msr, *value))
		return -EPERM;
	err = write ? msr_write(v, msr, *value) : msr_read(v, msr, value);
	if (!err && !write && hooked && !module_policy_msr_read(v->domain->id, msr, value))
		err = -EPERM;
	return err;
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
	if (__atomic_load_n(&module_policy_hooks_installed, __ATOMIC_RELAXED))
		module_cpuid(v, leaf, sub, &r);
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
	err = msr_access(v, write, msr, &value);
	if (err) {
		if (vdev_log_denial(v))
			log_debug("d%u: %s of MSR %#x refused (#GP)\n", v->domain->id,
				  write ? "wrmsr" : "rdmsr", msr);
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

/* The value an IN leaves in RAX: 8- and 16-bit INs keep the rest of it, a 32-bit IN zero-extends. */
static void complete_in(struct vmcb *vmcb, unsigned int size, uint32_t value)
{
	uint64_t mask = size == 4 ? 0xffffffffULL : (1ULL << (8 * size)) - 1;

	vmcb->save.rax = size == 4 ? value : (vmcb->save.rax & ~mask) | (value & mask);
}

/* A port a device registered goes to it; no other port is a guest's: reads see all ones, writes are dropped. */
static void handle_ioio(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint64_t info = vmcb->control.exit_info1;
	struct io_access io = {
		.port = (uint16_t)(info >> IOIO_PORT_SHIFT),
		.size = info & IOIO_SIZE8 ? 1 : info & IOIO_SIZE16 ? 2 : 4,
		.in = info & IOIO_TYPE_IN,
		.string = info & (IOIO_STRING | IOIO_REP),
	};

	io.value = io.in ? 0xffffffffu : (uint32_t)vmcb->save.rax;
	switch (vdev_io(v, &io)) {
	case VDEV_IO_GP:
		svm_inject_exception(v, X86_VEC_GP, true, 0);
		return;
	case VDEV_IO_DONE:
		break;
	case VDEV_IO_UNCLAIMED:
		if (io.string) {
			if (vdev_log_denial(v))
				log_debug("d%u: string I/O on port %#x refused (#GP)\n", v->domain->id,
					  io.port);
			svm_inject_exception(v, X86_VEC_GP, true, 0);
			return;
		}
		if (vdev_log_denial(v))
			log_debug("d%u: %s port %#x denied\n", v->domain->id, io.in ? "in" : "out",
				  io.port);
		io.value = 0xffffffffu; /* nothing there */
		break;
	}
	if (io.in)
		complete_in(vmcb, io.size, io.value);
	vmcb->save.rip = vmcb->control.exit_info2; /* IOIO exits always carry the next RIP */
}

static void handle_npf(struct vcpu *v)
{
	struct vmcb_control *c = &v->arch.vmcb->control;
	uint64_t err = c->exit_info1, gpa = c->exit_info2;

	/* a write to a present, read-only page: a device's registers (the local APIC, an MSI-X table) */
	if ((err & 3) == 3 && vdev_mmio_write(v, gpa_init(gpa), c->exit_int_info & EVENT_INJ_VALID))
		return;
	/* any access to an unmapped page whose registers are emulated (dom0's I/O APICs) */
	if (!(err & 1) && !(err & (1u << 4)) && (err & NPF_FINAL_ADDRESS) &&
	    vdev_mmio_emulate(v, gpa_init(gpa), err & 2, c->exit_int_info & EVENT_INJ_VALID))
		return;
	/* one the domain's devices map on demand (dom0's device memory above its identity map) */
	if (!(err & 1) && (err & NPF_FINAL_ADDRESS) && vdev_unmapped(v, gpa_init(gpa)))
		return;
	const char *kind = err & (1u << 4) ? "instruction fetch" : err & 2 ? "write" : "read";
	/* present: mapped without that right (a read-only page, a read-only shared segment) */
	const char *why = err & 1 ? "not permitted there" :
			  !domain_is_ram(v->domain, gpa_init(gpa)) && !v->domain->privileged ?
				    "outside its memory" :
				    "to an unmapped page";

	domain_crash(v->domain, "%s at guest-physical %#llx %s (RIP %#llx)", kind,
		     (unsigned long long)gpa, why, (unsigned long long)v->arch.vmcb->save.rip);
}

static void handle_hlt(struct vcpu *v)
{
	static const uint8_t op[] = { 0xf4 };

	if (!svm_skip_instruction(v, op, 1))
		return;
	/* guests have no interrupt sources yet: a halted vCPU sleeps until its domain changes */
	vcpu_block(v);
}

static void handle_iret(struct vcpu *v)
{
	svm_nmi_iret(v); /* the guest runs the IRET itself */
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
	if ((uint32_t)v->arch.gprs.rcx != 0 || !xcr0_allowed(value, fpu_supported_xcr0()) ||
	    vmcb->save.cpl) {
		svm_inject_exception(v, X86_VEC_GP, true, 0);
		return;
	}
	if (!svm_skip_instruction(v, op, sizeof(op)))
		return;
	/* the CPU is this guest's alone and the host never uses XSAVE state */
	fpu_load_guest_xcr0(value);
}

/*
 * INVD would drop dirty cache lines that are not the guest's: dom0 gets the
 * WBINVD it may have meant (firmware-style code), a guest nothing - its
 * memory is write-back and coherent. WBINVD/WBNOINVD from a guest (only
 * a guest's are intercepted) likewise: a flush of the whole cache would
 * slow every other CPU of the node.
 */
static void handle_cache_flush(struct vcpu *v)
{
	static const uint8_t invd[] = { 0x0f, 0x08 }, wbinvd[] = { 0x0f, 0x09 };
	bool is_invd = v->arch.vmcb->control.exit_code == SVM_EXIT_INVD;

	/* without NRIP-save (QEMU's TCG) the bytes decide: QEMU 7.2 reports INVD as a WBINVD exit */
	if (!svm_features.nrip_save)
		is_invd = svm_insn_length(v, invd, sizeof(invd)) != 0;
	/* WBNOINVD is F3 0F 09: the prefix is skipped like any other */
	if (!svm_skip_instruction(v, is_invd ? invd : wbinvd, 2))
		return;
	if (is_invd && v->domain->privileged)
		__asm__ volatile("wbinvd" ::: "memory");
}

static void handle_gp(struct vcpu *v)
{
	/* RDPMC: the guest sees no performance counters */
	svm_inject_exception(v, X86_VEC_GP, true, 0);
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
	/* handled: a second machine check with MCIP still set would shut the CPU down */
	if (cpuid(1).edx & (1u << 14))
		wrmsr(MSR_MCG_STATUS, 0);
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
	/* the end of a virtual NMI's handler: the next virtual NMI may follow */
	{ SVM_EXIT_IRET, EXIT_NMI, handle_iret },
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
	{ SVM_EXIT_RDPRU, EXIT_OTHER, handle_refused_insn },
	{ SVM_EXIT_RDPMC, EXIT_OTHER, handle_gp },
	{ SVM_EXIT_INVD, EXIT_OTHER, handle_cache_flush },
	{ SVM_EXIT_WBINVD, EXIT_OTHER, handle_cache_flush },
	/* nothing sends them to a guest's CPU: taken, they would have reset or entered SMM in it */
	{ SVM_EXIT_INIT, EXIT_OTHER, handle_nothing },
	{ SVM_EXIT_SMI, EXIT_OTHER, handle_nothing },
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

/* What a module's hooks are told the exit counts as (MSR exits count by direction). */
static uint32_t hook_reason(const struct vmcb *vmcb, const struct exit_entry *e)
{
	if (e->code == SVM_EXIT_MSR)
		return vmcb->control.exit_info1 ? EXIT_MSR_WRITE : EXIT_MSR_READ;
	return e->reason;
}

/* The core's handler, with the behaviour modules' hooks around it when any are installed. */
static void run_handler(struct vcpu *v, const struct exit_entry *e)
{
	struct vmcb *vmcb = v->arch.vmcb;
	struct xl_exit_event ev;

	if (!__atomic_load_n(&module_exit_hooks_installed, __ATOMIC_RELAXED)) {
		e->handler(v);
		return;
	}
	ev = (struct xl_exit_event){
		.domain_id = v->domain->id,
		.vcpu_id = v->id,
		.cpu = v->pcpu,
		.reason = hook_reason(vmcb, e),
		.arch_code = e->code,
		.exit_tsc = v->arch.exit_tsc ? v->arch.exit_tsc : rdtsc(), /* installed since the exit */
		.info1 = vmcb->control.exit_info1,
		.info2 = vmcb->control.exit_info2,
	};
	if (!module_exit_before(v, &ev))
		e->handler(v);
	module_exit_after(v, &ev);
}

void svm_handle_exit(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint64_t code = vmcb->control.exit_code, rip = vmcb->save.rip;

	redeliver_interrupted_event(&vmcb->control);

	vdev_poll(v); /* dom0 exits often enough to carry its console's keyboard input */
	for (unsigned int i = 0; i < ARRAY_SIZE(exit_table); i++) {
		if (exit_table[i].code != code)
			continue;
		if (exit_table[i].reason < EXIT_REASON_COUNT)
			v->exits[exit_table[i].reason]++;
		run_handler(v, &exit_table[i]);
		end_shadow_if_completed(vmcb, rip);
		return;
	}
	v->exits[EXIT_OTHER]++;
	svm_dump_guest(v, "unexpected exit");
	domain_crash(v->domain, "unexpected exit %#llx", (unsigned long long)code);
}
