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
	case CPU_POLICY_BAD_COUNT: return "the number of rules is not 1 to 64";
	case CPU_POLICY_BAD_SIZE: return "the size is not the header and its rules";
	case CPU_POLICY_BAD_REG: return "a register that is not eax, ebx, ecx or edx";
	case CPU_POLICY_BAD_MASKS: return "a bit forced to 1 that the rule also clears";
	case CPU_POLICY_HV_LEAF: return "a hypervisor leaf (0x40000000-0x400000ff)";
	case CPU_POLICY_OVERLAP: return "two rules change one register of one leaf";
	}
	return "unknown problem";
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

/* The header's own fields, and the size they imply. */
static enum cpu_policy_problem check_header(const struct xl_cpu_policy_header *h, uint64_t size)
{
	if (h->magic != XL_CPU_POLICY_MAGIC)
		return CPU_POLICY_BAD_MAGIC;
	if (h->version != XL_CPU_POLICY_VERSION)
		return CPU_POLICY_BAD_VERSION;
	if (h->reserved)
		return CPU_POLICY_BAD_RESERVED;
	if (!h->nr_rules || h->nr_rules > XL_CPU_POLICY_MAX_RULES)
		return CPU_POLICY_BAD_COUNT;
	if (size != XL_CPU_POLICY_SIZE((uint64_t)h->nr_rules))
		return CPU_POLICY_BAD_SIZE;
	return CPU_POLICY_OK;
}

enum cpu_policy_problem cpu_policy_check(const void *buf, uint64_t size, struct xl_cpuid_rule *rules,
					 uint32_t *nr, uint32_t *bad)
{
	const unsigned char *bytes = buf;
	struct xl_cpu_policy_header h;
	enum cpu_policy_problem p;

	*nr = 0;
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
		*nr = h.nr_rules;
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
