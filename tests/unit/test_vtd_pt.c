/*
 * Host tests for the VT-d second-level page tables (iommu/vtd_pt.c).
 *
 * Table pages are malloc'd, page-aligned and zeroed; their "physical
 * address" is the host pointer value (user-space pointers fit in the
 * 52-bit address field). The mapped addresses are never touched. Every
 * write-back the driver would do for a non-snooping walker is recorded, so
 * that a table or entry written and not written back shows up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <xen-lite/errno.h>

#include "../../iommu/vtd_pt.h"

#define K4 PAGE_SIZE
#define M2 SIZE_2M
#define G1 SIZE_1G
#define MAX_TABLES 4096
#define RW (VTD_PTE_R | VTD_PTE_W)

static void *tables[MAX_TABLES];
static unsigned int table_count, freed, write_backs;
static int budget; /* tables alloc_table may still hand out; < 0: unlimited */
static struct vtd_pt pt;

static bool is_table(uint64_t pa)
{
	for (unsigned int i = 0; i < table_count; i++)
		if ((uint64_t)(uintptr_t)tables[i] == pa)
			return true;
	return false;
}

static uint64_t fake_alloc(void *ctx)
{
	void *p;

	if (budget == 0)
		return 0;
	if (budget > 0)
		budget--;
	assert_true(table_count < MAX_TABLES);
	p = aligned_alloc(4096, 4096);
	assert_non_null(p);
	memset(p, 0, 4096);
	tables[table_count++] = p;
	return (uint64_t)(uintptr_t)p;
}

static void fake_free(uint64_t pa, void *ctx)
{
	assert_true(is_table(pa));
	freed++;
}

static uint64_t *fake_table_ptr(uint64_t pa, void *ctx)
{
	if (!is_table(pa))
		fail_msg("table_ptr(%#llx): not a table page", (unsigned long long)pa);
	return (uint64_t *)(uintptr_t)pa;
}

static void fake_write_back(const void *p, size_t len, void *ctx)
{
	write_backs++;
}

static const struct vtd_pt_ops ops = {
	.alloc_table = fake_alloc,
	.free_table = fake_free,
	.table_ptr = fake_table_ptr,
	.write_back = fake_write_back,
};

static void start(unsigned int levels, unsigned int large_levels)
{
	assert_int_equal(vtd_pt_init(&pt, &ops, levels, large_levels), 0);
}

static int setup(void **state)
{
	table_count = freed = write_backs = 0;
	budget = -1;
	return 0;
}

