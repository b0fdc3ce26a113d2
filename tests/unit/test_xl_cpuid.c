/*
 * Host tests for xl-lite's side of the cpu-policy module: the `cpuid` key's
 * two forms (dom0-tools/xl-cfg-cpuid.c) - what each reads into rules and
 * every refusal with the byte it names -, the feature table
 * (xl-cpuid-features.c), the policy on the wire both ways
 * (xl-cpu-policy-wire.c, through the module's own checker) and how a policy
 * is shown (xl-cpu-policy-fmt.c: the xend text, the changes, the table and
 * the JSON of xl-lite cpu-policy).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../dom0-tools/xl-cfg-cpuid.h"
#include "../../dom0-tools/xl-cpu-policy-fmt.h"
#include "../../dom0-tools/xl-cpu-policy-wire.h"
#include "../../dom0-tools/xl-cpuid-features.h"
#include "../../modules/cpu-policy/policy_rules.h"
#include "output_check.h"

#define BIT(n) (1u << (n))
#define ALL 0xffffffffu
#define ANY XL_CPUID_ANY_SUBLEAF
#define X32 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

static struct xl_cpuid_policy pol;
static struct xl_cpuid_error e;

static int libxl(const char *s)
{
	memset(&pol, 0, sizeof(pol));
	memset(&e, 0, sizeof(e));
	return xl_cpuid_parse_libxl(s, &pol, &e);
}

/* each string of a list, in order, into one policy */
static int xend(const char *first, ...)
{
	va_list ap;
	int rc = 0;

	memset(&pol, 0, sizeof(pol));
	memset(&e, 0, sizeof(e));
	va_start(ap, first);
	for (const char *s = first; s && !rc; s = va_arg(ap, const char *))
		rc = xl_cpuid_parse_xend(s, &pol, &e);
	va_end(ap);
	return rc;
}

static void assert_rule(unsigned int i, uint32_t leaf, uint32_t subleaf, uint32_t reg, uint32_t and_mask,
			uint32_t or_mask)
{
	assert_true(i < pol.nr);
	assert_int_equal(pol.rule[i].leaf, leaf);
	assert_int_equal(pol.rule[i].subleaf, subleaf);
	assert_int_equal(pol.rule[i].reg, reg);
	assert_int_equal(pol.rule[i].and_mask, and_mask);
	assert_int_equal(pol.rule[i].or_mask, or_mask);
}

/* refused at byte at, for a reason that contains why */
static void assert_refused(int rc, size_t at, const char *why)
{
	assert_int_equal(rc, -1);
	if (!strstr(e.why, why))
		fail_msg("'%s' does not say '%s'", e.why, why);
	assert_int_equal(e.at, at);
}

static void test_libxl_form(void **state)
{
	assert_int_equal(libxl("host,sse4_2=0,avx=0,popcnt=x,fsgsbase=1,lahf-lm=0,sse3=k,cx16=s"), 0);
	assert_int_equal(pol.nr, 3);
	assert_rule(0, 1, ANY, XL_CPUID_ECX, ~(BIT(20) | BIT(28)), 0);
	assert_rule(1, 7, 0, XL_CPUID_EBX, ALL, BIT(0));
	assert_rule(2, 0x80000001u, ANY, XL_CPUID_ECX, ~BIT(0), 0);
	/* '-' and '_' are one; the old dotted names; aliases are the same bit */
	assert_int_equal(libxl("host,sse4-1=0,sse4.2=0,lzcnt=0,pni=1"), 0);
	assert_rule(0, 1, ANY, XL_CPUID_ECX, ~(BIT(19) | BIT(20)), BIT(0));
	assert_rule(1, 0x80000001u, ANY, XL_CPUID_ECX, ~BIT(5), 0);
	/* leaf 0xd subleaf 1 and leaf 1 EDX */
	assert_int_equal(libxl("host,xsaves=0,sse2=0"), 0);
	assert_rule(0, 0xd, 1, XL_CPUID_EAX, ~BIT(3), 0);
	assert_rule(1, 1, ANY, XL_CPUID_EDX, ~BIT(26), 0);
	/* the host alone, and x/k/s alone: rules that change nothing, trimmed */
	assert_int_equal(libxl("host"), 0);
	assert_int_equal(pol.nr, 0);
	assert_int_equal(libxl("host,avx=x,sse3=k"), 0);
	assert_int_equal(pol.nr, 1);
	xl_cpuid_policy_trim(&pol);
	assert_int_equal(pol.nr, 0);
}

