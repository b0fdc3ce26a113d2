/*
 * Host tests for the x86-64 page-table builder (arch/x86_64/page_table.c).
 *
 * Table pages are malloc'd, page-aligned and zeroed; their "physical
 * address" is simply the host pointer value (user-space pointers on x86-64
 * Linux fit in 47 bits, well inside the 52-bit address field), so table_ptr
 * is a cast. The mapped physical addresses themselves are never touched.
 * An alarm turns a hang (say, a walk that wraps at the top of the address
 * space) into a failure.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <arch/page_table.h>
#include <xen-lite/errno.h>

#define K4 PAGE_SIZE
#define M2 SIZE_2M
#define G1 SIZE_1G
#define MAX_TABLES 4096

static void *tables[MAX_TABLES];
static unsigned int table_count;
static int budget; /* tables alloc_table may still hand out; < 0: unlimited */
static uint64_t root;

static uint64_t fake_alloc_table(void *ctx)
{
	void *p;

	assert_ptr_equal(ctx, &table_count);
	if (budget == 0)
		return 0;
	if (budget > 0)
		budget--;
	assert_true(table_count < MAX_TABLES);
	p = aligned_alloc(4096, 4096);
	assert_non_null(p);
	memset(p, 0, 4096);
	assert_int_equal((uintptr_t)p & ~PTE_ADDR_MASK, 0);
	tables[table_count++] = p;
	return (uint64_t)(uintptr_t)p;
}

static uint64_t *fake_table_ptr(uint64_t pa, void *ctx)
{
	bool known = false;

	(void)ctx;
	/* the builder must only ever follow addresses it was given */
	for (unsigned int i = 0; i < table_count && !known; i++)
		known = (uint64_t)(uintptr_t)tables[i] == pa;
	if (!known)
		fail_msg("table_ptr(%#llx): not a table page", (unsigned long long)pa);
	return (uint64_t *)(uintptr_t)pa;
}

static struct pt_ops ops = {
	.alloc_table = fake_alloc_table,
	.table_ptr = fake_table_ptr,
	.ctx = &table_count,
};

static int setup(void **state)
{
	(void)state;
	table_count = 0;
	budget = -1;
	ops.allow_1g = false;
	root = fake_alloc_table(&table_count);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < table_count; i++)
		free(tables[i]);
	table_count = 0;
	return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

static int map(uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs)
{
	return pt_map_range(&ops, root, va, pa, size, attrs);
}

/* va must translate to pa through a page of page_size. Returns the entry. */
static uint64_t expect_mapped(uint64_t va, uint64_t pa, uint64_t page_size)
{
	uint64_t got_pa = 0x5555, got_size = 0x5555, entry = 0x5555;

	if (!pt_lookup(&ops, root, va, &got_pa, &got_size, &entry))
		fail_msg("va %#llx is not mapped", (unsigned long long)va);
	if (got_pa != pa || got_size != page_size)
		fail_msg("va %#llx -> pa %#llx size %#llx, want pa %#llx size %#llx",
			 (unsigned long long)va, (unsigned long long)got_pa,
			 (unsigned long long)got_size, (unsigned long long)pa,
			 (unsigned long long)page_size);
	assert_true(entry & PTE_P);
	assert_int_equal(!!(entry & PTE_PS), page_size != K4);
	return entry;
}

static void expect_unmapped(uint64_t va)
{
	uint64_t pa, size, entry;

	if (pt_lookup(&ops, root, va, &pa, &size, &entry))
		fail_msg("va %#llx is mapped (to %#llx)", (unsigned long long)va, (unsigned long long)pa);
}

/* Number of present entries in a table page. */
static unsigned int present(uint64_t table)
{
	const uint64_t *t = (const uint64_t *)(uintptr_t)table;
	unsigned int n = 0;

	for (int i = 0; i < 512; i++)
		n += !!(t[i] & PTE_P);
	return n;
}

static uint64_t next_table(uint64_t table, unsigned int index)
{
	uint64_t e = ((const uint64_t *)(uintptr_t)table)[index];

	assert_true(e & PTE_P);
	assert_false(e & PTE_PS);
	return e & PTE_ADDR_MASK;
}

