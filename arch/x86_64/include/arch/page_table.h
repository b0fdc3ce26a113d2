/*
 * x86-64 4-level page-table builder. Pure logic: page-table pages are
 * obtained and reached through callbacks, so the same code builds the
 * hypervisor's tables at boot (identity-reachable pages), at run time
 * (through the direct map) and in host unit tests (malloc'd pages). The
 * format is also the one AMD's nested page tables use.
 */
#ifndef ARCH_PAGE_TABLE_H
#define ARCH_PAGE_TABLE_H

#include <xen-lite/types.h>

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_U (1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_PS (1ULL << 7) /* large page in a PDPT or PD entry */
#define PTE_G (1ULL << 8)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ULL

/* Mapping attributes callers may pass (P and PS are managed by the builder). */
#define PT_ATTR_MASK (PTE_W | PTE_U | PTE_PWT | PTE_PCD | PTE_G | PTE_NX)

struct pt_ops {
	/* a zeroed page for a new table, physical address, 0 when out of memory */
	uint64_t (*alloc_table)(void *ctx);
	/* where the builder can read and write the table at physical address pa */
	uint64_t *(*table_ptr)(uint64_t pa, void *ctx);
	void *ctx;
	bool allow_1g; /* the CPU supports 1 GiB pages (CPUID 0x80000001 EDX.26) */
};

/*
 * Map [va, va + size) to [pa, pa + size) with attrs, using the largest page
 * size alignment and remaining length allow. All three must be 4 KiB
 * aligned. Returns 0, -EINVAL (misaligned, non-canonical), -EEXIST (part of
 * the range is already mapped; nothing is changed then), or -ENOMEM.
 */
int pt_map_range(const struct pt_ops *ops, uint64_t root, uint64_t va, uint64_t pa, uint64_t size,
		 uint64_t attrs);

/*
 * Remove the mappings of [va, va + size) (4 KiB aligned; unmapped parts
 * are skipped). A large page that straddles an edge is split first, so its
 * other part stays mapped. Tables left empty are kept until the whole tree
 * is freed. The caller flushes TLBs. 0, -EINVAL or -ENOMEM (from a split;
 * what was done before stays done).
 */
int pt_unmap_range(const struct pt_ops *ops, uint64_t root, uint64_t va, uint64_t size);

/* Replace the attributes (PT_ATTR_MASK bits) of the mapped leaves of [va, va + size), splitting as above. */
int pt_protect_range(const struct pt_ops *ops, uint64_t root, uint64_t va, uint64_t size,
		     uint64_t attrs);

/* Translate va: returns true and fills *pa, *page_size and *attrs (the leaf entry's bits). */
bool pt_lookup(const struct pt_ops *ops, uint64_t root, uint64_t va, uint64_t *pa,
	       uint64_t *page_size, uint64_t *entry);

#endif
