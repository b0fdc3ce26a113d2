/*
 * VT-d interrupt remapping (iommu/vtd_ir.c): one table of 128-bit entries
 * shared by every unit. A device sends a message in the remappable format
 * - an entry's handle in its address, no vector or destination of its own -
 * and the unit delivers what the entry says, to a source whose requester
 * id the entry names (source validation). Entries for a source (a guest's
 * device, one of dom0's devices or I/O APICs) come in a block of
 * VTD_IR_BLOCK, one per message index or I/O APIC pin.
 */
#ifndef IOMMU_VTD_IR_H
#define IOMMU_VTD_IR_H

#include <xen-lite/types.h>

#define VTD_IR_ENTRIES 65536 /* 1 MiB: IRTA.S 15 */
#define VTD_IR_SIZE_FIELD 15
#define VTD_IR_BLOCK 512 /* a source's message indexes or pins (include/arch/guest_pci.h uses 0..256) */

/* What an entry delivers. */
struct vtd_irte_target {
	uint32_t dest; /* an 8-bit APIC id (xAPIC destination format, EIME clear) */
	uint8_t vector;
	bool logical; /* destination mode */
	bool lowest; /* delivery: lowest priority, else fixed */
	bool level; /* trigger mode */
};

/*
 * A present entry for t, usable only by requester id sid (SVT 01b, SQ 00b:
 * all 16 bits compared). Vector 0 or a destination above 255: not present
 * (the unit blocks and reports what uses it).
 */
void vtd_irte_compose(const struct vtd_irte_target *t, uint16_t sid, uint64_t irte[2]);

/*
 * The remappable-format MSI address that selects entry handle, or with
 * subhandle set the entry handle + the message's data word (SHV).
 */
uint64_t vtd_irte_msi_addr(unsigned int handle, bool subhandle);

#endif
