/* An AMD-Vi device table entry, composed (iommu/amd_vi_dte.c). */
#ifndef IOMMU_AMD_VI_DTE_H
#define IOMMU_AMD_VI_DTE_H

#include <xen-lite/types.h>

#define AMD_VI_DTE_VALID (1ULL << 0)
#define AMD_VI_DTE_TRANSLATION_VALID (1ULL << 1)
#define AMD_VI_DTE_MODE_SHIFT 9
#define AMD_VI_DTE_INTR_MAP_VALID (1ULL << 0) /* in word 2 */
#define AMD_VI_DTE_INTCTL_SHIFT 60 /* in word 2: 00b target abort, 01b forward unmapped */

/*
 * The four words of an entry translating through a 4-level table at root
 * (host-physical) and tagged with domain id. interrupts: pass them as they
 * are (dom0's devices: dom0 programs their MSIs); otherwise every interrupt
 * the device sends is blocked - fixed and arbitrated ones target-aborted,
 * NMI, INIT, ExtINT and LINT not passed - so that a guest's device cannot
 * raise an interrupt on any CPU by writing to the interrupt address range.
 */
void amd_vi_dte_compose(uint64_t root, uint16_t domain_id, bool interrupts, uint64_t dte[4]);

#endif
