/*
 * What guests see of the CPU: the CPUID policy and the MSR policy, as
 * tables so that the whole policy can be read in one place
 * (arch/x86_64/cpuid_policy.c, arch/x86_64/msr_policy.c).
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
};

struct msr_rule {
	uint32_t msr;
	enum msr_action read, write;
	const char *why;
};

const struct msr_rule *msr_rule_find(uint32_t msr); /* guests: not listed = denied */
const struct msr_rule *msr_rule_find_dom0(uint32_t msr); /* dom0: not listed = passed through */
/* Linux guests (direct_apic): the guests' table plus their local APIC's registers */
const struct msr_rule *msr_rule_find_direct_apic(uint32_t msr);
/* ... and on x2APIC CPUs: which x2APIC register writes pass or are emulated (others: #GP) */
const struct msr_rule *msr_rule_find_x2apic(uint32_t msr);

/* XSETBV: may a guest set XCR0 = value on a CPU that supports these components? */
bool xcr0_allowed(uint64_t value, uint64_t supported);

/* Fill an 8 KiB MSR permission map from a table (set bits intercept). */
void msrpm_build(uint8_t *msrpm);
void msrpm_build_dom0(uint8_t *msrpm);
/* On a guest's map: also the direct_apic registers, and with x2apic the x2APIC MSRs. */
void msrpm_allow_direct_apic(uint8_t *msrpm, bool x2apic);

/* An x2APIC register write the table emulates (direct_lapic.c): 0 or -EPERM. */
int direct_lapic_x2apic_write(struct vcpu *v, uint32_t msr, uint64_t value);

/* Intercepted accesses: 0, or -EPERM when the guest must get #GP. */
int msr_read(struct vcpu *v, uint32_t msr, uint64_t *value);
int msr_write(struct vcpu *v, uint32_t msr, uint64_t value);

#endif
