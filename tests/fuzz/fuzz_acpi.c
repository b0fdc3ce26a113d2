/*
 * Fuzz the ACPI code (xen-lite/acpi.c) as the hypervisor runs it at boot
 * (arch/x86_64/cpu/platform.c) and for dom0 (arch/x86_64/dom0/dom0_platform.c):
 * find the RSDP the legacy way or take the loader's copy, parse the tables
 * it reaches (RSDT/XSDT, MADT, MCFG, FADT, DMAR, IVRS), list the IOMMUs'
 * registers, rewrite the MADT dom0 sees and hide the IOMMU tables.
 *
 * Input: a flags byte, the BIOS data area's EBDA segment (2 bytes), then
 * firmware memory, seen both at EBDA_BASE and at BIOS_BASE (where the
 * legacy search looks). Flags: bit 0 search the legacy way, else the first
 * 20 (bit 1: 36) bytes of the memory are the loader's RSDP copy; bit 2: room
 * for two IOMMU regions only (else 16); bit 3: first give the RSDP at the
 * start of the memory and the tables it reaches valid checksums (the
 * fuzzer would hardly ever find them, and every table behind a bad one is
 * out of reach); bits 4-7: how many of the MADT's CPUs dom0 keeps.
 *
 * The map callback frees the previous mapping at every call: the parser
 * promises that a mapper with a single window is enough.
 */
#include <stdlib.h>
#include <string.h>

#include <xen-lite/acpi.h>

#include "support.h"

#define BDA_EBDA_SEGMENT 0x40e
#define EBDA_BASE 0x9fc00ULL
#define BIOS_BASE 0xe0000ULL
#define CONV_MEM_END 0xa0000ULL /* the VGA hole follows */
#define RSDP_MAX 36

static void check_info(const struct acpi_info *info)
{
	FUZZ_CHECK(info->table_count <= ACPI_MAX_TABLES && info->cpu_count <= ACPI_MAX_CPUS &&
			   info->ioapic_count <= ACPI_MAX_IOAPICS && info->mcfg_count <= ACPI_MAX_MCFG,
		   "acpi_info counts beyond their arrays");
	for (unsigned int i = 0; i < info->table_count; i++) {
		const char *sig = info->tables[i].signature;

		FUZZ_CHECK(sig[4] == '\0', "table %u: signature not terminated", i);
		for (int c = 0; c < 4; c++)
			FUZZ_CHECK(sig[c] >= 0x20 && sig[c] < 0x7f, "table %u: unprintable signature", i);
	}
	for (unsigned int i = 0; i < info->cpu_count; i++) {
		FUZZ_CHECK(info->cpus[i].enabled || info->cpus[i].online_capable,
			   "CPU %u recorded though neither enabled nor online-capable", i);
		for (unsigned int j = 0; j < i; j++)
			FUZZ_CHECK(info->cpus[i].apic_id != info->cpus[j].apic_id,
				   "APIC id %#x recorded twice", info->cpus[i].apic_id);
	}
	for (unsigned int i = 0; i < info->mcfg_count; i++)
		FUZZ_CHECK(info->mcfg[i].base && info->mcfg[i].bus_start <= info->mcfg[i].bus_end,
			   "MCFG segment %u kept though invalid", i);
	FUZZ_CHECK(info->pm_timer_port <= 0xffff, "PM timer port %#x", info->pm_timer_port);
	FUZZ_CHECK(!info->have_madt || info->madt_len >= 44, "MADT of %u bytes kept", info->madt_len);
}

/* A writable copy of a table, as dom0_platform.c reaches it through the direct map. */
static uint8_t *table_copy(uint64_t pa, uint64_t len)
{
	const uint8_t *p = len ? fuzz_mem_map(pa, len, NULL) : NULL;
	uint8_t *copy;

	if (!p)
		return NULL;
	copy = malloc(len);
	FUZZ_CHECK(copy, "out of memory");
	memcpy(copy, p, len);
	return copy;
}

/*
 * After acpi_madt_keep_only(): no CPU entry outside keep is enabled or
 * online-capable, up to where an entry's length is bad (where every MADT
 * reader stops).
 */
