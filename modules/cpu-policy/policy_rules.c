/* What a cpu-policy policy means (see policy_rules.h). */
#include "policy_rules.h"

const char *cpu_policy_problem_text(enum cpu_policy_problem p)
{
	switch (p) {
	case CPU_POLICY_OK: return "";
	case CPU_POLICY_SHORT: return "shorter than its header";
	case CPU_POLICY_BAD_MAGIC: return "not a policy (magic)";
	case CPU_POLICY_BAD_VERSION: return "a format version this module does not know";
	case CPU_POLICY_BAD_RESERVED: return "a reserved field is not 0";
	case CPU_POLICY_BAD_COUNT: return "the number of CPUID rules is not 1 to 64 (0 to 64 with MSR rules)";
	case CPU_POLICY_BAD_SIZE: return "the size is not the header and its rules";
	case CPU_POLICY_BAD_REG: return "a register that is not eax, ebx, ecx or edx";
	case CPU_POLICY_BAD_MASKS: return "a bit forced to 1 that the rule also clears";
	case CPU_POLICY_HV_LEAF: return "a hypervisor leaf (0x40000000-0x400000ff)";
	case CPU_POLICY_OVERLAP: return "two rules change one register of one leaf";
	case CPU_POLICY_BAD_MSR_COUNT: return "the number of MSR rules is more than 32";
	case CPU_POLICY_EMPTY: return "no rule at all";
	case CPU_POLICY_MSR_BAD_ACTION: return "an MSR rule's action is not deny, read-only or mask";
	case CPU_POLICY_MSR_UNUSED_MASKS: return "a deny or read-only MSR rule with masks (they take none: 0)";
	case CPU_POLICY_MSR_BAD_MASKS: return "an MSR bit forced to 1 that the rule also clears";
	case CPU_POLICY_MSR_NO_CHANGE: return "an MSR mask rule that changes nothing";
	case CPU_POLICY_MSR_TWICE: return "two rules for one MSR";
	}
	return "unknown problem";
}

bool cpu_policy_problem_is_msr(enum cpu_policy_problem p)
{
	return p >= CPU_POLICY_MSR_BAD_ACTION && p <= CPU_POLICY_MSR_TWICE;
}

enum cpu_policy_problem cpu_rule_check(const struct xl_cpuid_rule *r)
{
	if (r->reg >= XL_CPUID_NR_REGS)
		return CPU_POLICY_BAD_REG;
	if (r->or_mask & ~r->and_mask)
		return CPU_POLICY_BAD_MASKS;
	if (r->leaf >= XL_CPUID_HV_FIRST && r->leaf <= XL_CPUID_HV_LAST)
		return CPU_POLICY_HV_LEAF;
	return CPU_POLICY_OK;
}

bool cpu_rules_overlap(const struct xl_cpuid_rule *a, const struct xl_cpuid_rule *b)
{
	return a->leaf == b->leaf && a->reg == b->reg &&
	       (a->subleaf == b->subleaf || a->subleaf == XL_CPUID_ANY_SUBLEAF ||
		b->subleaf == XL_CPUID_ANY_SUBLEAF);
}

enum cpu_policy_problem cpu_msr_rule_check(const struct xl_msr_rule *r)
{
	uint64_t and = cpu_msr_and(r), or = cpu_msr_or(r);

	switch (r->action) {
	case XL_MSR_DENY:
	case XL_MSR_READ_ONLY:
		/* one encoding per policy: masks they do not use are 0 */
		return and || or ? CPU_POLICY_MSR_UNUSED_MASKS : CPU_POLICY_OK;
	case XL_MSR_MASK:
		if (or & ~and)
			return CPU_POLICY_MSR_BAD_MASKS;
		return and == UINT64_MAX && !or ? CPU_POLICY_MSR_NO_CHANGE : CPU_POLICY_OK;
	default:
		return CPU_POLICY_MSR_BAD_ACTION;
	}
}

/* The header's own fields, and the size they imply. */
static enum cpu_policy_problem check_header(const struct xl_cpu_policy_header *h, uint64_t size)
{
	if (h->magic != XL_CPU_POLICY_MAGIC)
		return CPU_POLICY_BAD_MAGIC;
	if (h->version != XL_CPU_POLICY_VERSION_1 && h->version != XL_CPU_POLICY_VERSION)
		return CPU_POLICY_BAD_VERSION;
	if (h->version == XL_CPU_POLICY_VERSION_1) {
		if (h->nr_msr_rules)
			return CPU_POLICY_BAD_RESERVED;
		if (!h->nr_rules)
			return CPU_POLICY_BAD_COUNT;
	}
	if (h->nr_rules > XL_CPU_POLICY_MAX_RULES)
		return CPU_POLICY_BAD_COUNT;
	if (h->nr_msr_rules > XL_CPU_POLICY_MAX_MSR_RULES)
		return CPU_POLICY_BAD_MSR_COUNT;
	if (!h->nr_rules && !h->nr_msr_rules)
		return CPU_POLICY_EMPTY;
	if (size != XL_CPU_POLICY_SIZE2((uint64_t)h->nr_rules, (uint64_t)h->nr_msr_rules))
		return CPU_POLICY_BAD_SIZE;
	return CPU_POLICY_OK;
}

