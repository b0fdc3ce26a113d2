/*
 * The physical page allocator: one bitmap per available memory region
 * (bit set = page in use), so any aligned block - 4 KiB, 2 MiB, 1 GiB - can
 * be found and arbitrary ranges (the image, modules, firmware) reserved.
 * Allocation searches from the top of memory down, leaving low memory, which
 * dom0 and DMA-limited devices want, for last.
 */
#ifndef XEN_LITE_PAGE_ALLOC_H
#define XEN_LITE_PAGE_ALLOC_H

#include <xen-lite/boot_info.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/types.h>

#define PAGE_ALLOC_MAX_RANGES 64

struct page_range {
	uint64_t base; /* physical, page aligned */
	uint64_t pages;
	uint64_t *bitmap;
	uint64_t free;
};

struct page_allocator {
	spinlock_t lock;
	struct page_range ranges[PAGE_ALLOC_MAX_RANGES];
	unsigned int count;
	uint64_t total_pages, free_pages;
};

/* Bytes of bitmap needed for the available regions of a normalized map. */
uint64_t page_alloc_bitmap_bytes(const struct mem_region *map, unsigned int count);

/*
 * Set up over the available regions of a normalized map, all pages free.
 * bitmap points to page_alloc_bitmap_bytes() bytes of storage. Returns 0 or
 * -ENOSPC if there are more regions than PAGE_ALLOC_MAX_RANGES (the extra
 * ones are left out and reported).
 */
int page_alloc_init(struct page_allocator *pa, const struct mem_region *map, unsigned int count,
		    uint64_t *bitmap);

/* Mark [start, end) in use wherever it overlaps managed memory (rounded out to pages). */
void page_alloc_reserve(struct page_allocator *pa, uint64_t start, uint64_t end);

/*
 * Allocate size bytes (a multiple of 4 KiB) aligned to align (a power of
 * two >= 4 KiB), lying entirely within [lo, hi). Returns the physical
 * address, or 0 when nothing fits (page 0 is never managed).
 */
uint64_t page_alloc_range(struct page_allocator *pa, uint64_t size, uint64_t align, uint64_t lo,
			  uint64_t hi);

/*
 * Claim free pages from the lowest addresses up, at most bytes in all
 * (rounded down to pages), marking them used and reporting each run of
 * contiguous pages to fn. Used to give dom0 the low memory devices need.
 * Returns the number of bytes claimed.
 */
uint64_t page_alloc_claim_lowest(struct page_allocator *pa, uint64_t bytes,
				 void (*fn)(uint64_t start, uint64_t end, void *ctx), void *ctx);

/* Release a block from page_alloc_range(); freeing a free page is a bug. */
void page_free(struct page_allocator *pa, uint64_t addr, uint64_t size);

/* True if every page of [addr, addr + size) is managed and in use. */
bool page_alloc_is_used(struct page_allocator *pa, uint64_t addr, uint64_t size);

#endif
