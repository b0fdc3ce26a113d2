/*
 * Host tests for the size-class heap (xen-lite/heap.c) over fake page ops
 * that hand out page-aligned host memory (filled with junk, so zeroing is
 * checked), count pages and check every free against its allocation.
 *
 * ASSERT() failures reach assert_failed(), which this file provides: it
 * records the message and longjmps back into EXPECT_ASSERT.
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
#include <xen-lite/heap.h>

#include "log_capture.h"

/* ---- assertions ------------------------------------------------------------------ */

/* assert_failed() and EXPECT_ASSERT come from log_capture.c */

/* ---- fake page source ------------------------------------------------------------ */

#define MAX_CHUNKS 4096
#define FAKE_LIMIT (64ULL << 20) /* larger requests are "out of memory" */

static struct chunk {
	void *p;
	uint64_t bytes;
} chunks[MAX_CHUNKS];
static unsigned int nchunks;
static uint64_t pages_in_use, alloc_calls, free_calls, last_alloc_bytes;
static bool out_of_memory;

static void *fake_alloc(uint64_t bytes)
{
	void *p;

	alloc_calls++;
	last_alloc_bytes = bytes;
	if (!bytes || bytes % 4096)
		fail_msg("page alloc of %#llx bytes: not whole pages", (unsigned long long)bytes);
	if (out_of_memory || bytes > FAKE_LIMIT)
		return NULL;
	assert_true(nchunks < MAX_CHUNKS);
	p = aligned_alloc(4096, bytes);
	assert_non_null(p);
	memset(p, 0xa5, bytes); /* junk: the heap must zero what it hands out */
	chunks[nchunks++] = (struct chunk){ p, bytes };
	pages_in_use += bytes / 4096;
	return p;
}

static void fake_free(void *p, uint64_t bytes)
{
	free_calls++;
	for (unsigned int i = 0; i < nchunks; i++) {
		if (chunks[i].p == p) {
			if (chunks[i].bytes != bytes)
				fail_msg("page free of %p: %#llx bytes, allocated %#llx", p,
					 (unsigned long long)bytes, (unsigned long long)chunks[i].bytes);
			free(p);
			pages_in_use -= bytes / 4096;
			chunks[i] = chunks[--nchunks];
			return;
		}
	}
	fail_msg("page free of %p: never allocated", p);
}

static const struct heap_page_ops fake_ops = { fake_alloc, fake_free };

static int setup(void **state)
{
	(void)state;
	nchunks = 0;
	pages_in_use = alloc_calls = free_calls = last_alloc_bytes = 0;
	out_of_memory = false;
	assert_expected = false;
	heap_init_with(&fake_ops);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	/* pages carved into size classes stay with the heap: release them here */
	for (unsigned int i = 0; i < nchunks; i++)
		free(chunks[i].p);
	nchunks = 0;
	return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

static uintptr_t page_of(const void *p)
{
	return (uintptr_t)p & ~(uintptr_t)4095;
}

static void expect_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			fail_msg("byte %zu of %zu is %#x, not zero", i, n, p[i]);
}

/* ---- tests ------------------------------------------------------------------------- */

static void test_size_zero(void **state)
{
	assert_null(xl_zalloc(0));
	assert_int_equal(alloc_calls, 0);
}

static void test_no_page_source(void **state)
{
	heap_init_with(NULL);
	assert_null(xl_zalloc(16));
	heap_init_with(&fake_ops);
	assert_non_null(xl_zalloc(16));
}

/* The number of objects of this size that fit in one page. */
static unsigned int per_page(size_t size)
{
	size_t block = 32;

	while (block < size + 16)
		block *= 2;
	return (unsigned int)(4096 / block);
}

