/*
 * AMD-Vi interrupt remapping entries and the device table word that points
 * at a table (iommu/amd_vi_irt.h). Host-tested (tests/unit/test_amd_vi_irt.c).
 */
#include "amd_vi_dte.h"
#include "amd_vi_irt.h"

#define IRTE_REMAP_EN (1u << 0)
#define IRTE_INT_TYPE_FIXED (0u << 2)
#define IRTE_DM_PHYSICAL (0u << 6)
#define IRTE_DEST_SHIFT 8
#define IRTE_VECTOR_SHIFT 16

#define DTE_INTTAB_LEN_SHIFT 1
#define DTE_IRT_ADDR_MASK 0x000fffffffffffc0ULL /* bits 51:6: the table is 128-byte aligned */
#define DTE_INTCTL_REMAPPED 2ULL

uint32_t amd_vi_irte_compose(uint32_t dest, uint8_t vector)
{
	if (!vector || dest > 0xff)
		return 0;
	return IRTE_REMAP_EN | IRTE_INT_TYPE_FIXED | IRTE_DM_PHYSICAL | dest << IRTE_DEST_SHIFT |
	       (uint32_t)vector << IRTE_VECTOR_SHIFT;
}

uint64_t amd_vi_dte_intr_remapped(uint64_t irt)
{
	/* no pass bits: NMI, INIT, ExtINT and LINT messages stay blocked */
	return AMD_VI_DTE_INTR_MAP_VALID | (uint64_t)AMD_VI_IRT_LEN_FIELD << DTE_INTTAB_LEN_SHIFT |
	       (irt & DTE_IRT_ADDR_MASK) | DTE_INTCTL_REMAPPED << AMD_VI_DTE_INTCTL_SHIFT;
}
