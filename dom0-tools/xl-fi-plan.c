/* A campaign's injections drawn from its seed (see xl-fi-plan.h). */
#include <string.h>

#include "xl-fi-plan.h"

uint64_t xl_fi_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t xl_fi_random_below(uint64_t *state, uint64_t n)
{
	/* the high half of a 128-bit product: every value equally likely but for 2^-64 */
	return (uint64_t)(((unsigned __int128)xl_fi_random(state) * n) >> 64);
}

int xl_fi_plan_start(struct xl_fi_plan *p, const struct xl_fi_campaign *c, const struct xl_fi_target_facts *t)
{
	memset(p, 0, sizeof(*p));
	p->c = c;
	p->rng = c->seed;
	for (uint32_t k = 0; k < XL_FI_NR_KINDS; k++)
		p->total_weight += c->weight[k];
	p->nr_vcpus = t->nr_vcpus ? t->nr_vcpus : 1;
	if (c->have_mem) {
		p->mem_start = c->mem_start;
		p->mem_end = c->mem_end;
	} else {
		p->mem_end = t->mem_bytes < XL_FI_LOW_RAM_END ? t->mem_bytes : XL_FI_LOW_RAM_END;
	}
	return p->mem_start < p->mem_end && p->total_weight ? 0 : -1;
}

static uint32_t draw_kind(struct xl_fi_plan *p)
{
	uint64_t at = xl_fi_random_below(&p->rng, p->total_weight);
	uint32_t k = 0;

	while (k + 1 < XL_FI_NR_KINDS && at >= p->c->weight[k])
		at -= p->c->weight[k++];
	return k;
}

void xl_fi_plan_next(struct xl_fi_plan *p, struct xl_fi_shot *s)
{
	memset(s, 0, sizeof(*s));
	s->index = ++p->drawn;
	s->kind = draw_kind(p);
	switch (s->kind) {
	case XL_FI_MEM_FLIP:
		s->addr = p->mem_start + xl_fi_random_below(&p->rng, p->mem_end - p->mem_start);
		s->bit = (uint32_t)xl_fi_random_below(&p->rng, 8);
		return;
	case XL_FI_REG_FLIP:
		s->vcpu = (uint32_t)xl_fi_random_below(&p->rng, p->nr_vcpus);
		s->reg = (uint32_t)xl_fi_random_below(&p->rng, XL_FI_NR_GPRS);
		s->bit = (uint32_t)xl_fi_random_below(&p->rng, 64);
		break;
	case XL_FI_HC_FAIL:
		s->match = p->c->hypercall;
		s->value = p->c->error;
		break;
	case XL_FI_IO_CORRUPT:
		s->match = p->c->port;
		s->value = 1u << xl_fi_random_below(&p->rng, 8);
		break;
	default:
		break;
	}
	s->count = p->c->count;
}
