/*
 * Host tests for the ACPI parser. Tables are crafted in a fake physical
 * memory made of two regions: the first MiB (BDA, EBDA, BIOS area) and a
 * MiB of "firmware" memory at 0x7fe00000 where the tables live.
 *
 * The fixture's map callback (acpi_fixture.c) hands out a freshly allocated
 * copy of exactly the range asked for, so AddressSanitizer flags any read
 * past what was mapped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite/acpi.h>
#include <xen-lite/errno.h>
#include <xen-lite/le.h>

#include "acpi_fixture.h"
#include "log_capture.h"

#define LOW_BASE 0x0ULL
#define LOW_SIZE 0x100000ULL
#define HIGH_BASE 0x7fe00000ULL
#define HIGH_SIZE 0x100000ULL
#define UNMAPPED_PA 0x40000000ULL

static uint64_t next_table_pa;
static struct acpi_info info;

static int setup(void **state)
{
	(void)state;
	fake_mem_add(LOW_BASE, LOW_SIZE);
	fake_mem_add(HIGH_BASE, HIGH_SIZE);
	next_table_pa = HIGH_BASE + 0x1000;
	memset(&info, 0xa5, sizeof(info)); /* acpi_parse must clear it */
	log_capture_reset();
	return 0;
}

/* ---- table construction ------------------------------------------------------ */

/* Each table gets the next TB_MAX bytes of the firmware memory. */
static struct tb tb_begin(const char *sig)
{
	struct tb b = tb_mem(next_table_pa, sig);

	next_table_pa += TB_MAX;
	return b;
}

static void corrupt_checksum(uint64_t pa)
{
	mem(pa, 36)[9] ^= 0x5a;
}

static uint64_t make_root(const char *sig, const uint64_t *tables, unsigned int n)
{
	struct tb b = tb_begin(sig);
	bool wide = memcmp(sig, "XSDT", 4) == 0;

	for (unsigned int i = 0; i < n; i++) {
		if (wide)
			tb_u64(&b, tables[i]);
		else
			tb_u32(&b, (uint32_t)tables[i]);
	}
	return tb_end(&b);
}

static uint64_t make_rsdt(const uint64_t *tables, unsigned int n)
{
	return make_root("RSDT", tables, n);
}

static uint64_t make_xsdt(const uint64_t *tables, unsigned int n)
{
	return make_root("XSDT", tables, n);
}

static void make_rsdp(uint8_t r[36], uint8_t revision, uint32_t rsdt, uint64_t xsdt)
{
	memset(r, 0, 36);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "XLTEST", 6);
	r[15] = revision;
	le32_put(r + 16, rsdt);
	if (revision >= 2) {
		le32_put(r + 20, 36);
		le64_put(r + 24, xsdt);
	}
	fix_checksum(r, 20, &r[8]);
	if (revision >= 2)
		fix_checksum(r, 36, &r[32]);
}

static int parse_v1(uint64_t rsdt)
{
	uint8_t r[36];

	make_rsdp(r, 0, (uint32_t)rsdt, 0);
	return acpi_parse(r, 20, fake_map, NULL, &info);
}

static int parse_v2(uint64_t rsdt, uint64_t xsdt)
{
	uint8_t r[36];

	make_rsdp(r, 2, (uint32_t)rsdt, xsdt);
	return acpi_parse(r, 36, fake_map, NULL, &info);
}

/* MADT pieces (the common entries are in the fixture) */

static struct tb madt_begin(uint32_t lapic_addr, uint32_t flags)
{
	struct tb b = tb_begin("APIC");

	tb_u32(&b, lapic_addr);
	tb_u32(&b, flags);
	return b;
}

static void madt_lapic_override(struct tb *b, uint64_t addr)
{
	madt_entry(b, 5, 12);
	tb_u16(b, 0);
	tb_u64(b, addr);
}

static uint64_t make_simple_madt(void)
{
	struct tb b = madt_begin(0xfee00000, 1);

	madt_lapic(&b, 0, 0, 1);
	madt_lapic(&b, 1, 1, 1);
	return tb_end(&b);
}

/* FADT with the given length, PM_TMR_BLK and flags. */
static struct tb fadt_begin(uint32_t len, uint32_t pm_tmr_blk, uint32_t flags)
{
	struct tb b = tb_begin("FACP");

	b.len = len;
	le32_put(b.p + 76, pm_tmr_blk);
	le32_put(b.p + 112, flags);
	return b;
}

static void fadt_x_pm_tmr(struct tb *b, uint8_t space, uint64_t addr)
{
	uint8_t *gas = b->p + 208;

	gas[0] = space;
	gas[1] = 32; /* bit width */
	gas[3] = 3; /* dword access */
	le64_put(gas + 4, addr);
}

static uint64_t make_empty_table(const char *sig)
{
	struct tb b = tb_begin(sig);

	return tb_end(&b);
}

/* ---- checksum ------------------------------------------------------------------ */

static void test_checksum(void **state)
{
	uint8_t buf[4] = { 0x10, 0x20, 0x30, 0xa0 };

	(void)state;
	assert_int_equal(acpi_checksum(buf, 4), 0);
	assert_int_equal(acpi_checksum(buf, 3), 0x60);
	assert_int_equal(acpi_checksum(buf, 0), 0);
}

/* ---- RSDP and root tables -------------------------------------------------------- */

