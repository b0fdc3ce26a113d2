/*
 * Host tests for xl-lite's side of the cpu-policy module's MSR rules: the
 * `msr` key's strings (dom0-tools/xl-cfg-msr.c) - what each reads into a
 * rule, every refusal with the byte it names -, the rule as the key writes
 * it, the policy on the wire (version 2 with MSR rules, version 1 without,
 * through the module's own checker; xl-cpu-policy-wire.c) and how xl-lite
 * cpu-policy shows MSR rules (xl-cpu-policy-fmt.c: table, key line, JSON).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../dom0-tools/xl-cfg-msr.h"
#include "../../dom0-tools/xl-cpu-policy-fmt.h"
#include "../../dom0-tools/xl-cpu-policy-wire.h"
#include "../../modules/cpu-policy/policy_rules.h"
#include "output_check.h"

#define FORMS "(MSR:deny, MSR:ro or MSR:and=HEX,or=HEX)"

static struct xl_msr_policy pol;
static struct xl_cpuid_error e;

/* each string of a list, in order, into one policy */
static int msr(const char *first, ...)
{
	va_list ap;
	int rc = 0;

	memset(&pol, 0, sizeof(pol));
	memset(&e, 0, sizeof(e));
	va_start(ap, first);
	for (const char *s = first; s && !rc; s = va_arg(ap, const char *))
		rc = xl_msr_parse(s, &pol, &e);
	va_end(ap);
	return rc;
}

static void assert_rule(unsigned int i, uint32_t msr_nr, uint32_t action, uint64_t and, uint64_t or)
{
	assert_true(i < pol.nr);
	assert_int_equal(pol.rule[i].msr, msr_nr);
	assert_int_equal(pol.rule[i].action, action);
	assert_int_equal(cpu_msr_and(&pol.rule[i]), and);
	assert_int_equal(cpu_msr_or(&pol.rule[i]), or);
	assert_int_equal(cpu_msr_rule_check(&pol.rule[i]), CPU_POLICY_OK);
}

/* s refused at byte at with why */
static void expect_refusal(const char *s, size_t at, const char *why)
{
	assert_int_equal(msr(s, NULL), -1);
	assert_string_equal(e.why, why);
	if (e.at != at)
		fail_msg("'%s': refused at byte %zu, not %zu", s, e.at, at);
	assert_int_equal(pol.nr, 0);
}

static void test_forms(void **state)
{
	assert_int_equal(msr("0xc001001f:deny", "27:ro", "0xC0000080:and=0xfffffffffffff7ff",
			     "0x10:or=0x1", "0x11:or=0x10,and=0xFF", "4294967295:and=0x0", NULL), 0);
	assert_int_equal(pol.nr, 6);
	assert_rule(0, 0xc001001f, XL_MSR_DENY, 0, 0);
	assert_rule(1, 27, XL_MSR_READ_ONLY, 0, 0);
	assert_rule(2, 0xc0000080, XL_MSR_MASK, ~(1ull << 11), 0);
	assert_rule(3, 0x10, XL_MSR_MASK, UINT64_MAX, 1); /* and left out: all ones */
	assert_rule(4, 0x11, XL_MSR_MASK, 0xff, 0x10); /* either order */
	assert_rule(5, UINT32_MAX, XL_MSR_MASK, 0, 0); /* every bit forced to 0 */
	/* the most rules */
	memset(&pol, 0, sizeof(pol));
	for (unsigned int i = 0; i < XL_CPU_POLICY_MAX_MSR_RULES; i++) {
		char s[32];

		snprintf(s, sizeof(s), "%u:deny", 0x100 + i);
		assert_int_equal(xl_msr_parse(s, &pol, &e), 0);
	}
	assert_int_equal(xl_msr_parse("0x1:deny", &pol, &e), -1);
	assert_string_equal(e.why, "has more than 32 MSR rules (MSR 0x1 would be one more)");
	assert_int_equal(pol.nr, XL_CPU_POLICY_MAX_MSR_RULES);
}

