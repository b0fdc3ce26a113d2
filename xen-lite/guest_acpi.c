/*
 * Guest ACPI tables (see include/xen-lite/guest_acpi.h): just enough for a
 * stock Linux kernel to find its CPUs and its console on a machine with no
 * legacy hardware. Layouts are those of the ACPI Specification 6.4:
 *   4.1       Hardware-Reduced ACPI (no SCI, PM blocks, GPEs or FACS)
 *   5.2.3.2   Generic Address Structure
 *   5.2.5.3   RSDP structure
 *   5.2.6     System Description Table Header
 *   5.2.8     XSDT
 *   5.2.9     FADT (format and fixed feature flags), 5.2.9.3 IA-PC Boot
 *             Architecture Flags
 *   5.2.11.1  DSDT
 *   7.4.2     \_Sx (System States)
 *   5.2.12    MADT, 5.2.12.2 Processor Local APIC Structure
 *   6.4.2.5   I/O Port Descriptor, 6.4.2.9 End Tag
 *   16.1      Sleeping States (on hardware-reduced ACPI, SLEEP_CONTROL_REG
 *             and SLEEP_STATUS_REG replace the PM1 control/status bits)
 *   20.2      AML grammar (20.2.4 Package Length Encoding)
 *
 * The page holds, each on a 16-byte boundary: RSDP, XSDT, FADT, MADT, DSDT.
 */
#include <xen-lite/errno.h>
#include <xen-lite/guest_acpi.h>
#include <xen-lite/le.h>
#include <xen-lite/string.h>

#define TABLE_ALIGN 16

/* 5.2.6: the header every table but the RSDP starts with. */
#define SDT_HDR_LEN 36
#define SDT_OFF_LENGTH 4
#define SDT_OFF_REVISION 8
#define SDT_OFF_CHECKSUM 9
#define SDT_OFF_OEM_ID 10
#define SDT_OFF_OEM_TABLE_ID 16
#define SDT_OFF_OEM_REVISION 24
#define SDT_OFF_CREATOR_ID 28
#define SDT_OFF_CREATOR_REVISION 32

#define OEM_ID "XLITE " /* 6 bytes */
#define OEM_TABLE_ID "XENLITE " /* 8 bytes */
#define OEM_REVISION 1
#define CREATOR_ID "XLIT"
#define CREATOR_REVISION 1

/* 5.2.5.3 */
#define RSDP_V1_LEN 20 /* the part the first checksum covers */
#define RSDP_LEN 36
#define RSDP_OFF_CHECKSUM 8
#define RSDP_OFF_OEM_ID 9
#define RSDP_OFF_REVISION 15
#define RSDP_OFF_LENGTH 20
#define RSDP_OFF_XSDT 24
#define RSDP_OFF_EXT_CHECKSUM 32
#define RSDP_REVISION 2 /* ACPI 2.0+: XSDT and extended checksum valid */

/* 5.2.8: two 64-bit entries, FADT and MADT (the DSDT is reached via the FADT). */
#define XSDT_REVISION 1
#define XSDT_ENTRIES 2
#define XSDT_LEN (SDT_HDR_LEN + 8 * XSDT_ENTRIES)

/* 5.2.9: the ACPI 6.x FADT, 276 bytes. */
#define FADT_LEN 276
#define FADT_REVISION 6
#define FADT_MINOR_VERSION 4 /* ACPI 6.4 */
#define FADT_OFF_DSDT 40
#define FADT_OFF_IAPC_BOOT_ARCH 109
#define FADT_OFF_FLAGS 112
#define FADT_OFF_RESET_REG 116
#define FADT_OFF_RESET_VALUE 128
#define FADT_OFF_MINOR_VERSION 131
#define FADT_OFF_X_DSDT 140
#define FADT_OFF_SLEEP_CONTROL_REG 244
#define FADT_OFF_SLEEP_STATUS_REG 256
#define FADT_WBINVD (1u << 0) /* required of every new ACPI system */
#define FADT_RESET_REG_SUP (1u << 10)
#define FADT_FORCE_APIC_PHYSICAL (1u << 19) /* the ICR policy refuses x2APIC logical IPIs */
#define FADT_HW_REDUCED_ACPI (1u << 20)
#define IAPC_VGA_NOT_PRESENT (1u << 2)
#define IAPC_CMOS_RTC_NOT_PRESENT (1u << 5)

