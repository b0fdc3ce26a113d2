/*
 * PCI configuration space as the core reaches it (arch/x86_64/cpu/pci_config.c):
 * the first 256 bytes of a function of segment 0, for the checks and the
 * few writes device assignment makes. The same lock covers dom0's own
 * accesses, so that neither lands on a function the other selected.
 */
#ifndef XEN_LITE_ARCH_PCI_H
#define XEN_LITE_ARCH_PCI_H

#include <xen-lite/pci_regs.h>
#include <xen-lite/types.h>

/* size 1, 2 or 4, offset aligned to it and below 256; a missing function reads all ones */
uint32_t arch_pci_config_read(uint16_t bdf, unsigned int offset, unsigned int size);
void arch_pci_config_write(uint16_t bdf, unsigned int offset, unsigned int size, uint32_t value);

#define PCI_CAP_MAX_STEPS 48 /* (256 - 64) / 4: a list longer than that loops */

/* Where the function keeps capability id, or 0 (the list walked boundedly: a loop ends too). */
static inline unsigned int pci_find_capability(uint16_t bdf, unsigned int id)
{
	unsigned int pos;

	if (!(arch_pci_config_read(bdf, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = arch_pci_config_read(bdf, PCI_CAP_PTR, 1) & 0xfc;
	for (unsigned int steps = 0; pos >= PCI_CAPS_START && steps < PCI_CAP_MAX_STEPS; steps++) {
		if (arch_pci_config_read(bdf, pos, 1) == id)
			return pos;
		pos = arch_pci_config_read(bdf, pos + 1, 1) & 0xfc;
	}
	return 0;
}

#endif
