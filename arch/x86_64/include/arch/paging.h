/* The hypervisor's own address space (layout in arch/memlayout.h). */
#ifndef ARCH_PAGING_H
#define ARCH_PAGING_H

#include <xen-lite/boot_info.h>

/* Physical range of the loaded image (from the linker script). */
void arch_image_range(uint64_t *start, uint64_t *end);

/*
 * Build the final page tables (image with per-section permissions, direct
 * map of every memory-map region, no low identity map) and switch to them.
 * Until then phys_to_virt() uses the boot identity map (low 4 GiB only).
 */
void arch_paging_init(const struct mem_region *map, unsigned int count);

uint64_t arch_kernel_root(void);

/*
 * A copy of the top-level table that also identity-maps the first 2 MiB
 * (where the AP trampoline runs) for the switch into long mode; placed
 * below 4 GiB because the trampoline loads CR3 from 32-bit code.
 */
uint64_t arch_make_trampoline_root(void);

/* Free what arch_make_trampoline_root() allocated. */
void arch_free_trampoline_root(uint64_t root);

bool cpu_has_nx(void);

/* True if [pa, pa + len) can be reached through phys_to_virt(). */
bool phys_is_mapped(uint64_t pa, uint64_t len);

#endif
