/*
 * A watched domain's exit stream: a ring of the last XL_INTRO_RING_ENTRIES
 * exits, filled by the exit hooks of all its vCPUs at once (each takes the
 * next sequence number with one atomic add) and read by operations on
 * other CPUs without a lock. Each entry carries a stamp - its sequence
 * number, with INTRO_RING_BUSY while it is written - that a reader checks
 * before and after its copy, so it never returns a torn entry, and counts
 * as lost the entries overwritten before it got to them.
 * No hypervisor calls here: the host unit tests link it as it is.
 */
#ifndef INTRO_RING_H
#define INTRO_RING_H

#include <xen-lite/types.h>

#include "introspection_abi.h"

#define INTRO_RING_BUSY (1ull << 63)

struct intro_ring_entry {
	uint64_t stamp; /* seq when complete, seq | INTRO_RING_BUSY while written; 0: never */
	uint64_t vcpu_reason; /* vcpu << 32 | reason */
	uint64_t exit_code, rip, tsc;
};

struct intro_ring {
	uint64_t head; /* the last sequence number handed out (0: none yet) */
	struct intro_ring_entry entry[XL_INTRO_RING_ENTRIES];
};

/* Empty again: only while no writer can be at it. */
void intro_ring_reset(struct intro_ring *r);

/* Record one exit (e->seq is ignored: the next number is taken). From any CPU, no lock. */
void intro_ring_put(struct intro_ring *r, const struct xl_intro_exit *e);

/* The last sequence number handed out. */
uint64_t intro_ring_head(const struct intro_ring *r);

/*
 * The entries after from_seq, at most max of them, into out (in order),
 * and the answer's header into *h (next_seq, head_seq, lost, nr). An entry
 * being written stops the read there (the next read starts with it).
 * Returns nr, or -EINVAL for a from_seq past the head.
 */
int64_t intro_ring_read(const struct intro_ring *r, uint64_t from_seq, struct xl_intro_exit *out,
			uint32_t max, struct xl_intro_exits *h);

#endif
