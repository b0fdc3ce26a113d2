/*
 * obliging: waits for dom0's shutdown request (xl-lite shutdown), asking
 * with XL_SHUTDOWN_QUERY every 10 ms, then says so and powers off. The
 * query must answer 0 until dom0 asks; a first answer of 1, or any other
 * value, is a failure.
 */
#include "guest.h"

static void wait_ms(const struct xl_start_info *si, uint64_t ms)
{
	uint64_t end = rdtsc() + ms * si->tsc_khz;

	while (rdtsc() < end)
		cpu_relax();
}

void guest_main(const struct xl_start_info *si)
{
	long answer = hc_shutdown(XL_SHUTDOWN_QUERY, 0);
	unsigned long polls = 1;

	CHECK(answer == 0, "a shutdown request before anyone asked (%ld)", answer);
	gprintf("obliging: waiting for a shutdown request\n");
	while ((answer = hc_shutdown(XL_SHUTDOWN_QUERY, 0)) == 0) {
		polls++;
		wait_ms(si, 10);
	}
	CHECK(answer == 1, "XL_SHUTDOWN_QUERY answered %ld", answer);
	gprintf("obliging: shutdown requested after %lu queries; powering off\n", polls);
	shutdown(XL_SHUTDOWN_POWEROFF, 0);
}
