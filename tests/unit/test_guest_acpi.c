/*
 * Host tests for guest_acpi_build: the tables are read back here the way an
 * OS would (RSDP -> XSDT -> FADT/MADT, FADT -> DSDT, the DSDT's AML parsed
 * just enough to find the serial port), and fed to the hypervisor's own
 * ACPI parser. The page lives in a heap buffer of exactly GUEST_ACPI_SIZE
 * bytes, so AddressSanitizer flags any write past it.
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
#include <xen-lite/guest_acpi.h>
#include <xen-lite/le.h>

#include "log_capture.h"

#define BASE 0x000fe000ULL
#define HIGH_BASE 0x1234567000ULL /* above 4 GiB: the FADT's 32-bit DSDT field must stay 0 */
#define LAPIC 0xfee00000ULL
#define PORT 0x3f8
#define HDR_LEN 36

static uint8_t *buf;
static uint64_t base;
static const uint32_t ids[] = { 0, 2, 4, 6 };
#define NCPUS 4u

static int setup(void **state)
{
	(void)state;
	buf = malloc(GUEST_ACPI_SIZE);
	assert_non_null(buf);
	memset(buf, 0xaa, GUEST_ACPI_SIZE); /* the builder must zero what it does not write */
	base = BASE;
	log_capture_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(buf);
	return 0;
}

/* ---- reading back ------------------------------------------------------------ */

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

static void build(uint64_t at, const uint32_t *apic_ids, unsigned int n, uint16_t port)
{
	base = at;
	assert_int_equal(guest_acpi_build(buf, at, LAPIC, apic_ids, n, port, NULL), 0);
}

/*
 * The table at guest-physical gpa, after checking what every table must
 * satisfy: inside the page, 16-byte aligned, the signature expected, a
 * length that fits, bytes summing to 0, and our OEM and creator fields.
 */
static const uint8_t *table(uint64_t gpa, const char *sig)
{
	const uint8_t *t;
	uint32_t len;

	assert_true(gpa >= base && gpa - base <= GUEST_ACPI_SIZE - HDR_LEN);
	assert_int_equal(gpa % 16, 0);
	t = buf + (gpa - base);
	assert_memory_equal(t, sig, 4);
	len = le32_get(t + 4);
	assert_true(len >= HDR_LEN && len <= GUEST_ACPI_SIZE - (gpa - base));
	assert_int_equal(sum(t, len), 0);
	assert_memory_equal(t + 10, "XLITE ", 6);
	assert_memory_equal(t + 16, "XENLITE ", 8);
	assert_int_equal(le32_get(t + 24), 1);
	assert_memory_equal(t + 28, "XLIT", 4);
	assert_int_equal(le32_get(t + 32), 1);
	return t;
}

static uint64_t xsdt_gpa(void)
{
	return le64_get(buf + 24);
}

static const uint8_t *xsdt_entry(unsigned int i, const char *sig)
{
	const uint8_t *x = table(xsdt_gpa(), "XSDT");

	return table(le64_get(x + HDR_LEN + 8 * i), sig);
}

static const uint8_t *fadt(void)
{
	return xsdt_entry(0, "FACP");
}

static const uint8_t *madt(void)
{
	return xsdt_entry(1, "APIC");
}

static const uint8_t *dsdt(void)
{
	return table(le64_get(fadt() + 140), "DSDT");
}

/* ---- RSDP and XSDT ------------------------------------------------------------ */

static void test_rsdp(void **state)
{
	(void)state;
	build(BASE, ids, NCPUS, PORT);
	assert_memory_equal(buf, "RSD PTR ", 8);
	assert_int_equal(sum(buf, 20), 0);
	assert_int_equal(sum(buf, 36), 0);
	assert_memory_equal(buf + 9, "XLITE ", 6);
	assert_int_equal(buf[15], 2);
	assert_int_equal(le32_get(buf + 16), 0); /* no RSDT */
	assert_int_equal(le32_get(buf + 20), 36);
	table(xsdt_gpa(), "XSDT");
}

