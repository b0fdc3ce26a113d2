/* Host tests for the XSETBV policy (arch/x86_64/xcr0_policy.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arch/guest_policy.h>

/* x87, SSE, AVX, MPX, AVX-512, PKRU, AMX: a CPU with everything */
#define ALL 0x602ffULL

static void test_valid_values(void **state)
{
	(void)state;
	assert_true(xcr0_allowed(0x1, ALL));
	assert_true(xcr0_allowed(0x3, ALL));
	assert_true(xcr0_allowed(0x7, ALL));
	assert_true(xcr0_allowed(0x1f, ALL));
	assert_true(xcr0_allowed(0xe7, ALL));
	assert_true(xcr0_allowed(0x602e7, ALL));
	assert_true(xcr0_allowed(0x207, ALL));
}

static void test_refused_values(void **state)
{
	(void)state;
	assert_false(xcr0_allowed(0x0, ALL)); /* x87 is mandatory */
	assert_false(xcr0_allowed(0x2, ALL));
	assert_false(xcr0_allowed(0x5, ALL)); /* AVX without SSE */
	assert_false(xcr0_allowed(0xf, ALL)); /* one MPX bit */
	assert_false(xcr0_allowed(0x17, ALL));
	assert_false(xcr0_allowed(0x27, ALL)); /* part of AVX-512 */
	assert_false(xcr0_allowed(0x67, ALL));
	assert_false(xcr0_allowed(0xe3, ALL)); /* AVX-512 without AVX */
	assert_false(xcr0_allowed(0x20007, ALL)); /* one AMX bit */
	assert_false(xcr0_allowed(0x40007, ALL));
	assert_false(xcr0_allowed(0x7, 0x3)); /* AVX the CPU lacks */
	assert_false(xcr0_allowed(0x8000000000000003ULL, ALL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_values),
		cmocka_unit_test(test_refused_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
