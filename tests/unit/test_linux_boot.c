/*
 * Host tests for the Linux boot-protocol builder (xen-lite/linux_boot.c):
 * dom0's e820 map, the choice of load address, and the zero page.
 *
 * bzImage headers are crafted in buffers of exactly the image size, so
 * AddressSanitizer catches any read past the end. Zero-page offsets are
 * checked with numbers written out from the kernel's boot.rst/zero-page.rst
 * (not with the implementation's constants), so a wrong constant fails here.
 * If a real Debian bzImage is at build/dom0/vmlinuz (or $XL_TEST_BZIMAGE), a
 * sanity test runs over it; otherwise that test is skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite/arch/mm.h>
#include <xen-lite/errno.h>
#include <xen-lite/le.h>
#include <xen-lite/linux_boot.h>

#include "log_capture.h"

/* modules.c (bzimage_probe) is linked in; its modules_report() must not run here */
void *phys_to_virt(uint64_t pa)
{
	fail_msg("phys_to_virt(%#llx) called", (unsigned long long)pa);
	return NULL;
}

#define MiB 0x100000ULL
#define GiB 0x40000000ULL

#define IMG_SIZE 0x10000 /* a small image: 0x3800 bytes of setup, 0xc800 of payload */
#define SETUP_SECTS 0x1b
#define SETUP_SIZE ((SETUP_SECTS + 1) * 512)
#define INIT_SIZE 0x3f98000u /* Debian 6.1's */

static uint8_t *img; /* IMG_SIZE bytes, malloc'ed: ASan catches over-reads */
static uint8_t bp[4096];

static int setup(void **state)
{
	(void)state;
	img = malloc(IMG_SIZE);
	assert_non_null(img);
	memset(bp, 0xa5, sizeof(bp));
	log_capture_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(img);
	return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* ---- byte access: the zero page's fields at their offsets (xen-lite/le.h) ------------- */

static void put16(uint8_t *p, unsigned int off, uint16_t v)
{
	le16_put(p + off, v);
}

static void put32(uint8_t *p, unsigned int off, uint32_t v)
{
	le32_put(p + off, v);
}

static void put64(uint8_t *p, unsigned int off, uint64_t v)
{
	le64_put(p + off, v);
}

static uint16_t get16(const uint8_t *p, unsigned int off)
{
	return le16_get(p + off);
}

static uint32_t get32(const uint8_t *p, unsigned int off)
{
	return le32_get(p + off);
}

static uint64_t get64(const uint8_t *p, unsigned int off)
{
	return le64_get(p + off);
}

static bool all_zero(const uint8_t *p, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++)
		if (p[i])
			return false;
	return true;
}

/* ---- header construction -------------------------------------------------------------- */

/*
 * A 64-bit relocatable bzImage, boot protocol 2.15, with the header values of
 * Debian's 6.1 kernel. Fields a loader writes carry junk that must not reach
 * dom0, and the bytes after the header end (0x26c) are 0xee.
 */
static void make_image(uint16_t protocol)
{
	memset(img, 0xcc, IMG_SIZE); /* payload */
	memset(img, 0, 0x290);
	memset(img + 0x26c, 0xee, 0x290 - 0x26c);
	img[0x1f1] = SETUP_SECTS;
	put16(img, 0x1f2, 1); /* root_flags */
	put32(img, 0x1f4, 0x7e000); /* syssize */
	put16(img, 0x1fa, 0xfffd); /* vid_mode: "ask" */
	put16(img, 0x1fe, 0xaa55);
	img[0x200] = 0xeb; /* jmp short */
	img[0x201] = 0x6a; /* header ends at 0x202 + 0x6a = 0x26c */
	memcpy(img + 0x202, "HdrS", 4);
	put16(img, 0x206, protocol);
	img[0x210] = 0x12; /* type_of_loader (junk) */
	img[0x211] = 0x01 | 0x02 | 0x20 | 0x40 | 0x80; /* LOADED_HIGH + KASLR, QUIET, KEEP_SEGMENTS, CAN_USE_HEAP */
	put32(img, 0x214, 0x100000); /* code32_start */
	put32(img, 0x218, 0xdead0000); /* ramdisk_image (junk) */
	put32(img, 0x21c, 0x1234); /* ramdisk_size (junk) */
	put16(img, 0x224, 0x9dff); /* heap_end_ptr (junk) */
	img[0x226] = 3; /* ext_loader_ver (junk) */
	img[0x227] = 4; /* ext_loader_type (junk) */
	put32(img, 0x228, 0xbeef000); /* cmd_line_ptr (junk) */
	put32(img, 0x22c, 0x7fffffff); /* initrd_addr_max */
	put32(img, 0x230, 0x200000); /* kernel_alignment */
	img[0x234] = 1; /* relocatable_kernel */
	img[0x235] = 21; /* min_alignment */
	put16(img, 0x236, 0x7f); /* xloadflags: KERNEL_64 | CAN_BE_LOADED_ABOVE_4G | EFI ... */
	put32(img, 0x238, 0x7ff); /* cmdline_size */
	put32(img, 0x23c, 2); /* hardware_subarch: Xen (junk) */
	put64(img, 0x240, 0x1111); /* hardware_subarch_data (junk) */
	put32(img, 0x248, 0x3a5); /* payload_offset */
	put32(img, 0x24c, 0x7d0000); /* payload_length */
	put64(img, 0x250, 0x5000); /* setup_data (junk: a pointer Linux would follow) */
	put64(img, 0x258, 0x1000000); /* pref_address */
	put32(img, 0x260, INIT_SIZE); /* init_size */
	put32(img, 0x264, 0x190); /* handover_offset */
	put32(img, 0x268, 0x7d0000); /* kernel_info_offset */
}

static void set_xloadflags(uint16_t v)
{
	put16(img, 0x236, v);
}

/* ---- e820 ------------------------------------------------------------------------------ */

#define R(b, s, t) ((struct mem_region){ (b), (s), (t) })
#define RANGE(s, e) ((struct linux_range){ (s), (e) })

