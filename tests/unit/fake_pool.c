/* The guest pool and nested page tables of the segment tests: see fake_pool.h. */
#include "fake_pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/mm.h>

bool fake_pool_no_2m;
int fake_pool_allocs_left = -1;
struct fake_mapping fake_maps[FAKE_MAPS_MAX];
unsigned int fake_nr_maps;

static uint8_t *pool;
static unsigned int pool_pages;
static uint64_t pool_block[FAKE_POOL_MAX_PAGES]; /* at a block's first page: its size */
static bool pool_used[FAKE_POOL_MAX_PAGES];

void fake_pool_reset(unsigned int pages)
{
	if (!pool) {
		pool = aligned_alloc(PAGE_SIZE, FAKE_POOL_MAX_PAGES * PAGE_SIZE);
		if (!pool)
			abort();
		memset(pool, FAKE_POOL_JUNK, FAKE_POOL_MAX_PAGES * PAGE_SIZE);
	}
	for (unsigned int p = 0; p < FAKE_POOL_MAX_PAGES; p++)
		if (pool_used[p]) /* what a failed test left: freed memory is junk */
			memset(pool + (uint64_t)p * PAGE_SIZE, FAKE_POOL_JUNK, PAGE_SIZE);
	memset(pool_used, 0, sizeof(pool_used));
	memset(pool_block, 0, sizeof(pool_block));
	pool_pages = pages < FAKE_POOL_MAX_PAGES ? pages : FAKE_POOL_MAX_PAGES;
	fake_pool_no_2m = false;
	fake_pool_allocs_left = -1;
	fake_nr_maps = 0;
}

/* size bytes in one piece at a multiple of align (from the pool's start, itself aligned enough) */
hpa_t phys_alloc_contiguous(uint64_t size, uint64_t align)
{
	uint64_t pages = size / PAGE_SIZE, step = align / PAGE_SIZE;

	if (!size || size % PAGE_SIZE || align < PAGE_SIZE || (align & (align - 1)) || !pool) {
		fprintf(stderr, "phys_alloc_contiguous(%#llx, %#llx) before a reset or of a bad size\n",
			(unsigned long long)size, (unsigned long long)align);
		abort();
	}
	if ((fake_pool_no_2m && align > PAGE_SIZE) || !fake_pool_allocs_left)
		return hpa_init(0);
	for (uint64_t first = 0; first + pages <= pool_pages; first += step) {
		bool free = true;

		for (uint64_t p = first; p < first + pages && free; p++)
			free = !pool_used[p];
		if (!free)
			continue;
		for (uint64_t p = first; p < first + pages; p++)
			pool_used[p] = true;
		pool_block[first] = size;
		if (fake_pool_allocs_left > 0)
			fake_pool_allocs_left--;
		return hpa_init(FAKE_POOL_HPA + first * PAGE_SIZE);
	}
	return hpa_init(0);
}

hpa_t phys_alloc_aligned(uint64_t size)
{
	if (size != PAGE_SIZE && size != SIZE_2M && size != SIZE_1G) {
		fprintf(stderr, "phys_alloc_aligned(%#llx) of a bad size\n", (unsigned long long)size);
		abort();
	}
	return phys_alloc_contiguous(size, size);
}

void phys_free(hpa_t hpa, uint64_t size)
{
	uint64_t at = hpa_addr(hpa) - FAKE_POOL_HPA, first = at / PAGE_SIZE;

	if (hpa_addr(hpa) < FAKE_POOL_HPA || at % PAGE_SIZE || first >= pool_pages || pool_block[first] != size) {
		fprintf(stderr, "phys_free(%#llx, %#llx) of a block not allocated so\n",
			(unsigned long long)hpa_addr(hpa), (unsigned long long)size);
		abort();
	}
	memset(pool + at, FAKE_POOL_JUNK, size);
	for (uint64_t p = first; p < first + size / PAGE_SIZE; p++)
		pool_used[p] = false;
	pool_block[first] = 0;
}

uint64_t phys_free_pages(void)
{
	uint64_t n = 0;

	for (unsigned int p = 0; p < pool_pages; p++)
		n += !pool_used[p];
	return n;
}

uint64_t fake_pool_used_pages(void)
{
	return pool_pages - phys_free_pages();
}

bool fake_pool_allocated(hpa_t hpa, uint64_t size)
{
	uint64_t at = hpa_addr(hpa) - FAKE_POOL_HPA;

	if (hpa_addr(hpa) < FAKE_POOL_HPA || at % PAGE_SIZE || size % PAGE_SIZE || at / PAGE_SIZE > pool_pages ||
	    size / PAGE_SIZE > pool_pages - at / PAGE_SIZE)
		return false;
	for (uint64_t p = at / PAGE_SIZE; p < (at + size) / PAGE_SIZE; p++)
		if (!pool_used[p])
			return false;
	return true;
}

void *fake_pool_virt(uint64_t pa)
{
	if (!pool || pa < FAKE_POOL_HPA || pa >= FAKE_POOL_HPA + (uint64_t)pool_pages * PAGE_SIZE)
		return NULL;
	return pool + (pa - FAKE_POOL_HPA);
}

/* ---- nested page tables ---------------------------------------------------------- */

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

int fake_npt_map(struct domain *d, uint64_t gpa, hpa_t hpa, uint64_t size, unsigned int perms)
{
	if (overlaps(gpa, size, 0, d->mem_end))
		return -EEXIST;
	for (unsigned int p = 0; p < d->nr_pci; p++)
		for (unsigned int b = 0; b < 6; b++)
			if (d->pci[p].bar_size[b] && overlaps(gpa, size, d->pci[p].bar[b], d->pci[p].bar_size[b]))
				return -EEXIST;
	for (unsigned int i = 0; i < fake_nr_maps; i++)
		if (fake_maps[i].d == d && overlaps(gpa, size, fake_maps[i].gpa, fake_maps[i].size))
			return -EEXIST;
	if (fake_nr_maps == FAKE_MAPS_MAX) {
		fprintf(stderr, "more than %u mappings\n", FAKE_MAPS_MAX);
		abort();
	}
	fake_maps[fake_nr_maps++] = (struct fake_mapping){ d, gpa, size, hpa, perms };
	return 0;
}

uint64_t fake_npt_unmap(struct domain *d, uint64_t gpa, uint64_t size, bool *cut)
{
	uint64_t gone = 0;

	*cut = false;
	for (unsigned int i = 0; i < fake_nr_maps;) {
		struct fake_mapping *m = &fake_maps[i];

		if (m->d != d || !overlaps(gpa, size, m->gpa, m->size)) {
			i++;
		} else if (m->gpa < gpa || m->gpa + m->size > gpa + size) {
			*cut = true;
			i++;
		} else {
			gone += m->size;
			*m = fake_maps[--fake_nr_maps];
		}
	}
	return gone;
}

void fake_npt_forget(const struct domain *d)
{
	for (unsigned int i = 0; i < fake_nr_maps;)
		if (fake_maps[i].d == d)
			fake_maps[i] = fake_maps[--fake_nr_maps];
		else
			i++;
}

unsigned int fake_npt_count(const struct domain *d)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < fake_nr_maps; i++)
		n += fake_maps[i].d == d;
	return n;
}