/* 5.2.3.2: Generic Address Structure, 12 bytes. */
#define GAS_LEN 12
#define GAS_OFF_ADDRESS 4
#define GAS_SPACE_SYSTEM_IO 1
#define GAS_ACCESS_BYTE 1

/* The sleep control register's SLP_TYP field: bits 2-4. */
#define SLP_TYP_SHIFT 2
#define SLP_TYP_MAX 7

/* 5.2.12: revision 5 is ACPI 6.3/6.4's. */
#define MADT_REVISION 5
#define MADT_OFF_LAPIC_ADDR 36
#define MADT_OFF_ENTRIES 44
#define MADT_TYPE_LAPIC 0
#define MADT_LAPIC_LEN 8
#define MADT_LAPIC_ENABLED (1u << 0)
#define MADT_MAX_LEN (MADT_OFF_ENTRIES + MADT_LAPIC_LEN * GUEST_ACPI_MAX_CPUS)
#define APIC_ID_INVALID 0xFF /* Linux skips such an entry; a real id needs x2APIC */

/* 5.2.11.1: revision 2 makes AML integers 64-bit. */
#define DSDT_REVISION 2
#define DSDT_MAX_LEN 2048 /* generous: 99 bytes, and 1.3 KiB with a host bridge of 24 windows */

/* 20.2 opcodes */
#define AML_ZERO_OP 0x00
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0A
#define AML_WORD_PREFIX 0x0B
#define AML_DWORD_PREFIX 0x0C
#define AML_SCOPE_OP 0x10
#define AML_BUFFER_OP 0x11
#define AML_PACKAGE_OP 0x12
#define AML_EXT_OP_PREFIX 0x5B
#define AML_DEVICE_OP 0x82 /* after AML_EXT_OP_PREFIX */
#define AML_PKG_1BYTE_MAX 63 /* 6 bits */
#define AML_PKG_2BYTE_MAX 0xFFF /* 4 + 8 bits */

/* EISAID("PNP0501"), a 16550-compatible UART: "PNP" in three 5-bit letters, 0x0501, big-endian. */
#define EISAID_PNP0501 0x0105D041u
#define EISAID_PNP0A03 0x030AD041u /* a PCI host bridge */

/* 6.4.2.5 / 6.4.2.9 */
#define RES_IO_PORT 0x47 /* small item 0x08, 7 bytes */
#define RES_IO_DECODE16 0x01
#define RES_END_TAG 0x79 /* small item 0x0F, 1 byte */
/* 6.4.3.5: address space descriptors (large items) */
#define RES_WORD_ADDRESS 0x88
#define RES_WORD_ADDRESS_LEN 13
#define RES_QWORD_ADDRESS 0x8A
#define RES_QWORD_ADDRESS_LEN 43
#define RES_TYPE_MEMORY 0
#define RES_TYPE_BUS 2
#define RES_FLAGS_PRODUCER_FIXED 0x0C /* a producer, positive decode, minimum and maximum fixed */
#define RES_MEM_READ_WRITE 0x01 /* non-cacheable */
#define PCI_CONFIG_PORT 0xCF8
#define PCI_CONFIG_PORTS 8
#define UART_PORTS 8
#define IO_PORT_MAX 0xFFFFu

/* The trapped ports, as one range the UART must stay out of. */
#define ACPI_PORTS_FIRST GUEST_ACPI_SLEEP_CONTROL_PORT
#define ACPI_PORTS_LAST GUEST_ACPI_RESET_PORT

_Static_assert(GUEST_ACPI_S5_SLP_TYP <= SLP_TYP_MAX, "SLP_TYP is a 3-bit field");
_Static_assert(GUEST_ACPI_SLP_EN == 1u << (SLP_TYP_SHIFT + 3), "SLP_EN sits just above SLP_TYP");
_Static_assert(GUEST_ACPI_SLEEP_STATUS_PORT >= ACPI_PORTS_FIRST &&
		       GUEST_ACPI_SLEEP_STATUS_PORT <= ACPI_PORTS_LAST &&
		       ACPI_PORTS_FIRST < ACPI_PORTS_LAST && ACPI_PORTS_LAST <= IO_PORT_MAX,
	       "the trapped ports form one range");
_Static_assert(GUEST_ACPI_RESET_VALUE <= 0xFF, "RESET_VALUE is one byte");

