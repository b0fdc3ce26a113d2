/*
 * Host tests for AMD-Vi device table entries (iommu/amd_vi_dte.c), against
 * the layout of the AMD I/O Virtualization Technology specification:
 * word 0 V (0), TV (1), Mode (9-11), root (12-51), IR (61), IW (62);
 * word 1 DomainID (0-15); word 2 IV (0), IntCtl (60-61), and the pass bits
 * InitPass (56), EIntPass (57), NMIPass (58), Lint0Pass (62), Lint1Pass (63).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../iommu/amd_vi_dte.h"

#define PASS_BITS ((1ULL << 56) | (1ULL << 57) | (1ULL << 58) | (1ULL << 62) | (1ULL << 63))

static void test_translating_entry(void **state)
{
	uint64_t d[4];

	amd_vi_dte_compose(0x12345000, 0x2a, true, d);
	assert_int_equal(d[0] & 3, 3); /* valid, translation valid */
	assert_int_equal((d[0] >> 9) & 7, 4); /* four levels */
	assert_int_equal(d[0] & 0x000ffffffffff000ULL, 0x12345000);
	assert_int_equal(d[0] >> 61, 3); /* read and write, bit 63 reserved clear */
	assert_int_equal(d[1], 0x2a);
	assert_int_equal(d[3], 0);
	/* low bits of the root never leak into the flags */
	amd_vi_dte_compose(0x12345fff, 1, true, d);
	assert_int_equal(d[0] & 0xfff, 0x803);
}

static void test_interrupts_pass_for_dom0(void **state)
{
	uint64_t d[4];

	amd_vi_dte_compose(0x1000, 1, true, d);
	assert_int_equal(d[2], 0); /* interrupt map not valid: passed as they are */
}

static void test_interrupts_blocked_otherwise(void **state)
{
	uint64_t d[4];

	amd_vi_dte_compose(0x1000, 2, false, d);
	assert_int_equal(d[2] & 1, 1); /* interrupt map valid */
	assert_int_equal((d[2] >> 60) & 3, 0); /* IntCtl 00b: fixed and arbitrated target-aborted */
	assert_int_equal(d[2] & PASS_BITS, 0); /* INIT, ExtINT, NMI, LINT0/1 not passed */
	assert_int_equal(d[2] & ~1ULL, 0); /* no table, no length */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_translating_entry),
		cmocka_unit_test(test_interrupts_pass_for_dom0),
		cmocka_unit_test(test_interrupts_blocked_otherwise),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