static void check_kept(const uint8_t *madt, uint32_t len, const uint32_t *keep, unsigned int n)
{
	for (uint32_t off = 44; off + 2 <= len && madt[off + 1] >= 2 && madt[off + 1] <= len - off;
	     off += madt[off + 1]) {
		const uint8_t *e = madt + off;
		uint32_t id, flags;
		bool listed = false;

		if (e[0] == 0 && e[1] >= 8) {
			id = e[3];
			memcpy(&flags, e + 4, 4);
		} else if (e[0] == 9 && e[1] >= 16) {
			memcpy(&id, e + 4, 4);
			memcpy(&flags, e + 8, 4);
		} else {
			continue;
		}
		for (unsigned int i = 0; i < n; i++)
			listed |= keep[i] == id;
		FUZZ_CHECK(listed || !(flags & 3), "APIC id %#x left enabled for dom0 at offset %u", id,
			   off);
	}
}

static void limit_madt(const struct acpi_info *info, unsigned int keep_n)
{
	uint32_t keep[ACPI_MAX_CPUS];
	uint8_t *madt = table_copy(info->madt_addr, info->madt_len);
	int n;

	if (!madt)
		return;
	keep_n = MIN(keep_n, info->cpu_count);
	for (unsigned int i = 0; i < keep_n; i++)
		keep[i] = info->cpus[i].apic_id;
	n = acpi_madt_keep_only(madt, info->madt_len, keep, keep_n);
	/* the table was accepted by acpi_parse(), checksum and all */
	FUZZ_CHECK(n >= 0, "acpi_madt_keep_only() refused the MADT acpi_parse() used (%d)", n);
	FUZZ_CHECK(acpi_checksum(madt, info->madt_len) == 0, "MADT checksum wrong after rewrite");
	check_kept(madt, info->madt_len, keep, keep_n);
	free(madt);
}

static void hide(uint64_t addr)
{
	const uint8_t *h = addr ? fuzz_mem_map(addr, 36, NULL) : NULL;
	uint32_t len;
	uint8_t *t;

	if (!h)
		return;
	memcpy(&len, h + 4, 4);
	t = table_copy(addr, len);
	if (t && acpi_hide_table(t, len) == 0)
		FUZZ_CHECK(t[0] == 'X' && acpi_checksum(t, len) == 0,
			   "hidden table not renamed or checksum wrong");
	free(t);
}

/* ---- valid checksums (flag bit 3) ---------------------------------------------- */

static void set_checksum(uint8_t *p, size_t len, uint8_t *csum)
{
	*csum = 0;
	*csum = (uint8_t)(0x100 - acpi_checksum(p, len));
}

/* The offset of physical address pa in the memory, or SIZE_MAX. */
static size_t offset_of(uint64_t pa, size_t len)
{
	if (pa >= BIOS_BASE && pa - BIOS_BASE < len)
		return (size_t)(pa - BIOS_BASE);
	if (pa >= EBDA_BASE && pa - EBDA_BASE < len)
		return (size_t)(pa - EBDA_BASE);
	return SIZE_MAX;
}

/* Give the table at pa a valid checksum if it lies in the memory; its length, or 0. */
static uint32_t fix_table(uint8_t *m, size_t len, uint64_t pa)
{
	size_t off = offset_of(pa, len);
	uint32_t tl;

	if (off == SIZE_MAX || len - off < 36)
		return 0;
	memcpy(&tl, m + off + 4, 4);
	if (tl < 36 || tl > len - off)
		return 0;
	set_checksum(m + off, tl, m + off + 9);
	return tl;
}

static void fix_root(uint8_t *m, size_t len, uint64_t pa, unsigned int entry_size)
{
	uint32_t tl = fix_table(m, len, pa);
	size_t off = offset_of(pa, len);

	for (uint32_t e = 36; tl && e + entry_size <= tl; e += entry_size) {
		uint64_t entry = 0;

		memcpy(&entry, m + off + e, entry_size);
		fix_table(m, len, entry);
	}
	fix_table(m, len, pa); /* again, if an entry's table overlapped it */
}

