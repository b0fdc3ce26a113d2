/*
 * compute: two seconds (TSC time) of pure computation - no hypercalls, no I/O, no
 * interrupts - to show that a guest computing on its dedicated CPU takes no VM
 * exits: the hypervisor's exit counters for it must not move during that time
 * (checked from its "exits:" line; make bench prints it too).
 */
#include "guest.h"

void guest_main(const struct xl_start_info *si)
{
	uint64_t start = rdtsc(), end = start + si->tsc_khz * 2000, x = 88172645463325252ull;
	uint64_t rounds = 0;

	gprintf("compute: computing for 2000 ms\n");
	console_flush();
	while (rdtsc() < end) {
		for (int i = 0; i < 1000; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
		rounds++;
	}
	pass("compute: %llu rounds of 1000 xorshift steps (result %llx)", (unsigned long long)rounds,
	     (unsigned long long)x);
}
