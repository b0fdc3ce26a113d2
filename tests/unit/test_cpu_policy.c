/*
 * Host tests for the cpu-policy module's pure parts (modules/cpu-policy/):
 * every check of a SET buffer (policy_rules.c), what a rule does to a CPUID
 * answer, and the per-domain table (policy_table.c): set, replace, clear,
 * GET's answer, 64 domains and the 65th, unknown domains left alone, and
 * the latch's publication seen by a single thread - a reader uses the copy
 * the sequence number names, so a copy half-written by a writer is never
 * read, and a slot that changed owner is never applied.
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

#include "../../modules/cpu-policy/policy_rules.h"
#include "../../modules/cpu-policy/policy_table.h"

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
	struct xl_cpu_policy_header h = { XL_CPU_POLICY_MAGIC, XL_CPU_POLICY_VERSION, n, 0 };

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
	uint32_t nr = 99;
	enum cpu_policy_problem p = cpu_policy_check(w->bytes, w->size, out, &nr, bad);

	if (p != CPU_POLICY_OK)
		assert_int_equal(nr, 0);
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
	for (int p = CPU_POLICY_SHORT; p <= CPU_POLICY_OVERLAP; p++)
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
	set_header_field(&w, offsetof(struct xl_cpu_policy_header, version), 2);
	assert_int_equal(check_wire(&w, &bad), CPU_POLICY_BAD_VERSION);
	build(&w, r, 2);
	set_header_field(&w, offsetof(struct xl_cpu_policy_header, reserved), 1);
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
	unsigned char *unaligned = malloc(XL_CPU_POLICY_MAX_SIZE + 1);
	uint32_t nr, bad;
	struct wire w;

	assert_non_null(unaligned);
	/* the most rules, every one different, from an odd address */
	for (uint32_t i = 0; i < XL_CPU_POLICY_MAX_RULES; i++)
		r[i] = rule(0x80000000u + i / 4, XL_CPUID_ANY_SUBLEAF, i % 4, ~BIT(i % 32), BIT((i + 1) % 32) & ~BIT(i % 32));
	build(&w, r, XL_CPU_POLICY_MAX_RULES);
	memcpy(unaligned + 1, w.bytes, w.size);
	assert_int_equal(cpu_policy_check(unaligned + 1, w.size, out, &nr, &bad), CPU_POLICY_OK);
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
	uint32_t nr, bad;
	bool had;

	/* no policy: untouched */
	assert_int_equal(leaf1_ecx(3, &had), ALL);
	assert_false(had);
	assert_int_equal(policy_get(table, 3, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(policy_set(table, 3, r, 2), 0);
	assert_int_equal(leaf1_ecx(3, &had), ~(BIT(20) | BIT(28)));
	assert_true(had);
	/* another domain is not touched */
	assert_int_equal(leaf1_ecx(4, &had), ALL);
	assert_false(had);
	/* GET gives back what SET took, in the format SET takes */
	assert_int_equal(policy_get(table, 3, buf, sizeof(buf)), XL_CPU_POLICY_SIZE(2));
	assert_int_equal(cpu_policy_check(buf, XL_CPU_POLICY_SIZE(2), back, &nr, &bad), CPU_POLICY_OK);
	assert_int_equal(nr, 2);
	assert_memory_equal(back, r, sizeof(r));
	/* a buffer one byte short, or only the header: -ENOSPC */
	assert_int_equal(policy_get(table, 3, buf, XL_CPU_POLICY_SIZE(2) - 1), -ENOSPC);
	assert_int_equal(policy_get(table, 3, buf, sizeof(struct xl_cpu_policy_header)), -ENOSPC);
	assert_int_equal(policy_get(table, 3, buf, XL_CPU_POLICY_SIZE(2)), XL_CPU_POLICY_SIZE(2));
	/* replaced by a shorter one: the old rules are gone */
	r[0] = rule(1, XL_CPUID_ANY_SUBLEAF, XL_CPUID_ECX, ALL, BIT(2));
	assert_int_equal(policy_set(table, 3, r, 1), 0);
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
		assert_int_equal(policy_set(table, 100 + i, &r, 1), 0);
	}
	assert_int_equal(policy_set(table, 99, &r, 1), -ENOSPC);
	/* a domain that has one can still replace it */
	r.and_mask = r.or_mask = 7;
	assert_int_equal(policy_set(table, 100, &r, 1), 0);
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
	assert_int_equal(policy_set(table, 99, &r, 1), 0);
	assert_int_equal(leaf1_ecx(99, &had), 0x99);
	assert_false(policy_apply(table, 130, 1, 0, (uint32_t[4]){ 0 }));
	/* the largest ids are ids like any other (the key is id + 1) */
	assert_int_equal(policy_clear(table, 99), 0);
	assert_int_equal(policy_set(table, UINT32_MAX, &r, 1), 0);
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

	assert_int_equal(policy_set(table, 5, &old, 1), 0);
	s = slot_of(5);
	assert_non_null(s);
	seq = s->seq;
	assert_int_equal(seq % 2, 0);
	assert_int_equal(s->copy[0].nr_rules, 1);
	assert_memory_equal(&s->copy[0], &s->copy[1], sizeof(s->copy[0]));
	/* a second SET bumps twice more, each copy rewritten once */
	assert_int_equal(policy_set(table, 5, &old, 1), 0);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
