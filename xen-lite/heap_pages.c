/* The heap's page source in the hypervisor: the physical page allocator via the direct map. */
#include <xen-lite/heap.h>
#include <xen-lite/mm.h>

static const struct heap_page_ops page_allocator_ops = {
	.alloc = alloc_pages,
	.free = free_pages,
};

void heap_init(void)
{
	heap_init_with(&page_allocator_ops);
}