_Static_assert(ALIGN_UP(RSDP_LEN, TABLE_ALIGN) + ALIGN_UP(XSDT_LEN, TABLE_ALIGN) +
			       ALIGN_UP(FADT_LEN, TABLE_ALIGN) + ALIGN_UP(MADT_MAX_LEN, TABLE_ALIGN) +
			       DSDT_MAX_LEN <=
		       GUEST_ACPI_SIZE,
	       "guest ACPI tables fit their page");
_Static_assert(DSDT_MAX_LEN <= AML_PKG_2BYTE_MAX, "every DSDT PkgLength fits the 2-byte form");

/* The byte that makes len bytes (with it still zero) sum to 0 mod 256. */
static uint8_t checksum_byte(const uint8_t *p, uint32_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *p++);
	return (uint8_t)-sum;
}

/* Fill in the header of a table whose body is written; the checksum last. */
static void sdt_finish(uint8_t *t, const char *sig, uint32_t len, uint8_t revision)
{
	memcpy(t, sig, 4);
	le32_put(t + SDT_OFF_LENGTH, len);
	t[SDT_OFF_REVISION] = revision;
	memcpy(t + SDT_OFF_OEM_ID, OEM_ID, 6);
	memcpy(t + SDT_OFF_OEM_TABLE_ID, OEM_TABLE_ID, 8);
	le32_put(t + SDT_OFF_OEM_REVISION, OEM_REVISION);
	memcpy(t + SDT_OFF_CREATOR_ID, CREATOR_ID, 4);
	le32_put(t + SDT_OFF_CREATOR_REVISION, CREATOR_REVISION);
	t[SDT_OFF_CHECKSUM] = 0;
	t[SDT_OFF_CHECKSUM] = checksum_byte(t, len);
}

static void build_rsdp(uint8_t *r, uint64_t xsdt_gpa)
{
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + RSDP_OFF_OEM_ID, OEM_ID, 6);
	r[RSDP_OFF_REVISION] = RSDP_REVISION;
	/* RsdtAddress stays 0: an OS reading revision 2 uses the XSDT. */
	le32_put(r + RSDP_OFF_LENGTH, RSDP_LEN);
	le64_put(r + RSDP_OFF_XSDT, xsdt_gpa);
	r[RSDP_OFF_CHECKSUM] = checksum_byte(r, RSDP_V1_LEN);
	r[RSDP_OFF_EXT_CHECKSUM] = checksum_byte(r, RSDP_LEN);
}

static void build_xsdt(uint8_t *t, uint64_t fadt_gpa, uint64_t madt_gpa)
{
	le64_put(t + SDT_HDR_LEN, fadt_gpa);
	le64_put(t + SDT_HDR_LEN + 8, madt_gpa);
	sdt_finish(t, "XSDT", XSDT_LEN, XSDT_REVISION);
}

/* A Generic Address Structure for an 8-bit register at an I/O port, accessed a byte at a time. */
static void put_gas_io8(uint8_t *gas, uint16_t port)
{
	gas[0] = GAS_SPACE_SYSTEM_IO;
	gas[1] = 8; /* register bit width */
	gas[2] = 0; /* register bit offset */
	gas[3] = GAS_ACCESS_BYTE;
	le64_put(gas + GAS_OFF_ADDRESS, port);
}

/*
 * Hardware-reduced: SCI_INT, SMI_CMD, the PM1/PM2/GPE blocks, the PM timer
 * and FIRMWARE_CTRL all stay 0 (4.1). IAPC_BOOT_ARCH: LEGACY_DEVICES and
 * 8042 clear (nothing to probe for outside the DSDT), VGA not present, MSI
 * allowed, CMOS RTC not present. Reset and S5 go through the trapped ports
 * (see guest_acpi.h).
 */
