/*
 * Host tests for fault campaign files (dom0-tools/xl-fi-campaign.c,
 * Documentation/modules/fault-injector.md): every key and its defaults,
 * lists of patterns, and every refusal with the line and column it names -
 * unknown keys, keys given twice, lists where one value goes, numbers out
 * of range or written wrong, bad targets, ranges and patterns, what the
 * whole file must have, and the syntax's own errors.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../dom0-tools/xl-fi-campaign.h"

static struct xl_fi_campaign c;
static char err[256];

#define BASE "target = \"hpc\"\ninjections = 10\nmem_flip = 1\n"

static void parses(const char *text)
{
	err[0] = '\0';
	if (xl_fi_campaign_parse(text, &c, err, sizeof(err)))
		fail_msg("refused: %s\n%s", err, text);
}

/* Refused with exactly this message. */
static void refused(const char *text, const char *want)
{
	err[0] = '\0';
	assert_int_equal(xl_fi_campaign_parse(text, &c, err, sizeof(err)), -1);
	if (strcmp(err, want))
		fail_msg("got '%s'\nwant '%s'", err, want);
}

static void test_defaults(void **state)
{
	parses(BASE);
	assert_string_equal(c.target, "hpc");
	assert_false(c.target_is_dom0);
	assert_int_equal(c.injections, 10);
	assert_int_equal(c.seed, 1);
	assert_int_equal(c.window_ms, 300);
	assert_int_equal(c.restart_ms, 120000);
	assert_int_equal(c.hang_ms, 60000);
	assert_false(c.have_mem);
	assert_int_equal(c.weight[XL_FI_MEM_FLIP], 1);
	for (uint32_t k = 1; k < XL_FI_NR_KINDS; k++)
		assert_int_equal(c.weight[k], 0);
	assert_int_equal(c.count, 1);
	assert_int_equal(c.error, EIO);
	assert_int_equal(c.hypercall, XL_FI_ANY);
	assert_int_equal(c.port, XL_FI_ANY);
	assert_int_equal(c.ok.n, 0);
	assert_int_equal(c.corrupt.n, 0);
	assert_true(c.user_crash.n >= 1);
	assert_string_equal(c.user_crash.text[0], "segfault at");
	assert_true(c.kernel_crash.n >= 1);
	assert_string_equal(c.kernel_crash.text[0], "Kernel panic");
	assert_false(c.unsafe);
}

static void test_every_key(void **state)
{
	parses("# a campaign\n"
	       "target = 'hpc-linux'   # by name\n"
	       "seed = 0xffffffffffffffff\n"
	       "injections = 100000; window_ms = 10\n"
	       "restart_ms = 3600000\n"
	       "hang_ms = 0\n"
	       "mem = \"0x1000000-0x6000000\"\n"
	       "mem_flip = 8\nreg_flip = 1\nhypercall_fail = 2\nio_corrupt = 3\nipi_drop = 4\nipi_dup = 1000000\n"
	       "count = 1000\n"
	       "errno = 4095\n"
	       "hypercall = 2\n"
	       "port = 0x3fd\n"
	       "ok = \"checksum: ok\"\n"
	       "corrupt = [ \"checksum: MISMATCH\",\n"
	       "            'bad data' ]\n"
	       "user_crash = \"Segmentation fault\"\n"
	       "kernel_crash = [ \"Kernel panic\", \"Oops\", ]\n"
	       "unsafe = 1\n");
	assert_string_equal(c.target, "hpc-linux");
	assert_true(c.seed == UINT64_MAX);
	assert_int_equal(c.injections, 100000);
	assert_int_equal(c.window_ms, 10);
	assert_int_equal(c.restart_ms, 3600000);
	assert_int_equal(c.hang_ms, 0);
	assert_true(c.have_mem);
	assert_int_equal(c.mem_start, 0x1000000);
	assert_int_equal(c.mem_end, 0x6000000);
	assert_int_equal(c.weight[XL_FI_MEM_FLIP], 8);
	assert_int_equal(c.weight[XL_FI_REG_FLIP], 1);
	assert_int_equal(c.weight[XL_FI_HC_FAIL], 2);
	assert_int_equal(c.weight[XL_FI_IO_CORRUPT], 3);
	assert_int_equal(c.weight[XL_FI_IPI_DROP], 4);
	assert_int_equal(c.weight[XL_FI_IPI_DUP], 1000000);
	assert_int_equal(c.count, 1000);
	assert_int_equal(c.error, 4095);
	assert_int_equal(c.hypercall, 2);
	assert_int_equal(c.port, 0x3fd);
	assert_int_equal(c.ok.n, 1);
	assert_string_equal(c.ok.text[0], "checksum: ok");
	assert_int_equal(c.corrupt.n, 2);
	assert_string_equal(c.corrupt.text[1], "bad data");
	assert_int_equal(c.user_crash.n, 1); /* given: the defaults go */
	assert_int_equal(c.kernel_crash.n, 2);
	assert_string_equal(c.kernel_crash.text[1], "Oops");
	assert_true(c.unsafe);
}

