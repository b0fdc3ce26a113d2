/*
 * What guests see of the CPU: the CPUID policy, the MSR policy and the
 * XSETBV policy, as tables so that the whole policy can be read in one
 * place (emul/cpuid_policy.c, emul/msr_policy.c, emul/xcr0_policy.c). Any
 * vendor engine applies them: SVM builds its MSR permission map from the
 * tables (svm/svm_msrpm.c) and emulates the registers marked so (svm/svm_msr.c).
 */
#ifndef ARCH_GUEST_POLICY_H
#define ARCH_GUEST_POLICY_H

#include <arch/cpu.h>
#include <xen-lite/types.h>

struct domain;
struct vcpu;

/*
 * Adjust what the CPU returned for (leaf, subleaf) to what the guest may
 * see. guest_cr4 is needed for the OSXSAVE bit, which mirrors the guest's CR4.
 */
void cpuid_policy_apply(const struct domain *d, uint32_t leaf, uint32_t subleaf, uint64_t guest_cr4,
			struct cpuid_regs *r);

enum msr_action {
	MSR_DENY, /* intercepted; the guest gets #GP */
	MSR_PASS, /* not intercepted: the guest uses the real register, switched by VMLOAD/VMSAVE or harmless */
	MSR_EMULATE, /* intercepted and handled by msr_emulate_* */
	MSR_DROP, /* writes: intercepted and dropped, the guest sees success */
};

struct msr_rule {
	uint32_t msr, last; /* the MSRs msr..last: MSR1(m) for one, MSRS(first, last) for a range */
	enum msr_action read, write;
	const char *why;
};

#define MSR1(m) (m), (m)
#define MSRS(first, last) (first), (last)

const struct msr_rule *msr_rule_find(uint32_t msr); /* guests: not listed = denied */
const struct msr_rule *msr_rule_find_dom0(uint32_t msr); /* dom0: not listed = passed through */
/* Linux guests (direct_apic): the guests' table plus their local APIC's registers */
const struct msr_rule *msr_rule_find_direct_apic(uint32_t msr);
/* ... and on x2APIC CPUs: which x2APIC register writes pass or are emulated (others: #GP) */
const struct msr_rule *msr_rule_find_x2apic(uint32_t msr);
/* The rule for an MSR in the domain's policy (by its kind), or NULL: denied (dom0: passed). */
const struct msr_rule *msr_rule_for(const struct domain *d, uint32_t msr);

/* The tables themselves, for building a vendor's intercept bitmap. */
enum msr_table { MSR_TABLE_GUEST, MSR_TABLE_DOM0, MSR_TABLE_DIRECT_APIC, MSR_TABLE_X2APIC };
const struct msr_rule *msr_rule_table(enum msr_table table, unsigned int *count);

/* A guest PAT value: every entry a defined memory type. */
bool msr_pat_valid(uint64_t pat);

/* XSETBV: may a guest set XCR0 = value on a CPU that supports these components? */
bool xcr0_allowed(uint64_t value, uint64_t supported);

#endif