static void build_fadt(uint8_t *t, uint64_t dsdt_gpa)
{
	/* The 32-bit field too, for OSes that read only it; ACPICA accepts both when equal. */
	if (dsdt_gpa <= UINT32_MAX)
		le32_put(t + FADT_OFF_DSDT, (uint32_t)dsdt_gpa);
	le16_put(t + FADT_OFF_IAPC_BOOT_ARCH, IAPC_VGA_NOT_PRESENT | IAPC_CMOS_RTC_NOT_PRESENT);
	le32_put(t + FADT_OFF_FLAGS,
	      FADT_WBINVD | FADT_RESET_REG_SUP | FADT_FORCE_APIC_PHYSICAL | FADT_HW_REDUCED_ACPI);
	put_gas_io8(t + FADT_OFF_RESET_REG, GUEST_ACPI_RESET_PORT);
	t[FADT_OFF_RESET_VALUE] = GUEST_ACPI_RESET_VALUE;
	t[FADT_OFF_MINOR_VERSION] = FADT_MINOR_VERSION;
	le64_put(t + FADT_OFF_X_DSDT, dsdt_gpa);
	put_gas_io8(t + FADT_OFF_SLEEP_CONTROL_REG, GUEST_ACPI_SLEEP_CONTROL_PORT);
	put_gas_io8(t + FADT_OFF_SLEEP_STATUS_REG, GUEST_ACPI_SLEEP_STATUS_PORT);
	sdt_finish(t, "FACP", FADT_LEN, FADT_REVISION);
}

/* Flags 0: no PC-AT dual 8259 for the OS to mask. No I/O APIC: polled devices only. */
static uint32_t build_madt(uint8_t *t, uint32_t lapic_gpa, const uint32_t *apic_ids,
			   unsigned int n)
{
	uint8_t *e = t + MADT_OFF_ENTRIES;

	le32_put(t + MADT_OFF_LAPIC_ADDR, lapic_gpa);
	for (unsigned int i = 0; i < n; i++, e += MADT_LAPIC_LEN) {
		e[0] = MADT_TYPE_LAPIC;
		e[1] = MADT_LAPIC_LEN;
		e[2] = (uint8_t)i; /* ACPI processor UID */
		e[3] = (uint8_t)apic_ids[i];
		le32_put(e + 4, MADT_LAPIC_ENABLED);
	}
	sdt_finish(t, "APIC", (uint32_t)(e - t), MADT_REVISION);
	return (uint32_t)(e - t);
}

/* ---- AML ----------------------------------------------------------------- */

struct aml {
	uint8_t *p;
	uint32_t len;
};

static void aml_byte(struct aml *a, uint8_t b)
{
	a->p[a->len++] = b;
}

static void aml_bytes(struct aml *a, const void *src, uint32_t n)
{
	memcpy(a->p + a->len, src, n);
	a->len += n;
}

/*
 * A PkgLength counts itself, so its size depends on what follows: room for
 * the 2-byte form is reserved here, and pkg_close() shrinks it to 1 byte
 * when the package is short enough (20.2.4).
 */
static uint32_t pkg_open(struct aml *a)
{
	uint32_t at = a->len;

	a->len += 2;
	return at;
}

static void pkg_close(struct aml *a, uint32_t at)
{
	uint32_t body = a->len - at - 2;

	if (body + 1 <= AML_PKG_1BYTE_MAX) {
		a->p[at] = (uint8_t)(body + 1);
		memmove(a->p + at + 1, a->p + at + 2, body);
		a->len--;
		return;
	}
	/* Bits 7-6 of the lead byte: one more byte follows; bits 3-0: the low nibble. */
	a->p[at] = (uint8_t)(0x40 | ((body + 2) & 0x0F));
	a->p[at + 1] = (uint8_t)((body + 2) >> 4);
}

static void aml_name_dword(struct aml *a, const char *name, uint32_t v)
{
	uint8_t le[4];

	le32_put(le, v);
	aml_byte(a, AML_NAME_OP);
	aml_bytes(a, name, 4);
	aml_byte(a, AML_DWORD_PREFIX);
	aml_bytes(a, le, sizeof(le));
}

static void aml_name_zero(struct aml *a, const char *name)
{
	aml_byte(a, AML_NAME_OP);
	aml_bytes(a, name, 4);
	aml_byte(a, AML_ZERO_OP);
}

/*
 * Name (_S5, Package (0x04) { typ, typ, Zero, Zero }): SLP_TYPa, SLP_TYPb
 * and two reserved elements. ACPICA uses only SLP_TYPa with the sleep
 * control register; b matches it as a PM1b register would need.
 */
static void aml_s5(struct aml *a, uint8_t slp_typ)
{
	uint32_t pkg;

	aml_byte(a, AML_NAME_OP);
	aml_bytes(a, "_S5_", 4);
	aml_byte(a, AML_PACKAGE_OP);
	pkg = pkg_open(a);
	aml_byte(a, 4); /* NumElements */
	aml_byte(a, AML_BYTE_PREFIX);
	aml_byte(a, slp_typ);
	aml_byte(a, AML_BYTE_PREFIX);
	aml_byte(a, slp_typ);
	aml_byte(a, AML_ZERO_OP);
	aml_byte(a, AML_ZERO_OP);
	pkg_close(a, pkg);
}