static void check_e820(const struct e820_entry *e, int n, const struct e820_entry *want, int want_n)
{
	assert_int_equal(n, want_n);
	for (int i = 0; i < n; i++) {
		if (e[i].addr != want[i].addr || e[i].size != want[i].size || e[i].type != want[i].type)
			fail_msg("entry %d: [%#llx +%#llx] type %u, want [%#llx +%#llx] type %u", i,
				 (unsigned long long)e[i].addr, (unsigned long long)e[i].size, e[i].type,
				 (unsigned long long)want[i].addr, (unsigned long long)want[i].size,
				 want[i].type);
	}
}

#define E(a, s, t) { (a), (s), (t) }

/* A PC-like map: low RAM, BIOS area, RAM to 2 GiB with ACPI at its top, an IOAPIC page, RAM above 4 GiB. */
static const struct mem_region pc_map[] = {
	R(0, 0x9f000, 1),
	R(0x9f000, 0x1000, 2),
	R(0xf0000, 0x10000, 2),
	R(0x100000, 0x7fee0000 - 0x100000, 1),
	R(0x7fee0000, 0x20000, 3),
	R(0x7ff00000, 0x100000, 4),
	R(0xfec00000, 0x1000, 2),
	R(0x100000000, 0x80000000, 1),
};

static void test_e820_pc_map(void **state)
{
	const struct linux_range ram[] = {
		RANGE(0x1000, 0x9f000), RANGE(16 * MiB, 1 * GiB), RANGE(4 * GiB, 5 * GiB),
	};
	const struct e820_entry want[] = {
		E(0, 0x1000, 2), /* page 0: available, not dom0's */
		E(0x1000, 0x9e000, 1),
		E(0x9f000, 0x1000, 2),
		E(0xf0000, 16 * MiB - 0xf0000, 2), /* BIOS area merged with the hypervisor's RAM */
		E(16 * MiB, 1 * GiB - 16 * MiB, 1),
		E(1 * GiB, 0x7fee0000 - 1 * GiB, 2),
		E(0x7fee0000, 0x20000, 3), /* ACPI data kept */
		E(0x7ff00000, 0x100000, 4), /* NVS kept */
		E(0xfec00000, 0x1000, 2),
		E(4 * GiB, 1 * GiB, 1),
		E(5 * GiB, 0x40000000, 2),
	};
	struct e820_entry e[LINUX_E820_MAX];
	int n = linux_build_e820(pc_map, ARRAY_SIZE(pc_map), ram, ARRAY_SIZE(ram), e, LINUX_E820_MAX);

	check_e820(e, n, want, ARRAY_SIZE(want));
}

static void test_e820_dom0_range_over_non_ram(void **state)
{
	/* one range across low RAM, reserved, a hole and into RAM; one only in a hole; one in ACPI */
	const struct linux_range ram[] = {
		RANGE(0x80000, 0x200000), RANGE(0xa0000, 0xc0000), RANGE(0x7fee0000, 0x7ff00000),
		RANGE(0x200000000, 0x300000000),
	};
	const struct e820_entry want[] = {
		E(0, 0x80000, 2),
		E(0x80000, 0x1f000, 1),
		E(0x9f000, 0x1000, 2),
		/* 0xa0000-0xf0000 stays a hole although a dom0 range covers part of it */
		E(0xf0000, 0x10000, 2),
		E(0x100000, 0x100000, 1),
		E(0x200000, 0x7fee0000 - 0x200000, 2),
		E(0x7fee0000, 0x20000, 3),
		E(0x7ff00000, 0x100000, 4),
		E(0xfec00000, 0x1000, 2),
		E(4 * GiB, 2 * GiB, 2), /* the range above 8 GiB is a hole: nothing */
	};
	struct e820_entry e[LINUX_E820_MAX];
	int n = linux_build_e820(pc_map, ARRAY_SIZE(pc_map), ram, ARRAY_SIZE(ram), e, LINUX_E820_MAX);

	check_e820(e, n, want, ARRAY_SIZE(want));
}

static void test_e820_no_dom0_ram(void **state)
{
	const struct mem_region map[] = { R(0, 0x9f000, 1), R(0x100000, 0x1000000, 1) };
	const struct e820_entry want[] = { E(0, 0x9f000, 2), E(0x100000, 0x1000000, 2) };
	struct e820_entry e[4];

	check_e820(e, linux_build_e820(map, 2, NULL, 0, e, 4), want, 2);
	/* empty and inverted ranges count as none */
	const struct linux_range ram[] = { RANGE(0x200000, 0x200000), RANGE(0x400000, 0x300000) };

	check_e820(e, linux_build_e820(map, 2, ram, 2, e, 4), want, 2);
}

static void test_e820_empty_map(void **state)
{
	const struct linux_range ram[] = { RANGE(0, 1 * GiB) };
	struct e820_entry e[1];

	assert_int_equal(linux_build_e820(NULL, 0, ram, 1, e, 1), 0);
	assert_int_equal(linux_build_e820(NULL, 0, NULL, 0, e, 0), 0);
}

static void test_e820_unsorted_and_merged(void **state)
{
	/* unsorted, not normalized: touching RAM regions, a zero-size one, dom0 ranges touching */
	const struct mem_region map[] = {
		R(0x300000, 0x100000, 1), R(0x100000, 0x100000, 1), R(0x200000, 0x100000, 1),
		R(0x250000, 0, 4), R(0x500000, 0x100000, 2), R(0x400000, 0x100000, 2),
	};
	const struct linux_range ram[] = { RANGE(0x280000, 0x400000), RANGE(0x100000, 0x280000) };
	const struct e820_entry want[] = { E(0x100000, 0x300000, 1), E(0x400000, 0x200000, 2) };
	struct e820_entry e[8];

	check_e820(e, linux_build_e820(map, ARRAY_SIZE(map), ram, 2, e, 8), want, 2);
}

