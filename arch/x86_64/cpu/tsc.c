/* TSC frequency determination and time since boot (see arch/tsc.h). */
#include <arch/cpu.h>
#include <arch/tsc.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/log.h>

#define PIT_HZ 1193182
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61
#define PM_TIMER_HZ 3579545
#define CALIBRATE_MS 20
#define FALLBACK_KHZ 2000000

static uint64_t boot_tsc;
static uint64_t khz;

void tsc_mark_boot(void)
{
	boot_tsc = rdtsc();
}

uint64_t tsc_khz(void)
{
	return khz;
}

uint64_t arch_tsc_khz(void)
{
	return khz;
}

uint64_t arch_tsc(void)
{
	return rdtsc();
}

uint64_t time_since_boot_us(void)
{
	return khz ? (rdtsc() - boot_tsc) * 1000 / khz : 0;
}

void udelay(uint64_t us)
{
	uint64_t start = rdtsc(), ticks = us * (khz ? khz : FALLBACK_KHZ) / 1000;

	while (rdtsc() - start < ticks)
		cpu_relax();
}

/* Intel's crystal-clock leaves; AMD CPUs (and TCG) report nothing here. */
static uint64_t khz_from_cpuid(void)
{
	struct cpuid_regs r;

	if (cpuid(0).eax < 0x15)
		return 0;
	r = cpuid(0x15);
	if (r.eax && r.ebx && r.ecx)
		return (uint64_t)r.ecx * r.ebx / r.eax / 1000;
	if (cpuid(0).eax >= 0x16 && (cpuid(0x16).eax & 0xffff))
		return (uint64_t)(cpuid(0x16).eax & 0xffff) * 1000;
	return 0;
}

/* Count TSC ticks while PIT channel 2 counts down CALIBRATE_MS in mode 0. */
static uint64_t khz_from_pit(void)
{
	uint32_t count = PIT_HZ * CALIBRATE_MS / 1000;
	uint64_t start, end, spins = 0;

	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(PIT_CMD, 0xB0); /* channel 2, lobyte/hibyte, mode 0 */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	start = rdtsc();
	while (!(inb(PIT_GATE) & 0x20)) {
		if (++spins > 200000000)
			return 0; /* no PIT: OUT never went high */
	}
	end = rdtsc();
	if (spins < 10)
		return 0; /* OUT was high at once: not a working PIT */
	return (end - start) / CALIBRATE_MS;
}

static uint32_t pm_timer_read(uint32_t port, uint32_t mask)
{
	return inl((uint16_t)port) & mask;
}

static uint64_t khz_from_pm_timer(uint32_t port, bool wide)
{
	uint32_t mask = wide ? 0xffffffffu : 0xffffffu;
	uint32_t target = PM_TIMER_HZ / 1000 * CALIBRATE_MS, t0, elapsed = 0;
	uint64_t start;

	t0 = pm_timer_read(port, mask);
	start = rdtsc();
	for (uint64_t spins = 0; elapsed < target; spins++) {
		elapsed = (pm_timer_read(port, mask) - t0) & mask;
		if (spins > 200000000)
			return 0;
	}
	return (rdtsc() - start) * PM_TIMER_HZ / elapsed / 1000;
}

uint64_t tsc_init(uint64_t override_khz, uint32_t pm_timer_port, bool pm_timer_32bit)
{
	const char *source = "tsc_khz=";

	khz = override_khz;
	if (!khz && (khz = khz_from_cpuid()))
		source = "CPUID";
	if (!khz && (khz = khz_from_pit()))
		source = "PIT";
	if (!khz && pm_timer_port && (khz = khz_from_pm_timer(pm_timer_port, pm_timer_32bit)))
		source = "ACPI PM timer";
	if (!khz) {
		log_warn("tsc: no way to measure the TSC frequency, assuming %u MHz\n",
			 FALLBACK_KHZ / 1000);
		khz = FALLBACK_KHZ;
		source = "fallback";
	}
	log_info("tsc: %llu.%03llu MHz (%s), invariant: %s\n", (unsigned long long)(khz / 1000),
		 (unsigned long long)(khz % 1000), source,
		 cpuid(0x80000000).eax >= 0x80000007 && (cpuid(0x80000007).edx & (1u << 8)) ? "yes" : "no");
	return khz;
}