/* ---- page sizes ------------------------------------------------------------------ */

static void test_map_4k(void **state)
{
	uint64_t e;

	assert_int_equal(map(0x400000, 0x1234000, K4, PTE_W), 0);
	e = expect_mapped(0x400000, 0x1234000, K4);
	assert_int_equal(e & PTE_ADDR_MASK, 0x1234000);
	assert_true(e & PTE_W);
	/* the offset inside the page carries over */
	expect_mapped(0x400abc, 0x1234abc, K4);
	expect_mapped(0x400fff, 0x1234fff, K4);
	expect_unmapped(0x401000);
	expect_unmapped(0x3ff000);
	expect_unmapped(0);
	/* PML4, PDPT, PD and PT: three new tables, one entry in each */
	assert_int_equal(table_count, 4);
	assert_int_equal(present(root), 1);
	assert_int_equal(present(next_table(next_table(next_table(root, 0), 0), 2)), 1);
}

static void test_map_2m_when_aligned(void **state)
{
	assert_int_equal(map(0x200000, 0x40000000, M2, PTE_W), 0);
	expect_mapped(0x200000, 0x40000000, M2);
	expect_mapped(0x3fffff, 0x401fffff, M2);
	expect_unmapped(0x400000);
	expect_unmapped(0x1ff000);
	/* no page table below the PD */
	assert_int_equal(table_count, 3);
}

static void test_2m_needs_pa_alignment_too(void **state)
{
	/* va is 2 MiB aligned but pa is not: 512 small pages */
	assert_int_equal(map(0x200000, 0x40001000, M2, 0), 0);
	expect_mapped(0x200000, 0x40001000, K4);
	expect_mapped(0x3ff000, 0x40200000, K4);
	assert_int_equal(table_count, 4);
	assert_int_equal(present(next_table(next_table(next_table(root, 0), 0), 1)), 512);
}

static void test_1g_only_when_allowed(void **state)
{
	uint64_t pd;

	/* without 1 GiB pages: 512 2 MiB pages in a PD */
	assert_int_equal(map(G1, 2 * G1, G1, PTE_W), 0);
	expect_mapped(G1, 2 * G1, M2);
	expect_mapped(2 * G1 - 1, 3 * G1 - 1, M2);
	pd = next_table(next_table(root, 0), 1);
	assert_int_equal(present(pd), 512);
	assert_int_equal(table_count, 3);

	/* with them: one PDPT entry */
	ops.allow_1g = true;
	assert_int_equal(map(4 * G1, 8 * G1, G1, PTE_W), 0);
	expect_mapped(4 * G1, 8 * G1, G1);
	expect_mapped(4 * G1 + 0x12345678, 8 * G1 + 0x12345678, G1);
	assert_int_equal(table_count, 3);
	assert_int_equal(present(next_table(root, 0)), 2);

	/* 1 GiB pages still need 1 GiB alignment of both addresses */
	assert_int_equal(map(6 * G1, 9 * G1 + M2, G1, 0), 0);
	expect_mapped(6 * G1, 9 * G1 + M2, M2);
}

static void test_mixed_range(void **state)
{
	/* unaligned start and end: 4K, then 2M pages, then 4K */
	const uint64_t va = 0x1ff000, off = 0x10000000, size = 0x402000;

	assert_int_equal(map(va, va + off, size, PTE_W), 0);
	expect_mapped(0x1ff000, 0x1ff000 + off, K4);
	expect_mapped(0x200000, 0x200000 + off, M2);
	expect_mapped(0x400000, 0x400000 + off, M2);
	expect_mapped(0x5fffff, 0x5fffff + off, M2);
	expect_mapped(0x600000, 0x600000 + off, K4);
	expect_unmapped(0x601000);
	expect_unmapped(0x1fe000);
	/* PT for 0x1ff000, PD entries for the two 2M pages, PT for 0x600000 */
	assert_int_equal(table_count, 5);
}