static void test_e820_overlap_and_odd_types(void **state)
{
	/* overlaps: the more restrictive type wins; unknown types become reserved */
	const struct mem_region map[] = {
		R(0x100000, 0x400000, 1), R(0x200000, 0x100000, 3), R(0x280000, 0x10000, 5),
		R(0x280000, 0x100000, 4), R(0x600000, 0x1000, 7), R(0x601000, 0x1000, 0),
	};
	const struct linux_range ram[] = { RANGE(0, 1 * GiB) };
	const struct e820_entry want[] = {
		E(0x100000, 0x100000, 1), E(0x200000, 0x80000, 3), E(0x280000, 0x10000, 5),
		E(0x290000, 0xf0000, 4), E(0x380000, 0x180000, 1), E(0x600000, 0x2000, 2),
	};
	struct e820_entry e[8];

	check_e820(e, linux_build_e820(map, ARRAY_SIZE(map), ram, 1, e, 8), want, ARRAY_SIZE(want));
}

static void test_e820_top_of_address_space(void **state)
{
	/* a region whose end passes 2^64 is clamped, never wraps */
	const struct mem_region map[] = { R(0x1000, 0x1000, 1), R(0xfffffffffff00000ULL, 0x200000, 2) };
	const struct linux_range ram[] = { RANGE(0x1000, 0x2000) };
	const struct e820_entry want[] = { E(0x1000, 0x1000, 1), E(0xfffffffffff00000ULL, 0xfffff, 2) };
	struct e820_entry e[4];

	check_e820(e, linux_build_e820(map, 2, ram, 1, e, 4), want, 2);
}

static void test_e820_capacity(void **state)
{
	/* 70 RAM/reserved pairs that cannot merge: 140 entries, more than LINUX_E820_MAX */
	static struct mem_region map[140];
	static struct e820_entry e[LINUX_E820_MAX + 20];
	const struct linux_range ram[] = { RANGE(0, 1ULL << 40) };

	for (unsigned int i = 0; i < 140; i++)
		map[i] = R(i * 0x100000ULL, 0x100000, i % 2 ? 2 : 1);
	assert_int_equal(linux_build_e820(map, 140, ram, 1, e, LINUX_E820_MAX), -ENOSPC);
	assert_int_equal(linux_build_e820(map, 140, ram, 1, e, 139), -ENOSPC);
	assert_int_equal(linux_build_e820(map, 140, ram, 1, e, 140), 140);
	assert_int_equal(e[139].addr, 139 * 0x100000ULL);
	assert_int_equal(e[139].type, 2);
	/* the same map as reserved only (no dom0 RAM) merges to one entry */
	assert_int_equal(linux_build_e820(map, 140, NULL, 0, e, 1), 1);
	assert_int_equal(e[0].size, 140 * 0x100000ULL);
	/* cap 0 with something to write */
	assert_int_equal(linux_build_e820(map, 1, ram, 1, e, 0), -ENOSPC);
}

/* ---- plan ------------------------------------------------------------------------------ */

static const struct linux_range ram_1g[] = { { 1 * MiB, 1 * GiB } };

static void test_plan_pref_fits(void **state)
{
	struct linux_load_plan p;

	make_image(0x020f);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, NULL, 0, &p), 0);
	assert_int_equal(p.protocol, 0x020f);
	assert_true(p.relocatable);
	assert_true(p.above_4g);
	assert_int_equal(p.setup_size, 0x3800);
	assert_int_equal(p.payload_size, IMG_SIZE - 0x3800);
	assert_int_equal(p.load_addr, 0x1000000);
	assert_int_equal(p.init_size, INIT_SIZE);
	assert_int_equal(p.entry64, 0x1000200);
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_plan_pref_exact_fit(void **state)
{
	const struct linux_range ram[] = { RANGE(16 * MiB, 16 * MiB + INIT_SIZE) };
	const struct linux_range short_ram[] = { RANGE(16 * MiB, 16 * MiB + INIT_SIZE - 1) };
	struct linux_load_plan p;

	make_image(0x020f);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram, 1, NULL, 0, &p), 0);
	assert_int_equal(p.load_addr, 16 * MiB);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, short_ram, 1, NULL, 0, &p), -ENOMEM);
}

static void test_plan_relocates_past_ram_start(void **state)
{
	/* dom0 RAM starts just above pref: the next 2 MiB boundary */
	const struct linux_range ram[] = { RANGE(0x1100000, 1 * GiB) };
	struct linux_load_plan p;

	make_image(0x020f);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram, 1, NULL, 0, &p), 0);
	assert_int_equal(p.load_addr, 0x1200000);
	assert_int_equal(p.entry64, 0x1200200);
}

static void test_plan_relocates_past_avoid(void **state)
{
	/* the kernel module and the initrd sit where pref is */
	const struct linux_range avoid[] = {
		RANGE(0x1000000, 0x1800001), RANGE(0x1a00000, 0x1b00000), RANGE(0x5000000, 0x5000000),
	};
	struct linux_load_plan p;

	make_image(0x020f);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, avoid, 3, &p), 0);
	assert_int_equal(p.load_addr, 0x1c00000);
	/* one byte in the way at the end of pref's range, and too little room after it */
	const struct linux_range ram[] = { RANGE(16 * MiB, 16 * MiB + 2 * INIT_SIZE) };
	const struct linux_range mid[] = { RANGE(16 * MiB + INIT_SIZE - 1, 16 * MiB + INIT_SIZE) };

	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram, 1, mid, 1, &p), -ENOMEM);
	assert_true(log_capture_contains("no room for the kernel"));
}

static void test_plan_lowest_of_unsorted_ranges(void **state)
{
	const struct linux_range ram[] = {
		RANGE(3 * GiB, 4 * GiB), RANGE(1 * MiB, 8 * MiB), RANGE(0x2300000, 0x2300000 + INIT_SIZE + 0x100000),
		RANGE(1 * GiB, 2 * GiB),
	};
	struct linux_load_plan p;

	make_image(0x020f);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram, ARRAY_SIZE(ram), NULL, 0, &p), 0);
	assert_int_equal(p.load_addr, 0x2400000);
}