static void test_xsdt(void **state)
{
	const uint8_t *x;

	(void)state;
	build(BASE, ids, NCPUS, PORT);
	x = table(xsdt_gpa(), "XSDT");
	assert_int_equal(le32_get(x + 4), HDR_LEN + 2 * 8);
	assert_int_equal(x[8], 1);
	fadt();
	madt();
}

/* Tables lie in the page without overlapping; everything else is zero. */
static void test_layout(void **state)
{
	uint8_t used[GUEST_ACPI_SIZE] = { 0 };
	const uint8_t *tables[4];

	(void)state;
	build(BASE, ids, NCPUS, PORT);
	tables[0] = table(xsdt_gpa(), "XSDT");
	tables[1] = fadt();
	tables[2] = madt();
	tables[3] = dsdt();
	memset(used, 1, 36); /* RSDP */
	for (int i = 0; i < 4; i++) {
		size_t off = (size_t)(tables[i] - buf);

		for (size_t j = off; j < off + le32_get(tables[i] + 4); j++) {
			assert_int_equal(used[j], 0);
			used[j] = 1;
		}
	}
	for (size_t j = 0; j < GUEST_ACPI_SIZE; j++)
		if (!used[j])
			assert_int_equal(buf[j], 0);
}

/* ---- the power-off / reset contract ----------------------------------------------- */

/* The values the hypervisor's port trap is written against. */
static void test_power_constants(void **state)
{
	(void)state;
	assert_int_equal(GUEST_ACPI_SLEEP_CONTROL_PORT, 0x600);
	assert_int_equal(GUEST_ACPI_SLEEP_STATUS_PORT, 0x601);
	assert_int_equal(GUEST_ACPI_RESET_PORT, 0x602);
	assert_int_equal(GUEST_ACPI_RESET_VALUE, 0x01);
	assert_int_equal(GUEST_ACPI_S5_SLP_TYP, 5);
	assert_int_equal(GUEST_ACPI_SLP_EN, 0x20);
	/* What ACPICA writes to the sleep control register to enter S5. */
	assert_int_equal(((GUEST_ACPI_S5_SLP_TYP << 2) & 0x1c) | GUEST_ACPI_SLP_EN, 0x34);
}

/* ---- FADT ------------------------------------------------------------------------ */

/* A Generic Address Structure: SystemIO, 8 bits at bit 0, byte access, at port. */
static void check_gas_io8(const uint8_t *gas, uint16_t port)
{
	const uint8_t want[12] = { 1, 8, 0, 1, (uint8_t)port, (uint8_t)(port >> 8) };

	assert_memory_equal(gas, want, sizeof(want));
}

static void test_fadt(void **state)
{
	const uint8_t *f;
	uint16_t boot_arch;

	(void)state;
	build(BASE, ids, NCPUS, PORT);
	f = fadt();
	assert_int_equal(le32_get(f + 4), 276);
	assert_int_equal(f[8], 6); /* major version */
	assert_int_equal(f[131], 4); /* minor version */
	/* WBINVD, RESET_REG_SUP, FORCE_APIC_PHYSICAL_DESTINATION_MODE, HW_REDUCED_ACPI, nothing else */
	assert_int_equal(le32_get(f + 112), (1u << 0) | (1u << 10) | (1u << 19) | (1u << 20));
	check_gas_io8(f + 116, 0x602); /* RESET_REG */
	assert_int_equal(f[128], 0x01); /* RESET_VALUE */
	assert_int_equal(le16_get(f + 129), 0); /* ARM_BOOT_ARCH */
	check_gas_io8(f + 244, 0x600); /* SLEEP_CONTROL_REG */
	check_gas_io8(f + 256, 0x601); /* SLEEP_STATUS_REG */
	assert_int_equal(le64_get(f + 268), 0); /* hypervisor vendor identity */
	/* The legacy S5 path stays unused: no PM1 control blocks. */
	assert_int_equal(le32_get(f + 64), 0); /* PM1a_CNT_BLK */
	assert_int_equal(f[89], 0); /* PM1_CNT_LEN */
	assert_int_equal(le64_get(f + 172 + 4), 0); /* X_PM1a_CNT_BLK address */
	assert_int_equal(le64_get(f + 184 + 4), 0); /* X_PM1b_CNT_BLK address */
	boot_arch = le16_get(f + 109);
	assert_false(boot_arch & (1u << 0)); /* LEGACY_DEVICES */
	assert_false(boot_arch & (1u << 1)); /* 8042 */
	assert_true(boot_arch & (1u << 2)); /* VGA not present */
	assert_false(boot_arch & (1u << 3)); /* MSI not supported */
	assert_true(boot_arch & (1u << 5)); /* CMOS RTC not present */
	assert_int_equal(le16_get(f + 46), 0); /* SCI_INT */
	assert_int_equal(le32_get(f + 36), 0); /* FIRMWARE_CTRL: no FACS */
	assert_int_equal(le64_get(f + 132), 0); /* X_FIRMWARE_CTRL */
	assert_int_equal(le32_get(f + 76), 0); /* PM_TMR_BLK */
	assert_int_equal(f[91], 0); /* PM_TMR_LEN */
	assert_int_equal(le64_get(f + 208 + 4), 0); /* X_PM_TMR_BLK address */
	assert_int_equal(le32_get(f + 56), 0); /* PM1a_EVT_BLK */
	assert_int_equal(le64_get(f + 148 + 4), 0); /* X_PM1a_EVT_BLK address */
	/* Both DSDT pointers name the same table. */
	assert_int_equal(le32_get(f + 40), le64_get(f + 140));
	dsdt();
}

