/*
 * dom0, the driver domain: a stock Linux kernel (boot module 0, its initrd
 * module 1) run on CPU 0 with the machine's devices, firmware tables and
 * most memory identity-mapped (guest-physical = host-physical).
 * Documentation/dom0.md describes the model and every intercept kept.
 */
#ifndef XEN_LITE_DOM0_H
#define XEN_LITE_DOM0_H

#include <xen-lite/boot_info.h>

struct vcpu;
struct domain;

/* True if module 0 is meant to be the dom0 kernel (present and not an xl-guest module). */
bool dom0_kernel_given(const struct boot_info *bi);

/*
 * Build dom0 and run it on this CPU (CPU 0). Returns only if dom0 could not
 * be built (with the reason logged) or has ended (crashed or shut down),
 * after the dom0_on_crash= policy did not reboot the node.
 */
void dom0_start(const struct boot_info *bi);

/* Where dom0 finds the RSDP (arch: the loader's copy or the legacy BIOS area). */
int arch_dom0_rsdp(const struct boot_info *bi, uint8_t *copy, unsigned int *len, uint64_t *pa);
/* Rewrite the MADT so dom0 sees only its CPUs (arch: it knows the ACPI tables). */
void arch_dom0_limit_madt(struct domain *d);
/* A secondary vCPU starts as a CPU does: waiting for INIT and SIPI. */
void arch_vcpu_wait_for_sipi(struct vcpu *v);
/* Unmap the IOMMUs' registers from dom0 and hide their ACPI tables (they are the hypervisor's). */
int arch_dom0_reserve_iommus(struct domain *d);
/* The first I/O APIC's registers (0 if none). */
uint64_t arch_ioapic_address(void);
/* Make the local APIC's page trap writes so the ICR can be filtered. */
int arch_dom0_protect_lapic(struct domain *d);
/* The Linux 64-bit boot protocol's entry state (CS 0x10, DS 0x18, RSI = boot params). */
void arch_vcpu_set_linux_start(struct vcpu *v, uint64_t rip, uint64_t cr3, uint64_t gdt_base,
			       uint16_t gdt_limit, uint64_t boot_params);

#endif
