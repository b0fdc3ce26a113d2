/*
 * Physical memory: the page allocator's instance, what is reserved at boot,
 * and the typed interface the rest of the hypervisor allocates through
 * (host-physical blocks are hpa_t; the raw allocator in page_alloc.h works
 * on plain numbers so that its host tests can drive it).
 */
#ifndef XEN_LITE_MM_H
#define XEN_LITE_MM_H

#include <xen-lite/addr.h>
#include <xen-lite/arch/mm.h>
#include <xen-lite/boot_info.h>

/* Set up the page allocator and the hypervisor's own page tables. */
void mm_init(struct boot_info *bi);

/* A host-physical address through the direct map, and back. */
static inline void *hpa_to_virt(hpa_t hpa)
{
	return phys_to_virt(hpa_addr(hpa));
}

static inline hpa_t virt_to_hpa(const void *va)
{
	return hpa_init(virt_to_phys(va));
}

/* A block of size bytes (a multiple of 4 KiB) aligned to its size; hpa 0 when none is free. */
hpa_t phys_alloc_aligned(uint64_t size);
/* size bytes (a multiple of 4 KiB) in one piece, aligned to align (a power of two); hpa 0 when none is free. */
hpa_t phys_alloc_contiguous(uint64_t size, uint64_t align);
/* One page wholly below limit, at or above lowest (hpa 0 when none is free). */
hpa_t phys_alloc_page_below(uint64_t lowest, uint64_t limit);
/* Give back a block from the two above or from phys_claim_lowest(). */
void phys_free(hpa_t hpa, uint64_t size);
uint64_t phys_free_pages(void);
/*
 * Claim free pages from the lowest addresses up, at most bytes in all,
 * reporting each run of contiguous pages to fn (dom0's memory: the low
 * memory devices need). Returns the bytes claimed.
 */
uint64_t phys_claim_lowest(uint64_t bytes, void (*fn)(hpa_t start, hpa_t end, void *ctx),
			   void *ctx);

/* A zeroed 4 KiB page (direct-map pointer), or NULL. */
void *alloc_page_zeroed(void);
/* Allocate/free size bytes of pages anywhere; returns a direct-map pointer or NULL. */
void *alloc_pages(uint64_t size);
void free_pages(void *va, uint64_t size);

/* Memory figures for the boot summary (bytes). */
struct mm_stats {
	uint64_t ram_available; /* available in the firmware map */
	uint64_t managed; /* handed to the page allocator */
	uint64_t hypervisor; /* image, bitmaps, page tables, stacks */
	uint64_t modules;
	uint64_t free;
};
void mm_get_stats(struct mm_stats *s);

#endif
