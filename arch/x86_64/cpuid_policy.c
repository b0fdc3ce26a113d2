/* The CPUID policy for guests (see arch/guest_policy.h). */
#include <arch/guest_policy.h>
#include <xen-lite-abi.h>
#include <xen-lite/domain.h>

enum reg { EAX, EBX, ECX, EDX };

struct cpuid_mask {
	uint32_t leaf;
	enum reg reg;
	uint32_t clear;
	uint32_t set;
	bool guests_only; /* dom0 sees the real bit */
	const char *why;
};

#define BIT(n) (1u << (n))

static const struct cpuid_mask masks[] = {
	{ 1, ECX, BIT(5), 0, false, "VMX: guests cannot run a hypervisor" },
	{ 1, ECX, BIT(6), 0, false, "SMX: no trusted-execution mode" },
	{ 1, ECX, BIT(3), 0, false, "MONITOR/MWAIT: intercepted and refused (#UD)" },
	{ 1, ECX, BIT(21), 0, false,
	  "x2APIC: guests have no local APIC; dom0 shares CPU 0's with the hypervisor in xAPIC mode" },
	{ 1, ECX, BIT(24), 0, true, "TSC-deadline: guests have no local APIC yet" },
	{ 1, EDX, BIT(9), 0, true, "APIC: guests have no local APIC yet (dom0 drives its CPU's)" },
	{ 1, ECX, 0, BIT(31), false, "hypervisor present" },
	{ 0x80000001, ECX, BIT(2), 0, false, "SVM: guests cannot run a hypervisor" },
	{ 0x80000001, ECX, BIT(12), 0, false, "SKINIT: refused (#UD)" },
};

static uint32_t *reg_ptr(struct cpuid_regs *r, enum reg reg)
{
	switch (reg) {
	case EAX: return &r->eax;
	case EBX: return &r->ebx;
	case ECX: return &r->ecx;
	default: return &r->edx;
	}
}

static void hypervisor_leaves(const struct domain *d, uint32_t leaf, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ 0, 0, 0, 0 };
	if (leaf == XL_CPUID_BASE) {
		r->eax = XL_CPUID_MAX_LEAF;
		r->ebx = XL_CPUID_SIGNATURE_EBX;
		r->ecx = XL_CPUID_SIGNATURE_ECX;
		r->edx = XL_CPUID_SIGNATURE_EDX;
	} else if (leaf == XL_CPUID_VERSION_LEAF) {
		r->eax = XL_ABI_VERSION;
		r->ebx = XL_FEATURE_CONSOLE | XL_FEATURE_SHUTDOWN;
		r->ecx = d->id;
	}
}

void cpuid_policy_apply(const struct domain *d, uint32_t leaf, uint32_t subleaf, uint64_t guest_cr4,
			struct cpuid_regs *r)
{
	(void)subleaf;
	if ((leaf & 0xffffff00u) == XL_CPUID_BASE) {
		hypervisor_leaves(d, leaf, r);
		return;
	}
	if (leaf == 0x8000000A) { /* the SVM leaf: nothing to see */
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
		return;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(masks); i++) {
		if (masks[i].leaf != leaf || (masks[i].guests_only && d->privileged))
			continue;
		*reg_ptr(r, masks[i].reg) &= ~masks[i].clear;
		*reg_ptr(r, masks[i].reg) |= masks[i].set;
	}
	if (leaf == 1) {
		/* OSXSAVE mirrors the guest's CR4, not the host's */
		r->ecx &= ~BIT(27);
		if (guest_cr4 & (1ULL << 18))
			r->ecx |= BIT(27);
	}
}
