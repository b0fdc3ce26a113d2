/*
 * dom0's interrupt sources through the IOMMU's remapping table
 * (dom0/dom0_intr.c), used where the IOMMU blocks compatibility-format
 * interrupts (iommu_dom0_intr_remapped()): by dom0's I/O APIC model
 * (dom0/dom0_ioapic.c) and its MSI and MSI-X models (dom0/dom0_msi.c,
 * dom0/dom0_msix.c).
 */
#ifndef ARCH_DOM0_INTR_H
#define ARCH_DOM0_INTR_H

#include <xen-lite/iommu.h>
#include <xen-lite/types.h>

struct domain;

/* An interrupt as dom0 programmed it, decoded. */
struct dom0_intr {
	uint32_t dest; /* an APIC id, or a logical id with logical */
	bool logical;
	uint8_t vector;
	unsigned int delivery; /* 0 fixed, 1 lowest priority, 2 SMI, 4 NMI, 5 INIT, 7 ExtINT */
	bool level;
};

/* From an MSI's address and data words (an MSI-X entry's alike). */
void dom0_intr_from_msi(uint64_t addr, uint32_t data, struct dom0_intr *out);
/* From an I/O APIC redirection entry's low and high words (xAPIC destination format). */
void dom0_intr_from_rte(uint32_t low, uint32_t high, struct dom0_intr *out);

/*
 * Entry index (a message index, or a pin) of source sid delivers what
 * dom0 asked - or, when dom0 may not ask it (logged), nothing: the entry
 * is empty and the IOMMU blocks what uses it. *out is what the source must
 * send (iommu_driver.h). 0, or the IOMMU's error (logged).
 */
int dom0_intr_route(struct domain *dom0, uint16_t sid, unsigned int index, const struct dom0_intr *want,
		    struct iommu_msi *out);

#endif
