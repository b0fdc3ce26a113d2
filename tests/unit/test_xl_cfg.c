/* Host tests for guest configuration files (dom0-tools/xl-cfg.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../dom0-tools/xl-cfg.h"

static struct xl_cfg cfg;
static char err[256];

static int parse(const char *text)
{
	err[0] = '\0';
	return xl_cfg_parse(text, &cfg, err, sizeof(err));
}

static void test_full(void **state)
{
	assert_int_equal(parse("# an HPC guest\n"
			       "name = \"lwk-1\"\n"
			       "type = \"elf\"\n"
			       "kernel = /guests/hello.elf   # the image\n"
			       "memory = 64\n"
			       "vcpus = 1\n"
			       "cpus = 2\n"
			       "cmdline = \"xl-guest name=lwk-1 # not a comment\"\n"
			       "on_crash = \"destroy\"\n"),
			 0);
	assert_string_equal(cfg.name, "lwk-1");
	assert_string_equal(cfg.kernel, "/guests/hello.elf");
	assert_true(cfg.memory_mib == 64);
	assert_int_equal(cfg.cpu, 2);
	assert_true(cfg.have_cmdline);
	assert_string_equal(cfg.cmdline, "xl-guest name=lwk-1 # not a comment");
	assert_int_equal(cfg.on_crash, XL_ON_CRASH_DESTROY);
}

static void test_defaults(void **state)
{
	assert_int_equal(parse("name=a\nkernel=k\nmemory=2"), 0);
	assert_int_equal(cfg.cpu, -1);
	assert_int_equal(cfg.vcpus, 1);
	assert_false(cfg.have_cmdline);
	assert_int_equal(cfg.on_crash, XL_ON_CRASH_PRESERVE);
	assert_int_equal(parse("name=a\r\nkernel=k\r\nmemory=2\r\ncpus = any\r\n"), 0);
	assert_int_equal(cfg.cpu, -1);
}

static void expect_error(const char *text, const char *msg)
{
	assert_int_equal(parse(text), -1);
	if (!strstr(err, msg))
		fail_msg("error '%s' does not say '%s'", err, msg);
}

static void test_errors(void **state)
{
	expect_error("name=a\nmemroy=2\n", "line 2: unknown key 'memroy'");
	expect_error("name=a\nkernel=k\n", "memory is required");
	expect_error("kernel=k\nmemory=2\n", "name is required");
	expect_error("name=a\nmemory=2\n", "kernel is required");
	expect_error("name=a\nkernel=k\nmemory=1\n", "line 3: memory must be a size in MiB");
	expect_error("name=a\nkernel=k\nmemory=lots\n", "line 3: memory");
	expect_error("name=a\nkernel=k\nmemory=2\nvcpus=2\n", "line 4: vcpus must be 1");
	expect_error("name=a\nkernel=k\nmemory=2\ntype=linux\n", "Linux guests are not supported yet");
	expect_error("name=a\nkernel=k\nmemory=2\non_crash=reboot\n", "line 4: on_crash must be");
	assert_int_equal(parse("name=a\nkernel=k\nmemory=2\non_crash=restart\n"), 0);
	assert_int_equal(cfg.on_crash, XL_ON_CRASH_RESTART);
	expect_error("name=a\nkernel=k\nmemory=2\ncpus=1,2\n", "line 4: cpus must be one");
	expect_error("name=\"unterminated\nkernel=k\nmemory=2\n", "line 1: unterminated string");
	expect_error("name=0123456789012345678901234567890123\n", "line 1: name must be 1 to 31");
	expect_error("just words\n", "line 1: expected 'key = value'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
