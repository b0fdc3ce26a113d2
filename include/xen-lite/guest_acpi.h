/*
 * ACPI tables for a guest that boots a stock Linux kernel with no legacy
 * devices: RSDP, XSDT, a hardware-reduced FADT, a DSDT declaring one 16550
 * serial port (polled: no interrupt) and, for a guest with PCI functions, a
 * PCI host bridge, and a MADT listing the vCPUs' local APICs (no I/O APIC).
 * Pure logic over a buffer, also built into host tests.
 *
 * Power off and reboot go through I/O ports the hypervisor traps. The FADT
 * names them (hardware-reduced ACPI has no PM1 control block, so the sleep
 * registers stand in for it) and the DSDT declares \_S5, which is what makes
 * Linux register its ACPI power-off handler:
 *   - power off: the guest writes WAK_STS (0x80) to SLEEP_STATUS_PORT to
 *     clear it, then (GUEST_ACPI_S5_SLP_TYP << 2) | GUEST_ACPI_SLP_EN = 0x34
 *     to SLEEP_CONTROL_PORT, then polls SLEEP_STATUS_PORT until WAK_STS
 *     reads set (ACPICA's acpi_hw_extended_sleep);
 *   - reboot: the guest writes GUEST_ACPI_RESET_VALUE to RESET_PORT.
 */
#ifndef XEN_LITE_GUEST_ACPI_H
#define XEN_LITE_GUEST_ACPI_H

#include <xen-lite/types.h>

#define GUEST_ACPI_MAX_CPUS 16
#define GUEST_ACPI_SIZE 4096 /* all tables fit in one page */

#define GUEST_ACPI_SLEEP_CONTROL_PORT 0x600 /* FADT SLEEP_CONTROL_REG: 8-bit I/O */
#define GUEST_ACPI_SLEEP_STATUS_PORT 0x601  /* FADT SLEEP_STATUS_REG: 8-bit I/O */
#define GUEST_ACPI_RESET_PORT 0x602         /* FADT RESET_REG: 8-bit I/O */
#define GUEST_ACPI_RESET_VALUE 0x01         /* FADT RESET_VALUE */
#define GUEST_ACPI_S5_SLP_TYP 5             /* the SLP_TYP \_S5 declares */
#define GUEST_ACPI_SLP_EN (1u << 5)         /* sleep control register: SLP_EN; SLP_TYP is bits 2-4 */

#define GUEST_ACPI_MAX_WINDOWS 25 /* every BAR of DOMAIN_MAX_PCI functions, and the segments' */

/* A guest's PCI root bus: bus 0 behind the configuration ports, its BARs' windows. */
struct guest_acpi_pci {
	unsigned int nr_windows;
	struct guest_acpi_window {
		uint64_t base, size;
	} windows[GUEST_ACPI_MAX_WINDOWS];
};

/*
 * Write the tables into buf (GUEST_ACPI_SIZE bytes, zeroed first), which
 * the guest sees at guest-physical base_gpa. The RSDP is at offset 0, so
 * base_gpa is the address to hand to the kernel (boot_params.acpi_rsdp_addr);
 * every table starts on a 16-byte boundary.
 *
 * The MADT gives the local APIC address lapic_gpa and one enabled
 * Processor Local APIC entry per apic_ids[i] (ACPI processor UID i).
 * The DSDT declares \_S5 and \_SB.COM1 (PNP0501) with the 8 I/O ports at
 * uart_port and, when pci is not NULL, \_SB.PCI0 (PNP0A03): bus 0, the
 * configuration ports 0xCF8-0xCFF and one memory window per pci->windows.
 *
 * Returns 0, or -EINVAL (nothing written) when n is 0 or above
 * GUEST_ACPI_MAX_CPUS, base_gpa is not 16-byte aligned or the page would
 * wrap the address space, an APIC id does not fit a Processor Local APIC
 * entry (>= 0xFF), lapic_gpa is above 4 GiB (the MADT field is 32-bit), or
 * the 8 ports from uart_port would run past 0xFFFF or overlap the ports
 * above (GUEST_ACPI_SLEEP_CONTROL_PORT to GUEST_ACPI_RESET_PORT), or there
 * are more than GUEST_ACPI_MAX_WINDOWS windows or one is empty or wraps.
 */
int guest_acpi_build(uint8_t *buf, uint64_t base_gpa, uint64_t lapic_gpa,
		     const uint32_t *apic_ids, unsigned int n, uint16_t uart_port,
		     const struct guest_acpi_pci *pci);

#endif
