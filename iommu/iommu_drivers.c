/* The IOMMU drivers of x86_64 nodes, in the order iommu_init() tries them. */
#include <xen-lite/arch/iommu.h>

static const struct iommu_driver *const drivers[] = {
	&amd_vi_driver,
	&vtd_driver,
	NULL,
};

const struct iommu_driver *const *arch_iommu_drivers(void)
{
	return drivers;
}