static void test_rsdp_v1_rsdt(void **state)
{
	uint64_t madt = make_simple_madt();
	uint64_t ssdt = make_empty_table("SSDT");
	uint64_t rsdt = make_rsdt((uint64_t[]){ madt, ssdt }, 2);

	(void)state;
	assert_int_equal(parse_v1(rsdt), 0);
	assert_int_equal(info.revision, 0);
	assert_false(info.root_is_xsdt);
	assert_int_equal(info.root_addr, rsdt);
	assert_int_equal(info.rsdp_addr, 0);
	assert_int_equal(info.table_count, 2);
	assert_string_equal(info.tables[0].signature, "APIC");
	assert_int_equal(info.tables[0].addr, madt);
	assert_int_equal(info.tables[0].length, 36 + 8 + 2 * 8);
	assert_true(info.tables[0].checksum_ok);
	assert_string_equal(info.tables[1].signature, "SSDT");
	assert_int_equal(info.tables[1].addr, ssdt);
	assert_true(info.have_madt);
	assert_int_equal(info.cpu_count, 2);
	assert_int_equal(info.bad_checksums, 0);
	assert_false(info.have_fadt);
	assert_int_equal(info.mcfg_count, 0);
	assert_int_equal(info.dmar_addr, 0);
	assert_int_equal(log_capture_count(LOG_WARN), 0);
	assert_true(log_capture_contains("APIC at 0x7fe"));
}