static void test_libxl_errors(void **state)
{
	assert_refused(libxl(""), 0, "must start with \"host\"");
	assert_refused(libxl("hots,avx=0"), 0, "must start with \"host\"");
	assert_refused(libxl("hostile,avx=0"), 0, "must start with \"host\"");
	assert_refused(libxl("avx=0,host"), 0, "must start with \"host\"");
	assert_refused(libxl("host,,avx=0"), 5, "an empty setting");
	assert_refused(libxl("host,avx=0,"), 11, "an empty setting");
	assert_refused(libxl("host,avx"), 5, "has 'avx' without a value");
	assert_refused(libxl("host,family=0x10"), 5, "'family', one of xl's keys that take a number");
	assert_refused(libxl("host,clflush=8"), 5, "'clflush', one of xl's keys");
	assert_refused(libxl("host,avx=0,sse5=0"), 11, "an unknown feature 'sse5'");
	assert_refused(libxl("host,AVX=0"), 5, "an unknown feature 'AVX'");
	assert_refused(libxl("host,avx=2"), 9, "gives avx '2': a feature is 0, 1, x, k or s");
	assert_refused(libxl("host,avx="), 9, "gives avx ''");
	assert_refused(libxl("host,avx=00"), 9, "gives avx '00'");
	assert_refused(libxl("host,avx=X"), 9, "gives avx 'X'");
	assert_refused(libxl("host,avx=0,sse3=1,avx=x"), 18, "names avx twice");
	assert_refused(libxl("host,sse3=0,pni=1"), 12, "names pni twice (or with another name: leaf 0x1 ecx bit 0)");
	assert_refused(libxl("host,sse4_2=0,sse4.2=0"), 14, "twice");
}

static void test_xend_form(void **state)
{
	/* bit 31 first: the 12th character is bit 20 */
	assert_int_equal(xend("1:ecx=xxxxxxxxxxx0xxxxxxxxxxxxxxxxxxxx", NULL), 0);
	assert_int_equal(pol.nr, 1);
	assert_rule(0, 1, ANY, XL_CPUID_ECX, ~BIT(20), 0);
	/* several registers, a subleaf in hex, 1 and the synonyms of x */
	assert_int_equal(xend("0x80000001:ecx=kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk0,edx=" X32,
			      "7,0x0:ebx=sssssssssssssssssssssssssssssss1", NULL),
			 0);
	assert_int_equal(pol.nr, 3);
	assert_rule(0, 0x80000001u, ANY, XL_CPUID_ECX, ~BIT(0), 0);
	assert_rule(1, 0x80000001u, ANY, XL_CPUID_EDX, ALL, 0);
	assert_rule(2, 7, 0, XL_CPUID_EBX, ALL, BIT(0));
	xl_cpuid_policy_trim(&pol);
	assert_int_equal(pol.nr, 2); /* edx changed nothing */
	assert_rule(1, 7, 0, XL_CPUID_EBX, ALL, BIT(0));
	/* the same leaf in two strings, other registers or subleaves; decimal leaves; every bit */
	assert_int_equal(xend("7,0:ebx=" X32, "7,1:ebx=" X32, "7,0:ecx=" X32,
			      "2147483649:eax=10101010101010101010101010101010", NULL),
			 0);
	assert_int_equal(pol.nr, 4);
	assert_rule(3, 0x80000001u, ANY, XL_CPUID_EAX, 0xaaaaaaaau, 0xaaaaaaaau);
	/* leaves next to the hypervisor's are leaves like any other */
	assert_int_equal(xend("0x3fffffff:eax=" X32, "0x40000100:eax=" X32, NULL), 0);
}