static void fix_checksums(uint8_t *m, size_t len)
{
	uint32_t rsdt, ext_len;
	uint64_t xsdt;

	if (len < 20)
		return;
	set_checksum(m, 20, m + 8);
	memcpy(&rsdt, m + 16, 4);
	fix_root(m, len, rsdt, 4);
	if (len < 36)
		return;
	memcpy(&ext_len, m + 20, 4);
	memcpy(&xsdt, m + 24, 8);
	fix_root(m, len, xsdt, 8);
	if (ext_len >= 36 && ext_len <= len)
		set_checksum(m, ext_len, m + 32);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acpi_info info;
	struct acpi_iommu_region regions[17];
	uint8_t rsdp[RSDP_MAX] = { 0 };
	unsigned int rsdp_len, n;
	uint64_t rsdp_pa = 0, ebda;
	static uint8_t *mem;
	size_t mem_len;
	uint8_t flags;

	if (size < 3)
		return 0;
	flags = data[0];
	ebda = (uint64_t)(data[1] | data[2] << 8) << 4;
	mem_len = size - 3;
	free(mem);
	mem = malloc(mem_len ? mem_len : 1);
	memcpy(mem, data + 3, mem_len);
	if (flags & 8)
		fix_checksums(mem, mem_len);
	fuzz_mem_reset(true);
	fuzz_mem_add(BDA_EBDA_SEGMENT, data + 1, 2);
	fuzz_mem_add(EBDA_BASE, mem, mem_len);
	fuzz_mem_add(BIOS_BASE, mem, mem_len);

	if (flags & 1) {
		if (acpi_find_rsdp_legacy(fuzz_mem_map, NULL, &rsdp_pa))
			goto out;
		/* the first KiB of the EBDA, which lies in conventional memory, or the BIOS area */
		FUZZ_CHECK(rsdp_pa % 16 == 0 &&
				   ((rsdp_pa >= ebda && rsdp_pa < ebda + 1024 && rsdp_pa < CONV_MEM_END) ||
				    (rsdp_pa >= BIOS_BASE && rsdp_pa < 0x100000)),
			   "RSDP found at %#llx, outside the EBDA at %#llx and the BIOS area",
			   (unsigned long long)rsdp_pa, (unsigned long long)ebda);
		/* platform.c: the direct map, BOOT_RSDP_MAX bytes; memory past the input reads as 0 */
		for (unsigned int i = 0; i < RSDP_MAX; i++) {
			const uint8_t *b = fuzz_mem_map(rsdp_pa + i, 1, NULL);

			rsdp[i] = b ? *b : 0;
		}
		rsdp_len = RSDP_MAX;
	} else {
		/* the loader's copy (multiboot2 tag 14 or 15) */
		rsdp_len = flags & 2 ? 36 : 20;
		memcpy(rsdp, mem, MIN(mem_len, (size_t)rsdp_len));
	}
	if (acpi_parse(rsdp, rsdp_len, fuzz_mem_map, NULL, &info))
		goto out;
	check_info(&info);

	n = acpi_iommu_regions(fuzz_mem_map, NULL, &info, regions, flags & 4 ? 2 : 16);
	FUZZ_CHECK(n <= (flags & 4 ? 2u : 16u), "%u IOMMU regions for a cap of %u", n,
		   flags & 4 ? 2u : 16u);
	for (unsigned int i = 0; i < n; i++)
		FUZZ_CHECK(regions[i].base && regions[i].size, "IOMMU region %u empty", i);
	for (unsigned int i = 0; i < info.ioapic_count; i++) {
		uint16_t sid = 0x5a5a;

		if (!acpi_dmar_ioapic_sid(fuzz_mem_map, NULL, &info, info.ioapics[i].id, &sid))
			FUZZ_CHECK(sid == 0x5a5a, "an I/O APIC's source id written though none was found");
	}
	if (info.have_madt)
		limit_madt(&info, flags >> 4);
	hide(info.dmar_addr);
	hide(info.ivrs_addr);
out:
	fuzz_mem_reset(false);
	return 0;
}
