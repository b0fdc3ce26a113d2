/* dom0's checksummed buffer (see xl-fi-health.h). */
#include <stdlib.h>

#include "xl-fi-health.h"
#include "xl-fi-plan.h" /* xl_fi_random */

/* FNV-1a over words: any single bit flipped changes it. */
static uint64_t checksum(const volatile uint64_t *w, size_t n)
{
	uint64_t s = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		s = (s ^ w[i]) * 0x100000001b3ull;
	return s;
}

int xl_fi_health_start(struct xl_fi_health *h, size_t bytes, uint64_t seed)
{
	h->nr = bytes / sizeof(uint64_t) ? bytes / sizeof(uint64_t) : 1;
	h->words = malloc(h->nr * sizeof(uint64_t));
	if (!h->words)
		return -1;
	for (size_t i = 0; i < h->nr; i++)
		h->words[i] = xl_fi_random(&seed);
	h->sum = checksum(h->words, h->nr);
	return 0;
}

bool xl_fi_health_intact(const struct xl_fi_health *h)
{
	/* volatile: read from memory every time, not from what the compiler kept */
	return checksum((const volatile uint64_t *)h->words, h->nr) == h->sum;
}

void xl_fi_health_end(struct xl_fi_health *h)
{
	free(h->words);
	h->words = NULL;
}
