/*
 * Host tests for Xen's parameter forms (xen-lite/params_xen.c) through the
 * real parameter table (xen-lite/params.c): what each form becomes, and
 * what is refused - with the default kept and the reason, naming
 * xen-lite's form, in the log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite/log.h>
#include <xen-lite/params.h>

#include "log_capture.h"

static struct params defaults;

static int setup(void **state)
{
	(void)state;
	defaults = params;
	log_capture_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	params = defaults;
	return 0;
}

static void test_dom0_mem(void **state)
{
	(void)state;
	assert_int_equal(params_parse("dom0_mem=4G,max:4G"), 0);
	assert_int_equal(params.dom0_mem, 4ULL << 30);
	assert_int_equal(params_parse("dom0_mem=8G,max:4G"), 0); /* capped by max */
	assert_int_equal(params.dom0_mem, 4ULL << 30);
	assert_int_equal(params_parse("dom0_mem=min:2G,1G"), 0); /* raised to min */
	assert_int_equal(params.dom0_mem, 2ULL << 30);
	assert_int_equal(params_parse("dom0_mem=max:3G"), 0); /* as much as there is, up to max */
	assert_int_equal(params.dom0_mem, 3ULL << 30);
	assert_int_equal(params_parse("dom0_mem=min:512M,max:1024M,768M"), 0);
	assert_int_equal(params.dom0_mem, 768ULL << 20);
	assert_int_equal(params_parse("dom0_mem=1048576,max:2G"), 0); /* Xen: no suffix is KiB */
	assert_int_equal(params.dom0_mem, 1ULL << 30);
	assert_true(log_capture_contains("dom0_mem=1048576,max:2G read as dom0_mem=1073741824"));
	/* xen-lite's own form is untouched: bytes without a suffix */
	assert_int_equal(params_parse("dom0_mem=536870912"), 0);
	assert_int_equal(params.dom0_mem, 512ULL << 20);
}

static void test_dom0_mem_refused(void **state)
{
	(void)state;
	params.dom0_mem = 777;
	assert_int_equal(params_parse("dom0_mem=-2G"), 1);
	assert_true(log_capture_contains("'all but' form is not supported; give dom0's size"));
	assert_int_equal(params_parse("dom0_mem=min:1G"), 1);
	assert_true(log_capture_contains("no size for dom0; xen-lite's form is dom0_mem=SIZE"));
	assert_int_equal(params_parse("dom0_mem=4G,max:lots"), 1);
	assert_true(log_capture_contains("'max:lots' is not a size"));
	assert_int_equal(params_parse("dom0_mem=4G,,"), 1);
	assert_int_equal(params_parse("dom0_mem=max:-1G"), 1);
	assert_int_equal(params.dom0_mem, 777); /* every refusal kept the value */
	/* the result still meets xen-lite's bounds */
	assert_int_equal(params_parse("dom0_mem=1M,max:2M"), 1);
	assert_true(log_capture_contains("out of range"));
	assert_int_equal(params.dom0_mem, 777);
}

static void test_dom0_max_vcpus(void **state)
{
	(void)state;
	assert_int_equal(params_parse("dom0_max_vcpus=1-4"), 0);
	assert_int_equal(params.dom0_max_vcpus, 4);
	assert_int_equal(params_parse("dom0_max_vcpus=2"), 0);
	assert_int_equal(params.dom0_max_vcpus, 2);
	assert_int_equal(params_parse("dom0_max_vcpus=4-1"), 1);
	assert_true(log_capture_contains("not a range MIN-MAX; xen-lite's form is dom0_max_vcpus=N"));
	assert_int_equal(params_parse("dom0_max_vcpus=1-"), 1);
	assert_int_equal(params_parse("dom0_max_vcpus=1-100"), 1); /* beyond xen-lite's 64 */
	assert_int_equal(params.dom0_max_vcpus, 2);
}

static void test_loglvl(void **state)
{
	(void)state;
	assert_int_equal(params_parse("loglvl=all"), 0);
	assert_int_equal(params.loglvl, LOG_DEBUG);
	assert_int_equal(params_parse("loglvl=warning"), 0);
	assert_int_equal(params.loglvl, LOG_WARN);
	assert_int_equal(params_parse("loglvl=info"), 0); /* the same word in both */
	assert_int_equal(params.loglvl, LOG_INFO);
	assert_int_equal(params_parse("loglvl=all/all"), 1);
	assert_true(log_capture_contains("no level for rate-limited messages"));
	assert_int_equal(params_parse("loglvl=none"), 1);
	assert_true(log_capture_contains("the quietest is loglvl=error"));
	assert_int_equal(params.loglvl, LOG_INFO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dom0_mem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dom0_mem_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dom0_max_vcpus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loglvl, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