static void test_fadt_dsdt_above_4g(void **state)
{
	const uint8_t *f;

	(void)state;
	build(HIGH_BASE, ids, NCPUS, PORT);
	assert_int_equal(sum(buf, 36), 0);
	f = fadt();
	assert_int_equal(le32_get(f + 40), 0);
	assert_true(le64_get(f + 140) > UINT32_MAX);
	dsdt();
	madt();
}

/* ---- MADT ------------------------------------------------------------------------ */

static void check_madt(const uint32_t *apic_ids, unsigned int n)
{
	const uint8_t *m = madt();
	uint32_t len = le32_get(m + 4);

	assert_int_equal(m[8], 5);
	assert_int_equal(len, 44 + 8 * n);
	assert_int_equal(le32_get(m + 36), LAPIC);
	assert_int_equal(le32_get(m + 40), 0); /* no PCAT_COMPAT */
	for (unsigned int i = 0; i < n; i++) {
		const uint8_t *e = m + 44 + 8 * i;

		assert_int_equal(e[0], 0); /* Processor Local APIC, so never an I/O APIC (1) */
		assert_int_equal(e[1], 8);
		assert_int_equal(e[2], i);
		assert_int_equal(e[3], apic_ids[i]);
		assert_int_equal(le32_get(e + 4), 1); /* enabled */
	}
}

static void test_madt(void **state)
{
	(void)state;
	build(BASE, ids, NCPUS, PORT);
	check_madt(ids, NCPUS);
}

static void test_madt_one_and_max_cpus(void **state)
{
	uint32_t many[GUEST_ACPI_MAX_CPUS];

	(void)state;
	for (unsigned int i = 0; i < GUEST_ACPI_MAX_CPUS; i++)
		many[i] = 0xfe - i;
	build(BASE, many, GUEST_ACPI_MAX_CPUS, PORT);
	check_madt(many, GUEST_ACPI_MAX_CPUS);
	dsdt(); /* still inside the page after the longest MADT */

	memset(buf, 0xaa, GUEST_ACPI_SIZE);
	build(BASE, many + 3, 1, PORT);
	check_madt(many + 3, 1);
}

/* ---- refusals ----------------------------------------------------------------------- */

static void expect_einval(uint64_t at, uint64_t lapic, const uint32_t *apic_ids, unsigned int n,
			  uint16_t port)
{
	memset(buf, 0xaa, GUEST_ACPI_SIZE);
	assert_int_equal(guest_acpi_build(buf, at, lapic, apic_ids, n, port, NULL), -EINVAL);
	for (size_t i = 0; i < GUEST_ACPI_SIZE; i++)
		assert_int_equal(buf[i], 0xaa);
}