/* Name (_CRS, ResourceTemplate () { IO (Decode16, port, port, 1, 8) }): no IRQ, so polled. */
static void aml_crs_io(struct aml *a, uint16_t port)
{
	uint8_t res[] = { RES_IO_PORT, RES_IO_DECODE16, 0, 0, 0, 0, 1, UART_PORTS,
			  RES_END_TAG, 0 /* checksum 0: not checked */ };
	uint32_t pkg;

	le16_put(res + 2, port); /* minimum base */
	le16_put(res + 4, port); /* maximum base */
	aml_byte(a, AML_NAME_OP);
	aml_bytes(a, "_CRS", 4);
	aml_byte(a, AML_BUFFER_OP);
	pkg = pkg_open(a);
	aml_byte(a, AML_BYTE_PREFIX);
	aml_byte(a, sizeof(res));
	aml_bytes(a, res, sizeof(res));
	pkg_close(a, pkg);
}

/* Name (_CRS, Buffer () { res }), its size as a byte or a word */
static void aml_crs(struct aml *a, const uint8_t *res, uint32_t n)
{
	uint32_t pkg;

	aml_byte(a, AML_NAME_OP);
	aml_bytes(a, "_CRS", 4);
	aml_byte(a, AML_BUFFER_OP);
	pkg = pkg_open(a);
	if (n <= 0xFF) {
		aml_byte(a, AML_BYTE_PREFIX);
		aml_byte(a, (uint8_t)n);
	} else {
		aml_byte(a, AML_WORD_PREFIX);
		aml_byte(a, (uint8_t)n);
		aml_byte(a, (uint8_t)(n >> 8));
	}
	aml_bytes(a, res, n);
	pkg_close(a, pkg);
}

/* One QWordMemory window, [base, base + size): read-write, non-cacheable, untranslated. */
static uint32_t res_memory_window(uint8_t *r, const struct guest_acpi_window *w)
{
	memset(r, 0, 3 + RES_QWORD_ADDRESS_LEN);
	r[0] = RES_QWORD_ADDRESS;
	le16_put(r + 1, RES_QWORD_ADDRESS_LEN);
	r[3] = RES_TYPE_MEMORY;
	r[4] = RES_FLAGS_PRODUCER_FIXED;
	r[5] = RES_MEM_READ_WRITE;
	le64_put(r + 14, w->base); /* after the granularity: minimum, maximum, translation, length */
	le64_put(r + 22, w->base + w->size - 1);
	le64_put(r + 38, w->size);
	return 3 + RES_QWORD_ADDRESS_LEN;
}

/*
 * Device (PCI0) { _HID PNP0A03, _UID 0, _CRS { bus 0, the configuration
 * ports, a memory window per BAR } }: where Linux looks for a root bus (it
 * scans none on an ACPI machine unless one is declared), and the ranges
 * its devices' BARs may occupy.
 */
static void aml_pci_root(struct aml *a, const struct guest_acpi_pci *pci)
{
	uint8_t res[16 + 8 + GUEST_ACPI_MAX_WINDOWS * (3 + RES_QWORD_ADDRESS_LEN) + 2] = { 0 };
	uint32_t n = 0, dev;

	res[n++] = RES_WORD_ADDRESS;
	le16_put(res + n, RES_WORD_ADDRESS_LEN);
	n += 2;
	res[n++] = RES_TYPE_BUS;
	res[n++] = RES_FLAGS_PRODUCER_FIXED;
	n += 1 + 2 + 2 + 2 + 2; /* type flags, granularity, minimum 0, maximum 0, translation */
	le16_put(res + n, 1); /* length: one bus */
	n += 2;
	res[n++] = RES_IO_PORT;
	res[n++] = RES_IO_DECODE16;
	le16_put(res + n, PCI_CONFIG_PORT);
	le16_put(res + n + 2, PCI_CONFIG_PORT);
	res[n + 4] = 1;
	res[n + 5] = PCI_CONFIG_PORTS;
	n += 6;
	for (unsigned int i = 0; i < pci->nr_windows; i++)
		n += res_memory_window(res + n, &pci->windows[i]);
	res[n++] = RES_END_TAG;
	res[n++] = 0;

	aml_byte(a, AML_EXT_OP_PREFIX);
	aml_byte(a, AML_DEVICE_OP);
	dev = pkg_open(a);
	aml_bytes(a, "PCI0", 4);
	aml_name_dword(a, "_HID", EISAID_PNP0A03);
	aml_name_zero(a, "_UID");
	aml_crs(a, res, n);
	pkg_close(a, dev);
}