static void test_mixed_range_with_1g(void **state)
{
	const uint64_t va = G1 - K4, size = G1 + 2 * M2 + 2 * K4;

	ops.allow_1g = true;
	assert_int_equal(map(va, va, size, 0), 0);
	expect_mapped(G1 - K4, G1 - K4, K4);
	expect_mapped(G1, G1, G1);
	expect_mapped(2 * G1 - 1, 2 * G1 - 1, G1);
	expect_mapped(2 * G1, 2 * G1, M2);
	expect_mapped(2 * G1 + M2, 2 * G1 + M2, M2);
	expect_mapped(2 * G1 + 2 * M2, 2 * G1 + 2 * M2, K4);
	expect_unmapped(2 * G1 + 2 * M2 + K4);
}

static void test_across_pml4_entries(void **state)
{
	const uint64_t va = (1ULL << 39) - M2;

	assert_int_equal(map(va, 0x80000000, 2 * M2, 0), 0);
	expect_mapped(va, 0x80000000, M2);
	expect_mapped(1ULL << 39, 0x80000000 + M2, M2);
	assert_int_equal(present(root), 2);
}

static void test_terabyte_direct_map(void **state)
{
	const uint64_t va = 0xffff800000000000ULL;

	ops.allow_1g = true;
	assert_int_equal(map(va, 0, 1ULL << 40, PTE_W | PTE_NX | PTE_G), 0);
	expect_mapped(va, 0, G1);
	expect_mapped(va + (1ULL << 40) - 1, (1ULL << 40) - 1, G1);
	expect_unmapped(va + (1ULL << 40));
	/* root + two PDPTs */
	assert_int_equal(table_count, 3);
	assert_int_equal(present(root), 2);
	assert_int_equal(present(next_table(root, 256)), 512);
}

/* ---- attributes ----------------------------------------------------------------------- */

static void test_attributes(void **state)
{
	uint64_t e;

	assert_int_equal(map(0x1000, 0x1000, K4, PTE_NX), 0);
	e = expect_mapped(0x1000, 0x1000, K4);
	assert_true(e & PTE_NX);
	assert_false(e & PTE_W);
	assert_false(e & PTE_PCD);

	assert_int_equal(map(0x2000, 0xfee00000, K4, PTE_W | PTE_PCD | PTE_PWT | PTE_NX), 0);
	e = expect_mapped(0x2000, 0xfee00000, K4);
	assert_int_equal(e, 0xfee00000 | PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_NX);

	assert_int_equal(map(0x200000, 0x200000, M2, PTE_W | PTE_G), 0);
	e = expect_mapped(0x200000, 0x200000, M2);
	assert_int_equal(e, 0x200000 | PTE_P | PTE_PS | PTE_W | PTE_G);

	/* bits the caller may not pass (A, D, PS, address bits) are dropped */
	assert_int_equal(map(0x3000, 0x3000, K4, PTE_W | PTE_A | PTE_D | PTE_PS | 0xabc000), 0);
	e = expect_mapped(0x3000, 0x3000, K4);
	assert_int_equal(e, 0x3000 | PTE_P | PTE_W);

	/* intermediate entries are writable and present; U only when asked for */
	assert_int_equal(((uint64_t *)(uintptr_t)root)[0] & (PTE_P | PTE_W | PTE_U | PTE_NX),
			 PTE_P | PTE_W);
	assert_int_equal(map(0x7f0000000000ULL, 0x5000, K4, PTE_U), 0);
	assert_int_equal(((uint64_t *)(uintptr_t)root)[254] & (PTE_P | PTE_W | PTE_U | PTE_NX),
			 PTE_P | PTE_W | PTE_U);
	e = expect_mapped(0x7f0000000000ULL, 0x5000, K4);
	assert_int_equal(e, 0x5000 | PTE_P | PTE_U);
}

static void test_lookup_large_page_offsets(void **state)
{
	uint64_t pa, size, entry;

	ops.allow_1g = true;
	assert_int_equal(map(0xffffffff80000000ULL, 0x40000000, G1, PTE_W), 0);
	assert_true(pt_lookup(&ops, root, 0xffffffff8abcdef1ULL, &pa, &size, &entry));
	assert_int_equal(pa, 0x4abcdef1);
	assert_int_equal(size, G1);
	assert_int_equal(entry & PTE_ADDR_MASK, 0x40000000);
	expect_unmapped(0xffffffff7ffff000ULL);
}

