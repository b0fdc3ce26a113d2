/*
 * Host tests for what the hypervisor changes in the ACPI tables dom0 sees:
 * acpi_madt_keep_only (CPUs hidden from dom0), acpi_iommu_regions (IOMMU
 * register ranges kept from dom0) and acpi_hide_table (DMAR/IVRS renamed).
 *
 * Tables rewritten in place are handed over in heap buffers of exactly the
 * length given, and the map callback for acpi_iommu_regions returns a fresh
 * copy of exactly the range asked for, so AddressSanitizer flags any access
 * past what the functions were allowed to touch.
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

/* 4 MiB of "firmware" memory: room for a table longer than the 1 MiB limit. */
#define MEM_BASE 0x7fc00000ULL
#define MEM_SIZE 0x400000ULL
#define UNMAPPED_PA 0x40000000ULL
#define DMAR_PA (MEM_BASE + 0x1000)
#define IVRS_PA (MEM_BASE + 0x10000)

#define ENABLED 1u
#define ONLINE_CAPABLE 2u

static struct acpi_info info;

static int setup(void **state)
{
	(void)state;
	fake_mem_add(MEM_BASE, MEM_SIZE);
	fake_map_calls = 0;
	fake_map_max_len = 0;
	memset(&info, 0, sizeof(info));
	log_capture_reset();
	return 0;
}

/* ---- table construction ------------------------------------------------------ */

/* A heap copy of the finished table with exactly extra more bytes (0xee). */
static uint8_t *tb_exact(const struct tb *b, uint32_t extra)
{
	uint8_t *p = track_alloc(malloc(b->len + extra));

	memcpy(p, b->p, b->len);
	memset(p + b->len, 0xee, extra);
	return p;
}

static uint8_t *dup_buf(const uint8_t *p, size_t len)
{
	uint8_t *c = track_alloc(malloc(len ? len : 1));

	memcpy(c, p, len);
	return c;
}

/* ---- MADT pieces ---------------------------------------------------------------- */

static struct tb madt_begin(void)
{
	struct tb b = tb_heap("APIC");

	tb_u32(&b, 0xfee00000);
	tb_u32(&b, 1); /* PCAT_COMPAT */
	return b;
}

/* Local APIC NMI (type 4, 6 bytes): uid 0xff = all processors. */
static void madt_lapic_nmi(struct tb *b)
{
	madt_entry(b, 4, 6);
	tb_u8(b, 0xff);
	tb_u16(b, 0x5);
	tb_u8(b, 1);
}

/*
 * got (len bytes) must equal orig with exactly the flags at the given offsets
 * stripped of enabled/online-capable and the checksum over table_len fixed.
 */
static void assert_rewritten(const uint8_t *got, const uint8_t *orig, size_t len, uint32_t table_len,
			     const uint32_t *offs, unsigned int n)
{
	uint8_t *want = dup_buf(orig, len);

	for (unsigned int i = 0; i < n; i++)
		le32_put(want + offs[i], le32_get(want + offs[i]) & ~(ENABLED | ONLINE_CAPABLE));
	fix_checksum(want, table_len, &want[9]);
	assert_int_equal(acpi_checksum(got, table_len), 0);
	for (size_t i = 0; i < len; i++)
		if (got[i] != want[i])
			fail_msg("byte %zu: got %#x, want %#x", i, got[i], want[i]);
}

/* ---- acpi_madt_keep_only ---------------------------------------------------------- */

static void test_madt_keep_boot_cpu(void **state)
{
	struct tb b = madt_begin();
	uint32_t off[4];
	uint8_t *t, *orig;

	(void)state;
	for (int i = 0; i < 4; i++)
		off[i] = madt_lapic(&b, (uint8_t)i, (uint8_t)(2 * i), ENABLED);
	tb_end(&b);
	t = tb_exact(&b, 0);
	orig = dup_buf(t, b.len);

	assert_int_equal(acpi_madt_keep_only(t, b.len, (const uint32_t[]){ 0 }, 1), 3);
	assert_rewritten(t, orig, b.len, b.len, off + 1, 3);
	assert_int_equal(le32_get(t + off[0]), ENABLED); /* the kept CPU */
	assert_int_equal(le32_get(t + off[1]), 0);
	assert_int_equal(le32_get(t + off[3]), 0);
	assert_int_equal(le32_get(t + 4), b.len); /* length untouched */
}

static void test_madt_keep_several(void **state)
{
	struct tb b = madt_begin();
	uint32_t off[6];
	uint8_t *t, *orig;
	/* 10 is CPU 0's ACPI uid, not an APIC id: CPU 0 must still go; 99 matches nothing */
	const uint32_t keep[] = { 5, 1, 10, 3, 99 };

	(void)state;
	for (int i = 0; i < 6; i++)
		off[i] = madt_lapic(&b, (uint8_t)(10 + i), (uint8_t)i, ENABLED);
	tb_end(&b);
	t = tb_exact(&b, 0);
	orig = dup_buf(t, b.len);

	assert_int_equal(acpi_madt_keep_only(t, b.len, keep, 5), 3);
	assert_rewritten(t, orig, b.len, b.len, (const uint32_t[]){ off[0], off[2], off[4] }, 3);
	assert_int_equal(le32_get(t + off[1]), ENABLED);
	assert_int_equal(le32_get(t + off[3]), ENABLED);
	assert_int_equal(le32_get(t + off[5]), ENABLED);
}