static void test_refusals(void **state)
{
	expect_refusal("", 0, "must start with an MSR, a 32-bit number, decimal or 0x hex " FORMS);
	expect_refusal("efer:deny", 0, "must start with an MSR, a 32-bit number, decimal or 0x hex " FORMS);
	expect_refusal("0x100000000:deny", 0, "must start with an MSR, a 32-bit number, decimal or 0x hex " FORMS);
	expect_refusal("0x10", 4, "expected ':' after the MSR " FORMS);
	expect_refusal("0x10=deny", 4, "expected ':' after the MSR " FORMS);
	expect_refusal("0x10:", 5, "has no action after ':' " FORMS);
	expect_refusal("0x10:Deny", 5, "has 'Deny' where an action is: deny, ro, or and=HEX,or=HEX");
	expect_refusal("0x10:deny,ro", 5, "has 'deny,ro' where an action is: deny, ro, or and=HEX,or=HEX");
	expect_refusal("0x10:and=0x1,", 13, "has an empty setting (a ',' too many?)");
	expect_refusal("0x10:and=0x1,,or=0x1", 13, "has an empty setting (a ',' too many?)");
	expect_refusal("0x10:and=0x1,xor=0x1", 13, "has 'xor=0x1' where and=HEX or or=HEX is " FORMS);
	expect_refusal("0x10:and=0x1,or", 13, "has 'or' where and=HEX or or=HEX is " FORMS);
	expect_refusal("0x10:and=0x1,and=0x3", 13, "gives and twice");
	expect_refusal("0x10:or=0x1,or=0x1", 12, "gives or twice");
	expect_refusal("0x10:and=12", 9, "gives and '12': a mask is 0x and 1 to 16 hex digits");
	expect_refusal("0x10:and=0x", 9, "gives and '0x': a mask is 0x and 1 to 16 hex digits");
	expect_refusal("0x10:or=0x1g", 8, "gives or '0x1g': a mask is 0x and 1 to 16 hex digits");
	expect_refusal("0x10:and=0x10000000000000000", 9,
		       "gives and '0x10000000000000000': a mask is 0x and 1 to 16 hex digits");
	expect_refusal("0x10:and=0xff,or=0x100", 5,
		       "forces bits to 1 that its and clears (or 0x100, and 0xff): a bit is forced to 0 or to 1, "
		       "not both");
	expect_refusal("0x10:and=0xffffffffffffffff", 5, "changes nothing (and all ones, or 0)");
	expect_refusal("0x10:or=0x0", 5, "changes nothing (and all ones, or 0)");
	/* an MSR named twice, in any form: the second string refused */
	assert_int_equal(msr("0x10:deny", "16:and=0x0", NULL), -1);
	assert_string_equal(e.why, "names MSR 0x10 twice");
	assert_int_equal(e.at, 0);
	assert_int_equal(pol.nr, 1);
}

/* What xl_msr_rule_text writes reads back as the same rule. */
static void test_rule_text(void **state)
{
	static const char *const texts[] = { "0xc001001f:deny", "0x1b:ro", "0xc0000080:and=0xfffffffffffff7ff",
					     "0x10:or=0x1", "0x11:and=0xff,or=0x10", "0xffffffff:and=0x0" };
	char buf[XL_MSR_RULE_TEXT];

	for (unsigned int i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct xl_msr_rule r;

		assert_int_equal(msr(texts[i], NULL), 0);
		r = pol.rule[0];
		assert_string_equal(xl_msr_rule_text(&r, buf, sizeof(buf)), texts[i]);
	}
	assert_string_equal(xl_msr_action_name(XL_MSR_MASK), "mask");
	assert_string_equal(xl_msr_action_name(7), "?");
}

static void test_wire(void **state)
{
	struct xl_cpuid_policy cpuid = { .nr = 0 }, back;
	struct xl_msr_policy back_msr;
	unsigned char buf[XL_CPU_POLICY_MAX_SIZE];
	struct xl_cpu_policy_header h;
	const char *why = NULL;
	size_t len;

	assert_int_equal(msr("0xc001001f:deny", "0xc0000080:and=0xfffffffffffff7ff", NULL), 0);
	/* MSR rules alone: version 2, no CPUID rule */
	len = xl_cpu_policy_encode(&cpuid, &pol, buf, sizeof(buf), &why);
	assert_int_equal(len, XL_CPU_POLICY_SIZE2(0, 2));
	assert_int_equal(len, 64);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.version, XL_CPU_POLICY_VERSION);
	assert_int_equal(h.nr_rules, 0);
	assert_int_equal(h.nr_msr_rules, 2);
	/* the little-endian layout, byte for byte: "XPCP", 2, 0, 2, then NB_CFG deny, EFER's mask */
	assert_memory_equal(buf, "XPCP\2\0\0\0\0\0\0\0\2\0\0\0"
				 "\x1f\x00\x01\xc0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
				 "\x80\x00\x00\xc0\2\0\0\0\xff\xf7\xff\xff\xff\xff\xff\xff\0\0\0\0\0\0\0\0", 64);
	assert_null(xl_cpu_policy_decode(buf, (int64_t)len, sizeof(buf), &back, &back_msr));
	assert_int_equal(back.nr, 0);
	assert_int_equal(back_msr.nr, 2);
	assert_memory_equal(back_msr.rule, pol.rule, 2 * sizeof(pol.rule[0]));
	/* with a CPUID rule: after it */
	cpuid.nr = 1;
	cpuid.rule[0] = (struct xl_cpuid_rule){ 1, XL_CPUID_ANY_SUBLEAF, XL_CPUID_ECX, ~(1u << 20), 0 };
	len = xl_cpu_policy_encode(&cpuid, &pol, buf, sizeof(buf), &why);
	assert_int_equal(len, XL_CPU_POLICY_SIZE2(1, 2));
	assert_memory_equal(buf + XL_CPU_POLICY_SIZE(1), pol.rule, 2 * sizeof(pol.rule[0]));
	assert_null(xl_cpu_policy_decode(buf, (int64_t)len, sizeof(buf), &back, &back_msr));
	assert_int_equal(back.nr, 1);
	assert_int_equal(back_msr.nr, 2);
	/* nothing at all: what the module would refuse is not sent */
	cpuid.nr = 0;
	pol.nr = 0;
	assert_int_equal(xl_cpu_policy_encode(&cpuid, &pol, buf, sizeof(buf), &why), 0);
	assert_string_equal(why, cpu_policy_problem_text(CPU_POLICY_BAD_COUNT)); /* version 1, no rule */
	/* a rule the checker refuses; too many; no room */
	pol.nr = 2;
	pol.rule[1].action = 7;
	assert_int_equal(xl_cpu_policy_encode(&cpuid, &pol, buf, sizeof(buf), &why), 0);
	assert_string_equal(why, cpu_policy_problem_text(CPU_POLICY_MSR_BAD_ACTION));
	pol.rule[1].action = XL_MSR_READ_ONLY;
	pol.rule[1].and_lo = pol.rule[1].and_hi = 0;
	assert_int_equal(xl_cpu_policy_encode(&cpuid, &pol, buf, XL_CPU_POLICY_SIZE2(0, 2) - 1, &why), 0);
	assert_string_equal(why, "the buffer is too small");
	pol.nr = XL_CPU_POLICY_MAX_MSR_RULES + 1;
	assert_int_equal(xl_cpu_policy_encode(&cpuid, &pol, buf, sizeof(buf), &why), 0);
}