static void test_plan_never_below_pref(void **state)
{
	/* 15 MiB of RAM below pref would hold this small kernel, but Linux moves up to pref */
	const struct linux_range ram[] = { RANGE(1 * MiB, 16 * MiB) };
	struct linux_load_plan p;

	make_image(0x020f);
	put32(img, 0x260, 0x1000000);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram, 1, NULL, 0, &p), -ENOMEM);
	assert_int_equal(p.load_addr, 0);
	assert_true(log_capture_contains("at or above 0x1000000"));
}

static void test_plan_low_pref_tries_16m_first(void **state)
{
	/* a kernel built for 2 MiB: relocation goes to >= 16 MiB when there is room there ... */
	const struct linux_range avoid[] = { RANGE(2 * MiB, 3 * MiB) };
	const struct linux_range ram_low[] = { RANGE(1 * MiB, 16 * MiB) };
	struct linux_load_plan p;

	make_image(0x020f);
	put64(img, 0x258, 2 * MiB);
	put32(img, 0x260, 4 * MiB);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, avoid, 1, &p), 0);
	assert_int_equal(p.load_addr, 16 * MiB);
	/* ... and below it, but above pref, when there is not */
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_low, 1, avoid, 1, &p), 0);
	assert_int_equal(p.load_addr, 4 * MiB);
	/* the preferred address itself when it is free */
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_low, 1, NULL, 0, &p), 0);
	assert_int_equal(p.load_addr, 2 * MiB);
}

static void test_plan_never_below_1m(void **state)
{
	const struct linux_range ram[] = { RANGE(0, 1 * MiB + 0x100000) };
	struct linux_load_plan p;

	make_image(0x020f);
	put64(img, 0x258, 0);
	put32(img, 0x230, 0x1000);
	put32(img, 0x260, 0x100000);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram, 1, NULL, 0, &p), 0);
	assert_int_equal(p.load_addr, 1 * MiB);
}

static void test_plan_nothing_fits(void **state)
{
	const struct linux_range small[] = { RANGE(16 * MiB, 32 * MiB), RANGE(64 * MiB, 96 * MiB) };
	struct linux_load_plan p;

	make_image(0x020f);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, small, 2, NULL, 0, &p), -ENOMEM);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, NULL, 0, NULL, 0, &p), -ENOMEM);
	assert_int_equal(log_capture_count(LOG_WARN), 2);
}

static void test_plan_not_relocatable(void **state)
{
	const struct linux_range ram[] = { RANGE(32 * MiB, 1 * GiB) };
	struct linux_load_plan p;

	make_image(0x020f);
	img[0x234] = 0;
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram, 1, NULL, 0, &p), -ENOMEM);
	assert_true(log_capture_contains("not relocatable"));
	/* pref blocked by a module */
	const struct linux_range avoid[] = { RANGE(20 * MiB, 21 * MiB) };

	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, avoid, 1, &p), -ENOMEM);
	/* pref free: used as is, alignment not looked at (even a bad one) */
	put64(img, 0x258, 0x1100000);
	put32(img, 0x230, 3);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, NULL, 0, &p), 0);
	assert_int_equal(p.load_addr, 0x1100000);
	assert_false(p.relocatable);
}

static void test_plan_unaligned_pref_relocates(void **state)
{
	struct linux_load_plan p;

	make_image(0x020f);
	put64(img, 0x258, 0x1100000);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, NULL, 0, &p), 0);
	assert_int_equal(p.load_addr, 0x1200000);
}

static void test_plan_bad_alignment(void **state)
{
	static const uint32_t bad[] = { 0, 3, 0x300000, 0x80000001 };
	struct linux_load_plan p;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		make_image(0x020f);
		put32(img, 0x230, bad[i]);
		assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, NULL, 0, &p), -EINVAL);
	}
	assert_true(log_capture_contains("kernel_alignment 0x300000 is not a power of two"));
	/* a large power of two is fine */
	make_image(0x020f);
	put32(img, 0x230, 0x80000000);
	put64(img, 0x258, 0);
	const struct linux_range ram[] = { RANGE(1 * MiB, 8 * GiB) };

	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram, 1, NULL, 0, &p), 0);
	assert_int_equal(p.load_addr, 2 * GiB);
}

static void test_plan_init_size(void **state)
{
	struct linux_load_plan p;

	make_image(0x020f);
	put32(img, 0x260, IMG_SIZE - SETUP_SIZE - 1);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, NULL, 0, &p), -EINVAL);
	assert_true(log_capture_contains("init_size 0xc7ff is smaller than its payload"));
	put32(img, 0x260, 0);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, NULL, 0, &p), -EINVAL);
	put32(img, 0x260, IMG_SIZE - SETUP_SIZE);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, NULL, 0, &p), 0);
	assert_int_equal(p.init_size, 0xc800);
	/* the largest init_size: 4 GiB - 1 */
	put32(img, 0x260, 0xffffffff);
	const struct linux_range big[] = { RANGE(0, 8 * GiB) };

	assert_int_equal(linux_plan_load(img, IMG_SIZE, big, 1, NULL, 0, &p), 0);
	assert_int_equal(p.load_addr, 16 * MiB);
	assert_int_equal(p.init_size, 0xffffffffULL);
}

static void test_plan_header_length(void **state)
{
	struct linux_load_plan p;

	make_image(0x020f);
	img[0x201] = 0x65; /* ends at 0x267: before handover_offset's end */
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, NULL, 0, &p), -EINVAL);
	assert_true(log_capture_contains("setup header ends at 0x267"));
	img[0x201] = 0x8f; /* 0x291: into edd_mbr_sig_buffer */
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, NULL, 0, &p), -EINVAL);
	img[0x201] = 0xff;
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, NULL, 0, &p), -EINVAL);
	img[0x201] = 0x66; /* 0x268: protocol 2.12's header */
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, NULL, 0, &p), 0);
	img[0x201] = 0x8e; /* 0x290: the largest */
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, NULL, 0, &p), 0);
}