static void test_madt_keep_all(void **state)
{
	struct tb b = madt_begin();
	uint8_t *t, *orig;

	(void)state;
	madt_lapic(&b, 0, 0, ENABLED);
	madt_lapic(&b, 1, 1, ONLINE_CAPABLE);
	madt_x2apic(&b, 0x300, ENABLED, 2);
	tb_end(&b);
	t = tb_exact(&b, 0);
	orig = dup_buf(t, b.len);

	assert_int_equal(acpi_madt_keep_only(t, b.len, (const uint32_t[]){ 0x300, 1, 0 }, 3), 0);
	assert_memory_equal(t, orig, b.len);
}

static void test_madt_already_disabled_not_counted(void **state)
{
	struct tb b = madt_begin();
	uint32_t off[5];
	uint8_t *t, *orig;

	(void)state;
	off[0] = madt_lapic(&b, 0, 0, 0); /* disabled: not counted, untouched */
	off[1] = madt_lapic(&b, 1, 1, ONLINE_CAPABLE); /* hot-pluggable: counted */
	off[2] = madt_lapic(&b, 2, 2, ENABLED | ONLINE_CAPABLE);
	off[3] = madt_lapic(&b, 3, 3, 0x4); /* reserved bit only: not a CPU to hide */
	off[4] = madt_lapic(&b, 4, 4, 0xfffffff5); /* other bits must survive */
	tb_end(&b);
	t = tb_exact(&b, 0);
	orig = dup_buf(t, b.len);

	/* an empty keep list hides everything */
	assert_int_equal(acpi_madt_keep_only(t, b.len, NULL, 0), 3);
	assert_rewritten(t, orig, b.len, b.len, (const uint32_t[]){ off[1], off[2], off[4] }, 3);
	assert_int_equal(le32_get(t + off[0]), 0);
	assert_int_equal(le32_get(t + off[3]), 0x4);
	assert_int_equal(le32_get(t + off[4]), 0xfffffff4);

	/* a second pass has nothing left to do */
	memcpy(orig, t, b.len);
	assert_int_equal(acpi_madt_keep_only(t, b.len, NULL, 0), 0);
	assert_memory_equal(t, orig, b.len);
}

static void test_madt_x2apic(void **state)
{
	struct tb b = madt_begin();
	uint32_t off[5];
	uint8_t *t, *orig;

	(void)state;
	off[0] = madt_lapic(&b, 0, 0, ENABLED);
	/* low byte 0 like kept id 0, and a uid equal to a kept id: both irrelevant */
	off[1] = madt_x2apic(&b, 0x100, ENABLED, 0x1000);
	off[2] = madt_x2apic(&b, 0x1000, ENABLED, 7);
	off[3] = madt_x2apic(&b, 0x200, ONLINE_CAPABLE, 8);
	off[4] = madt_x2apic(&b, 0xfffffffe, 0, 9); /* disabled already */
	tb_end(&b);
	t = tb_exact(&b, 0);
	orig = dup_buf(t, b.len);

	assert_int_equal(acpi_madt_keep_only(t, b.len, (const uint32_t[]){ 0, 0x1000 }, 2), 2);
	assert_rewritten(t, orig, b.len, b.len, (const uint32_t[]){ off[1], off[3] }, 2);
	assert_int_equal(le32_get(t + off[0]), ENABLED);
	assert_int_equal(le32_get(t + off[2]), ENABLED);
}

static void test_madt_other_entries_untouched(void **state)
{
	struct tb b = madt_begin();
	uint32_t off;
	uint8_t *t, *orig;

	(void)state;
	madt_lapic(&b, 0, 0, ENABLED);
	/* the address has bits 0-1 set where a CPU entry keeps its flags */
	madt_ioapic(&b, 1, 0xfec00003, 0);
	madt_iso(&b, 0xf); /* flags at +8, where an x2APIC entry keeps its flags */
	madt_lapic_nmi(&b);
	off = madt_lapic(&b, 1, 1, ENABLED);
	madt_ioapic(&b, 2, 0xfec01003, 24);
	tb_end(&b);
	t = tb_exact(&b, 0);
	orig = dup_buf(t, b.len);

	assert_int_equal(acpi_madt_keep_only(t, b.len, (const uint32_t[]){ 0 }, 1), 1);
	assert_rewritten(t, orig, b.len, b.len, &off, 1);
}

static void test_madt_zero_length_entry_stops(void **state)
{
	struct tb b = madt_begin();
	uint32_t off;
	uint8_t *t, *orig;

	(void)state;
	off = madt_lapic(&b, 1, 1, ENABLED);
	tb_u8(&b, 0); /* type 0 with length 0: the walk cannot go on */
	tb_u8(&b, 0);
	tb_u8(&b, 2);
	tb_u8(&b, 2);
	tb_u32(&b, ENABLED);
	madt_lapic(&b, 3, 3, ENABLED); /* beyond the bad entry: left alone */
	tb_end(&b);
	t = tb_exact(&b, 0);
	orig = dup_buf(t, b.len);

	assert_int_equal(acpi_madt_keep_only(t, b.len, (const uint32_t[]){ 0 }, 1), 1);
	assert_rewritten(t, orig, b.len, b.len, &off, 1);
}

static void test_madt_length_one_entry_stops(void **state)
{
	struct tb b = madt_begin();
	uint32_t off;
	uint8_t *t, *orig;

	(void)state;
	off = madt_lapic(&b, 1, 1, ENABLED);
	tb_u8(&b, 1);
	tb_u8(&b, 1);
	madt_lapic(&b, 3, 3, ENABLED);
	tb_end(&b);
	t = tb_exact(&b, 0);
	orig = dup_buf(t, b.len);

	assert_int_equal(acpi_madt_keep_only(t, b.len, NULL, 0), 1);
	assert_rewritten(t, orig, b.len, b.len, &off, 1);
}

