/*
 * DMA faults: what the IOMMUs blocked, collected from the drivers' fault
 * logs, counted on the domain whose device it was (d->dma_faults) and
 * logged - a few lines a second at most, so that a device stuck in a loop
 * of bad DMA cannot flood the console; the rest are summed in one line.
 */
#include <xen-lite/arch/time.h>
#include <xen-lite/domain.h>
#include <xen-lite/iommu.h>
#include <xen-lite/log.h>
#include <xen-lite/pci_devices.h>
#include <xen-lite/spinlock.h>

#define POLL_INTERVAL_US 5000
#define LOG_BURST 5 /* lines logged per second at most */

static spinlock_t poll_lock;
static uint64_t last_poll_us, window_start_us, total;
static unsigned int logged_in_window;
static uint64_t unlogged;

static void new_window(uint64_t now)
{
	if (now - window_start_us < 1000000)
		return;
	if (unlogged)
		log_warn("iommu: %llu more DMA fault(s) not logged\n", (unsigned long long)unlogged);
	window_start_us = now;
	logged_in_window = 0;
	unlogged = 0;
}

static void report(const struct iommu_fault *f, void *ctx)
{
	char owner[DOMAIN_NAME_MAX];

	__atomic_add_fetch(&total, 1, __ATOMIC_RELAXED);
	pci_device_fault(f->segment, f->bdf, f->addr, owner, sizeof(owner)); /* counted, maybe crashed */
	new_window(*(const uint64_t *)ctx);
	if (logged_in_window++ >= LOG_BURST) {
		unlogged++;
		return;
	}
	log_warn("iommu: DMA %s blocked: device %04x:%02x:%02x.%u, address %#llx, domain %s (%s)\n",
		 f->write ? "write" : "access", f->segment, f->bdf >> 8, (f->bdf >> 3) & 0x1f, f->bdf & 7,
		 (unsigned long long)f->addr, owner, f->what);
}

void iommu_poll_faults(bool now)
{
	const struct iommu_driver *drv = iommu_active_driver();
	uint64_t t = time_since_boot_us();

	if (!drv || (!now && t - last_poll_us < POLL_INTERVAL_US))
		return;
	if (!spin_trylock(&poll_lock))
		return; /* another CPU is collecting them */
	last_poll_us = t;
	drv->poll_faults(report, &t);
	new_window(t);
	spin_unlock(&poll_lock);
}

uint64_t iommu_faults_total(void)
{
	return __atomic_load_n(&total, __ATOMIC_RELAXED);
}
