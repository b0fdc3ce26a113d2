/* The firmware's ACPI tables, found and summarized once at boot (see arch/platform.h). */
#include <arch/paging.h>
#include <arch/platform.h>
#include <xen-lite/arch/mm.h>
#include <xen-lite/log.h>

static struct acpi_info acpi;

const void *platform_direct_map(uint64_t pa, uint64_t len, void *ctx)
{
	return phys_is_mapped(pa, len) ? phys_to_virt(pa) : NULL;
}

const struct acpi_info *platform_acpi_init(const struct boot_info *bi)
{
	uint64_t rsdp_pa = 0;
	const uint8_t *rsdp = bi->rsdp;
	unsigned int len = bi->rsdp_len;

	if (!len) {
		if (acpi_find_rsdp_legacy(platform_direct_map, NULL, &rsdp_pa)) {
			log_warn("acpi: no RSDP found; assuming one CPU and no PCIe segments\n");
			return &acpi;
		}
		rsdp = phys_to_virt(rsdp_pa);
		len = BOOT_RSDP_MAX;
	}
	if (acpi_parse(rsdp, len, platform_direct_map, NULL, &acpi)) {
		log_warn("acpi: tables unusable; assuming one CPU and no PCIe segments\n");
		return &acpi;
	}
	acpi.rsdp_addr = rsdp_pa;
	log_info("acpi: %u CPU(s) in the MADT, %u I/O APIC(s), %u PCIe segment(s)%s%s\n",
		 acpi.cpu_count, acpi.ioapic_count, acpi.mcfg_count,
		 acpi.dmar_addr ? ", Intel VT-d (DMAR)" : "", acpi.ivrs_addr ? ", AMD-Vi (IVRS)" : "");
	return &acpi;
}

const struct acpi_info *platform_acpi(void)
{
	return &acpi;
}

