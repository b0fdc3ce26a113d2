/*
 * pause_probe: runs for about 3 s of TSC time watching for the longest gap
 * between two consecutive TSC reads. Started with pause_at=MS, the
 * hypervisor pauses the domain for GUEST_PAUSE_MS (1000 ms) and resumes it:
 * the guest cannot tell it was paused except by that gap, which it reports.
 * PASS when the run completes; the test checks the gap against the pause.
 */
#include "guest.h"

void guest_main(const struct xl_start_info *si)
{
	uint64_t khz = si->tsc_khz, start = rdtsc(), last = start, longest = 0;

	gprintf("pause_probe: watching the TSC for 3000 ms\n");
	console_flush();
	while (last - start < 3000 * khz) {
		uint64_t now = rdtsc();

		if (now - last > longest)
			longest = now - last;
		last = now;
	}
	pass("pause_probe: longest gap %llu ms", (unsigned long long)(longest / khz));
}
