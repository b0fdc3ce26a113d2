/*
 * Host tests for the "xl-guest" module command-line parser,
 * guest_spec_parse() in xen-lite/guest_spec.c (syntax in
 * include/xen-lite/guest_launch.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite/errno.h>
#include <xen-lite/guest_launch.h>

#include "log_capture.h"

/* Parse into a spec pre-filled with junk, so that every default is seen being set. */
static int parse(const char *line, struct guest_spec *s)
{
	memset(s, 0x5a, sizeof(*s));
	log_capture_reset();
	return guest_spec_parse(line, s);
}

static void expect_einval(const char *line)
{
	struct guest_spec s;
	int err = parse(line, &s);

	if (err != -EINVAL)
		fail_msg("\"%s\" returned %d, want -EINVAL", line, err);
	if (log_capture_count(LOG_ERROR) != 1)
		fail_msg("\"%s\": %d errors logged, want 1", line, log_capture_count(LOG_ERROR));
}

static void test_not_a_guest_line(void **state)
{
	static const char *const lines[] = {
		"", "xl-gues", "xl-guestx name=a", "xl-guest-name=a", "XL-GUEST name=a",
		" xl-guest name=a", "xl-guest\tname=a", "bzImage console=ttyS0", "xl",
	};
	struct guest_spec s;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		int err = parse(lines[i], &s);

		if (err != -ENOENT)
			fail_msg("\"%s\" returned %d, want -ENOENT", lines[i], err);
	}
	/* nothing is reported for lines that are simply someone else's */
	assert_int_equal(log_capture_count(LOG_ERROR), 0);
}

static void test_minimal_defaults(void **state)
{
	struct guest_spec s;

	assert_int_equal(parse("xl-guest name=a", &s), 0);
	assert_string_equal(s.name, "a");
	assert_int_equal(s.cpu, -1);
	assert_int_equal(s.mem, 2ULL << 20);
	assert_int_equal(s.timeout_ms, 10000);
	assert_int_equal(s.pause_at_ms, 0);
	assert_true(s.readonly_gpa == GUEST_NO_GPA);
	assert_true(s.noexec_gpa == GUEST_NO_GPA);
	assert_true(s.unmap_gpa == GUEST_NO_GPA);
	assert_int_equal(log_capture_count(LOG_ERROR), 0);
	/* extra spaces anywhere are fine */
	assert_int_equal(parse("xl-guest   name=hello   ", &s), 0);
	assert_string_equal(s.name, "hello");
	assert_int_equal(s.mem, 2ULL << 20);
}

static void test_all_keys(void **state)
{
	struct guest_spec s;

	assert_int_equal(parse("xl-guest name=bench cpu=3 mem=0x400000 timeout=2500 expect=crash", &s), 0);
	assert_string_equal(s.name, "bench");
	assert_int_equal(s.cpu, 3);
	assert_int_equal(s.mem, 4ULL << 20);
	assert_int_equal(s.timeout_ms, 2500);
	/* in any order; expect= takes each of its values */
	assert_int_equal(parse("xl-guest expect=pass timeout=1 mem=8192 cpu=0 name=z", &s), 0);
	assert_string_equal(s.name, "z");
	assert_int_equal(s.cpu, 0);
	assert_int_equal(s.mem, 8192);
	assert_int_equal(s.timeout_ms, 1);
	assert_int_equal(parse("xl-guest name=t expect=timeout pause_at=300", &s), 0);
	assert_int_equal(s.cpu, -1);
	assert_int_equal(s.pause_at_ms, 300);
	/* the largest accepted CPU number */
	assert_int_equal(parse("xl-guest name=t cpu=4095", &s), 0);
	assert_int_equal(s.cpu, 4095);
	/* a key given twice: the last one wins */
	assert_int_equal(parse("xl-guest name=first cpu=1 name=second cpu=2", &s), 0);
	assert_string_equal(s.name, "second");
	assert_int_equal(s.cpu, 2);
}

static void test_mem_suffixes(void **state)
{
	static const struct {
		const char *line;
		uint64_t mem;
	} good[] = {
		{ "xl-guest name=a mem=64M", 64ULL << 20 }, { "xl-guest name=a mem=1G", 1ULL << 30 },
		{ "xl-guest name=a mem=4K", 4096 },	    { "xl-guest name=a mem=12k", 12288 },
		{ "xl-guest name=a mem=3m", 3ULL << 20 },   { "xl-guest name=a mem=16G", 16ULL << 30 },
		{ "xl-guest name=a mem=4096", 4096 },
	};
	struct guest_spec s;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int err = parse(good[i].line, &s);

		if (err || s.mem != good[i].mem)
			fail_msg("\"%s\": err %d mem %#llx, want %#llx", good[i].line, err,
				 (unsigned long long)s.mem, (unsigned long long)good[i].mem);
	}
}

static void test_bad_mem(void **state)
{
	expect_einval("xl-guest name=a mem=0");
	expect_einval("xl-guest name=a mem=0K");
	expect_einval("xl-guest name=a mem=1K");	/* not a multiple of 4 KiB */
	expect_einval("xl-guest name=a mem=4097");
	expect_einval("xl-guest name=a mem=0x1800");
	expect_einval("xl-guest name=a mem=");
	expect_einval("xl-guest name=a mem=2X");
	expect_einval("xl-guest name=a mem=M");
	expect_einval("xl-guest name=a mem=-4K");
	expect_einval("xl-guest name=a mem=99999999999999999999"); /* overflows */
	expect_einval("xl-guest name=a mem=17179869184G");	    /* overflows with its suffix */
	assert_true(log_capture_contains("mem="));
}