/* Name (_S5, ...); Scope (\_SB) { Device (COM1) { _HID PNP0501, _UID 0, _CRS }, [PCI0] } */
static uint32_t build_dsdt(uint8_t *t, uint16_t uart_port, const struct guest_acpi_pci *pci)
{
	struct aml a = { t, SDT_HDR_LEN };
	uint32_t scope, dev;

	aml_s5(&a, GUEST_ACPI_S5_SLP_TYP);
	aml_byte(&a, AML_SCOPE_OP);
	scope = pkg_open(&a);
	aml_bytes(&a, "\\_SB_", 5);
	aml_byte(&a, AML_EXT_OP_PREFIX);
	aml_byte(&a, AML_DEVICE_OP);
	dev = pkg_open(&a);
	aml_bytes(&a, "COM1", 4);
	aml_name_dword(&a, "_HID", EISAID_PNP0501);
	aml_name_zero(&a, "_UID");
	aml_crs_io(&a, uart_port);
	pkg_close(&a, dev);
	if (pci)
		aml_pci_root(&a, pci);
	pkg_close(&a, scope);
	sdt_finish(t, "DSDT", a.len, DSDT_REVISION);
	return a.len;
}

/* ---- the page -------------------------------------------------------------- */

static bool windows_ok(const struct guest_acpi_pci *pci)
{
	if (!pci)
		return true;
	if (pci->nr_windows > GUEST_ACPI_MAX_WINDOWS)
		return false;
	for (unsigned int i = 0; i < pci->nr_windows; i++)
		if (!pci->windows[i].size || pci->windows[i].base + pci->windows[i].size - 1 < pci->windows[i].base)
			return false;
	return true;
}

static bool args_ok(uint64_t base_gpa, uint64_t lapic_gpa, const uint32_t *apic_ids,
		    unsigned int n, uint16_t uart_port)
{
	if (n == 0 || n > GUEST_ACPI_MAX_CPUS)
		return false;
	if (!IS_ALIGNED(base_gpa, TABLE_ALIGN) || base_gpa > UINT64_MAX - (GUEST_ACPI_SIZE - 1))
		return false;
	if (lapic_gpa > UINT32_MAX || uart_port > IO_PORT_MAX - (UART_PORTS - 1))
		return false;
	if (uart_port <= ACPI_PORTS_LAST && uart_port + (UART_PORTS - 1) >= ACPI_PORTS_FIRST)
		return false;
	for (unsigned int i = 0; i < n; i++)
		if (apic_ids[i] >= APIC_ID_INVALID)
			return false;
	return true;
}

int guest_acpi_build(uint8_t *buf, uint64_t base_gpa, uint64_t lapic_gpa,
		     const uint32_t *apic_ids, unsigned int n, uint16_t uart_port,
		     const struct guest_acpi_pci *pci)
{
	uint32_t xsdt, fadt, madt, dsdt;

	if (!args_ok(base_gpa, lapic_gpa, apic_ids, n, uart_port) || !windows_ok(pci))
		return -EINVAL;
	memset(buf, 0, GUEST_ACPI_SIZE);

	xsdt = ALIGN_UP(RSDP_LEN, TABLE_ALIGN);
	fadt = ALIGN_UP(xsdt + XSDT_LEN, TABLE_ALIGN);
	madt = ALIGN_UP(fadt + FADT_LEN, TABLE_ALIGN);
	dsdt = ALIGN_UP(madt + build_madt(buf + madt, (uint32_t)lapic_gpa, apic_ids, n),
			TABLE_ALIGN);
	build_dsdt(buf + dsdt, uart_port, pci);
	build_fadt(buf + fadt, base_gpa + dsdt);
	build_xsdt(buf + xsdt, base_gpa + fadt, base_gpa + madt);
	build_rsdp(buf, base_gpa + xsdt);
	return 0;
}
