/*
 * Host tests for the AMD-Vi IO page tables (iommu/amd_vi_pt.c). Table pages
 * are page-aligned host allocations whose "physical address" is the pointer
 * value (user-space pointers fit the 52-bit field); a walk written here from
 * the AMD IOMMU's table format checks what the hardware would translate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../iommu/amd_vi_pt.h"
#include <xen-lite/errno.h>
#include <xen-lite/iommu_driver.h>

#define K4 0x1000ULL
#define M2 0x200000ULL
#define G1 0x40000000ULL

static unsigned int live_pages, alloc_budget;

static void *host_alloc(void)
{
	void *p;

	if (!alloc_budget)
		return NULL;
	alloc_budget--;
	p = aligned_alloc(4096, 4096);
	assert_non_null(p);
	memset(p, 0, 4096);
	live_pages++;
	return p;
}

static void host_free(void *p)
{
	live_pages--;
	free(p);
}

static uint64_t host_to_phys(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void *host_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)pa;
}

static const struct io_pt_ops ops = { host_alloc, host_free, host_to_phys, host_to_virt };

/* What the hardware would do with iova: the address it reaches (~0: blocked), the leaf's
 * level, its permission bits; *nonleaf_hole says a non-present entry above the leaf level
 * stopped the walk (where QEMU's model reports the fault). */
struct walk {
	uint64_t pa;
	unsigned int leaf_level;
	uint64_t perms;
	bool nonleaf_hole;
};

static struct walk walk(const struct amd_vi_pt *pt, uint64_t iova)
{
	const uint64_t *t = pt->root;
	struct walk w = { ~0ULL, 0, 0, false };

	for (unsigned int level = AMD_VI_PT_LEVELS; level >= 1; level--) {
		uint64_t e = t[(iova >> (12 + 9 * (level - 1))) & 511];
		unsigned int next = (unsigned int)(e >> AMD_VI_PTE_NEXT_SHIFT) & 7;

		if (!(e & AMD_VI_PTE_PRESENT)) {
			w.nonleaf_hole = level > 1 && next == level - 1;
			return w;
		}
		if (!next) {
			uint64_t span = 1ULL << (12 + 9 * (level - 1));

			w.pa = (e & AMD_VI_PTE_ADDR_MASK & ~(span - 1)) | (iova & (span - 1));
			w.leaf_level = level;
			w.perms = e & (AMD_VI_PTE_IR | AMD_VI_PTE_IW);
			return w;
		}
		assert_int_equal(next, level - 1); /* tables skip no level */
		assert_int_equal(e & (AMD_VI_PTE_IR | AMD_VI_PTE_IW), AMD_VI_PTE_IR | AMD_VI_PTE_IW);
		t = host_to_virt(e & AMD_VI_PTE_ADDR_MASK);
	}
	fail_msg("walked below level 1");
	return w;
}

static int setup(void **state)
{
	struct amd_vi_pt *pt = calloc(1, sizeof(*pt));

	live_pages = 0;
	alloc_budget = 1000;
	assert_int_equal(amd_vi_pt_init(pt, &ops), 0);
	*state = pt;
	return 0;
}

static int teardown(void **state)
{
	amd_vi_pt_free(*state);
	assert_int_equal(live_pages, 0); /* every table page came back */
	free(*state);
	return 0;
}

static void test_large_pages_where_aligned(void **state)
{
	struct amd_vi_pt *pt = *state;
	struct walk w;

	/* 4 KiB below a 2 MiB boundary, two 2 MiB pages, then 8 KiB: 4K, 2M, 2M, 4K, 4K */
	assert_int_equal(amd_vi_pt_map(pt, M2 - K4, M2 - K4 + 0x40000000, K4 + 2 * M2 + 2 * K4,
				       IOMMU_READ | IOMMU_WRITE), 0);
	w = walk(pt, M2 - K4 + 0x10);
	assert_int_equal(w.leaf_level, 1);
	assert_int_equal(w.pa, M2 - K4 + 0x40000010);
	w = walk(pt, M2 + 0x12345);
	assert_int_equal(w.leaf_level, 2);
	assert_int_equal(w.pa, M2 + 0x40012345);
	assert_int_equal(w.perms, AMD_VI_PTE_IR | AMD_VI_PTE_IW);
	w = walk(pt, 2 * M2 + 0x1000);
	assert_int_equal(w.leaf_level, 2);
	w = walk(pt, 3 * M2 + K4);
	assert_int_equal(w.leaf_level, 1);
	assert_int_equal(w.pa, 3 * M2 + K4 + 0x40000000);
	/* just past the end: nothing */
	assert_int_equal(walk(pt, 3 * M2 + 2 * K4).pa, ~0ULL);

	/* a whole aligned gigabyte is one leaf at level 3 */
	assert_int_equal(amd_vi_pt_map(pt, 4 * G1, 7 * G1, G1, IOMMU_READ), 0);
	w = walk(pt, 4 * G1 + 0x1234567);
	assert_int_equal(w.leaf_level, 3);
	assert_int_equal(w.pa, 7 * G1 + 0x1234567);
	assert_int_equal(w.perms, AMD_VI_PTE_IR); /* read-only */

	/* aligned IO address but not physical: 4 KiB pages */
	assert_int_equal(amd_vi_pt_map(pt, 8 * G1, 0x5000, M2, IOMMU_WRITE), 0);
	w = walk(pt, 8 * G1 + M2 - 1);
	assert_int_equal(w.leaf_level, 1);
	assert_int_equal(w.pa, 0x5000 + M2 - 1);
	assert_int_equal(w.perms, AMD_VI_PTE_IW);
}