static void test_plan_bad_images(void **state)
{
	struct linux_load_plan p;

	make_image(0x020f);
	memcpy(img + 0x202, "HdrX", 4);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, NULL, 0, &p), -ENOEXEC);
	assert_true(log_capture_contains("not a bzImage"));
	make_image(0x020f);
	assert_int_equal(linux_plan_load(img, 0x200, ram_1g, 1, NULL, 0, &p), -ENOEXEC);
	assert_int_equal(linux_plan_load(img, SETUP_SIZE, ram_1g, 1, NULL, 0, &p), -EINVAL);
	make_image(0x020b);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, NULL, 0, &p), -EINVAL);
	assert_int_equal(p.protocol, 0x020b);
	assert_true(log_capture_contains("boot protocol 2.11 cannot be started"));
	make_image(0x020f);
	set_xloadflags(0x7e); /* no XLF_KERNEL_64 */
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, NULL, 0, &p), -EINVAL);
}

static void test_plan_4g_limit(void **state)
{
	const struct linux_range high[] = { RANGE(0xfe000000, 8 * GiB) };
	struct linux_load_plan p;

	make_image(0x020f);
	set_xloadflags(0x01); /* KERNEL_64 only */
	assert_int_equal(linux_plan_load(img, IMG_SIZE, high, 1, NULL, 0, &p), -ENOMEM);
	assert_true(log_capture_contains("below 4 GiB"));
	/* pref itself must be below 4 GiB too */
	put64(img, 0x258, 5 * GiB);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, high, 1, NULL, 0, &p), -ENOMEM);
	set_xloadflags(0x03);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, high, 1, NULL, 0, &p), 0);
	assert_int_equal(p.load_addr, 5 * GiB);
	put64(img, 0x258, 16 * MiB);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, high, 1, NULL, 0, &p), 0);
	assert_int_equal(p.load_addr, 0xfe000000);
	/* ending exactly at 4 GiB is fine */
	const struct linux_range ends_at_4g[] = { RANGE(4 * GiB - 0x4000000, 8 * GiB) };

	set_xloadflags(0x01);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ends_at_4g, 1, NULL, 0, &p), 0);
	assert_int_equal(p.load_addr, 4 * GiB - 0x4000000);
}

static void test_plan_top_of_address_space(void **state)
{
	/* nothing may wrap: pref, ranges and avoid ranges at the very top */
	const struct linux_range ram[] = { RANGE(0xffffffff00000000ULL, UINT64_MAX) };
	const struct linux_range avoid[] = { RANGE(0xffffffff00000000ULL, 0xfffffffffc000001ULL) };
	struct linux_load_plan p;

	make_image(0x020f);
	put64(img, 0x258, 0xffffffffffe00000ULL);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram, 1, NULL, 0, &p), -ENOMEM);
	put64(img, 0x258, 16 * MiB);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram, 1, NULL, 0, &p), 0);
	assert_int_equal(p.load_addr, 0xffffffff00000000ULL);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram, 1, avoid, 1, &p), -ENOMEM);
}

/* ---- zero page ------------------------------------------------------------------------- */

static const struct e820_entry e820_3[] = {
	{ 0, 0x9f000, 2 }, { 0x100000, 0x3ff00000, 1 }, { 0xfec00000, 0x1000, 2 },
};

static struct linux_load_plan plan_for_image(void)
{
	struct linux_load_plan p;

	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram_1g, 1, NULL, 0, &p), 0);
	return p;
}

static struct linux_boot_args default_args(void)
{
	return (struct linux_boot_args){
		.bp_pa = 0x7000,
		.cmdline_pa = 0x8000,
		.cmdline_len = 20,
		.initrd_pa = 0x20000000,
		.initrd_size = 0x2345678,
		.rsdp_pa = 0xf5a40,
	};
}

static int fill(const struct linux_load_plan *p, const struct linux_boot_args *a)
{
	return linux_fill_boot_params(bp, img, IMG_SIZE, p, e820_3, 3, a);
}

