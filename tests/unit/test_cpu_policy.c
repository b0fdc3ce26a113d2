/*
 * Host tests for the cpu-policy module's pure parts (modules/cpu-policy/):
 * every check of a SET buffer (policy_rules.c), version 1 and 2, what a
 * rule does to a CPUID answer and an MSR rule to an RDMSR and a WRMSR, the
 * per-domain table (policy_table.c): set, replace, clear, GET's answer, 64
 * domains and the 65th, unknown domains left alone, and the latch's
 * publication seen by a single thread - a reader uses the copy the sequence
 * number names, so a copy half-written by a writer is never read, and a
 * slot that changed owner is never applied; the MSR hooks and the check
 * that a rule's MSR reaches the hypervisor (policy_msr.c), against a fake
 * xl_domain_msr_exits.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../modules/cpu-policy/policy_msr.h"
#include "../../modules/cpu-policy/policy_rules.h"
#include "../../modules/cpu-policy/policy_table.h"
#include "log_capture.h"
#include <xen-lite/module.h> /* xl_domain_msr_exits, faked below */

#define BIT(n) (1u << (n))
#define ALL 0xffffffffu

static struct xl_cpuid_rule rule(uint32_t leaf, uint32_t subleaf, uint32_t reg, uint32_t and_mask,
				 uint32_t or_mask)
{
	return (struct xl_cpuid_rule){ leaf, subleaf, reg, and_mask, or_mask };
}

/* A SET buffer of n rules; extra bytes after it. */
struct wire {
	unsigned char bytes[XL_CPU_POLICY_MAX_SIZE + 64];
	uint64_t size;
};

static void build(struct wire *w, const struct xl_cpuid_rule *rules, uint32_t n)
{
	struct xl_cpu_policy_header h = { XL_CPU_POLICY_MAGIC, XL_CPU_POLICY_VERSION_1, n, 0 };

	memset(w, 0, sizeof(*w));
	memcpy(w->bytes, &h, sizeof(h));
	memcpy(w->bytes + sizeof(h), rules, n * sizeof(*rules));
	w->size = XL_CPU_POLICY_SIZE(n);
}

static void set_header_field(struct wire *w, size_t offset, uint32_t value)
{
	memcpy(w->bytes + offset, &value, sizeof(value));
}

static enum cpu_policy_problem check_wire(const struct wire *w, uint32_t *bad)
{
	static struct xl_cpuid_rule out[XL_CPU_POLICY_MAX_RULES];
	static struct xl_msr_rule msr[XL_CPU_POLICY_MAX_MSR_RULES];
	uint32_t nr = 99, nr_msr = 99;
	enum cpu_policy_problem p = cpu_policy_check(w->bytes, w->size, out, &nr, msr, &nr_msr, bad);

	if (p != CPU_POLICY_OK) {
		assert_int_equal(nr, 0);
		assert_int_equal(nr_msr, 0);
	}
	return p;
}

static void test_rule_checks(void **state)
{
	struct xl_cpuid_rule r = rule(1, XL_CPUID_ANY_SUBLEAF, XL_CPUID_ECX, ~BIT(20), 0);

	assert_int_equal(cpu_rule_check(&r), CPU_POLICY_OK);
	r.reg = 4;
	assert_int_equal(cpu_rule_check(&r), CPU_POLICY_BAD_REG);
	r = rule(1, 0, XL_CPUID_EDX, ~BIT(3), BIT(3)); /* bit 3 cleared and forced to 1 */
	assert_int_equal(cpu_rule_check(&r), CPU_POLICY_BAD_MASKS);
	r = rule(1, 0, XL_CPUID_EDX, ALL, BIT(3));
	assert_int_equal(cpu_rule_check(&r), CPU_POLICY_OK);
	r = rule(XL_CPUID_HV_FIRST, 0, XL_CPUID_EAX, 0, 0);
	assert_int_equal(cpu_rule_check(&r), CPU_POLICY_HV_LEAF);
	r.leaf = XL_CPUID_HV_LAST;
	assert_int_equal(cpu_rule_check(&r), CPU_POLICY_HV_LEAF);
	r.leaf = XL_CPUID_HV_LAST + 1;
	assert_int_equal(cpu_rule_check(&r), CPU_POLICY_OK);
	r.leaf = XL_CPUID_HV_FIRST - 1;
	assert_int_equal(cpu_rule_check(&r), CPU_POLICY_OK);
	for (int p = CPU_POLICY_SHORT; p <= CPU_POLICY_LAST_PROBLEM; p++)
		assert_true(strlen(cpu_policy_problem_text((enum cpu_policy_problem)p)) > 5);
	assert_string_equal(cpu_policy_problem_text(CPU_POLICY_OK), "");
}