static void test_madt_entry_past_end_stops(void **state)
{
	struct tb b = madt_begin();
	uint32_t off;
	uint8_t *t, *orig;

	(void)state;
	off = madt_lapic(&b, 1, 1, ENABLED);
	/* a Local APIC entry claiming 8 bytes with only 6 left in the table */
	tb_u8(&b, 0);
	tb_u8(&b, 8);
	tb_u8(&b, 2);
	tb_u8(&b, 2);
	tb_u16(&b, ENABLED);
	tb_end(&b);
	t = tb_exact(&b, 0); /* exact size: ASan catches a read of the missing bytes */
	orig = dup_buf(t, b.len);

	assert_int_equal(acpi_madt_keep_only(t, b.len, NULL, 0), 1);
	assert_rewritten(t, orig, b.len, b.len, &off, 1);
}

static void test_madt_x2apic_past_end_stops(void **state)
{
	struct tb b = madt_begin();
	uint32_t off;
	uint8_t *t, *orig;

	(void)state;
	off = madt_x2apic(&b, 0x100, ENABLED, 1);
	tb_u8(&b, 9);
	tb_u8(&b, 16);
	tb_u16(&b, 0);
	tb_u32(&b, 0x101);
	tb_u32(&b, ENABLED); /* flags present, uid missing: 12 of 16 bytes */
	tb_end(&b);
	t = tb_exact(&b, 0);
	orig = dup_buf(t, b.len);

	assert_int_equal(acpi_madt_keep_only(t, b.len, NULL, 0), 1);
	assert_rewritten(t, orig, b.len, b.len, &off, 1);
}

static void test_madt_short_cpu_entries_skipped(void **state)
{
	struct tb b = madt_begin();
	uint32_t off;
	uint8_t *t, *orig;

	(void)state;
	/* too short to hold flags: stepped over, never written */
	tb_u8(&b, 0);
	tb_u8(&b, 4);
	tb_u8(&b, 0);
	tb_u8(&b, 5);
	tb_u8(&b, 9);
	tb_u8(&b, 8);
	tb_u16(&b, 0);
	tb_u32(&b, 6);
	off = madt_lapic(&b, 1, 1, ENABLED);
	tb_end(&b);
	t = tb_exact(&b, 0);
	orig = dup_buf(t, b.len);

	assert_int_equal(acpi_madt_keep_only(t, b.len, NULL, 0), 1);
	assert_rewritten(t, orig, b.len, b.len, &off, 1);
}

static void test_madt_trailing_byte(void **state)
{
	struct tb b = madt_begin();
	uint32_t off;
	uint8_t *t, *orig;

	(void)state;
	off = madt_lapic(&b, 1, 1, ENABLED);
	tb_u8(&b, 0); /* one byte: not even an entry header */
	tb_end(&b);
	t = tb_exact(&b, 0);
	orig = dup_buf(t, b.len);

	assert_int_equal(acpi_madt_keep_only(t, b.len, NULL, 0), 1);
	assert_rewritten(t, orig, b.len, b.len, &off, 1);
}

static void test_madt_no_entries(void **state)
{
	struct tb b = madt_begin();
	uint8_t *t, *orig;

	(void)state;
	tb_end(&b);
	t = tb_exact(&b, 0);
	orig = dup_buf(t, b.len);

	assert_int_equal(acpi_madt_keep_only(t, b.len, NULL, 0), 0);
	assert_memory_equal(t, orig, b.len);
}

static void test_madt_buffer_longer_than_table(void **state)
{
	struct tb b = madt_begin();
	uint32_t off, table_len;
	uint8_t *t, *orig;

	(void)state;
	off = madt_lapic(&b, 1, 1, ENABLED);
	tb_end(&b);
	table_len = b.len;
	/* past the table's length: looks like a CPU, must not be seen */
	madt_lapic(&b, 2, 2, ENABLED);
	t = tb_exact(&b, 0);
	orig = dup_buf(t, b.len);

	assert_int_equal(acpi_madt_keep_only(t, b.len, NULL, 0), 1);
	assert_rewritten(t, orig, b.len, table_len, &off, 1);
	assert_int_equal(le32_get(t + table_len + 4), ENABLED);
}

static void test_madt_bad_checksum_rejected(void **state)
{
	struct tb b = madt_begin();
	uint8_t *t, *orig;

	(void)state;
	madt_lapic(&b, 0, 0, ENABLED);
	madt_lapic(&b, 1, 1, ENABLED);
	tb_end(&b);
	t = tb_exact(&b, 0);
	t[9] ^= 0x5a;
	orig = dup_buf(t, b.len);

	assert_int_equal(acpi_madt_keep_only(t, b.len, (const uint32_t[]){ 0 }, 1), -EINVAL);
	assert_memory_equal(t, orig, b.len);
}

static void test_madt_bad_signature_rejected(void **state)
{
	struct tb b = tb_heap("APIX");
	uint8_t *t, *orig;

	(void)state;
	tb_u32(&b, 0xfee00000);
	tb_u32(&b, 1);
	madt_lapic(&b, 1, 1, ENABLED);
	tb_end(&b);
	t = tb_exact(&b, 0);
	orig = dup_buf(t, b.len);

	assert_int_equal(acpi_madt_keep_only(t, b.len, NULL, 0), -EINVAL);
	assert_memory_equal(t, orig, b.len);
}