static void test_fill_offsets(void **state)
{
	struct linux_load_plan p;
	struct linux_boot_args a = default_args();

	make_image(0x020f);
	p = plan_for_image();
	assert_int_equal(fill(&p, &a), 0);
	/* the setup header, copied from 0x1f1 */
	assert_int_equal(bp[0x1f1], SETUP_SECTS);
	assert_int_equal(get16(bp, 0x1f2), 1);
	assert_int_equal(get32(bp, 0x1f4), 0x7e000);
	assert_int_equal(get16(bp, 0x1fe), 0xaa55);
	assert_int_equal(bp[0x201], 0x6a);
	assert_memory_equal(bp + 0x202, "HdrS", 4);
	assert_int_equal(get16(bp, 0x206), 0x020f);
	assert_int_equal(get32(bp, 0x22c), 0x7fffffff);
	assert_int_equal(get32(bp, 0x230), 0x200000);
	assert_int_equal(bp[0x234], 1);
	assert_int_equal(get16(bp, 0x236), 0x7f);
	assert_int_equal(get32(bp, 0x238), 0x7ff);
	assert_int_equal(get64(bp, 0x258), 0x1000000);
	assert_int_equal(get32(bp, 0x260), INIT_SIZE);
	assert_int_equal(get32(bp, 0x268), 0x7d0000);
	/* the loader's fields */
	assert_int_equal(get16(bp, 0x1fa), 0xffff); /* vid_mode */
	assert_int_equal(bp[0x210], 0xff); /* type_of_loader */
	assert_int_equal(bp[0x211], 0x01); /* loadflags: LOADED_HIGH only */
	assert_int_equal(get32(bp, 0x214), 0x1000000); /* code32_start */
	assert_int_equal(get32(bp, 0x218), 0x20000000); /* ramdisk_image */
	assert_int_equal(get32(bp, 0x21c), 0x2345678); /* ramdisk_size */
	assert_int_equal(get16(bp, 0x224), 0); /* heap_end_ptr */
	assert_int_equal(bp[0x226], 0);
	assert_int_equal(bp[0x227], 0);
	assert_int_equal(get32(bp, 0x228), 0x8000); /* cmd_line_ptr */
	assert_int_equal(get32(bp, 0x23c), 0); /* hardware_subarch: PC */
	assert_int_equal(get64(bp, 0x240), 0);
	assert_int_equal(get64(bp, 0x250), 0); /* setup_data */
	assert_int_equal(get32(bp, 0x0c0), 0); /* ext_ramdisk_image */
	assert_int_equal(get32(bp, 0x0c4), 0); /* ext_ramdisk_size */
	assert_int_equal(get32(bp, 0x0c8), 0); /* ext_cmd_line_ptr */
	assert_int_equal(get64(bp, 0x070), 0xf5a40); /* acpi_rsdp_addr */
	/* e820 */
	assert_int_equal(bp[0x1e8], 3);
	assert_int_equal(get64(bp, 0x2d0), 0);
	assert_int_equal(get64(bp, 0x2d8), 0x9f000);
	assert_int_equal(get32(bp, 0x2e0), 2);
	assert_int_equal(get64(bp, 0x2e4), 0x100000);
	assert_int_equal(get64(bp, 0x2ec), 0x3ff00000);
	assert_int_equal(get32(bp, 0x2f4), 1);
	assert_int_equal(get64(bp, 0x2f8), 0xfec00000);
	assert_int_equal(get64(bp, 0x300), 0x1000);
	assert_int_equal(get32(bp, 0x308), 2);
	/* and nothing else: the page was zeroed, the header copy stopped at 0x26c */
	assert_true(all_zero(bp, 0, 0x70));
	assert_true(all_zero(bp, 0x78, 0xc0));
	assert_true(all_zero(bp, 0xcc, 0x1e8));
	assert_true(all_zero(bp, 0x1e9, 0x1f1));
	assert_true(all_zero(bp, 0x26c, 0x2d0));
	assert_true(all_zero(bp, 0x30c, 4096));
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_fill_high_addresses(void **state)
{
	struct linux_load_plan p;
	struct linux_boot_args a = default_args();
	const struct linux_range high[] = { RANGE(5 * GiB, 6 * GiB) };

	make_image(0x020f);
	put64(img, 0x258, 0);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, high, 1, NULL, 0, &p), 0);
	assert_int_equal(p.load_addr, 5 * GiB);
	a.bp_pa = 0x300000000ULL;
	a.cmdline_pa = 0x212345678ULL;
	a.initrd_pa = 0x3fedcb000ULL;
	a.initrd_size = 0x100001000ULL;
	a.rsdp_pa = 0x7ffff000ULL;
	assert_int_equal(fill(&p, &a), 0);
	assert_int_equal(get32(bp, 0x214), 0x100000); /* code32_start: 32 bits, left as the image has it */
	assert_int_equal(get32(bp, 0x228), 0x12345678);
	assert_int_equal(get32(bp, 0x0c8), 0x2);
	assert_int_equal(get32(bp, 0x218), 0xfedcb000);
	assert_int_equal(get32(bp, 0x0c0), 0x3);
	assert_int_equal(get32(bp, 0x21c), 0x1000);
	assert_int_equal(get32(bp, 0x0c4), 0x1);
}

static void test_fill_cmdline_size(void **state)
{
	struct linux_load_plan p;
	struct linux_boot_args a = default_args();

	make_image(0x020f);
	p = plan_for_image();
	a.cmdline_len = 0x7ff;
	assert_int_equal(fill(&p, &a), 0);
	a.cmdline_len = 0x800;
	assert_int_equal(fill(&p, &a), -E2BIG);
	assert_true(log_capture_contains("command line of 2048 bytes is longer than the kernel's limit of 2047"));
	assert_true(all_zero(bp, 0, sizeof(bp)));
	a.cmdline_len = UINT64_MAX;
	assert_int_equal(fill(&p, &a), -E2BIG);
	/* a smaller limit in the header */
	put32(img, 0x238, 255);
	a.cmdline_len = 256;
	assert_int_equal(fill(&p, &a), -E2BIG);
	a.cmdline_len = 255;
	assert_int_equal(fill(&p, &a), 0);
}

static void test_fill_no_cmdline_no_initrd(void **state)
{
	struct linux_load_plan p;
	struct linux_boot_args a = default_args();

	make_image(0x020f);
	p = plan_for_image();
	a.cmdline_pa = 0;
	a.cmdline_len = 0;
	a.initrd_pa = 0x20000000; /* ignored: size 0 */
	a.initrd_size = 0;
	a.rsdp_pa = 0;
	assert_int_equal(fill(&p, &a), 0);
	assert_int_equal(get32(bp, 0x228), 0);
	assert_int_equal(get32(bp, 0x0c8), 0);
	assert_int_equal(get32(bp, 0x218), 0); /* not the image's junk */
	assert_int_equal(get32(bp, 0x21c), 0);
	assert_int_equal(get64(bp, 0x070), 0);
	/* a length without an address */
	a.cmdline_len = 5;
	assert_int_equal(fill(&p, &a), -EINVAL);
}

static void test_fill_initrd_addr_max(void **state)
{
	struct linux_load_plan p;
	struct linux_boot_args a = default_args();

	make_image(0x020f);
	set_xloadflags(0x01); /* no CAN_BE_LOADED_ABOVE_4G */
	p = plan_for_image();
	a.initrd_pa = 0x7fff0000;
	a.initrd_size = 0x10000; /* last byte 0x7fffffff: allowed */
	assert_int_equal(fill(&p, &a), 0);
	a.initrd_size = 0x10001;
	assert_int_equal(fill(&p, &a), -ERANGE);
	assert_true(log_capture_contains("initrd_addr_max 0x7fffffff"));
	assert_true(all_zero(bp, 0, sizeof(bp)));
	a.initrd_pa = 0xc0000000;
	a.initrd_size = 0x1000;
	assert_int_equal(fill(&p, &a), -ERANGE);
	/* a kernel that can take it above 4 GiB takes it anywhere */
	set_xloadflags(0x03);
	p = plan_for_image();
	assert_int_equal(fill(&p, &a), 0);
	assert_int_equal(get32(bp, 0x218), 0xc0000000);
	a.initrd_pa = 0x1ffff0000ULL;
	assert_int_equal(fill(&p, &a), 0);
}

