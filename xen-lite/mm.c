/*
 * Boot-time memory setup: reserve what must never be handed out (the image,
 * the loader's information structure, the modules), place the allocator's
 * bitmaps, build the page tables, then move the bitmaps to the direct map.
 */
#include <xen-lite/arch/mm.h>
#include <xen-lite/assert.h>
#include <xen-lite/log.h>
#include <xen-lite/memmap.h>
#include <xen-lite/mm.h>
#include <xen-lite/page_alloc.h>
#include <xen-lite/panic.h>
#include <xen-lite/string.h>

#define MAX_RESERVED (BOOT_MAX_MODULES + 4)
#define BOOT_REACHABLE (4ULL << 30) /* the boot identity map */

struct reserved_range {
	uint64_t start, end;
};

static struct page_allocator phys_pages;
static struct reserved_range reserved[MAX_RESERVED];
static unsigned int reserved_count;
static uint64_t ram_available, module_bytes, bitmap_bytes;

static void reserve(uint64_t start, uint64_t end)
{
	if (end <= start)
		return;
	ASSERT(reserved_count < MAX_RESERVED);
	reserved[reserved_count++] = (struct reserved_range){ ALIGN_DOWN(start, PAGE_SIZE),
							       ALIGN_UP(end, PAGE_SIZE) };
}

static bool overlaps_reserved(uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < reserved_count; i++)
		if (start < reserved[i].end && reserved[i].start < end)
			return true;
	return false;
}

/* Highest page-aligned block of size bytes below limit that is available and unreserved. */
static uint64_t find_free_block(const struct boot_info *bi, uint64_t size, uint64_t limit)
{
	for (unsigned int i = bi->mem_count; i-- > 0;) {
		const struct mem_region *r = &bi->mem[i];
		uint64_t end = MIN(r->base + r->size, limit);

		if (r->type != MEM_AVAILABLE || end < r->base + size)
			continue;
		for (uint64_t s = ALIGN_DOWN(end - size, PAGE_SIZE); s >= MAX(r->base, PAGE_SIZE);
		     s -= PAGE_SIZE) {
			if (!overlaps_reserved(s, s + size))
				return s;
			if (s < PAGE_SIZE + r->base)
				break;
		}
	}
	return 0;
}

static void reserve_boot_ranges(const struct boot_info *bi)
{
	uint64_t start, end;

	arch_image_range(&start, &end);
	reserve(start, end);
	reserve(bi->info_start, bi->info_end);
	for (unsigned int i = 0; i < bi->module_count; i++) {
		reserve(bi->modules[i].start, bi->modules[i].end);
		module_bytes += bi->modules[i].end - bi->modules[i].start;
	}
}

void mm_init(struct boot_info *bi)
{
	uint64_t bitmap_pa;

	ram_available = memmap_total(bi->mem, bi->mem_count, MEM_AVAILABLE);
	reserve_boot_ranges(bi);
	bitmap_bytes = ALIGN_UP(page_alloc_bitmap_bytes(bi->mem, bi->mem_count), PAGE_SIZE);
	bitmap_pa = find_free_block(bi, bitmap_bytes, BOOT_REACHABLE);
	if (!bitmap_pa)
		panic("mm: no room below 4 GiB for the page allocator's %llu KiB of bitmaps",
		      (unsigned long long)(bitmap_bytes >> 10));
	page_alloc_init(&phys_pages, bi->mem, bi->mem_count, phys_to_virt(bitmap_pa));
	page_alloc_reserve(&phys_pages, bitmap_pa, bitmap_pa + bitmap_bytes);
	for (unsigned int i = 0; i < reserved_count; i++)
		page_alloc_reserve(&phys_pages, reserved[i].start, reserved[i].end);

	arch_paging_init(bi->mem, bi->mem_count);

	/* the bitmaps were reached through the identity map, which is gone now */
	for (unsigned int i = 0; i < phys_pages.count; i++)
		phys_pages.ranges[i].bitmap = phys_to_virt((uint64_t)(uintptr_t)phys_pages.ranges[i].bitmap);
}

hpa_t phys_alloc_aligned(uint64_t size)
{
	return hpa_init(page_alloc_range(&phys_pages, size, size, 0, UINT64_MAX));
}

hpa_t phys_alloc_contiguous(uint64_t size, uint64_t align)
{
	return hpa_init(page_alloc_range(&phys_pages, size, align, 0, UINT64_MAX));
}

hpa_t phys_alloc_page_below(uint64_t lowest, uint64_t limit)
{
	return hpa_init(page_alloc_range(&phys_pages, PAGE_SIZE, PAGE_SIZE, lowest, limit));
}

void phys_free(hpa_t hpa, uint64_t size)
{
	page_free(&phys_pages, hpa_addr(hpa), size);
}

uint64_t phys_free_pages(void)
{
	return phys_pages.free_pages;
}

struct claim_report {
	void (*fn)(hpa_t start, hpa_t end, void *ctx);
	void *ctx;
};

static void report_claimed(uint64_t start, uint64_t end, void *ctx)
{
	struct claim_report *r = ctx;

	r->fn(hpa_init(start), hpa_init(end), r->ctx);
}

uint64_t phys_claim_lowest(uint64_t bytes, void (*fn)(hpa_t start, hpa_t end, void *ctx),
			   void *ctx)
{
	struct claim_report r = { fn, ctx };

	return page_alloc_claim_lowest(&phys_pages, bytes, report_claimed, &r);
}

void *alloc_pages(uint64_t size)
{
	uint64_t pa = page_alloc_range(&phys_pages, ALIGN_UP(size, PAGE_SIZE), PAGE_SIZE, 0, UINT64_MAX);

	return pa ? phys_to_virt(pa) : NULL;
}

void *alloc_page_zeroed(void)
{
	void *p = alloc_pages(PAGE_SIZE);

	if (p)
		memset(p, 0, PAGE_SIZE);
	return p;
}

void free_pages(void *va, uint64_t size)
{
	page_free(&phys_pages, virt_to_phys(va), ALIGN_UP(size, PAGE_SIZE));
}

void mm_get_stats(struct mm_stats *s)
{
	s->ram_available = ram_available;
	s->managed = phys_pages.total_pages << PAGE_SHIFT;
	s->free = phys_pages.free_pages << PAGE_SHIFT;
	s->modules = module_bytes;
	s->hypervisor = s->managed - s->free - module_bytes;
}