static void test_madt_bad_lengths_rejected(void **state)
{
	struct tb b = madt_begin();
	uint8_t *t, *orig;

	(void)state;
	madt_lapic(&b, 1, 1, ENABLED);
	tb_end(&b);

	/* the length field promises more than the buffer holds */
	t = tb_exact(&b, 0);
	orig = dup_buf(t, b.len);
	assert_int_equal(acpi_madt_keep_only(t, b.len - 1, NULL, 0), -EINVAL);
	assert_memory_equal(t, orig, b.len);

	/* a buffer shorter than the fixed MADT fields */
	t = dup_buf(b.p, 43);
	assert_int_equal(acpi_madt_keep_only(t, 43, NULL, 0), -EINVAL);
	assert_memory_equal(t, b.p, 43);
	t = dup_buf(b.p, 3);
	assert_int_equal(acpi_madt_keep_only(t, 3, NULL, 0), -EINVAL);
	t = dup_buf(b.p, 0);
	assert_int_equal(acpi_madt_keep_only(t, 0, NULL, 0), -EINVAL);

	/* a length field below the fixed MADT fields, checksum valid for it */
	t = tb_exact(&b, 0);
	le32_put(t + 4, 40);
	fix_checksum(t, 40, &t[9]);
	orig = dup_buf(t, b.len);
	assert_int_equal(acpi_madt_keep_only(t, b.len, NULL, 0), -EINVAL);
	assert_memory_equal(t, orig, b.len);
}

/* ---- acpi_iommu_regions ------------------------------------------------------------ */

static struct tb dmar_begin(uint64_t pa)
{
	struct tb b = tb_mem(pa, "DMAR");

	tb_u8(&b, 38); /* host address width - 1 */
	tb_u8(&b, 1); /* INTR_REMAP */
	tb_fill(&b, 0, 10);
	assert_int_equal(b.len, 48);
	return b;
}

/* DRHD: u16 type 0, u16 length, u8 flags, u8 size, u16 segment, u64 base, scopes. */
static void dmar_drhd(struct tb *b, uint8_t flags, uint8_t size, uint64_t base, uint16_t scope_len)
{
	tb_u16(b, 0);
	tb_u16(b, (uint16_t)(16 + scope_len));
	tb_u8(b, flags);
	tb_u8(b, size);
	tb_u16(b, 0);
	tb_u64(b, base);
	tb_fill(b, 0x01, scope_len);
}

/* RMRR: type 1, a reserved region whose base sits where a DRHD's would. */
static void dmar_rmrr(struct tb *b, uint64_t base, uint64_t limit)
{
	tb_u16(b, 1);
	tb_u16(b, 24);
	tb_u16(b, 0);
	tb_u16(b, 0);
	tb_u64(b, base);
	tb_u64(b, limit);
}

/* Any structure: u16 type, u16 length, then a base-looking value if it fits. */
static void dmar_raw(struct tb *b, uint16_t type, uint16_t len, uint16_t body)
{
	tb_u16(b, type);
	tb_u16(b, len);
	tb_u32(b, 0);
	if (body >= 8) {
		tb_u64(b, 0xfed00000);
		body -= 8;
	}
	tb_fill(b, 0, body);
}

/* A DRHD whose scopes are an endpoint 00:03.0 and an I/O APIC (id, bus:dev.fn), or an I/O APIC behind a bridge. */
static void dmar_drhd_ioapic(struct tb *b, uint8_t id, uint8_t bus, uint8_t dev, uint8_t fn, bool two_steps)
{
	tb_u16(b, 0);
	tb_u16(b, (uint16_t)(16 + 8 + 8 + (two_steps ? 2 : 0)));
	tb_u8(b, 0);
	tb_u8(b, 0);
	tb_u16(b, 0);
	tb_u64(b, 0xfed90000);
	tb_u8(b, 1); /* PCI endpoint */
	tb_u8(b, 8);
	tb_u16(b, 0);
	tb_u8(b, 0);
	tb_u8(b, 0);
	tb_u8(b, 3);
	tb_u8(b, 0);
	tb_u8(b, 3); /* I/O APIC */
	tb_u8(b, (uint8_t)(8 + (two_steps ? 2 : 0)));
	tb_u16(b, 0);
	tb_u8(b, id);
	tb_u8(b, bus);
	tb_u8(b, dev);
	tb_u8(b, fn);
	if (two_steps) {
		tb_u8(b, 0);
		tb_u8(b, 0);
	}
}

static struct tb ivrs_begin(uint64_t pa)
{
	struct tb b = tb_mem(pa, "IVRS");

	tb_u32(&b, 0x00203040); /* IVinfo */
	tb_u64(&b, 0);
	assert_int_equal(b.len, 48);
	return b;
}

/* IVHD: u8 type, u8 flags, u16 length, u16 device id, u16 cap offset, u64 base, ... */
static void ivrs_ivhd(struct tb *b, uint8_t type, uint64_t base)
{
	uint16_t len = type == 0x10 ? 24 : 40;

	tb_u8(b, type);
	tb_u8(b, 0xb0);
	tb_u16(b, (uint16_t)(len + 4));
	tb_u16(b, 0x0002);
	tb_u16(b, 0x40);
	tb_u64(b, base);
	tb_u16(b, 0); /* segment */
	tb_u16(b, 0); /* IOMMU info */
	tb_u32(b, 0); /* feature reporting */
	if (type != 0x10) {
		tb_u64(b, 0x246577efa2254afaULL); /* EFR image */
		tb_u64(b, 0);
	}
	tb_u32(b, 0x00ffff03); /* device entry: select all */
}

