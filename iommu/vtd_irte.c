/*
 * VT-d interrupt remapping entries and remappable messages (iommu/vtd_ir.h),
 * as the Intel VT-d specification lays them out (9.10, 5.1.2.2). Pure:
 * host-tested by tests/unit/test_vtd_irte.c.
 */
#include "vtd_ir.h"

#define IRTE_PRESENT (1ULL << 0)
#define IRTE_DM_LOGICAL (1ULL << 2)
#define IRTE_TM_LEVEL (1ULL << 4)
#define IRTE_DLM_SHIFT 5 /* 000 fixed, 001 lowest priority */
#define IRTE_VECTOR_SHIFT 16
#define IRTE_DEST_XAPIC_SHIFT 40 /* DST bits 15:8 in xAPIC mode */
#define IRTE_SVT_VERIFY_SID (1ULL << 18) /* in the high quadword: SVT 01b */

#define MSI_ADDR_BASE 0xfee00000ULL
#define MSI_ADDR_REMAPPABLE (1ULL << 4)
#define MSI_ADDR_HANDLE_LOW_SHIFT 5 /* handle bits 14:0 at address bits 19:5 */
#define MSI_ADDR_HANDLE_15 (1ULL << 2)
#define MSI_ADDR_SHV (1ULL << 3)


void vtd_irte_compose(const struct vtd_irte_target *t, uint16_t sid, uint64_t irte[2])
{
	irte[0] = irte[1] = 0;
	if (!t->vector || t->dest > 0xff)
		return;
	irte[0] = IRTE_PRESENT | (t->logical ? IRTE_DM_LOGICAL : 0) | (t->level ? IRTE_TM_LEVEL : 0) |
		  (uint64_t)(t->lowest ? 1 : 0) << IRTE_DLM_SHIFT | (uint64_t)t->vector << IRTE_VECTOR_SHIFT |
		  (uint64_t)t->dest << IRTE_DEST_XAPIC_SHIFT;
	irte[1] = sid | IRTE_SVT_VERIFY_SID;
}

uint64_t vtd_irte_msi_addr(unsigned int handle, bool subhandle)
{
	return MSI_ADDR_BASE | MSI_ADDR_REMAPPABLE | (uint64_t)(handle & 0x7fff) << MSI_ADDR_HANDLE_LOW_SHIFT |
	       (handle & 0x8000 ? MSI_ADDR_HANDLE_15 : 0) | (subhandle ? MSI_ADDR_SHV : 0);
}
