/*
 * The arch interface, dom0: what building the driver domain needs from the
 * platform (arch/x86_64/dom0/dom0_platform.c). Called by dom0_start()
 * (xen-lite/dom0.c) on the boot CPU, in this order, before dom0 runs.
 */
#ifndef XEN_LITE_ARCH_DOM0_H
#define XEN_LITE_ARCH_DOM0_H

#include <xen-lite/boot_info.h>

struct domain;

/* Unmap the IOMMUs' registers from dom0 and hide their ACPI tables (they are the hypervisor's). */
int arch_dom0_reserve_iommus(struct domain *d);
/*
 * Where dom0 finds the firmware's RSDP: a copy of the loader's (in copy,
 * *len bytes), or its physical address (*pa) in the legacy BIOS area.
 */
int arch_dom0_rsdp(const struct boot_info *bi, uint8_t *copy, unsigned int *len, uint64_t *pa);
/*
 * The intercepts dom0 keeps (its local APIC's interrupt command, the
 * machine's reset ports, the hypervisor's console UART); after its vCPUs
 * exist, whose CPUs it may interrupt. 0, or an error that stops dom0.
 */
int arch_dom0_devices(struct domain *d);
/* Rewrite the firmware's CPU table so dom0 sees only its own CPUs. */
void arch_dom0_limit_madt(struct domain *d);

#endif
