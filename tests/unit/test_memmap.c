/*
 * Host tests for memory map normalization (xen-lite/memmap.c): sorting,
 * overlap resolution by type priority, merging, page alignment of available
 * memory, the top of the address space, and the cap / -ENOSPC contract.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite/errno.h>
#include <xen-lite/memmap.h>

#include "log_capture.h"

#define AV MEM_AVAILABLE
#define RS MEM_RESERVED
#define AR MEM_ACPI_RECLAIM
#define AN MEM_ACPI_NVS
#define BD MEM_BAD

#define R(b, s, t) ((struct mem_region){ (b), (s), (t) })

static struct mem_region map[BOOT_MAX_MEM_REGIONS];

static int setup(void **state)
{
	(void)state;
	memset(map, 0xa5, sizeof(map));
	log_capture_reset();
	return 0;
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

/* Compare map[0..n) with the expected regions, naming the first mismatch. */
static void expect_map(int n, const struct mem_region *want, int want_n)
{
	assert_int_equal(n, want_n);
	for (int i = 0; i < want_n; i++) {
		if (map[i].base != want[i].base || map[i].size != want[i].size ||
		    map[i].type != want[i].type)
			fail_msg("region %d: got [%#llx +%#llx) type %u, want [%#llx +%#llx) type %u", i,
				 (unsigned long long)map[i].base, (unsigned long long)map[i].size,
				 map[i].type, (unsigned long long)want[i].base,
				 (unsigned long long)want[i].size, want[i].type);
	}
}

#define EXPECT(n, ...)                                                      \
	do {                                                                \
		const struct mem_region want_[] = { __VA_ARGS__ };          \
		expect_map((n), want_, (int)(sizeof(want_) / sizeof(want_[0]))); \
	} while (0)

static int load(const struct mem_region *in, unsigned int n)
{
	memcpy(map, in, n * sizeof(*in));
	return (int)n;
}

#define LOAD(...)                                                                      \
	load((const struct mem_region[]){ __VA_ARGS__ },                                 \
	     (unsigned int)(sizeof((const struct mem_region[]){ __VA_ARGS__ }) /          \
			    sizeof(struct mem_region)))

static int normalize(int count)
{
	return memmap_normalize(map, (unsigned int)count, BOOT_MAX_MEM_REGIONS);
}

/* ---- ordering and merging ---------------------------------------------------- */

static void test_sorts_regions(void **state)
{
	int n = LOAD(R(0x100000, 0x7ff00000, AV), R(0xfec00000, 0x1000, RS), R(0, 0x9f000, AV),
		     R(0xf0000, 0x10000, RS));

	n = normalize(n);
	EXPECT(n, R(0, 0x9f000, AV), R(0xf0000, 0x10000, RS), R(0x100000, 0x7ff00000, AV),
	       R(0xfec00000, 0x1000, RS));
	assert_int_equal(log_capture_count(LOG_WARN), 0);
	assert_int_equal(log_capture_count(LOG_ERROR), 0);
}

