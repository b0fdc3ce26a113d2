/*
 * The exit ring (see intro_ring.h). Every field of an entry is an atomic
 * access (relaxed) ordered by fences against its stamp, as in the snapshot
 * seqlock (intro_snap.c); the stamp says not only whether the entry is
 * whole but which exit it holds, so a reader can tell "not written yet"
 * from "already overwritten".
 */
#include <xen-lite/errno.h>
#include <xen-lite/string.h>

#include "intro_ring.h"

#define LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

void intro_ring_reset(struct intro_ring *r)
{
	memset(r, 0, sizeof(*r));
}

/* The entry that holds exit seq (and held seq - XL_INTRO_RING_ENTRIES before it). */
static unsigned int index_of(uint64_t seq)
{
	return (unsigned int)(seq % XL_INTRO_RING_ENTRIES);
}

void intro_ring_put(struct intro_ring *r, const struct xl_intro_exit *e)
{
	uint64_t seq = __atomic_add_fetch(&r->head, 1, __ATOMIC_RELAXED);
	struct intro_ring_entry *slot = &r->entry[index_of(seq)];

	STORE(&slot->stamp, seq | INTRO_RING_BUSY);
	/* the busy stamp is seen by any reader that sees one of the fields below */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	STORE(&slot->vcpu_reason, (uint64_t)e->vcpu << 32 | e->reason);
	STORE(&slot->exit_code, e->exit_code);
	STORE(&slot->rip, e->rip);
	STORE(&slot->tsc, e->tsc);
	__atomic_store_n(&slot->stamp, seq, __ATOMIC_RELEASE);
}

uint64_t intro_ring_head(const struct intro_ring *r)
{
	return __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
}

enum copy_result { COPIED, OVERWRITTEN, NOT_YET };

/* Entry seq, if the ring still holds it whole. */
static enum copy_result copy_entry(const struct intro_ring *r, uint64_t seq, struct xl_intro_exit *out)
{
	const struct intro_ring_entry *slot = &r->entry[index_of(seq)];
	uint64_t before = __atomic_load_n(&slot->stamp, __ATOMIC_ACQUIRE), after, vr;

	if (before != seq)
		return (before & ~INTRO_RING_BUSY) > seq ? OVERWRITTEN : NOT_YET;
	vr = LOAD(&slot->vcpu_reason);
	out->seq = seq;
	out->vcpu = (uint32_t)(vr >> 32);
	out->reason = (uint32_t)vr;
	out->exit_code = LOAD(&slot->exit_code);
	out->rip = LOAD(&slot->rip);
	out->tsc = LOAD(&slot->tsc);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	after = LOAD(&slot->stamp);
	return after == seq ? COPIED : OVERWRITTEN;
}

int64_t intro_ring_read(const struct intro_ring *r, uint64_t from_seq, struct xl_intro_exit *out,
			uint32_t max, struct xl_intro_exits *h)
{
	uint64_t head = intro_ring_head(r), oldest, seq;

	if (from_seq > head)
		return -EINVAL;
	oldest = head > XL_INTRO_RING_ENTRIES ? head - XL_INTRO_RING_ENTRIES + 1 : 1;
	seq = MAX(from_seq + 1, oldest);
	memset(h, 0, sizeof(*h));
	h->head_seq = head;
	h->lost = seq - (from_seq + 1); /* gone before this read began */
	for (; seq <= head && h->nr < max; seq++) {
		enum copy_result c = copy_entry(r, seq, &out[h->nr]);

		if (c == NOT_YET)
			break;
		if (c == COPIED)
			h->nr++;
		else
			h->lost++;
	}
	h->next_seq = seq - 1;
	return h->nr;
}
