/*
 * bench: cycle costs, measured with RDTSC (after LFENCE): the average of
 * 2000 iterations, best of 3 runs after a warm-up, of
 *   (a) an empty loop iteration,
 *   (b) a null hypercall (XL_HC_VERSION(XL_VERSION_ABI)),
 *   (c) CPUID leaf 0 (an intercepted instruction: a full exit).
 * One line "bench: loop N cycles, null hypercall N cycles, cpuid exit N
 * cycles (tsc N kHz)" (the only line containing "bench: "), then PASS.
 * Figures, not assertions (only that the hypercall answers correctly).
 */
#include "guest.h"

#define ITERS 2000
#define RUNS 3

enum kind { LOOP, HYPERCALL, CPUID };

static __attribute__((noinline)) uint64_t run(enum kind k, unsigned int iters)
{
	uint64_t t0 = rdtsc_ordered();

	switch (k) {
	case LOOP:
		for (unsigned int i = 0; i < iters; i++)
			__asm__ volatile("" ::: "memory");
		break;
	case HYPERCALL:
		for (unsigned int i = 0; i < iters; i++)
			if (hc_version(XL_VERSION_ABI) != XL_ABI_VERSION)
				fail("bench: XL_HC_VERSION(ABI) answered wrongly");
		break;
	case CPUID:
		for (unsigned int i = 0; i < iters; i++)
			cpuid(0, 0);
		break;
	}
	return (rdtsc_ordered() - t0) / iters;
}

static uint64_t best(enum kind k)
{
	uint64_t m = ~0ul;

	run(k, 100); /* warm-up */
	for (int r = 0; r < RUNS; r++) {
		uint64_t c = run(k, ITERS);

		if (c < m)
			m = c;
	}
	return m;
}

void guest_main(const struct xl_start_info *si)
{
	uint64_t loop = best(LOOP), hc = best(HYPERCALL), cp = best(CPUID);

	gprintf("bench: loop %lu cycles, null hypercall %lu cycles, cpuid exit %lu cycles (tsc %lu kHz)\n", loop,
		hc, cp, si->tsc_khz);
	pass("figures from the best of %d runs of %d iterations each", RUNS, ITERS);
}
