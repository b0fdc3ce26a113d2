/*
 * obliging: waits for dom0's request to end (xl-lite shutdown or reboot),
 * asking with XL_SHUTDOWN_QUERY and XL_QUERY_REASON every 10 ms - which
 * also tells the hypervisor it takes reboot requests - then says so and
 * powers off or reboots as asked. The query must answer 0 until dom0 asks;
 * a first answer other than 0, or an answer that is neither a power off nor
 * a reboot, is a failure.
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
	long answer = hc_shutdown(XL_SHUTDOWN_QUERY, XL_QUERY_REASON);
	unsigned long polls = 1;

	CHECK(answer == 0, "a shutdown request before anyone asked (%ld)", answer);
	gprintf("obliging: waiting for a shutdown request\n");
	while ((answer = hc_shutdown(XL_SHUTDOWN_QUERY, XL_QUERY_REASON)) == 0) {
		polls++;
		wait_ms(si, 10);
	}
	CHECK(answer == XL_ASKED_POWEROFF || answer == XL_ASKED_REBOOT,
	      "XL_SHUTDOWN_QUERY answered %ld", answer);
	if (answer == XL_ASKED_REBOOT) {
		gprintf("obliging: reboot requested after %lu queries; rebooting\n", polls);
		shutdown(XL_SHUTDOWN_REBOOT, 0);
	}
	gprintf("obliging: shutdown requested after %lu queries; powering off\n", polls);
	shutdown(XL_SHUTDOWN_POWEROFF, 0);
}