/* ---- errors ------------------------------------------------------------------------------ */

static void test_overlap_eexist_changes_nothing(void **state)
{
	unsigned int before;

	assert_int_equal(map(0x200000, 0x200000, M2, PTE_W), 0);
	before = table_count;
	/* ends inside the existing 2M page, starts in unmapped space */
	assert_int_equal(map(0x100000, 0x100000, 0x101000, PTE_W), -EEXIST);
	expect_unmapped(0x100000);
	expect_unmapped(0x1ff000);
	/* starts inside it, runs past */
	assert_int_equal(map(0x3ff000, 0x3ff000, 0x201000, PTE_W), -EEXIST);
	expect_unmapped(0x400000);
	expect_unmapped(0x5ff000);
	/* a single 4K page inside it */
	assert_int_equal(map(0x300000, 0x900000, K4, 0), -EEXIST);
	expect_mapped(0x300000, 0x300000, M2);
	/* nothing was allocated by the refused calls */
	assert_int_equal(table_count, before);

	/* a 2M request over an existing 4K page */
	assert_int_equal(map(0x40000000 + 0x5000, 0x5000, K4, 0), 0);
	before = table_count;
	assert_int_equal(map(0x40000000, 0x40000000, M2, 0), -EEXIST);
	expect_unmapped(0x40000000);
	expect_mapped(0x40005000, 0x5000, K4);
	assert_int_equal(table_count, before);

	/* the same range twice */
	assert_int_equal(map(0x40005000, 0x5000, K4, 0), -EEXIST);

	/* touching is not overlapping */
	assert_int_equal(map(0x400000, 0x400000, K4, 0), 0);
	assert_int_equal(map(0x1ff000, 0x1ff000, K4, 0), 0);
}

static void test_overlap_with_1g_page(void **state)
{
	ops.allow_1g = true;
	assert_int_equal(map(G1, 0, G1, 0), 0);
	assert_int_equal(map(G1 + 0x12345000, 0, K4, 0), -EEXIST);
	assert_int_equal(map(2 * G1 - K4, 0, 2 * K4, 0), -EEXIST);
	expect_unmapped(2 * G1);
	assert_int_equal(map(2 * G1, 0, K4, 0), 0);
}

static void test_einval(void **state)
{
	unsigned int before = table_count;

	/* misaligned va, pa, size */
	assert_int_equal(map(0x1001, 0x1000, K4, 0), -EINVAL);
	assert_int_equal(map(0x1000, 0x1800, K4, 0), -EINVAL);
	assert_int_equal(map(0x1000, 0x1000, 0x800, 0), -EINVAL);
	assert_int_equal(map(0x1000, 0x1000, K4 + 1, 0), -EINVAL);
	/* non-canonical start, end, and a range across the hole */
	assert_int_equal(map(0x0000800000000000ULL, 0, K4, 0), -EINVAL);
	assert_int_equal(map(0xffff7ffffffff000ULL, 0, K4, 0), -EINVAL);
	assert_int_equal(map(0x00007ffffffff000ULL, 0, 2 * K4, 0), -EINVAL);
	assert_int_equal(map(0x00007ffffffff000ULL, 0, 0xffff800000001000ULL - 0x00007ffffffff000ULL,
			     0),
			 -EINVAL);
	/* physical addresses beyond 52 bits, or wrapping */
	assert_int_equal(map(0x1000, 1ULL << 52, K4, 0), -EINVAL);
	assert_int_equal(map(0x1000, (1ULL << 52) - K4, 2 * K4, 0), -EINVAL);
	assert_int_equal(map(0x1000, 0xfffffffffffff000ULL, 2 * K4, 0), -EINVAL);
	/* a size that wraps the virtual address */
	assert_int_equal(map(0xffffffff80000000ULL, 0, 0x100000000ULL, 0), -EINVAL);
	assert_int_equal(table_count, before);
	assert_int_equal(present(root), 0);
	/* the last physical page below 2^52 is fine */
	assert_int_equal(map(0x1000, (1ULL << 52) - K4, K4, 0), 0);
	expect_mapped(0x1000, (1ULL << 52) - K4, K4);
	/* and so is an empty range */
	assert_int_equal(map(0x5000, 0x5000, 0, 0), 0);
	expect_unmapped(0x5000);
}

