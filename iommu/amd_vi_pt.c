/*
 * AMD-Vi IO page tables: the hardware's own format, built apart from the
 * nested page tables (Documentation/iommu.md says why).
 *
 * An entry with no translation is not zero above the leaf level: it keeps
 * the level a table there would have, with the present bit clear. Hardware
 * ignores every other bit of a non-present entry and reports the fault;
 * QEMU's model skips an all-zero entry silently and only reports one that
 * has a next level, so this is what makes blocked DMA visible under QEMU.
 */
#include <xen-lite/errno.h>
#include <xen-lite/iommu_driver.h>
#include "amd_vi_pt.h"

#define ENTRIES 512
#define IOVA_BITS 48

static uint64_t entry_span(unsigned int level)
{
	return 1ULL << (12 + 9 * (level - 1));
}

static unsigned int entry_index(uint64_t iova, unsigned int level)
{
	return (unsigned int)(iova >> (12 + 9 * (level - 1))) & (ENTRIES - 1);
}

static unsigned int next_level(uint64_t e)
{
	return (unsigned int)(e >> AMD_VI_PTE_NEXT_SHIFT) & 7;
}

static bool is_table(uint64_t e)
{
	return (e & AMD_VI_PTE_PRESENT) && next_level(e);
}

static uint64_t not_present(unsigned int level)
{
	return level > 1 ? (uint64_t)(level - 1) << AMD_VI_PTE_NEXT_SHIFT : 0;
}

static uint64_t *new_table(const struct io_pt_ops *ops, unsigned int level)
{
	uint64_t *t = ops->alloc_page();

	if (t && level > 1)
		for (unsigned int i = 0; i < ENTRIES; i++)
			t[i] = not_present(level);
	return t;
}

static uint64_t perm_bits(unsigned int perm)
{
	return (perm & IOMMU_READ ? AMD_VI_PTE_IR : 0) | (perm & IOMMU_WRITE ? AMD_VI_PTE_IW : 0);
}

/* Is [iova, iova + size) wholly unmapped below this level-`level` table? */
static bool range_is_free(const struct io_pt_ops *ops, const uint64_t *t, unsigned int level,
			  uint64_t iova, uint64_t size)
{
	while (size) {
		uint64_t span = entry_span(level);
		uint64_t chunk = MIN(size, span - (iova & (span - 1)));
		uint64_t e = t[entry_index(iova, level)];

		if (is_table(e) && !range_is_free(ops, ops->to_virt(e & AMD_VI_PTE_ADDR_MASK), level - 1,
						   iova, chunk))
			return false;
		if ((e & AMD_VI_PTE_PRESENT) && !next_level(e))
			return false; /* a leaf */
		iova += chunk;
		size -= chunk;
	}
	return true;
}

static int map_level(const struct io_pt_ops *ops, uint64_t *t, unsigned int level, uint64_t iova,
		     uint64_t pa, uint64_t size, uint64_t perms)
{
	while (size) {
		uint64_t span = entry_span(level);
		uint64_t chunk = MIN(size, span - (iova & (span - 1)));
		uint64_t *e = &t[entry_index(iova, level)];
		int err;

		if (level < AMD_VI_PT_LEVELS && chunk == span && !(pa & (span - 1))) {
			*e = pa | perms | AMD_VI_PTE_PRESENT; /* a leaf: next level 0 */
		} else {
			if (!is_table(*e)) {
				uint64_t *sub = new_table(ops, level - 1);

				if (!sub)
					return -ENOMEM;
				*e = ops->to_phys(sub) | AMD_VI_PTE_IR | AMD_VI_PTE_IW | AMD_VI_PTE_PRESENT |
				     (uint64_t)(level - 1) << AMD_VI_PTE_NEXT_SHIFT;
			}
			err = map_level(ops, ops->to_virt(*e & AMD_VI_PTE_ADDR_MASK), level - 1, iova, pa, chunk,
					perms);
			if (err)
				return err;
		}
		iova += chunk;
		pa += chunk;
		size -= chunk;
	}
	return 0;
}

static void free_level(const struct io_pt_ops *ops, uint64_t *t, unsigned int level)
{
	for (unsigned int i = 0; level > 1 && i < ENTRIES; i++)
		if (is_table(t[i]))
			free_level(ops, ops->to_virt(t[i] & AMD_VI_PTE_ADDR_MASK), level - 1);
	ops->free_page(t);
}

int amd_vi_pt_init(struct amd_vi_pt *pt, const struct io_pt_ops *ops)
{
	pt->ops = ops;
	pt->root = new_table(ops, AMD_VI_PT_LEVELS);
	return pt->root ? 0 : -ENOMEM;
}

int amd_vi_pt_map(struct amd_vi_pt *pt, uint64_t iova, uint64_t pa, uint64_t size, unsigned int perm)
{
	const uint64_t limit = 1ULL << IOVA_BITS;

	if (!size || ((iova | pa | size) & 0xfff) || iova >= limit || size > limit - iova ||
	    (pa + size - 1) & ~AMD_VI_PTE_ADDR_MASK & ~0xfffULL || pa + size < pa)
		return -EINVAL;
	if (!range_is_free(pt->ops, pt->root, AMD_VI_PT_LEVELS, iova, size))
		return -EEXIST;
	return map_level(pt->ops, pt->root, AMD_VI_PT_LEVELS, iova, pa, size, perm_bits(perm));
}

void amd_vi_pt_free(struct amd_vi_pt *pt)
{
	if (pt->root)
		free_level(pt->ops, pt->root, AMD_VI_PT_LEVELS);
	pt->root = NULL;
}
