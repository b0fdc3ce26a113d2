/*
 * The arch interface, guests: the platform a guest's kernel finds
 * (arch/x86_64/guest/), for the builders in xen-lite/ (guest_loader.c,
 * guest_linux.c).
 */
#ifndef XEN_LITE_ARCH_GUEST_H
#define XEN_LITE_ARCH_GUEST_H

#include <xen-lite/addr.h>
#include <xen-lite/types.h>

struct domain;

/*
 * A Linux guest's devices, once its memory and vCPUs exist: its CPUs' local
 * APICs (*lapic_gpa: where their registers are, for its ACPI tables), its
 * console UART and its power registers. 0, -E2BIG (RAM where the APIC
 * must be) or -ENOMEM.
 */
int arch_linux_guest_platform(struct domain *d, gpa_t *lapic_gpa);

/* Pages arch_guest_boot_tables() writes to map bytes (at most 512 GiB). */
#define ARCH_BOOT_TABLES_PAGES(bytes) (2 + ((bytes) + (1ULL << 30) - 1) / (1ULL << 30))

/*
 * The page tables a guest's kernel is entered with: every 2 MiB page that
 * starts below bytes identity-mapped, writable. They are written to area
 * (zeroed, ARCH_BOOT_TABLES_PAGES(bytes) pages), which the guest will find
 * at guest-physical base; the root is at base.
 */
void arch_guest_boot_tables(uint8_t *area, uint64_t base, uint64_t bytes);

/* Flat 64-bit code and data descriptors at selectors code and data of gdt (zeroed). */
void arch_guest_boot_gdt(uint64_t *gdt, uint16_t code, uint16_t data);

#endif