static void test_fill_4g_without_flag(void **state)
{
	struct linux_load_plan p;
	struct linux_boot_args a = default_args();

	make_image(0x020f);
	set_xloadflags(0x01);
	p = plan_for_image();
	a.cmdline_pa = 4 * GiB;
	assert_int_equal(fill(&p, &a), -ERANGE);
	assert_true(log_capture_contains("command line at 0x100000000"));
	a = default_args();
	a.cmdline_pa = 4 * GiB - 20; /* the NUL at 4 GiB - 1 ... */
	a.cmdline_len = 19;
	assert_int_equal(fill(&p, &a), 0);
	a.cmdline_len = 20; /* ... or at 4 GiB */
	assert_int_equal(fill(&p, &a), -ERANGE);
	a = default_args();
	a.bp_pa = 4 * GiB - 0x800;
	assert_int_equal(fill(&p, &a), -ERANGE);
	assert_true(log_capture_contains("zero page"));
}

static void test_fill_overlaps(void **state)
{
	struct linux_load_plan p;
	struct linux_boot_args a;

	make_image(0x020f);
	p = plan_for_image();
	a = default_args();
	a.initrd_pa = 0x1000000 + INIT_SIZE - 1; /* last byte of the kernel's area */
	assert_int_equal(fill(&p, &a), -EINVAL);
	assert_true(log_capture_contains("the initrd [0x4f97fff-"));
	assert_true(log_capture_contains("overlaps the kernel"));
	a.initrd_pa = 0x1000000 + INIT_SIZE; /* just after */
	assert_int_equal(fill(&p, &a), 0);
	a = default_args();
	a.cmdline_pa = a.bp_pa + 4095;
	assert_int_equal(fill(&p, &a), -EINVAL);
	a.cmdline_pa = a.bp_pa - 21; /* the NUL is the last byte before the zero page */
	assert_int_equal(fill(&p, &a), 0);
	a.cmdline_pa = a.bp_pa - 20; /* the NUL is its first byte */
	assert_int_equal(fill(&p, &a), -EINVAL);
	a = default_args();
	a.bp_pa = 0x1200000;
	assert_int_equal(fill(&p, &a), -EINVAL);
	a = default_args();
	a.initrd_pa = 0x7ff0; /* over the command line */
	a.initrd_size = 0x20;
	assert_int_equal(fill(&p, &a), -EINVAL);
	assert_true(all_zero(bp, 0, sizeof(bp)));
}

static void test_fill_wrapping_ranges(void **state)
{
	struct linux_load_plan p;
	struct linux_boot_args a = default_args();

	make_image(0x020f);
	p = plan_for_image();
	a.initrd_pa = UINT64_MAX - 0xfff;
	a.initrd_size = 0x1001;
	assert_int_equal(fill(&p, &a), -EINVAL);
	assert_true(log_capture_contains("wraps around"));
	a = default_args();
	a.bp_pa = UINT64_MAX - 0xffe;
	assert_int_equal(fill(&p, &a), -EINVAL);
	a = default_args();
	a.cmdline_pa = UINT64_MAX - 19;
	a.cmdline_len = 20;
	assert_int_equal(fill(&p, &a), -EINVAL);
}

static void test_fill_rsdp_needs_2_14(void **state)
{
	struct linux_load_plan p;
	struct linux_boot_args a = default_args();

	make_image(0x020d); /* 2.13 */
	p = plan_for_image();
	assert_int_equal(fill(&p, &a), 0);
	assert_int_equal(get64(bp, 0x070), 0);
	assert_true(log_capture_contains("boot protocol 2.13 has no acpi_rsdp_addr"));
	make_image(0x020e);
	p = plan_for_image();
	assert_int_equal(fill(&p, &a), 0);
	assert_int_equal(get64(bp, 0x070), 0xf5a40);
}

static void test_fill_e820_count(void **state)
{
	static struct e820_entry e[LINUX_E820_MAX + 1];
	struct linux_load_plan p;
	struct linux_boot_args a = default_args();

	for (unsigned int i = 0; i <= LINUX_E820_MAX; i++)
		e[i] = (struct e820_entry){ i * 0x200000ULL, 0x100000, 1 + i % 5 };
	make_image(0x020f);
	p = plan_for_image();
	assert_int_equal(linux_fill_boot_params(bp, img, IMG_SIZE, &p, e, 0, &a), -EINVAL);
	assert_int_equal(linux_fill_boot_params(bp, img, IMG_SIZE, &p, e, 129, &a), -EINVAL);
	assert_int_equal(linux_fill_boot_params(bp, img, IMG_SIZE, &p, e, 128, &a), 0);
	assert_int_equal(bp[0x1e8], 128);
	/* the last entry, 0x2d0 + 127 * 20 = 0xcbc, ends at 0xcd0 */
	assert_int_equal(get64(bp, 0xcbc), 127 * 0x200000ULL);
	assert_int_equal(get64(bp, 0xcc4), 0x100000);
	assert_int_equal(get32(bp, 0xccc), 1 + 127 % 5);
	assert_true(all_zero(bp, 0xcd0, 4096));
}

static void test_fill_header_length(void **state)
{
	struct linux_load_plan p;
	struct linux_boot_args a = default_args();

	/* a 2.12-sized header (ends at 0x268): kernel_info_offset is not copied */
	make_image(0x020c);
	img[0x201] = 0x66;
	p = plan_for_image();
	assert_int_equal(fill(&p, &a), 0);
	assert_int_equal(get32(bp, 0x264), 0x190);
	assert_true(all_zero(bp, 0x268, 0x2d0));
	/* the largest header: up to 0x290, nothing more */
	img[0x201] = 0x8e;
	assert_int_equal(fill(&p, &a), 0);
	assert_int_equal(bp[0x28f], 0xee);
	assert_true(all_zero(bp, 0x290, 0x2d0));
	/* too long */
	img[0x201] = 0x8f;
	assert_int_equal(fill(&p, &a), -EINVAL);
	assert_true(all_zero(bp, 0, sizeof(bp)));
}

