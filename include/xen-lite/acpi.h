/*
 * ACPI table discovery. Pure logic over a phys_map_fn so that it runs on
 * crafted blobs in host unit tests. Only what the hypervisor itself needs is
 * extracted; dom0 parses the tables again for itself.
 */
#ifndef XEN_LITE_ACPI_H
#define XEN_LITE_ACPI_H

#include <xen-lite/boot_info.h>
#include <xen-lite/types.h>

#define ACPI_MAX_CPUS 256
#define ACPI_MAX_IOAPICS 16
#define ACPI_MAX_MCFG 16
#define ACPI_MAX_TABLES 64

struct acpi_cpu {
	uint32_t apic_id;
	uint32_t acpi_uid;
	bool enabled; /* MADT flags bit 0 */
	bool online_capable; /* MADT flags bit 1 (ACPI 6.3+) */
	bool x2apic_entry; /* came from a Local x2APIC structure */
};

struct acpi_ioapic {
	uint8_t id;
	uint32_t addr;
	uint32_t gsi_base;
};

struct acpi_mcfg_seg {
	uint64_t base;
	uint16_t segment;
	uint8_t bus_start, bus_end;
};

struct acpi_table_ref {
	char signature[5];
	uint64_t addr;
	uint32_t length;
	bool checksum_ok;
};

struct acpi_info {
	uint64_t rsdp_addr; /* physical address of the RSDP, 0 if only a copy was given */
	uint8_t revision; /* RSDP revision: 0 = ACPI 1.0 (RSDT), >= 2 (XSDT) */
	uint64_t root_addr; /* XSDT if usable, else RSDT */
	bool root_is_xsdt;

	struct acpi_table_ref tables[ACPI_MAX_TABLES];
	unsigned int table_count;
	unsigned int bad_checksums; /* tables skipped because of a bad checksum */

	/* MADT */
	bool have_madt;
	uint64_t lapic_addr; /* from the MADT, overridden by a LAPIC address override entry */
	bool pcat_compat; /* dual 8259 PICs present */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	unsigned int cpu_count; /* entries recorded (enabled or online-capable) */
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	unsigned int ioapic_count;

	/* MCFG: PCI Express extended configuration space windows */
	struct acpi_mcfg_seg mcfg[ACPI_MAX_MCFG];
	unsigned int mcfg_count;

	/* FADT facts the hypervisor uses (TSC calibration fallback, reset) */
	bool have_fadt;
	uint32_t pm_timer_port; /* 0 if none */
	bool pm_timer_32bit;
	bool hw_reduced;

	/* Recognized for the IOMMU capability; 0 if absent */
	uint64_t dmar_addr; /* Intel VT-d */
	uint64_t ivrs_addr; /* AMD-Vi */
	uint64_t madt_addr; /* 0 if none was accepted */
	uint32_t madt_len;
};

/* 8-bit sum of len bytes; an ACPI structure is valid when this is 0. */
uint8_t acpi_checksum(const void *p, uint64_t len);

/*
 * Look for the RSDP the legacy way: the first KiB of the EBDA (segment at
 * 0x40E; not past 0xA0000) and the BIOS area 0xE0000-0xFFFFF, on 16-byte boundaries; a
 * candidate counts only with a valid checksum. Returns 0 and sets *rsdp_pa,
 * or -ENOENT.
 */
int acpi_find_rsdp_legacy(phys_map_fn map, void *ctx, uint64_t *rsdp_pa);

/*
 * Parse the tables reachable from the RSDP (given as bytes: a copy from the
 * loader or the mapped original). Returns 0, -EINVAL for an RSDP with a bad
 * signature/checksum, or -ENOENT when the root table is unreadable or bad.
 * A table with a bad checksum is logged with log_warn, counted and ignored
 * (so a bad MADT leaves cpu_count 0 and the caller falls back to the boot
 * CPU only); malformed MADT/MCFG entries stop that table's parsing with a
 * warning but keep what was read before them.
 */
int acpi_parse(const uint8_t *rsdp, unsigned int rsdp_len, phys_map_fn map, void *ctx,
	       struct acpi_info *out);

/*
 * Rewrite a MADT in place (madt: the whole table, len bytes readable and
 * writable) so that only the CPUs whose APIC ids are listed stay enabled or
 * online-capable, and fix its checksum: dom0 must not see the CPUs the
 * hypervisor keeps for itself and for guests. Returns the number of
 * entries disabled, or -EINVAL for a table that is not a valid MADT.
 */
int acpi_madt_keep_only(uint8_t *madt, uint64_t len, const uint32_t *keep, unsigned int n);

/* The register ranges of the IOMMUs the DMAR (VT-d) and IVRS (AMD-Vi) tables describe. */
struct acpi_iommu_region {
	uint64_t base, size;
	bool amd;
	uint16_t segment; /* PCI segment group of the devices it translates */
	uint16_t devid; /* AMD-Vi: the IOMMU's own PCI requester id (bus << 8 | devfn) */
};
unsigned int acpi_iommu_regions(phys_map_fn map, void *ctx, const struct acpi_info *info,
				struct acpi_iommu_region *out, unsigned int cap);

/*
 * The requester id an I/O APIC's interrupts carry, from the DMAR's device
 * scope for it (type 3, its MADT id, a one-step path): what a VT-d
 * remapping entry for its pins must name. false when the DMAR lists none.
 */
bool acpi_dmar_ioapic_sid(phys_map_fn map, void *ctx, const struct acpi_info *info, uint8_t ioapic_id,
			  uint16_t *sid);

/*
 * Rename a table in place (first signature letter to 'X') and fix its
 * checksum, so that dom0 does not find and drive what it describes (the
 * IOMMUs are reserved for the hypervisor). 0 or -EINVAL.
 */
int acpi_hide_table(uint8_t *table, uint64_t len);

#endif