static void test_overlap(void **state)
{
	struct xl_cpuid_rule a = rule(7, 0, XL_CPUID_EBX, ALL, 0), b = a;

	assert_true(cpu_rules_overlap(&a, &b));
	b.subleaf = 1;
	assert_false(cpu_rules_overlap(&a, &b)); /* another subleaf */
	b.subleaf = XL_CPUID_ANY_SUBLEAF;
	assert_true(cpu_rules_overlap(&a, &b)); /* every subleaf covers 0 */
	assert_true(cpu_rules_overlap(&b, &a));
	b.reg = XL_CPUID_ECX;
	assert_false(cpu_rules_overlap(&a, &b)); /* another register */
	b = a;
	b.leaf = 0x80000007u;
	assert_false(cpu_rules_overlap(&a, &b));
}

static void test_policy_check_header(void **state)
{
	struct xl_cpuid_rule r[2] = { rule(1, XL_CPUID_ANY_SUBLEAF, XL_CPUID_ECX, ~BIT(20), 0),
				      rule(7, 0, XL_CPUID_EBX, ~BIT(5), 0) };
	struct wire w;
	uint32_t bad;

	build(&w, r, 2);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_OK);
	w.size = sizeof(struct xl_cpu_policy_header) - 1;
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_SHORT);
	w.size = 0;
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_SHORT);
	build(&w, r, 2);
	set_header_field(&w, offsetof(struct xl_cpu_policy_header, magic), 0x12345678);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_MAGIC);
	build(&w, r, 2);
	set_header_field(&w, offsetof(struct xl_cpu_policy_header, version), 3);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_VERSION);
	set_header_field(&w, offsetof(struct xl_cpu_policy_header, version), 0);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_VERSION);
	/* version 2 without MSR rules is version 1's policy */
	set_header_field(&w, offsetof(struct xl_cpu_policy_header, version), XL_CPU_POLICY_VERSION);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_OK);
	/* version 1's reserved field (version 2's MSR count) is 0 */
	build(&w, r, 2);
	set_header_field(&w, offsetof(struct xl_cpu_policy_header, nr_msr_rules), 1);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_RESERVED);
	/* the count: none, too many, and one that does not match the size */
	build(&w, r, 2);
	set_header_field(&w, offsetof(struct xl_cpu_policy_header, nr_rules), 0);
	w.size = XL_CPU_POLICY_SIZE(0);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_COUNT);
	set_header_field(&w, offsetof(struct xl_cpu_policy_header, nr_rules), XL_CPU_POLICY_MAX_RULES + 1);
	w.size = XL_CPU_POLICY_SIZE(XL_CPU_POLICY_MAX_RULES + 1);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_COUNT);
	set_header_field(&w, offsetof(struct xl_cpu_policy_header, nr_rules), UINT32_MAX);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_COUNT);
	build(&w, r, 2);
	w.size++;
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_SIZE);
	w.size -= 2;
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_SIZE);
	set_header_field(&w, offsetof(struct xl_cpu_policy_header, nr_rules), 1);
	w.size = XL_CPU_POLICY_SIZE(2); /* one rule announced, two sent */
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_SIZE);
}

static void test_policy_check_rules(void **state)
{
	struct xl_cpuid_rule r[XL_CPU_POLICY_MAX_RULES], out[XL_CPU_POLICY_MAX_RULES];
	struct xl_msr_rule msr[XL_CPU_POLICY_MAX_MSR_RULES];
	unsigned char *unaligned = malloc(XL_CPU_POLICY_MAX_SIZE + 1);
	uint32_t nr, nr_msr, bad;
	struct wire w;

	assert_non_null(unaligned);
	/* the most rules, every one different, from an odd address */
	for (uint32_t i = 0; i < XL_CPU_POLICY_MAX_RULES; i++)
		r[i] = rule(0x80000000u + i / 4, XL_CPUID_ANY_SUBLEAF, i % 4, ~BIT(i % 32), BIT((i + 1) % 32) & ~BIT(i % 32));
	build(&w, r, XL_CPU_POLICY_MAX_RULES);
	memcpy(unaligned + 1, w.bytes, w.size);
	assert_int_equal(cpu_policy_check(unaligned + 1, w.size, out, &nr, msr, &nr_msr, &bad), CPU_POLICY_OK);
	assert_int_equal(nr, XL_CPU_POLICY_MAX_RULES);
	assert_memory_equal(out, r, sizeof(r));
	free(unaligned);
	/* each bad rule is named by its index */
	r[2].reg = 7;
	build(&w, r, 5);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_REG);
	assert_int_equal(bad, 2);
	r[2].reg = XL_CPUID_ECX; /* back to its own */
	r[3].or_mask = BIT(3);
	r[3].and_mask = ~BIT(3);
	build(&w, r, 5);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_MASKS);
	assert_int_equal(bad, 3);
	r[3].and_mask = ALL;
	r[4].leaf = 0x40000001u;
	build(&w, r, 5);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_HV_LEAF);
	assert_int_equal(bad, 4);
	r[4] = r[1];
	r[4].subleaf = 3; /* r[1] is for every subleaf of its leaf */
	build(&w, r, 5);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_OVERLAP);
	assert_int_equal(bad, 4);
}

