/*
 * Host tests for the VT-d fault log reader (iommu/vtd_faults.c). The unit's
 * registers are a plain page of memory: what the driver writes stays there
 * (no write-1-to-clear), so a test sees exactly what was written back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../iommu/vtd.h"
#include "log_capture.h"

#define FRO 0x22 /* records at 0x220, as QEMU has them */
#define RECORDS 4
#define F (1u << 31)
#define READ (1u << 30)

static _Alignas(4096) uint8_t regs[4096];
static struct vtd_unit unit;
static struct iommu_fault seen[8];
static char seen_what[8][40];
static unsigned int nseen;

static void put32(unsigned int off, uint32_t v)
{
	memcpy(regs + off, &v, 4);
}

static uint32_t get32(unsigned int off)
{
	uint32_t v;

	memcpy(&v, regs + off, 4);
	return v;
}

static void put_record(unsigned int i, uint64_t addr, uint16_t sid, uint32_t status)
{
	unsigned int off = FRO * 16 + i * 16;

	memcpy(regs + off, &addr, 8);
	put32(off + 8, sid);
	put32(off + 12, status);
}

static void collect(const struct iommu_fault *f, void *ctx)
{
	assert_ptr_equal(ctx, &nseen);
	assert_true(nseen < 8);
	seen[nseen] = *f;
	strncpy(seen_what[nseen], f->what, sizeof(seen_what[0]) - 1);
	seen[nseen].what = seen_what[nseen];
	nseen++;
}

static int setup(void **state)
{
	memset(regs, 0, sizeof(regs));
	memset(seen, 0, sizeof(seen));
	memset(seen_what, 0, sizeof(seen_what));
	nseen = 0;
	unit = (struct vtd_unit){
		.regs = regs,
		.base = 0xfed90000,
		.reg_size = 4096,
		.cap = (uint64_t)FRO << 24 | (uint64_t)(RECORDS - 1) << 40,
	};
	log_capture_reset();
	return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, NULL)

static void test_nothing_recorded(void **state)
{
	put_record(1, 0x5000, 0xfa, 0x06); /* F clear: not a fault */
	assert_int_equal(vtd_faults_poll(&unit, collect, &nseen), 0);
	assert_int_equal(nseen, 0);
	assert_int_equal(get32(VTD_REG_FSTS), 0); /* nothing written when nothing is pending */
}

static void test_records_decoded_from_fri_and_cleared(void **state)
{
	put_record(0, 0x20a40abcULL, 0x00fa, F | 0x05); /* a write; bits 11:0 are reserved */
	put_record(2, 0x123456789000ULL, 0x0108, F | READ | 0x06);
	put32(VTD_REG_FSTS, VTD_FSTS_PPF | 2u << 8); /* FRI: record 2 is the oldest */
	assert_int_equal(vtd_faults_poll(&unit, collect, &nseen), 2);
	assert_int_equal(nseen, 2);

	assert_int_equal(seen[0].bdf, 0x0108);
	assert_int_equal(seen[0].addr, 0x123456789000ULL);
	assert_false(seen[0].write);
	assert_string_equal(seen[0].what, "VT-d fault reason 0x06");

	assert_int_equal(seen[1].segment, 0);
	assert_int_equal(seen[1].bdf, 0x00fa);
	assert_int_equal(seen[1].addr, 0x20a40000ULL);
	assert_true(seen[1].write);
	assert_string_equal(seen[1].what, "VT-d fault reason 0x05");

	/* each record's F written back as 1 (that clears it), nothing else in that word */
	assert_int_equal(get32(FRO * 16 + 0 * 16 + 12), F);
	assert_int_equal(get32(FRO * 16 + 2 * 16 + 12), F);
	assert_int_equal(get32(VTD_REG_FSTS), VTD_FSTS_PFO);
}

static void test_overflow_counts_one_lost_fault(void **state)
{
	put_record(3, 0x7000, 0x0010, F | 0x01);
	put32(VTD_REG_FSTS, VTD_FSTS_PFO | VTD_FSTS_PPF | 3u << 8);
	assert_int_equal(vtd_faults_poll(&unit, collect, &nseen), 2);
	assert_int_equal(seen[0].addr, 0x7000);
	assert_int_equal(seen[1].addr, ~0ULL);
	assert_string_equal(seen[1].what, "fault log overflowed");
	assert_int_equal(get32(VTD_REG_FSTS), VTD_FSTS_PFO);
}

static void test_invalidation_errors_left_alone(void **state)
{
	/* IQE is the invalidation code's to report: the fault reader writes only PFO */
	put_record(0, 0x1000, 1, F | 0x05);
	put32(VTD_REG_FSTS, VTD_FSTS_PPF | VTD_FSTS_IQE);
	assert_int_equal(vtd_faults_poll(&unit, collect, &nseen), 1);
	assert_int_equal(get32(VTD_REG_FSTS) & VTD_FSTS_IQE, 0); /* a 1 would have cleared it */
}

static void test_init_masks_interrupt_and_drops_stale(void **state)
{
	put32(VTD_REG_FECTL, 0x1234); /* reserved bits the driver must preserve */
	put_record(1, 0x3000, 2, F | 0x06);
	put32(VTD_REG_FSTS, VTD_FSTS_PPF | 1u << 8);
	vtd_faults_init(&unit);
	assert_int_equal(get32(VTD_REG_FECTL), VTD_FECTL_IM | 0x1234);
	assert_int_equal(get32(FRO * 16 + 16 + 12), F);
	assert_true(log_capture_contains("1 fault(s) recorded before the hypervisor started"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_nothing_recorded),
		T(test_records_decoded_from_fri_and_cleared),
		T(test_overflow_counts_one_lost_fault),
		T(test_invalidation_errors_left_alone),
		T(test_init_masks_interrupt_and_drops_stale),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
