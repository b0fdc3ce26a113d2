/*
 * The platform as dom0 finds it (include/xen-lite/arch/dom0.h): the
 * firmware's tables with the hypervisor's CPUs and IOMMUs taken out, and
 * the few intercepts dom0 keeps.
 */
#include <arch/direct_lapic.h>
#include <arch/dom0_devices.h>
#include <arch/lapic.h>
#include <arch/paging.h>
#include <arch/platform.h>
#include <arch/vdev.h>
#include <arch/vmm.h>
#include <xen-lite/acpi.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/dom0.h>
#include <xen-lite/arch/mm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/iommu.h>
#include <xen-lite/log.h>
#include <xen-lite/string.h>

int arch_dom0_rsdp(const struct boot_info *bi, uint8_t *copy, unsigned int *len, uint64_t *pa)
{
	*len = 0;
	*pa = 0;
	if (bi->rsdp_len) {
		memcpy(copy, bi->rsdp, bi->rsdp_len);
		*len = bi->rsdp_len;
		return 0;
	}
	return acpi_find_rsdp_legacy(platform_direct_map, NULL, pa);
}

void arch_dom0_limit_madt(struct domain *d)
{
	const struct acpi_info *acpi = platform_acpi();
	uint32_t keep[DOMAIN_MAX_VCPUS];
	int n;

	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		keep[i] = arch_cpu_apic_id(d->vcpus[i]->pcpu);
	if (!acpi->madt_addr || !phys_is_mapped(acpi->madt_addr, acpi->madt_len))
		return;
	n = acpi_madt_keep_only(phys_to_virt(acpi->madt_addr), acpi->madt_len, keep, d->nr_vcpus);
	if (n < 0)
		log_warn("dom0: could not rewrite the MADT; dom0 may see CPUs it does not own\n");
	else
		log_info("dom0: MADT rewritten, %d CPU(s) hidden from dom0\n", n);
}

static void hide_table(uint64_t addr, const char *name)
{
	const uint8_t *h = addr && phys_is_mapped(addr, 36) ? phys_to_virt(addr) : NULL;
	uint32_t len;

	if (!h)
		return;
	memcpy(&len, h + 4, 4);
	if (!phys_is_mapped(addr, len) || acpi_hide_table(phys_to_virt(addr), len))
		log_warn("dom0: could not hide the %s table\n", name);
}

int arch_dom0_reserve_iommus(struct domain *d)
{
	const struct acpi_info *acpi = platform_acpi();
	struct acpi_iommu_region r[16];
	unsigned int n = acpi_iommu_regions(platform_direct_map, NULL, acpi, r, ARRAY_SIZE(r));

	for (unsigned int i = 0; i < n; i++) {
		int err = vmm->unmap(d, gpa_init(ALIGN_DOWN(r[i].base, PAGE_SIZE)),
				     ALIGN_UP(r[i].size, PAGE_SIZE));

		if (err)
			return err;
		log_info("dom0: %s IOMMU registers [%#llx-%#llx) kept from dom0\n",
			 r[i].amd ? "AMD-Vi" : "VT-d", (unsigned long long)r[i].base,
			 (unsigned long long)(r[i].base + r[i].size));
		/* an AMD-Vi unit is a PCI function too: its capability holds the registers' base */
		if (r[i].amd)
			err = dom0_pci_guard(d, r[i].segment, r[i].devid, "the AMD-Vi unit");
		if (err)
			return err;
	}
	/* without its table dom0 does not look for the IOMMU at all */
	hide_table(acpi->dmar_addr, "DMAR");
	hide_table(acpi->ivrs_addr, "IVRS");
	return 0;
}

/* DMA faults are collected where dom0's CPU exits anyway: no timer, no interrupt of our own */
static void poll_iommu(struct vcpu *v, void *opaque)
{
	iommu_poll_faults(false);
}

int arch_dom0_devices(struct domain *d)
{
	int err;

	/* dom0 drives CPU 0's APIC through the xAPIC page, which x2APIC mode does not have */
	if (lapic_x2apic_mode()) {
		log_err("dom0: it needs the local APIC in xAPIC mode: boot without x2apic=on\n");
		return -ENODEV;
	}
	err = dom0_io_init(d);
	if (!err)
		err = dom0_pci_init(d);
	if (!err)
		err = direct_lapic_attach(d);
	if (!err)
		err = vdev_poll_register(d, poll_iommu, NULL);
	if (!err)
		err = dom0_device_memory_init(d);
	if (!err)
		err = dom0_ioapic_init(d); /* after the APIC: a remapped entry needs dom0's CPUs' ids */
	if (!err && iommu_dom0_intr_remapped()) {
		dom0_msi_init(d, true);
		err = dom0_pci_trap_ecam(d);
	}
	return err ? err : dom0_console_init(d);
}
