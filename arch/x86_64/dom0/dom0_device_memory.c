/*
 * dom0's device memory above its identity map (arch/dom0_devices.h).
 * dom0_start() maps the machine at the same addresses up to gpa_top - the end
 * of the firmware's memory map rounded up, at least 4 GiB - but a UEFI
 * firmware puts 64-bit BARs in a window far above RAM (OVMF with 2 GiB:
 * 0xe000000000), and Linux may move them. Nothing above gpa_top is RAM, so
 * what dom0 touches there is a device's: the largest block around it that
 * holds none of the IOMMUs' registers (the hypervisor's) is mapped on the
 * first touch, and the access is retried.
 */
#include <arch/dom0_devices.h>
#include <arch/platform.h>
#include <arch/vdev.h>
#include <arch/vmm.h>
#include <xen-lite/acpi.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>
#include <xen-lite/spinlock.h>

/* dom0's vCPUs may fault on the same block at once: one of them maps it */
static spinlock_t map_lock = SPINLOCK_INIT;
static unsigned long long blocks_mapped;
/* the IOMMUs' registers, read from the ACPI tables once, before dom0 runs */
static struct acpi_iommu_region iommus[16];
static unsigned int nr_iommus;

static const uint64_t block_sizes[] = { SIZE_1G, SIZE_2M, PAGE_SIZE };

static bool holds_iommu_registers(uint64_t start, uint64_t size)
{
	for (unsigned int i = 0; i < nr_iommus; i++)
		if (iommus[i].base < start + size && start < iommus[i].base + iommus[i].size)
			return true;
	return false;
}

static bool map_device_memory(struct vcpu *v, gpa_t at, void *opaque)
{
	struct domain *d = v->domain;
	uint64_t gpa = gpa_addr(at), flags;
	bool mapped = false;

	(void)opaque;
	if (gpa < d->gpa_top)
		return false;
	flags = spin_lock_irqsave(&map_lock);
	for (unsigned int i = 0; i < ARRAY_SIZE(block_sizes) && !mapped; i++) {
		uint64_t size = block_sizes[i], start = ALIGN_DOWN(gpa, size);
		int err;

		if (start < d->gpa_top || holds_iommu_registers(start, size))
			continue;
		err = vmm->map(d, gpa_init(start), hpa_init(start), size);
		/* part of the block is mapped already: a smaller one; the page itself: another vCPU's */
		mapped = !err || (err == -EEXIST && size == PAGE_SIZE);
		if (!err && !blocks_mapped++)
			log_info("dom0: device memory above %#llx is mapped as dom0 first reaches it "
				 "(first: %llu KiB at %#llx)\n",
				 (unsigned long long)d->gpa_top, (unsigned long long)(size >> 10),
				 (unsigned long long)start);
	}
	spin_unlock_irqrestore(&map_lock, flags);
	return mapped;
}

int dom0_device_memory_init(struct domain *d)
{
	nr_iommus = acpi_iommu_regions(platform_direct_map, NULL, platform_acpi(), iommus, ARRAY_SIZE(iommus));
	return vdev_unmapped_register(d, map_device_memory, NULL);
}
