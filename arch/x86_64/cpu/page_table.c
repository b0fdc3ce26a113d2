/* x86-64 page-table builder (see arch/page_table.h). */
#include <arch/page_table.h>
#include <xen-lite/errno.h>

#define LEVELS 4

static unsigned int index_at(uint64_t va, int level)
{
	/* level 3 = PML4, 2 = PDPT, 1 = PD, 0 = PT */
	return (va >> (12 + 9 * level)) & 511;
}

static uint64_t level_size(int level)
{
	return 1ULL << (12 + 9 * level);
}

static bool is_canonical(uint64_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1FFFF;
}

static bool leaf_allowed(const struct pt_ops *ops, int level)
{
	return level == 0 || level == 1 || (level == 2 && ops->allow_1g);
}

/* True if nothing in [va, va + size) is mapped (size > 0; the range may end at 2^64). */
static bool range_is_unmapped(const struct pt_ops *ops, uint64_t root, uint64_t va, uint64_t size)
{
	uint64_t last = va + size - 1;

	for (;;) {
		uint64_t table = root, step = PAGE_SIZE, next;
		int level;

		for (level = LEVELS - 1; level >= 0; level--) {
			uint64_t e = ops->table_ptr(table, ops->ctx)[index_at(va, level)];

			step = level_size(level);
			if (!(e & PTE_P))
				break;
			if (level == 0 || (e & PTE_PS))
				return false;
			table = e & PTE_ADDR_MASK;
		}
		next = ALIGN_DOWN(va, step) + step;
		if (next - 1 >= last)
			break; /* covered through last (next is 0 at the top of the address space) */
		va = next;
	}
	return true;
}

static int map_one(const struct pt_ops *ops, uint64_t root, uint64_t va, uint64_t pa, int leaf,
		   uint64_t attrs)
{
	uint64_t table = root;

	for (int level = LEVELS - 1; level > leaf; level--) {
		uint64_t *t = ops->table_ptr(table, ops->ctx);
		uint64_t *e = &t[index_at(va, level)];

		if (!(*e & PTE_P)) {
			uint64_t next = ops->alloc_table(ops->ctx);

			if (!next)
				return -ENOMEM;
			/* intermediate entries are permissive; the leaf decides */
			*e = next | PTE_P | PTE_W | (attrs & PTE_U);
		}
		table = *e & PTE_ADDR_MASK;
	}
	ops->table_ptr(table, ops->ctx)[index_at(va, leaf)] =
		pa | PTE_P | (leaf ? PTE_PS : 0) | (attrs & PT_ATTR_MASK);
	return 0;
}

int pt_map_range(const struct pt_ops *ops, uint64_t root, uint64_t va, uint64_t pa, uint64_t size,
		 uint64_t attrs)
{
	uint64_t last = va + size - 1; /* inclusive: a range may end exactly at 2^64 */

	if (!IS_ALIGNED(va | pa | size, PAGE_SIZE))
		return -EINVAL;
	if (!size)
		return 0;
	if (last < va)
		return -EINVAL;
	if (!is_canonical(va) || !is_canonical(last) || (va >> 47) != (last >> 47))
		return -EINVAL;
	if ((pa + size - 1) >> 52 || pa + size < pa)
		return -EINVAL;
	if (!range_is_unmapped(ops, root, va, size))
		return -EEXIST;
	while (size) {
		int leaf = 2;
		int err;

		for (; leaf > 0; leaf--) {
			uint64_t s = level_size(leaf);

			if (leaf_allowed(ops, leaf) && IS_ALIGNED(va | pa, s) && size >= s)
				break;
		}
		err = map_one(ops, root, va, pa, leaf, attrs);
		if (err)
			return err;
		va += level_size(leaf); /* wraps to 0 after the last page; size is 0 then */
		pa += level_size(leaf);
		size -= level_size(leaf);
	}
	return 0;
}

