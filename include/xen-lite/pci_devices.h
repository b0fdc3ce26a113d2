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

enum pci_device_state { PCI_DEVICE_ASSIGNABLE = 1, PCI_DEVICE_ASSIGNED = 2 };

struct domain;

struct pci_device_entry {
	uint16_t segment, bdf;
	enum pci_device_state state;
	uint32_t domid; /* assigned: to this domain */
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

/*
 * Give a building guest these assignable functions (segment << 16 | bdf):
 * checked first (each taken and free, none twice; -ENOENT, -EBUSY,
 * -EINVAL), then each moved into the guest's IO space, its memory BARs
 * mapped into the guest at their own addresses (-EINVAL when one is not
 * page-aligned or meets the guest's RAM), memory decoding and bus mastering
 * on. On an error, those given so far are taken back.
 */
int pci_assign_to_domain(struct domain *d, const uint32_t *sbdf, unsigned int n);
/*
 * Take a guest's functions back (bus mastering off, into the empty space,
 * confirmed) and free its IO space: before its memory is reused. 0, or the
 * IOMMU's error: the guest's memory must then be kept.
 */
int pci_release_domain(struct domain *d);

/*
 * A DMA fault of this function: charged to its domain (dom0 when dom0 has
 * it, none when taken and not given), which on_dma_fault=crash (a guest's
 * default) crashes. Copies the domain's name (or "none") into name.
 */
void pci_device_fault(uint16_t segment, uint16_t bdf, uint64_t addr, char *name, size_t size);

#endif