/* The MSR rules at bytes (after the CPUID rules), each checked and against those before it. */
static enum cpu_policy_problem check_msr_rules(const unsigned char *bytes, uint32_t n, struct xl_msr_rule *rules,
					       uint32_t *bad)
{
	enum cpu_policy_problem p = CPU_POLICY_OK;

	for (uint32_t i = 0; p == CPU_POLICY_OK && i < n; i++) {
		__builtin_memcpy(&rules[i], bytes + i * sizeof(rules[i]), sizeof(rules[i]));
		p = cpu_msr_rule_check(&rules[i]);
		for (uint32_t j = 0; p == CPU_POLICY_OK && j < i; j++)
			if (rules[i].msr == rules[j].msr)
				p = CPU_POLICY_MSR_TWICE;
		*bad = i;
	}
	return p;
}

enum cpu_policy_problem cpu_policy_check(const void *buf, uint64_t size, struct xl_cpuid_rule *rules,
					 uint32_t *nr, struct xl_msr_rule *msr_rules, uint32_t *nr_msr,
					 uint32_t *bad)
{
	const unsigned char *bytes = buf;
	struct xl_cpu_policy_header h;
	enum cpu_policy_problem p;

	*nr = 0;
	*nr_msr = 0;
	*bad = 0;
	if (size < sizeof(h))
		return CPU_POLICY_SHORT;
	/* copied, not cast: the buffer may come unaligned from anywhere */
	__builtin_memcpy(&h, bytes, sizeof(h));
	p = check_header(&h, size);
	for (uint32_t i = 0; p == CPU_POLICY_OK && i < h.nr_rules; i++) {
		__builtin_memcpy(&rules[i], bytes + XL_CPU_POLICY_SIZE(i), sizeof(rules[i]));
		p = cpu_rule_check(&rules[i]);
		for (uint32_t j = 0; p == CPU_POLICY_OK && j < i; j++)
			if (cpu_rules_overlap(&rules[i], &rules[j]))
				p = CPU_POLICY_OVERLAP;
		*bad = i;
	}
	if (p == CPU_POLICY_OK)
		p = check_msr_rules(bytes + XL_CPU_POLICY_SIZE(h.nr_rules), h.nr_msr_rules, msr_rules, bad);
	if (p == CPU_POLICY_OK) {
		*nr = h.nr_rules;
		*nr_msr = h.nr_msr_rules;
		*bad = 0;
	}
	return p;
}

bool cpu_rule_matches(const struct xl_cpuid_rule *r, uint32_t leaf, uint32_t subleaf)
{
	return r->leaf == leaf && (r->subleaf == XL_CPUID_ANY_SUBLEAF || r->subleaf == subleaf);
}

void cpu_rule_apply(const struct xl_cpuid_rule *r, uint32_t leaf, uint32_t subleaf,
		    uint32_t regs[XL_CPUID_NR_REGS])
{
	if (r->reg < XL_CPUID_NR_REGS && cpu_rule_matches(r, leaf, subleaf))
		regs[r->reg] = (regs[r->reg] & r->and_mask) | r->or_mask;
}

uint64_t cpu_msr_and(const struct xl_msr_rule *r)
{
	return (uint64_t)r->and_hi << 32 | r->and_lo;
}

uint64_t cpu_msr_or(const struct xl_msr_rule *r)
{
	return (uint64_t)r->or_hi << 32 | r->or_lo;
}

unsigned int cpu_msr_rule_needs(const struct xl_msr_rule *r)
{
	return r->action == XL_MSR_READ_ONLY ? CPU_MSR_NEEDS_WRITE : CPU_MSR_NEEDS_READ | CPU_MSR_NEEDS_WRITE;
}

bool cpu_msr_rule_read(const struct xl_msr_rule *r, uint64_t *value)
{
	switch (r->action) {
	case XL_MSR_READ_ONLY:
		return true;
	case XL_MSR_MASK:
		*value = (*value & cpu_msr_and(r)) | cpu_msr_or(r);
		return true;
	default: /* deny, and anything a checked rule cannot be */
		return false;
	}
}

bool cpu_msr_rule_write(const struct xl_msr_rule *r, uint64_t value)
{
	/* the forced bits: cleared (and 0) or set (or 1); each must be written as it reads */
	uint64_t forced = ~cpu_msr_and(r) | cpu_msr_or(r);

	return r->action == XL_MSR_MASK && !((value ^ cpu_msr_or(r)) & forced);
}