static void test_refusals(void **state)
{
	uint32_t many[GUEST_ACPI_MAX_CPUS + 1] = { 0 };
	uint32_t bad_ff[] = { 0, 0xff };
	uint32_t bad_big[] = { 0x100 };

	(void)state;
	for (unsigned int i = 0; i <= GUEST_ACPI_MAX_CPUS; i++)
		many[i] = i;
	expect_einval(BASE, LAPIC, ids, 0, PORT);
	expect_einval(BASE, LAPIC, many, GUEST_ACPI_MAX_CPUS + 1, PORT);
	expect_einval(BASE + 8, LAPIC, ids, NCPUS, PORT);
	expect_einval(BASE + 1, LAPIC, ids, NCPUS, PORT);
	expect_einval(UINT64_MAX - 0xfff + 16, LAPIC, ids, NCPUS, PORT); /* the page would wrap */
	expect_einval(BASE, 0x100000000ULL, ids, NCPUS, PORT);
	expect_einval(BASE, LAPIC, bad_ff, 2, PORT);
	expect_einval(BASE, LAPIC, bad_big, 1, PORT);
	expect_einval(BASE, LAPIC, ids, NCPUS, 0xfff9);
	/* The UART's 8 ports would cover a trapped power/reset port (0x600-0x602). */
	expect_einval(BASE, LAPIC, ids, NCPUS, 0x5f9);
	expect_einval(BASE, LAPIC, ids, NCPUS, 0x600);
	expect_einval(BASE, LAPIC, ids, NCPUS, 0x602);

	/* The edges that are still fine. */
	assert_int_equal(guest_acpi_build(buf, BASE, LAPIC, many, GUEST_ACPI_MAX_CPUS, 0xfff8, NULL), 0);
	assert_int_equal(guest_acpi_build(buf, BASE, LAPIC, ids, NCPUS, 0x5f8, NULL), 0);
	assert_int_equal(guest_acpi_build(buf, BASE, LAPIC, ids, NCPUS, 0x603, NULL), 0);
	assert_int_equal(guest_acpi_build(buf, UINT64_MAX - 0xfff, 0xffffffffULL, ids, NCPUS, PORT, NULL), 0);
}

/* ---- DSDT AML ----------------------------------------------------------------------- */

/* Decode the PkgLength at *p (20.2.4); advance past it. */
static uint32_t pkg_length(const uint8_t **p)
{
	const uint8_t *q = *p;
	unsigned int follow = q[0] >> 6;
	uint32_t len;

	if (follow == 0) {
		*p = q + 1;
		return q[0] & 0x3f;
	}
	assert_int_equal(q[0] & 0x30, 0); /* reserved in the multi-byte form */
	len = q[0] & 0x0f;
	for (unsigned int i = 0; i < follow; i++)
		len |= (uint32_t)q[1 + i] << (4 + 8 * i);
	*p = q + 1 + follow;
	return len;
}

/* The 1-byte form must be used whenever it fits. */
static void assert_minimal_pkg(const uint8_t *p, uint32_t len)
{
	if (len <= 63)
		assert_int_equal(p[0] >> 6, 0);
}

/* A ComputationalData integer (20.2.3) as an interpreter reads it; advance past it. */
static uint64_t aml_integer(const uint8_t **p)
{
	const uint8_t *q = *p;

	switch (q[0]) {
	case 0x00: /* ZeroOp */
		*p = q + 1;
		return 0;
	case 0x01: /* OneOp */
		*p = q + 1;
		return 1;
	case 0x0a: /* BytePrefix */
		*p = q + 2;
		return q[1];
	case 0x0b: /* WordPrefix */
		*p = q + 3;
		return le16_get(q + 1);
	case 0x0c: /* DWordPrefix */
		*p = q + 5;
		return le32_get(q + 1);
	default:
		fail_msg("not an AML integer: opcode 0x%02x", q[0]);
		return 0;
	}
}

/*
 * Parses Name (_S5_, Package (4) { a, b, 0, 0 }) at *p the way ACPICA's
 * acpi_get_sleep_type_data reads it: a package of integers whose first two
 * are SLP_TYPa and SLP_TYPb. Checks the exact encoding too; advances *p.
 */
