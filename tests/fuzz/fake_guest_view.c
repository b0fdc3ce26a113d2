/*
 * dom0's view of a guest's memory (include/xen-lite/guest_view.h) faked for
 * the hypercall harnesses: the DOMCTL path must only ask for a live guest's
 * view, copy back at most what fits, and give back every reference it took
 * when the copy fails; UNMAP by an id that has no view answers -ENOENT.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest_view.h>

#include "support.h"

#define IDS 64

static unsigned int refs[IDS];

int guest_view_map(struct domain *dom0, struct domain *d, struct xl_mem_extent *out, unsigned int max)
{
	FUZZ_CHECK(dom0 && dom0->privileged && !d->privileged, "a view of d%u asked by d%u", d->id,
		   dom0 ? dom0->id : 0);
	FUZZ_CHECK(max <= XL_GUEST_VIEW_MAX_EXTENTS && (out || !max), "%u extents into %p", max, (void *)out);
	if (!d->nr_blocks || d->id >= IDS)
		return -EINVAL;
	for (unsigned int i = 0; i < d->nr_blocks && i < max; i++)
		out[i] = (struct xl_mem_extent){ gpa_addr(d->blocks[i].gpa), hpa_addr(d->blocks[i].hpa),
						 d->blocks[i].size };
	refs[d->id]++;
	return (int)d->nr_blocks;
}

int guest_view_unmap(struct domain *dom0, uint32_t domid)
{
	FUZZ_CHECK(dom0 && dom0->privileged, "an unmap asked by a guest");
	if (domid >= IDS || !refs[domid])
		return -ENOENT;
	refs[domid]--;
	return 0;
}