static void test_xend_errors(void **state)
{
	assert_refused(xend("", NULL), 0, "must start with a leaf");
	assert_refused(xend("ecx=" X32, NULL), 0, "must start with a leaf");
	assert_refused(xend("0x100000000:eax=" X32, NULL), 0, "a 32-bit number");
	assert_refused(xend("-1:eax=" X32, NULL), 0, "must start with a leaf");
	assert_refused(xend("0x40000000:eax=" X32, NULL), 0, "leaf 0x40000000, one of the hypervisor's own");
	assert_refused(xend("0x400000ff:eax=" X32, NULL), 0, "one of the hypervisor's own");
	assert_refused(xend("7,z:ebx=" X32, NULL), 2, "a subleaf that is not a number");
	assert_refused(xend("7,0xffffffff:ebx=" X32, NULL), 2, "below 0xffffffff");
	assert_refused(xend("7 :ebx=" X32, NULL), 1, "expected ':' after the leaf");
	assert_refused(xend("7,0;ebx=" X32, NULL), 3, "expected ':'");
	assert_refused(xend("1:exx=" X32, NULL), 2, "has 'exx' where a register is");
	assert_refused(xend("1:ecx", NULL), 2, "has 'ecx' where a register is");
	assert_refused(xend("1:", NULL), 2, "where a register is");
	assert_refused(xend("1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", NULL), 6, "gives ecx 31 bits");
	assert_refused(xend("1:ecx=" X32 "x", NULL), 6, "gives ecx 33 bits");
	assert_refused(xend("1:ecx=", NULL), 6, "gives ecx 0 bits");
	assert_refused(xend("1:ecx=xxxxxzxxxxxxxxxxxxxxxxxxxxxxxxxx", NULL), 11, "has 'z' in the bits of ecx");
	assert_refused(xend("1:ecx=xxxxx\txxxxxxxxxxxxxxxxxxxxxxxxxx", NULL), 11, "has byte 0x09 in the bits");
	assert_refused(xend("1:ecx=" X32 ",ecx=" X32, NULL), 39, "names ecx of leaf 0x1 twice");
	assert_refused(xend("1:ecx=" X32, "0x1:ecx=" X32, NULL), 4, "names ecx of leaf 0x1 twice");
	assert_refused(xend("7:ebx=" X32, "7,0:ebx=" X32, NULL), 4,
		       "names ebx of leaf 0x7 for every subleaf and for subleaf 0");
	assert_refused(xend("7,2:ebx=" X32, "7:ebx=" X32, NULL), 2, "for every subleaf and for subleaf 2");
	assert_refused(xend("1:ecx=" X32 ";", NULL), 38, "has ';' in the bits of ecx");
	assert_refused(xend("1:ecx=" X32 " ,edx=" X32, NULL), 38, "has byte 0x20 in the bits of ecx");
	assert_refused(xend("1:ecx=" X32 ",", NULL), 39, "where a register is");
}

/* More registers than a policy holds: the 65th is refused, by the string that names it. */
static void test_too_many_rules(void **state)
{
	char s[64];
	int rc = 0;

	memset(&pol, 0, sizeof(pol));
	for (unsigned int leaf = 0; leaf < 16 && !rc; leaf++) {
		for (unsigned int reg = 0; reg < 4 && !rc; reg++) {
			snprintf(s, sizeof(s), "0x%x:%s=" X32, 0x80000000u + leaf, xl_cpuid_reg_name(reg));
			rc = xl_cpuid_parse_xend(s, &pol, &e);
		}
	}
	assert_int_equal(rc, 0);
	assert_int_equal(pol.nr, XL_CPU_POLICY_MAX_RULES);
	rc = xl_cpuid_parse_xend("0x80000010:eax=" X32, &pol, &e);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(e.why, "changes more than 64 registers (leaf 0x80000010 eax would be one more)"));
	/* a register it has already is no more */
	assert_int_equal(xl_cpuid_parse_xend("0x80000000:eax=" X32, &pol, &e), -1);
	assert_non_null(strstr(e.why, "twice"));
}