static void check_s5(const uint8_t **pp, const uint8_t *end)
{
	static const uint8_t want[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
					0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };
	const uint8_t *p = *pp, *pkg, *pkg_end;
	uint32_t len;

	assert_true(p + sizeof(want) <= end);
	assert_memory_equal(p, want, sizeof(want));
	/* The same, decoded: NameOp, NameSeg, PackageOp, PkgLength, NumElements, elements. */
	assert_int_equal(*p++, 0x08);
	assert_memory_equal(p, "_S5_", 4);
	p += 4;
	assert_int_equal(*p++, 0x12);
	pkg = p;
	len = pkg_length(&p);
	assert_minimal_pkg(pkg, len);
	pkg_end = pkg + len;
	assert_true(pkg_end <= end);
	assert_int_equal(*p++, 4);
	assert_int_equal(aml_integer(&p), GUEST_ACPI_S5_SLP_TYP); /* SLP_TYPa */
	assert_int_equal(aml_integer(&p), GUEST_ACPI_S5_SLP_TYP); /* SLP_TYPb */
	assert_int_equal(aml_integer(&p), 0); /* reserved */
	assert_int_equal(aml_integer(&p), 0); /* reserved */
	assert_ptr_equal(p, pkg_end); /* four elements fill the package exactly */
	*pp = p;
}

/*
 * Parses the DSDT: Name (_S5_, ...) then Scope (\_SB_) { Device (COM1)
 * { Name... } }, nothing before, between or after; returns the device's body.
 */
static const uint8_t *dsdt_device(const uint8_t *d, const uint8_t **dev_end)
{
	const uint8_t *end = d + le32_get(d + 4);
	const uint8_t *p = d + HDR_LEN, *pkg;
	uint32_t len;

	assert_int_equal(d[8], 2);
	check_s5(&p, end);
	assert_int_equal(*p++, 0x10); /* ScopeOp */
	pkg = p;
	len = pkg_length(&p);
	assert_minimal_pkg(pkg, len);
	assert_ptr_equal(pkg + len, end); /* the scope is the rest of the definition block */
	assert_memory_equal(p, "\\_SB_", 5);
	p += 5;
	assert_int_equal(*p++, 0x5b); /* DeviceOp */
	assert_int_equal(*p++, 0x82);
	pkg = p;
	len = pkg_length(&p);
	assert_minimal_pkg(pkg, len);
	*dev_end = pkg + len;
	assert_ptr_equal(*dev_end, end); /* the device is all the scope holds */
	assert_memory_equal(p, "COM1", 4);
	return p + 4;
}

static const uint8_t *find(const uint8_t *p, const uint8_t *end, const void *what, size_t len)
{
	for (; p + len <= end; p++)
		if (memcmp(p, what, len) == 0)
			return p;
	return NULL;
}

static void check_dsdt(uint16_t port)
{
	static const uint8_t hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x05, 0x01 };
	static const uint8_t uid[] = { 0x08, '_', 'U', 'I', 'D', 0x00 };
	static const uint8_t crs[] = { 0x08, '_', 'C', 'R', 'S', 0x11 };
	const uint8_t io[] = { 0x0a, 10, 0x47, 0x01, (uint8_t)port, (uint8_t)(port >> 8),
			       (uint8_t)port, (uint8_t)(port >> 8), 0x01, 0x08, 0x79, 0x00 };
	const uint8_t *dev_end, *body = dsdt_device(dsdt(), &dev_end), *p, *pkg;
	uint32_t len;

	assert_non_null(find(body, dev_end, hid, sizeof(hid)));
	assert_non_null(find(body, dev_end, uid, sizeof(uid)));
	p = find(body, dev_end, crs, sizeof(crs));
	assert_non_null(p);
	p += sizeof(crs);
	pkg = p;
	len = pkg_length(&p);
	assert_minimal_pkg(pkg, len);
	assert_ptr_equal(pkg + len, p + sizeof(io)); /* the buffer holds exactly the template */
	assert_memory_equal(p, io, sizeof(io));
	/* Nothing else in the device (so no interrupt resource): _HID, _UID, _CRS. */
	assert_int_equal(dev_end - body, sizeof(hid) + sizeof(uid) + sizeof(crs) + 1 + sizeof(io));
	/*
	 * The lengths add up: header, _S5 (14 bytes), ScopeOp, its 1-byte
	 * PkgLength, "\_SB_", DeviceOp (2), its 1-byte PkgLength, "COM1", body.
	 */
	assert_int_equal(le32_get(dsdt() + 4),
			 HDR_LEN + 14 + 1 + 1 + 5 + 2 + 1 + 4 + (uint32_t)(dev_end - body));
}

