/*
 * What a cpu-policy policy means: whether a SET buffer (cpu_policy_abi.h)
 * is one - every field checked - and what a rule does to a CPUID answer.
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
	CPU_POLICY_BAD_COUNT, /* no rule, or more than XL_CPU_POLICY_MAX_RULES */
	CPU_POLICY_BAD_SIZE, /* not the header and exactly nr_rules rules */
	CPU_POLICY_BAD_REG,
	CPU_POLICY_BAD_MASKS, /* or_mask outside and_mask */
	CPU_POLICY_HV_LEAF, /* one of the hypervisor's own leaves */
	CPU_POLICY_OVERLAP, /* a register two rules change */
};

/* What a problem means, in a few words ("" for CPU_POLICY_OK). */
const char *cpu_policy_problem_text(enum cpu_policy_problem p);

/* One rule alone: its register, its masks, its leaf. */
enum cpu_policy_problem cpu_rule_check(const struct xl_cpuid_rule *r);

/* Whether two rules change the same register for some leaf and subleaf. */
bool cpu_rules_overlap(const struct xl_cpuid_rule *a, const struct xl_cpuid_rule *b);

/*
 * Check the policy in buf[0, size) and copy its rules into
 * rules[0, XL_CPU_POLICY_MAX_RULES) (buf need not be aligned), their number
 * into *nr. CPU_POLICY_OK, or the first problem found with *bad the index
 * of the rule at fault (0 for the header's own problems).
 */
enum cpu_policy_problem cpu_policy_check(const void *buf, uint64_t size, struct xl_cpuid_rule *rules,
					 uint32_t *nr, uint32_t *bad);

/* Whether the rule applies to this leaf and subleaf. */
bool cpu_rule_matches(const struct xl_cpuid_rule *r, uint32_t leaf, uint32_t subleaf);

/* The rule applied to regs[XL_CPUID_EAX ... XL_CPUID_EDX] when it matches leaf and subleaf. */
void cpu_rule_apply(const struct xl_cpuid_rule *r, uint32_t leaf, uint32_t subleaf,
		    uint32_t regs[XL_CPUID_NR_REGS]);

#endif
