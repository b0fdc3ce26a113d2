/* The watch table (see intro_watch.h for the protocol with the exit hooks). */
#include <xen-lite/errno.h>
#include <xen-lite/module.h> /* xl_zalloc, xl_free */

#include "intro_watch.h"

static uint64_t key_of(uint32_t domain)
{
	return (uint64_t)domain + 1;
}

static uint64_t bit_of(uint32_t domain)
{
	return 1ull << (domain % 64);
}

static uint64_t owner(const struct intro_watch_slot *s)
{
	return __atomic_load_n(&s->owner, __ATOMIC_ACQUIRE);
}

static struct intro_watch_slot *find_slot(const struct intro_watches *w, uint32_t domain)
{
	for (unsigned int i = 0; i < XL_INTRO_MAX_WATCHED; i++)
		if (owner(&w->slot[i]) == key_of(domain))
			return (struct intro_watch_slot *)&w->slot[i];
	return NULL;
}

/* may_watch made exact again (WATCH and UNWATCH only: they never run at once). */
static void recompute_may_watch(struct intro_watches *w)
{
	uint64_t bits = 0;

	for (unsigned int i = 0; i < XL_INTRO_MAX_WATCHED; i++) {
		uint64_t key = owner(&w->slot[i]);

		if (key)
			bits |= bit_of((uint32_t)(key - 1));
	}
	__atomic_store_n(&w->may_watch, bits, __ATOMIC_SEQ_CST);
}

/* Take a free slot no late hook is still inside, its records reset. */
static int claim(struct intro_watch_slot *s, uint32_t domain)
{
	uint64_t free_owner = 0;

	if (owner(s) || __atomic_load_n(&s->writers, __ATOMIC_SEQ_CST))
		return -EBUSY;
	if (!s->data)
		s->data = xl_zalloc(sizeof(*s->data));
	if (!s->data)
		return -ENOMEM;
	intro_domain_reset(s->data);
	/* a hook that sees the new owner sees the records reset */
	if (!__atomic_compare_exchange_n(&s->owner, &free_owner, key_of(domain), false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST))
		return -EBUSY;
	return 0;
}

int intro_watch_add(struct intro_watches *w, uint32_t domain)
{
	if (find_slot(w, domain))
		return -EEXIST;
	for (unsigned int i = 0; i < XL_INTRO_MAX_WATCHED; i++) {
		int err = claim(&w->slot[i], domain);

		if (err == -ENOMEM)
			return err;
		if (!err) {
			__atomic_fetch_or(&w->may_watch, bit_of(domain), __ATOMIC_SEQ_CST);
			return 0;
		}
	}
	return -ENOSPC;
}

int intro_watch_remove(struct intro_watches *w, uint32_t domain)
{
	struct intro_watch_slot *s = find_slot(w, domain);
	uint64_t key = key_of(domain);

	/* the destroyed hook may end it first: then it is not watched all the same */
	if (!s || !__atomic_compare_exchange_n(&s->owner, &key, 0, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return -ENXIO;
	recompute_may_watch(w);
	return 0;
}

void intro_watch_drop(struct intro_watches *w, uint32_t domain)
{
	for (unsigned int i = 0; i < XL_INTRO_MAX_WATCHED; i++) {
		uint64_t key = key_of(domain);

		__atomic_compare_exchange_n(&w->slot[i].owner, &key, 0, false, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST);
	}
}

const struct intro_domain *intro_watch_find(const struct intro_watches *w, uint32_t domain)
{
	const struct intro_watch_slot *s = find_slot(w, domain);

	return s ? s->data : NULL;
}

struct intro_domain *intro_watch_enter(struct intro_watches *w, uint32_t domain,
				       struct intro_watch_slot **slot)
{
	struct intro_watch_slot *s;

	if (!(__atomic_load_n(&w->may_watch, __ATOMIC_RELAXED) & bit_of(domain)))
		return NULL;
	s = find_slot(w, domain);
	if (!s)
		return NULL;
	__atomic_fetch_add(&s->writers, 1, __ATOMIC_SEQ_CST);
	/* counted in before the owner is checked again: WATCH reuses no slot with a writer */
	if (__atomic_load_n(&s->owner, __ATOMIC_SEQ_CST) != key_of(domain)) {
		intro_watch_leave(s);
		return NULL;
	}
	*slot = s;
	return s->data;
}

void intro_watch_leave(struct intro_watch_slot *slot)
{
	__atomic_fetch_sub(&slot->writers, 1, __ATOMIC_RELEASE);
}

void intro_watch_record(struct intro_watches *w, const struct xl_exit_event *e, intro_gather_fn gather,
			void *ctx)
{
	struct intro_watch_slot *slot;
	struct intro_domain *d = intro_watch_enter(w, e->domain_id, &slot);
	uint64_t word[SNAP_WORDS];

	if (!d)
		return; /* not watched: the common case, one load and a test */
	gather(ctx, word);
	intro_domain_record(d, e, word);
	intro_watch_leave(slot);
}

uint32_t intro_watch_count(const struct intro_watches *w)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < XL_INTRO_MAX_WATCHED; i++)
		n += owner(&w->slot[i]) != 0;
	return n;
}

uint32_t intro_watch_list(const struct intro_watches *w, struct xl_intro_watched *out, uint32_t max)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < XL_INTRO_MAX_WATCHED && n < max; i++) {
		const struct intro_watch_slot *s = &w->slot[i];
		uint64_t key = owner(s);

		if (!key)
			continue;
		out[n].domain = (uint32_t)(key - 1);
		out[n].vcpus_seen = intro_domain_vcpus_seen(s->data);
		out[n].exits = intro_ring_head(&s->data->ring);
		n++;
	}
	return n;
}

void intro_watch_free(struct intro_watches *w)
{
	for (unsigned int i = 0; i < XL_INTRO_MAX_WATCHED; i++) {
		xl_free(w->slot[i].data);
		w->slot[i].data = NULL;
	}
}