static void test_feature_table(void **state)
{
	size_t n;
	const struct xl_cpuid_feature *f = xl_cpuid_features(&n);
	char text[64];

	assert_true(n > 100);
	for (size_t i = 0; i < n; i++) {
		/* every entry a valid rule's bit; no name twice; an alias follows its first name */
		struct xl_cpuid_rule r = { f[i].leaf, f[i].subleaf, f[i].reg, ~BIT(f[i].bit), 0 };
		const char *first = xl_cpuid_feature_name(f[i].leaf, f[i].subleaf, f[i].reg, f[i].bit);

		assert_int_equal(cpu_rule_check(&r), CPU_POLICY_OK);
		assert_true(f[i].bit < 32);
		assert_ptr_equal(xl_cpuid_feature_find(f[i].name, strlen(f[i].name)), &f[i]);
		assert_non_null(first);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(f[i].name, f[j].name);
		assert_false(xl_cpuid_is_xl_number_key(f[i].name, strlen(f[i].name)));
		/* each in the libxl form, cleared */
		snprintf(text, sizeof(text), "host,%s=0", f[i].name);
		assert_int_equal(libxl(text), 0);
		assert_rule(0, f[i].leaf, f[i].subleaf, f[i].reg, ~BIT(f[i].bit), 0);
	}
	assert_string_equal(xl_cpuid_feature_name(1, ANY, XL_CPUID_ECX, 0), "sse3");
	assert_string_equal(xl_cpuid_feature_name(0x80000001u, ANY, XL_CPUID_ECX, 5), "abm");
	assert_null(xl_cpuid_feature_name(1, ANY, XL_CPUID_ECX, 11));
	assert_null(xl_cpuid_feature_name(1, 0, XL_CPUID_ECX, 0)); /* leaf 1 has no subleaves */
	assert_null(xl_cpuid_feature_find("avx", 2));
	assert_true(xl_cpuid_is_xl_number_key("model", 5));
	assert_string_equal(xl_cpuid_reg_name(4), "?");
}

/* ---- the wire ---- */

static void test_encode_decode(void **state)
{
	unsigned char buf[XL_CPU_POLICY_MAX_SIZE];
	struct xl_cpu_policy_header h;
	struct xl_cpuid_rule r;
	struct xl_cpuid_policy back;
	struct xl_msr_policy no_msr = { .nr = 0 }, back_msr;
	const char *why = NULL;
	size_t len;

	assert_int_equal(libxl("host,sse4_2=0,avx=0,fsgsbase=1"), 0);
	len = xl_cpu_policy_encode(&pol, &no_msr, buf, sizeof(buf), &why);
	assert_int_equal(len, sizeof(h) + 2 * sizeof(r));
	assert_int_equal(len, 56);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.magic, XL_CPU_POLICY_MAGIC);
	assert_int_equal(h.version, XL_CPU_POLICY_VERSION_1); /* no MSR rule: what a version-1 module takes */
	assert_int_equal(h.nr_rules, 2);
	assert_int_equal(h.nr_msr_rules, 0);
	memcpy(&r, buf + sizeof(h) + sizeof(r), sizeof(r));
	assert_int_equal(r.leaf, 7);
	assert_int_equal(r.subleaf, 0);
	assert_int_equal(r.reg, XL_CPUID_EBX);
	assert_int_equal(r.and_mask, ALL);
	assert_int_equal(r.or_mask, 1);
	/* the little-endian layout, byte for byte: "XPCP", 1, 2, 0, then leaf 1 */
	assert_memory_equal(buf, "XPCP\1\0\0\0\2\0\0\0\0\0\0\0\1\0\0\0", 20);
	/* GET's answer read back */
	assert_null(xl_cpu_policy_decode(buf, (int64_t)len, sizeof(buf), &back, &back_msr));
	assert_int_equal(back.nr, 2);
	assert_memory_equal(back.rule, pol.rule, 2 * sizeof(r));
	/* what the module would refuse is not sent: no rule; a rule its checker refuses; no room */
	pol.nr = 0;
	assert_int_equal(xl_cpu_policy_encode(&pol, &no_msr, buf, sizeof(buf), &why), 0);
	assert_string_equal(why, cpu_policy_problem_text(CPU_POLICY_BAD_COUNT));
	pol.nr = 2;
	pol.rule[1].reg = 9;
	assert_int_equal(xl_cpu_policy_encode(&pol, &no_msr, buf, sizeof(buf), &why), 0);
	assert_string_equal(why, cpu_policy_problem_text(CPU_POLICY_BAD_REG));
	pol.rule[1].reg = XL_CPUID_EBX;
	assert_int_equal(xl_cpu_policy_encode(&pol, &no_msr, buf, len - 1, &why), 0);
	assert_string_equal(why, "the buffer is too small");
	pol.nr = XL_CPU_POLICY_MAX_RULES + 1;
	assert_int_equal(xl_cpu_policy_encode(&pol, &no_msr, buf, sizeof(buf), &why), 0);
}

