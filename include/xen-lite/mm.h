/* Physical memory management: the page allocator instance and what is reserved at boot. */
#ifndef XEN_LITE_MM_H
#define XEN_LITE_MM_H

#include <xen-lite/boot_info.h>
#include <xen-lite/page_alloc.h>

extern struct page_allocator phys_pages;

/* Set up the page allocator and the hypervisor's own page tables. */
void mm_init(struct boot_info *bi);

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
