/*
 * The exit helpers of the SVM engine (struct vmm_ops, arch/vmm.h): a
 * vCPU's registers and position as device models and emulation see them,
 * events injected, and the crash report. RAX and RSP live in the VMCB, the
 * other general registers where the world switch saved them.
 */
#include "svm.h"
#include <arch/percpu.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>
#include <xen-lite/log.h>

uint64_t svm_get_reg(struct vcpu *v, unsigned int reg)
{
	const struct guest_gprs *g = &v->arch.gprs;
	const uint64_t others[16] = { 0, g->rcx, g->rdx, g->rbx, 0, g->rbp, g->rsi, g->rdi,
				      g->r8, g->r9, g->r10, g->r11, g->r12, g->r13, g->r14, g->r15 };

	if (reg == 0)
		return v->arch.vmcb->save.rax;
	if (reg == 4)
		return v->arch.vmcb->save.rsp;
	return others[reg & 15];
}

void svm_set_reg(struct vcpu *v, unsigned int reg, uint64_t value)
{
	struct guest_gprs *g = &v->arch.gprs;
	uint64_t *others[16] = { NULL, &g->rcx, &g->rdx, &g->rbx, NULL, &g->rbp, &g->rsi, &g->rdi,
				 &g->r8, &g->r9, &g->r10, &g->r11, &g->r12, &g->r13, &g->r14, &g->r15 };

	if (reg == 0)
		v->arch.vmcb->save.rax = value;
	else if (reg == 4)
		v->arch.vmcb->save.rsp = value;
	else
		*others[reg & 15] = value;
}

void svm_get_context(struct vcpu *v, struct vcpu_context *ctx)
{
	const struct vmcb_save *s = &v->arch.vmcb->save;

	*ctx = (struct vcpu_context){
		.rip = s->rip,
		.cs_base = s->cs.base,
		.cr0 = s->cr0,
		.cr3 = s->cr3,
		.cr4 = s->cr4,
		.efer = s->efer,
		.cpl = s->cpl,
	};
}

void svm_advance_rip(struct vcpu *v, unsigned int bytes)
{
	v->arch.vmcb->save.rip += bytes;
}

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

void arch_vcpu_log_wake_state(struct vcpu *v)
{
	const struct vmcb *vmcb = v->arch.vmcb;
	const struct vmcb_control *c = &vmcb->control;

	log_info("d%u vcpu %u: raised %016llx %016llx %016llx %016llx, virq %d/%d, V_IRQ %d VINTR %d, "
		 "EVENTINJ %#llx, RIP %#llx IF %d shadow %d, last exit %#llx, CPU %u kicks %u\n",
		 v->domain->id, v->id, (unsigned long long)v->arch.event_vectors[0],
		 (unsigned long long)v->arch.event_vectors[1], (unsigned long long)v->arch.event_vectors[2],
		 (unsigned long long)v->arch.event_vectors[3], v->arch.virq_pending, v->arch.virq_vector,
		 !!(c->v_intr & V_IRQ), !!(c->intercept_misc1 & INTERCEPT_VINTR),
		 (unsigned long long)c->event_inj, (unsigned long long)vmcb->save.rip,
		 !!(vmcb->save.rflags & RFLAGS_IF), !!(c->interrupt_shadow & INTERRUPT_SHADOW),
		 (unsigned long long)c->exit_code, v->pcpu, percpu_area[v->pcpu].kick_seq);
}
