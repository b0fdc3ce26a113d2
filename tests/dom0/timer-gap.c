/*
 * dom0 keeps its timer interrupts while it exits to the hypervisor as fast
 * as it can. A 1 ms periodic timerfd is polled while the loop runs CPUID
 * (intercepted for dom0: one exit each) and, every 50 ms, sleeps 1 ms (dom0
 * halts natively, waiting for its local APIC timer). A timer interrupt
 * that is lost leaves every hrtimer of dom0's CPU stopped until some other
 * interrupt arrives: the timerfd then stops expiring while CLOCK_MONOTONIC
 * (read from the HPET) goes on. Prints the exits, the timer expirations and
 * the longest gap between two of them:
 *
 *   timer-gap: N exits, E expirations, longest gap G ms
 *
 *   timer-gap [SECONDS]   (default 20)
 */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 20;
	struct itimerspec period = { { 0, 1000000 }, { 0, 1000000 } };
	struct timespec nap = { 0, 1000000 };
	uint64_t start, end, last_expiry, next_nap, longest = 0, exits = 0, expirations = 0;
	unsigned int a, b, c, d;
	int fd;

	if (seconds <= 0) {
		fprintf(stderr, "timer-gap: SECONDS must be positive\n");
		return 2;
	}
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	if (fd < 0 || timerfd_settime(fd, 0, &period, NULL)) {
		perror("timer-gap: timerfd");
		return 1;
	}
	start = now_ns();
	end = start + (uint64_t)seconds * 1000000000ull;
	last_expiry = start;
	next_nap = start + 50000000ull;
	for (uint64_t t = start; t < end; t = now_ns()) {
		uint64_t n;

		for (int i = 0; i < 64; i++, exits++)
			__cpuid(0, a, b, c, d);
		if (read(fd, &n, sizeof(n)) == (ssize_t)sizeof(n)) {
			expirations += n;
			t = now_ns();
			if (t - last_expiry > longest)
				longest = t - last_expiry;
			last_expiry = t;
		}
		if (t >= next_nap) {
			nanosleep(&nap, NULL);
			next_nap = now_ns() + 50000000ull;
		}
	}
	if (end > last_expiry && end - last_expiry > longest)
		longest = end - last_expiry;
	printf("timer-gap: %llu exits, %llu expirations, longest gap %llu ms\n", (unsigned long long)exits,
	       (unsigned long long)expirations, (unsigned long long)(longest / 1000000));
	return 0;
}