static int teardown(void **state)
{
	if (pt.root)
		vtd_pt_destroy(&pt);
	assert_int_equal(freed, table_count); /* destroy freed every table */
	for (unsigned int i = 0; i < table_count; i++)
		free(tables[i]);
	table_count = 0;
	return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

static uint64_t expect_mapped(uint64_t iova, uint64_t pa, uint64_t page_size)
{
	uint64_t got_pa = 0, got_size = 0, entry = 0;

	if (!vtd_pt_lookup(&pt, iova, &got_pa, &got_size, &entry))
		fail_msg("iova %#llx is not mapped", (unsigned long long)iova);
	if (got_pa != pa || got_size != page_size)
		fail_msg("iova %#llx -> %#llx size %#llx, want %#llx size %#llx",
			 (unsigned long long)iova, (unsigned long long)got_pa,
			 (unsigned long long)got_size, (unsigned long long)pa,
			 (unsigned long long)page_size);
	assert_int_equal(!!(entry & VTD_PTE_PS), page_size != K4);
	return entry;
}

static void expect_unmapped(uint64_t iova)
{
	uint64_t pa, size, entry;

	if (vtd_pt_lookup(&pt, iova, &pa, &size, &entry))
		fail_msg("iova %#llx is mapped (to %#llx)", (unsigned long long)iova,
			 (unsigned long long)pa);
}

static void test_init_rejects_levels(void **state)
{
	struct vtd_pt other;

	assert_int_equal(vtd_pt_init(&other, &ops, 2, 0), -EINVAL);
	assert_int_equal(vtd_pt_init(&other, &ops, 5, 0), -EINVAL);
	assert_int_equal(vtd_pt_init(&other, &ops, 4, 3), -EINVAL);
	assert_int_equal(table_count, 0);
}

static void test_4k_pages(void **state)
{
	start(3, 0);
	assert_int_equal(vtd_pt_map(&pt, 0x1000, 0x7000, 2 * K4, RW), 0);
	expect_mapped(0x1000, 0x7000, K4);
	expect_mapped(0x2fff, 0x8fff, K4);
	expect_unmapped(0);
	expect_unmapped(0x3000);
	assert_int_equal(table_count, 3); /* root, level 2, level 1 */
}

static void test_2m_where_aligned(void **state)
{
	start(4, 1);
	/* 4 KiB up to the 2 MiB boundary, one 2 MiB page, 4 KiB after */
	assert_int_equal(vtd_pt_map(&pt, M2 - K4, 4 * M2 - K4, M2 + 2 * K4, RW), 0);
	expect_mapped(M2 - K4, 4 * M2 - K4, K4);
	expect_mapped(M2, 4 * M2, M2);
	expect_mapped(2 * M2 + 0x123, 5 * M2 + 0x123, K4);
	expect_mapped(M2 + 0x12345, 4 * M2 + 0x12345, M2);
}

static void test_2m_needs_both_aligned(void **state)
{
	start(3, 1);
	assert_int_equal(vtd_pt_map(&pt, M2, M2 + K4, M2, RW), 0);
	expect_mapped(M2, M2 + K4, K4);
	expect_mapped(2 * M2 - K4, 2 * M2, K4);
}

static void test_no_large_pages_unless_allowed(void **state)
{
	start(3, 0);
	assert_int_equal(vtd_pt_map(&pt, 0, 0, 2 * M2, RW), 0);
	expect_mapped(0, 0, K4);
	expect_mapped(M2, M2, K4);
}

static void test_1g_where_allowed(void **state)
{
	start(3, 2);
	assert_int_equal(vtd_pt_map(&pt, G1 - M2, 3 * G1 - M2, G1 + M2, RW), 0);
	expect_mapped(G1 - M2, 3 * G1 - M2, M2);
	expect_mapped(G1, 3 * G1, G1);
	expect_mapped(2 * G1 - 1 - 0xfff, 4 * G1 - 1 - 0xfff, G1);
	assert_int_equal(table_count, 2); /* the root and one level-2 table */
}

static void test_1g_not_with_2m_only(void **state)
{
	start(4, 1);
	assert_int_equal(vtd_pt_map(&pt, G1, G1, G1, RW), 0);
	expect_mapped(G1, G1, M2);
	expect_mapped(2 * G1 - M2, 2 * G1 - M2, M2);
}

static void test_permissions(void **state)
{
	start(3, 1);
	assert_int_equal(vtd_pt_map(&pt, 0, 0x100000, K4, VTD_PTE_R), 0);
	assert_int_equal(vtd_pt_map(&pt, K4, 0x200000, K4, VTD_PTE_W), 0);
	assert_int_equal(vtd_pt_map(&pt, M2, 0x400000, M2, RW), 0);
	assert_int_equal(expect_mapped(0, 0x100000, K4) & RW, VTD_PTE_R);
	assert_int_equal(expect_mapped(K4, 0x200000, K4) & RW, VTD_PTE_W);
	assert_int_equal(expect_mapped(M2, 0x400000, M2) & RW, RW);
	/* tables above the leaves allow both: the walk ANDs every level's bits */
	assert_int_equal(((uint64_t *)(uintptr_t)pt.root)[0] & RW, RW);
}

static void test_overlap_changes_nothing(void **state)
{
	unsigned int tables_before;
	uint64_t snapshot[4][512];

	start(4, 2);
	assert_int_equal(vtd_pt_map(&pt, 3 * M2 + 5 * K4, 0x9000, K4, VTD_PTE_R), 0);
	tables_before = table_count;
	assert_int_equal(tables_before, 4); /* one table per level */
	for (unsigned int i = 0; i < table_count; i++)
		memcpy(snapshot[i], tables[i], 4096);
	/* a long range whose last page is the one mapped */
	assert_int_equal(vtd_pt_map(&pt, 0, 0, 3 * M2 + 6 * K4, RW), -EEXIST);
	/* a range that starts on it */
	assert_int_equal(vtd_pt_map(&pt, 3 * M2 + 5 * K4, 0, 4 * K4, RW), -EEXIST);
	/* a 2 MiB page over it */
	assert_int_equal(vtd_pt_map(&pt, 3 * M2, 0, M2, RW), -EEXIST);
	assert_int_equal(table_count, tables_before);
	for (unsigned int i = 0; i < table_count; i++)
		assert_memory_equal(snapshot[i], tables[i], 4096);
	/* next to it is free */
	assert_int_equal(vtd_pt_map(&pt, 3 * M2 + 6 * K4, 0, K4, RW), 0);
}

static void test_overlap_with_large_page(void **state)
{
	start(3, 2);
	assert_int_equal(vtd_pt_map(&pt, G1, 0, G1, RW), 0);
	assert_int_equal(vtd_pt_map(&pt, G1 + 7 * M2 + K4, 0, K4, RW), -EEXIST);
	assert_int_equal(vtd_pt_map(&pt, G1 - K4, 0, 2 * K4, RW), -EEXIST);
	assert_int_equal(vtd_pt_map(&pt, G1 - K4, 0, K4, RW), 0);
}

static void test_einval(void **state)
{
	start(3, 1);
	assert_int_equal(vtd_pt_map(&pt, 0x800, 0, K4, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, 0, 0x800, K4, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, 0, 0, 0x800, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, 0, 0, 0, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, 0, 0, K4, 0), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, 0, 0, K4, 4), -EINVAL);
	/* 3 levels reach 512 GiB, 4 levels 256 TiB */
	assert_int_equal(vtd_pt_map(&pt, (1ULL << 39) - K4, 0, 2 * K4, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, -K4, 0, K4, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, 0, 1ULL << 52, K4, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, (1ULL << 39) - K4, (1ULL << 52) - K4, K4, RW), 0);
	expect_mapped((1ULL << 39) - K4, (1ULL << 52) - K4, K4);
}