/* IVMD (type 0x20): 32 bytes, not an IOMMU; non-zero where an IVHD has its base. */
static void ivrs_ivmd(struct tb *b)
{
	tb_u8(b, 0x20);
	tb_u8(b, 0x08);
	tb_u16(b, 32);
	tb_u16(b, 0);
	tb_u16(b, 0);
	tb_u64(b, 0xfeb80000);
	tb_u64(b, 0x7a000000);
	tb_u64(b, 0x100000);
}

static void assert_region(const struct acpi_iommu_region *r, uint64_t base, uint64_t size, bool amd)
{
	assert_int_equal(r->base, base);
	assert_int_equal(r->size, size);
	assert_int_equal(r->amd, amd);
}

#define CAP 8

static struct acpi_iommu_region out[CAP + 1];

static unsigned int regions(unsigned int cap)
{
	assert_true(cap <= CAP);
	memset(out, 0xa5, sizeof(out));
	return acpi_iommu_regions(fake_map, NULL, &info, out, cap);
}

/* Entries from n on were not written. */
static void assert_untouched_from(unsigned int n)
{
	struct acpi_iommu_region sentinel;

	memset(&sentinel, 0xa5, sizeof(sentinel));
	for (unsigned int i = n; i <= CAP; i++)
		assert_memory_equal(&out[i], &sentinel, sizeof(sentinel));
}

static void test_iommu_none(void **state)
{
	(void)state;
	assert_int_equal(regions(CAP), 0);
	assert_int_equal(fake_map_calls, 0);
	assert_untouched_from(0);
}

static void test_dmar_ioapic_sid(void **state)
{
	struct tb b = dmar_begin(DMAR_PA);
	uint16_t sid = 0;

	(void)state;
	dmar_rmrr(&b, 0x7b800000, 0x7bffffff);
	dmar_drhd_ioapic(&b, 8, 0xff, 0, 0, false); /* QEMU's: ff:00.0 */
	dmar_drhd_ioapic(&b, 9, 0xf0, 0x1f, 7, false);
	dmar_drhd_ioapic(&b, 10, 0x00, 0x1e, 0, true);
	tb_end(&b);
	info.dmar_addr = b.pa;

	assert_true(acpi_dmar_ioapic_sid(fake_map, NULL, &info, 8, &sid));
	assert_int_equal(sid, 0xff00);
	assert_true(acpi_dmar_ioapic_sid(fake_map, NULL, &info, 9, &sid));
	assert_int_equal(sid, 0xf0ff);
	sid = 0x1234;
	assert_false(acpi_dmar_ioapic_sid(fake_map, NULL, &info, 10, &sid)); /* behind a bridge: not followed */
	assert_false(acpi_dmar_ioapic_sid(fake_map, NULL, &info, 3, &sid)); /* no scope names it */
	assert_int_equal(sid, 0x1234);
	info.dmar_addr = 0;
	assert_false(acpi_dmar_ioapic_sid(fake_map, NULL, &info, 8, &sid));
}

/* A scope whose length runs past its DRHD, or is below its own header, ends the search. */
static void test_dmar_ioapic_sid_bad_scope(void **state)
{
	struct tb b = dmar_begin(DMAR_PA);
	uint16_t sid;

	(void)state;
	tb_u16(&b, 0);
	tb_u16(&b, 16 + 8);
	tb_fill(&b, 0, 12);
	tb_u8(&b, 3);
	tb_u8(&b, 40); /* past the DRHD */
	tb_u16(&b, 0);
	tb_u8(&b, 8);
	tb_u8(&b, 0);
	tb_u8(&b, 0);
	tb_u8(&b, 0);
	tb_u16(&b, 0);
	tb_u16(&b, 16 + 8);
	tb_fill(&b, 0, 12);
	tb_u8(&b, 3);
	tb_u8(&b, 2); /* shorter than a scope */
	tb_fill(&b, 0, 6);
	tb_end(&b);
	info.dmar_addr = b.pa;
	assert_false(acpi_dmar_ioapic_sid(fake_map, NULL, &info, 8, &sid));
	assert_false(acpi_dmar_ioapic_sid(fake_map, NULL, &info, 0, &sid));
}

static void test_iommu_drhd_size_0_is_4k(void **state)
{
	struct tb b = dmar_begin(DMAR_PA);

	(void)state;
	dmar_drhd(&b, 1, 0, 0xfed90000, 0);
	tb_end(&b);
	info.dmar_addr = b.pa;

	assert_int_equal(regions(CAP), 1);
	assert_region(&out[0], 0xfed90000, 0x1000, false);
	assert_untouched_from(1);
}

static void test_iommu_drhd_size_2_is_16k(void **state)
{
	struct tb b = dmar_begin(DMAR_PA);

	(void)state;
	dmar_drhd(&b, 0, 2, 0xfed91000, 8);
	tb_end(&b);
	info.dmar_addr = b.pa;

	assert_int_equal(regions(CAP), 1);
	assert_region(&out[0], 0xfed91000, 0x4000, false);
}

