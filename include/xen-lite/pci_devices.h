/*
 * The PCI functions the hypervisor has taken from dom0 (xen-lite/pci_devices.c,
 * Documentation/iommu.md): an assignable function waits, its DMA blocked by
 * the IOMMU and its bus mastering off, to be given to a guest. Every other
 * function is dom0's.
 */
#ifndef XEN_LITE_PCI_DEVICES_H
#define XEN_LITE_PCI_DEVICES_H

#include <xen-lite/types.h>

#define PCI_MAX_TAKEN 32

enum pci_device_state { PCI_DEVICE_ASSIGNABLE = 1 };

struct pci_device_entry {
	uint16_t segment, bdf;
	enum pci_device_state state;
};

/*
 * Take a function from dom0 (its driver already unbound by dom0's tool).
 * check_only: the checks alone, nothing changes. 0; -ENODEV (no such
 * function, or a segment other than 0), -EXDEV (not on bus 0: whether a
 * bridge isolates it is not known), -EPERM (a bridge, or an IOMMU), -EBUSY
 * (taken already), -ENXIO (no IOMMU translates DMA), -ENOSPC, or the
 * IOMMU's error (nothing changed then).
 */
int pci_assignable_add(uint16_t segment, uint16_t bdf, bool check_only);
/* Give it back to dom0: -ENOENT when it was not taken. */
int pci_assignable_remove(uint16_t segment, uint16_t bdf);
/* Up to cap of the taken functions; returns how many there are. */
unsigned int pci_devices_list(struct pci_device_entry *out, unsigned int cap);
/* Whether dom0 has the function (its DMA faults are dom0's). */
bool pci_device_is_dom0s(uint16_t segment, uint16_t bdf);

#endif
