/*
 * VT-d second-level page tables (vtd_pt.h). Level 1 holds 4 KiB leaves,
 * level 2 may hold 2 MiB ones and level 3 1 GiB ones (entry bit 7); a
 * table entry points to the next level down with read and write allowed,
 * since the hardware ANDs the permissions of every level it walks.
 */
#include <xen-lite/errno.h>

#include "vtd_pt.h"

#define ENTRIES 512
#define PA_LIMIT (1ULL << 52) /* the entries' address field, bits 51:12 */
#define TABLE_BITS (VTD_PTE_R | VTD_PTE_W)

static unsigned int level_shift(unsigned int level)
{
	return 12 + 9 * (level - 1);
}

static uint64_t level_size(unsigned int level)
{
	return 1ULL << level_shift(level);
}

static unsigned int index_at(uint64_t iova, unsigned int level)
{
	return (unsigned int)(iova >> level_shift(level)) & (ENTRIES - 1);
}

static bool is_present(uint64_t e)
{
	return e & (VTD_PTE_R | VTD_PTE_W);
}

static bool is_leaf(uint64_t e, unsigned int level)
{
	return level == 1 || (e & VTD_PTE_PS);
}

static uint64_t *table(const struct vtd_pt *pt, uint64_t pa)
{
	return pt->ops->table_ptr(pa, pt->ops->ctx);
}

static void write_entry(const struct vtd_pt *pt, uint64_t *slot, uint64_t e)
{
	*slot = e;
	if (pt->ops->write_back)
		pt->ops->write_back(slot, sizeof(*slot), pt->ops->ctx);
}

/* A zeroed table, already in memory before anything points to it. */
static uint64_t new_table(const struct vtd_pt *pt)
{
	uint64_t pa = pt->ops->alloc_table(pt->ops->ctx);

	if (pa && pt->ops->write_back)
		pt->ops->write_back(table(pt, pa), PAGE_SIZE, pt->ops->ctx);
	return pa;
}

int vtd_pt_init(struct vtd_pt *pt, const struct vtd_pt_ops *ops, unsigned int levels,
		unsigned int large_levels)
{
	if ((levels != 3 && levels != 4) || large_levels > 2)
		return -EINVAL;
	pt->ops = ops;
	pt->levels = levels;
	pt->large_levels = large_levels;
	pt->root = new_table(pt);
	return pt->root ? 0 : -ENOMEM;
}

static void free_tree(const struct vtd_pt *pt, uint64_t pa, unsigned int level)
{
	const uint64_t *t = table(pt, pa);

	for (unsigned int i = 0; level > 1 && i < ENTRIES; i++)
		if (is_present(t[i]) && !is_leaf(t[i], level))
			free_tree(pt, t[i] & VTD_PTE_ADDR_MASK, level - 1);
	pt->ops->free_table(pa, pt->ops->ctx);
}

void vtd_pt_destroy(struct vtd_pt *pt)
{
	if (pt->root)
		free_tree(pt, pt->root, pt->levels);
	pt->root = 0;
}

/* Does any leaf of the table at level (covering from base) overlap [start, end)? */
static bool any_mapped(const struct vtd_pt *pt, uint64_t pa, unsigned int level, uint64_t base,
		       uint64_t start, uint64_t end)
{
	const uint64_t *t = table(pt, pa);
	uint64_t step = level_size(level);

	for (unsigned int i = 0; i < ENTRIES; i++) {
		uint64_t lo = base + i * step, hi = lo + step;

		if (hi <= start || lo >= end || !is_present(t[i]))
			continue;
		if (is_leaf(t[i], level) ||
		    any_mapped(pt, t[i] & VTD_PTE_ADDR_MASK, level - 1, lo, start, end))
			return true;
	}
	return false;
}

/* The largest page level that iova, pa and the remaining length allow. */
static unsigned int leaf_level(const struct vtd_pt *pt, uint64_t iova, uint64_t pa, uint64_t left)
{
	unsigned int level = 1 + pt->large_levels;

	while (level > 1 && (!IS_ALIGNED(iova | pa, level_size(level)) || left < level_size(level)))
		level--;
	return level;
}

/*
 * Map one page of the given level, making the tables down to it. A table
 * already where a large page would go (left by a map that ran out of
 * memory) is used with smaller pages instead: the page is then shorter.
 * Returns the bytes mapped, 0 when out of memory.
 */
static uint64_t map_one(const struct vtd_pt *pt, uint64_t iova, uint64_t pa, unsigned int want,
			uint64_t perm)
{
	uint64_t table_pa = pt->root;

	for (unsigned int level = pt->levels;; level--) {
		uint64_t *slot = &table(pt, table_pa)[index_at(iova, level)];

		if (level <= want && !is_present(*slot)) {
			write_entry(pt, slot, (pa & VTD_PTE_ADDR_MASK) | perm | (level > 1 ? VTD_PTE_PS : 0));
			return level_size(level);
		}
		if (!is_present(*slot)) {
			uint64_t next = new_table(pt);

			if (!next)
				return 0;
			write_entry(pt, slot, next | TABLE_BITS);
		} else if (is_leaf(*slot, level)) {
			return 0; /* any_mapped() ruled this out: never walk into a page */
		}
		table_pa = *slot & VTD_PTE_ADDR_MASK;
	}
}

int vtd_pt_map(struct vtd_pt *pt, uint64_t iova, uint64_t pa, uint64_t size, uint64_t perm)
{
	uint64_t end = iova + size;

	if (!size || !IS_ALIGNED(iova | pa | size, PAGE_SIZE) || end < iova ||
	    end > vtd_pt_reach(pt) || pa + size < pa || pa + size > PA_LIMIT || !perm ||
	    (perm & ~(VTD_PTE_R | VTD_PTE_W)))
		return -EINVAL;
	if (any_mapped(pt, pt->root, pt->levels, 0, iova, end))
		return -EEXIST;
	while (iova < end) {
		uint64_t done = map_one(pt, iova, pa, leaf_level(pt, iova, pa, end - iova), perm);

		if (!done)
			return -ENOMEM;
		iova += done;
		pa += done;
	}
	return 0;
}

bool vtd_pt_lookup(const struct vtd_pt *pt, uint64_t iova, uint64_t *pa, uint64_t *page_size,
		   uint64_t *entry)
{
	uint64_t table_pa = pt->root;

	if (iova >= vtd_pt_reach(pt))
		return false;
	for (unsigned int level = pt->levels; level >= 1; level--) {
		uint64_t e = table(pt, table_pa)[index_at(iova, level)];

		if (!is_present(e))
			return false;
		if (is_leaf(e, level)) {
			uint64_t size = level_size(level);

			*pa = (e & VTD_PTE_ADDR_MASK & ~(size - 1)) | (iova & (size - 1));
			*page_size = size;
			*entry = e;
			return true;
		}
		table_pa = e & VTD_PTE_ADDR_MASK;
	}
	return false;
}
