/*
 * Fuzz the cpu-policy module's SET decoder (modules/cpu-policy/
 * policy_rules.c, cpu_policy_check()) - what a domain's policy is made of
 * from dom0's XL_MODULE_CALL buffer - and, for a buffer it accepts, the
 * table behind it (policy_table.c): SET takes it, GET answers exactly the
 * bytes SET took, each rule changes its register as its masks say and
 * nothing else, another domain is untouched.
 *
 * Input: the SET buffer, as the module gets it (copied to a heap block of
 * exactly its size, so a read past it is caught).
 */
#include <stdlib.h>
#include <string.h>

#include "../../modules/cpu-policy/policy_rules.h"
#include "../../modules/cpu-policy/policy_table.h"

#include "support.h"

static struct policy_table table;
static struct xl_cpuid_rule rules[XL_CPU_POLICY_MAX_RULES];

/* Each rule alone decides its register (no two overlap): exactly its masks' effect. */
static void check_rules(uint32_t nr, uint32_t from)
{
	for (uint32_t i = 0; i < nr; i++) {
		const struct xl_cpuid_rule *r = &rules[i];
		uint32_t sub = r->subleaf == XL_CPUID_ANY_SUBLEAF ? 0 : r->subleaf;
		uint32_t regs[XL_CPUID_NR_REGS] = { from, from, from, from };

		FUZZ_CHECK(policy_apply(&table, 7, r->leaf, sub, regs), "domain 7 has no policy");
		FUZZ_CHECK(regs[r->reg] == ((from & r->and_mask) | r->or_mask), "rule %u: %#x from %#x", i,
			   regs[r->reg], from);
		regs[0] = regs[1] = regs[2] = regs[3] = from;
		FUZZ_CHECK(!policy_apply(&table, 8, r->leaf, sub, regs) && regs[r->reg] == from,
			   "domain 8 touched");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *buf = malloc(size ? size : 1), out[XL_CPU_POLICY_MAX_SIZE];
	uint32_t nr = 0, bad = 0;
	enum cpu_policy_problem p;
	int64_t n;

	memcpy(buf, data, size);
	p = cpu_policy_check(buf, size, rules, &nr, &bad);
	if (p != CPU_POLICY_OK) {
		FUZZ_CHECK(!nr, "refused with %u rules", nr);
		FUZZ_CHECK(cpu_policy_problem_text(p)[0], "refused without a reason");
		free(buf);
		return 0;
	}
	FUZZ_CHECK(nr >= 1 && nr <= XL_CPU_POLICY_MAX_RULES && size == XL_CPU_POLICY_SIZE(nr),
		   "%u rules in %zu bytes", nr, size);
	memset(&table, 0, sizeof(table));
	FUZZ_CHECK(policy_set(&table, 7, rules, nr) == 0, "SET of a checked policy refused");
	n = policy_get(&table, 7, out, sizeof(out));
	FUZZ_CHECK(n == (int64_t)size && !memcmp(out, buf, size), "GET answers %lld bytes, not SET's %zu",
		   (long long)n, size);
	check_rules(nr, 0);
	check_rules(nr, 0xffffffffu);
	check_rules(nr, 0x5a5aa5a5u);
	free(buf);
	return 0;
}
