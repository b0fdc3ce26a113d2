/*
 * What a cpu-policy policy means: whether a SET buffer (cpu_policy_abi.h)
 * is one - every field checked - and what a rule does to a CPUID answer
 * or to an RDMSR and WRMSR.
 * Plain C over the wire format, no hypervisor calls: the module, xl-lite
 * (which checks a policy before sending it and every GET answer) and the
 * host unit tests compile this same file.
 */
#ifndef POLICY_RULES_H
#define POLICY_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu_policy_abi.h"

enum cpu_policy_problem {
	CPU_POLICY_OK,
	CPU_POLICY_SHORT, /* smaller than the header */
	CPU_POLICY_BAD_MAGIC,
	CPU_POLICY_BAD_VERSION,
	CPU_POLICY_BAD_RESERVED,
	CPU_POLICY_BAD_COUNT, /* CPUID rules: none (version 1), or more than XL_CPU_POLICY_MAX_RULES */
	CPU_POLICY_BAD_SIZE, /* not the header and exactly its rules */
	CPU_POLICY_BAD_REG,
	CPU_POLICY_BAD_MASKS, /* or_mask outside and_mask */
	CPU_POLICY_HV_LEAF, /* one of the hypervisor's own leaves */
	CPU_POLICY_OVERLAP, /* a register two rules change */
	/* version 2 */
	CPU_POLICY_BAD_MSR_COUNT, /* more than XL_CPU_POLICY_MAX_MSR_RULES */
	CPU_POLICY_EMPTY, /* no rule at all */
	CPU_POLICY_MSR_BAD_ACTION,
	CPU_POLICY_MSR_UNUSED_MASKS, /* a deny or read-only rule with masks */
	CPU_POLICY_MSR_BAD_MASKS, /* or outside and */
	CPU_POLICY_MSR_NO_CHANGE, /* a mask rule that changes nothing */
	CPU_POLICY_MSR_TWICE, /* two rules for one MSR */
};

#define CPU_POLICY_LAST_PROBLEM CPU_POLICY_MSR_TWICE

/* Whether the problem is an MSR rule's (then a check's *bad indexes the MSR rules). */
bool cpu_policy_problem_is_msr(enum cpu_policy_problem p);

/* What a problem means, in a few words ("" for CPU_POLICY_OK). */
const char *cpu_policy_problem_text(enum cpu_policy_problem p);

/* One rule alone: its register, its masks, its leaf. */
enum cpu_policy_problem cpu_rule_check(const struct xl_cpuid_rule *r);

/* Whether two rules change the same register for some leaf and subleaf. */
bool cpu_rules_overlap(const struct xl_cpuid_rule *a, const struct xl_cpuid_rule *b);

/* One MSR rule alone: its action, its masks. */
enum cpu_policy_problem cpu_msr_rule_check(const struct xl_msr_rule *r);

/*
 * Check the policy in buf[0, size) (version 1 or 2; buf need not be
 * aligned) and copy its CPUID rules into rules[0, XL_CPU_POLICY_MAX_RULES),
 * their number into *nr, its MSR rules into
 * msr_rules[0, XL_CPU_POLICY_MAX_MSR_RULES), their number into *nr_msr.
 * CPU_POLICY_OK, or the first problem found with *bad the index of the rule
 * at fault among its kind (0 for the header's own problems).
 */
enum cpu_policy_problem cpu_policy_check(const void *buf, uint64_t size, struct xl_cpuid_rule *rules,
					 uint32_t *nr, struct xl_msr_rule *msr_rules, uint32_t *nr_msr,
					 uint32_t *bad);

/* Whether the rule applies to this leaf and subleaf. */
bool cpu_rule_matches(const struct xl_cpuid_rule *r, uint32_t leaf, uint32_t subleaf);

/* The rule applied to regs[XL_CPUID_EAX ... XL_CPUID_EDX] when it matches leaf and subleaf. */
void cpu_rule_apply(const struct xl_cpuid_rule *r, uint32_t leaf, uint32_t subleaf,
		    uint32_t regs[XL_CPUID_NR_REGS]);

/* An MSR rule's 64-bit masks. */
uint64_t cpu_msr_and(const struct xl_msr_rule *r);
uint64_t cpu_msr_or(const struct xl_msr_rule *r);

/*
 * Which of a domain's accesses of its MSR must reach the hypervisor for the
 * rule to hold: CPU_MSR_NEEDS_READ | CPU_MSR_NEEDS_WRITE. A deny needs
 * both, read-only the writes, a mask both (its reads to change them, its
 * writes so that forced bits cannot be written).
 */
#define CPU_MSR_NEEDS_READ 1u
#define CPU_MSR_NEEDS_WRITE 2u
unsigned int cpu_msr_rule_needs(const struct xl_msr_rule *r);

/* An RDMSR the core answered with *value, through the rule: false for #GP, else *value as the guest gets it. */
bool cpu_msr_rule_read(const struct xl_msr_rule *r, uint64_t *value);

/* A WRMSR of value, before the core: whether the rule lets it through (false: #GP). */
bool cpu_msr_rule_write(const struct xl_msr_rule *r, uint64_t value);

#endif
