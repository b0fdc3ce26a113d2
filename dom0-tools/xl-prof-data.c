/* xl-lite profile's data (see xl-prof-data.h). */
#include <stdio.h>
#include <string.h>

#include "xl-prof-data.h"

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

static enum xl_prof_result malformed(char *why, size_t why_size, const char *what)
{
	snprintf(why, why_size, "%s", what);
	return XL_PROF_MALFORMED;
}

/* The reason names of the first answer: printable, terminated, never empty. */
static void take_names(struct xl_profile *p, const struct xl_prof_header *h)
{
	for (uint32_t r = 0; r < p->nr_reasons; r++) {
		size_t len = strnlen(h->reason_names[r], XL_PROF_NAME_LEN - 1);

		for (size_t i = 0; i < len; i++) {
			char c = h->reason_names[r][i];

			p->names[r][i] = c > 0x20 && c < 0x7f ? c : '?';
		}
		p->names[r][len] = '\0';
		if (!len)
			snprintf(p->names[r], sizeof(p->names[r]), "reason-%u", r % XL_PROF_MAX_REASONS);
	}
}

/* The answer's header against the format and the first answer's; why when it does not fit. */
static const char *check_header(const struct xl_prof_header *h, const struct xl_profile *p,
				uint32_t cursor, bool first)
{
	if (h->magic != XL_PROF_MAGIC)
		return "not an exit-profiler answer (bad magic)";
	if (h->version != XL_PROF_FORMAT_VERSION)
		return "an exit-profiler answer of another format version";
	if (h->nr_buckets != XL_PROF_BUCKETS)
		return "an unexpected number of histogram buckets";
	if (!h->nr_reasons || h->nr_reasons > XL_PROF_MAX_REASONS)
		return "an unexpected number of exit reasons";
	if (!first && (h->nr_reasons != p->nr_reasons || h->tsc_khz != p->tsc_khz))
		return "answers that disagree on the exit reasons or the TSC";
	if (h->nr_domains > XL_PROF_MAX_DOMAINS)
		return "more domains than the format allows";
	if (h->next != XL_PROF_DONE && (h->next <= cursor || h->next >= XL_PROF_MAX_DOMAINS))
		return "a cursor that does not move forward";
	return NULL;
}

/* The domain id's place in p, added when new; NULL when p is full. */
static struct xl_prof_dom *domain_of(struct xl_profile *p, uint32_t id)
{
	struct xl_prof_dom *d = (struct xl_prof_dom *)xl_prof_find(p, id);

	if (d || p->nr_domains == XL_PROF_MAX_DOMAINS)
		return d;
	d = &p->dom[p->nr_domains++];
	memset(d, 0, sizeof(*d));
	d->id = id;
	return d;
}

static void add_stats(struct xl_prof_stats *s, const struct xl_prof_reason *r)
{
	if (r->count && (!s->count || r->min_cycles < s->min_cycles))
		s->min_cycles = r->min_cycles;
	if (r->max_cycles > s->max_cycles)
		s->max_cycles = r->max_cycles;
	s->count = add_sat(s->count, r->count);
	s->total_cycles = add_sat(s->total_cycles, r->total_cycles);
	for (unsigned int b = 0; b < XL_PROF_BUCKETS; b++)
		s->hist[b] = add_sat(s->hist[b], r->hist[b]);
}

/* A domain's record at buf + *at (n bytes in all): into p, *at past it; why when it does not fit. */
static const char *take_domain(struct xl_profile *p, const char *buf, size_t n, size_t *at)
{
	struct xl_prof_domain rec;
	struct xl_prof_dom *d;

	if (n - *at < sizeof(rec))
		return "a domain record past the bytes written";
	memcpy(&rec, buf + *at, sizeof(rec));
	*at += sizeof(rec);
	if (rec.nr_reasons > p->nr_reasons || (n - *at) / sizeof(struct xl_prof_reason) < rec.nr_reasons)
		return "a domain record with more reasons than were written";
	d = domain_of(p, rec.domain_id);
	if (!d)
		return "more domains than the format allows";
	for (uint32_t i = 0; i < rec.nr_reasons; i++) {
		struct xl_prof_reason r;

		memcpy(&r, buf + *at, sizeof(r));
		*at += sizeof(r);
		if (r.reason >= p->nr_reasons)
			return "an exit reason out of range";
		if (r.reserved)
			return "a reason record whose reserved field is not 0";
		if (r.count && (!r.min_cycles || r.min_cycles > r.max_cycles))
			return "a minimum above the maximum";
		add_stats(&d->reason[r.reason], &r);
		d->exits = add_sat(d->exits, r.count);
	}
	return NULL;
}

/* One answer of n bytes, read from cursor: into p; *next the cursor after it. */
static const char *take_answer(struct xl_profile *p, const char *buf, size_t n, uint32_t cursor,
			       uint32_t *next)
{
	struct xl_prof_header h;
	size_t at = sizeof(h);
	const char *bad;

	if (n < sizeof(h))
		return "an answer shorter than its header";
	memcpy(&h, buf, sizeof(h));
	bad = check_header(&h, p, cursor, cursor == 0);
	if (bad)
		return bad;
	if (cursor == 0) {
		p->tsc_khz = h.tsc_khz;
		p->nr_reasons = h.nr_reasons;
		p->reasons_hooked = h.reasons_hooked;
		p->dropped = h.dropped;
		take_names(p, &h);
	}
	for (uint32_t i = 0; i < h.nr_domains; i++)
		if ((bad = take_domain(p, buf, n, &at)))
			return bad;
	if (at != n)
		return "bytes past the last domain record";
	*next = h.next;
	return NULL;
}

