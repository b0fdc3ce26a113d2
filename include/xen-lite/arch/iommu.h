/*
 * The IOMMU drivers this architecture has (iommu/), for the core's IOMMU
 * code (xen-lite/iommu.c), which asks each in turn to probe.
 */
#ifndef XEN_LITE_ARCH_IOMMU_H
#define XEN_LITE_ARCH_IOMMU_H

#include <xen-lite/iommu_driver.h>

/* The drivers, NULL-terminated, in the order they are tried. */
const struct iommu_driver *const *arch_iommu_drivers(void);

#endif
