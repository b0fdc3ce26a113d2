/*
 * The cpu-policy module's per-domain policies and their publication (see
 * policy_table.h for why a latch). Every field a reader may see while it
 * is written is read and written with __atomic builtins.
 */
#include <stddef.h>

#include <xen-lite/errno.h>

#include "policy_rules.h"
#include "policy_table.h"

#define LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

static uint64_t key_of(uint32_t domain)
{
	return (uint64_t)domain + 1; /* 0 marks a free slot */
}

static struct policy_slot *find_slot(struct policy_table *t, uint64_t key)
{
	for (unsigned int i = 0; i < XL_CPU_POLICY_MAX_DOMAINS; i++)
		if (__atomic_load_n(&t->slot[i].owner, __ATOMIC_ACQUIRE) == key)
			return &t->slot[i];
	return NULL;
}

static void write_copy(struct policy_copy *c, const struct xl_cpuid_rule *rules, uint32_t nr)
{
	for (uint32_t i = 0; i < nr; i++) {
		STORE(&c->rule[i].leaf, rules[i].leaf);
		STORE(&c->rule[i].subleaf, rules[i].subleaf);
		STORE(&c->rule[i].reg, rules[i].reg);
		STORE(&c->rule[i].and_mask, rules[i].and_mask);
		STORE(&c->rule[i].or_mask, rules[i].or_mask);
	}
	STORE(&c->nr_rules, nr);
}

/*
 * Readers move to the other copy. The fences order the copy a reader may
 * have read before the bump it will see, and the bump before the copy
 * written next (Linux's smp_wmb() pair around the latch's increment).
 */
static void bump(struct policy_slot *s, uint32_t *seq)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	STORE(&s->seq, ++*seq);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

/* Both copies rewritten, each while readers use the other. */
static void latch_write(struct policy_slot *s, const struct xl_cpuid_rule *rules, uint32_t nr)
{
	uint32_t seq = LOAD(&s->seq);

	for (unsigned int half = 0; half < 2; half++) {
		bump(s, &seq);
		write_copy(&s->copy[(seq + 1) & 1], rules, nr);
	}
}

int policy_set(struct policy_table *t, uint32_t domain, const struct xl_cpuid_rule *rules, uint32_t nr)
{
	uint64_t key = key_of(domain);
	struct policy_slot *s = find_slot(t, key);
	bool claimed = false;

	if (!s) {
		s = find_slot(t, 0);
		claimed = true;
	}
	if (!s)
		return -ENOSPC;
	latch_write(s, rules, nr > XL_CPU_POLICY_MAX_RULES ? XL_CPU_POLICY_MAX_RULES : nr);
	/* a new slot is the domain's only once both copies are its policy */
	if (claimed)
		__atomic_store_n(&s->owner, key, __ATOMIC_RELEASE);
	return 0;
}

int policy_clear(struct policy_table *t, uint32_t domain)
{
	for (unsigned int i = 0; i < XL_CPU_POLICY_MAX_DOMAINS; i++) {
		uint64_t key = key_of(domain);

		if (__atomic_compare_exchange_n(&t->slot[i].owner, &key, 0, false, __ATOMIC_SEQ_CST,
						__ATOMIC_RELAXED))
			return 0;
	}
	return -ENOENT;
}

/* What a read of a slot does with what it reads; begin() again when it reads again. */
struct visitor {
	void (*begin)(struct visitor *v, uint32_t nr);
	void (*rule)(struct visitor *v, uint32_t i, const struct xl_cpuid_rule *r);
};

/*
 * One consistent read of slot s through the latch, v told what is read;
 * whether the slot was the key's domain's when the read was whole.
 */