static void test_rule_apply(void **state)
{
	/* bit 20 forced to 0, bit 2 forced to 1, the rest kept */
	struct xl_cpuid_rule r = rule(1, XL_CPUID_ANY_SUBLEAF, XL_CPUID_ECX, ~BIT(20), BIT(2));
	uint32_t regs[4] = { 0x11, 0x22, BIT(20) | BIT(19), 0x44 };

	cpu_rule_apply(&r, 1, 5, regs);
	assert_int_equal(regs[XL_CPUID_ECX], BIT(19) | BIT(2));
	assert_int_equal(regs[XL_CPUID_EAX], 0x11);
	assert_int_equal(regs[XL_CPUID_EBX], 0x22);
	assert_int_equal(regs[XL_CPUID_EDX], 0x44);
	/* another leaf: untouched */
	regs[XL_CPUID_ECX] = ALL;
	cpu_rule_apply(&r, 0x80000001u, 0, regs);
	assert_int_equal(regs[XL_CPUID_ECX], ALL);
	/* a subleaf rule: only that subleaf */
	r = rule(7, 0, XL_CPUID_EBX, 0, 0);
	regs[XL_CPUID_EBX] = ALL;
	cpu_rule_apply(&r, 7, 1, regs);
	assert_int_equal(regs[XL_CPUID_EBX], ALL);
	cpu_rule_apply(&r, 7, 0, regs);
	assert_int_equal(regs[XL_CPUID_EBX], 0);
	assert_true(cpu_rule_matches(&r, 7, 0));
	assert_false(cpu_rule_matches(&r, 7, 1));
	assert_false(cpu_rule_matches(&r, 6, 0));
}

/* ---- the table ---- */

static struct policy_table *table;

static int new_table(void **state)
{
	table = calloc(1, sizeof(*table));
	return table ? 0 : -1;
}

static int free_table(void **state)
{
	free(table);
	return 0;
}

/* CPUID leaf 1 ECX of domain d through the table, from an answer of all ones */
static uint32_t leaf1_ecx(uint32_t d, bool *had)
{
	uint32_t regs[4] = { ALL, ALL, ALL, ALL };

	*had = policy_apply(table, d, 1, 0, regs);
	return regs[XL_CPUID_ECX];
}

