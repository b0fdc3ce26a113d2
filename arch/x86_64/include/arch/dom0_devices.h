/*
 * dom0's intercepts, each a device registered for dom0 (arch/vdev.h): its
 * serial console (dom0/dom0_console.c) and the machine's reset ports
 * (dom0/dom0_io.c). Set up by arch_dom0_devices() (dom0/dom0_platform.c).
 */
#ifndef ARCH_DOM0_DEVICES_H
#define ARCH_DOM0_DEVICES_H

#include <xen-lite/types.h>

struct domain;

/* The hypervisor's console UART as a virtual 16550, and the I/O APIC page that routes its interrupt. */
int dom0_console_init(struct domain *d, uint64_t ioapic_pa);
/* The ways to reset the machine, which end dom0 instead. */
int dom0_io_init(struct domain *d);

#endif
