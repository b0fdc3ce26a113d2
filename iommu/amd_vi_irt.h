/*
 * AMD-Vi interrupt remapping tables (iommu/amd_vi_irt.c): one per device a
 * guest has. A fixed or arbitrated interrupt the device sends carries in its
 * data word the index of an entry (bits 10:0; bits 10:8 are also its message
 * type, so only indexes below 512 are fixed or arbitrated ones); the unit
 * delivers what the entry says, or nothing when the entry is off.
 */
#ifndef IOMMU_AMD_VI_IRT_H
#define IOMMU_AMD_VI_IRT_H

#include <xen-lite/types.h>

#define AMD_VI_IRT_ENTRIES 512 /* 2^9: IntTabLen 9 */
#define AMD_VI_IRT_LEN_FIELD 9
#define AMD_VI_IRT_BYTES (AMD_VI_IRT_ENTRIES * 4)

/*
 * A 32-bit entry (the format without guest mode): fixed delivery of vector
 * to APIC id dest in physical mode, or 0 (remapping off: the unit aborts
 * the interrupt) when vector is 0. Destinations above 255 need the 128-bit
 * format: none then (0).
 */
uint32_t amd_vi_irte_compose(uint32_t dest, uint8_t vector);

/* Word 2 of a device table entry whose interrupts go through the table at irt (host-physical). */
uint64_t amd_vi_dte_intr_remapped(uint64_t irt);

#endif