/* Replace the large leaf *e at level by a table of next-level leaves with the same attributes. */
static int split_leaf(const struct pt_ops *ops, uint64_t *e, int level)
{
	uint64_t next = ops->alloc_table(ops->ctx), *t;
	uint64_t child = level_size(level - 1);
	uint64_t base = *e & PTE_ADDR_MASK & ~(level_size(level) - 1);
	uint64_t attrs = *e & PT_ATTR_MASK;

	if (!next)
		return -ENOMEM;
	t = ops->table_ptr(next, ops->ctx);
	for (unsigned int i = 0; i < 512; i++)
		t[i] = (base + i * child) | PTE_P | (level - 1 ? PTE_PS : 0) | attrs;
	*e = next | PTE_P | PTE_W | (attrs & PTE_U);
	return 0;
}

typedef void (*leaf_fn)(uint64_t *entry, uint64_t arg);

/*
 * Call fn on leaves covering exactly [va, va + size): large pages that
 * straddle an edge are split first; unmapped parts are skipped.
 */
static int for_each_leaf(const struct pt_ops *ops, uint64_t root, uint64_t va, uint64_t size,
			 leaf_fn fn, uint64_t arg)
{
	while (size) {
		uint64_t table = root, step = 0;

		for (int level = LEVELS - 1; !step; level--) {
			uint64_t *e = &ops->table_ptr(table, ops->ctx)[index_at(va, level)];
			uint64_t s = level_size(level);

			if (!(*e & PTE_P)) {
				step = s - (va & (s - 1));
			} else if (level == 0 || (*e & PTE_PS)) {
				if (!(va & (s - 1)) && size >= s) {
					fn(e, arg);
					step = s;
				} else {
					int err = split_leaf(ops, e, level);

					if (err)
						return err;
					table = *e & PTE_ADDR_MASK;
				}
			} else {
				table = *e & PTE_ADDR_MASK;
			}
		}
		if (step >= size)
			break;
		va += step;
		size -= step;
	}
	return 0;
}

static void clear_leaf(uint64_t *e, uint64_t arg)
{
	*e = 0;
}

static void set_leaf_attrs(uint64_t *e, uint64_t attrs)
{
	*e = (*e & ~PT_ATTR_MASK) | (attrs & PT_ATTR_MASK);
}

static int check_range(uint64_t va, uint64_t size)
{
	uint64_t last = va + size - 1;

	if (!IS_ALIGNED(va | size, PAGE_SIZE) || (size && last < va))
		return -EINVAL;
	if (size && (!is_canonical(va) || !is_canonical(last) || (va >> 47) != (last >> 47)))
		return -EINVAL;
	return 0;
}

int pt_unmap_range(const struct pt_ops *ops, uint64_t root, uint64_t va, uint64_t size)
{
	int err = check_range(va, size);

	return err ? err : for_each_leaf(ops, root, va, size, clear_leaf, 0);
}

int pt_protect_range(const struct pt_ops *ops, uint64_t root, uint64_t va, uint64_t size,
		     uint64_t attrs)
{
	int err = check_range(va, size);

	return err ? err : for_each_leaf(ops, root, va, size, set_leaf_attrs, attrs);
}

bool pt_lookup(const struct pt_ops *ops, uint64_t root, uint64_t va, uint64_t *pa,
	       uint64_t *page_size, uint64_t *entry)
{
	uint64_t table = root;

	for (int level = LEVELS - 1; level >= 0; level--) {
		uint64_t e = ops->table_ptr(table, ops->ctx)[index_at(va, level)];

		if (!(e & PTE_P))
			return false;
		if (level == 0 || (e & PTE_PS)) {
			uint64_t s = level_size(level);

			*pa = (e & PTE_ADDR_MASK & ~(s - 1)) | (va & (s - 1));
			*page_size = s;
			*entry = e;
			return true;
		}
		table = e & PTE_ADDR_MASK;
	}
	return false;
}
