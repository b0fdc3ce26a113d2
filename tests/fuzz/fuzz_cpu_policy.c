/*
 * Fuzz the cpu-policy module's SET decoder (modules/cpu-policy/
 * policy_rules.c, cpu_policy_check()) - what a domain's policy is made of
 * from dom0's XL_MODULE_CALL buffer, version 1 or 2 - and, for a buffer it
 * accepts, the table behind it (policy_table.c): SET takes it, GET answers
 * exactly the bytes SET took (version 1 for a version-2 policy without MSR
 * rules), each CPUID rule changes its register as its masks say and nothing
 * else, each MSR rule is found for its MSR and does what its action says
 * to reads and writes, another domain is untouched.
 *
 * Input: the SET buffer, as the module gets it (copied to a heap block of
 * exactly its size, so a read past it is caught).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/cpu-policy/policy_rules.h"
#include "../../modules/cpu-policy/policy_table.h"

#include "support.h"

static struct policy_table table;
static struct xl_cpuid_rule rules[XL_CPU_POLICY_MAX_RULES];
static struct xl_msr_rule msr[XL_CPU_POLICY_MAX_MSR_RULES];

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

/* Each MSR rule is the one found for its MSR; reads and writes as its action says. */
static void check_msr_rules(uint32_t nr, uint64_t from)
{
	for (uint32_t i = 0; i < nr; i++) {
		const struct xl_msr_rule *r = &msr[i];
		uint64_t and = cpu_msr_and(r), or = cpu_msr_or(r), v = from;
		struct xl_msr_rule found;
		bool read_ok;

		FUZZ_CHECK(policy_msr_rule(&table, 7, r->msr, &found) && !memcmp(&found, r, sizeof(found)),
			   "MSR rule %u not found as set", i);
		FUZZ_CHECK(!policy_msr_rule(&table, 8, r->msr, &found), "domain 8 has MSR %#x", r->msr);
		read_ok = cpu_msr_rule_read(&found, &v);
		FUZZ_CHECK(read_ok == (r->action != XL_MSR_DENY), "rule %u: read %d", i, read_ok);
		FUZZ_CHECK(r->action != XL_MSR_MASK || v == ((from & and) | or), "rule %u: read %#llx", i,
			   (unsigned long long)v);
		FUZZ_CHECK(r->action == XL_MSR_MASK || !read_ok || v == from, "rule %u changed a read", i);
		/* what a masked read gives is always writable back; a forced bit flipped never is */
		FUZZ_CHECK(cpu_msr_rule_write(&found, v) == (r->action == XL_MSR_MASK), "rule %u: write back", i);
		FUZZ_CHECK(r->action != XL_MSR_MASK || !cpu_msr_rule_write(&found, v ^ (~and | or)),
			   "rule %u: forced bits written", i);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *buf = malloc(size ? size : 1), out[XL_CPU_POLICY_MAX_SIZE];
	uint32_t nr = 0, nr_msr = 0, bad = 0, version;
	enum cpu_policy_problem p;
	int64_t n;

	memcpy(buf, data, size);
	p = cpu_policy_check(buf, size, rules, &nr, msr, &nr_msr, &bad);
	if (p != CPU_POLICY_OK) {
		FUZZ_CHECK(!nr && !nr_msr, "refused with %u rules", nr + nr_msr);
		FUZZ_CHECK(cpu_policy_problem_text(p)[0], "refused without a reason");
		free(buf);
		return 0;
	}
	FUZZ_CHECK(nr + nr_msr >= 1 && nr <= XL_CPU_POLICY_MAX_RULES && nr_msr <= XL_CPU_POLICY_MAX_MSR_RULES &&
		   size == XL_CPU_POLICY_SIZE2(nr, nr_msr), "%u + %u rules in %zu bytes", nr, nr_msr, size);
	memset(&table, 0, sizeof(table));
	FUZZ_CHECK(policy_set(&table, 7, rules, nr, msr, nr_msr) == 0, "SET of a checked policy refused");
	n = policy_get(&table, 7, out, sizeof(out));
	/* GET's version: 1 when there is no MSR rule (SET may have sent an empty version 2) */
	memcpy(&version, out + offsetof(struct xl_cpu_policy_header, version), sizeof(version));
	FUZZ_CHECK(version == (nr_msr ? XL_CPU_POLICY_VERSION : XL_CPU_POLICY_VERSION_1), "GET's version %u", version);
	memcpy(out + offsetof(struct xl_cpu_policy_header, version), buf + offsetof(struct xl_cpu_policy_header, version),
	       sizeof(version));
	FUZZ_CHECK(n == (int64_t)size && !memcmp(out, buf, size), "GET answers %lld bytes, not SET's %zu",
		   (long long)n, size);
	check_rules(nr, 0);
	check_rules(nr, 0xffffffffu);
	check_rules(nr, 0x5a5aa5a5u);
	check_msr_rules(nr_msr, 0);
	check_msr_rules(nr_msr, UINT64_MAX);
	check_msr_rules(nr_msr, 0x5a5aa5a5c3c3f00full);
	free(buf);
	return 0;
}
