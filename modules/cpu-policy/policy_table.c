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

/* A policy's rules, as policy_set() takes them. */
struct rules {
	const struct xl_cpuid_rule *cpuid;
	uint32_t nr;
	const struct xl_msr_rule *msr;
	uint32_t nr_msr;
};

static void write_copy(struct policy_copy *c, const struct rules *r)
{
	for (uint32_t i = 0; i < r->nr; i++) {
		STORE(&c->rule[i].leaf, r->cpuid[i].leaf);
		STORE(&c->rule[i].subleaf, r->cpuid[i].subleaf);
		STORE(&c->rule[i].reg, r->cpuid[i].reg);
		STORE(&c->rule[i].and_mask, r->cpuid[i].and_mask);
		STORE(&c->rule[i].or_mask, r->cpuid[i].or_mask);
	}
	STORE(&c->nr_rules, r->nr);
	for (uint32_t i = 0; i < r->nr_msr; i++) {
		STORE(&c->msr[i].msr, r->msr[i].msr);
		STORE(&c->msr[i].action, r->msr[i].action);
		STORE(&c->msr[i].and_lo, r->msr[i].and_lo);
		STORE(&c->msr[i].and_hi, r->msr[i].and_hi);
		STORE(&c->msr[i].or_lo, r->msr[i].or_lo);
		STORE(&c->msr[i].or_hi, r->msr[i].or_hi);
	}
	STORE(&c->nr_msr_rules, r->nr_msr);
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
static void latch_write(struct policy_slot *s, const struct rules *r)
{
	uint32_t seq = LOAD(&s->seq);

	for (unsigned int half = 0; half < 2; half++) {
		bump(s, &seq);
		write_copy(&s->copy[(seq + 1) & 1], r);
	}
}

int policy_set(struct policy_table *t, uint32_t domain, const struct xl_cpuid_rule *rules, uint32_t nr,
	       const struct xl_msr_rule *msr, uint32_t nr_msr)
{
	struct rules r = { rules, nr > XL_CPU_POLICY_MAX_RULES ? XL_CPU_POLICY_MAX_RULES : nr, msr,
			   nr_msr > XL_CPU_POLICY_MAX_MSR_RULES ? XL_CPU_POLICY_MAX_MSR_RULES : nr_msr };
	uint64_t key = key_of(domain);
	struct policy_slot *s = find_slot(t, key);
	bool claimed = false;

	if (!s) {
		s = find_slot(t, 0);
		claimed = true;
	}
	if (!s)
		return -ENOSPC;
	latch_write(s, &r);
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

/*
 * What a read of a slot does with what it reads; begin() again when it
 * reads again. A NULL rule or msr: that kind of rule is not read (the
 * CPUID hook has no use for MSR rules, nor the MSR hooks for CPUID rules).
 */
struct visitor {
	void (*begin)(struct visitor *v, uint32_t nr, uint32_t nr_msr);
	void (*rule)(struct visitor *v, uint32_t i, const struct xl_cpuid_rule *r);
	void (*msr)(struct visitor *v, uint32_t i, const struct xl_msr_rule *r);
};

/* A copy's CPUID rules through v (nr of them, bounded by the caller). */
static void read_cpuid_rules(const struct policy_copy *c, uint32_t nr, struct visitor *v)
{
	for (uint32_t i = 0; v->rule && i < nr; i++) {
		struct xl_cpuid_rule r = {
			.leaf = LOAD(&c->rule[i].leaf),
			.subleaf = LOAD(&c->rule[i].subleaf),
			.reg = LOAD(&c->rule[i].reg),
			.and_mask = LOAD(&c->rule[i].and_mask),
			.or_mask = LOAD(&c->rule[i].or_mask),
		};

		v->rule(v, i, &r);
	}
}

static void read_msr_rules(const struct policy_copy *c, uint32_t nr, struct visitor *v)
{
	for (uint32_t i = 0; v->msr && i < nr; i++) {
		struct xl_msr_rule r = {
			.msr = LOAD(&c->msr[i].msr),
			.action = LOAD(&c->msr[i].action),
			.and_lo = LOAD(&c->msr[i].and_lo),
			.and_hi = LOAD(&c->msr[i].and_hi),
			.or_lo = LOAD(&c->msr[i].or_lo),
			.or_hi = LOAD(&c->msr[i].or_hi),
		};

		v->msr(v, i, &r);
	}
}

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
		uint32_t nr, nr_msr;

		seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
		c = &s->copy[seq & 1];
		nr = LOAD(&c->nr_rules);
		nr_msr = LOAD(&c->nr_msr_rules);
		/* never written so; bounds all the same */
		if (nr > XL_CPU_POLICY_MAX_RULES)
			nr = XL_CPU_POLICY_MAX_RULES;
		if (nr_msr > XL_CPU_POLICY_MAX_MSR_RULES)
			nr_msr = XL_CPU_POLICY_MAX_MSR_RULES;
		v->begin(v, nr, nr_msr);
		read_cpuid_rules(c, nr, v);
		read_msr_rules(c, nr_msr, v);
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

static void apply_begin(struct visitor *v, uint32_t nr, uint32_t nr_msr)
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
	struct applying a = { .v = { apply_begin, apply_rule, NULL }, .leaf = leaf, .subleaf = subleaf };

	for (unsigned int r = 0; r < XL_CPUID_NR_REGS; r++)
		a.in[r] = regs[r];
	if (!read_policy(t, domain, &a.v))
		return false;
	for (unsigned int r = 0; r < XL_CPUID_NR_REGS; r++)
		regs[r] = a.out[r];
	return true;
}

struct finding {
	struct visitor v;
	uint32_t msr;
	bool found;
	struct xl_msr_rule rule;
};

static void find_begin(struct visitor *v, uint32_t nr, uint32_t nr_msr)
{
	((struct finding *)v)->found = false;
}

static void find_msr(struct visitor *v, uint32_t i, const struct xl_msr_rule *r)
{
	struct finding *f = (struct finding *)v;

	if (r->msr == f->msr) {
		f->rule = *r;
		f->found = true;
	}
}

bool policy_msr_rule(const struct policy_table *t, uint32_t domain, uint32_t msr, struct xl_msr_rule *out)
{
	struct finding f = { .v = { find_begin, NULL, find_msr }, .msr = msr };

	if (!read_policy(t, domain, &f.v) || !f.found)
		return false;
	*out = f.rule;
	return true;
}

struct getting {
	struct visitor v;
	unsigned char *buf;
	uint64_t size;
	uint32_t nr, nr_msr;
};

static void get_begin(struct visitor *v, uint32_t nr, uint32_t nr_msr)
{
	((struct getting *)v)->nr = nr;
	((struct getting *)v)->nr_msr = nr_msr;
}

static void get_rule(struct visitor *v, uint32_t i, const struct xl_cpuid_rule *r)
{
	struct getting *g = (struct getting *)v;

	if (XL_CPU_POLICY_SIZE((uint64_t)i + 1) <= g->size)
		__builtin_memcpy(g->buf + XL_CPU_POLICY_SIZE(i), r, sizeof(*r));
}

static void get_msr(struct visitor *v, uint32_t i, const struct xl_msr_rule *r)
{
	struct getting *g = (struct getting *)v;

	if (XL_CPU_POLICY_SIZE2((uint64_t)g->nr, (uint64_t)i + 1) <= g->size)
		__builtin_memcpy(g->buf + XL_CPU_POLICY_SIZE2(g->nr, i), r, sizeof(*r));
}

int64_t policy_get(const struct policy_table *t, uint32_t domain, void *buf, uint64_t size)
{
	struct getting g = { .v = { get_begin, get_rule, get_msr }, .buf = buf, .size = size };
	struct xl_cpu_policy_header h = { .magic = XL_CPU_POLICY_MAGIC };
	uint64_t len;

	if (!read_policy(t, domain, &g.v))
		return -ENOENT;
	len = XL_CPU_POLICY_SIZE2((uint64_t)g.nr, (uint64_t)g.nr_msr);
	if (size < len)
		return -ENOSPC;
	/* without MSR rules, version 1: what a reader of that version takes */
	h.version = g.nr_msr ? XL_CPU_POLICY_VERSION : XL_CPU_POLICY_VERSION_1;
	h.nr_rules = g.nr;
	h.nr_msr_rules = g.nr_msr;
	__builtin_memcpy(buf, &h, sizeof(h));
	return (int64_t)len;
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