static void test_top_of_lower_half(void **state)
{
	const uint64_t va = 0x00007ffffffff000ULL;

	assert_int_equal(map(va, 0x1000, K4, 0), 0);
	expect_mapped(va, 0x1000, K4);
}

static void test_top_of_address_space(void **state)
{
	/* the hypervisor's image region, up to the very top: end wraps to 0 */
	const uint64_t va = 0xffffffff80000000ULL;

	assert_int_equal(map(va, 0x200000, 0x80000000ULL - M2, PTE_W), 0);
	expect_mapped(va, 0x200000, M2);
	expect_mapped(0xffffffffffdfffffULL, 0x7fffffff, M2);
	expect_unmapped(0xffffffffffe00000ULL);
	assert_int_equal(map(0xffffffffffe00000ULL, 0x40000000, M2, PTE_W), 0);
	expect_mapped(0xffffffffffe00000ULL, 0x40000000, M2);
	expect_mapped(UINT64_MAX, 0x401fffff, M2);
	/* now everything up there is taken: the top page is refused, not wrapped */
	assert_int_equal(map(0xfffffffffffff000ULL, 0, K4, 0), -EEXIST);
	assert_int_equal(map(0xffffffffc0000000ULL, 0, G1, 0), -EEXIST);

	/* the range reaching 2^64 exactly, in one call */
	teardown(NULL);
	setup(NULL);
	assert_int_equal(map(va, 0, 0x80000000ULL, PTE_W), 0);
	expect_mapped(va, 0, M2);
	expect_mapped(0xfffffffffffff000ULL, 0x7ffff000, M2);
	assert_int_equal(map(va - K4, 0, K4, 0), 0);
	expect_mapped(va - K4, 0, K4);
}

static void test_last_page(void **state)
{
	const uint64_t va = 0xfffffffffffff000ULL;

	assert_int_equal(map(va, 0xabc000, K4, PTE_W | PTE_NX), 0);
	expect_mapped(va, 0xabc000, K4);
	expect_mapped(UINT64_MAX, 0xabcfff, K4);
	expect_unmapped(va - K4);
	assert_int_equal(map(va, 0xabc000, K4, 0), -EEXIST);
	/* the last 1 GiB as a single page */
	ops.allow_1g = true;
	assert_int_equal(map(0xffffffffc0000000ULL, 0, G1, 0), -EEXIST);
	assert_int_equal(map(0xffffffff80000000ULL, 0x40000000, G1, 0), 0);
	expect_mapped(0xffffffff80000000ULL, 0x40000000, G1);
	/* two pages ending one page past the top wrap: refused */
	assert_int_equal(map(0xfffffffffffff000ULL, 0, 2 * K4, 0), -EINVAL);
}

static void test_enomem(void **state)
{
	/* no table at all */
	budget = 0;
	assert_int_equal(map(0x1000, 0x1000, K4, 0), -ENOMEM);
	expect_unmapped(0x1000);
	/* room for the PDPT and the PD, not for the page table */
	budget = 2;
	assert_int_equal(map(0x1000, 0x1000, K4, 0), -ENOMEM);
	expect_unmapped(0x1000);
	/* a 2M page does not need that page table */
	assert_int_equal(map(0x200000, 0x200000, M2, 0), 0);
	expect_mapped(0x200000, 0x200000, M2);
	/* with memory again, the 4K page can be mapped after all */
	budget = -1;
	assert_int_equal(map(0x1000, 0x1000, K4, 0), 0);
	expect_mapped(0x1000, 0x1000, K4);
}

/* ---- unmap and protect: large pages straddling an edge are split ---- */

static void test_unmap_splits_2m(void **state)
{
	(void)state;
	assert_int_equal(map(0, 0x40000000, 2 * M2, PTE_W), 0);
	assert_int_equal(pt_unmap_range(&ops, root, 0x3000, K4), 0);
	expect_unmapped(0x3000);
	/* the rest of that 2M page is still mapped, as 4K pages with the same attributes */
	assert_true(expect_mapped(0x2000, 0x40002000, K4) & PTE_W);
	assert_true(expect_mapped(0x4000, 0x40004000, K4) & PTE_W);
	expect_mapped(0x1ff000, 0x401ff000, K4);
	/* the neighbouring 2M page is untouched */
	expect_mapped(M2, 0x40000000 + M2, M2);
}

