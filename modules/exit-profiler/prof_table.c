/*
 * The exit profiler's counts (see prof_table.h). Every field the hooks
 * write is read and written with __atomic builtins, relaxed: each count is
 * exact, but a READ or RESET racing with exits may see an exit in some
 * fields and not yet in others.
 */
#include <xen-lite/errno.h>
#include <xen-lite/string.h>

#include "prof_table.h"

#define LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define ADD(p, v) __atomic_fetch_add((p), (v), __ATOMIC_RELAXED)

unsigned int prof_bucket(uint64_t cycles)
{
	unsigned int log2 = cycles ? 63u - (unsigned int)__builtin_clzll(cycles) : 0;

	return log2 < XL_PROF_BUCKETS ? log2 : XL_PROF_BUCKETS - 1;
}

/* *p = min(*p, v), 0 in *p meaning none yet */
static void store_min(uint64_t *p, uint64_t v)
{
	uint64_t cur = LOAD(p);

	while ((cur == 0 || v < cur) &&
	       !__atomic_compare_exchange_n(p, &cur, v, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

static void store_max(uint64_t *p, uint64_t v)
{
	uint64_t cur = LOAD(p);

	while (v > cur &&
	       !__atomic_compare_exchange_n(p, &cur, v, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

static struct prof_slot *find_slot(struct prof_table *t, uint64_t key)
{
	for (unsigned int i = 0; i < XL_PROF_MAX_DOMAINS; i++)
		if (__atomic_load_n(&t->slot[i].owner, __ATOMIC_ACQUIRE) == key)
			return &t->slot[i];
	return NULL;
}

/*
 * The domain's slot, claimed on its first exit: a free slot taken by a
 * compare-and-swap, so two CPUs of a new domain agree on one (the loser
 * finds the winner's key where its swap failed). NULL when all are taken.
 */
static struct prof_slot *claim_slot(struct prof_table *t, uint32_t domain)
{
	uint64_t key = (uint64_t)domain + 1;
	struct prof_slot *s = find_slot(t, key);

	for (unsigned int i = 0; !s && i < XL_PROF_MAX_DOMAINS; i++) {
		uint64_t cur = 0;

		if (__atomic_compare_exchange_n(&t->slot[i].owner, &cur, key, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE) ||
		    cur == key)
			s = &t->slot[i];
	}
	return s;
}

void prof_record(struct prof_table *t, uint32_t domain, uint32_t reason, uint64_t cycles)
{
	struct prof_slot *s;
	struct prof_stats *st;

	if (reason >= EXIT_REASON_COUNT)
		return;
	s = claim_slot(t, domain);
	if (!s) {
		ADD(&t->dropped, 1);
		return;
	}
	if (!cycles)
		cycles = 1; /* min keeps 0 for "none" */
	st = &s->reason[reason];
	ADD(&st->count, 1);
	ADD(&st->total, cycles);
	ADD(&st->hist[prof_bucket(cycles)], 1);
	store_min(&st->min, cycles);
	store_max(&st->max, cycles);
}

static void zero_slot(struct prof_slot *s)
{
	for (unsigned int r = 0; r < EXIT_REASON_COUNT; r++) {
		struct prof_stats *st = &s->reason[r];

		STORE(&st->count, 0);
		STORE(&st->total, 0);
		STORE(&st->min, 0);
		STORE(&st->max, 0);
		for (unsigned int b = 0; b < XL_PROF_BUCKETS; b++)
			STORE(&st->hist[b], 0);
	}
}

void prof_forget(struct prof_table *t, uint32_t domain)
{
	struct prof_slot *s = find_slot(t, (uint64_t)domain + 1);

	if (!s)
		return;
	zero_slot(s);
	/* zeroed before it is free: the next domain starts from nothing */
	__atomic_store_n(&s->owner, 0, __ATOMIC_RELEASE);
}

int prof_reset(struct prof_table *t, uint64_t arg)
{
	struct prof_slot *s;

	if (arg != XL_PROF_ALL) {
		s = arg <= UINT32_MAX ? find_slot(t, arg + 1) : NULL;
		if (!s)
			return -ENOENT;
		zero_slot(s);
		return 0;
	}
	for (unsigned int i = 0; i < XL_PROF_MAX_DOMAINS; i++)
		if (LOAD(&t->slot[i].owner))
			zero_slot(&t->slot[i]);
	STORE(&t->dropped, 0);
	return 0;
}

static void fill_header(struct xl_prof_header *h, struct prof_table *t, const struct prof_info *info)
{
	memset(h, 0, sizeof(*h));
	h->magic = XL_PROF_MAGIC;
	h->version = XL_PROF_FORMAT_VERSION;
	h->tsc_khz = info->tsc_khz;
	h->nr_reasons = EXIT_REASON_COUNT;
	h->nr_buckets = XL_PROF_BUCKETS;
	h->reasons_hooked = t->reasons_hooked;
	h->next = XL_PROF_DONE;
	h->dropped = LOAD(&t->dropped);
	for (uint32_t r = 0; r < EXIT_REASON_COUNT; r++) {
		const char *name = info->reason_name(r);
		size_t len = strlen(name);

		memcpy(h->reason_names[r], name, len < XL_PROF_NAME_LEN ? len : XL_PROF_NAME_LEN - 1);
	}
	for (unsigned int i = 0; i < XL_PROF_MAX_DOMAINS; i++)
		h->tracked += LOAD(&t->slot[i].owner) != 0;
}

/* One reason's counts as READ gives them. */
static void snapshot(const struct prof_stats *st, uint32_t reason, struct xl_prof_reason *out)
{
	memset(out, 0, sizeof(*out));
	out->reason = reason;
	out->count = LOAD(&st->count);
	out->total_cycles = LOAD(&st->total);
	out->min_cycles = LOAD(&st->min);
	out->max_cycles = LOAD(&st->max);
	for (unsigned int b = 0; b < XL_PROF_BUCKETS; b++)
		out->hist[b] = LOAD(&st->hist[b]);
}

/*
 * Write domain's record at buf + at, its reasons seen so far: the bytes
 * written, or 0 when it does not fit in size (nothing counts as written).
 */
static uint64_t write_domain(struct prof_slot *s, uint32_t domain, char *buf, uint64_t at,
			     uint64_t size)
{
	struct xl_prof_domain d = { .domain_id = domain, .nr_reasons = 0 };
	uint64_t end = at + sizeof(d);
	struct xl_prof_reason r;

	if (end > size)
		return 0;
	for (uint32_t reason = 0; reason < EXIT_REASON_COUNT; reason++) {
		if (!LOAD(&s->reason[reason].count))
			continue;
		if (end + sizeof(r) > size)
			return 0;
		snapshot(&s->reason[reason], reason, &r);
		memcpy(buf + end, &r, sizeof(r));
		end += sizeof(r);
		d.nr_reasons++;
	}
	memcpy(buf + at, &d, sizeof(d));
	return end - at;
}

/* The most a domain's record takes: every reason seen. */
#define DOMAIN_RECORD_MAX (sizeof(struct xl_prof_domain) + EXIT_REASON_COUNT * sizeof(struct xl_prof_reason))

int64_t prof_read(struct prof_table *t, uint64_t cursor, void *buf, uint64_t size,
		  const struct prof_info *info)
{
	struct xl_prof_header h;
	uint64_t used = sizeof(h);

	if (cursor > XL_PROF_MAX_DOMAINS)
		return -EINVAL;
	if (size < sizeof(h))
		return -ENOSPC;
	fill_header(&h, t, info);
	for (unsigned int i = (unsigned int)cursor; i < XL_PROF_MAX_DOMAINS; i++) {
		uint64_t key = __atomic_load_n(&t->slot[i].owner, __ATOMIC_ACQUIRE), n;

		if (!key)
			continue;
		n = write_domain(&t->slot[i], (uint32_t)(key - 1), buf, used, size);
		if (!n) {
			h.next = i; /* the rest in the next READ */
			break;
		}
		used += n;
		h.nr_domains++;
	}
	if (h.next != XL_PROF_DONE && !h.nr_domains) {
		h.needed = sizeof(h) + DOMAIN_RECORD_MAX;
		memcpy(buf, &h, sizeof(h));
		return -ENOSPC;
	}
	memcpy(buf, &h, sizeof(h));
	return (int64_t)used;
}
