/*
 * Interrupt remapping entries (include/xen-lite/iommu.h): what a device
 * model asks for when a guest programs an MSI, or when dom0 programs one of
 * its sources on an IOMMU that blocks compatibility-format interrupts. A
 * service of the core that the architecture's device models call
 * (scripts/layers.py).
 */
#include <xen-lite/errno.h>
#include <xen-lite/iommu.h>

int iommu_intr_set(uint16_t segment, uint16_t sid, unsigned int index, const struct iommu_intr_target *t,
		   struct iommu_msi *msg)
{
	const struct iommu_driver *driver = iommu_active_driver();

	if (!driver)
		return -ENXIO;
	return driver->intr_set ? driver->intr_set(segment, sid, index, t, msg) : -ENOSYS;
}

bool iommu_dom0_intr_remapped(void)
{
	const struct iommu_driver *driver = iommu_active_driver();

	return driver && driver->intr_blocks_compat && driver->intr_blocks_compat();
}