static void test_table_set_apply_get(void **state)
{
	struct xl_cpuid_rule r[2] = { rule(1, XL_CPUID_ANY_SUBLEAF, XL_CPUID_ECX, ~(BIT(20) | BIT(28)), 0),
				      rule(7, 0, XL_CPUID_EBX, ALL, 0) };
	unsigned char buf[XL_CPU_POLICY_MAX_SIZE];
	struct xl_cpuid_rule back[XL_CPU_POLICY_MAX_RULES];
	struct xl_msr_rule msr[XL_CPU_POLICY_MAX_MSR_RULES];
	uint32_t nr, nr_msr, bad;
	bool had;

	/* no policy: untouched */
	assert_int_equal(leaf1_ecx(3, &had), ALL);
	assert_false(had);
	assert_int_equal(policy_get(table, 3, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(policy_set(table, 3, r, 2, NULL, 0), 0);
	assert_int_equal(leaf1_ecx(3, &had), ~(BIT(20) | BIT(28)));
	assert_true(had);
	/* another domain is not touched */
	assert_int_equal(leaf1_ecx(4, &had), ALL);
	assert_false(had);
	/* GET gives back what SET took, in the format SET takes */
	assert_int_equal(policy_get(table, 3, buf, sizeof(buf)), XL_CPU_POLICY_SIZE(2));
	assert_int_equal(cpu_policy_check(buf, XL_CPU_POLICY_SIZE(2), back, &nr, msr, &nr_msr, &bad), CPU_POLICY_OK);
	assert_int_equal(nr_msr, 0);
	assert_int_equal(((struct xl_cpu_policy_header *)buf)->version, XL_CPU_POLICY_VERSION_1);
	assert_int_equal(nr, 2);
	assert_memory_equal(back, r, sizeof(r));
	/* a buffer one byte short, or only the header: -ENOSPC */
	assert_int_equal(policy_get(table, 3, buf, XL_CPU_POLICY_SIZE(2) - 1), -ENOSPC);
	assert_int_equal(policy_get(table, 3, buf, sizeof(struct xl_cpu_policy_header)), -ENOSPC);
	assert_int_equal(policy_get(table, 3, buf, XL_CPU_POLICY_SIZE(2)), XL_CPU_POLICY_SIZE(2));
	/* replaced by a shorter one: the old rules are gone */
	r[0] = rule(1, XL_CPUID_ANY_SUBLEAF, XL_CPUID_ECX, ALL, BIT(2));
	assert_int_equal(policy_set(table, 3, r, 1, NULL, 0), 0);
	assert_int_equal(leaf1_ecx(3, &had), ALL);
	assert_int_equal(policy_get(table, 3, buf, sizeof(buf)), XL_CPU_POLICY_SIZE(1));
	/* cleared: the core's answers again, and once only */
	assert_int_equal(policy_clear(table, 3), 0);
	assert_int_equal(leaf1_ecx(3, &had), ALL);
	assert_false(had);
	assert_int_equal(policy_clear(table, 3), -ENOENT);
	assert_int_equal(policy_get(table, 3, buf, sizeof(buf)), -ENOENT);
}

static void test_table_full(void **state)
{
	struct xl_cpuid_rule r = rule(1, XL_CPUID_ANY_SUBLEAF, XL_CPUID_ECX, 0, 0);
	unsigned int cursor = 0, seen = 0;
	uint32_t d;
	bool had;

	for (uint32_t i = 0; i < XL_CPU_POLICY_MAX_DOMAINS; i++) {
		r.or_mask = r.and_mask = i; /* each its own: the domain's number */
		assert_int_equal(policy_set(table, 100 + i, &r, 1, NULL, 0), 0);
	}
	assert_int_equal(policy_set(table, 99, &r, 1, NULL, 0), -ENOSPC);
	/* a domain that has one can still replace it */
	r.and_mask = r.or_mask = 7;
	assert_int_equal(policy_set(table, 100, &r, 1, NULL, 0), 0);
	assert_int_equal(leaf1_ecx(100, &had), 7);
	for (uint32_t i = 1; i < XL_CPU_POLICY_MAX_DOMAINS; i++)
		assert_int_equal(leaf1_ecx(100 + i, &had), i);
	while (policy_next_domain(table, &cursor, &d)) {
		assert_true(d >= 100 && d < 100 + XL_CPU_POLICY_MAX_DOMAINS);
		seen++;
	}
	assert_int_equal(seen, XL_CPU_POLICY_MAX_DOMAINS);
	/* one gone (destroyed): its slot takes the next domain, which starts from its own policy */
	assert_int_equal(policy_clear(table, 130), 0);
	r.and_mask = r.or_mask = 0x99;
	assert_int_equal(policy_set(table, 99, &r, 1, NULL, 0), 0);
	assert_int_equal(leaf1_ecx(99, &had), 0x99);
	assert_false(policy_apply(table, 130, 1, 0, (uint32_t[4]){ 0 }));
	/* the largest ids are ids like any other (the key is id + 1) */
	assert_int_equal(policy_clear(table, 99), 0);
	assert_int_equal(policy_set(table, UINT32_MAX, &r, 1, NULL, 0), 0);
	assert_int_equal(leaf1_ecx(UINT32_MAX, &had), 0x99);
	assert_int_equal(leaf1_ecx(0, &had), ALL);
	assert_false(had);
}

static struct policy_slot *slot_of(uint32_t domain)
{
	for (unsigned int i = 0; i < XL_CPU_POLICY_MAX_DOMAINS; i++)
		if (table->slot[i].owner == (uint64_t)domain + 1)
			return &table->slot[i];
	return NULL;
}

/*
 * The latch as one thread sees it: after a SET both copies hold the policy
 * and the number is even; half-way through a writer's work (the number
 * bumped, the copy it left being rewritten) a reader gets the other copy,
 * whole; a slot that has gone to another domain is not applied.
 */
static void test_latch(void **state)
{
	struct xl_cpuid_rule old = rule(1, XL_CPUID_ANY_SUBLEAF, XL_CPUID_ECX, ~BIT(20), 0);
	struct policy_slot *s;
	uint32_t seq;
	bool had;

	assert_int_equal(policy_set(table, 5, &old, 1, NULL, 0), 0);
	s = slot_of(5);
	assert_non_null(s);
	seq = s->seq;
	assert_int_equal(seq % 2, 0);
	assert_int_equal(s->copy[0].nr_rules, 1);
	assert_memory_equal(&s->copy[0], &s->copy[1], sizeof(s->copy[0]));
	/* a second SET bumps twice more, each copy rewritten once */
	assert_int_equal(policy_set(table, 5, &old, 1, NULL, 0), 0);
	assert_int_equal(s->seq, seq + 2);
	/* a writer's first half: the number bumped, copy[seq & 1] half rewritten (garbage) */
	s->seq = seq + 1;
	s->copy[seq & 1].nr_rules = 1;
	s->copy[seq & 1].rule[0] = rule(1, XL_CPUID_ANY_SUBLEAF, XL_CPUID_ECX, 0, 0);
	assert_int_equal(leaf1_ecx(5, &had), ~BIT(20)); /* the old policy, whole */
	/* its second half: the number bumped again, the other copy being rewritten */
	s->copy[seq & 1].rule[0] = rule(1, XL_CPUID_ANY_SUBLEAF, XL_CPUID_ECX, ~BIT(3), 0);
	s->seq = seq + 2;
	s->copy[(seq + 1) & 1].rule[0] = rule(1, XL_CPUID_ANY_SUBLEAF, XL_CPUID_ECX, 0x1234, 0);
	assert_int_equal(leaf1_ecx(5, &had), ~BIT(3)); /* the new policy, whole */
	/* the slot taken by another domain meanwhile: not domain 5's to apply */
	s->owner = 6 + 1;
	assert_int_equal(leaf1_ecx(5, &had), ALL);
	assert_false(had);
	assert_int_equal(leaf1_ecx(6, &had), ~BIT(3));
	/* a count beyond the copy (never written so) is bounded */
	s->copy[seq & 1].nr_rules = 1000;
	assert_int_equal(leaf1_ecx(6, &had), ~BIT(3));
	assert_true(had);
}

/* ---- MSR rules ---- */

#define EFER 0xc0000080u
#define NB_CFG 0xc001001fu
#define FS_BASE 0xc0000100u
#define NXE (1ull << 11)

static struct xl_msr_rule msr_rule(uint32_t msr, uint32_t action, uint64_t and, uint64_t or)
{
	return (struct xl_msr_rule){ msr, action, (uint32_t)and, (uint32_t)(and >> 32), (uint32_t)or,
				     (uint32_t)(or >> 32) };
}

/* A version-2 SET buffer: n CPUID rules, then m MSR rules. */
static void build2(struct wire *w, const struct xl_cpuid_rule *rules, uint32_t n, const struct xl_msr_rule *msr,
		   uint32_t m)
{
	struct xl_cpu_policy_header h = { XL_CPU_POLICY_MAGIC, XL_CPU_POLICY_VERSION, n, m };

	memset(w, 0, sizeof(*w));
	memcpy(w->bytes, &h, sizeof(h));
	if (n)
		memcpy(w->bytes + sizeof(h), rules, n * sizeof(*rules));
	if (m)
		memcpy(w->bytes + XL_CPU_POLICY_SIZE(n), msr, m * sizeof(*msr));
	w->size = XL_CPU_POLICY_SIZE2(n, m);
}

static void test_msr_rule_checks(void **state)
{
	struct xl_msr_rule r = msr_rule(NB_CFG, XL_MSR_DENY, 0, 0);

	assert_int_equal(cpu_msr_rule_check(&r), CPU_POLICY_OK);
	r.action = XL_MSR_READ_ONLY;
	assert_int_equal(cpu_msr_rule_check(&r), CPU_POLICY_OK);
	r.action = XL_MSR_NR_ACTIONS;
	assert_int_equal(cpu_msr_rule_check(&r), CPU_POLICY_MSR_BAD_ACTION);
	r.action = UINT32_MAX;
	assert_int_equal(cpu_msr_rule_check(&r), CPU_POLICY_MSR_BAD_ACTION);
	/* deny and read-only take no masks: any bit of any half refused */
	r = msr_rule(NB_CFG, XL_MSR_DENY, 1ull << 40, 0);
	assert_int_equal(cpu_msr_rule_check(&r), CPU_POLICY_MSR_UNUSED_MASKS);
	r = msr_rule(NB_CFG, XL_MSR_READ_ONLY, 0, 1);
	assert_int_equal(cpu_msr_rule_check(&r), CPU_POLICY_MSR_UNUSED_MASKS);
	/* a mask: or within and, in either half; and something changed */
	r = msr_rule(EFER, XL_MSR_MASK, ~NXE, 0);
	assert_int_equal(cpu_msr_rule_check(&r), CPU_POLICY_OK);
	r = msr_rule(EFER, XL_MSR_MASK, ~NXE, NXE);
	assert_int_equal(cpu_msr_rule_check(&r), CPU_POLICY_MSR_BAD_MASKS);
	r = msr_rule(EFER, XL_MSR_MASK, UINT32_MAX, 1ull << 63);
	assert_int_equal(cpu_msr_rule_check(&r), CPU_POLICY_MSR_BAD_MASKS);
	r = msr_rule(EFER, XL_MSR_MASK, UINT64_MAX, 1ull << 63);
	assert_int_equal(cpu_msr_rule_check(&r), CPU_POLICY_OK);
	r = msr_rule(EFER, XL_MSR_MASK, UINT64_MAX, 0);
	assert_int_equal(cpu_msr_rule_check(&r), CPU_POLICY_MSR_NO_CHANGE);
	assert_int_equal(cpu_msr_and(&r), UINT64_MAX);
	assert_true(cpu_policy_problem_is_msr(CPU_POLICY_MSR_TWICE));
	assert_true(cpu_policy_problem_is_msr(CPU_POLICY_MSR_BAD_ACTION));
	assert_false(cpu_policy_problem_is_msr(CPU_POLICY_OVERLAP));
	assert_false(cpu_policy_problem_is_msr(CPU_POLICY_BAD_MSR_COUNT)); /* the header's */
}

static void test_policy_check_v2(void **state)
{
	struct xl_cpuid_rule c = rule(1, XL_CPUID_ANY_SUBLEAF, XL_CPUID_ECX, ~BIT(20), 0), cout[1];
	struct xl_msr_rule m[XL_CPU_POLICY_MAX_MSR_RULES + 1], mout[XL_CPU_POLICY_MAX_MSR_RULES];
	unsigned char *unaligned = malloc(XL_CPU_POLICY_MAX_SIZE + 1);
	uint32_t nr, nr_msr, bad;
	struct wire w;

	assert_non_null(unaligned);
	for (uint32_t i = 0; i <= XL_CPU_POLICY_MAX_MSR_RULES; i++)
		m[i] = msr_rule(0xc0010000u + i, i % 3, i % 3 == XL_MSR_MASK ? ~(uint64_t)i : 0, 0);
	/* MSR rules alone, the most of them, from an odd address */
	build2(&w, NULL, 0, m, XL_CPU_POLICY_MAX_MSR_RULES);
	memcpy(unaligned + 1, w.bytes, w.size);
	assert_int_equal(cpu_policy_check(unaligned + 1, w.size, cout, &nr, mout, &nr_msr, &bad), CPU_POLICY_OK);
	assert_int_equal(nr, 0);
	assert_int_equal(nr_msr, XL_CPU_POLICY_MAX_MSR_RULES);
	assert_memory_equal(mout, m, sizeof(mout));
	free(unaligned);
	/* both kinds */
	build2(&w, &c, 1, m, 3);
	assert_int_equal(cpu_policy_check(w.bytes, w.size, cout, &nr, mout, &nr_msr, &bad), CPU_POLICY_OK);
	assert_int_equal(nr, 1);
	assert_int_equal(nr_msr, 3);
	assert_memory_equal(&cout[0], &c, sizeof(c));
	assert_memory_equal(mout, m, 3 * sizeof(m[0]));
	/* the counts: none at all, one MSR rule too many, a size one rule short or long */
	build2(&w, NULL, 0, NULL, 0);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_EMPTY);
	build2(&w, NULL, 0, m, XL_CPU_POLICY_MAX_MSR_RULES + 1);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_MSR_COUNT);
	build2(&w, &c, 1, m, 3);
	w.size -= sizeof(struct xl_msr_rule);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_SIZE);
	w.size += 2 * sizeof(struct xl_msr_rule);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_SIZE);
	set_header_field(&w, offsetof(struct xl_cpu_policy_header, nr_msr_rules), UINT32_MAX);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_MSR_COUNT);
	/* version 1 still needs a CPUID rule */
	build2(&w, NULL, 0, m, 1);
	set_header_field(&w, offsetof(struct xl_cpu_policy_header, version), XL_CPU_POLICY_VERSION_1);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_RESERVED);
	/* each bad MSR rule named by its index among the MSR rules */
	m[2].action = 9;
	build2(&w, &c, 1, m, 4);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_MSR_BAD_ACTION);
	assert_int_equal(bad, 2);
	m[2] = msr_rule(EFER, XL_MSR_MASK, ~NXE, NXE);
	build2(&w, &c, 1, m, 4);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_MSR_BAD_MASKS);
	assert_int_equal(bad, 2);
	m[2] = msr_rule(EFER, XL_MSR_MASK, ~NXE, 0);
	m[3] = msr_rule(EFER, XL_MSR_DENY, 0, 0); /* the same MSR, another action */
	build2(&w, &c, 1, m, 4);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_MSR_TWICE);
	assert_int_equal(bad, 3);
	/* a CPUID rule's problem comes first, by its own index */
	c.reg = 5;
	build2(&w, &c, 1, m, 4);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_REG);
	assert_int_equal(bad, 0);
}

