/* The armed injections (see fi_armed.h for the protocol with the hooks). */
#include <xen-lite/errno.h>
#include <xen-lite/string.h>

#include "fi_armed.h"

#define LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

static uint64_t left_of(uint64_t word)
{
	return word & FI_COUNT_MASK;
}

static uint64_t id_of(uint64_t word)
{
	return word >> FI_COUNT_BITS;
}

static uint64_t pair(uint32_t lo, uint32_t hi)
{
	return (uint64_t)hi << 32 | lo;
}

static void write_params(struct fi_slot *s, const struct fi_params *p)
{
	STORE(&s->param[0], pair(p->kind, p->domain));
	STORE(&s->param[1], pair(p->vcpu, p->reg));
	STORE(&s->param[2], pair(p->bit, p->match));
	STORE(&s->param[3], (uint64_t)p->value);
}

/* The slot's parameters as they are now: whole only if its word has not changed meanwhile. */
static void read_params(const struct fi_slot *s, uint64_t word, struct fi_params *p)
{
	uint64_t w0 = LOAD(&s->param[0]), w1 = LOAD(&s->param[1]), w2 = LOAD(&s->param[2]);

	*p = (struct fi_params){
		.id = id_of(word),
		.kind = (uint32_t)w0, .domain = (uint32_t)(w0 >> 32),
		.vcpu = (uint32_t)w1, .reg = (uint32_t)(w1 >> 32),
		.bit = (uint32_t)w2, .match = (uint32_t)(w2 >> 32),
		.value = (uint32_t)LOAD(&s->param[3]),
	};
	/* the parameters are read before the word is checked again (fi_take's swap) */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

/* Whether an armed injection's parameters are the ones wanted (arg: what is looked for). */
typedef bool (*want_fn)(const struct fi_params *p, const void *arg);

/* want_fn: an injection that applies at occasion arg */
static bool matches(const struct fi_params *p, const void *arg)
{
	const struct fi_occasion *o = arg;

	if (p->kind >= XL_FI_NR_KINDS || !(o->kinds & (1u << p->kind)) || p->domain != o->domain)
		return false;
	switch (p->kind) {
	case XL_FI_REG_FLIP:
		return p->vcpu == o->vcpu;
	case XL_FI_HC_FAIL:
	case XL_FI_IO_CORRUPT:
		return p->match == XL_FI_ANY || p->match == o->match;
	default:
		return true;
	}
}

int fi_arm(struct fi_armed_table *t, const struct fi_params *p, uint32_t count)
{
	if (!count || count > FI_COUNT_MASK || p->id > FI_MAX_ID)
		return -EINVAL;
	for (unsigned int i = 0; i < XL_FI_MAX_ARMED; i++) {
		struct fi_slot *s = &t->slot[i];

		if (left_of(__atomic_load_n(&s->word, __ATOMIC_ACQUIRE)))
			continue;
		/* a hook that reads the new parameters sees this slot's count at 0 already */
		__atomic_thread_fence(__ATOMIC_RELEASE);
		write_params(s, p);
		__atomic_fetch_add(&t->live, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&s->word, p->id << FI_COUNT_BITS | count, __ATOMIC_RELEASE);
		return 0;
	}
	return -ENOSPC;
}

bool fi_any_armed(const struct fi_armed_table *t)
{
	return LOAD(&t->live) != 0;
}

/*
 * Slot s, while armed and want(its parameters, arg): one application taken
 * (all: every one left - a disarm) by a compare-and-swap of its word; true
 * with the parameters in *out, false when it does not match or is used up.
 */
static bool take_from(struct fi_armed_table *t, struct fi_slot *s, want_fn want, const void *arg, bool all,
		      struct fi_params *out)
{
	uint64_t word = __atomic_load_n(&s->word, __ATOMIC_ACQUIRE);

	while (left_of(word)) {
		uint64_t rest = all ? word & ~FI_COUNT_MASK : word - 1;
		struct fi_params p;

		read_params(s, word, &p);
		if (!want(&p, arg))
			return false;
		if (__atomic_compare_exchange_n(&s->word, &word, rest, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			if (!left_of(rest))
				__atomic_fetch_sub(&t->live, 1, __ATOMIC_RELAXED);
			*out = p;
			return true;
		}
		/* another CPU took one, or it was disarmed or re-armed: look again */
	}
	return false;
}

bool fi_take(struct fi_armed_table *t, const struct fi_occasion *o, struct fi_params *out)
{
	if (!fi_any_armed(t))
		return false;
	for (unsigned int i = 0; i < XL_FI_MAX_ARMED; i++)
		if (take_from(t, &t->slot[i], matches, o, false, out))
			return true;
	return false;
}

static uint32_t disarm_where(struct fi_armed_table *t, want_fn want, const void *arg)
{
	struct fi_params p;
	uint32_t n = 0;

	for (unsigned int i = 0; i < XL_FI_MAX_ARMED; i++)
		n += take_from(t, &t->slot[i], want, arg, true, &p);
	return n;
}

static bool has_id(const struct fi_params *p, const void *arg)
{
	uint64_t id = *(const uint64_t *)arg;

	return id == XL_FI_DISARM_ALL || p->id == id;
}

static bool aims_at(const struct fi_params *p, const void *arg)
{
	return p->domain == *(const uint32_t *)arg;
}

uint32_t fi_disarm(struct fi_armed_table *t, uint64_t id)
{
	return disarm_where(t, has_id, &id);
}

uint32_t fi_disarm_domain(struct fi_armed_table *t, uint32_t domain)
{
	return disarm_where(t, aims_at, &domain);
}

uint32_t fi_armed_count(const struct fi_armed_table *t)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < XL_FI_MAX_ARMED; i++)
		n += left_of(__atomic_load_n(&t->slot[i].word, __ATOMIC_ACQUIRE)) != 0;
	return n;
}

uint32_t fi_armed_list(const struct fi_armed_table *t, struct xl_fi_armed *out, uint32_t max)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < XL_FI_MAX_ARMED && n < max; i++) {
		const struct fi_slot *s = &t->slot[i];
		uint64_t word = __atomic_load_n(&s->word, __ATOMIC_ACQUIRE);
		struct fi_params p;

		if (!left_of(word))
			continue;
		read_params(s, word, &p);
		out[n++] = (struct xl_fi_armed){
			.id = p.id, .kind = p.kind, .domain = p.domain, .vcpu = p.vcpu,
			.left = (uint32_t)left_of(word), .reg = p.reg, .bit = p.bit,
			.match = p.match, .value = p.value,
		};
	}
	return n;
}