static void sort_by_id(struct xl_profile *p)
{
	for (unsigned int i = 1; i < p->nr_domains; i++)
		for (unsigned int j = i; j > 0 && p->dom[j - 1].id > p->dom[j].id; j--) {
			struct xl_prof_dom t = p->dom[j];

			p->dom[j] = p->dom[j - 1];
			p->dom[j - 1] = t;
		}
}

enum xl_prof_result xl_prof_read_all(xl_prof_read_fn read, void *ctx, void *buf, size_t size,
				     struct xl_profile *p, char *why, size_t why_size)
{
	uint32_t cursor = 0, next = 0;

	memset(p, 0, sizeof(*p));
	snprintf(why, why_size, "%s", "");
	/* the cursor only moves forward: at most one answer per slot, and one more */
	while (next != XL_PROF_DONE) {
		int64_t n = read(ctx, cursor, buf, size);
		const char *bad;

		if (n < 0)
			return XL_PROF_READ_FAILED;
		if ((uint64_t)n > size)
			return malformed(why, why_size, "an answer longer than the buffer");
		bad = take_answer(p, buf, (size_t)n, cursor, &next);
		if (bad)
			return malformed(why, why_size, bad);
		cursor = next;
	}
	sort_by_id(p);
	return XL_PROF_OK;
}

const struct xl_prof_dom *xl_prof_find(const struct xl_profile *p, uint32_t id)
{
	for (unsigned int i = 0; i < p->nr_domains; i++)
		if (p->dom[i].id == id)
			return &p->dom[i];
	return NULL;
}

/* Whether every count of a is at least b's: b can be taken from a. */
static bool grew_from(const struct xl_prof_dom *a, const struct xl_prof_dom *b, uint32_t nr_reasons)
{
	for (uint32_t r = 0; r < nr_reasons; r++) {
		if (a->reason[r].count < b->reason[r].count ||
		    a->reason[r].total_cycles < b->reason[r].total_cycles)
			return false;
		for (unsigned int i = 0; i < XL_PROF_BUCKETS; i++)
			if (a->reason[r].hist[i] < b->reason[r].hist[i])
				return false;
	}
	return true;
}

static void subtract(struct xl_prof_stats *s, const struct xl_prof_stats *b)
{
	s->count -= b->count;
	s->total_cycles -= b->total_cycles;
	for (unsigned int i = 0; i < XL_PROF_BUCKETS; i++)
		s->hist[i] -= b->hist[i];
}

void xl_prof_delta(const struct xl_profile *now, const struct xl_profile *before, struct xl_profile *out)
{
	*out = *now;
	for (unsigned int i = 0; i < out->nr_domains; i++) {
		struct xl_prof_dom *d = &out->dom[i];
		const struct xl_prof_dom *b = xl_prof_find(before, d->id);
		bool since = b && before->nr_reasons == now->nr_reasons && grew_from(d, b, now->nr_reasons);

		d->exits = 0;
		for (uint32_t r = 0; r < out->nr_reasons; r++) {
			if (since)
				subtract(&d->reason[r], &b->reason[r]);
			d->reason[r].min_cycles = d->reason[r].max_cycles = 0;
			d->exits += d->reason[r].count;
		}
	}
}

uint64_t xl_prof_mean(const struct xl_prof_stats *s)
{
	return s->count ? s->total_cycles / s->count : 0;
}

/*
 * The k-th (1-based) of the exits in bucket b: its exits spread evenly over
 * the bucket's range narrowed to [min, max], the middle of the k-th share.
 */
static uint64_t within_bucket(const struct xl_prof_stats *s, unsigned int b, uint64_t k)
{
	double lo = b ? (double)(1ull << b) : 0.0;
	/* the last bucket is open-ended: it reaches the largest exit seen */
	double hi = b + 1 < XL_PROF_BUCKETS ? (double)(1ull << (b + 1)) : (double)s->max_cycles + 1;

	if (s->min_cycles && (double)s->min_cycles > lo)
		lo = (double)s->min_cycles;
	if (s->max_cycles && (double)s->max_cycles + 1 < hi)
		hi = (double)s->max_cycles + 1;
	if (hi < lo || !s->hist[b])
		return (uint64_t)lo;
	return (uint64_t)(lo + (hi - lo) * (2.0 * (double)k - 1.0) / (2.0 * (double)s->hist[b]));
}

uint64_t xl_prof_percentile(const struct xl_prof_stats *s, unsigned int permille)
{
	uint64_t n = 0, rank, before = 0;
	unsigned int b;

	if (permille > 1000)
		permille = 1000;
	for (b = 0; b < XL_PROF_BUCKETS; b++)
		n = add_sat(n, s->hist[b]);
	if (!n)
		return 0;
	/* the rank of the exit asked for: ceil(n * permille / 1000), at least the first */
	rank = n / 1000 * permille + (n % 1000 * permille + 999) / 1000;
	if (!rank)
		rank = 1;
	for (b = 0; b + 1 < XL_PROF_BUCKETS && before + s->hist[b] < rank; b++)
		before += s->hist[b];
	return within_bucket(s, b, rank - before);
}

double xl_prof_us(uint64_t cycles, uint64_t tsc_khz)
{
	return tsc_khz ? (double)cycles * 1000.0 / (double)tsc_khz : -1.0;
}