static void test_four_levels_reach(void **state)
{
	start(4, 2);
	assert_int_equal(vtd_pt_reach(&pt), 1ULL << 48);
	assert_int_equal(vtd_pt_map(&pt, (1ULL << 48) - G1, G1, G1, RW), 0);
	expect_mapped((1ULL << 48) - 1 - 0xfff, 2 * G1 - 1 - 0xfff, G1);
	expect_unmapped(1ULL << 48);
}

static void test_enomem_keeps_what_was_mapped(void **state)
{
	start(3, 0);
	budget = 2; /* level 2 and one level-1 table: the first 2 MiB only */
	assert_int_equal(vtd_pt_map(&pt, 0, 0, 2 * M2, RW), -ENOMEM);
	expect_mapped(M2 - K4, M2 - K4, K4);
	expect_unmapped(M2);
	budget = -1;
	assert_int_equal(vtd_pt_map(&pt, M2, M2, M2, RW), 0);
	expect_mapped(M2, M2, K4);
}

static void test_large_page_over_empty_table(void **state)
{
	start(3, 1);
	budget = 1; /* a level-2 table only: nothing mapped, an empty table left */
	assert_int_equal(vtd_pt_map(&pt, 0, 0, K4, RW), -ENOMEM);
	budget = -1;
	assert_int_equal(vtd_pt_map(&pt, 0, 0, M2, RW), 0);
	expect_mapped(0, 0, M2);
	/* the 2 MiB page went into the level-2 table the failed call left */
	assert_int_equal(table_count, 2);
}

static void test_written_back(void **state)
{
	start(3, 0);
	assert_int_equal(write_backs, 1); /* the root table */
	assert_int_equal(vtd_pt_map(&pt, 0, 0, K4, RW), 0);
	/* two new tables, the two entries pointing to them, the leaf */
	assert_int_equal(write_backs, 1 + 2 + 2 + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_rejects_levels),
		T(test_4k_pages),
		T(test_2m_where_aligned),
		T(test_2m_needs_both_aligned),
		T(test_no_large_pages_unless_allowed),
		T(test_1g_where_allowed),
		T(test_1g_not_with_2m_only),
		T(test_permissions),
		T(test_overlap_changes_nothing),
		T(test_overlap_with_large_page),
		T(test_einval),
		T(test_four_levels_reach),
		T(test_enomem_keeps_what_was_mapped),
		T(test_large_page_over_empty_table),
		T(test_written_back),
	};

	alarm(20); /* a hang is a failure */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