static void test_dsdt_aml(void **state)
{
	(void)state;
	build(BASE, ids, NCPUS, PORT);
	check_dsdt(PORT);
}

/* A port whose two bytes differ, and a second base: the AML does not depend on it. */
static void test_dsdt_other_port(void **state)
{
	(void)state;
	build(HIGH_BASE, ids, NCPUS, 0x12f8);
	check_dsdt(0x12f8);
	build(BASE, ids, NCPUS, 0x2f8);
	check_dsdt(0x2f8);
}

/*
 * A guest with PCI functions: after COM1 the scope holds Device (PCI0) with
 * _HID PNP0A03, _UID 0 and a _CRS that a resource walker reads as bus 0,
 * the configuration ports and one memory window per BAR, then the end tag.
 */
static void test_dsdt_pci_root(void **state)
{
	static const uint8_t pci0[] = { 0x5b, 0x82 };
	static const uint8_t hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03 };
	static const uint8_t crs[] = { 0x08, '_', 'C', 'R', 'S', 0x11 };
	static const uint8_t bus[] = { 0x88, 13, 0, 2, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	static const uint8_t io[] = { 0x47, 0x01, 0xf8, 0x0c, 0xf8, 0x0c, 0x01, 0x08 };
	const struct guest_acpi_pci pci = { 2, { { 0xfeb10000, 0x4000 }, { 0x800000000ULL, 0x100000 } } };
	const uint8_t *d, *end, *p, *pkg;
	uint32_t len;
	uint64_t size;

	(void)state;
	base = BASE;
	assert_int_equal(guest_acpi_build(buf, BASE, LAPIC, ids, NCPUS, PORT, &pci), 0);
	d = dsdt(); /* checksum, length and place checked */
	end = d + le32_get(d + 4);
	p = find(d + HDR_LEN, end, "PCI0", 4);
	assert_non_null(p);
	assert_memory_equal(p - 4, pci0, 2); /* DeviceOp, then a 2-byte PkgLength */
	pkg = p - 2;
	len = pkg_length(&pkg);
	assert_ptr_equal(p - 2 + len, end); /* the last thing in the scope */
	assert_non_null(find(p, end, hid, sizeof(hid)));
	p = find(p, end, crs, sizeof(crs));
	assert_non_null(p);
	p += sizeof(crs);
	pkg = p;
	len = pkg_length(&p);
	assert_ptr_equal(pkg + len, end);
	size = aml_integer(&p);
	assert_int_equal(size, sizeof(bus) + sizeof(io) + 2 * 46 + 2);
	assert_ptr_equal(p + size, end); /* the buffer fills the package */
	assert_memory_equal(p, bus, sizeof(bus));
	p += sizeof(bus);
	assert_memory_equal(p, io, sizeof(io));
	p += sizeof(io);
	for (unsigned int i = 0; i < 2; i++, p += 46) {
		assert_int_equal(p[0], 0x8a);
		assert_int_equal(le16_get(p + 1), 43);
		assert_int_equal(p[3], 0); /* memory */
		assert_int_equal(p[4], 0x0c); /* producer, fixed minimum and maximum */
		assert_int_equal(p[5], 0x01); /* read-write */
		assert_int_equal(le64_get(p + 6), 0); /* granularity */
		assert_int_equal(le64_get(p + 14), pci.windows[i].base);
		assert_int_equal(le64_get(p + 22), pci.windows[i].base + pci.windows[i].size - 1);
		assert_int_equal(le64_get(p + 30), 0); /* no translation */
		assert_int_equal(le64_get(p + 38), pci.windows[i].size);
	}
	assert_int_equal(p[0], 0x79);
	assert_ptr_equal(p + 2, end);
}

