/*
 * Host tests for VT-d interrupt remapping entries and remappable messages
 * (iommu/vtd_irte.c), against the Intel VT-d specification: an entry's low
 * quadword is P (0), FPD (1), DM (2), RH (3), TM (4), DLM (5-7), IM (15),
 * V (16-23), DST (32-63; bits 15:8 of it, 40-47, in xAPIC mode); the high
 * quadword SID (0-15), SQ (16-17), SVT (18-19). A remappable message's
 * address is 0xFEE in bits 31:20, handle[14:0] in 19:5, the format bit 4,
 * SHV 3, handle[15] in bit 2. The I/O APIC's remappable redirection entries
 * (arch/ioapic.h) carry the handle in bits 63:49 and 11, bit 48 set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../iommu/vtd_ir.h"
#include <arch/ioapic.h>

static void test_fixed_physical_entry(void **state)
{
	const struct vtd_irte_target t = { .dest = 5, .vector = 0x41 };
	uint64_t e[2];

	vtd_irte_compose(&t, 0x0018, e);
	assert_int_equal(e[0] & 1, 1); /* present */
	assert_int_equal((e[0] >> 1) & 1, 0); /* faults reported */
	assert_int_equal((e[0] >> 2) & 1, 0); /* physical */
	assert_int_equal((e[0] >> 4) & 1, 0); /* edge */
	assert_int_equal((e[0] >> 5) & 7, 0); /* fixed */
	assert_int_equal((e[0] >> 15) & 1, 0); /* remapped, not posted */
	assert_int_equal((e[0] >> 16) & 0xff, 0x41);
	assert_int_equal(e[0] >> 32, 5u << 8); /* xAPIC: the id in DST bits 15:8 */
	assert_int_equal(e[1] & 0xffff, 0x0018); /* only this requester */
	assert_int_equal((e[1] >> 16) & 3, 0); /* all 16 bits compared */
	assert_int_equal((e[1] >> 18) & 3, 1); /* SVT: verify the requester id */
	assert_int_equal(e[1] >> 20, 0);
}

static void test_other_modes(void **state)
{
	const struct vtd_irte_target t = { .dest = 0x3, .vector = 0xec, .logical = true, .lowest = true,
					   .level = true };
	uint64_t e[2];

	vtd_irte_compose(&t, 0xfa, e);
	assert_int_equal((e[0] >> 2) & 1, 1);
	assert_int_equal((e[0] >> 4) & 1, 1);
	assert_int_equal((e[0] >> 5) & 7, 1);
	assert_int_equal((e[0] >> 16) & 0xff, 0xec);
}

static void test_not_present(void **state)
{
	const struct vtd_irte_target none = { .dest = 1, .vector = 0 }, wide = { .dest = 0x100, .vector = 0x41 };
	uint64_t e[2] = { ~0ULL, ~0ULL };

	vtd_irte_compose(&none, 1, e);
	assert_int_equal(e[0], 0);
	assert_int_equal(e[1], 0);
	e[0] = e[1] = ~0ULL;
	vtd_irte_compose(&wide, 1, e); /* beyond xAPIC ids: not this format */
	assert_int_equal(e[0], 0);
	assert_int_equal(e[1], 0);
}

static void test_message_address(void **state)
{
	assert_int_equal(vtd_irte_msi_addr(0, false), 0xfee00010);
	assert_int_equal(vtd_irte_msi_addr(516, false), 0xfee04090); /* 0x204 << 5, format bit */
	assert_int_equal(vtd_irte_msi_addr(0x7fff, false), 0xfeefffF0);
	assert_int_equal(vtd_irte_msi_addr(0x8000, false), 0xfee00014); /* handle bit 15 in address bit 2 */
	assert_int_equal(vtd_irte_msi_addr(0xffff, false) & 0xfff00000, 0xfee00000);
	assert_int_equal(vtd_irte_msi_addr(512, true), 0xfee04018); /* SHV: the data word is the subhandle */
}

/* An I/O APIC pin's entry in the remappable format (VT-d 5.1.5.1; arch/ioapic.h). */
static void test_ioapic_rte(void **state)
{
	uint32_t lo, hi;

	/* dom0's: vector 0x31, level, active low, masked, logical, lowest */
	ioapic_rte_remappable(0x1234, 0x1ab31 | 0x5000, &lo, &hi); /* with delivery status, remote IRR */
	assert_int_equal(lo & 0xff, 0x31); /* kept: an EOI to the I/O APIC names it */
	assert_int_equal(lo & (1u << 15), 1u << 15); /* level */
	assert_int_equal(lo & (1u << 13), 1u << 13); /* polarity */
	assert_int_equal(lo & (1u << 16), 1u << 16); /* mask */
	assert_int_equal(lo & 0x700, 0); /* delivery mode bits zero */
	assert_int_equal(lo & 0x800, 0); /* handle bit 15 clear */
	assert_int_equal(lo & (1u << 12 | 1u << 14), 0); /* read-only bits not set */
	assert_int_equal(hi, 1u << 16 | 0x1234u << 17);
	ioapic_rte_remappable(0x8001, 0x22, &lo, &hi);
	assert_int_equal(lo, 0x22 | 0x800);
	assert_int_equal(hi, 1u << 16 | 1u << 17);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_physical_entry),
		cmocka_unit_test(test_other_modes),
		cmocka_unit_test(test_not_present),
		cmocka_unit_test(test_message_address),
		cmocka_unit_test(test_ioapic_rte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
