/*
 * Host tests for the bitmap page allocator (xen-lite/page_alloc.c).
 *
 * The allocator only ever touches its bitmap, never the memory it manages,
 * so the "physical memory" here is just a made-up memory map (3 GiB of it in
 * the main fixture); only the bitmap is real, allocated with exactly
 * page_alloc_bitmap_bytes() bytes so that AddressSanitizer catches overruns.
 *
 * ASSERT() failures reach assert_failed(), which this file provides: it
 * records the message and longjmps back into EXPECT_ASSERT. An assertion in
 * page_free() fires with the allocator's lock held (the real one panics), so
 * a test that triggers one must not use that allocator again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite/assert.h>
#include <xen-lite/errno.h>
#include <xen-lite/page_alloc.h>

#include "log_capture.h"

#define AV MEM_AVAILABLE
#define RS MEM_RESERVED
#define R(b, s, t) ((struct mem_region){ (b), (s), (t) })
#define ANY_LO 0
#define ANY_HI UINT64_MAX
#define PG PAGE_SIZE

/* ---- assertions -------------------------------------------------------------- */

/* assert_failed() and EXPECT_ASSERT come from log_capture.c */

/* An assertion inside page_free() longjmps out with the lock held: release it. */
static void unlock_after_assert(struct page_allocator *a)
{
	a->lock.owner = a->lock.next;
}

/* ---- fixture ------------------------------------------------------------------- */

static struct page_allocator pa;
static uint64_t *bitmap;

/*
 * 3 GiB in three regions: low memory (page 0 included, so it must be
 * skipped), 1 MiB..2 GiB and the 1 GiB above 4 GiB.
 */
static const struct mem_region big_map[] = {
	R(0, 0x9f000, AV),
	R(0x9f000, 0x61000, RS),
	R(0x100000, 0x7ff00000, AV),
	R(0x80000000, 0x80000000, RS),
	R(0x100000000ULL, 0x40000000, AV),
};
#define LOW_PAGES (0x9f000 / PG - 1)
#define MID_PAGES (0x7ff00000 / PG)
#define HIGH_PAGES (0x40000000 / PG)
#define BIG_TOTAL (LOW_PAGES + MID_PAGES + HIGH_PAGES)
#define TOP 0x140000000ULL

static void init_map(const struct mem_region *map, unsigned int count, int expect_err)
{
	uint64_t bytes = page_alloc_bitmap_bytes(map, count);

	free(bitmap);
	bitmap = malloc(bytes ? bytes : 1);
	assert_non_null(bitmap);
	memset(bitmap, 0x5a, bytes); /* init must not rely on zeroed storage */
	assert_int_equal(page_alloc_init(&pa, map, count, bitmap), expect_err);
}

#define INIT(map) init_map((map), ARRAY_SIZE(map), 0)