static void test_msr_rule_apply(void **state)
{
	struct xl_msr_rule deny = msr_rule(NB_CFG, XL_MSR_DENY, 0, 0);
	struct xl_msr_rule ro = msr_rule(NB_CFG, XL_MSR_READ_ONLY, 0, 0);
	/* NXE forced 0, bit 40 forced 1, the rest kept */
	struct xl_msr_rule mask = msr_rule(EFER, XL_MSR_MASK, ~NXE, 1ull << 40);
	uint64_t v = 0x1234;

	assert_false(cpu_msr_rule_read(&deny, &v));
	assert_false(cpu_msr_rule_write(&deny, 0x1234));
	assert_int_equal(cpu_msr_rule_needs(&deny), CPU_MSR_NEEDS_READ | CPU_MSR_NEEDS_WRITE);
	assert_true(cpu_msr_rule_read(&ro, &v));
	assert_int_equal(v, 0x1234);
	assert_false(cpu_msr_rule_write(&ro, 0x1234));
	assert_int_equal(cpu_msr_rule_needs(&ro), CPU_MSR_NEEDS_WRITE);
	assert_int_equal(cpu_msr_rule_needs(&mask), CPU_MSR_NEEDS_READ | CPU_MSR_NEEDS_WRITE);
	v = 0x501 | NXE;
	assert_true(cpu_msr_rule_read(&mask, &v));
	assert_int_equal(v, 0x501 | (1ull << 40));
	/* writes: the forced bits as they read; the kept bits anything */
	assert_true(cpu_msr_rule_write(&mask, 0x501 | (1ull << 40)));
	assert_true(cpu_msr_rule_write(&mask, 0x1 | (1ull << 40)));
	assert_false(cpu_msr_rule_write(&mask, 0x501 | (1ull << 40) | NXE)); /* NXE set: refused */
	assert_false(cpu_msr_rule_write(&mask, 0x501)); /* bit 40 cleared: refused */
}