/* The weight keys are the kinds' names, as the module and the output say them. */
static void test_kind_keys(void **state)
{
	static const char *const names[XL_FI_NR_KINDS] = XL_FI_KIND_NAMES;
	char text[128];

	for (uint32_t k = 0; k < XL_FI_NR_KINDS; k++) {
		snprintf(text, sizeof(text), "target = hpc\ninjections = 1\n%s = 5\n", names[k]);
		parses(text);
		assert_int_equal(c.weight[k], 5);
	}
}

static void test_targets(void **state)
{
	parses("target = 7\ninjections = 1\nmem_flip = 1\n");
	assert_string_equal(c.target, "7");
	assert_false(c.target_is_dom0);
	parses("target = dom0\ninjections = 1\nmem_flip = 1\n");
	assert_true(c.target_is_dom0);
	parses("target = 0\ninjections = 1\nmem_flip = 1\n");
	assert_true(c.target_is_dom0);
	parses("target = 4294967295\ninjections = 1\nmem_flip = 1\n");
	refused("target = 010\ninjections = 1\nmem_flip = 1\n",
		"line 1, column 10: target '010' is not a domain id (decimal, no leading zeros, 32 bits)");
	refused("target = 4294967296\n", "line 1, column 10: target '4294967296' is not a domain id "
					  "(decimal, no leading zeros, 32 bits)");
	refused("target = \"a b\"\n", "line 1, column 10: target must be visible ASCII characters, without spaces");
	refused("target = \"\"\n", "line 1, column 10: target must be a domain's name or id (1 to 31 characters)");
	refused("target = \"0123456789012345678901234567890123\"\n",
		"line 1, column 10: target must be a domain's name or id (1 to 31 characters)");
	refused("target = [ hpc ]\n", "line 1, column 10: target takes one value, not a list");
}

static void test_numbers(void **state)
{
	refused(BASE "window_ms = 9\n", "line 4, column 13: window_ms must be a number from 10 to 600000, not '9'");
	refused(BASE "window_ms = 600001\n",
		"line 4, column 13: window_ms must be a number from 10 to 600000, not '600001'");
	refused("injections = 0\n", "line 1, column 14: injections must be a number from 1 to 100000, not '0'");
	refused("injections = 100001\n",
		"line 1, column 14: injections must be a number from 1 to 100000, not '100001'");
	refused("injections = ten\n", "line 1, column 14: injections must be a number from 1 to 100000, not 'ten'");
	refused("injections = 5x\n", "line 1, column 14: injections must be a number from 1 to 100000, not '5x'");
	refused("injections = -5\n", "line 1, column 14: injections must be a number from 1 to 100000, not '-5'");
	refused("seed = 0x10000000000000000\n",
		"line 1, column 8: seed must be a number from 0 to 18446744073709551615, not '0x10000000000000000'");
	refused("restart_ms = 0\n", "line 1, column 14: restart_ms must be a number from 1 to 3600000, not '0'");
	refused("hang_ms = 3600001\n", "line 1, column 11: hang_ms must be a number from 0 to 3600000, not '3600001'");
	refused("mem_flip = 1000001\n",
		"line 1, column 12: mem_flip must be a number from 0 to 1000000, not '1000001'");
	refused("count = 0\n", "line 1, column 9: count must be a number from 1 to 1000, not '0'");
	refused("errno = 4096\n", "line 1, column 9: errno must be a number from 1 to 4095, not '4096'");
	refused("unsafe = 2\n", "line 1, column 10: unsafe must be a number from 0 to 1, not '2'");
	refused("seed = [ 1 ]\n", "line 1, column 8: seed takes one value, not a list");
	/* decimal, never octal: 010 is ten */
	parses(BASE "window_ms = 010\n");
	assert_int_equal(c.window_ms, 10);
	/* a number may be quoted */
	parses(BASE "seed = \"42\"\n");
	assert_int_equal(c.seed, 42);
}

static void test_any_or_number(void **state)
{
	parses(BASE "hypercall = any\nport = \"any\"\n");
	assert_int_equal(c.hypercall, XL_FI_ANY);
	assert_int_equal(c.port, XL_FI_ANY);
	parses(BASE "hypercall = 0\nport = 65535\n");
	assert_int_equal(c.hypercall, 0);
	assert_int_equal(c.port, 0xffff);
	refused(BASE "port = 65536\n", "line 4, column 8: port must be \"any\" or a number from 0 to 65535, not '65536'");
	refused(BASE "hypercall = 4294967295\n",
		"line 4, column 13: hypercall must be \"any\" or a number from 0 to 4294967294, not '4294967295'");
	refused(BASE "port = all\n", "line 4, column 8: port must be \"any\" or a number from 0 to 65535, not 'all'");
	refused(BASE "port = [ any ]\n", "line 4, column 8: port takes one value, not a list");
}

