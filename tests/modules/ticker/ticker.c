/*
 * ticker: the tests' check of the periodic tick hook (xl_hook_tick). It
 * counts each CPU's ticks and the shortest gap between two of them, and
 * says so when it is unloaded: the gap must never be shorter than the
 * period.
 */
#include <xen-lite/errno.h>
#include <xen-lite/module.h>

#define PERIOD_US 50000
#define MAX_TICK_CPUS 64

static struct {
	uint64_t ticks, last, shortest;
} cpus[MAX_TICK_CPUS];

/* Runs on cpu itself only: its entry is its own. */
static void tick(uint32_t cpu, uint64_t tsc)
{
	if (cpu >= MAX_TICK_CPUS)
		return;
	if (cpus[cpu].ticks && (!cpus[cpu].shortest || tsc - cpus[cpu].last < cpus[cpu].shortest))
		cpus[cpu].shortest = tsc - cpus[cpu].last;
	cpus[cpu].last = tsc;
	cpus[cpu].ticks++;
}

static int start(const char *args)
{
	return xl_hook_tick(tick, PERIOD_US);
}

static void stop(void)
{
	uint64_t khz = xl_tsc_khz();

	for (unsigned int c = 0; c < MAX_TICK_CPUS; c++)
		if (cpus[c].ticks)
			xl_log(LOG_INFO, "ticker: cpu %u: %llu ticks, shortest gap %llu us (period %u us)\n", c,
			       (unsigned long long)cpus[c].ticks,
			       (unsigned long long)(khz ? cpus[c].shortest * 1000 / khz : 0), PERIOD_US);
}

XL_MODULE("ticker", "1.0", start, stop, NULL);