static void test_decode_malformed(void **state)
{
	unsigned char buf[XL_CPU_POLICY_MAX_SIZE];
	struct xl_cpuid_policy back;
	struct xl_msr_policy no_msr = { .nr = 0 }, back_msr;
	const char *why;
	size_t len;

	assert_int_equal(libxl("host,avx=0"), 0);
	len = xl_cpu_policy_encode(&pol, &no_msr, buf, sizeof(buf), &why);
	assert_int_equal(len, 36);
	assert_string_equal(xl_cpu_policy_decode(buf, (int64_t)len + 1, sizeof(buf), &back, &back_msr),
			    cpu_policy_problem_text(CPU_POLICY_BAD_SIZE));
	assert_string_equal(xl_cpu_policy_decode(buf, 4, sizeof(buf), &back, &back_msr),
			    cpu_policy_problem_text(CPU_POLICY_SHORT));
	assert_string_equal(xl_cpu_policy_decode(buf, (int64_t)sizeof(buf) + 1, sizeof(buf), &back, &back_msr),
			    "more bytes than the buffer holds");
	assert_string_equal(xl_cpu_policy_decode(buf, -1, sizeof(buf), &back, &back_msr), "more bytes than the buffer holds");
	buf[0] ^= 1;
	assert_string_equal(xl_cpu_policy_decode(buf, (int64_t)len, sizeof(buf), &back, &back_msr),
			    cpu_policy_problem_text(CPU_POLICY_BAD_MAGIC));
	assert_int_equal(back.nr, 0);
}

/* ---- how a policy is shown ---- */

static void test_rule_text(void **state)
{
	char text[XL_CPUID_RULE_TEXT];
	struct capture c;

	assert_int_equal(libxl("host,sse4_2=0,avx=0,hypervisor=1,fsgsbase=1"), 0);
	assert_string_equal(xl_cpuid_rule_text(&pol.rule[0], text, sizeof(text)),
			    "0x00000001:ecx=1xx0xxxxxxx0xxxxxxxxxxxxxxxxxxxx");
	assert_string_equal(xl_cpuid_rule_text(&pol.rule[1], text, sizeof(text)),
			    "0x00000007,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1");
	/* the longest: a leaf and subleaf of 32 bits each... almost */
	pol.rule[1].subleaf = 4294967294u;
	assert_string_equal(xl_cpuid_rule_text(&pol.rule[1], text, sizeof(text)),
			    "0x00000007,4294967294:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1");
	/* and what it reads back as */
	assert_int_equal(xend("0x00000001:ecx=1xx0xxxxxxx0xxxxxxxxxxxxxxxxxxxx", NULL), 0);
	assert_rule(0, 1, ANY, XL_CPUID_ECX, ~(BIT(28) | BIT(20)), BIT(31));
	/* the changes, named where the table can */
	assert_int_equal(libxl("host,sse4_2=0,avx=0,hypervisor=1"), 0);
	cap_open(&c);
	xl_print_cpuid_changes(c.f, &pol.rule[0]);
	assert_string_equal(cap_text(&c), "-sse4_2 -avx +hypervisor");
	cap_free(&c);
	assert_int_equal(xend("1:ecx=1xxxxxxxxxxxxxxxxxxx0xxxxxxxxxxx", NULL), 0);
	cap_open(&c);
	xl_print_cpuid_changes(c.f, &pol.rule[0]);
	assert_string_equal(cap_text(&c), "-ecx:11 +hypervisor");
	cap_free(&c);
}

