/* The CPUID policy for guests (see arch/guest_policy.h). */
#include <arch/guest_policy.h>
#include <xen-lite-abi.h>
#include <xen-lite/domain.h>

enum reg { EAX, EBX, ECX, EDX };

/* Whom a mask applies to. */
enum hidden_from {
	ALL, /* dom0 too */
	GUESTS, /* every domain but dom0 */
	NO_APIC, /* domains that do not drive a local APIC (ELF guests) */
	NO_X2APIC, /* domains whose CPUs do not run in x2APIC mode (all but Linux guests on x2APIC CPUs) */
};

struct cpuid_mask {
	uint32_t leaf;
	enum reg reg;
	uint32_t clear;
	uint32_t set;
	enum hidden_from who;
	const char *why;
};

#define BIT(n) (1u << (n))

static const struct cpuid_mask masks[] = {
	{ 1, ECX, BIT(5), 0, ALL, "VMX: guests cannot run a hypervisor" },
	{ 1, ECX, BIT(6), 0, ALL, "SMX: no trusted-execution mode" },
	{ 1, ECX, BIT(3), 0, ALL, "MONITOR/MWAIT: intercepted and refused (#UD)" },
	{ 1, ECX, BIT(21), 0, NO_X2APIC,
	  "x2APIC: ELF guests have no local APIC; dom0 shares CPU 0's with the hypervisor in xAPIC mode" },
	{ 1, ECX, BIT(24), 0, NO_APIC, "TSC-deadline: ELF guests have no local APIC" },
	{ 1, EDX, BIT(9), 0, NO_APIC,
	  "APIC: ELF guests have no local APIC (dom0 and Linux guests drive their CPUs')" },
	{ 1, EDX, BIT(12), 0, GUESTS,
	  "MTRR: guests' memory types come from their PAT; the ranges are the host's" },
	{ 1, ECX, 0, BIT(31), ALL, "hypervisor present" },
	{ 1, EDX, BIT(7) | BIT(14), 0, ALL, "MCE/MCA: machine checks are the hypervisor's, dom0's too" },
	{ 7, ECX, BIT(16), 0, ALL, "LA57: the hypervisor walks 4-level guest page tables only" },
	{ 7, EBX, BIT(12) | BIT(15), 0, GUESTS, "PQM/PQE (RDT): their MSRs are the host's" },
	{ 7, EDX, BIT(26) | BIT(27) | BIT(31), 0, GUESTS,
	  "IBRS/IBPB, STIBP, SSBD: their MSRs (SPEC_CTRL, PRED_CMD) are refused for guests" },
	{ 0x80000001, ECX, BIT(2), 0, ALL, "SVM: guests cannot run a hypervisor" },
	{ 0x80000001, ECX, BIT(12), 0, ALL, "SKINIT: refused (#UD)" },
	{ 0x80000001, ECX, BIT(29), 0, ALL, "MONITORX/MWAITX: intercepted with MONITOR/MWAIT, refused (#UD)" },
	{ 0x80000001, ECX, BIT(10) | BIT(13) | BIT(15) | BIT(17), 0, GUESTS,
	  "IBS, watchdog timer, LWP, TCE: their MSRs and EFER.TCE are refused for guests" },
	{ 0x80000001, ECX, BIT(23) | BIT(24) | BIT(26) | BIT(27) | BIT(28), 0, GUESTS,
	  "performance counters, data breakpoint extensions, PTSC: their MSRs are refused for guests" },
	{ 0x80000008, EBX, BIT(4), 0, GUESTS, "RDPRU: intercepted and refused (#UD)" },
	{ 0x80000008, EBX, BIT(12) | BIT(14) | BIT(15) | BIT(16) | BIT(17) | BIT(18) | BIT(24) | BIT(25),
	  0, GUESTS, "IBPB, IBRS, STIBP, SSBD and their variants: their MSRs are refused for guests" },
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
	if (leaf == 0xA && !d->privileged) { /* Intel's performance monitoring: none for guests */
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
		return;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(masks); i++) {
		if (masks[i].leaf != leaf || (masks[i].who == GUESTS && d->privileged) ||
		    (masks[i].who == NO_APIC && (d->direct_apic || d->privileged)) ||
		    (masks[i].who == NO_X2APIC && d->arch.x2apic))
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