static void test_mem_range(void **state)
{
	parses(BASE "mem = '4096-8192'\n");
	assert_int_equal(c.mem_start, 4096);
	assert_int_equal(c.mem_end, 8192);
	parses(BASE "mem = 0-0x1000\n");
	assert_int_equal(c.mem_start, 0);
	static const char *const bad[] = { "0x2000-0x1000", "0x1000-0x1000", "0x1000", "-0x1000", "0x1000-",
					   "0x1000-0x2000x", "a-b", "0x1000 - 0x2000" };
	char text[128], want[200];

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), BASE "mem = \"%s\"\n", bad[i]);
		snprintf(want, sizeof(want), "line 4, column 7: mem must be \"START-END\", guest-physical, START "
			 "below END (\"0x1000000-0x6000000\"), not '%s'", bad[i]);
		refused(text, want);
	}
}

static void test_patterns(void **state)
{
	char text[400], want[160];

	refused(BASE "ok = \"\"\n", "line 4, column 6: ok has a pattern of 0 characters: 1 to 63");
	refused(BASE "ok = []\n", "line 4, column 6: ok must name at least one pattern");
	/* a list item refused: its own line and column */
	refused(BASE "corrupt = [ \"a\",\n   \"\" ]\n", "line 5, column 4: corrupt has a pattern of 0 characters: 1 to 63");
	snprintf(text, sizeof(text), BASE "ok = \"%0*d\"\n", 64, 0);
	refused(text, "line 4, column 6: ok has a pattern of 64 characters: 1 to 63");
	snprintf(text, sizeof(text), BASE "ok = \"%0*d\"\n", 63, 0);
	parses(text);
	assert_int_equal(strlen(c.ok.text[0]), 63);
	snprintf(text, sizeof(text), BASE "kernel_crash = [ a, b, c, d, e, f, g, h, i ]\n");
	snprintf(want, sizeof(want), "line 4, column 42: kernel_crash has more than %d patterns", XL_FI_PATTERNS_MAX);
	refused(text, want);
	parses(BASE "kernel_crash = [ a, b, c, d, e, f, g, h ]\n");
	assert_int_equal(c.kernel_crash.n, XL_FI_PATTERNS_MAX);
	/* escapes resolved: the pattern is the text the line holds */
	parses(BASE "ok = 'it\\'s ok'\n");
	assert_string_equal(c.ok.text[0], "it's ok");
}

static void test_keys(void **state)
{
	refused(BASE "windw_ms = 5\n", "line 4, column 1: unknown key 'windw_ms'");
	refused(BASE "  seed = 5\nseed = 6\n", "line 5, column 1: seed given twice (first on line 4)");
	refused("target = a\ntarget = b\n", "line 2, column 1: target given twice (first on line 1)");
	refused(BASE "x234567890123456789012345678901234567890123456789 = 1\n",
		"line 4, column 1: unknown key 'x234567890123456789012345678901234567890'");
}

static void test_whole_file(void **state)
{
	refused("injections = 1\nmem_flip = 1\n", "target is required");
	refused("target = hpc\nmem_flip = 1\n", "injections is required");
	refused("target = hpc\ninjections = 1\n",
		"no kind of injection has a weight: give one or more of mem_flip, reg_flip, hypercall_fail, "
		"io_corrupt, ipi_drop, ipi_dup (e.g. mem_flip = 8)");
	refused("target = hpc\ninjections = 1\nmem_flip = 0\nipi_dup = 0\n",
		"no kind of injection has a weight: give one or more of mem_flip, reg_flip, hypercall_fail, "
		"io_corrupt, ipi_drop, ipi_dup (e.g. mem_flip = 8)");
	refused("", "target is required");
}

/* The syntax's errors, with their line and column (xl-cfg-syntax.c). */
static void test_syntax(void **state)
{
	refused(BASE "seed 5\n", "line 4, column 6: expected 'key = value'");
	refused(BASE "ok = \"open\n", "line 4, column 6: unterminated string");
	refused(BASE "seed = 5 6\n", "line 4, column 10: unexpected '6' after the value");
	refused(BASE "ok = \"a\\q\"\n", "line 4, column 8: unknown escape '\\q' in a string (\\\" \\' \\\\ \\n \\t \\r are known)");
	refused(BASE "corrupt = [ \"a\"\n", "line 4: corrupt is a list without its closing ']'");
	refused(BASE "= 5\n", "line 4, column 1: expected 'key = value'");
	/* CRLF lines, comments, ';' between settings */
	parses("target = hpc\r\ninjections = 2 # two\r\nmem_flip = 1; reg_flip = 2\r\n");
	assert_int_equal(c.weight[XL_FI_REG_FLIP], 2);
}

/* The example dom0 carries in /etc/xen-lite/ parses (the tests run from the top of the tree). */
static void test_shipped_example(void **state)
{
	char text[4096];
	FILE *f = fopen("dom0-tools/examples/checksum-campaign.cfg", "r");
	size_t n;

	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	parses(text);
	assert_string_equal(c.target, "checksum"); /* dom0-tools/examples/checksum.cfg */
	assert_int_equal(c.injections, 200);
	assert_int_equal(c.ok.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_kind_keys),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_any_or_number),
		cmocka_unit_test(test_mem_range),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_whole_file),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_shipped_example),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