static void test_bad_cpu_and_timeout(void **state)
{
	expect_einval("xl-guest name=a cpu=4096");
	expect_einval("xl-guest name=a cpu=0x100000000");
	expect_einval("xl-guest name=a cpu=-1");
	expect_einval("xl-guest name=a cpu=");
	expect_einval("xl-guest name=a cpu=1K"); /* size suffixes are for mem= only */
	expect_einval("xl-guest name=a timeout=5K");
	expect_einval("xl-guest name=a timeout=0");
	expect_einval("xl-guest name=a timeout=");
	expect_einval("xl-guest name=a timeout=10s");
	assert_true(log_capture_contains("timeout=10s"));
	expect_einval("xl-guest name=a pause_at=0");
	expect_einval("xl-guest name=a pause_at=1M");
	assert_true(log_capture_contains("pause_at=1M"));
}

static void test_unknown_key(void **state)
{
	expect_einval("xl-guest name=a colour=blue");
	assert_true(log_capture_contains("colour=blue"));
	/* an unknown key is refused even if its value parses as a number */
	expect_einval("xl-guest name=a vcpus=2");
	assert_true(log_capture_contains("vcpus=2"));
	/* keys are case-sensitive, and a bare "=" is an empty key */
	expect_einval("xl-guest name=a Mem=4M");
	expect_einval("xl-guest name=a =4");
}

static void test_bad_expect(void **state)
{
	expect_einval("xl-guest name=a expect=bogus");
	assert_true(log_capture_contains("expect=bogus"));
	expect_einval("xl-guest name=a expect=");
	expect_einval("xl-guest name=a expect=passed");
	expect_einval("xl-guest name=a expect=PASS");
}

static void test_name(void **state)
{
	char line[128];
	char name[40];
	struct guest_spec s;

	/* 31 characters fit (with the NUL), 32 do not */
	memset(name, 'n', 31);
	name[31] = '\0';
	snprintf(line, sizeof(line), "xl-guest name=%s", name);
	assert_int_equal(parse(line, &s), 0);
	assert_string_equal(s.name, name);
	assert_int_equal(strlen(s.name), 31);

	memset(name, 'n', 32);
	name[32] = '\0';
	snprintf(line, sizeof(line), "xl-guest name=%s", name);
	expect_einval(line);

	expect_einval("xl-guest name=");
	expect_einval("xl-guest name= cpu=1");
}

static void test_missing_name(void **state)
{
	expect_einval("xl-guest");
	assert_true(log_capture_contains("name="));
	expect_einval("xl-guest ");
	expect_einval("xl-guest cpu=1 mem=4M");
	expect_einval("xl-guest hello world");
}

static void test_words_without_equals_ignored(void **state)
{
	struct guest_spec s;

	assert_int_equal(parse("xl-guest verbose name=w fast 42 mem=8M -x", &s), 0);
	assert_string_equal(s.name, "w");
	assert_int_equal(s.mem, 8ULL << 20);
	assert_int_equal(s.cpu, -1);
	assert_int_equal(s.timeout_ms, 10000);
	assert_int_equal(log_capture_count(LOG_ERROR), 0);
}

static void test_page_rules(void **state)
{
	struct guest_spec s;

	assert_int_equal(parse("xl-guest name=p readonly=0x201000 noexec=0 unmap=0x3ff000", &s), 0);
	assert_true(s.readonly_gpa == 0x201000);
	assert_true(s.noexec_gpa == 0);
	assert_true(s.unmap_gpa == 0x3ff000);
	/* page addresses only */
	expect_einval("xl-guest name=p readonly=0x201001");
	expect_einval("xl-guest name=p unmap=12");
	expect_einval("xl-guest name=p noexec=page");
}

static void test_overlong_token(void **state)
{
	char line[256];
	char word[128];
	struct guest_spec s;

	/* 63 characters is the longest token: accepted (and ignored) */
	memset(word, 'w', 63);
	word[63] = '\0';
	snprintf(line, sizeof(line), "xl-guest name=a %s", word);
	assert_int_equal(parse(line, &s), 0);
	assert_string_equal(s.name, "a");

	/* 64 is too long, even for a word meant for the guest */
	memset(word, 'w', 64);
	word[64] = '\0';
	snprintf(line, sizeof(line), "xl-guest name=a %s", word);
	expect_einval(line);
	assert_true(log_capture_contains("too long"));

	/* and a long key=value at the very end of the line */
	memset(word, 'v', 100);
	word[100] = '\0';
	snprintf(line, sizeof(line), "xl-guest name=a mem=%s", word);
	expect_einval(line);
	assert_true(log_capture_contains("too long"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_a_guest_line),
		cmocka_unit_test(test_minimal_defaults),
		cmocka_unit_test(test_all_keys),
		cmocka_unit_test(test_mem_suffixes),
		cmocka_unit_test(test_bad_mem),
		cmocka_unit_test(test_bad_cpu_and_timeout),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_bad_expect),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_missing_name),
		cmocka_unit_test(test_words_without_equals_ignored),
		cmocka_unit_test(test_overlong_token),
		cmocka_unit_test(test_page_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
