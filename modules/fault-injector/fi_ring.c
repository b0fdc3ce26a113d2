/*
 * The ring of injections done (see fi_ring.h). Every word of an entry is
 * an atomic access, relaxed, ordered by fences against the entry's stamp.
 */
#include <xen-lite/errno.h>
#include <xen-lite/string.h>

#include "fi_ring.h"

#define LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

enum { W_ID, W_KIND_DOMAIN, W_VCPU_BIT, W_WHERE, W_OLD, W_NEW, W_TSC };

static struct fi_ring_entry *entry_of(const struct fi_ring *r, uint64_t seq)
{
	return (struct fi_ring_entry *)&r->entry[seq % XL_FI_RING_ENTRIES];
}

static void pack(const struct xl_fi_event *e, uint64_t w[FI_EVENT_WORDS])
{
	w[W_ID] = e->id;
	w[W_KIND_DOMAIN] = (uint64_t)e->domain << 32 | e->kind;
	w[W_VCPU_BIT] = (uint64_t)e->bit << 32 | e->vcpu;
	w[W_WHERE] = e->where;
	w[W_OLD] = e->old_value;
	w[W_NEW] = e->new_value;
	w[W_TSC] = e->tsc;
}

static void unpack(const uint64_t w[FI_EVENT_WORDS], uint64_t seq, struct xl_fi_event *e)
{
	*e = (struct xl_fi_event){
		.seq = seq,
		.id = w[W_ID],
		.kind = (uint32_t)w[W_KIND_DOMAIN], .domain = (uint32_t)(w[W_KIND_DOMAIN] >> 32),
		.vcpu = (uint32_t)w[W_VCPU_BIT], .bit = (uint32_t)(w[W_VCPU_BIT] >> 32),
		.where = w[W_WHERE],
		.old_value = w[W_OLD],
		.new_value = w[W_NEW],
		.tsc = w[W_TSC],
	};
}

uint64_t fi_ring_put(struct fi_ring *r, const struct xl_fi_event *e)
{
	uint64_t seq = __atomic_add_fetch(&r->head, 1, __ATOMIC_RELAXED), w[FI_EVENT_WORDS];
	struct fi_ring_entry *slot = entry_of(r, seq);

	pack(e, w);
	STORE(&slot->stamp, seq | FI_RING_BUSY);
	/* a reader that sees any word below sees the busy stamp first */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (unsigned int i = 0; i < FI_EVENT_WORDS; i++)
		STORE(&slot->word[i], w[i]);
	__atomic_store_n(&slot->stamp, seq, __ATOMIC_RELEASE);
	return seq;
}

uint64_t fi_ring_head(const struct fi_ring *r)
{
	return __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
}

enum copy_result { COPIED, OVERWRITTEN, NOT_YET };

static enum copy_result copy_entry(const struct fi_ring *r, uint64_t seq, struct xl_fi_event *out)
{
	const struct fi_ring_entry *slot = entry_of(r, seq);
	uint64_t before = __atomic_load_n(&slot->stamp, __ATOMIC_ACQUIRE), w[FI_EVENT_WORDS];

	if (before != seq)
		return (before & ~FI_RING_BUSY) > seq ? OVERWRITTEN : NOT_YET;
	for (unsigned int i = 0; i < FI_EVENT_WORDS; i++)
		w[i] = LOAD(&slot->word[i]);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (LOAD(&slot->stamp) != seq)
		return OVERWRITTEN;
	unpack(w, seq, out);
	return COPIED;
}

int64_t fi_ring_read(const struct fi_ring *r, uint64_t from_seq, struct xl_fi_event *out, uint32_t max,
		     struct xl_fi_events *h)
{
	uint64_t head = fi_ring_head(r), oldest, seq;

	if (from_seq > head)
		return -EINVAL;
	oldest = head > XL_FI_RING_ENTRIES ? head - XL_FI_RING_ENTRIES + 1 : 1;
	seq = MAX(from_seq + 1, oldest);
	memset(h, 0, sizeof(*h));
	h->head_seq = head;
	h->lost = seq - (from_seq + 1);
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
