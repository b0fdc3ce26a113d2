/* Host tests for dom0's ICR policy (arch/x86_64/icr_policy.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arch/icr_policy.h>

static const struct icr_owner flat = { .apic_id = 0, .ldr = 0x01000000, .dfr = 0xFFFFFFFF };
static const struct icr_owner cluster = { .apic_id = 0, .ldr = 0x11000000, .dfr = 0x0FFFFFFF };

static bool allowed(uint32_t lo, uint32_t hi, const struct icr_owner *o)
{
	const char *why = NULL;
	bool ok = icr_write_allowed(lo, hi, o, &why);

	assert_true(ok || why != NULL);
	return ok;
}

static void test_self(void **state)
{
	assert_true(allowed(0x000000ef, 0, &flat)); /* fixed, physical, to APIC 0 (itself) */
	assert_true(allowed(0x000400ef, 0xff000000, &flat)); /* shorthand self */
	assert_true(allowed(0x000008ef, 0x01000000, &flat)); /* logical flat: its own bit */
	assert_true(allowed(0x000001ef, 0, &flat)); /* lowest priority to itself */
	assert_true(allowed(0x000008ef, 0x11000000, &cluster));
}

static void test_refused(void **state)
{
	/* INIT and SIPI to APIC 1: starting a CPU dom0 does not own */
	assert_false(allowed(0x00004500, 0x01000000, &flat));
	assert_false(allowed(0x00004601, 0x01000000, &flat));
	/* even to itself: an INIT would reset the hypervisor's CPU 0 */
	assert_false(allowed(0x00004500, 0, &flat));
	assert_false(allowed(0x00000400, 0, &flat)); /* NMI */
	assert_false(allowed(0x00000200, 0, &flat)); /* SMI */
	assert_false(allowed(0x000000ef, 0x01000000, &flat)); /* fixed to APIC 1 */
	assert_false(allowed(0x000008ef, 0x03000000, &flat)); /* logical: its bit and another */
	assert_false(allowed(0x000008ef, 0x00000000, &flat)); /* logical: nobody */
	assert_false(allowed(0x000008ef, 0x12000000, &cluster));
	assert_false(allowed(0x000800ef, 0, &flat)); /* all including self */
	assert_false(allowed(0x000c00ef, 0, &flat)); /* all excluding self */
	assert_false(allowed(0x000c4500, 0, &flat)); /* INIT broadcast */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_self),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
