/*
 * The MSRs the policy marks emulated (emul/msr_policy.c), against the VMCB:
 * EFER (SVME kept set and hidden), the guest PAT, TSC reads, the APIC base,
 * and the x2APIC writes the local APIC model filters.
 */
#include "svm.h"
#include <arch/direct_lapic.h>
#include <arch/guest_policy.h>
#include <arch/lapic.h>
#include <xen-lite/errno.h>

#define NB_CFG_EXT_CONFIG_SPACE (1ULL << 46) /* EnableCf8ExtCfg */
#define EFER_GUEST_WRITABLE (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_FFXSR)

int msr_read(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	struct vmcb *vmcb = v->arch.vmcb;
	const struct msr_rule *rule = msr_rule_for(v->domain, msr);

	if (!rule || rule->read != MSR_EMULATE)
		return -EPERM;
	switch (msr) {
	case MSR_EFER:
		*value = vmcb->save.efer & ~EFER_SVME;
		return 0;
	case MSR_PAT:
		*value = vmcb->save.g_pat;
		return 0;
	case MSR_TSC:
		*value = rdtsc() + vmcb->control.tsc_offset;
		return 0;
	case MSR_AMD64_NB_CFG:
		*value = NB_CFG_EXT_CONFIG_SPACE; /* nothing to switch on: Linux leaves it alone */
		return 0;
	}
	return -EPERM;
}

static int efer_write(struct vcpu *v, uint64_t value)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint64_t old = vmcb->save.efer;

	if (value & ~EFER_GUEST_WRITABLE)
		return -EPERM; /* reserved bits, and SVME */
	/* LME may not change while paging is on (AMD APM 14.6) */
	if ((value ^ old) & EFER_LME && vmcb->save.cr0 & (1ULL << 31))
		return -EPERM;
	vmcb->save.efer = (value & ~EFER_LMA) | (old & EFER_LMA) | EFER_SVME;
	v->arch.dirty |= VMCB_CLEAN_CR;
	return 0;
}

int msr_write(struct vcpu *v, uint32_t msr, uint64_t value)
{
	const struct msr_rule *rule = msr_rule_for(v->domain, msr);

	if (rule && rule->write == MSR_DROP)
		return 0;
	if (!rule || rule->write != MSR_EMULATE)
		return -EPERM;
	if (msr >= X2APIC_MSR_FIRST && msr <= X2APIC_MSR_LAST)
		return direct_lapic_x2apic_write(v, msr, value);
	switch (msr) {
	case MSR_EFER:
		return efer_write(v, value);
	case MSR_APIC_BASE:
		/* rewriting the current value is harmless; anything else is refused */
		return value == rdmsr(MSR_APIC_BASE) ? 0 : -EPERM;
	case MSR_PAT:
		if (!msr_pat_valid(value))
			return -EPERM;
		v->arch.vmcb->save.g_pat = value;
		v->arch.dirty |= VMCB_CLEAN_NP;
		return 0;
	}
	return -EPERM;
}
