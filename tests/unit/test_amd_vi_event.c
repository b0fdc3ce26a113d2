/* Host tests for AMD-Vi event log decoding (iommu/amd_vi_event.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../iommu/amd_vi_event.h"

static void test_io_page_fault(void **state)
{
	/* device 00:03.0, domain 1, a write (flag bit 5), address 0x30000000 */
	const uint32_t e[4] = { 0x0018, 0x20000001u | (1u << 21), 0x30000000, 0 };
	struct iommu_fault f;

	memset(&f, 0, sizeof(f));
	assert_true(amd_vi_event_decode(e, &f));
	assert_int_equal(f.bdf, 0x18);
	assert_int_equal(f.addr, 0x30000000);
	assert_true(f.write);
	assert_string_equal(f.what, "IO page fault");
}

static void test_read_fault_high_address(void **state)
{
	const uint32_t e[4] = { 0xff07, 0x20000000u, 0xdeadb000, 0x12 };
	struct iommu_fault f;

	assert_true(amd_vi_event_decode(e, &f));
	assert_int_equal(f.bdf, 0xff07);
	assert_int_equal(f.addr, 0x12deadb000ULL);
	assert_false(f.write);
}

static void test_other_events_named(void **state)
{
	const uint32_t dte[4] = { 5, 0x10000000u | (1u << 21), 0, 0 };
	const uint32_t odd[4] = { 5, 0xf0000000u, 0, 0 };
	struct iommu_fault f;

	assert_true(amd_vi_event_decode(dte, &f));
	assert_string_equal(f.what, "illegal device table entry");
	assert_false(f.write); /* the write flag means something only for page faults */
	assert_true(amd_vi_event_decode(odd, &f));
	assert_string_equal(f.what, "AMD-Vi event");
}

static void test_empty_slot(void **state)
{
	/* the hardware writes the code last as far as software can tell: no code, no event */
	const uint32_t e[4] = { 0x18, 0x0fffffffu, 0x1000, 0 };
	struct iommu_fault f;

	assert_false(amd_vi_event_decode(e, &f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_io_page_fault),
		cmocka_unit_test(test_read_fault_high_address),
		cmocka_unit_test(test_other_events_named),
		cmocka_unit_test(test_empty_slot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