static void test_size_classes(void **state)
{
	/* the block is the smallest power of two >= size + a 16-byte header */
	static const size_t sizes[] = { 1, 15, 16, 17, 48, 49, 100, 112, 113, 240, 241, 496, 497,
					1000, 1008, 1009, 2000, 2032 };
	static const unsigned int expect_per_page[] = { 128, 128, 128, 64, 64, 32, 32, 32, 16,
							16, 8, 8, 4, 4, 4, 2, 2, 2 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned int n = per_page(sizes[i]);
		uint64_t pages_before = pages_in_use;
		uintptr_t page = 0;

		assert_int_equal(n, expect_per_page[i]);
		/* a page's worth of objects comes from one new page ... */
		for (unsigned int j = 0; j < n; j++) {
			uint8_t *p = xl_zalloc(sizes[i]);

			assert_non_null(p);
			if (j == 0)
				page = page_of(p);
			if (page_of(p) != page)
				fail_msg("size %zu: object %u is not in the first page", sizes[i], j);
			expect_zero(p, sizes[i]);
			memset(p, 0xee, sizes[i]); /* ASan: the object really is that big */
		}
		assert_int_equal(pages_in_use, pages_before + 1);
		assert_int_equal(last_alloc_bytes, 4096);
		/* ... and one more needs another */
		assert_non_null(xl_zalloc(sizes[i]));
		assert_int_equal(pages_in_use, pages_before + 2);
		/* start the next size with fresh classes */
		heap_init_with(&fake_ops);
	}
}

static void test_whole_pages_above_2032(void **state)
{
	static const struct {
		size_t size;
		uint64_t bytes;
	} cases[] = { { 2033, 4096 }, { 4080, 4096 }, { 4081, 8192 }, { 10000, 12288 },
		      { 1 << 20, (1 << 20) + 4096 } };

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t *p = xl_zalloc(cases[i].size);

		assert_non_null(p);
		assert_int_equal(last_alloc_bytes, cases[i].bytes);
		/* just after a 16-byte header at the start of the pages */
		assert_int_equal((uintptr_t)p % 4096, 16);
		expect_zero(p, cases[i].size);
		memset(p, 0xee, cases[i].size);
		xl_free(p);
		assert_int_equal(pages_in_use, 0);
	}
	assert_int_equal(free_calls, ARRAY_SIZE(cases));
}

static void test_alignment(void **state)
{
	for (size_t size = 1; size <= 5000; size += 7) {
		void *p = xl_zalloc(size);

		assert_non_null(p);
		if ((uintptr_t)p % 16)
			fail_msg("xl_zalloc(%zu) = %p is not 16-byte aligned", size, p);
	}
}

static void test_zeroed_on_reuse(void **state)
{
	uint8_t *p = xl_zalloc(200), *q;

	memset(p, 0xff, 200);
	xl_free(p);
	q = xl_zalloc(200);
	assert_ptr_equal(q, p);
	expect_zero(q, 200);
	/* a smaller request from the same class reuses it too, zeroed as far as asked */
	memset(q, 0xff, 200);
	xl_free(q);
	q = xl_zalloc(130);
	assert_ptr_equal(q, p);
	expect_zero(q, 130);
}

static void test_free_then_reuse(void **state)
{
	void *a = xl_zalloc(64), *b = xl_zalloc(64), *c;

	assert_ptr_not_equal(a, b);
	xl_free(a);
	c = xl_zalloc(64);
	assert_ptr_equal(c, a);
	/* other classes do not take it */
	xl_free(c);
	assert_ptr_not_equal(xl_zalloc(10), c);
	assert_ptr_not_equal(xl_zalloc(500), c);
	assert_ptr_equal(xl_zalloc(60), c);
	assert_int_equal(pages_in_use, 3);
}

static void test_objects_do_not_overlap(void **state)
{
	enum { N = 300 };
	uint8_t *p[N];

	for (int i = 0; i < N; i++) {
		size_t size = 1 + (size_t)(i * 37) % 3000;

		p[i] = xl_zalloc(size);
		assert_non_null(p[i]);
		memset(p[i], i & 0xff, size);
	}
	for (int i = 0; i < N; i++) {
		size_t size = 1 + (size_t)(i * 37) % 3000;

		for (size_t j = 0; j < size; j++)
			if (p[i][j] != (i & 0xff))
				fail_msg("object %d byte %zu overwritten", i, j);
	}
	for (int i = 0; i < N; i++)
		xl_free(p[i]);
}