static void test_merges_adjacent_same_type(void **state)
{
	int n = LOAD(R(0x3000, 0x2000, AV), R(0x1000, 0x2000, AV), R(0x5000, 0x1000, RS),
		     R(0x6000, 0x1000, RS), R(0x7000, 0x1000, AV));

	n = normalize(n);
	/* same types merge, different types stay apart even when touching */
	EXPECT(n, R(0x1000, 0x4000, AV), R(0x5000, 0x2000, RS), R(0x7000, 0x1000, AV));
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_hole_not_merged(void **state)
{
	int n = LOAD(R(0x1000, 0x1000, AV), R(0x3000, 0x1000, AV));

	n = normalize(n);
	EXPECT(n, R(0x1000, 0x1000, AV), R(0x3000, 0x1000, AV));
}

/* A map of many copies of one region warns a few times, then once with the count. */
static void test_overlap_warnings_bounded(void **state)
{
	for (unsigned int i = 0; i < 64; i++)
		map[i] = (struct mem_region){ 0x100000, 0x100000, MEM_AVAILABLE };
	log_capture_reset();
	assert_int_equal(normalize(64), 1);
	assert_int_equal(log_capture_count(LOG_WARN), 9);
	assert_true(log_capture_contains("2016 overlapping pairs of regions in all, the first 8 shown"));
}

/* ---- overlaps ------------------------------------------------------------------ */

static void test_overlap_reserved_wins(void **state)
{
	int n = LOAD(R(0, 0x10000, AV), R(0x8000, 0x10000, RS));

	n = normalize(n);
	EXPECT(n, R(0, 0x8000, AV), R(0x8000, 0x10000, RS));
	assert_int_equal(log_capture_count(LOG_WARN), 1);
	assert_true(log_capture_contains("overlaps"));
	/* the warning names both regions and the winner */
	assert_true(log_capture_contains("[0-0x10000) available overlaps [0x8000-0x18000) reserved"));
	assert_true(log_capture_contains("treated as reserved"));
}

static void test_overlap_order_independent(void **state)
{
	/* same as above with the reserved region listed first */
	int n = LOAD(R(0x8000, 0x10000, RS), R(0, 0x10000, AV));

	n = normalize(n);
	EXPECT(n, R(0, 0x8000, AV), R(0x8000, 0x10000, RS));
	assert_true(log_capture_contains("overlaps"));
	assert_true(log_capture_contains("treated as reserved"));
}

static void test_nested_region_splits(void **state)
{
	int n = LOAD(R(0, 0x100000, AV), R(0x9f000, 0x1000, RS));

	n = normalize(n);
	EXPECT(n, R(0, 0x9f000, AV), R(0x9f000, 0x1000, RS), R(0xa0000, 0x60000, AV));
	assert_int_equal(log_capture_count(LOG_WARN), 1);
	assert_true(log_capture_contains("overlaps"));
}

static void test_nested_unaligned_reserved(void **state)
{
	/* a sub-page reserved hole costs the whole pages it touches */
	int n = LOAD(R(0, 0x10000, AV), R(0x8100, 0x100, RS));

	n = normalize(n);
	EXPECT(n, R(0, 0x8000, AV), R(0x8100, 0x100, RS), R(0x9000, 0x7000, AV));
}

static void test_available_inside_reserved_disappears(void **state)
{
	int n = LOAD(R(0x10000, 0x10000, RS), R(0x14000, 0x1000, AV));

	n = normalize(n);
	EXPECT(n, R(0x10000, 0x10000, RS));
	assert_true(log_capture_contains("overlaps"));
}

static void test_identical_duplicates(void **state)
{
	int n = LOAD(R(0x100000, 0x100000, AV), R(0x100000, 0x100000, AV), R(0x100000, 0x100000, AV));

	n = normalize(n);
	EXPECT(n, R(0x100000, 0x100000, AV));
}

static void test_acpi_priorities(void **state)
{
	/* reclaimable < NVS, and both beat available */
	int n = LOAD(R(0x1000, 0x2000, AR), R(0x2000, 0x2000, AN), R(0, 0x10000, AV));

	n = normalize(n);
	EXPECT(n, R(0, 0x1000, AV), R(0x1000, 0x1000, AR), R(0x2000, 0x2000, AN),
	       R(0x4000, 0xc000, AV));
	assert_true(log_capture_contains("ACPI data overlaps"));
	assert_true(log_capture_contains("treated as ACPI NVS"));
}

static void test_nvs_beats_reclaim_listed_first(void **state)
{
	int n = LOAD(R(0x2000, 0x2000, AN), R(0x1000, 0x2000, AR));

	n = normalize(n);
	EXPECT(n, R(0x1000, 0x1000, AR), R(0x2000, 0x2000, AN));
}

static void test_bad_beats_reserved(void **state)
{
	int n = LOAD(R(0x1000, 0x4000, BD), R(0, 0x3000, RS), R(0x2000, 0x1000, AN));

	n = normalize(n);
	EXPECT(n, R(0, 0x1000, RS), R(0x1000, 0x4000, BD));
	assert_true(log_capture_contains("treated as bad"));
}

static void test_unknown_type_is_reserved(void **state)
{
	/* type 7 (persistent memory), 12 and 0 are not understood: reserved */
	int n = LOAD(R(0, 0x10000, AV), R(0x4000, 0x1000, 7), R(0x5000, 0x1000, RS),
		     R(0x20000, 0x1000, 12), R(0x30000, 0x1000, 0));

	n = normalize(n);
	EXPECT(n, R(0, 0x4000, AV), R(0x4000, 0x2000, RS), R(0x6000, 0xa000, AV),
	       R(0x20000, 0x1000, RS), R(0x30000, 0x1000, RS));
	/* the overlap with available is still reported */
	assert_true(log_capture_contains("overlaps"));
	assert_int_equal(memmap_total(map, (unsigned int)n, RS), 0x4000);
}

/* ---- dropping and alignment -------------------------------------------------- */

static void test_zero_size_dropped(void **state)
{
	int n = LOAD(R(0x5000, 0, RS), R(0x1000, 0x2000, AV), R(0x2000, 0, AV), R(0, 0, BD));

	n = normalize(n);
	EXPECT(n, R(0x1000, 0x2000, AV));
	/* an empty region overlaps nothing */
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_unaligned_available_shrunk(void **state)
{
	int n = LOAD(R(0x1234, 0x4444, AV), R(0x10000, 0x1001, AV), R(0x20fff, 0x1002, AV));

	n = normalize(n);
	EXPECT(n, R(0x2000, 0x3000, AV), R(0x10000, 0x1000, AV), R(0x21000, 0x1000, AV));
}

static void test_sub_page_available_dropped(void **state)
{
	int n = LOAD(R(0x1001, 0xffe, AV), /* inside one page */
		     R(0x3800, 0x1000, AV), /* a page's worth, straddling two */
		     R(0x5000, 0xfff, AV), /* aligned start, one byte short */
		     R(0x8000, 0x1000, AV));

	n = normalize(n);
	EXPECT(n, R(0x8000, 0x1000, AV));
}

static void test_unaligned_reserved_kept_exact(void **state)
{
	int n = LOAD(R(0x1234, 0x10, RS), R(0x9fc00, 0x400, AN));

	n = normalize(n);
	EXPECT(n, R(0x1234, 0x10, RS), R(0x9fc00, 0x400, AN));
}

/* ---- the top of the address space --------------------------------------------- */

static void test_region_reaching_2_64(void **state)
{
	const uint64_t base = 0xffffffff00000000ULL;
	int n = LOAD(R(base, 0x100000000ULL, RS), R(0x100000, 0x100000, AV));

	n = normalize(n);
	assert_int_equal(n, 2);
	assert_int_equal(map[0].base, 0x100000);
	assert_int_equal(map[0].size, 0x100000);
	assert_int_equal(map[1].base, base);
	assert_int_equal(map[1].type, RS);
	/* the end cannot be represented: the region must not wrap (size 0 or end below base) */
	assert_true(map[1].size > 0);
	assert_true(map[1].base + map[1].size >= map[1].base || map[1].base + map[1].size == 0);
	assert_true(map[1].size >= 0x100000000ULL - 1);
}

static void test_region_past_2_64_clamped(void **state)
{
	/* a bogus size that runs past the top must not wrap round to low memory */
	int n = LOAD(R(0xffffffff00000000ULL, UINT64_MAX, RS), R(0x1000, 0x1000, AV));

	n = normalize(n);
	assert_int_equal(n, 2);
	assert_int_equal(map[0].base, 0x1000);
	assert_int_equal(map[0].size, 0x1000);
	assert_int_equal(map[0].type, AV);
	assert_int_equal(map[1].base, 0xffffffff00000000ULL);
	assert_true(map[1].size >= 0xffffffffULL);
	assert_true(map[1].base + map[1].size - 1 >= map[1].base);
}

static void test_available_in_last_page_no_wrap(void **state)
{
	/* unaligned available memory inside the last page: rounding its start up wraps */
	int n = LOAD(R(0xfffffffffffff800ULL, 0x800, AV), R(0x1000, 0x1000, AV));

	n = normalize(n);
	EXPECT(n, R(0x1000, 0x1000, AV));
}

static void test_available_reaching_2_64(void **state)
{
	const uint64_t base = 0xffffffffffe00000ULL;
	int n = LOAD(R(base, 0x200000, AV));

	n = normalize(n);
	assert_int_equal(n, 1);
	assert_int_equal(map[0].base, base);
	assert_int_equal(map[0].type, AV);
	/* whole pages, not wrapping; the very last page may be lost to the clamp */
	assert_true(IS_ALIGNED(map[0].size, PAGE_SIZE));
	assert_true(map[0].size == 0x200000 || map[0].size == 0x1ff000);
	assert_int_equal(memmap_top(map, 1), base + map[0].size);
}

/* ---- capacity -------------------------------------------------------------------- */

static void test_cap_too_small(void **state)
{
	struct mem_region before[4];
	int n = LOAD(R(0x3000, 0x1000, AV), R(0, 0x1000, AV), R(0x1000, 0x1000, RS),
		     R(0x2000, 0x1000, AN));

	memcpy(before, map, sizeof(before));
	assert_int_equal(memmap_normalize(map, (unsigned int)n, 3), -ENOSPC);
	assert_memory_equal(map, before, sizeof(before));
	assert_int_equal(log_capture_count(LOG_ERROR), 1);
	assert_true(log_capture_contains("room for 3"));
}

static void test_cap_too_small_after_split(void **state)
{
	/* two input regions become three: cap 2 is not enough */
	struct mem_region before[2];
	int n = LOAD(R(0, 0x100000, AV), R(0x9f000, 0x1000, RS));

	memcpy(before, map, sizeof(before));
	assert_int_equal(memmap_normalize(map, (unsigned int)n, 2), -ENOSPC);
	assert_memory_equal(map, before, sizeof(before));
	/* and the entry past count is not touched either */
	assert_int_equal(map[2].base, 0xa5a5a5a5a5a5a5a5ULL);
}

static void test_cap_exact(void **state)
{
	int n = LOAD(R(0x3000, 0x1000, AV), R(0, 0x1000, AV), R(0x1000, 0x1000, RS),
		     R(0x2000, 0x1000, AN));

	n = memmap_normalize(map, (unsigned int)n, 4);
	EXPECT(n, R(0, 0x1000, AV), R(0x1000, 0x1000, RS), R(0x2000, 0x1000, AN),
	       R(0x3000, 0x1000, AV));
	/* merging makes room: cap 1 is enough for many pieces of one region */
	n = LOAD(R(0x3000, 0x1000, AV), R(0x1000, 0x1000, AV), R(0x2000, 0x1000, AV));
	n = memmap_normalize(map, (unsigned int)n, 1);
	EXPECT(n, R(0x1000, 0x3000, AV));
}

static void test_full_map(void **state)
{
	/* BOOT_MAX_MEM_REGIONS touching regions of alternating type: nothing merges */
	for (unsigned int i = 0; i < BOOT_MAX_MEM_REGIONS; i++) {
		unsigned int j = BOOT_MAX_MEM_REGIONS - 1 - i; /* reverse order */

		map[i] = R(0x100000 + (uint64_t)j * 0x2000, 0x2000, j % 2 ? RS : AV);
	}
	assert_int_equal(normalize(BOOT_MAX_MEM_REGIONS), BOOT_MAX_MEM_REGIONS);
	for (unsigned int i = 0; i < BOOT_MAX_MEM_REGIONS; i++) {
		assert_int_equal(map[i].base, 0x100000 + (uint64_t)i * 0x2000);
		assert_int_equal(map[i].size, 0x2000);
		assert_int_equal(map[i].type, i % 2 ? RS : AV);
	}
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

/* ---- queries ----------------------------------------------------------------------- */

static void test_total_and_top(void **state)
{
	int n = LOAD(R(0, 0x9f000, AV), R(0x9f000, 0x61000, RS), R(0x100000, 0x7fe00000, AV),
		     R(0x7ff00000, 0x80000, AR), R(0x7ff80000, 0x80000, AN),
		     R(0xfec00000, 0x1400000, RS), R(0x100000000ULL, 0x40000000, AV),
		     R(0x200000000ULL, 0x1000, BD));

	n = normalize(n);
	assert_int_equal(n, 8);
	assert_int_equal(memmap_total(map, (unsigned int)n, AV), 0x9f000ULL + 0x7fe00000 + 0x40000000);
	assert_int_equal(memmap_total(map, (unsigned int)n, RS), 0x61000 + 0x1400000);
	assert_int_equal(memmap_total(map, (unsigned int)n, AR), 0x80000);
	assert_int_equal(memmap_total(map, (unsigned int)n, AN), 0x80000);
	assert_int_equal(memmap_total(map, (unsigned int)n, BD), 0x1000);
	assert_int_equal(memmap_total(map, 0, AV), 0);
	/* reserved and bad regions above RAM do not raise the top */
	assert_int_equal(memmap_top(map, (unsigned int)n), 0x140000000ULL);
	/* ACPI regions count */
	assert_int_equal(memmap_top(map, 5), 0x80000000ULL);
	assert_int_equal(memmap_top(map, 0), 0);
}

static void test_type_names(void **state)
{
	assert_string_equal(memmap_type_name(AV), "available");
	assert_string_equal(memmap_type_name(RS), "reserved");
	assert_string_equal(memmap_type_name(AR), "ACPI data");
	assert_string_equal(memmap_type_name(AN), "ACPI NVS");
	assert_string_equal(memmap_type_name(BD), "bad");
	assert_string_equal(memmap_type_name(99), "unknown");
}

static void test_empty_map(void **state)
{
	assert_int_equal(normalize(0), 0);
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_sorts_regions),
		T(test_merges_adjacent_same_type),
		T(test_hole_not_merged),
		T(test_overlap_reserved_wins),
		T(test_overlap_warnings_bounded),
		T(test_overlap_order_independent),
		T(test_nested_region_splits),
		T(test_nested_unaligned_reserved),
		T(test_available_inside_reserved_disappears),
		T(test_identical_duplicates),
		T(test_acpi_priorities),
		T(test_nvs_beats_reclaim_listed_first),
		T(test_bad_beats_reserved),
		T(test_unknown_type_is_reserved),
		T(test_zero_size_dropped),
		T(test_unaligned_available_shrunk),
		T(test_sub_page_available_dropped),
		T(test_unaligned_reserved_kept_exact),
		T(test_region_reaching_2_64),
		T(test_region_past_2_64_clamped),
		T(test_available_in_last_page_no_wrap),
		T(test_available_reaching_2_64),
		T(test_cap_too_small),
		T(test_cap_too_small_after_split),
		T(test_cap_exact),
		T(test_full_map),
		T(test_total_and_top),
		T(test_type_names),
		T(test_empty_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
