/*
 * Root and context tables of a VT-d unit, and changing one requester's
 * entry on a live unit (iommu/vtd_ctx.h).
 */
#include <xen-lite/errno.h>

#include "vtd_ctx.h"

#define ENTRIES 256 /* root and context tables: 256 entries of 16 bytes */

static uint64_t *table(const struct vtd_ctx *c, uint64_t pa)
{
	return c->ops->table_ptr(pa, c->ops->ctx);
}

static void write_back(const struct vtd_ctx *c, const void *p, size_t len)
{
	if (c->ops->write_back)
		c->ops->write_back(p, len, c->ops->ctx);
}

/* Store a 16-byte entry so that a walker never sees the present bit with a stale other half. */
static void put_entry(uint64_t *e, const uint64_t v[2])
{
	__atomic_store_n(&e[0], 0, __ATOMIC_RELEASE);
	__atomic_store_n(&e[1], v[1], __ATOMIC_RELEASE);
	__atomic_store_n(&e[0], v[0], __ATOMIC_RELEASE);
}

static void point_bus(struct vtd_ctx *c, unsigned int bus, uint64_t context_pa)
{
	uint64_t *root = table(c, c->root);
	const uint64_t v[2] = { context_pa | VTD_ROOT_PRESENT, 0 };

	put_entry(&root[2 * bus], v);
	write_back(c, &root[2 * bus], 16);
}

int vtd_ctx_init(struct vtd_ctx *c, const struct vtd_pt_ops *ops)
{
	*c = (struct vtd_ctx){ .ops = ops };
	c->root = ops->alloc_table(ops->ctx);
	c->shared = c->root ? ops->alloc_table(ops->ctx) : 0;
	if (!c->shared) {
		if (c->root)
			ops->free_table(c->root, ops->ctx);
		c->root = 0;
		return -ENOMEM;
	}
	write_back(c, table(c, c->root), PAGE_SIZE);
	write_back(c, table(c, c->shared), PAGE_SIZE);
	return 0;
}

void vtd_ctx_destroy(struct vtd_ctx *c)
{
	if (!c->root)
		return;
	for (unsigned int bus = 0; bus < ENTRIES; bus++)
		if (c->own[bus])
			c->ops->free_table(c->own[bus], c->ops->ctx);
	c->ops->free_table(c->shared, c->ops->ctx);
	c->ops->free_table(c->root, c->ops->ctx);
	*c = (struct vtd_ctx){ .ops = c->ops };
}

void vtd_ctx_fill(struct vtd_ctx *c, const uint64_t entry[2])
{
	uint64_t *shared = table(c, c->shared);

	for (unsigned int i = 0; i < ENTRIES; i++)
		put_entry(&shared[2 * i], entry);
	write_back(c, shared, PAGE_SIZE);
	for (unsigned int bus = 0; bus < ENTRIES; bus++)
		point_bus(c, bus, c->shared);
}

void vtd_ctx_free_unused(struct vtd_ctx *c)
{
	const uint64_t *root = table(c, c->root);

	for (unsigned int bus = 0; bus < ENTRIES; bus++) {
		if (!c->own[bus] || (root[2 * bus] & VTD_PTE_ADDR_MASK) == c->own[bus])
			continue;
		c->ops->free_table(c->own[bus], c->ops->ctx);
		c->own[bus] = 0;
	}
}

uint64_t *vtd_ctx_lookup(const struct vtd_ctx *c, uint16_t bdf)
{
	const uint64_t *root = table(c, c->root);

	return &table(c, root[2 * (bdf >> 8)] & VTD_PTE_ADDR_MASK)[2 * (bdf & 0xff)];
}

/* The bus's own table, a copy of the shared one, in its root entry; the context cache told. */
static int give_own_table(struct vtd_ctx *c, unsigned int bus, const struct vtd_ctx_flush *flush)
{
	const uint64_t *shared = table(c, c->shared);
	uint64_t pa = c->ops->alloc_table(c->ops->ctx);
	uint64_t *own;

	if (!pa)
		return -ENOMEM;
	own = table(c, pa);
	for (unsigned int i = 0; i < 2 * ENTRIES; i++)
		own[i] = shared[i];
	write_back(c, own, PAGE_SIZE);
	c->own[bus] = pa;
	/* the same entries as before, reached another way: cached root entries must go */
	point_bus(c, bus, pa);
	return flush->context_all(flush->ctx);
}

/* A bus whose entries are all the shared table's again uses it again; its own table is freed. */
static int share_again(struct vtd_ctx *c, unsigned int bus, const struct vtd_ctx_flush *flush)
{
	const uint64_t *shared = table(c, c->shared), *own = table(c, c->own[bus]);
	int err;

	for (unsigned int i = 0; i < 2 * ENTRIES; i++)
		if (own[i] != shared[i])
			return 0;
	point_bus(c, bus, c->shared);
	err = flush->context_all(flush->ctx);
	if (!err)
		vtd_ctx_free_unused(c); /* the unit no longer reads it */
	return err;
}

int vtd_ctx_attach(struct vtd_ctx *c, uint16_t bdf, const uint64_t entry[2], const struct vtd_ctx_flush *flush)
{
	unsigned int bus = bdf >> 8;
	uint64_t *e = vtd_ctx_lookup(c, bdf);
	int err;

	if (e[0] == entry[0] && e[1] == entry[1])
		return 0;
	if (!c->own[bus]) {
		err = give_own_table(c, bus, flush);
		if (err)
			return err;
		e = vtd_ctx_lookup(c, bdf);
	}
	if (e[0] || e[1]) {
		/*
		 * A present entry is not rewritten in place: not present, caches
		 * emptied, then the new one. One left not present by an attach
		 * whose invalidation timed out still names its domain: emptied again.
		 */
		__atomic_store_n(&e[0], 0, __ATOMIC_RELEASE);
		write_back(c, e, 16);
		err = flush->device_left(VTD_CONTEXT_DID_OF(e[1]), bdf, flush->ctx);
		if (err)
			return err;
	}
	put_entry(e, entry);
	write_back(c, e, 16);
	if (entry[0] & VTD_CONTEXT_PRESENT) {
		err = flush->device_entered(VTD_CONTEXT_DID_OF(entry[1]), bdf, flush->ctx);
		if (err)
			return err;
	}
	return share_again(c, bus, flush);
}
