/*
 * Host tests for AMD-Vi interrupt remapping (iommu/amd_vi_irt.c), against the
 * AMD I/O Virtualization Technology specification: a 32-bit remapping entry
 * is RemapEn (0), SupIOPF (1), IntType (2-4), RqEoi (5), DM (6),
 * Destination (8-15), Vector (16-23); word 2 of a device table entry is IV
 * (0), IntTabLen (1-4), IgnUnmInts (5), IntTableRootPtr (6-51), the pass
 * bits (56-58, 62-63) and IntCtl (60-61, 10b: remapped).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../iommu/amd_vi_irt.h"

#define PASS_BITS ((1ULL << 56) | (1ULL << 57) | (1ULL << 58) | (1ULL << 62) | (1ULL << 63))

static void test_entry_fixed_physical(void **state)
{
	uint32_t e = amd_vi_irte_compose(3, 0x41);

	assert_int_equal(e & 1, 1); /* remapping on */
	assert_int_equal((e >> 2) & 7, 0); /* fixed */
	assert_int_equal((e >> 5) & 1, 0);
	assert_int_equal((e >> 6) & 1, 0); /* physical destination */
	assert_int_equal((e >> 8) & 0xff, 3);
	assert_int_equal((e >> 16) & 0xff, 0x41);
	assert_int_equal(e >> 24, 0);
	assert_int_equal(amd_vi_irte_compose(0xff, 0xff), 0x00ffff01u);
}

static void test_entry_off(void **state)
{
	assert_int_equal(amd_vi_irte_compose(1, 0), 0); /* vector 0: aborted */
	assert_int_equal(amd_vi_irte_compose(0x100, 0x41), 0); /* beyond 8 bits: not this format */
}

static void test_device_word(void **state)
{
	uint64_t w = amd_vi_dte_intr_remapped(0x12345680);

	assert_int_equal(w & 1, 1); /* interrupt map valid */
	assert_int_equal((w >> 1) & 0xf, 9); /* 512 entries */
	assert_int_equal((w >> 5) & 1, 0); /* unmapped interrupts are reported */
	assert_int_equal(w & 0x000fffffffffffc0ULL, 0x12345680);
	assert_int_equal((w >> 60) & 3, 2); /* remapped */
	assert_int_equal(w & PASS_BITS, 0); /* NMI, INIT, ExtINT, LINT stay blocked */
	/* an unaligned or too wide address never spills into the flags */
	w = amd_vi_dte_intr_remapped(0xfff012345683fULL);
	assert_int_equal(w & 0x3f, 0x13);
	assert_int_equal(w & PASS_BITS, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_fixed_physical),
		cmocka_unit_test(test_entry_off),
		cmocka_unit_test(test_device_word),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