static void test_pci_windows_refused(void **state)
{
	struct guest_acpi_pci pci = { 1, { { 0xfeb10000, 0 } } };
	uint32_t many[GUEST_ACPI_MAX_CPUS];

	(void)state;
	for (unsigned int i = 0; i < GUEST_ACPI_MAX_CPUS; i++)
		many[i] = i;
	assert_int_equal(guest_acpi_build(buf, BASE, LAPIC, ids, NCPUS, PORT, &pci), -EINVAL); /* empty */
	pci.windows[0] = (struct guest_acpi_window){ 0xfffffffffffff000ULL, 0x2000 };
	assert_int_equal(guest_acpi_build(buf, BASE, LAPIC, ids, NCPUS, PORT, &pci), -EINVAL); /* wraps */
	pci.nr_windows = GUEST_ACPI_MAX_WINDOWS + 1;
	pci.windows[0] = (struct guest_acpi_window){ 0xfeb10000, 0x1000 };
	assert_int_equal(guest_acpi_build(buf, BASE, LAPIC, ids, NCPUS, PORT, &pci), -EINVAL);
	/* the most windows fit the page */
	pci.nr_windows = GUEST_ACPI_MAX_WINDOWS;
	for (unsigned int i = 0; i < GUEST_ACPI_MAX_WINDOWS; i++)
		pci.windows[i] = (struct guest_acpi_window){ 0x100000000ULL * (i + 1), 0x1000 };
	base = BASE;
	assert_int_equal(guest_acpi_build(buf, BASE, LAPIC, many, GUEST_ACPI_MAX_CPUS, PORT, &pci), 0);
	dsdt();
}

/* ---- the hypervisor's own parser -------------------------------------------------- */

static const void *page_map(uint64_t pa, uint64_t len, void *ctx)
{
	(void)ctx;
	if (pa < base || len > GUEST_ACPI_SIZE || pa - base > GUEST_ACPI_SIZE - len)
		return NULL;
	return buf + (pa - base);
}

static void test_hypervisor_parser_accepts(void **state)
{
	static struct acpi_info info;

	(void)state;
	build(HIGH_BASE, ids, NCPUS, PORT);
	assert_int_equal(acpi_parse(buf, 36, page_map, NULL, &info), 0);
	assert_int_equal(log_capture_count(LOG_WARN) + log_capture_count(LOG_ERROR), 0);
	assert_int_equal(info.revision, 2);
	assert_true(info.root_is_xsdt);
	assert_int_equal(info.root_addr, xsdt_gpa());
	assert_int_equal(info.table_count, 2);
	assert_int_equal(info.bad_checksums, 0);
	assert_true(info.have_fadt);
	assert_true(info.hw_reduced);
	assert_int_equal(info.pm_timer_port, 0);
	assert_true(info.have_madt);
	assert_int_equal(info.lapic_addr, LAPIC);
	assert_false(info.pcat_compat);
	assert_int_equal(info.ioapic_count, 0);
	assert_int_equal(info.cpu_count, NCPUS);
	for (unsigned int i = 0; i < NCPUS; i++) {
		assert_int_equal(info.cpus[i].apic_id, ids[i]);
		assert_int_equal(info.cpus[i].acpi_uid, i);
		assert_true(info.cpus[i].enabled);
		assert_false(info.cpus[i].x2apic_entry);
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_power_constants),
		T(test_rsdp),
		T(test_xsdt),
		T(test_layout),
		T(test_fadt),
		T(test_fadt_dsdt_above_4g),
		T(test_madt),
		T(test_madt_one_and_max_cpus),
		T(test_refusals),
		T(test_dsdt_aml),
		T(test_dsdt_other_port),
		T(test_dsdt_pci_root),
		T(test_pci_windows_refused),
		T(test_hypervisor_parser_accepts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
