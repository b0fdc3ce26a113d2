/*
 * A VT-d unit's root and context tables in legacy mode (Intel VT-d spec,
 * 9.1-9.4): which IO address space each requester id (bus, device,
 * function) of the segment uses. Every bus's root entry points to one shared
 * context table whose 256 entries all give the default space; a bus in which
 * one device was given another space gets its own context table (a copy of
 * the shared one, then the one entry changed), and goes back to the shared
 * one when its entries are all the default again.
 *
 * Pure logic: pages come through struct vtd_pt_ops (iommu/vtd_pt.h), and
 * the invalidations a change needs through struct vtd_ctx_flush, so that the
 * driver (iommu/vtd.c) runs it on a unit and the host unit test
 * (tests/unit/test_vtd_ctx.c) on malloc'd pages and recorded calls.
 */
#ifndef IOMMU_VTD_CTX_H
#define IOMMU_VTD_CTX_H

#include <xen-lite/types.h>

#include "vtd_pt.h"

#define VTD_ROOT_PRESENT 1ULL
#define VTD_CONTEXT_PRESENT 1ULL /* translation type 00: untranslated requests, second-level tables */
#define VTD_CONTEXT_AW(levels) ((uint64_t)(levels) - 2) /* 1: 3 levels, 2: 4 levels */
#define VTD_CONTEXT_DID(id) ((uint64_t)(id) << 8)
#define VTD_CONTEXT_DID_OF(hi) ((uint16_t)((hi) >> 8))

struct vtd_ctx {
	const struct vtd_pt_ops *ops;
	uint64_t root; /* physical address of the root table: 256 entries, one per bus */
	uint64_t shared; /* the context table of every bus that has none of its own */
	uint64_t own[256]; /* a bus's own context table; 0: it uses the shared one */
};

/* What a change of live tables needs from the unit; each waits and returns 0 or -ETIMEDOUT. */
struct vtd_ctx_flush {
	/* A root entry changed: the context cache, every entry (global). */
	int (*context_all)(void *ctx);
	/*
	 * Requester bdf's context entry, of domain id did, was made not
	 * present: its cached entry (device-selective) and did's translations
	 * (IOTLB, domain-selective) go.
	 */
	int (*device_left)(uint16_t did, uint16_t bdf, void *ctx);
	/* Requester bdf's entry was made present with domain id did (caching mode, write buffers). */
	int (*device_entered)(uint16_t did, uint16_t bdf, void *ctx);
	void *ctx;
};

/* The two quadwords of a context entry giving a space: its tree's root and depth, its domain id. */
static inline void vtd_context_entry(const struct vtd_pt *pt, uint16_t did, uint64_t entry[2])
{
	entry[0] = pt->root | VTD_CONTEXT_PRESENT;
	entry[1] = VTD_CONTEXT_AW(pt->levels) | VTD_CONTEXT_DID(did);
}

/* Empty root and shared context tables (nothing present): 0 or -ENOMEM. */
int vtd_ctx_init(struct vtd_ctx *c, const struct vtd_pt_ops *ops);
/* Free every table: the unit must no longer use them. */
void vtd_ctx_destroy(struct vtd_ctx *c);

/*
 * Every requester id gets entry: the shared table's 256 entries are
 * rewritten and every root entry points to it (written back). Tables of
 * buses that had their own stay allocated until vtd_ctx_free_unused(),
 * which the caller calls once the unit's context cache was invalidated.
 */
void vtd_ctx_fill(struct vtd_ctx *c, const uint64_t entry[2]);
/* Free the buses' own tables no root entry points to any more. */
void vtd_ctx_free_unused(struct vtd_ctx *c);

/* Where requester bdf's context entry is (the table its bus's root entry points to). */
uint64_t *vtd_ctx_lookup(const struct vtd_ctx *c, uint16_t bdf);

/*
 * Give requester bdf the context entry entry on a live unit, in the order
 * the spec allows for a present entry: its bus first gets its own table if
 * it has none (root entry changed, flush->context_all); the entry is made
 * not present and written back, flush->device_left(old domain id); the new
 * entry is written (high quadword, then the low one with the present bit)
 * and written back, flush->device_entered(new domain id). Then, if the
 * bus's entries are all the shared table's again, its root entry goes back
 * to the shared table, flush->context_all, and its own table is freed.
 * 0 (also when the entry was already that), -ENOMEM (nothing changed) or
 * the first flush's error (the change stops there; no table is freed that
 * the unit may still read).
 */
int vtd_ctx_attach(struct vtd_ctx *c, uint16_t bdf, const uint64_t entry[2], const struct vtd_ctx_flush *flush);

#endif
