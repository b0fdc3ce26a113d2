/*
 * A guest's memory as a virtio back-end sees it (Documentation/virtio.md):
 * dom0's view of it (XL_IOCTL_GUEST_MAP) mapped into the process as the
 * guest sees it - each piece at base + its guest address, in one
 * reservation whose holes stay inaccessible - so that a ring or a buffer
 * that crosses from one piece to the next is contiguous here too. The
 * view goes with the process (its /dev/xenlite file's release).
 */
#ifndef BACKENDS_GUEST_VIEW_H
#define BACKENDS_GUEST_VIEW_H

#include <stdint.h>

#include "../libxl-lite.h"
#include "virtq.h"

struct guest_view {
	struct xl_mem_extent ext[XL_GUEST_VIEW_MAX_EXTENTS];
	unsigned int n;
	uint8_t *base;
	uint64_t span; /* bytes reserved: up to the end of the highest piece */
};

/* Map guest domid's memory through h's file; 0, or -1 with the reason said on stderr as "WHO: d<domid>: ...". */
int guest_view_map(struct guest_view *v, struct xl_handle *h, uint32_t domid, const char *who);
/* The queues' way into it (virtq.h): whole ranges (at) and buffers that may cross pieces (span). */
struct guest_mem guest_view_mem(struct guest_view *v);

#endif