static void test_fill_bad_image_or_plan(void **state)
{
	struct linux_load_plan p;
	struct linux_boot_args a = default_args();

	make_image(0x020f);
	p = plan_for_image();
	img[0x1fe] = 0;
	assert_int_equal(fill(&p, &a), -ENOEXEC);
	/* a plan made for another image */
	make_image(0x020f);
	put32(img, 0x260, INIT_SIZE + 0x1000);
	assert_int_equal(fill(&p, &a), -EINVAL);
	assert_true(log_capture_contains("does not belong to this image"));
	make_image(0x020f);
	p.entry64 += 0x1000;
	assert_int_equal(fill(&p, &a), -EINVAL);
	assert_true(all_zero(bp, 0, sizeof(bp)));
}

/* ---- all together, and a real kernel ----------------------------------------------------- */

static void test_end_to_end(void **state)
{
	const struct linux_range ram[] = { RANGE(0x1000, 0x9f000), RANGE(16 * MiB, 1 * GiB) };
	const struct linux_range avoid[] = { RANGE(0x1000000, 0x1800000), RANGE(0x1800000, 0x4000000) };
	struct e820_entry e[LINUX_E820_MAX];
	struct linux_load_plan p;
	struct linux_boot_args a = default_args();
	int n;

	make_image(0x020f);
	n = linux_build_e820(pc_map, ARRAY_SIZE(pc_map), ram, 2, e, LINUX_E820_MAX);
	assert_int_equal(n, 10);
	assert_int_equal(linux_plan_load(img, IMG_SIZE, ram, 2, avoid, 2, &p), 0);
	assert_int_equal(p.load_addr, 0x4000000);
	a.initrd_pa = 0x1800000;
	a.initrd_size = 0x2800000;
	assert_int_equal(linux_fill_boot_params(bp, img, IMG_SIZE, &p, e, (unsigned int)n, &a), 0);
	assert_int_equal(bp[0x1e8], 10);
	assert_int_equal(get64(bp, 0x2d0 + 4 * 20), 16 * MiB);
	assert_int_equal(get32(bp, 0x2d0 + 4 * 20 + 16), 1);
	assert_int_equal(get32(bp, 0x214), 0x4000000);
}

static void test_real_bzimage(void **state)
{
	const char *path = getenv("XL_TEST_BZIMAGE") ? getenv("XL_TEST_BZIMAGE") : "build/dom0/vmlinuz";
	const struct linux_range ram[] = { RANGE(1 * MiB, 2 * GiB) };
	struct linux_boot_args a = default_args();
	struct linux_load_plan p;
	FILE *f = fopen(path, "rb");
	uint8_t *k;
	long size;

	if (!f) {
		print_message("no bzImage at %s: skipped\n", path);
		skip();
	}
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0x1000);
	rewind(f);
	k = malloc((size_t)size);
	assert_non_null(k);
	assert_int_equal(fread(k, 1, (size_t)size, f), (size_t)size);
	fclose(f);

	assert_int_equal(linux_plan_load(k, (uint64_t)size, ram, 1, NULL, 0, &p), 0);
	assert_true(p.protocol >= 0x020c);
	assert_true(p.relocatable);
	assert_int_equal(p.load_addr, get64(k, 0x258));
	assert_int_equal(p.entry64, p.load_addr + 0x200);
	assert_int_equal(p.setup_size + p.payload_size, (uint64_t)size);
	assert_true(p.init_size >= p.payload_size);
	a.initrd_pa = p.load_addr + p.init_size;
	assert_int_equal(linux_fill_boot_params(bp, k, (uint64_t)size, &p, e820_3, 3, &a), 0);
	assert_memory_equal(bp + 0x202, "HdrS", 4);
	assert_memory_equal(bp + 0x1f1, k + 0x1f1, 0x1fa - 0x1f1);
	assert_int_equal(bp[0x210], 0xff);
	assert_int_equal(get32(bp, 0x214), (uint32_t)p.load_addr);
	print_message("%s: protocol %u.%u, load %#llx, init_size %#llx\n", path, p.protocol >> 8,
		      p.protocol & 0xff, (unsigned long long)p.load_addr, (unsigned long long)p.init_size);
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_e820_pc_map),
		T(test_e820_dom0_range_over_non_ram),
		T(test_e820_no_dom0_ram),
		T(test_e820_empty_map),
		T(test_e820_unsorted_and_merged),
		T(test_e820_overlap_and_odd_types),
		T(test_e820_top_of_address_space),
		T(test_e820_capacity),
		T(test_plan_pref_fits),
		T(test_plan_pref_exact_fit),
		T(test_plan_relocates_past_ram_start),
		T(test_plan_relocates_past_avoid),
		T(test_plan_lowest_of_unsorted_ranges),
		T(test_plan_never_below_pref),
		T(test_plan_low_pref_tries_16m_first),
		T(test_plan_never_below_1m),
		T(test_plan_nothing_fits),
		T(test_plan_not_relocatable),
		T(test_plan_unaligned_pref_relocates),
		T(test_plan_bad_alignment),
		T(test_plan_init_size),
		T(test_plan_header_length),
		T(test_plan_bad_images),
		T(test_plan_4g_limit),
		T(test_plan_top_of_address_space),
		T(test_fill_offsets),
		T(test_fill_high_addresses),
		T(test_fill_cmdline_size),
		T(test_fill_no_cmdline_no_initrd),
		T(test_fill_initrd_addr_max),
		T(test_fill_4g_without_flag),
		T(test_fill_overlaps),
		T(test_fill_wrapping_ranges),
		T(test_fill_rsdp_needs_2_14),
		T(test_fill_e820_count),
		T(test_fill_header_length),
		T(test_fill_bad_image_or_plan),
		T(test_end_to_end),
		T(test_real_bzimage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
