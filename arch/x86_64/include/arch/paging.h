/* The hypervisor's own address space (layout in arch/memlayout.h), for the arch's own use. */
#ifndef ARCH_PAGING_H
#define ARCH_PAGING_H

#include <xen-lite/boot_info.h>

/* arch_image_range() and arch_paging_init() are the core's: include/xen-lite/arch/mm.h */

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