/* The fake node's answer: domain 3 exists; FS_BASE is its own, 0x1b exits on writes only, 0x1c on reads only. */
int xl_domain_msr_exits(uint32_t domain_id, uint32_t msr)
{
	if (domain_id != 3)
		return -ENOENT;
	switch (msr) {
	case FS_BASE:
		return 0;
	case 0x1b:
		return XL_MSR_EXITS_WRITE;
	case 0x1c:
		return XL_MSR_EXITS_READ;
	default:
		return XL_MSR_EXITS_READ | XL_MSR_EXITS_WRITE;
	}
}

static void test_msr_reachable(void **state)
{
	struct xl_msr_rule m[3] = { msr_rule(NB_CFG, XL_MSR_DENY, 0, 0), msr_rule(EFER, XL_MSR_MASK, ~NXE, 0),
				    msr_rule(0x1b, XL_MSR_READ_ONLY, 0, 0) };

	log_capture_reset();
	assert_int_equal(policy_msr_reachable(3, m, 3), 0);
	assert_int_equal(policy_msr_reachable(4, m, 3), -ENOENT);
	assert_int_equal(policy_msr_reachable(4, m, 0), 0);
	assert_int_equal(log_capture_count(LOG_WARN), 0);
	/* a rule on the guest's own MSR, each action */
	for (uint32_t action = 0; action < XL_MSR_NR_ACTIONS; action++) {
		m[1] = msr_rule(FS_BASE, action, action == XL_MSR_MASK ? ~1ull : 0, 0);
		log_capture_reset();
		assert_int_equal(policy_msr_reachable(3, m, 3), -EINVAL);
		assert_true(log_capture_contains(action == XL_MSR_READ_ONLY ?
			"cpu-policy: policy for d3 refused: MSR 0xc0000100 is the guest's own (its writes do not reach "
			"the hypervisor): a policy cannot reach it (MSR rule 1)" :
			"cpu-policy: policy for d3 refused: MSR 0xc0000100 is the guest's own (its reads and writes do "
			"not reach the hypervisor): a policy cannot reach it (MSR rule 1)"));
	}
	/* reads that do not exit: deny and mask refused, read-only fine */
	m[1] = msr_rule(0x1b, XL_MSR_DENY, 0, 0);
	m[2] = msr_rule(NB_CFG, XL_MSR_READ_ONLY, 0, 0);
	log_capture_reset();
	assert_int_equal(policy_msr_reachable(3, m, 3), -EINVAL);
	assert_true(log_capture_contains("MSR 0x1b is the guest's own (its reads do not reach the hypervisor)"));
	m[1] = msr_rule(0x1b, XL_MSR_MASK, ~1ull, 0);
	assert_int_equal(policy_msr_reachable(3, m, 3), -EINVAL);
	m[1] = msr_rule(0x1b, XL_MSR_READ_ONLY, 0, 0);
	assert_int_equal(policy_msr_reachable(3, m, 2), 0);
	/* writes that do not exit: a mask refused (its forced bits could be written), read-only too */
	m[1] = msr_rule(0x1c, XL_MSR_MASK, ~1ull, 0);
	log_capture_reset();
	assert_int_equal(policy_msr_reachable(3, m, 2), -EINVAL);
	assert_true(log_capture_contains("MSR 0x1c is the guest's own (its writes do not reach the hypervisor)"));
	m[1] = msr_rule(0x1c, XL_MSR_READ_ONLY, 0, 0);
	assert_int_equal(policy_msr_reachable(3, m, 2), -EINVAL);
}

