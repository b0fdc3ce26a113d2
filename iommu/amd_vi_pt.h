/*
 * AMD-Vi IO page tables (iommu/amd_vi_pt.c): four levels covering 48 bits
 * of IO virtual address, 4 KiB pages and 2 MiB and 1 GiB leaves where both
 * addresses are aligned. Pages come through ops so that host unit tests
 * build and walk the same tables.
 */
#ifndef IOMMU_AMD_VI_PT_H
#define IOMMU_AMD_VI_PT_H

#include <xen-lite/types.h>

#define AMD_VI_PT_LEVELS 4
#define AMD_VI_PTE_PRESENT (1ULL << 0)
#define AMD_VI_PTE_NEXT_SHIFT 9 /* the next level, 0 for a leaf */
#define AMD_VI_PTE_ADDR_MASK 0x000ffffffffff000ULL
#define AMD_VI_PTE_IR (1ULL << 61)
#define AMD_VI_PTE_IW (1ULL << 62)

struct io_pt_ops {
	void *(*alloc_page)(void); /* zeroed, 4 KiB-aligned; NULL when none */
	void (*free_page)(void *page);
	uint64_t (*to_phys)(const void *page);
	void *(*to_virt)(uint64_t pa);
};

struct amd_vi_pt {
	uint64_t *root; /* the level-4 table */
	const struct io_pt_ops *ops;
};

/* 0 or -ENOMEM. */
int amd_vi_pt_init(struct amd_vi_pt *pt, const struct io_pt_ops *ops);
/* See iommu_driver.h's map(): -EINVAL (unaligned, beyond 48 bits), -EEXIST, -ENOMEM. */
int amd_vi_pt_map(struct amd_vi_pt *pt, uint64_t iova, uint64_t pa, uint64_t size, unsigned int perm);
void amd_vi_pt_free(struct amd_vi_pt *pt);

#endif