static void test_policy_table_text(void **state)
{
	struct capture c;

	assert_int_equal(libxl("host,sse4_2=0,popcnt=0,fsgsbase=1"), 0);
	cap_open(&c);
	xl_print_cpu_policy(c.f, 3, "lwk-1", &pol, NULL, false);
	assert_string_equal(cap_text(&c),
			    "domain 3 (lwk-1): 2 rules\n"
			    "LEAF       SUBLEAF REG BITS (31..0)                     CHANGES\n"
			    "0x00000001 any     ecx xxxxxxxx0xx0xxxxxxxxxxxxxxxxxxxx -sse4_2 -popcnt\n"
			    "0x00000007 0       ebx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1 +fsgsbase\n"
			    "cpuid = [ \"0x00000001:ecx=xxxxxxxx0xx0xxxxxxxxxxxxxxxxxxxx\", "
			    "\"0x00000007,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1\" ]\n");
	cap_free(&c);
	/* what it prints is a cpuid key that gives the same policy */
	{
		struct xl_cpuid_policy shown = pol;

		assert_int_equal(xend("0x00000001:ecx=xxxxxxxx0xx0xxxxxxxxxxxxxxxxxxxx",
				      "0x00000007,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1", NULL),
				 0);
		assert_memory_equal(pol.rule, shown.rule, 2 * sizeof(pol.rule[0]));
	}
	/* one rule; no policy; no name (a name that would not print) */
	pol.nr = 1;
	cap_open(&c);
	xl_print_cpu_policy(c.f, 4, NULL, &pol, NULL, false);
	assert_non_null(strstr(cap_text(&c), "domain 4: 1 rule\n"));
	cap_free(&c);
	cap_open(&c);
	xl_print_cpu_policy(c.f, 5, "web\x1b", NULL, NULL, false);
	assert_string_equal(cap_text(&c), "domain 5 (web?): no CPU policy: its CPUID answers are the hypervisor's\n");
	cap_free(&c);
}

static void test_policy_json(void **state)
{
	struct capture c;

	assert_int_equal(libxl("host,sse4_2=0,fsgsbase=1"), 0);
	pol.rule[1].or_mask |= BIT(11); /* an unnamed bit of leaf 7 ebx, set */
	cap_open(&c);
	xl_print_cpu_policy(c.f, 3, "a\"b", &pol, NULL, true);
	assert_json_line(cap_text(&c));
	assert_string_equal(cap_text(&c),
			    "{\"domain\":3,\"name\":\"a\\\"b\",\"rules\":["
			    "{\"leaf\":1,\"subleaf\":null,\"reg\":\"ecx\",\"and_mask\":4293918719,\"or_mask\":0,"
			    "\"xend\":\"0x00000001:ecx=xxxxxxxxxxx0xxxxxxxxxxxxxxxxxxxx\",\"cleared\":[\"sse4_2\"],\"set\":[]},"
			    "{\"leaf\":7,\"subleaf\":0,\"reg\":\"ebx\",\"and_mask\":4294967295,\"or_mask\":2049,"
			    "\"xend\":\"0x00000007,0:ebx=xxxxxxxxxxxxxxxxxxxx1xxxxxxxxxx1\",\"cleared\":[],"
			    "\"set\":[\"fsgsbase\",\"rtm\"]}],\"msr_rules\":[]}\n");
	cap_free(&c);
	cap_open(&c);
	xl_print_cpu_policy(c.f, 9, NULL, NULL, NULL, true);
	assert_json_line(cap_text(&c));
	assert_string_equal(cap_text(&c), "{\"domain\":9,\"name\":null,\"rules\":[],\"msr_rules\":[]}\n");
	cap_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libxl_form),
		cmocka_unit_test(test_libxl_errors),
		cmocka_unit_test(test_xend_form),
		cmocka_unit_test(test_xend_errors),
		cmocka_unit_test(test_too_many_rules),
		cmocka_unit_test(test_feature_table),
		cmocka_unit_test(test_encode_decode),
		cmocka_unit_test(test_decode_malformed),
		cmocka_unit_test(test_rule_text),
		cmocka_unit_test(test_policy_table_text),
		cmocka_unit_test(test_policy_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