static int setup(void **state)
{
	(void)state;
	log_capture_reset();
	assert_expected = false;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(bitmap);
	bitmap = NULL;
	return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

static uint64_t alloc(uint64_t size, uint64_t align)
{
	return page_alloc_range(&pa, size, align, ANY_LO, ANY_HI);
}

/* The per-range counters must always add up to the global one. */
static void check_counters(void)
{
	uint64_t free_sum = 0, total = 0;

	for (unsigned int i = 0; i < pa.count; i++) {
		free_sum += pa.ranges[i].free;
		total += pa.ranges[i].pages;
		assert_true(pa.ranges[i].free <= pa.ranges[i].pages);
	}
	assert_int_equal(free_sum, pa.free_pages);
	assert_int_equal(total, pa.total_pages);
}

/* ---- init ------------------------------------------------------------------------ */

static void test_bitmap_bytes(void **state)
{
	/* one bit per page rounded up to 64-bit words; reserved regions cost nothing */
	assert_int_equal(page_alloc_bitmap_bytes(big_map, ARRAY_SIZE(big_map)),
			 (3 + MID_PAGES / 64 + HIGH_PAGES / 64) * 8);
	assert_int_equal(page_alloc_bitmap_bytes(big_map, 0), 0);
	{
		const struct mem_region m[] = { R(0x1000, 0x1000, AV), R(0x3000, 64 * PG, AV),
						R(0x100000, 65 * PG, AV), R(0x200000, 0x1000, RS) };

		assert_int_equal(page_alloc_bitmap_bytes(m, ARRAY_SIZE(m)), 8 + 8 + 16);
	}
}

static void test_init_regions(void **state)
{
	INIT(big_map);
	assert_int_equal(pa.count, 3);
	/* page 0 is left out of the first range */
	assert_int_equal(pa.ranges[0].base, 0x1000);
	assert_int_equal(pa.ranges[0].pages, LOW_PAGES);
	assert_int_equal(pa.ranges[1].base, 0x100000);
	assert_int_equal(pa.ranges[1].pages, MID_PAGES);
	assert_int_equal(pa.ranges[2].base, 0x100000000ULL);
	assert_int_equal(pa.ranges[2].pages, HIGH_PAGES);
	assert_int_equal(pa.total_pages, BIG_TOTAL);
	assert_int_equal(pa.free_pages, BIG_TOTAL);
	check_counters();
	/* every managed page is free, unmanaged memory is not "used" */
	assert_false(page_alloc_is_used(&pa, 0x1000, PG));
	assert_false(page_alloc_is_used(&pa, 0, PG));
	assert_false(page_alloc_is_used(&pa, 0xa0000, PG));
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_init_skips_tiny_and_reserved(void **state)
{
	const struct mem_region m[] = { R(0, 0x1000, AV), /* only page 0 */
					R(0x2000, 0x800, AV), /* less than a page */
					R(0x10000, 0x10000, RS), R(0x20000, 0x2000, AV) };

	INIT(m);
	assert_int_equal(pa.count, 1);
	assert_int_equal(pa.ranges[0].base, 0x20000);
	assert_int_equal(pa.total_pages, 2);
}

static void test_page_zero_never_handed_out(void **state)
{
	const struct mem_region m[] = { R(0, 0x3000, AV) };

	INIT(m);
	assert_int_equal(pa.total_pages, 2);
	assert_int_equal(alloc(PG, PG), 0x2000);
	assert_int_equal(alloc(PG, PG), 0x1000);
	/* page 0 is free memory, but 0 is the failure value: it is never managed */
	assert_int_equal(alloc(PG, PG), 0);
	assert_int_equal(page_alloc_range(&pa, PG, PG, 0, PG), 0);
	assert_false(page_alloc_is_used(&pa, 0, PG));
	assert_int_equal(pa.free_pages, 0);
}

static void test_too_many_regions(void **state)
{
	struct mem_region m[PAGE_ALLOC_MAX_RANGES + 2];

	for (unsigned int i = 0; i < ARRAY_SIZE(m); i++)
		m[i] = R(0x100000 + (uint64_t)i * 0x10000, 0x8000, AV);
	init_map(m, ARRAY_SIZE(m), -ENOSPC);
	assert_int_equal(pa.count, PAGE_ALLOC_MAX_RANGES);
	assert_int_equal(pa.total_pages, PAGE_ALLOC_MAX_RANGES * 8);
	assert_int_equal(pa.free_pages, PAGE_ALLOC_MAX_RANGES * 8);
	/* one warning per region left out, naming it */
	assert_int_equal(log_capture_count(LOG_WARN), 2);
	assert_true(log_capture_contains("more than 64 memory regions"));
	assert_true(log_capture_contains("[0x500000-0x508000)"));
	assert_true(log_capture_contains("[0x510000-0x518000)"));
	/* the regions that were left out are never handed out */
	assert_int_equal(alloc(PG, PG), 0x4f7000);
	check_counters();
}

static void test_exactly_max_regions(void **state)
{
	struct mem_region m[PAGE_ALLOC_MAX_RANGES];

	for (unsigned int i = 0; i < ARRAY_SIZE(m); i++)
		m[i] = R(0x100000 + (uint64_t)i * 0x10000, 0x8000, AV);
	init_map(m, ARRAY_SIZE(m), 0);
	assert_int_equal(pa.count, PAGE_ALLOC_MAX_RANGES);
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

/* ---- allocation ------------------------------------------------------------------ */

static void test_alloc_4k_top_down(void **state)
{
	INIT(big_map);
	assert_int_equal(alloc(PG, PG), TOP - PG);
	assert_int_equal(alloc(PG, PG), TOP - 2 * PG);
	assert_int_equal(alloc(3 * PG, PG), TOP - 5 * PG);
	assert_true(page_alloc_is_used(&pa, TOP - 5 * PG, 5 * PG));
	assert_false(page_alloc_is_used(&pa, TOP - 6 * PG, PG));
	assert_int_equal(pa.free_pages, BIG_TOTAL - 5);
	check_counters();
}

static void test_alloc_2m_aligned(void **state)
{
	INIT(big_map);
	assert_int_equal(alloc(PG, PG), TOP - PG);
	/* the top 2 MiB block is no longer whole: the next one down */
	assert_int_equal(alloc(SIZE_2M, SIZE_2M), TOP - 2 * SIZE_2M);
	/* a 4 KiB block with 2 MiB alignment: the bottom page of the top 2 MiB is free */
	assert_int_equal(alloc(PG, SIZE_2M), TOP - SIZE_2M);
	/* 4 KiB allocations fill the hole below the first page */
	assert_int_equal(alloc(PG, PG), TOP - 2 * PG);
	assert_int_equal(pa.free_pages, BIG_TOTAL - 2 - 512 - 1);
	check_counters();
}

static void test_alloc_1g(void **state)
{
	INIT(big_map);
	assert_int_equal(alloc(PG, PG), TOP - PG);
	/* [4G, 5G) is spoiled; [1G, 2G) is the only other aligned gigabyte */
	assert_int_equal(alloc(SIZE_1G, SIZE_1G), 0x40000000);
	assert_true(page_alloc_is_used(&pa, 0x40000000, SIZE_1G));
	/* [0, 1G) has the hole below 1 MiB and page 0 */
	assert_int_equal(alloc(SIZE_1G, SIZE_1G), 0);
	/* below 1 GiB there is only 1 GiB - 1 MiB, whatever the alignment */
	assert_int_equal(page_alloc_range(&pa, SIZE_1G, SIZE_2M, 0, 0x40000000), 0);
	/* 1 GiB - 2 MiB, 2 MiB aligned: fits in [4G, 5G) below the used top page */
	assert_int_equal(alloc(SIZE_1G - SIZE_2M, SIZE_2M), 0x100000000ULL);
	assert_int_equal(pa.free_pages, BIG_TOTAL - 1 - 2 * HIGH_PAGES + 512);
	check_counters();
}

static void test_alloc_falls_to_lower_region(void **state)
{
	const struct mem_region m[] = { R(0x1000, 0x2000, AV), R(0x10000, 0x2000, AV) };

	INIT(m);
	assert_int_equal(alloc(PG, PG), 0x11000);
	assert_int_equal(alloc(PG, PG), 0x10000);
	assert_int_equal(alloc(PG, PG), 0x2000);
	assert_int_equal(alloc(PG, PG), 0x1000);
	assert_int_equal(alloc(PG, PG), 0);
}

static void test_alloc_never_spans_regions(void **state)
{
	/* two touching regions (not merged by the caller) are separate ranges */
	const struct mem_region m[] = { R(0x10000, 0x1000, AV), R(0x11000, 0x1000, AV) };

	INIT(m);
	assert_int_equal(alloc(2 * PG, PG), 0);
	assert_int_equal(pa.free_pages, 2);
}

static void test_alloc_limits(void **state)
{
	INIT(big_map);
	/* below 1 MiB: the top of low memory */
	assert_int_equal(page_alloc_range(&pa, PG, PG, 0, 0x100000), 0x9e000);
	assert_int_equal(page_alloc_range(&pa, 2 * PG, PG, 0, 0x100000), 0x9c000);
	/* inside a window */
	assert_int_equal(page_alloc_range(&pa, 2 * PG, PG, 0x100000, 0x200000), 0x1fe000);
	assert_int_equal(page_alloc_range(&pa, SIZE_2M, SIZE_2M, 0, 0x80000000), 0x7fe00000);
	/* below 4 GiB with 1 GiB alignment */
	assert_int_equal(page_alloc_range(&pa, PG, SIZE_1G, 0, 0x100000000ULL), 0x40000000);
	/* a window with no managed memory */
	assert_int_equal(page_alloc_range(&pa, PG, PG, 0x80000000, 0x100000000ULL), 0);
	/* unaligned limits: the block must lie entirely inside [lo, hi) */
	assert_int_equal(page_alloc_range(&pa, PG, PG, 0, 0x9b800), 0x9a000);
	assert_int_equal(page_alloc_range(&pa, PG, PG, TOP - PG + 1, ANY_HI), 0);
	assert_int_equal(page_alloc_range(&pa, PG, PG, TOP - PG, ANY_HI), TOP - PG);
	assert_int_equal(page_alloc_range(&pa, PG, PG, 0x5000, 0x5fff), 0);
	assert_int_equal(page_alloc_range(&pa, PG, PG, 0x5000, 0x6000), 0x5000);
	/* an empty or inverted window */
	assert_int_equal(page_alloc_range(&pa, PG, PG, 0x200000, 0x200000), 0);
	assert_int_equal(page_alloc_range(&pa, PG, PG, 0x300000, 0x200000), 0);
	check_counters();
}

static void test_alloc_bad_arguments_assert(void **state)
{
	INIT(big_map);
	EXPECT_ASSERT(alloc(0, PG));
	EXPECT_ASSERT(alloc(0x800, PG));
	EXPECT_ASSERT(alloc(PG, 0x800));
	EXPECT_ASSERT(alloc(PG, 3 * PG));
	assert_true(strstr(assert_msg, "align") != NULL);
}

static void test_exhaustion(void **state)
{
	const struct mem_region m[] = { R(0, 0x10000, AV), R(0x100000, 0x8000, AV) };
	uint64_t got[32];
	unsigned int n = 0;

	INIT(m);
	assert_int_equal(pa.total_pages, 15 + 8);
	/* more than there is at all */
	assert_int_equal(alloc(24 * PG, PG), 0);
	while ((got[n] = alloc(PG, PG)) != 0) {
		assert_true(n < 23);
		n++;
	}
	assert_int_equal(n, 23);
	assert_int_equal(pa.free_pages, 0);
	assert_int_equal(alloc(PG, PG), 0);
	assert_int_equal(pa.free_pages, 0);
	/* addresses are distinct and descending */
	for (unsigned int i = 1; i < n; i++)
		assert_true(got[i] < got[i - 1]);
	assert_int_equal(got[0], 0x107000);
	assert_int_equal(got[n - 1], 0x1000);
	check_counters();
}

static void test_fragmentation(void **state)
{
	const struct mem_region m[] = { R(0x100000, 256 * PG, AV) };
	uint64_t a;

	INIT(m);
	for (int i = 0; i < 256; i++)
		assert_int_equal(alloc(PG, PG), 0x100000 + (uint64_t)(255 - i) * PG);
	/* free every other page: plenty free, but no two pages together */
	for (int i = 0; i < 256; i += 2)
		page_free(&pa, 0x100000 + (uint64_t)i * PG, PG);
	assert_int_equal(pa.free_pages, 128);
	assert_int_equal(alloc(2 * PG, PG), 0);
	/* make one 3-page hole (pages 4-6), low down: the search must find it */
	page_free(&pa, 0x100000 + 5 * PG, PG);
	a = alloc(2 * PG, PG);
	assert_int_equal(a, 0x100000 + 5 * PG);
	assert_int_equal(pa.free_pages, 127);
	check_counters();
}

static void test_alloc_skips_busy_words(void **state)
{
	/* a long region whose only free run of 200 pages sits at the bottom */
	const struct mem_region m[] = { R(0x1000000, 4096 * PG, AV) };

	INIT(m);
	page_alloc_reserve(&pa, 0x1000000 + 200 * PG, 0x1000000 + 4096 * PG);
	assert_int_equal(pa.free_pages, 200);
	assert_int_equal(alloc(200 * PG, PG), 0x1000000);
	assert_int_equal(pa.free_pages, 0);
	/* and with one busy page in the middle of the run, it no longer fits */
	page_free(&pa, 0x1000000, 200 * PG);
	page_alloc_reserve(&pa, 0x1000000 + 100 * PG, 0x1000000 + 101 * PG);
	assert_int_equal(alloc(200 * PG, PG), 0);
	assert_int_equal(alloc(100 * PG, PG), 0x1000000);
	assert_int_equal(alloc(99 * PG, PG), 0x1000000 + 101 * PG);
	check_counters();
}

/* ---- reserve ----------------------------------------------------------------------- */

static void test_reserve_rounds_out_across_edges(void **state)
{
	INIT(big_map);
	/* from inside the last low page to inside the first page above 1 MiB */
	page_alloc_reserve(&pa, 0x9e800, 0x100800);
	assert_int_equal(pa.free_pages, BIG_TOTAL - 2);
	assert_true(page_alloc_is_used(&pa, 0x9e000, PG));
	assert_true(page_alloc_is_used(&pa, 0x100000, PG));
	assert_false(page_alloc_is_used(&pa, 0x9d000, PG));
	assert_false(page_alloc_is_used(&pa, 0x101000, PG));
	/* reserving again changes nothing */
	page_alloc_reserve(&pa, 0x9e000, 0x9f000);
	assert_int_equal(pa.free_pages, BIG_TOTAL - 2);
	/* a range covering the hole between regions only costs the managed pages */
	page_alloc_reserve(&pa, 0x7ffff000, 0x100001000ULL);
	assert_int_equal(pa.free_pages, BIG_TOTAL - 4);
	assert_true(page_alloc_is_used(&pa, 0x7ffff000, PG));
	assert_true(page_alloc_is_used(&pa, 0x100000000ULL, PG));
	/* ranges outside managed memory, and empty ones, do nothing */
	page_alloc_reserve(&pa, 0x80000000, 0x100000000ULL);
	page_alloc_reserve(&pa, 0x200000, 0x200000);
	page_alloc_reserve(&pa, 0x300000, 0x200000);
	page_alloc_reserve(&pa, 0, 0x1000);
	assert_int_equal(pa.free_pages, BIG_TOTAL - 4);
	/* a single byte costs its page */
	page_alloc_reserve(&pa, 0x5123, 0x5124);
	assert_true(page_alloc_is_used(&pa, 0x5000, PG));
	assert_int_equal(pa.free_pages, BIG_TOTAL - 5);
	check_counters();
	/* reserved pages are not handed out */
	assert_int_equal(page_alloc_range(&pa, PG, PG, 0x9e000, 0x9f000), 0);
	assert_int_equal(page_alloc_range(&pa, PG, PG, 0x100000, 0x101000), 0);
}

static void test_reserve_whole_region(void **state)
{
	INIT(big_map);
	page_alloc_reserve(&pa, 0x100000000ULL, TOP);
	assert_int_equal(pa.ranges[2].free, 0);
	assert_int_equal(alloc(PG, PG), 0x7ffff000);
	check_counters();
}

static void test_reserve_to_top_of_address_space(void **state)
{
	INIT(big_map);
	/* "everything above 4 GiB": the end rounds up past 2^64 */
	page_alloc_reserve(&pa, 0x100000000ULL, UINT64_MAX);
	assert_int_equal(pa.ranges[2].free, 0);
	assert_int_equal(pa.free_pages, LOW_PAGES + MID_PAGES);
	assert_int_equal(alloc(PG, PG), 0x7ffff000);
	check_counters();
}

/* ---- free ----------------------------------------------------------------------------- */

static void test_free_and_realloc(void **state)
{
	uint64_t a, b;

	INIT(big_map);
	a = alloc(SIZE_2M, SIZE_2M);
	b = alloc(PG, PG);
	assert_int_equal(pa.free_pages, BIG_TOTAL - 513);
	page_free(&pa, a, SIZE_2M);
	assert_int_equal(pa.free_pages, BIG_TOTAL - 1);
	assert_false(page_alloc_is_used(&pa, a, PG));
	assert_true(page_alloc_is_used(&pa, b, PG));
	/* the same block comes back */
	assert_int_equal(alloc(SIZE_2M, SIZE_2M), a);
	page_free(&pa, b, PG);
	assert_int_equal(alloc(PG, PG), b);
	check_counters();
}

static void test_double_free_asserts(void **state)
{
	uint64_t a;

	INIT(big_map);
	a = alloc(2 * PG, PG);
	page_free(&pa, a, 2 * PG);
	EXPECT_ASSERT(page_free(&pa, a, 2 * PG));
	unlock_after_assert(&pa);
	assert_non_null(strstr(assert_msg, "not an allocated block"));
	/* the counters were not touched by the refused free */
	assert_int_equal(pa.free_pages, BIG_TOTAL);
	check_counters();
}

static void test_free_partly_free_block_asserts(void **state)
{
	uint64_t a;

	INIT(big_map);
	a = alloc(PG, PG);
	/* the page below a was never allocated */
	EXPECT_ASSERT(page_free(&pa, a - PG, 2 * PG));
	unlock_after_assert(&pa);
	assert_true(page_alloc_is_used(&pa, a, PG));
	assert_int_equal(pa.free_pages, BIG_TOTAL - 1);
}

static void test_free_unmanaged_asserts(void **state)
{
	INIT(big_map);
	EXPECT_ASSERT(page_free(&pa, 0xa0000, PG));
	unlock_after_assert(&pa);
	assert_non_null(strstr(assert_msg, "page_free(0xa0000, 0x1000)"));
}

static void test_free_bad_arguments_assert(void **state)
{
	uint64_t a;

	INIT(big_map);
	a = alloc(2 * PG, PG);
	EXPECT_ASSERT(page_free(&pa, a + 0x10, PG));
	EXPECT_ASSERT(page_free(&pa, a, 0x10));
	EXPECT_ASSERT(page_free(&pa, a, 0));
	assert_true(page_alloc_is_used(&pa, a, 2 * PG));
}

/* ---- is_used ------------------------------------------------------------------------ */

static void test_is_used(void **state)
{
	uint64_t a;

	INIT(big_map);
	a = alloc(4 * PG, PG);
	assert_true(page_alloc_is_used(&pa, a, 4 * PG));
	assert_true(page_alloc_is_used(&pa, a + PG, 2 * PG));
	assert_false(page_alloc_is_used(&pa, a - PG, 2 * PG));
	assert_false(page_alloc_is_used(&pa, a, 5 * PG)); /* past the top of memory */
	/* used pages on both sides of a hole: the hole is not managed */
	page_alloc_reserve(&pa, 0x7fffe000, 0x100002000ULL);
	assert_true(page_alloc_is_used(&pa, 0x7fffe000, 2 * PG));
	assert_true(page_alloc_is_used(&pa, 0x100000000ULL, 2 * PG));
	assert_false(page_alloc_is_used(&pa, 0x7fffe000, 0x100002000ULL - 0x7fffe000));
}

/* ---- randomized accounting ------------------------------------------------------------ */

struct block {
	uint64_t addr, size;
};

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_random_alloc_free_accounting(void **state)
{
	/* 16 MiB in three regions so that it runs out now and then */
	const struct mem_region m[] = { R(0, 0x200000, AV), R(0x400000, 0x600000, AV),
					R(0x1000000, 0x800000, AV) };
	enum { MAX_LIVE = 512 };
	static struct block live[MAX_LIVE];
	unsigned int nlive = 0, failures = 0, successes = 0;
	uint64_t in_use = 0;

	INIT(m);
	assert_int_equal(pa.total_pages, 511 + 1536 + 2048);
	for (int step = 0; step < 20000; step++) {
		bool do_alloc = nlive == 0 || (nlive < MAX_LIVE && rng() % 100 < 55);

		if (do_alloc) {
			uint64_t r = rng();
			uint64_t pages = 1 + r % 64;
			uint64_t align = (r >> 8) % 8 == 0 ? SIZE_2M : PG << ((r >> 12) % 4);
			uint64_t lo = (r >> 16) % 4 == 0 ? 0x400000 : 0;
			uint64_t a = page_alloc_range(&pa, pages * PG, align, lo, ANY_HI);

			if (!a) {
				failures++;
				continue;
			}
			successes++;
			assert_true(IS_ALIGNED(a, align));
			assert_true(a >= lo);
			assert_true(page_alloc_is_used(&pa, a, pages * PG));
			/* no overlap with any live block */
			for (unsigned int i = 0; i < nlive; i++)
				assert_true(a + pages * PG <= live[i].addr ||
					    live[i].addr + live[i].size <= a);
			live[nlive++] = (struct block){ a, pages * PG };
			in_use += pages;
		} else {
			unsigned int i = (unsigned int)(rng() % nlive);

			page_free(&pa, live[i].addr, live[i].size);
			assert_false(page_alloc_is_used(&pa, live[i].addr, PG));
			in_use -= live[i].size / PG;
			live[i] = live[--nlive];
		}
		assert_int_equal(pa.free_pages, pa.total_pages - in_use);
		if (step % 256 == 0)
			check_counters();
	}
	/* both outcomes were exercised */
	assert_true(failures > 100);
	assert_true(successes > 1000);
	while (nlive) {
		nlive--;
		page_free(&pa, live[nlive].addr, live[nlive].size);
	}
	assert_int_equal(pa.free_pages, pa.total_pages);
	for (unsigned int i = 0; i < pa.count; i++)
		assert_int_equal(pa.ranges[i].free, pa.ranges[i].pages);
	/* everything is free again: the whole top region comes back in one piece */
	assert_int_equal(alloc(0x800000, SIZE_2M), 0x1000000);
	check_counters();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_bitmap_bytes),
		T(test_init_regions),
		T(test_init_skips_tiny_and_reserved),
		T(test_page_zero_never_handed_out),
		T(test_too_many_regions),
		T(test_exactly_max_regions),
		T(test_alloc_4k_top_down),
		T(test_alloc_2m_aligned),
		T(test_alloc_1g),
		T(test_alloc_falls_to_lower_region),
		T(test_alloc_never_spans_regions),
		T(test_alloc_limits),
		T(test_alloc_bad_arguments_assert),
		T(test_exhaustion),
		T(test_fragmentation),
		T(test_alloc_skips_busy_words),
		T(test_reserve_rounds_out_across_edges),
		T(test_reserve_whole_region),
		T(test_reserve_to_top_of_address_space),
		T(test_free_and_realloc),
		T(test_double_free_asserts),
		T(test_free_partly_free_block_asserts),
		T(test_free_unmanaged_asserts),
		T(test_free_bad_arguments_assert),
		T(test_is_used),
		T(test_random_alloc_free_accounting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
