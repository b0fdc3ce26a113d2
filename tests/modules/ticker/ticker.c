/*
 * ticker: the tests' check of the periodic tick hook (xl_hook_tick). It
 * counts each CPU's ticks and the shortest gap between two of them, and
 * says so when it is unloaded: the gap must never be shorter than the
 * period. It also says when a guest's vCPU starts and stops on its CPU
 * (the vCPU lifecycle hooks), from that CPU.
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

static void vcpu_started(uint32_t domain_id, uint32_t vcpu_id, uint32_t cpu)
{
	xl_log(LOG_INFO, "ticker: d%u vcpu %u started on CPU %u (hook on CPU %u)\n", domain_id, vcpu_id,
	       cpu, xl_cpu_index());
}

static void vcpu_stopped(uint32_t domain_id, uint32_t vcpu_id, uint32_t cpu)
{
	xl_log(LOG_INFO, "ticker: d%u vcpu %u stopped on CPU %u (hook on CPU %u)\n", domain_id, vcpu_id,
	       cpu, xl_cpu_index());
}

static int start(const char *args)
{
	static const struct xl_domain_hooks vcpus = { .vcpu_started = vcpu_started,
						      .vcpu_stopped = vcpu_stopped };
	int err = xl_hook_tick(tick, PERIOD_US);

	return err ? err : xl_hook_domains(&vcpus);
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
