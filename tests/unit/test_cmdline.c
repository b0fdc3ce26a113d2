/*
 * Host tests for the command-line parser (xen-lite/cmdline.c) against a
 * test table with one parameter of every type, and for parse_uint().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite/cmdline.h>
#include <xen-lite/errno.h>

#include "log_capture.h"

static bool flag;
static uint64_t num, mem, lim, big;
static char name[16];
static char path[CMDLINE_MAX_TOKEN + 64];
static unsigned int mode, wordy;

static const char *const mode_names[] = { "fast", "slow", "auto", NULL };
/* more choices than the warning's buffer can list */
static const char *const wordy_names[] = {
	"alpha-alpha-alpha", "bravo-bravo-bravo", "charlie-charlie", "delta-delta-delta",
	"echo-echo-echo-echo", "foxtrot-foxtrot", "golf-golf-golf-golf", "hotel-hotel-hotel",
	"india-india-india", "juliett-juliett", NULL,
};

static const struct param_desc table[] = {
	{ .name = "flag", .type = PARAM_BOOL, .value = &flag },
	{ .name = "num", .type = PARAM_UINT, .value = &num, .min = 1, .max = 1000 },
	{ .name = "big", .type = PARAM_UINT, .value = &big, .min = 0, .max = UINT64_MAX },
	{ .name = "mem", .type = PARAM_SIZE, .value = &mem, .min = 0, .max = UINT64_MAX },
	{ .name = "lim", .type = PARAM_SIZE, .value = &lim, .min = 4096, .max = 1ULL << 30 },
	{ .name = "name", .type = PARAM_STRING, .value = name, .string_size = sizeof(name) },
	{ .name = "path", .type = PARAM_STRING, .value = path, .string_size = sizeof(path) },
	{ .name = "mode", .type = PARAM_ENUM, .value = &mode, .choices = mode_names },
	{ .name = "wordy", .type = PARAM_ENUM, .value = &wordy, .choices = wordy_names },
};

#define DEF_NUM 42
#define DEF_LIM 0x100000
#define DEF_MODE 2

