/*
 * dom0's intercepts, each a device registered for dom0 (arch/vdev.h): its
 * serial console (dom0/dom0_console.c) and the machine's reset ports
 * (dom0/dom0_io.c), PCI configuration (dom0/dom0_pci.c) with its MSI and
 * MSI-X (dom0/dom0_msi.c, dom0/dom0_msix.c), its I/O APICs (dom0/dom0_ioapic.c). Set up by arch_dom0_devices() (dom0/dom0_platform.c).
 * Its device memory above the identity map is mapped as it is reached (dom0/dom0_device_memory.c).
 */
#ifndef ARCH_DOM0_DEVICES_H
#define ARCH_DOM0_DEVICES_H

#include <xen-lite/types.h>

struct domain;

/* The hypervisor's console UART as a virtual 16550, its interrupt routed by dom0's I/O APIC entry. */
int dom0_console_init(struct domain *d);
/*
 * dom0's I/O APICs, every write trapped: the entries dom0 wrote are kept,
 * and go to the hardware remapped where the IOMMU needs it (dom0/dom0_ioapic.c).
 */
int dom0_ioapic_init(struct domain *d);
/* The entry dom0 wrote for a global system interrupt: false when no I/O APIC has it. */
bool dom0_ioapic_entry(unsigned int gsi, uint32_t *low, uint32_t *high);
/* The ways to reset the machine, which end dom0 instead. */
int dom0_io_init(struct domain *d);
/* PCI configuration space through the legacy ports: carried out for dom0 (dom0/dom0_pci.c). */
int dom0_pci_init(struct domain *d);
/* Every write through the ECAM windows trapped, for the MSI model (where dom0's MSIs are remapped). */
int dom0_pci_trap_ecam(struct domain *d);
/*
 * dom0's device memory above its identity map (gpa_top), where only devices
 * decode: a page dom0 reaches there is mapped at the same host-physical
 * address on its first touch, the IOMMUs' registers excepted
 * (dom0/dom0_device_memory.c).
 */
int dom0_device_memory_init(struct domain *d);
/* Writes to this function's configuration are refused, through the ports and ECAM alike. */
int dom0_pci_guard(struct domain *d, uint16_t segment, uint16_t bdf, const char *what);
/*
 * dom0's MSI and MSI-X, where its interrupts are remapped (dom0/dom0_msi.c):
 * a configuration write of dom0's to a function's MSI or MSI-X capability
 * is carried out here (true), any other is not (false: the caller does it).
 */
void dom0_msi_init(struct domain *d, bool remapped);
bool dom0_msi_config_write(uint16_t segment, uint16_t bdf, unsigned int offset, unsigned int size, uint32_t value);
/*
 * The function's MSI-X table becomes the model's (dom0/dom0_msix.c): its
 * entries remapped, its pages write-trapped. 0 or an error (logged).
 */
int dom0_msix_take(struct domain *d, uint16_t bdf, unsigned int cap);
/* ... and dom0's again, after the function's MSI-X is off. */
void dom0_msix_give_back(struct domain *d, uint16_t bdf);
/* CONFIG_ADDRESS, a dword at 0xCF8: its port is shared with the reset control register at 0xCF9. */
struct io_access;
enum vdev_io_result dom0_pci_address(struct io_access *io);

#endif