static bool read_slot(const struct policy_slot *s, uint64_t key, struct visitor *v)
{
	uint32_t seq;
	bool mine;

	do {
		const struct policy_copy *c;
		uint32_t nr;

		seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
		c = &s->copy[seq & 1];
		nr = LOAD(&c->nr_rules);
		if (nr > XL_CPU_POLICY_MAX_RULES) /* never written so; a bound all the same */
			nr = XL_CPU_POLICY_MAX_RULES;
		v->begin(v, nr);
		for (uint32_t i = 0; i < nr; i++) {
			struct xl_cpuid_rule r = {
				.leaf = LOAD(&c->rule[i].leaf),
				.subleaf = LOAD(&c->rule[i].subleaf),
				.reg = LOAD(&c->rule[i].reg),
				.and_mask = LOAD(&c->rule[i].and_mask),
				.or_mask = LOAD(&c->rule[i].or_mask),
			};

			v->rule(v, i, &r);
		}
		/* what was read comes before the checks: a writer's later bump is seen */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		mine = LOAD(&s->owner) == key;
	} while (LOAD(&s->seq) != seq);
	return mine;
}

/* The domain's slot read with v: whether it has a policy. */
static bool read_policy(const struct policy_table *t, uint32_t domain, struct visitor *v)
{
	uint64_t key = key_of(domain);

	for (unsigned int i = 0; i < XL_CPU_POLICY_MAX_DOMAINS; i++)
		if (__atomic_load_n(&t->slot[i].owner, __ATOMIC_ACQUIRE) == key &&
		    read_slot(&t->slot[i], key, v))
			return true;
	return false;
}

struct applying {
	struct visitor v; /* first: the visitor is the whole */
	uint32_t leaf, subleaf;
	uint32_t in[XL_CPUID_NR_REGS], out[XL_CPUID_NR_REGS];
};

static void apply_begin(struct visitor *v, uint32_t nr)
{
	struct applying *a = (struct applying *)v;

	for (unsigned int r = 0; r < XL_CPUID_NR_REGS; r++)
		a->out[r] = a->in[r];
}

static void apply_rule(struct visitor *v, uint32_t i, const struct xl_cpuid_rule *r)
{
	struct applying *a = (struct applying *)v;

	cpu_rule_apply(r, a->leaf, a->subleaf, a->out);
}

bool policy_apply(const struct policy_table *t, uint32_t domain, uint32_t leaf, uint32_t subleaf,
		  uint32_t regs[XL_CPUID_NR_REGS])
{
	struct applying a = { .v = { apply_begin, apply_rule }, .leaf = leaf, .subleaf = subleaf };

	for (unsigned int r = 0; r < XL_CPUID_NR_REGS; r++)
		a.in[r] = regs[r];
	if (!read_policy(t, domain, &a.v))
		return false;
	for (unsigned int r = 0; r < XL_CPUID_NR_REGS; r++)
		regs[r] = a.out[r];
	return true;
}

struct getting {
	struct visitor v;
	unsigned char *buf;
	uint64_t size;
	uint32_t nr;
};

static void get_begin(struct visitor *v, uint32_t nr)
{
	((struct getting *)v)->nr = nr;
}

static void get_rule(struct visitor *v, uint32_t i, const struct xl_cpuid_rule *r)
{
	struct getting *g = (struct getting *)v;

	if (XL_CPU_POLICY_SIZE((uint64_t)i + 1) <= g->size)
		__builtin_memcpy(g->buf + XL_CPU_POLICY_SIZE(i), r, sizeof(*r));
}

int64_t policy_get(const struct policy_table *t, uint32_t domain, void *buf, uint64_t size)
{
	struct getting g = { .v = { get_begin, get_rule }, .buf = buf, .size = size };
	struct xl_cpu_policy_header h = { .magic = XL_CPU_POLICY_MAGIC, .version = XL_CPU_POLICY_VERSION };

	if (!read_policy(t, domain, &g.v))
		return -ENOENT;
	if (size < XL_CPU_POLICY_SIZE((uint64_t)g.nr))
		return -ENOSPC;
	h.nr_rules = g.nr;
	__builtin_memcpy(buf, &h, sizeof(h));
	return (int64_t)XL_CPU_POLICY_SIZE((uint64_t)g.nr);
}

bool policy_next_domain(const struct policy_table *t, unsigned int *cursor, uint32_t *domain)
{
	for (; *cursor < XL_CPU_POLICY_MAX_DOMAINS; (*cursor)++) {
		uint64_t owner = __atomic_load_n(&t->slot[*cursor].owner, __ATOMIC_ACQUIRE);

		if (owner) {
			*domain = (uint32_t)(owner - 1);
			(*cursor)++;
			return true;
		}
	}
	return false;
}