static int setup(void **state)
{
	(void)state;
	flag = false;
	num = DEF_NUM;
	big = 7;
	mem = 0;
	lim = DEF_LIM;
	strcpy(name, "default");
	strcpy(path, "/none");
	mode = DEF_MODE;
	wordy = 0;
	log_capture_reset();
	return 0;
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

static int parse(const char *s)
{
	return cmdline_parse(s, table, ARRAY_SIZE(table));
}

static void expect_defaults(void)
{
	assert_false(flag);
	assert_int_equal(num, DEF_NUM);
	assert_int_equal(big, 7);
	assert_int_equal(mem, 0);
	assert_int_equal(lim, DEF_LIM);
	assert_string_equal(name, "default");
	assert_string_equal(path, "/none");
	assert_int_equal(mode, DEF_MODE);
}

/* One bad token: one problem, one warning, nothing changed. */
static void expect_rejected(const char *s, const char *warning)
{
	log_capture_reset();
	if (parse(s) != 1)
		fail_msg("'%s' was not reported as exactly one problem", s);
	assert_int_equal(log_capture_count(LOG_WARN), 1);
	if (!log_capture_contains(warning))
		fail_msg("'%s': no warning containing \"%s\"", s, warning);
	expect_defaults();
}

/* ---- empty input ---------------------------------------------------------------- */

static void test_empty_and_null(void **state)
{
	assert_int_equal(parse(NULL), 0);
	assert_int_equal(parse(""), 0);
	assert_int_equal(parse("   \t\n\r  "), 0);
	expect_defaults();
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

/* ---- bool ------------------------------------------------------------------------- */

static void test_bare_bool(void **state)
{
	assert_int_equal(parse("flag"), 0);
	assert_true(flag);
}

static void test_bool_values(void **state)
{
	static const struct {
		const char *s;
		bool v;
	} cases[] = {
		{ "flag=on", true },	  { "flag=off", false },  { "flag=yes", true },
		{ "flag=no", false },	  { "flag=true", true },  { "flag=false", false },
		{ "flag=1", true },	  { "flag=0", false },	  { "flag=enable", true },
		{ "flag=disable", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		flag = !cases[i].v;
		if (parse(cases[i].s) != 0 || flag != cases[i].v)
			fail_msg("'%s' gave %d", cases[i].s, flag);
	}
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_bool_bad_values(void **state)
{
	expect_rejected("flag=maybe", "bad value 'maybe' for 'flag'");
	expect_rejected("flag=", "for 'flag'");
	expect_rejected("flag=2", "keeping its default");
	expect_rejected("flag=onn", "bad value 'onn'");
	/* a bad value does not touch a value set earlier either */
	flag = true;
	assert_int_equal(parse("flag=nope"), 1);
	assert_true(flag);
}

/* ---- numbers ------------------------------------------------------------------------ */

static void test_uint_values(void **state)
{
	assert_int_equal(parse("num=7"), 0);
	assert_int_equal(num, 7);
	assert_int_equal(parse("num=0x3e8"), 0);
	assert_int_equal(num, 1000);
	assert_int_equal(parse("num=0X1f"), 0);
	assert_int_equal(num, 31);
	assert_int_equal(parse("num=1"), 0); /* both bounds are inclusive */
	assert_int_equal(num, 1);
	assert_int_equal(parse("num=010"), 0); /* decimal, not octal */
	assert_int_equal(num, 10);
	assert_int_equal(parse("big=18446744073709551615"), 0);
	assert_int_equal(big, UINT64_MAX);
	assert_int_equal(parse("big=0"), 0);
	assert_int_equal(big, 0);
	assert_int_equal(parse("big=0xFFFFFFFFFFFFFFFF"), 0);
	assert_int_equal(big, UINT64_MAX);
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_uint_out_of_range(void **state)
{
	expect_rejected("num=0", "out of range");
	assert_true(log_capture_contains("value '0' for 'num' out of range [1, 1000]"));
	expect_rejected("num=1001", "range [1, 1000]");
	expect_rejected("num=0x3e9", "out of range");
	expect_rejected("lim=1K", "out of range [4096, 1073741824]");
	expect_rejected("lim=2G", "out of range");
	expect_rejected("lim=4095", "out of range");
}

static void test_uint_overflow(void **state)
{
	expect_rejected("big=18446744073709551616", "out of range");
	expect_rejected("big=99999999999999999999", "out of range");
	expect_rejected("big=0x10000000000000000", "out of range");
	expect_rejected("mem=16777216T", "out of range"); /* 2^64 */
	expect_rejected("mem=17179869184G", "out of range");
	expect_rejected("mem=18014398509481984K", "out of range");
}

static void test_uint_malformed(void **state)
{
	expect_rejected("num=abc", "bad value 'abc' for 'num'");
	expect_rejected("num=12x", "bad value '12x'");
	expect_rejected("num=-1", "bad value '-1'");
	expect_rejected("num=+1", "bad value");
	expect_rejected("num=", "bad value '' for 'num'");
	expect_rejected("num=0x", "bad value '0x'");
	expect_rejected("num=0xg", "bad value");
	expect_rejected("num=1.5", "bad value");
	expect_rejected("num=1K", "bad value '1K'"); /* suffixes are for sizes only */
	expect_rejected("num", "parameter 'num' needs a value");
	expect_rejected("mem", "needs a value");
}

static void test_size_suffixes(void **state)
{
	static const struct {
		const char *s;
		uint64_t v;
	} cases[] = {
		{ "mem=4096", 4096 },
		{ "mem=4K", 4ULL << 10 },
		{ "mem=4k", 4ULL << 10 },
		{ "mem=2M", 2ULL << 20 },
		{ "mem=2m", 2ULL << 20 },
		{ "mem=3G", 3ULL << 30 },
		{ "mem=3g", 3ULL << 30 },
		{ "mem=1T", 1ULL << 40 },
		{ "mem=5t", 5ULL << 40 },
		{ "mem=0x10M", 16ULL << 20 },
		{ "mem=0K", 0 },
		{ "mem=16777215T", 16777215ULL << 40 },
		{ "lim=1G", 1ULL << 30 },
		{ "lim=4K", 4096 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		mem = 1;
		lim = 1;
		if (parse(cases[i].s) != 0)
			fail_msg("'%s' was rejected", cases[i].s);
		if ((cases[i].s[0] == 'm' ? mem : lim) != cases[i].v)
			fail_msg("'%s' gave %#llx", cases[i].s,
				 (unsigned long long)(cases[i].s[0] == 'm' ? mem : lim));
	}
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_size_malformed(void **state)
{
	expect_rejected("mem=4KB", "bad value '4KB' for 'mem'");
	expect_rejected("mem=K", "bad value");
	expect_rejected("mem=4P", "bad value");
	/* a space ends the value: "K" is a parameter of its own */
	assert_int_equal(parse("mem=4 K"), 1);
	assert_int_equal(mem, 4);
	assert_true(log_capture_contains("unknown parameter 'K'"));
}

/* ---- strings --------------------------------------------------------------------------- */

static void test_string(void **state)
{
	assert_int_equal(parse("name=hello"), 0);
	assert_string_equal(name, "hello");
	/* everything after the first '=' is the value */
	assert_int_equal(parse("name=a=b"), 0);
	assert_string_equal(name, "a=b");
	/* exactly the longest string that fits */
	assert_int_equal(parse("name=123456789012345"), 0);
	assert_string_equal(name, "123456789012345");
	/* an empty value is a valid empty string */
	assert_int_equal(parse("name="), 0);
	assert_string_equal(name, "");
}

static void test_string_too_long(void **state)
{
	expect_rejected("name=1234567890123456", "too long (max 15 characters)");
	assert_true(log_capture_contains("'name'"));
	expect_rejected("name", "needs a value");
}

static void test_quotes(void **state)
{
	assert_int_equal(parse("name=\"a b\" flag"), 0);
	assert_string_equal(name, "a b");
	assert_true(flag);
	/* quotes can wrap the whole token or sit in the middle of it */
	assert_int_equal(parse("\"name=x\ty z\""), 0);
	assert_string_equal(name, "x\ty z");
	assert_int_equal(parse("name=a\" \"b"), 0);
	assert_string_equal(name, "a b");
	assert_int_equal(parse("name=\"\""), 0);
	assert_string_equal(name, "");
	/* an unterminated quote runs to the end */
	assert_int_equal(parse("num=5 name=\"p q num=6"), 0);
	assert_string_equal(name, "p q num=6");
	assert_int_equal(num, 5);
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

/* ---- enums ----------------------------------------------------------------------------- */

static void test_enum(void **state)
{
	assert_int_equal(parse("mode=fast"), 0);
	assert_int_equal(mode, 0);
	assert_int_equal(parse("mode=slow"), 0);
	assert_int_equal(mode, 1);
	assert_int_equal(parse("mode=auto"), 0);
	assert_int_equal(mode, 2);
}

static void test_enum_bad_value(void **state)
{
	expect_rejected("mode=turbo", "bad value 'turbo' for 'mode' (expected fast|slow|auto)");
	expect_rejected("mode=", "expected fast|slow|auto");
	expect_rejected("mode=FAST", "expected fast|slow|auto");
	expect_rejected("mode=fas", "bad value 'fas'");
	expect_rejected("mode", "needs a value");
}

static void test_enum_many_choices(void **state)
{
	/* the list of choices is cut short rather than overflowing its buffer */
	assert_int_equal(parse("wordy=zulu"), 1);
	assert_true(log_capture_contains("(expected alpha-alpha-alpha|bravo-bravo-bravo|"));
	assert_int_equal(wordy, 0);
	assert_int_equal(parse("wordy=juliett-juliett"), 0);
	assert_int_equal(wordy, 9);
}

/* ---- tokenizing ------------------------------------------------------------------------ */

static void test_whitespace(void **state)
{
	assert_int_equal(parse("  flag\t\tnum=7\n\nmode=slow\r\n  name=x  "), 0);
	assert_true(flag);
	assert_int_equal(num, 7);
	assert_int_equal(mode, 1);
	assert_string_equal(name, "x");
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_unknown_parameter(void **state)
{
	expect_rejected("nosuch=1", "unknown parameter 'nosuch' ignored");
	expect_rejected("nu=5", "unknown parameter 'nu'");
	expect_rejected("numx=5", "unknown parameter 'numx'");
	expect_rejected("Flag", "unknown parameter 'Flag'");
	/* the rest of the line is still parsed */
	assert_int_equal(parse("bogus num=9 flag"), 1);
	assert_int_equal(num, 9);
	assert_true(flag);
}

static void test_value_without_name(void **state)
{
	expect_rejected("=value", "'=value' has no parameter name");
	expect_rejected("=", "has no parameter name");
	expect_rejected("==", "'==' has no parameter name");
}

static void test_overlong_token(void **state)
{
	enum { LONGEST = CMDLINE_MAX_TOKEN - 1 - 5 }; /* "path=" and LONGEST characters: the longest token */
	char line[CMDLINE_MAX_TOKEN * 2], *p = line, expect[64];

	p += sprintf(p, "path=");
	memset(p, 'a', LONGEST);
	p[LONGEST] = '\0';
	assert_int_equal(parse(line), 0);
	assert_int_equal(strlen(path), LONGEST);
	assert_int_equal(path[LONGEST - 1], 'a');

	/* one more character: the token is dropped, the next one still parsed */
	strcpy(path, "/none");
	p = line + sprintf(line, "path=");
	memset(p, 'b', LONGEST + 1);
	strcpy(p + LONGEST + 1, " num=5");
	log_capture_reset();
	assert_int_equal(parse(line), 1);
	assert_string_equal(path, "/none");
	assert_int_equal(num, 5);
	assert_int_equal(log_capture_count(LOG_WARN), 1);
	snprintf(expect, sizeof(expect), "is longer than %d characters, ignored", CMDLINE_MAX_TOKEN - 1);
	assert_true(log_capture_contains(expect));
	assert_true(log_capture_contains("'path=bbbbbbbbbbbbbbbbbbbbbbbbbbb...'"));

	/* a value longer than a token with a valid-looking name is not applied either */
	p = line + sprintf(line, "name=");
	memset(p, 'c', CMDLINE_MAX_TOKEN + 44);
	p[CMDLINE_MAX_TOKEN + 44] = '\0';
	assert_int_equal(parse(line), 1);
	assert_string_equal(name, "default");
}

static void test_last_duplicate_wins(void **state)
{
	assert_int_equal(parse("num=5 num=6 mode=fast mode=slow name=a name=b flag=on flag=off"), 0);
	assert_int_equal(num, 6);
	assert_int_equal(mode, 1);
	assert_string_equal(name, "b");
	assert_false(flag);
	/* a bad later value keeps the earlier good one */
	assert_int_equal(parse("num=5 num=bad"), 1);
	assert_int_equal(num, 5);
}

static void test_problem_count(void **state)
{
	assert_int_equal(parse("flag bogus num=0 mode=x name=ok =1 lim=1G num"), 5);
	assert_int_equal(log_capture_count(LOG_WARN), 5);
	assert_true(flag);
	assert_string_equal(name, "ok");
	assert_int_equal(lim, 1ULL << 30);
	assert_int_equal(num, DEF_NUM);
	assert_int_equal(mode, DEF_MODE);
}

/* ---- parse_uint ---------------------------------------------------------------------------- */

static void test_parse_uint(void **state)
{
	static const struct {
		const char *s;
		bool suffix;
		int err;
		uint64_t v;
	} cases[] = {
		{ "0", false, 0, 0 },
		{ "123", false, 0, 123 },
		{ "007", false, 0, 7 },
		{ "09", false, 0, 9 },
		{ "0x0", false, 0, 0 },
		{ "0xdeadBEEF", false, 0, 0xdeadbeef },
		{ "0XFF", false, 0, 0xff },
		{ "18446744073709551615", false, 0, UINT64_MAX },
		{ "0xffffffffffffffff", false, 0, UINT64_MAX },
		{ "0x0000000000000000001", false, 0, 1 },
		{ "18446744073709551616", false, -ERANGE, 0 },
		{ "184467440737095516150", false, -ERANGE, 0 },
		{ "0x10000000000000000", false, -ERANGE, 0 },
		{ "", false, -EINVAL, 0 },
		{ "0x", false, -EINVAL, 0 },
		{ "x10", false, -EINVAL, 0 },
		{ " 1", false, -EINVAL, 0 },
		{ "1 ", false, -EINVAL, 0 },
		{ "-1", false, -EINVAL, 0 },
		{ "+1", false, -EINVAL, 0 },
		{ "0x-1", false, -EINVAL, 0 },
		{ "12a", false, -EINVAL, 0 },
		{ "1K", false, -EINVAL, 0 },
		{ "1k", true, 0, 1ULL << 10 },
		{ "1K", true, 0, 1ULL << 10 },
		{ "3m", true, 0, 3ULL << 20 },
		{ "3M", true, 0, 3ULL << 20 },
		{ "2g", true, 0, 2ULL << 30 },
		{ "2G", true, 0, 2ULL << 30 },
		{ "7t", true, 0, 7ULL << 40 },
		{ "7T", true, 0, 7ULL << 40 },
		{ "0x1G", true, 0, 1ULL << 30 },
		{ "0K", true, 0, 0 },
		{ "123", true, 0, 123 },
		{ "1KK", true, -EINVAL, 0 },
		{ "1KB", true, -EINVAL, 0 },
		{ "K", true, -EINVAL, 0 },
		{ "1P", true, -EINVAL, 0 },
		{ "1 K", true, -EINVAL, 0 },
		{ "16777215T", true, 0, 16777215ULL << 40 },
		{ "16777216T", true, -ERANGE, 0 },
		{ "17179869183G", true, 0, 17179869183ULL << 30 },
		{ "17179869184G", true, -ERANGE, 0 },
		{ "0xffffffffffffffffK", true, -ERANGE, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 0x5555;
		int err = parse_uint(cases[i].s, cases[i].suffix, &v);

		if (err != cases[i].err)
			fail_msg("parse_uint(\"%s\", %d) returned %d, want %d", cases[i].s,
				 cases[i].suffix, err, cases[i].err);
		if (!err && v != cases[i].v)
			fail_msg("parse_uint(\"%s\") gave %#llx, want %#llx", cases[i].s,
				 (unsigned long long)v, (unsigned long long)cases[i].v);
		if (err && v != 0x5555)
			fail_msg("parse_uint(\"%s\") wrote its output on failure", cases[i].s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_empty_and_null),
		T(test_bare_bool),
		T(test_bool_values),
		T(test_bool_bad_values),
		T(test_uint_values),
		T(test_uint_out_of_range),
		T(test_uint_overflow),
		T(test_uint_malformed),
		T(test_size_suffixes),
		T(test_size_malformed),
		T(test_string),
		T(test_string_too_long),
		T(test_quotes),
		T(test_enum),
		T(test_enum_bad_value),
		T(test_enum_many_choices),
		T(test_whitespace),
		T(test_unknown_parameter),
		T(test_value_without_name),
		T(test_overlong_token),
		T(test_last_duplicate_wins),
		T(test_problem_count),
		T(test_parse_uint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