/* A domain's MSR rules in the table: looked up, applied by the hooks, kept apart from CPUID rules and other domains. */
static void test_table_msr(void **state)
{
	struct xl_cpuid_rule c = rule(1, XL_CPUID_ANY_SUBLEAF, XL_CPUID_ECX, ~BIT(20), 0), back[XL_CPU_POLICY_MAX_RULES];
	struct xl_msr_rule m[3] = { msr_rule(NB_CFG, XL_MSR_DENY, 0, 0), msr_rule(EFER, XL_MSR_MASK, ~NXE, 0),
				    msr_rule(0x1b, XL_MSR_READ_ONLY, 0, 0) };
	struct xl_msr_rule mback[XL_CPU_POLICY_MAX_MSR_RULES], found;
	unsigned char buf[XL_CPU_POLICY_MAX_SIZE];
	uint32_t nr, nr_msr, bad;
	uint64_t v;
	bool had;

	/* no policy, or no rule for the MSR: the core's answer, writes let through */
	v = 0x5;
	assert_true(policy_msr_read(table, 3, NB_CFG, &v));
	assert_int_equal(v, 0x5);
	assert_true(policy_msr_write(table, 3, NB_CFG, 0));
	assert_int_equal(policy_set(table, 3, &c, 1, m, 3), 0);
	assert_true(policy_msr_rule(table, 3, EFER, &found));
	assert_memory_equal(&found, &m[1], sizeof(found));
	assert_false(policy_msr_rule(table, 3, FS_BASE, &found));
	assert_false(policy_msr_rule(table, 4, EFER, &found));
	/* deny */
	assert_false(policy_msr_read(table, 3, NB_CFG, &v));
	assert_false(policy_msr_write(table, 3, NB_CFG, 0));
	/* mask: NXE reads 0, a write of NXE refused, one without it let through */
	v = 0x501 | NXE;
	assert_true(policy_msr_read(table, 3, EFER, &v));
	assert_int_equal(v, 0x501);
	assert_false(policy_msr_write(table, 3, EFER, 0x501 | NXE));
	assert_true(policy_msr_write(table, 3, EFER, 0x501));
	/* read-only */
	v = 0xfee00900;
	assert_true(policy_msr_read(table, 3, 0x1b, &v));
	assert_int_equal(v, 0xfee00900);
	assert_false(policy_msr_write(table, 3, 0x1b, 0xfee00900));
	/* another domain, another MSR: untouched */
	v = 0x501 | NXE;
	assert_true(policy_msr_read(table, 4, EFER, &v));
	assert_int_equal(v, 0x501 | NXE);
	assert_true(policy_msr_write(table, 4, NB_CFG, 0));
	v = 7;
	assert_true(policy_msr_read(table, 3, FS_BASE, &v));
	assert_int_equal(v, 7);
	/* the CPUID rule still applies */
	assert_int_equal(leaf1_ecx(3, &had), ~BIT(20));
	/* GET: version 2, both kinds, as SET took them; -ENOSPC one byte short */
	assert_int_equal(policy_get(table, 3, buf, sizeof(buf)), XL_CPU_POLICY_SIZE2(1, 3));
	assert_int_equal(((struct xl_cpu_policy_header *)buf)->version, XL_CPU_POLICY_VERSION);
	assert_int_equal(cpu_policy_check(buf, XL_CPU_POLICY_SIZE2(1, 3), back, &nr, mback, &nr_msr, &bad),
			 CPU_POLICY_OK);
	assert_int_equal(nr, 1);
	assert_int_equal(nr_msr, 3);
	assert_memory_equal(mback, m, sizeof(m));
	assert_int_equal(policy_get(table, 3, buf, XL_CPU_POLICY_SIZE2(1, 3) - 1), -ENOSPC);
	/* MSR rules alone; then replaced by CPUID rules alone: the MSR rules are gone */
	assert_int_equal(policy_set(table, 3, NULL, 0, m, 1), 0);
	assert_int_equal(leaf1_ecx(3, &had), ALL);
	assert_true(had);
	assert_int_equal(policy_get(table, 3, buf, sizeof(buf)), XL_CPU_POLICY_SIZE2(0, 1));
	assert_int_equal(policy_set(table, 3, &c, 1, NULL, 0), 0);
	assert_true(policy_msr_read(table, 3, NB_CFG, &v));
	assert_true(policy_msr_write(table, 3, NB_CFG, 0));
	/* cleared: nothing applies */
	assert_int_equal(policy_set(table, 3, &c, 1, m, 3), 0);
	assert_int_equal(policy_clear(table, 3), 0);
	assert_true(policy_msr_write(table, 3, NB_CFG, 0));
}