static void test_stats(void **state)
{
	struct heap_stats s;
	void *a, *b, *c;

	heap_get_stats(&s);
	assert_int_equal(s.bytes_in_use, 0);
	assert_int_equal(s.allocations, 0);
	a = xl_zalloc(10);
	b = xl_zalloc(1000);
	c = xl_zalloc(5000);
	heap_get_stats(&s);
	assert_int_equal(s.bytes_in_use, 6010);
	assert_int_equal(s.allocations, 3);
	xl_free(b);
	heap_get_stats(&s);
	assert_int_equal(s.bytes_in_use, 5010);
	assert_int_equal(s.allocations, 2);
	xl_free(c);
	xl_free(a);
	heap_get_stats(&s);
	assert_int_equal(s.bytes_in_use, 0);
	assert_int_equal(s.allocations, 0);
	/* failures are not counted */
	out_of_memory = true;
	assert_null(xl_zalloc(5000));
	heap_get_stats(&s);
	assert_int_equal(s.allocations, 0);
	/* heap_init_with starts again from zero */
	out_of_memory = false;
	xl_zalloc(1);
	heap_init_with(&fake_ops);
	heap_get_stats(&s);
	assert_int_equal(s.allocations, 0);
}

static void test_out_of_memory(void **state)
{
	out_of_memory = true;
	assert_null(xl_zalloc(1));
	assert_null(xl_zalloc(2032));
	assert_null(xl_zalloc(100000));
	out_of_memory = false;
	/* memory comes back */
	assert_non_null(xl_zalloc(1));
	/* a class with free blocks still serves without the page source */
	out_of_memory = true;
	assert_non_null(xl_zalloc(1));
	assert_null(xl_zalloc(5000));
}

static void test_free_null(void **state)
{
	struct heap_stats s;

	xl_free(NULL);
	heap_get_stats(&s);
	assert_int_equal(s.allocations, 0);
	assert_int_equal(free_calls, 0);
}

static void test_double_free_asserts(void **state)
{
	struct heap_stats s;
	void *p = xl_zalloc(100), *q = xl_zalloc(100);

	xl_free(p);
	EXPECT_ASSERT(xl_free(p));
	assert_non_null(strstr(assert_msg, "freed twice"));
	/* the refused free changed nothing */
	heap_get_stats(&s);
	assert_int_equal(s.allocations, 1);
	assert_int_equal(s.bytes_in_use, 100);
	/* also when the block is not at the head of its free list */
	xl_free(q);
	EXPECT_ASSERT(xl_free(p));
	EXPECT_ASSERT(xl_free(q));
	/* and the heap still works */
	assert_ptr_equal(xl_zalloc(100), q);
	assert_ptr_equal(xl_zalloc(100), p);
}

static void test_free_foreign_pointer_asserts(void **state)
{
	static _Alignas(16) uint8_t buf[64];
	uint8_t *p = xl_zalloc(40);

	EXPECT_ASSERT(xl_free(buf + 16));
	assert_non_null(strstr(assert_msg, "not a heap block"));
	/* an interior pointer is not a block either */
	EXPECT_ASSERT(xl_free(p + 16));
	xl_free(p);
}

static void test_huge_sizes(void **state)
{
	/* size + header overflows */
	assert_null(xl_zalloc(SIZE_MAX));
	assert_null(xl_zalloc(SIZE_MAX - 15));
	/* size + header fits, but rounding up to pages does not */
	assert_null(xl_zalloc(SIZE_MAX - 16));
	assert_null(xl_zalloc(SIZE_MAX - 4000));
	/* representable, merely more than there is */
	assert_null(xl_zalloc(SIZE_MAX / 2));
	assert_null(xl_zalloc((size_t)1 << 40));
	/* 2^31 pages or more cannot be recorded in the block header: not even asked for */
	alloc_calls = 0;
	assert_null(xl_zalloc((size_t)1 << 43));
	assert_int_equal(alloc_calls, 0);

	struct heap_stats s;

	heap_get_stats(&s);
	assert_int_equal(s.allocations, 0);
	assert_int_equal(s.bytes_in_use, 0);
	assert_int_equal(pages_in_use, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_size_zero),
		T(test_no_page_source),
		T(test_size_classes),
		T(test_whole_pages_above_2032),
		T(test_alignment),
		T(test_zeroed_on_reuse),
		T(test_free_then_reuse),
		T(test_objects_do_not_overlap),
		T(test_stats),
		T(test_out_of_memory),
		T(test_free_null),
		T(test_double_free_asserts),
		T(test_free_foreign_pointer_asserts),
		T(test_huge_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
