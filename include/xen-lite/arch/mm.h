/*
 * The arch interface, memory: the hypervisor's own address space
 * (arch/x86_64/cpu/paging.c). Typed conversions for host-physical
 * addresses are in xen-lite/mm.h.
 */
#ifndef XEN_LITE_ARCH_MM_H
#define XEN_LITE_ARCH_MM_H

#include <xen-lite/boot_info.h>
#include <xen-lite/types.h>

/*
 * The direct map: physical -> hypervisor virtual for any memory-map region
 * (before arch_paging_init(), only the low 4 GiB through the boot map).
 */
void *phys_to_virt(uint64_t pa);
uint64_t virt_to_phys(const void *va);

/* Map a device's registers uncached into the MMIO window. NULL on failure. */
void *arch_mmio_map(uint64_t pa, uint64_t size);

/*
 * Behaviour modules run in a window of the hypervisor's address space that
 * the image's own code reaches with 32-bit displacements (-mcmodel=kernel).
 * Pages mapped there are readable, plus writable or executable - never
 * both. Unmapping flushes this CPU's TLB only: the core never maps the
 * same addresses again, so another CPU's stale entry is never used.
 */
#define ARCH_MODULE_WRITE 1u
#define ARCH_MODULE_EXEC 2u
void arch_module_window(uint64_t *start, uint64_t *end);
int arch_module_map(uint64_t va, uint64_t pa, uint64_t size, unsigned int perms);
void arch_module_unmap(uint64_t va, uint64_t size);
/* Physical range of the loaded image, which the page allocator must never hand out. */
void arch_image_range(uint64_t *start, uint64_t *end);

/*
 * Build the final page tables (the image with per-section permissions, the
 * direct map of every memory-map region, no low identity map) and switch
 * to them. Called once, after the page allocator is set up.
 */
void arch_paging_init(const struct mem_region *map, unsigned int count);

#endif