/* The latch for MSR rules: a copy a writer is half way through is not read, a slot gone to another domain not applied. */
static void test_latch_msr(void **state)
{
	struct xl_msr_rule deny = msr_rule(NB_CFG, XL_MSR_DENY, 0, 0);
	struct policy_slot *s;
	uint32_t seq;
	uint64_t v = 1;

	assert_int_equal(policy_set(table, 5, NULL, 0, &deny, 1), 0);
	s = slot_of(5);
	assert_non_null(s);
	seq = s->seq;
	assert_memory_equal(&s->copy[0], &s->copy[1], sizeof(s->copy[0]));
	/* a writer's first half: the copy readers left rewritten (garbage: the rule gone) */
	s->seq = seq + 1;
	s->copy[seq & 1].nr_msr_rules = 0;
	assert_false(policy_msr_read(table, 5, NB_CFG, &v)); /* the other copy, whole: still denied */
	/* readers back on it: the new policy */
	s->seq = seq + 2;
	assert_true(policy_msr_read(table, 5, NB_CFG, &v));
	s->copy[seq & 1].nr_msr_rules = 1000; /* a count beyond the copy (never written so) is bounded */
	assert_false(policy_msr_read(table, 5, NB_CFG, &v));
	s->owner = 6 + 1;
	assert_true(policy_msr_write(table, 5, NB_CFG, 0));
	assert_false(policy_msr_write(table, 6, NB_CFG, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_checks),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_policy_check_header),
		cmocka_unit_test(test_policy_check_rules),
		cmocka_unit_test(test_rule_apply),
		cmocka_unit_test_setup_teardown(test_table_set_apply_get, new_table, free_table),
		cmocka_unit_test_setup_teardown(test_table_full, new_table, free_table),
		cmocka_unit_test_setup_teardown(test_latch, new_table, free_table),
		cmocka_unit_test(test_msr_rule_checks),
		cmocka_unit_test(test_policy_check_v2),
		cmocka_unit_test(test_msr_rule_apply),
		cmocka_unit_test(test_msr_reachable),
		cmocka_unit_test_setup_teardown(test_table_msr, new_table, free_table),
		cmocka_unit_test_setup_teardown(test_latch_msr, new_table, free_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
