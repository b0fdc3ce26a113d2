/* One AMD-Vi event log entry, decoded (iommu/amd_vi_event.c). */
#ifndef IOMMU_AMD_VI_EVENT_H
#define IOMMU_AMD_VI_EVENT_H

#include <xen-lite/iommu_driver.h>

#define AMD_VI_EVENT_BYTES 16

/* false for an empty slot (no event code: not written yet); f->segment is left to the caller */
bool amd_vi_event_decode(const uint32_t e[4], struct iommu_fault *f);

#endif