static void test_holes_above_the_leaf_keep_their_level(void **state)
{
	struct amd_vi_pt *pt = *state;
	struct walk w;

	/* empty: the top level's entries say level 3, so a walk stops at a visible hole */
	assert_true(walk(pt, 0x123456000).nonleaf_hole);
	assert_int_equal(amd_vi_pt_map(pt, 0, 0, K4, IOMMU_READ | IOMMU_WRITE), 0);
	/* the same 2 MiB: a leaf table, whose empty entries are plain zero */
	w = walk(pt, K4);
	assert_int_equal(w.pa, ~0ULL);
	assert_false(w.nonleaf_hole);
	/* another 2 MiB, another gigabyte, another 512 GiB: holes above the leaf level */
	assert_true(walk(pt, M2).nonleaf_hole);
	assert_true(walk(pt, G1).nonleaf_hole);
	assert_true(walk(pt, 512 * G1).nonleaf_hole);
}

static void test_overlap_changes_nothing(void **state)
{
	struct amd_vi_pt *pt = *state;
	unsigned int pages;

	assert_int_equal(amd_vi_pt_map(pt, 3 * M2 + K4, 0x9000, K4, IOMMU_READ), 0);
	assert_int_equal(amd_vi_pt_map(pt, G1, G1, M2, IOMMU_READ), 0);
	pages = live_pages;
	/* ranges that end on, start on or straddle what is mapped */
	assert_int_equal(amd_vi_pt_map(pt, 2 * M2, 0x100000000, 2 * M2, IOMMU_READ), -EEXIST);
	assert_int_equal(amd_vi_pt_map(pt, 3 * M2 + K4, 0x100000000, K4, IOMMU_READ), -EEXIST);
	assert_int_equal(amd_vi_pt_map(pt, G1 - K4, 0x100000000, 2 * K4, IOMMU_READ), -EEXIST);
	assert_int_equal(amd_vi_pt_map(pt, G1 + M2 - K4, 0x100000000, K4, IOMMU_READ), -EEXIST);
	assert_int_equal(live_pages, pages);
	/* the refused ranges' free parts stay unmapped */
	assert_int_equal(walk(pt, 2 * M2).pa, ~0ULL);
	assert_int_equal(walk(pt, G1 - K4).pa, ~0ULL);
	assert_int_equal(walk(pt, 3 * M2 + K4).pa, 0x9000);
}

static void test_bad_ranges_refused(void **state)
{
	struct amd_vi_pt *pt = *state;

	assert_int_equal(amd_vi_pt_map(pt, 0x800, 0, K4, IOMMU_READ), -EINVAL);
	assert_int_equal(amd_vi_pt_map(pt, 0, 0x800, K4, IOMMU_READ), -EINVAL);
	assert_int_equal(amd_vi_pt_map(pt, 0, 0, 0x800, IOMMU_READ), -EINVAL);
	assert_int_equal(amd_vi_pt_map(pt, 0, 0, 0, IOMMU_READ), -EINVAL);
	/* beyond 48 bits of IO address, beyond 52 of physical, wrapping */
	assert_int_equal(amd_vi_pt_map(pt, 1ULL << 48, 0, K4, IOMMU_READ), -EINVAL);
	assert_int_equal(amd_vi_pt_map(pt, (1ULL << 48) - K4, 0, 2 * K4, IOMMU_READ), -EINVAL);
	assert_int_equal(amd_vi_pt_map(pt, 0, 1ULL << 52, K4, IOMMU_READ), -EINVAL);
	assert_int_equal(amd_vi_pt_map(pt, 0, ~0xfffULL, 2 * K4, IOMMU_READ), -EINVAL);
	assert_int_equal(live_pages, 1); /* the root alone */
}

static void test_out_of_memory(void **state)
{
	struct amd_vi_pt *pt = *state;

	alloc_budget = 1; /* one table of the three a 4 KiB page needs */
	assert_int_equal(amd_vi_pt_map(pt, 5 * G1, 0, K4, IOMMU_READ), -ENOMEM);
	assert_int_equal(walk(pt, 5 * G1).pa, ~0ULL);
	alloc_budget = 10;
	assert_int_equal(amd_vi_pt_map(pt, 5 * G1, 0, K4, IOMMU_READ), 0);
	assert_int_equal(walk(pt, 5 * G1).pa, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_large_pages_where_aligned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holes_above_the_leaf_keep_their_level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlap_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_ranges_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
