/* The grants table (see intro_grants.h). */
#include <xen-lite/errno.h>

#include "intro_grants.h"

static uint64_t key_of(uint32_t observer, uint32_t target)
{
	return (uint64_t)observer << 32 | target;
}

static uint64_t load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* The entry holding key, or -1. */
static int find(const struct intro_grants *g, uint64_t key)
{
	for (int i = 0; i < XL_INTRO_MAX_GRANTS; i++)
		if (load(&g->grant[i]) == key)
			return i;
	return -1;
}

int intro_grant_add(struct intro_grants *g, uint32_t observer, uint32_t target)
{
	uint64_t key = key_of(observer, target);

	if (!key)
		return -EINVAL; /* the free word */
	if (find(g, key) >= 0)
		return -EEXIST;
	for (int i = 0; i < XL_INTRO_MAX_GRANTS; i++) {
		uint64_t free_word = 0;

		if (__atomic_compare_exchange_n(&g->grant[i], &free_word, key, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return 0;
	}
	return -ENOSPC;
}

int intro_grant_remove(struct intro_grants *g, uint32_t observer, uint32_t target)
{
	uint64_t key = key_of(observer, target);
	int i = key ? find(g, key) : -1;

	/* the destroyed hook may clear it first: then it is gone all the same */
	if (i < 0 || !__atomic_compare_exchange_n(&g->grant[i], &key, 0, false, __ATOMIC_SEQ_CST,
						  __ATOMIC_SEQ_CST))
		return -ENOENT;
	return 0;
}

bool intro_grant_allows(const struct intro_grants *g, uint32_t observer, uint32_t target)
{
	uint64_t key = key_of(observer, target);

	return key && find(g, key) >= 0;
}

void intro_grant_drop_domain(struct intro_grants *g, uint32_t domain)
{
	for (int i = 0; i < XL_INTRO_MAX_GRANTS; i++) {
		uint64_t w = load(&g->grant[i]);

		if (w && ((uint32_t)(w >> 32) == domain || (uint32_t)w == domain))
			__atomic_compare_exchange_n(&g->grant[i], &w, 0, false, __ATOMIC_SEQ_CST,
						    __ATOMIC_SEQ_CST);
	}
}

uint32_t intro_grant_list(const struct intro_grants *g, struct xl_intro_grant *out, uint32_t max)
{
	uint32_t n = 0;

	for (int i = 0; i < XL_INTRO_MAX_GRANTS && n < max; i++) {
		uint64_t w = load(&g->grant[i]);

		if (!w)
			continue;
		out[n].observer = (uint32_t)(w >> 32);
		out[n].target = (uint32_t)w;
		n++;
	}
	return n;
}
