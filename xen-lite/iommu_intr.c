/*
 * Interrupt remapping entries for guests' devices (include/xen-lite/iommu.h):
 * what a device model asks for when a guest programs an MSI. A service of
 * the core that the architecture's device models call (scripts/layers.py).
 */
#include <xen-lite/errno.h>
#include <xen-lite/iommu.h>

int iommu_intr_set(uint16_t segment, uint16_t bdf, unsigned int index, uint32_t dest, uint8_t vector,
		   struct iommu_msi *msg)
{
	const struct iommu_driver *driver = iommu_active_driver();

	if (!driver)
		return -ENXIO;
	return driver->intr_set ? driver->intr_set(segment, bdf, index, dest, vector, msg) : -ENOSYS;
}