static void test_iommu_two_drhd_and_rmrr(void **state)
{
	struct tb b = dmar_begin(DMAR_PA);

	(void)state;
	dmar_drhd(&b, 0, 0, 0xfed90000, 16);
	dmar_rmrr(&b, 0x7b800000, 0x7bffffff);
	/* only the low 4 bits of the size byte count: 2 pages */
	dmar_drhd(&b, 1, 0xf1, 0x1fed91000ULL, 0);
	tb_end(&b);
	info.dmar_addr = b.pa;

	assert_int_equal(regions(CAP), 2);
	assert_region(&out[0], 0xfed90000, 0x1000, false);
	assert_region(&out[1], 0x1fed91000ULL, 0x2000, false);
	assert_untouched_from(2);
}

static void test_iommu_dmar_type_is_16_bits(void **state)
{
	struct tb b = dmar_begin(DMAR_PA);

	(void)state;
	dmar_raw(&b, 0x0100, 16, 8); /* low byte 0, but not a DRHD */
	dmar_drhd(&b, 0, 0, 0xfed92000, 0);
	tb_end(&b);
	info.dmar_addr = b.pa;

	assert_int_equal(regions(CAP), 1);
	assert_region(&out[0], 0xfed92000, 0x1000, false);
}

static void test_iommu_ivrs(void **state)
{
	struct tb b = ivrs_begin(IVRS_PA);

	(void)state;
	ivrs_ivhd(&b, 0x10, 0xfeb80000);
	ivrs_ivmd(&b);
	ivrs_ivhd(&b, 0x40, 0xfd200000);
	ivrs_ivhd(&b, 0x11, 0xfc000000);
	tb_end(&b);
	info.ivrs_addr = b.pa;

	assert_int_equal(regions(CAP), 3);
	assert_region(&out[0], 0xfeb80000, 0x4000, true);
	assert_region(&out[1], 0xfd200000, 0x80000, true);
	assert_region(&out[2], 0xfc000000, 0x80000, true);
	assert_untouched_from(3);
}

static void test_iommu_ivrs_unknown_block_skipped(void **state)
{
	struct tb b = ivrs_begin(IVRS_PA);

	(void)state;
	/* 0x12 looks like an IVHD but is not one the code knows */
	tb_u8(&b, 0x12);
	tb_u8(&b, 0);
	tb_u16(&b, 24);
	tb_u32(&b, 0);
	tb_u64(&b, 0xfeb00000);
	tb_u64(&b, 0);
	ivrs_ivhd(&b, 0x10, 0xfeb80000);
	tb_end(&b);
	info.ivrs_addr = b.pa;

	assert_int_equal(regions(CAP), 1);
	assert_region(&out[0], 0xfeb80000, 0x4000, true);
}

static void test_iommu_dmar_and_ivrs(void **state)
{
	struct tb d = dmar_begin(DMAR_PA), a = ivrs_begin(IVRS_PA);

	(void)state;
	dmar_drhd(&d, 1, 0, 0xfed90000, 0);
	tb_end(&d);
	ivrs_ivhd(&a, 0x10, 0xfeb80000);
	tb_end(&a);
	info.dmar_addr = d.pa;
	info.ivrs_addr = a.pa;

	assert_int_equal(regions(CAP), 2);
	assert_region(&out[0], 0xfed90000, 0x1000, false);
	assert_region(&out[1], 0xfeb80000, 0x4000, true);
}

static void test_iommu_cap(void **state)
{
	struct tb d = dmar_begin(DMAR_PA), a = ivrs_begin(IVRS_PA);

	(void)state;
	dmar_drhd(&d, 0, 0, 0xfed90000, 0);
	dmar_drhd(&d, 0, 0, 0xfed91000, 0);
	dmar_drhd(&d, 1, 0, 0xfed92000, 0);
	tb_end(&d);
	ivrs_ivhd(&a, 0x10, 0xfeb80000);
	tb_end(&a);
	info.dmar_addr = d.pa;

	assert_int_equal(regions(2), 2);
	assert_region(&out[0], 0xfed90000, 0x1000, false);
	assert_region(&out[1], 0xfed91000, 0x1000, false);
	assert_untouched_from(2);

	assert_int_equal(regions(0), 0);
	assert_untouched_from(0);
	assert_int_equal(acpi_iommu_regions(fake_map, NULL, &info, NULL, 0), 0);

	/* the DMAR fills the array: nothing from the IVRS is written past it */
	info.ivrs_addr = a.pa;
	assert_int_equal(regions(3), 3);
	assert_region(&out[2], 0xfed92000, 0x1000, false);
	assert_untouched_from(3);
}

static void test_iommu_base_zero_skipped(void **state)
{
	struct tb d = dmar_begin(DMAR_PA), a = ivrs_begin(IVRS_PA);

	(void)state;
	dmar_drhd(&d, 0, 0, 0xfed90000, 0);
	dmar_drhd(&d, 0, 0, 0, 0);
	dmar_drhd(&d, 1, 0, 0xfed92000, 0);
	tb_end(&d);
	ivrs_ivhd(&a, 0x11, 0);
	ivrs_ivhd(&a, 0x10, 0xfeb80000);
	tb_end(&a);
	info.dmar_addr = d.pa;
	info.ivrs_addr = a.pa;

	/* the zero bases take no slot */
	assert_int_equal(regions(3), 3);
	assert_region(&out[0], 0xfed90000, 0x1000, false);
	assert_region(&out[1], 0xfed92000, 0x1000, false);
	assert_region(&out[2], 0xfeb80000, 0x4000, true);
	assert_untouched_from(3);
}