static void test_rsdp_v2_xsdt(void **state)
{
	uint64_t madt = make_simple_madt();
	uint64_t xsdt = make_xsdt((uint64_t[]){ madt }, 1);

	(void)state;
	assert_int_equal(parse_v2(0, xsdt), 0);
	assert_int_equal(info.revision, 2);
	assert_true(info.root_is_xsdt);
	assert_int_equal(info.root_addr, xsdt);
	assert_int_equal(info.table_count, 1);
	assert_int_equal(info.tables[0].addr, madt);
	assert_int_equal(info.cpu_count, 2);
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_xsdt_preferred_over_rsdt(void **state)
{
	uint64_t madt = make_simple_madt();
	uint64_t fadt_only = make_empty_table("FACP");
	uint64_t rsdt = make_rsdt((uint64_t[]){ fadt_only }, 1);
	uint64_t xsdt = make_xsdt((uint64_t[]){ madt }, 1);

	(void)state;
	assert_int_equal(parse_v2(rsdt, xsdt), 0);
	assert_true(info.root_is_xsdt);
	assert_int_equal(info.root_addr, xsdt);
	assert_int_equal(info.table_count, 1);
	assert_string_equal(info.tables[0].signature, "APIC");
	assert_true(info.have_madt);
	assert_false(info.have_fadt);
}

static void test_bad_xsdt_falls_back_to_rsdt(void **state)
{
	uint64_t madt = make_simple_madt();
	uint64_t rsdt = make_rsdt((uint64_t[]){ madt }, 1);
	uint64_t xsdt = make_xsdt((uint64_t[]){ madt }, 1);

	(void)state;
	corrupt_checksum(xsdt);
	assert_int_equal(parse_v2(rsdt, xsdt), 0);
	assert_false(info.root_is_xsdt);
	assert_int_equal(info.root_addr, rsdt);
	assert_int_equal(info.bad_checksums, 1);
	assert_int_equal(info.cpu_count, 2);
	assert_true(log_capture_contains("XSDT at 0x7fe"));
	assert_true(log_capture_contains("falling back to the RSDT"));
}

static void test_xsdt_wrong_signature_falls_back(void **state)
{
	uint64_t madt = make_simple_madt();
	uint64_t rsdt = make_rsdt((uint64_t[]){ madt }, 1);

	(void)state;
	/* The "XSDT" address points at the MADT. */
	assert_int_equal(parse_v2(rsdt, madt), 0);
	assert_false(info.root_is_xsdt);
	assert_int_equal(info.root_addr, rsdt);
	assert_true(log_capture_contains("found signature APIC"));
}

static void test_rsdp_bad_checksum(void **state)
{
	uint8_t r[36];

	(void)state;
	make_rsdp(r, 0, (uint32_t)make_rsdt(NULL, 0), 0);
	r[8] ^= 1;
	assert_int_equal(acpi_parse(r, 20, fake_map, NULL, &info), -EINVAL);
	assert_int_equal(info.table_count, 0);
	assert_true(log_capture_contains("RSDP: bad checksum"));
}

static void test_rsdp_bad_signature(void **state)
{
	uint8_t r[36];

	(void)state;
	make_rsdp(r, 0, (uint32_t)make_rsdt(NULL, 0), 0);
	r[0] = 'X';
	r[8] = (uint8_t)(r[8] + 'R' - 'X'); /* keep the checksum valid */
	assert_int_equal(acpi_checksum(r, 20), 0);
	assert_int_equal(acpi_parse(r, 20, fake_map, NULL, &info), -EINVAL);
	assert_true(log_capture_contains("RSDP: bad signature"));
}

static void test_rsdp_too_short(void **state)
{
	uint8_t r[36];

	(void)state;
	make_rsdp(r, 0, (uint32_t)make_rsdt(NULL, 0), 0);
	assert_int_equal(acpi_parse(r, 19, fake_map, NULL, &info), -EINVAL);
	assert_int_equal(acpi_parse(NULL, 0, fake_map, NULL, &info), -EINVAL);
}

static void test_rsdp_bad_extended_checksum(void **state)
{
	uint8_t r[36];
	uint64_t xsdt = make_xsdt(NULL, 0);

	(void)state;
	make_rsdp(r, 2, 0, xsdt);
	r[32] ^= 1;
	assert_int_equal(acpi_parse(r, 36, fake_map, NULL, &info), -EINVAL);
	assert_true(log_capture_contains("bad extended checksum"));
}

static void test_rsdp_bad_extended_length(void **state)
{
	uint8_t r[36];

	(void)state;
	make_rsdp(r, 2, 0, make_xsdt(NULL, 0));
	le32_put(r + 20, 20);
	fix_checksum(r, 36, &r[32]);
	assert_int_equal(acpi_parse(r, 36, fake_map, NULL, &info), -EINVAL);
	assert_true(log_capture_contains("RSDP: bad length"));
}

/* A revision 2 RSDP given as only its first 20 bytes: the XSDT cannot be trusted. */
static void test_rsdp_v2_truncated_uses_rsdt(void **state)
{
	uint8_t r[36];
	uint64_t madt = make_simple_madt();
	uint64_t rsdt = make_rsdt((uint64_t[]){ madt }, 1);
	uint64_t xsdt = make_xsdt((uint64_t[]){ madt }, 1);

	(void)state;
	make_rsdp(r, 2, (uint32_t)rsdt, xsdt);
	assert_int_equal(acpi_parse(r, 20, fake_map, NULL, &info), 0);
	assert_false(info.root_is_xsdt);
	assert_int_equal(info.root_addr, rsdt);
	assert_int_equal(info.revision, 2);
	assert_true(log_capture_contains("using the RSDT"));
}

static void test_root_bad_checksum(void **state)
{
	uint64_t rsdt = make_rsdt((uint64_t[]){ make_simple_madt() }, 1);

	(void)state;
	corrupt_checksum(rsdt);
	assert_int_equal(parse_v1(rsdt), -ENOENT);
	assert_int_equal(info.table_count, 0);
	assert_int_equal(info.cpu_count, 0);
	assert_true(log_capture_contains("RSDT at 0x7fe"));
	assert_true(log_capture_contains("bad checksum"));
}

static void test_root_wrong_signature(void **state)
{
	uint64_t not_root = make_root("XSDT", NULL, 0);

	(void)state;
	assert_int_equal(parse_v1(not_root), -ENOENT);
	assert_true(log_capture_contains("RSDT expected"));
}

static void test_root_missing_or_unmapped(void **state)
{
	(void)state;
	assert_int_equal(parse_v1(0), -ENOENT);
	assert_int_equal(parse_v1(UNMAPPED_PA), -ENOENT);
	assert_true(log_capture_contains("not in mapped memory"));
	assert_int_equal(parse_v2(0, 0), -ENOENT);
}

static void test_root_partial_entry_and_null_entry(void **state)
{
	uint64_t madt = make_simple_madt();
	struct tb b = tb_begin("RSDT");
	uint64_t rsdt;

	(void)state;
	tb_u32(&b, 0);
	tb_u32(&b, (uint32_t)madt);
	tb_u16(&b, 0x1234); /* half an entry */
	rsdt = tb_end(&b);
	assert_int_equal(parse_v1(rsdt), 0);
	assert_int_equal(info.table_count, 1);
	assert_int_equal(info.cpu_count, 2);
	assert_true(log_capture_contains("null entry"));
	assert_true(log_capture_contains("tail ignored"));
}

static void test_too_many_tables(void **state)
{
	uint64_t entries[ACPI_MAX_TABLES + 6];
	uint64_t ssdt = make_empty_table("SSDT");
	uint64_t madt = make_simple_madt();
	uint64_t rsdt;

	(void)state;
	for (unsigned int i = 0; i < ACPI_MAX_TABLES + 5; i++)
		entries[i] = ssdt;
	entries[ACPI_MAX_TABLES + 5] = madt; /* still parsed, though not recorded */
	rsdt = make_rsdt(entries, ACPI_MAX_TABLES + 6);
	assert_int_equal(parse_v1(rsdt), 0);
	assert_int_equal(info.table_count, ACPI_MAX_TABLES);
	assert_int_equal(info.cpu_count, 2);
	assert_true(log_capture_contains("more than 64 tables, 6 not recorded"));
}

/* ---- MADT ---------------------------------------------------------------------- */

static void test_madt_cpus_and_ioapic(void **state)
{
	struct tb b = madt_begin(0xfee00000, 1);
	uint64_t madt;

	(void)state;
	madt_lapic(&b, 0, 0, 1);
	madt_lapic(&b, 1, 2, 1);
	madt_iso(&b, 0);
	madt_lapic(&b, 2, 4, 0); /* disabled, not online-capable */
	madt_lapic(&b, 3, 6, 2); /* online-capable only */
	madt_ioapic(&b, 8, 0xfec00000, 0);
	madt_x2apic(&b, 0x100, 1, 17);
	madt = tb_end(&b);

	assert_int_equal(parse_v1(make_rsdt(&madt, 1)), 0);
	assert_true(info.have_madt);
	assert_int_equal(info.lapic_addr, 0xfee00000);
	assert_true(info.pcat_compat);
	assert_int_equal(info.cpu_count, 4);

	assert_int_equal(info.cpus[0].apic_id, 0);
	assert_int_equal(info.cpus[0].acpi_uid, 0);
	assert_true(info.cpus[0].enabled);
	assert_false(info.cpus[0].online_capable);
	assert_false(info.cpus[0].x2apic_entry);

	assert_int_equal(info.cpus[1].apic_id, 2);
	assert_int_equal(info.cpus[1].acpi_uid, 1);
	assert_true(info.cpus[1].enabled);

	assert_int_equal(info.cpus[2].apic_id, 6);
	assert_int_equal(info.cpus[2].acpi_uid, 3);
	assert_false(info.cpus[2].enabled);
	assert_true(info.cpus[2].online_capable);

	assert_int_equal(info.cpus[3].apic_id, 0x100);
	assert_int_equal(info.cpus[3].acpi_uid, 17);
	assert_true(info.cpus[3].enabled);
	assert_true(info.cpus[3].x2apic_entry);

	assert_int_equal(info.ioapic_count, 1);
	assert_int_equal(info.ioapics[0].id, 8);
	assert_int_equal(info.ioapics[0].addr, 0xfec00000);
	assert_int_equal(info.ioapics[0].gsi_base, 0);
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_madt_no_pcat(void **state)
{
	struct tb b = madt_begin(0xfee00000, 0);
	uint64_t madt;

	(void)state;
	madt_lapic(&b, 0, 0, 1);
	madt = tb_end(&b);
	assert_int_equal(parse_v1(make_rsdt(&madt, 1)), 0);
	assert_false(info.pcat_compat);
	assert_int_equal(info.cpu_count, 1);
}

static void test_madt_lapic_override(void **state)
{
	struct tb b = madt_begin(0xfee00000, 1);
	uint64_t madt;

	(void)state;
	madt_lapic(&b, 0, 0, 1);
	madt_lapic_override(&b, 0x123456789000ULL);
	madt_lapic(&b, 1, 1, 1);
	madt = tb_end(&b);
	assert_int_equal(parse_v1(make_rsdt(&madt, 1)), 0);
	assert_int_equal(info.lapic_addr, 0x123456789000ULL);
	assert_int_equal(info.cpu_count, 2);
}

static void test_madt_duplicate_apic_ids(void **state)
{
	struct tb b = madt_begin(0xfee00000, 1);
	uint64_t madt;

	(void)state;
	madt_lapic(&b, 0, 0, 1);
	madt_lapic(&b, 1, 1, 1);
	madt_lapic(&b, 2, 1, 1); /* same APIC id again */
	madt_x2apic(&b, 1, 1, 1); /* and once more as an x2APIC */
	madt_x2apic(&b, 2, 1, 2);
	madt = tb_end(&b);
	assert_int_equal(parse_v1(make_rsdt(&madt, 1)), 0);
	assert_int_equal(info.cpu_count, 3);
	assert_int_equal(info.cpus[0].apic_id, 0);
	assert_int_equal(info.cpus[1].apic_id, 1);
	assert_int_equal(info.cpus[1].acpi_uid, 1);
	assert_false(info.cpus[1].x2apic_entry);
	assert_int_equal(info.cpus[2].apic_id, 2);
	assert_true(log_capture_contains("2 entries with an already listed APIC id"));
}

static void test_madt_bad_checksum_ignored(void **state)
{
	uint64_t madt = make_simple_madt();

	(void)state;
	corrupt_checksum(madt);
	assert_int_equal(parse_v1(make_rsdt(&madt, 1)), 0);
	assert_false(info.have_madt);
	assert_int_equal(info.cpu_count, 0);
	assert_int_equal(info.bad_checksums, 1);
	assert_int_equal(info.table_count, 1);
	assert_string_equal(info.tables[0].signature, "APIC");
	assert_false(info.tables[0].checksum_ok);
	assert_int_equal(log_capture_count(LOG_WARN), 1);
	assert_true(log_capture_contains("acpi: APIC at 0x7fe"));
	assert_true(log_capture_contains(": bad checksum, table ignored"));
}

static void test_madt_entry_length_zero(void **state)
{
	struct tb b = madt_begin(0xfee00000, 1);
	uint64_t madt;

	(void)state;
	madt_lapic(&b, 0, 0, 1);
	madt_lapic(&b, 1, 1, 1);
	tb_u8(&b, 0);
	tb_u8(&b, 0); /* length 0: would loop forever if trusted */
	madt_lapic(&b, 2, 2, 1);
	madt = tb_end(&b);
	assert_int_equal(parse_v1(make_rsdt(&madt, 1)), 0);
	assert_true(info.have_madt);
	assert_int_equal(info.cpu_count, 2);
	assert_int_equal(info.cpus[1].apic_id, 1);
	assert_int_equal(log_capture_count(LOG_WARN), 1);
	assert_true(log_capture_contains("offset 60 has bad length 0, parsing stopped"));
}

static void test_madt_entry_past_end(void **state)
{
	struct tb b = madt_begin(0xfee00000, 1);
	uint64_t madt;

	(void)state;
	madt_lapic(&b, 0, 0, 1);
	madt_ioapic(&b, 1, 0xfec00000, 0);
	tb_u8(&b, 9);
	tb_u8(&b, 16); /* claims 16 bytes, only 8 left in the table */
	tb_u16(&b, 0);
	tb_u32(&b, 7);
	madt = tb_end(&b);
	assert_int_equal(parse_v1(make_rsdt(&madt, 1)), 0);
	assert_int_equal(info.cpu_count, 1);
	assert_int_equal(info.ioapic_count, 1);
	assert_true(log_capture_contains("bad length 16, parsing stopped"));
}

static void test_madt_single_trailing_byte(void **state)
{
	struct tb b = madt_begin(0xfee00000, 1);
	uint64_t madt;

	(void)state;
	madt_lapic(&b, 0, 0, 1);
	tb_u8(&b, 0);
	madt = tb_end(&b);
	assert_int_equal(parse_v1(make_rsdt(&madt, 1)), 0);
	assert_int_equal(info.cpu_count, 1);
	assert_true(log_capture_contains("truncated entry"));
}

static void test_madt_entry_too_short_for_type(void **state)
{
	struct tb b = madt_begin(0xfee00000, 1);
	uint64_t madt;

	(void)state;
	madt_lapic(&b, 0, 0, 1);
	tb_u8(&b, 9);
	tb_u8(&b, 8); /* an x2APIC entry needs 16 bytes */
	tb_u16(&b, 0);
	tb_u32(&b, 5);
	madt_lapic(&b, 1, 1, 1);
	madt = tb_end(&b);
	assert_int_equal(parse_v1(make_rsdt(&madt, 1)), 0);
	assert_int_equal(info.cpu_count, 1);
	assert_true(log_capture_contains("type 9 entry at offset 52 too short (8)"));
}

static void test_madt_too_short(void **state)
{
	struct tb b = tb_begin("APIC");
	uint64_t madt;

	(void)state;
	tb_u32(&b, 0xfee00000); /* no flags field */
	madt = tb_end(&b);
	assert_int_equal(parse_v1(make_rsdt(&madt, 1)), 0);
	assert_false(info.have_madt);
	assert_int_equal(info.lapic_addr, 0);
	assert_true(log_capture_contains("APIC at 0x7fe"));
	assert_true(log_capture_contains("too short (40 bytes)"));
}

static void test_madt_too_many_cpus(void **state)
{
	struct tb b = madt_begin(0xfee00000, 1);
	uint64_t madt;

	(void)state;
	for (uint32_t id = 0; id < ACPI_MAX_CPUS + 44; id++)
		madt_x2apic(&b, id, 1, id);
	madt = tb_end(&b);
	assert_int_equal(parse_v1(make_rsdt(&madt, 1)), 0);
	assert_int_equal(info.cpu_count, ACPI_MAX_CPUS);
	assert_int_equal(info.cpus[ACPI_MAX_CPUS - 1].apic_id, ACPI_MAX_CPUS - 1);
	assert_true(log_capture_contains("more than 256 CPUs, 44 ignored"));
}

static void test_madt_too_many_ioapics(void **state)
{
	struct tb b = madt_begin(0xfee00000, 1);
	uint64_t madt;

	(void)state;
	for (uint8_t id = 0; id < ACPI_MAX_IOAPICS + 2; id++)
		madt_ioapic(&b, id, 0xfec00000 + id * 0x1000u, id * 24u);
	madt = tb_end(&b);
	assert_int_equal(parse_v1(make_rsdt(&madt, 1)), 0);
	assert_int_equal(info.ioapic_count, ACPI_MAX_IOAPICS);
	assert_int_equal(info.ioapics[15].gsi_base, 15 * 24);
	assert_true(log_capture_contains("I/O APICs, 2 ignored"));
}

static void test_second_madt_ignored(void **state)
{
	uint64_t first = make_simple_madt();
	struct tb b = madt_begin(0xfee00000, 1);
	uint64_t second;

	(void)state;
	madt_lapic(&b, 0, 9, 1);
	second = tb_end(&b);
	assert_int_equal(parse_v1(make_rsdt((uint64_t[]){ first, second }, 2)), 0);
	assert_int_equal(info.cpu_count, 2);
	assert_int_equal(info.table_count, 2);
	assert_true(log_capture_contains("another APIC was already used"));
}

/* ---- MCFG ---------------------------------------------------------------------- */

static void mcfg_entry(struct tb *b, uint64_t base, uint16_t seg, uint8_t start, uint8_t end)
{
	tb_u64(b, base);
	tb_u16(b, seg);
	tb_u8(b, start);
	tb_u8(b, end);
	tb_u32(b, 0);
}

static void test_mcfg_two_segments(void **state)
{
	struct tb b = tb_begin("MCFG");
	uint64_t mcfg;

	(void)state;
	tb_u64(&b, 0); /* reserved */
	mcfg_entry(&b, 0xe0000000, 0, 0, 0xff);
	mcfg_entry(&b, 0x4000000000ULL, 1, 0x10, 0x3f);
	mcfg = tb_end(&b);
	assert_int_equal(parse_v1(make_rsdt(&mcfg, 1)), 0);
	assert_int_equal(info.mcfg_count, 2);
	assert_int_equal(info.mcfg[0].base, 0xe0000000);
	assert_int_equal(info.mcfg[0].segment, 0);
	assert_int_equal(info.mcfg[0].bus_start, 0);
	assert_int_equal(info.mcfg[0].bus_end, 0xff);
	assert_int_equal(info.mcfg[1].base, 0x4000000000ULL);
	assert_int_equal(info.mcfg[1].segment, 1);
	assert_int_equal(info.mcfg[1].bus_start, 0x10);
	assert_int_equal(info.mcfg[1].bus_end, 0x3f);
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_mcfg_malformed(void **state)
{
	struct tb b = tb_begin("MCFG");
	uint64_t mcfg;

	(void)state;
	tb_u64(&b, 0);
	mcfg_entry(&b, 0xe0000000, 0, 0x20, 0x10); /* end bus below start bus */
	mcfg_entry(&b, 0xb0000000, 2, 0, 0x7f);
	tb_u32(&b, 0xdeadbeef); /* a partial entry */
	mcfg = tb_end(&b);
	assert_int_equal(parse_v1(make_rsdt(&mcfg, 1)), 0);
	assert_int_equal(info.mcfg_count, 1);
	assert_int_equal(info.mcfg[0].base, 0xb0000000);
	assert_int_equal(info.mcfg[0].segment, 2);
	assert_true(log_capture_contains("buses 32-16"));
	assert_true(log_capture_contains("4 trailing bytes"));
}

/* ---- FADT ---------------------------------------------------------------------- */

static void test_fadt_legacy_pm_timer(void **state)
{
	struct tb b = fadt_begin(116, 0x608, 1u << 8);
	uint64_t fadt = tb_end(&b);

	(void)state;
	assert_int_equal(parse_v1(make_rsdt(&fadt, 1)), 0);
	assert_true(info.have_fadt);
	assert_int_equal(info.pm_timer_port, 0x608);
	assert_true(info.pm_timer_32bit);
	assert_false(info.hw_reduced);
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_fadt_x_pm_timer_preferred(void **state)
{
	struct tb b = fadt_begin(276, 0x608, 0);
	uint64_t fadt;

	(void)state;
	fadt_x_pm_tmr(&b, 1, 0xb008);
	fadt = tb_end(&b);
	assert_int_equal(parse_v1(make_rsdt(&fadt, 1)), 0);
	assert_int_equal(info.pm_timer_port, 0xb008);
	assert_false(info.pm_timer_32bit);
}

static void test_fadt_x_pm_timer_not_io(void **state)
{
	struct tb b = fadt_begin(276, 0x608, 0);
	uint64_t fadt;

	(void)state;
	fadt_x_pm_tmr(&b, 2, 0x1008); /* PCI configuration space: not a port */
	fadt = tb_end(&b);
	assert_int_equal(parse_v1(make_rsdt(&fadt, 1)), 0);
	assert_int_equal(info.pm_timer_port, 0x608);
}

/* X_PM_TMR_BLK lies within 244 bytes but the table is too short to trust it. */
static void test_fadt_x_field_needs_full_length(void **state)
{
	struct tb b = fadt_begin(240, 0x608, 0);
	uint64_t fadt;

	(void)state;
	fadt_x_pm_tmr(&b, 1, 0xb008);
	fadt = tb_end(&b);
	assert_int_equal(parse_v1(make_rsdt(&fadt, 1)), 0);
	assert_int_equal(info.pm_timer_port, 0x608);
}

static void test_fadt_hw_reduced(void **state)
{
	struct tb b = fadt_begin(276, 0, 1u << 20);
	uint64_t fadt = tb_end(&b);

	(void)state;
	assert_int_equal(parse_v1(make_rsdt(&fadt, 1)), 0);
	assert_true(info.have_fadt);
	assert_true(info.hw_reduced);
	assert_int_equal(info.pm_timer_port, 0);
}

static void test_fadt_too_short(void **state)
{
	struct tb b = fadt_begin(100, 0x608, 0);
	uint64_t fadt = tb_end(&b);

	(void)state;
	assert_int_equal(parse_v1(make_rsdt(&fadt, 1)), 0);
	assert_false(info.have_fadt);
	assert_int_equal(info.pm_timer_port, 0);
	assert_true(log_capture_contains("FACP at 0x7fe"));
	assert_true(log_capture_contains("too short"));
}

static void test_fadt_bogus_port(void **state)
{
	struct tb b = fadt_begin(116, 0x12345, 0);
	uint64_t fadt = tb_end(&b);

	(void)state;
	assert_int_equal(parse_v1(make_rsdt(&fadt, 1)), 0);
	assert_int_equal(info.pm_timer_port, 0);
	assert_true(log_capture_contains("PM_TMR_BLK port 0x12345 out of range"));
}

/* ---- DMAR / IVRS ----------------------------------------------------------------- */

static void test_dmar_ivrs_recognised(void **state)
{
	uint64_t dmar = make_empty_table("DMAR");
	uint64_t ivrs = make_empty_table("IVRS");
	uint64_t xsdt = make_xsdt((uint64_t[]){ dmar, ivrs }, 2);

	(void)state;
	assert_int_equal(parse_v2(0, xsdt), 0);
	assert_int_equal(info.dmar_addr, dmar);
	assert_int_equal(info.ivrs_addr, ivrs);
	assert_int_equal(info.table_count, 2);
	assert_string_equal(info.tables[0].signature, "DMAR");
	assert_string_equal(info.tables[1].signature, "IVRS");
}

static void test_dmar_bad_checksum_not_recorded(void **state)
{
	uint64_t dmar = make_empty_table("DMAR");

	(void)state;
	corrupt_checksum(dmar);
	assert_int_equal(parse_v1(make_rsdt(&dmar, 1)), 0);
	assert_int_equal(info.dmar_addr, 0);
	assert_int_equal(info.bad_checksums, 1);
	assert_true(log_capture_contains("DMAR at 0x7fe"));
}

/* ---- hostile addresses and lengths ------------------------------------------------- */

static void test_table_outside_mapped_memory(void **state)
{
	uint64_t madt = make_simple_madt();
	uint64_t xsdt = make_xsdt((uint64_t[]){ UNMAPPED_PA, UINT64_MAX - 8, madt }, 3);

	(void)state;
	assert_int_equal(parse_v2(0, xsdt), 0);
	assert_int_equal(info.table_count, 1);
	assert_int_equal(info.tables[0].addr, madt);
	assert_int_equal(info.cpu_count, 2);
	assert_int_equal(log_capture_count(LOG_WARN), 2);
	assert_true(log_capture_contains("table at 0x40000000: header not in mapped memory"));
}

/* Header readable, but the body would run past the end of mapped memory. */
static void test_table_body_outside_mapped_memory(void **state)
{
	uint64_t pa = HIGH_BASE + HIGH_SIZE - 64;
	uint8_t *t = mem(pa, 64);
	uint64_t rsdt;

	(void)state;
	memcpy(t, "APIC", 4);
	le32_put(t + 4, 0x1000);
	rsdt = make_rsdt(&pa, 1);
	assert_int_equal(parse_v1(rsdt), 0);
	assert_false(info.have_madt);
	assert_int_equal(info.table_count, 1);
	assert_false(info.tables[0].checksum_ok);
	assert_int_equal(info.tables[0].length, 0x1000);
	assert_true(log_capture_contains("APIC at 0x7fefffc0: length 4096 runs outside mapped memory"));
}

static void test_absurd_table_length(void **state)
{
	uint64_t huge = make_empty_table("APIC");
	uint64_t tiny = make_empty_table("MCFG");
	uint64_t rsdt;

	(void)state;
	le32_put(mem(huge, 36) + 4, 0xffffffff);
	le32_put(mem(tiny, 36) + 4, 8);
	rsdt = make_rsdt((uint64_t[]){ huge, tiny }, 2);
	assert_int_equal(parse_v1(rsdt), 0);
	assert_false(info.have_madt);
	assert_int_equal(info.mcfg_count, 0);
	assert_int_equal(info.table_count, 2);
	assert_false(info.tables[0].checksum_ok);
	assert_false(info.tables[1].checksum_ok);
	assert_true(log_capture_contains("implausible length 4294967295"));
	assert_true(log_capture_contains("MCFG at 0x7fe"));
	assert_true(log_capture_contains("implausible length 8,"));
}

static void test_root_absurd_length(void **state)
{
	uint64_t rsdt = make_rsdt(NULL, 0);

	(void)state;
	le32_put(mem(rsdt, 36) + 4, 32u << 20);
	assert_int_equal(parse_v1(rsdt), -ENOENT);
	assert_true(log_capture_contains("RSDT at 0x7fe"));
}

/* Signatures go to the console: unprintable bytes are replaced. */
static void test_garbage_signature_sanitised(void **state)
{
	uint64_t t = make_empty_table("A\001\n\377");
	uint64_t rsdt = make_rsdt(&t, 1);

	(void)state;
	assert_int_equal(parse_v1(rsdt), 0);
	assert_int_equal(info.table_count, 1);
	assert_string_equal(info.tables[0].signature, "A???");
}

/* ---- legacy RSDP scan ---------------------------------------------------------- */

static void place_rsdp(uint64_t pa, uint8_t revision)
{
	make_rsdp(mem(pa, 36), revision, (uint32_t)make_rsdt(NULL, 0), 0);
}

static void set_ebda(uint64_t ebda)
{
	le16_put(mem(0x40e, 2), (uint16_t)(ebda >> 4));
}

static void test_legacy_rsdp_in_ebda(void **state)
{
	uint64_t pa = 0;

	(void)state;
	set_ebda(0x9fc00);
	place_rsdp(0x9fc00 + 0x3f0, 2); /* last slot of the first KiB */
	place_rsdp(0xf0000, 0); /* the EBDA must win */
	assert_int_equal(acpi_find_rsdp_legacy(fake_map, NULL, &pa), 0);
	assert_int_equal(pa, 0x9fc00 + 0x3f0);
}

static void test_legacy_rsdp_beyond_ebda_kib(void **state)
{
	uint64_t pa = 0;

	(void)state;
	set_ebda(0x9fc00);
	place_rsdp(0x9fc00 + 0x400, 0);
	assert_int_equal(acpi_find_rsdp_legacy(fake_map, NULL, &pa), -ENOENT);
}

/* The EBDA is conventional memory: its first KiB is not searched past 640 KiB (the VGA hole). */
static void test_legacy_rsdp_ebda_kib_ends_at_640k(void **state)
{
	uint64_t pa = 0;

	(void)state;
	set_ebda(0x9fc20); /* only 0x3e0 bytes below 0xa0000 */
	place_rsdp(0xa0000, 0);
	assert_int_equal(acpi_find_rsdp_legacy(fake_map, NULL, &pa), -ENOENT);
	place_rsdp(0x9ffe0, 0);
	assert_int_equal(acpi_find_rsdp_legacy(fake_map, NULL, &pa), 0);
	assert_int_equal(pa, 0x9ffe0);
}

static void test_legacy_rsdp_in_bios_area(void **state)
{
	uint64_t pa = 0;
	uint8_t *decoy;

	(void)state;
	set_ebda(0x9fc00);
	decoy = mem(0xe0000, 36);
	make_rsdp(decoy, 0, 0x1000, 0);
	decoy[8] ^= 1; /* signature but bad checksum */
	place_rsdp(0xe0010 + 4, 0); /* not on a 16-byte boundary */
	place_rsdp(0xf5a10, 0);
	assert_int_equal(acpi_find_rsdp_legacy(fake_map, NULL, &pa), 0);
	assert_int_equal(pa, 0xf5a10);
}

static void test_legacy_rsdp_v2_needs_extended_checksum(void **state)
{
	uint64_t pa = 0;
	uint8_t *bad;

	(void)state;
	set_ebda(0);
	bad = mem(0xe1000, 36);
	make_rsdp(bad, 2, 0x1000, 0x2000);
	bad[32] ^= 1;
	place_rsdp(0xe2000, 2);
	assert_int_equal(acpi_find_rsdp_legacy(fake_map, NULL, &pa), 0);
	assert_int_equal(pa, 0xe2000);
}

/* The very last slot: a v2 RSDP there would run past 1 MiB, which is not mapped. */
static void test_legacy_rsdp_last_slot(void **state)
{
	uint64_t pa = 0;
	uint8_t *r = mem(0xffff0, 16);

	(void)state;
	set_ebda(0);
	memcpy(r, "RSD PTR ", 8);
	assert_int_equal(acpi_find_rsdp_legacy(fake_map, NULL, &pa), -ENOENT);
}

static void test_legacy_rsdp_not_found(void **state)
{
	uint64_t pa = 0x1234;

	(void)state;
	set_ebda(0x9fc00);
	assert_int_equal(acpi_find_rsdp_legacy(fake_map, NULL, &pa), -ENOENT);
	assert_int_equal(pa, 0x1234);
}

/* End to end: scan, then parse the RSDP found in place. */
static void test_legacy_scan_then_parse(void **state)
{
	uint64_t madt = make_simple_madt();
	uint64_t xsdt = make_xsdt(&madt, 1);
	uint64_t pa = 0;

	(void)state;
	set_ebda(0x9fc00);
	make_rsdp(mem(0xf0120, 36), 2, 0, xsdt);
	assert_int_equal(acpi_find_rsdp_legacy(fake_map, NULL, &pa), 0);
	assert_int_equal(pa, 0xf0120);
	assert_int_equal(acpi_parse(fake_map(pa, 36, NULL), 36, fake_map, NULL, &info), 0);
	assert_true(info.root_is_xsdt);
	assert_int_equal(info.cpu_count, 2);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, acpi_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_checksum),
		T(test_rsdp_v1_rsdt),
		T(test_rsdp_v2_xsdt),
		T(test_xsdt_preferred_over_rsdt),
		T(test_bad_xsdt_falls_back_to_rsdt),
		T(test_xsdt_wrong_signature_falls_back),
		T(test_rsdp_bad_checksum),
		T(test_rsdp_bad_signature),
		T(test_rsdp_too_short),
		T(test_rsdp_bad_extended_checksum),
		T(test_rsdp_bad_extended_length),
		T(test_rsdp_v2_truncated_uses_rsdt),
		T(test_root_bad_checksum),
		T(test_root_wrong_signature),
		T(test_root_missing_or_unmapped),
		T(test_root_partial_entry_and_null_entry),
		T(test_too_many_tables),
		T(test_madt_cpus_and_ioapic),
		T(test_madt_no_pcat),
		T(test_madt_lapic_override),
		T(test_madt_duplicate_apic_ids),
		T(test_madt_bad_checksum_ignored),
		T(test_madt_entry_length_zero),
		T(test_madt_entry_past_end),
		T(test_madt_single_trailing_byte),
		T(test_madt_entry_too_short_for_type),
		T(test_madt_too_short),
		T(test_madt_too_many_cpus),
		T(test_madt_too_many_ioapics),
		T(test_second_madt_ignored),
		T(test_mcfg_two_segments),
		T(test_mcfg_malformed),
		T(test_fadt_legacy_pm_timer),
		T(test_fadt_x_pm_timer_preferred),
		T(test_fadt_x_pm_timer_not_io),
		T(test_fadt_x_field_needs_full_length),
		T(test_fadt_hw_reduced),
		T(test_fadt_too_short),
		T(test_fadt_bogus_port),
		T(test_dmar_ivrs_recognised),
		T(test_dmar_bad_checksum_not_recorded),
		T(test_table_outside_mapped_memory),
		T(test_table_body_outside_mapped_memory),
		T(test_absurd_table_length),
		T(test_root_absurd_length),
		T(test_garbage_signature_sanitised),
		T(test_legacy_rsdp_in_ebda),
		T(test_legacy_rsdp_beyond_ebda_kib),
		T(test_legacy_rsdp_ebda_kib_ends_at_640k),
		T(test_legacy_rsdp_in_bios_area),
		T(test_legacy_rsdp_v2_needs_extended_checksum),
		T(test_legacy_rsdp_last_slot),
		T(test_legacy_rsdp_not_found),
		T(test_legacy_scan_then_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
