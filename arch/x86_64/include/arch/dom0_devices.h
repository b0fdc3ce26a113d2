/*
 * dom0's intercepts, each a device registered for dom0 (arch/vdev.h): its
 * serial console (dom0/dom0_console.c) and the machine's reset ports
 * (dom0/dom0_io.c), PCI configuration (dom0/dom0_pci.c). Set up by arch_dom0_devices() (dom0/dom0_platform.c).
 */
#ifndef ARCH_DOM0_DEVICES_H
#define ARCH_DOM0_DEVICES_H

#include <xen-lite/types.h>

struct domain;

/* The hypervisor's console UART as a virtual 16550, and the I/O APIC page that routes its interrupt. */
int dom0_console_init(struct domain *d, uint64_t ioapic_pa);
/* The ways to reset the machine, which end dom0 instead. */
int dom0_io_init(struct domain *d);
/* PCI configuration space through the legacy ports: carried out for dom0 (dom0/dom0_pci.c). */
int dom0_pci_init(struct domain *d);
/* Writes to this function's configuration are refused, through the ports and ECAM alike. */
int dom0_pci_guard(struct domain *d, uint16_t segment, uint16_t bdf, const char *what);
/* CONFIG_ADDRESS, a dword at 0xCF8: its port is shared with the reset control register at 0xCF9. */
struct io_access;
enum vdev_io_result dom0_pci_address(struct io_access *io);

#endif