static void test_iommu_short_structure_skipped(void **state)
{
	struct tb d = dmar_begin(DMAR_PA), a = ivrs_begin(IVRS_PA);

	(void)state;
	dmar_drhd(&d, 0, 0, 0xfed90000, 0);
	dmar_raw(&d, 0, 8, 0); /* a DRHD too short to hold its base: skipped */
	dmar_raw(&d, 2, 8, 0); /* an 8-byte ATSR (no device scope): legal, skipped */
	dmar_drhd(&d, 1, 0, 0xfed92000, 0);
	tb_end(&d);
	ivrs_ivhd(&a, 0x10, 0xfeb80000);
	tb_u8(&a, 0x10); /* length 0: would loop forever if followed */
	tb_u8(&a, 0);
	tb_u16(&a, 0);
	tb_fill(&a, 0, 20);
	ivrs_ivhd(&a, 0x10, 0xfeb90000);
	tb_end(&a);
	info.dmar_addr = d.pa;
	info.ivrs_addr = a.pa;

	/* the short DRHD is skipped and the walk goes on (an 8-byte ATSR is legal); the
	 * zero-length IVRS entry ends that walk */
	assert_int_equal(regions(CAP), 3);
	assert_region(&out[0], 0xfed90000, 0x1000, false);
	assert_region(&out[1], 0xfed92000, 0x1000, false);
	assert_region(&out[2], 0xfeb80000, 0x4000, true);
	assert_untouched_from(3);
}

static void test_iommu_length_past_end_stops(void **state)
{
	struct tb d = dmar_begin(DMAR_PA), a = ivrs_begin(IVRS_PA);

	(void)state;
	dmar_drhd(&d, 0, 0, 0xfed90000, 0);
	/* claims 32 bytes, 16 are left: the bounce copy is exactly the table */
	tb_u16(&d, 0);
	tb_u16(&d, 32);
	tb_u32(&d, 0);
	tb_u64(&d, 0xfed91000);
	tb_end(&d);
	ivrs_ivhd(&a, 0x10, 0xfeb80000);
	ivrs_ivhd(&a, 0x40, 0xfeb90000);
	tb_end(&a);
	le32_put(a.p + 4, a.len - 1); /* the last IVHD now runs one byte past the end */
	fix_checksum(a.p, a.len - 1, &a.p[9]);
	info.dmar_addr = d.pa;
	info.ivrs_addr = a.pa;

	assert_int_equal(regions(CAP), 2);
	assert_region(&out[0], 0xfed90000, 0x1000, false);
	assert_region(&out[1], 0xfeb80000, 0x4000, true);
}

static void test_iommu_trailing_bytes(void **state)
{
	struct tb d = dmar_begin(DMAR_PA);

	(void)state;
	dmar_drhd(&d, 0, 0, 0xfed90000, 0);
	tb_u16(&d, 0);
	tb_u16(&d, 16);
	tb_fill(&d, 0xff, 11); /* 15 bytes: not a whole structure */
	tb_end(&d);
	info.dmar_addr = d.pa;

	assert_int_equal(regions(CAP), 1);
	assert_region(&out[0], 0xfed90000, 0x1000, false);
}

static void test_iommu_unmapped(void **state)
{
	struct tb a = ivrs_begin(IVRS_PA);
	uint64_t tail = MEM_BASE + MEM_SIZE - 48;

	(void)state;
	ivrs_ivhd(&a, 0x10, 0xfeb80000);
	tb_end(&a);

	info.dmar_addr = UNMAPPED_PA;
	assert_int_equal(regions(CAP), 0);
	assert_untouched_from(0);

	/* an unreadable DMAR does not hide the IVRS */
	info.ivrs_addr = a.pa;
	assert_int_equal(regions(CAP), 1);
	assert_region(&out[0], 0xfeb80000, 0x4000, true);

	/* header readable, body running off the end of memory */
	memcpy(mem(tail, 4), "DMAR", 4);
	le32_put(mem(tail + 4, 4), 64);
	info.dmar_addr = tail;
	info.ivrs_addr = 0;
	assert_int_equal(regions(CAP), 0);

	/* an address whose range wraps around */
	info.dmar_addr = UINT64_MAX - 16;
	assert_int_equal(regions(CAP), 0);
	assert_untouched_from(0);
}

static void test_iommu_absurd_length(void **state)
{
	struct tb d = dmar_begin(DMAR_PA);

	(void)state;
	dmar_drhd(&d, 0, 0, 0xfed90000, 0);
	tb_end(&d);
	info.dmar_addr = d.pa;

	/* 1 MiB is the largest accepted: the fake memory has room for it */
	le32_put(d.p + 4, 0x100000);
	assert_int_equal(regions(CAP), 1);
	assert_region(&out[0], 0xfed90000, 0x1000, false);

	fake_map_max_len = 0;
	le32_put(d.p + 4, 0x100001);
	assert_int_equal(regions(CAP), 0);
	assert_true(fake_map_max_len <= 0x100000);

	le32_put(d.p + 4, 0xffffffff);
	assert_int_equal(regions(CAP), 0);
	assert_true(fake_map_max_len <= 0x100000);

	/* too short to hold the DMAR fields */
	le32_put(d.p + 4, 47);
	assert_int_equal(regions(CAP), 0);
	le32_put(d.p + 4, 0);
	assert_int_equal(regions(CAP), 0);
	assert_untouched_from(0);
}

/* ---- acpi_hide_table ---------------------------------------------------------------- */

static struct tb small_dmar(void)
{
	struct tb b = tb_heap("DMAR");

	tb_u8(&b, 38);
	tb_u8(&b, 1);
	tb_fill(&b, 0, 10);
	dmar_drhd(&b, 1, 0, 0xfed90000, 0);
	tb_end(&b);
	return b;
}

