/*
 * A small heap for hypervisor objects: power-of-two size classes from
 * 32 bytes to 2 KiB carved out of pages, larger requests as whole pages.
 */
#ifndef XEN_LITE_HEAP_H
#define XEN_LITE_HEAP_H

#include <xen-lite/types.h>

struct heap_page_ops {
	void *(*alloc)(uint64_t bytes); /* page-aligned, NULL when out of memory */
	void (*free)(void *p, uint64_t bytes);
};

void heap_init_with(const struct heap_page_ops *ops);
void heap_init(void); /* backed by the page allocator */

/* Zeroed memory, 16-byte aligned; NULL if size is 0 or memory is short. */
void *xl_zalloc(size_t size);
void xl_free(void *p);

struct heap_stats {
	uint64_t bytes_in_use; /* as requested by callers */
	uint64_t allocations;
};
void heap_get_stats(struct heap_stats *s);

#endif
