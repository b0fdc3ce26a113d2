/*
 * bystander: runs for about 3 seconds of TSC time (start_info.tsc_khz),
 * recomputing a checksum over a 1 MiB buffer it filled at the start and
 * comparing it with the first one, printing "still running, N checks" every
 * ~500 ms; then PASS with the number of checks. Started next to guests that
 * are killed (wild_access, triple_fault) on other CPUs: their end must not
 * disturb it. Needs mem= of at least 4M. With forever=1 on its command line
 * it never ends and says "bystander: ok N" every ~500 ms instead (next to a
 * fault campaign: dom0's xl_test=fault_campaign). Either way a changed
 * buffer is "FAIL: bystander: ..." and a crash.
 */
#include "guest.h"

#define RUN_MS 3000
#define PROGRESS_MS 500
#define BUF_SIZE (1024 * 1024)
#define SEED 0xb1577a7de5ca1e01ul

static uint64_t checksum(const uint64_t *w, size_t words)
{
	uint64_t s = 0xcbf29ce484222325ul;

	for (size_t i = 0; i < words; i++)
		s = (s ^ w[i]) * 0x100000001b3ul;
	return s;
}

static void report_damage(const uint64_t *w, size_t words, unsigned long checks)
{
	struct prng r = { SEED };

	for (size_t i = 0; i < words; i++) {
		uint64_t v = prng_next(&r);

		if (w[i] != v)
			fail("bystander: buffer changed after %lu checks: word at 0x%lx is 0x%lx, was 0x%lx",
			     checks, (uint64_t)(uintptr_t)&w[i], w[i], v);
	}
	fail("bystander: checksum changed after %lu checks, but no word differs", checks);
}

void guest_main(const struct xl_start_info *si)
{
	const size_t words = BUF_SIZE / 8;
	uint64_t *buf = alloc_pages(BUF_SIZE, PAGE_4K);
	struct prng r = { SEED };
	unsigned long checks = 0;
	char forever[4];
	bool endless = cmdline_get("forever", forever, sizeof(forever)) && forever[0] == '1';

	CHECK(si->tsc_khz != 0, "tsc_khz is 0");
	for (size_t i = 0; i < words; i++)
		buf[i] = prng_next(&r);
	const uint64_t sum = checksum(buf, words);
	const uint64_t ms = si->tsc_khz, start = rdtsc();
	uint64_t now = start, next = start + PROGRESS_MS * ms;

	if (endless)
		gprintf("bystander: 1 MiB at 0x%lx, checksum 0x%lx, running until destroyed\n",
			(uint64_t)(uintptr_t)buf, sum);
	else
		gprintf("bystander: 1 MiB at 0x%lx, checksum 0x%lx, running %d ms\n", (uint64_t)(uintptr_t)buf,
			sum, RUN_MS);
	while (endless || now - start < RUN_MS * ms) {
		if (checksum(buf, words) != sum)
			report_damage(buf, words, checks);
		checks++;
		uint64_t t = rdtsc();

		CHECK(t >= now, "TSC went backwards: 0x%lx after 0x%lx", t, now);
		now = t;
		if (now >= next) {
			if (endless)
				gprintf("bystander: ok %lu\n", checks);
			else
				gprintf("bystander: still running, %lu checks\n", checks);
			next += PROGRESS_MS * ms;
		}
	}
	pass("bystander: %lu checks of a 1 MiB buffer in %lu ms", checks, tsc_ms(now - start));
}
