/*
 * The hypervisor's virtual address layout. Everything lives in the upper
 * half so that the low half stays free for identity-mapped boot stubs only
 * (dom0 will own the low physical memory, not our address space).
 */
#ifndef ARCH_MEMLAYOUT_H
#define ARCH_MEMLAYOUT_H

/* Physical address the image is linked to load at (2 MiB: above firmware, below OVMF's 8 MiB area). */
#define XL_LOAD_PHYS 0x200000

/* The image: virtual = KERNEL_VBASE + physical (top 2 GiB, for -mcmodel=kernel). */
#define KERNEL_VBASE 0xFFFFFFFF80000000

/* Behaviour modules: the image's last 1 GiB, within -mcmodel=kernel's reach (arch_module_map()). */
#define MODULE_AREA_BASE 0xFFFFFFFFC0000000
#define MODULE_AREA_END 0xFFFFFFFFFFE00000 /* the last 2 MiB left unmapped */
/* All physical memory the memory map describes, mapped write-back. */
#define DIRECTMAP_BASE 0xFFFF800000000000
#define DIRECTMAP_SIZE 0x0000400000000000 /* 64 TiB */

/* Device registers (LAPIC, IOAPIC, ...), mapped uncached on demand. */
#define MMIO_BASE 0xFFFFC00000000000
#define MMIO_SIZE 0x0000001000000000 /* 64 GiB */

#define BOOT_STACK_SIZE 0x4000
#define CPU_STACK_SIZE 0x4000
#define IST_STACK_SIZE 0x2000
#define IST_STACK_SIZE_BYTES IST_STACK_SIZE

#endif