static void test_unmap_whole_large_pages(void **state)
{
	unsigned int before;

	(void)state;
	assert_int_equal(map(0, 0, 4 * M2, 0), 0);
	before = table_count;
	/* exactly two aligned 2M pages: cleared, nothing split */
	assert_int_equal(pt_unmap_range(&ops, root, M2, 2 * M2), 0);
	assert_int_equal(table_count, before);
	expect_mapped(0, 0, M2);
	expect_unmapped(M2);
	expect_unmapped(2 * M2 + 0x1000);
	expect_mapped(3 * M2, 3 * M2, M2);
	/* unmapping what is not mapped is fine */
	assert_int_equal(pt_unmap_range(&ops, root, M2, M2), 0);
	assert_int_equal(pt_unmap_range(&ops, root, 0x7f0000000000, G1), 0);
}

static void test_unmap_splits_1g_twice(void **state)
{
	(void)state;
	ops.allow_1g = true;
	assert_int_equal(map(G1, 0x80000000, G1, PTE_W), 0);
	assert_int_equal(pt_unmap_range(&ops, root, G1 + M2 + 0x5000, K4), 0);
	expect_unmapped(G1 + M2 + 0x5000);
	expect_mapped(G1, 0x80000000, M2);
	expect_mapped(G1 + M2 + 0x4000, 0x80000000 + M2 + 0x4000, K4);
	expect_mapped(G1 + 2 * M2, 0x80000000 + 2 * M2, M2);
	expect_mapped(2 * G1 - M2, 0x80000000 + G1 - M2, M2);
}

static void test_protect(void **state)
{
	uint64_t e;

	(void)state;
	assert_int_equal(map(0, 0, M2, PTE_W | PTE_U), 0);
	assert_int_equal(pt_protect_range(&ops, root, 0x1000, 2 * K4, PTE_U | PTE_NX), 0);
	e = expect_mapped(0x1000, 0x1000, K4);
	assert_false(e & PTE_W);
	assert_true(e & PTE_NX);
	assert_true(e & PTE_U);
	e = expect_mapped(0x2000, 0x2000, K4);
	assert_false(e & PTE_W);
	/* the rest keeps what it had */
	e = expect_mapped(0x3000, 0x3000, K4);
	assert_true(e & PTE_W);
	assert_false(e & PTE_NX);
	expect_mapped(0, 0, K4);
}

static void test_unmap_protect_errors(void **state)
{
	(void)state;
	assert_int_equal(map(0, 0, M2, 0), 0);
	assert_int_equal(pt_unmap_range(&ops, root, 0x800, K4), -EINVAL);
	assert_int_equal(pt_protect_range(&ops, root, 0, 0x800, 0), -EINVAL);
	assert_int_equal(pt_unmap_range(&ops, root, 0x800000000000ULL, K4), -EINVAL);
	/* a split that cannot get a table fails and leaves the large page whole */
	budget = 0;
	assert_int_equal(pt_unmap_range(&ops, root, 0x1000, K4), -ENOMEM);
	expect_mapped(0x1000, 0x1000, M2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_map_4k),
		T(test_map_2m_when_aligned),
		T(test_2m_needs_pa_alignment_too),
		T(test_1g_only_when_allowed),
		T(test_mixed_range),
		T(test_mixed_range_with_1g),
		T(test_across_pml4_entries),
		T(test_terabyte_direct_map),
		T(test_attributes),
		T(test_lookup_large_page_offsets),
		T(test_overlap_eexist_changes_nothing),
		T(test_overlap_with_1g_page),
		T(test_einval),
		T(test_top_of_lower_half),
		T(test_top_of_address_space),
		T(test_last_page),
		T(test_enomem),
		T(test_unmap_splits_2m),
		T(test_unmap_whole_large_pages),
		T(test_unmap_splits_1g_twice),
		T(test_protect),
		T(test_unmap_protect_errors),
	};

	alarm(20); /* a hang is a failure */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