static void test_table_and_json(void **state)
{
	struct xl_cpuid_policy cpuid = { .nr = 1 };
	struct capture c;

	cpuid.rule[0] = (struct xl_cpuid_rule){ 1, XL_CPUID_ANY_SUBLEAF, XL_CPUID_ECX, ~(1u << 20), 0 };
	assert_int_equal(msr("0xc001001f:deny", "0x1b:ro", "0xc0000080:and=0xfffffffffffff7ff,or=0x1", NULL), 0);
	cap_open(&c);
	xl_print_cpu_policy(c.f, 3, "lwk-1", &cpuid, &pol, false);
	assert_string_equal(cap_text(&c),
			    "domain 3 (lwk-1): 1 rule, 3 MSR rules\n"
			    "LEAF       SUBLEAF REG BITS (31..0)                     CHANGES\n"
			    "0x00000001 any     ecx xxxxxxxxxxx0xxxxxxxxxxxxxxxxxxxx -sse4_2\n"
			    "cpuid = [ \"0x00000001:ecx=xxxxxxxxxxx0xxxxxxxxxxxxxxxxxxxx\" ]\n"
			    "MSR        ACTION    AND                OR\n"
			    "0xc001001f deny      -                  -\n"
			    "0x0000001b read-only -                  -\n"
			    "0xc0000080 mask      0xfffffffffffff7ff 0x0000000000000001\n"
			    "msr = [ \"0xc001001f:deny\", \"0x1b:ro\", \"0xc0000080:and=0xfffffffffffff7ff,or=0x1\" ]\n");
	cap_free(&c);
	/* MSR rules alone */
	cpuid.nr = 0;
	pol.nr = 1;
	cap_open(&c);
	xl_print_cpu_policy(c.f, 4, NULL, &cpuid, &pol, false);
	assert_string_equal(cap_text(&c), "domain 4: 0 rules, 1 MSR rule\n"
					  "MSR        ACTION    AND                OR\n"
					  "0xc001001f deny      -                  -\n"
					  "msr = [ \"0xc001001f:deny\" ]\n");
	cap_free(&c);
	/* JSON: the MSR rules after the CPUID rules */
	pol.nr = 3;
	cap_open(&c);
	xl_print_cpu_policy(c.f, 4, "x", &cpuid, &pol, true);
	assert_json_line(cap_text(&c));
	assert_string_equal(cap_text(&c),
			    "{\"domain\":4,\"name\":\"x\",\"rules\":[],\"msr_rules\":["
			    "{\"msr\":3221291039,\"action\":\"deny\",\"and_mask\":0,\"or_mask\":0,"
			    "\"text\":\"0xc001001f:deny\"},"
			    "{\"msr\":27,\"action\":\"read-only\",\"and_mask\":0,\"or_mask\":0,\"text\":\"0x1b:ro\"},"
			    "{\"msr\":3221225600,\"action\":\"mask\",\"and_mask\":18446744073709549567,\"or_mask\":1,"
			    "\"text\":\"0xc0000080:and=0xfffffffffffff7ff,or=0x1\"}]}\n");
	cap_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_rule_text),
		cmocka_unit_test(test_wire),
		cmocka_unit_test(test_table_and_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
