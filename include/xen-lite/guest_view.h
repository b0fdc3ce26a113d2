/*
 * dom0's view of a guest's RAM (XL_DOMCTL_GUEST_MEMORY_MAP/_UNMAP): the
 * guest's memory blocks mapped into dom0 at their host-physical addresses,
 * referenced; a guest destroyed while viewed leaves its memory held until
 * the last reference goes. Lifecycle lock held by every caller.
 */
#ifndef XEN_LITE_GUEST_VIEW_H
#define XEN_LITE_GUEST_VIEW_H

#include <xen-lite-abi.h>
#include <xen-lite/types.h>

struct domain;

/* One more reference to d's view (mapped on the first); up to max extents into out. How many d has, or -errno. */
int guest_view_map(struct domain *dom0, struct domain *d, struct xl_mem_extent *out, unsigned int max);
/* One reference fewer to the view of the guest with that id (alive or not). 0 or -ENOENT. */
int guest_view_unmap(struct domain *dom0, uint32_t domid);
/* d is being destroyed: true when a view holds its memory (the caller must not free it). */
bool guest_view_domain_destroyed(struct domain *d);

#endif
