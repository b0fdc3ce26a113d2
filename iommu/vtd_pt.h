/*
 * VT-d second-level page tables (Intel VT-d spec, 9.8): the tree an IO
 * address space is, 3 levels (39-bit IO addresses) or 4 (48-bit). Pure
 * logic: table pages are obtained, reached and written back through
 * callbacks, so the driver (iommu/vtd.c) runs it on the direct map and the
 * host unit test (tests/unit/test_vtd_pt.c) on malloc'd pages.
 */
#ifndef IOMMU_VTD_PT_H
#define IOMMU_VTD_PT_H

#include <xen-lite/types.h>

#define VTD_PTE_R (1ULL << 0)
#define VTD_PTE_W (1ULL << 1)
#define VTD_PTE_PS (1ULL << 7) /* a 2 MiB or 1 GiB leaf above level 1 */
#define VTD_PTE_ADDR_MASK 0x000FFFFFFFFFF000ULL

struct vtd_pt_ops {
	/* a zeroed page for a table, its physical address; 0 when out of memory */
	uint64_t (*alloc_table)(void *ctx);
	void (*free_table)(uint64_t pa, void *ctx);
	/* where the table at physical address pa can be read and written */
	uint64_t *(*table_ptr)(uint64_t pa, void *ctx);
	/* write [p, p + len) back to memory for a walker that does not snoop; NULL if it does */
	void (*write_back)(const void *p, size_t len, void *ctx);
	void *ctx;
};

struct vtd_pt {
	const struct vtd_pt_ops *ops;
	uint64_t root; /* physical address of the top table */
	unsigned int levels; /* 3 or 4 */
	unsigned int large_levels; /* leaves allowed above 4 KiB: 0, 1 (2 MiB) or 2 (and 1 GiB) */
};

/* An empty tree: 0, -EINVAL (levels not 3 or 4, large_levels > 2) or -ENOMEM. */
int vtd_pt_init(struct vtd_pt *pt, const struct vtd_pt_ops *ops, unsigned int levels,
		unsigned int large_levels);
/* Free every table of the tree. */
void vtd_pt_destroy(struct vtd_pt *pt);

/*
 * Map [iova, iova + size) to [pa, pa + size) with perm (VTD_PTE_R and/or
 * VTD_PTE_W), the largest pages alignment and length allow. 0, -EINVAL
 * (misaligned, empty, beyond the tree's reach, bad perm), -EEXIST (part
 * is mapped; nothing changed) or -ENOMEM (what was mapped stays).
 */
int vtd_pt_map(struct vtd_pt *pt, uint64_t iova, uint64_t pa, uint64_t size, uint64_t perm);

/* The leaf mapping iova: true with its physical address, page size and entry. */
bool vtd_pt_lookup(const struct vtd_pt *pt, uint64_t iova, uint64_t *pa, uint64_t *page_size,
		   uint64_t *entry);

/* What the tree can translate: IO addresses below this. */
static inline uint64_t vtd_pt_reach(const struct vtd_pt *pt)
{
	return 1ULL << (12 + 9 * pt->levels);
}

#endif