static void test_hide_dmar(void **state)
{
	struct tb b = small_dmar();
	uint8_t *t = tb_exact(&b, 0), *orig = dup_buf(t, b.len);

	(void)state;
	assert_int_equal(acpi_hide_table(t, b.len), 0);
	assert_memory_equal(t, "XMAR", 4);
	assert_int_equal(acpi_checksum(t, b.len), 0);
	for (uint32_t i = 1; i < b.len; i++)
		if (i != 9 && t[i] != orig[i])
			fail_msg("byte %u changed", i);

	/* hiding again keeps it hidden and valid */
	assert_int_equal(acpi_hide_table(t, b.len), 0);
	assert_memory_equal(t, "XMAR", 4);
	assert_int_equal(acpi_checksum(t, b.len), 0);
}

static void test_hide_header_only_table(void **state)
{
	struct tb b = tb_heap("IVRS");
	uint8_t *t;

	(void)state;
	tb_end(&b);
	t = tb_exact(&b, 0);
	assert_int_equal(acpi_hide_table(t, 36), 0);
	assert_memory_equal(t, "XVRS", 4);
	assert_int_equal(acpi_checksum(t, 36), 0);
}

static void test_hide_buffer_longer_than_table(void **state)
{
	struct tb b = small_dmar();
	uint8_t *t = tb_exact(&b, 16);

	(void)state;
	assert_int_equal(acpi_hide_table(t, b.len + 16), 0);
	assert_int_equal(t[0], 'X');
	assert_int_equal(acpi_checksum(t, b.len), 0);
	for (uint32_t i = b.len; i < b.len + 16; i++)
		assert_int_equal(t[i], 0xee);
}

static void test_hide_bad_checksum(void **state)
{
	struct tb b = small_dmar();
	uint8_t *t = tb_exact(&b, 0), *orig;

	(void)state;
	t[20] ^= 1;
	orig = dup_buf(t, b.len);
	assert_int_equal(acpi_hide_table(t, b.len), -EINVAL);
	assert_memory_equal(t, orig, b.len);
}

static void test_hide_too_short(void **state)
{
	struct tb b = small_dmar();
	uint8_t *t;

	(void)state;
	t = dup_buf(b.p, 35);
	assert_int_equal(acpi_hide_table(t, 35), -EINVAL);
	assert_memory_equal(t, b.p, 35);
	t = dup_buf(b.p, 8);
	assert_int_equal(acpi_hide_table(t, 8), -EINVAL);
	t = dup_buf(b.p, 0);
	assert_int_equal(acpi_hide_table(t, 0), -EINVAL);
}

static void test_hide_length_field_larger(void **state)
{
	struct tb b = small_dmar();
	uint8_t *t = tb_exact(&b, 0);

	(void)state;
	assert_int_equal(acpi_hide_table(t, b.len - 1), -EINVAL);
	assert_memory_equal(t, b.p, b.len);

	le32_put(t + 4, 0xffffffff);
	fix_checksum(t, b.len, &t[9]); /* would only matter if the length were believed */
	assert_int_equal(acpi_hide_table(t, b.len), -EINVAL);
	assert_int_equal(t[0], 'D');
}

static void test_hide_length_field_too_small(void **state)
{
	struct tb b = small_dmar();
	uint8_t *t = tb_exact(&b, 0), *orig;

	(void)state;
	le32_put(t + 4, 35);
	fix_checksum(t, 35, &t[9]);
	orig = dup_buf(t, b.len);
	assert_int_equal(acpi_hide_table(t, b.len), -EINVAL);
	assert_memory_equal(t, orig, b.len);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, acpi_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_madt_keep_boot_cpu),
		T(test_madt_keep_several),
		T(test_madt_keep_all),
		T(test_madt_already_disabled_not_counted),
		T(test_madt_x2apic),
		T(test_madt_other_entries_untouched),
		T(test_madt_zero_length_entry_stops),
		T(test_madt_length_one_entry_stops),
		T(test_madt_entry_past_end_stops),
		T(test_madt_x2apic_past_end_stops),
		T(test_madt_short_cpu_entries_skipped),
		T(test_madt_trailing_byte),
		T(test_madt_no_entries),
		T(test_madt_buffer_longer_than_table),
		T(test_madt_bad_checksum_rejected),
		T(test_madt_bad_signature_rejected),
		T(test_madt_bad_lengths_rejected),
		T(test_iommu_none),
		T(test_iommu_drhd_size_0_is_4k),
		T(test_iommu_drhd_size_2_is_16k),
		T(test_iommu_two_drhd_and_rmrr),
		T(test_iommu_dmar_type_is_16_bits),
		T(test_iommu_ivrs),
		T(test_iommu_ivrs_unknown_block_skipped),
		T(test_iommu_dmar_and_ivrs),
		T(test_iommu_cap),
		T(test_iommu_base_zero_skipped),
		T(test_iommu_short_structure_skipped),
		T(test_iommu_length_past_end_stops),
		T(test_iommu_trailing_bytes),
		T(test_iommu_unmapped),
		T(test_iommu_absurd_length),
		T(test_hide_dmar),
		T(test_hide_header_only_table),
		T(test_dmar_ioapic_sid),
		T(test_dmar_ioapic_sid_bad_scope),
		T(test_hide_buffer_longer_than_table),
		T(test_hide_bad_checksum),
		T(test_hide_too_short),
		T(test_hide_length_field_larger),
		T(test_hide_length_field_too_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
