/*
 * AMD-Vi device table entries. Word 0: valid, translation valid, the
 * paging mode (levels), the table's root and the read/write permissions;
 * word 1: the domain id that tags cached translations; word 2: the
 * interrupt map. Without interrupt remapping tables yet, a device either
 * passes its interrupts unchanged (the interrupt map not valid) or has them
 * all blocked (valid, with IntCtl 00b and no pass bits).
 */
#include "amd_vi_dte.h"
#include "amd_vi_pt.h"

void amd_vi_dte_compose(uint64_t root, uint16_t domain_id, bool interrupts, uint64_t dte[4])
{
	dte[0] = AMD_VI_DTE_VALID | AMD_VI_DTE_TRANSLATION_VALID |
		 (uint64_t)AMD_VI_PT_LEVELS << AMD_VI_DTE_MODE_SHIFT | (root & AMD_VI_PTE_ADDR_MASK) |
		 AMD_VI_PTE_IR | AMD_VI_PTE_IW;
	dte[1] = domain_id;
	dte[2] = interrupts ? 0 : AMD_VI_DTE_INTR_MAP_VALID; /* IntCtl 00b: target abort */
	dte[3] = 0;
}
