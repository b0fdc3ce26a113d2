/*
 * PCI configuration space as the core reaches it (arch/x86_64/cpu/pci_config.c):
 * the first 256 bytes of a function of segment 0, for the checks and the
 * few writes device assignment makes. The same lock covers dom0's own
 * accesses, so that neither lands on a function the other selected.
 */
#ifndef XEN_LITE_ARCH_PCI_H
#define XEN_LITE_ARCH_PCI_H

#include <xen-lite/types.h>

/* size 1, 2 or 4, offset aligned to it and below 256; a missing function reads all ones */
uint32_t arch_pci_config_read(uint16_t bdf, unsigned int offset, unsigned int size);
void arch_pci_config_write(uint16_t bdf, unsigned int offset, unsigned int size, uint32_t value);

#endif
