/*
 * The injections done: a ring of the last XL_FI_RING_ENTRIES events, put
 * by the hooks of every CPU and by INJECT (each takes the next sequence
 * number with one atomic add), read by EVENTS on dom0's CPU without a lock.
 * An entry's stamp is its sequence number once it is whole, with
 * FI_RING_BUSY while it is written: a reader checks it before and after
 * its copy, so it never returns a torn event, stops at one still being
 * written, and counts as lost those overwritten before it got to them.
 * No hypervisor calls here: the host unit tests link it as it is.
 */
#ifndef FI_RING_H
#define FI_RING_H

#include <xen-lite/types.h>

#include "fault_injector_abi.h"

#define FI_RING_BUSY (1ull << 63)
#define FI_EVENT_WORDS 7 /* an event but its seq, in words */

struct fi_ring_entry {
	uint64_t stamp; /* seq when whole, seq | FI_RING_BUSY while written; 0: never written */
	uint64_t word[FI_EVENT_WORDS];
};

struct fi_ring {
	uint64_t head; /* the last sequence number handed out (0: none yet) */
	struct fi_ring_entry entry[XL_FI_RING_ENTRIES];
};

/* Record e (its seq is ignored: the next one is taken and returned). From any CPU, no lock. */
uint64_t fi_ring_put(struct fi_ring *r, const struct xl_fi_event *e);

/* The last sequence number handed out. */
uint64_t fi_ring_head(const struct fi_ring *r);

/*
 * The events after from_seq, at most max, into out (in order), and the
 * answer's header into *h. An event still being written ends the read
 * there (the next read starts with it). Returns nr, or -EINVAL for a
 * from_seq past the head.
 */
int64_t fi_ring_read(const struct fi_ring *r, uint64_t from_seq, struct xl_fi_event *out, uint32_t max,
		     struct xl_fi_events *h);

#endif
