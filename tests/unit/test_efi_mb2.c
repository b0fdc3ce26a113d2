/*
 * Host tests for xen-lite.efi's multiboot2 information builder and UEFI
 * memory map conversion. The last tests feed the result to the
 * hypervisor's own multiboot2_parse() (arch/x86_64/multiboot.c), so the
 * loader and the hypervisor are checked against each other.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../arch/x86_64/efi/efi_mb2.h"

#include <xen-lite/boot_info.h>

#include "log_capture.h"

#define INFO_PA 0x10000000ULL /* where the fake info lives for multiboot2_parse */

static _Alignas(8) uint8_t buf[8192];
static struct mb2_buf b;

static uint32_t r32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t r64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* UEFI memory descriptors, stride 48 like OVMF (40 bytes + padding) */
#define DESC 48
static uint8_t efimap[64 * DESC];
static size_t efimap_n;

static void efi_desc(uint32_t type, uint64_t base, uint64_t pages, uint64_t attr)
{
	uint8_t *d = efimap + efimap_n++ * DESC;

	memset(d, 0xee, DESC); /* padding and VirtualStart: garbage */
	memcpy(d + 0, &type, 4);
	memcpy(d + 8, &base, 8);
	memcpy(d + 24, &pages, 8);
	memcpy(d + 32, &attr, 8);
}

static int setup(void **state)
{
	memset(buf, 0xa5, sizeof(buf));
	memset(efimap, 0, sizeof(efimap));
	efimap_n = 0;
	log_capture_reset();
	return 0;
}

/* find the first tag of a type after the 8-byte header; NULL if none */
static const uint8_t *find_tag(uint32_t type)
{
	uint32_t total = r32(buf);

	for (uint32_t off = 8; off + 8 <= total;) {
		const uint8_t *t = buf + off;

		if (r32(t) == type)
			return t;
		if (r32(t) == MB2_TAG_END)
			return NULL;
		off += (r32(t + 4) + 7) & ~7u;
	}
	return NULL;
}

/* ---- layout ------------------------------------------------------------------ */

static void test_empty_info(void **state)
{
	mb2_begin(&b, buf, sizeof(buf));
	assert_int_equal(mb2_end(&b), 0);
	assert_int_equal(b.len, 16);
	assert_int_equal(r32(buf), 16); /* total_size */
	assert_int_equal(r32(buf + 4), 0); /* reserved */
	assert_int_equal(r32(buf + 8), MB2_TAG_END);
	assert_int_equal(r32(buf + 12), 8);
}

static void test_string_tags_padded(void **state)
{
	mb2_begin(&b, buf, sizeof(buf));
	mb2_add_string(&b, MB2_TAG_CMDLINE, "abc"); /* 8 + 4 = 12, padded to 16 */
	mb2_add_string(&b, MB2_TAG_LOADER_NAME, "xen-lite.efi"); /* 8 + 13 = 21 -> 24 */
	mb2_add_string(&b, MB2_TAG_CMDLINE, ""); /* 9 -> 16 */
	assert_int_equal(mb2_end(&b), 0);
	assert_int_equal(r32(buf + 8), MB2_TAG_CMDLINE);
	assert_int_equal(r32(buf + 12), 12);
	assert_string_equal((char *)buf + 16, "abc");
	assert_int_equal(buf[20], 0); /* padding is zeroed */
	assert_int_equal(r32(buf + 24), MB2_TAG_LOADER_NAME);
	assert_int_equal(r32(buf + 28), 21);
	assert_string_equal((char *)buf + 32, "xen-lite.efi");
	assert_int_equal(r32(buf + 48), MB2_TAG_CMDLINE);
	assert_int_equal(r32(buf + 52), 9);
	assert_int_equal(buf[56], 0);
	assert_int_equal(r32(buf + 64), MB2_TAG_END);
	assert_int_equal(r32(buf), 72);
}

static void test_module_tag(void **state)
{
	mb2_begin(&b, buf, sizeof(buf));
	mb2_add_module(&b, 0x1000000, 0x1000029, "root=/dev/sda");
	assert_int_equal(mb2_end(&b), 0);
	assert_int_equal(r32(buf + 8), MB2_TAG_MODULE);
	assert_int_equal(r32(buf + 12), 16 + 14);
	assert_int_equal(r32(buf + 16), 0x1000000);
	assert_int_equal(r32(buf + 20), 0x1000029);
	assert_string_equal((char *)buf + 24, "root=/dev/sda");
	assert_int_equal(r32(buf + 40), MB2_TAG_END);
}

static void test_rsdp_tags(void **state)
{
	uint8_t rsdp[36];

	for (int i = 0; i < 36; i++)
		rsdp[i] = (uint8_t)i;
	mb2_begin(&b, buf, sizeof(buf));
	mb2_add_rsdp(&b, rsdp, 36);
	mb2_add_rsdp(&b, rsdp, 20);
	assert_int_equal(mb2_end(&b), 0);
	assert_int_equal(r32(buf + 8), MB2_TAG_ACPI_NEW);
	assert_int_equal(r32(buf + 12), 44);
	assert_memory_equal(buf + 16, rsdp, 36);
	assert_int_equal(r32(buf + 56), MB2_TAG_ACPI_OLD);
	assert_int_equal(r32(buf + 60), 28);
	assert_memory_equal(buf + 64, rsdp, 20);
}

static void test_framebuffer_tag(void **state)
{
	struct mb2_fb fb = {
		.addr = 0xc0000000,
		.pitch = 5120,
		.width = 1280,
		.height = 800,
		.bpp = 32,
		.red_pos = 16,
		.red_size = 8,
		.green_pos = 8,
		.green_size = 8,
		.blue_pos = 0,
		.blue_size = 8,
	};
	const uint8_t *t;

	mb2_begin(&b, buf, sizeof(buf));
	mb2_add_framebuffer(&b, &fb);
	assert_int_equal(mb2_end(&b), 0);
	t = find_tag(MB2_TAG_FRAMEBUFFER);
	assert_non_null(t);
	assert_int_equal(r32(t + 4), 38);
	assert_int_equal(r64(t + 8), 0xc0000000);
	assert_int_equal(r32(t + 16), 5120);
	assert_int_equal(r32(t + 20), 1280);
	assert_int_equal(r32(t + 24), 800);
	assert_int_equal(t[28], 32);
	assert_int_equal(t[29], MB2_FB_TYPE_RGB);
	assert_int_equal(t[30], 0); /* u16 reserved */
	assert_int_equal(t[31], 0);
	assert_int_equal(t[32], 16);
	assert_int_equal(t[33], 8);
	assert_int_equal(t[34], 8);
	assert_int_equal(t[35], 8);
	assert_int_equal(t[36], 0);
	assert_int_equal(t[37], 8);
	assert_int_equal(r32(buf), 8 + 40 + 8);
}

static void test_efi64_tag(void **state)
{
	const uint8_t *t;

	mb2_begin(&b, buf, sizeof(buf));
	mb2_add_efi64(&b, 0x1fb7e018);
	assert_int_equal(mb2_end(&b), 0);
	t = find_tag(MB2_TAG_EFI64_ST);
	assert_non_null(t);
	assert_int_equal(r32(t), 12); /* multiboot2 spec: 11 is the 32-bit table, 12 the 64-bit one */
	assert_int_equal(r32(t + 4), 16);
	assert_int_equal(r64(t + 8), 0x1fb7e018);
}

static void test_overflow(void **state)
{
	mb2_begin(&b, buf, 40);
	mb2_add_string(&b, MB2_TAG_CMDLINE, "0123456789"); /* 24 bytes: fits (8 + 24) */
	assert_false(b.overflow);
	mb2_add_string(&b, MB2_TAG_CMDLINE, "x"); /* 16 more: does not */
	assert_true(b.overflow);
	assert_int_equal(b.len, 32);
	assert_int_equal(mb2_end(&b), -1);
	/* the end tag alone must fit too */
	mb2_begin(&b, buf, 15);
	assert_int_equal(mb2_end(&b), -1);
	mb2_begin(&b, buf, 4);
	assert_true(b.overflow);
	assert_int_equal(mb2_end(&b), -1);
}

/* ---- memory map ---------------------------------------------------------------- */

static void test_memory_type_mapping(void **state)
{
	assert_int_equal(mb2_mem_type(XL_EFI_CONVENTIONAL, 0), 1);
	assert_int_equal(mb2_mem_type(XL_EFI_LOADER_CODE, 0), 1);
	assert_int_equal(mb2_mem_type(XL_EFI_LOADER_DATA, 0), 1);
	assert_int_equal(mb2_mem_type(XL_EFI_BS_CODE, 0), 1);
	assert_int_equal(mb2_mem_type(XL_EFI_BS_DATA, 0), 1);
	assert_int_equal(mb2_mem_type(XL_EFI_ACPI_RECLAIM, 0), 3);
	assert_int_equal(mb2_mem_type(XL_EFI_ACPI_NVS, 0), 4);
	assert_int_equal(mb2_mem_type(XL_EFI_UNUSABLE, 0), 5);
	assert_int_equal(mb2_mem_type(XL_EFI_RESERVED, 0), 2);
	assert_int_equal(mb2_mem_type(XL_EFI_RT_CODE, 0), 2);
	assert_int_equal(mb2_mem_type(XL_EFI_RT_DATA, 0), 2);
	assert_int_equal(mb2_mem_type(XL_EFI_MMIO, 0), 2);
	assert_int_equal(mb2_mem_type(XL_EFI_MMIO_PORT, 0), 2);
	assert_int_equal(mb2_mem_type(XL_EFI_PAL_CODE, 0), 2);
	assert_int_equal(mb2_mem_type(XL_EFI_PERSISTENT, 0), 2);
	assert_int_equal(mb2_mem_type(15, 0), 2); /* EfiUnacceptedMemoryType */
	assert_int_equal(mb2_mem_type(0x70000000, 0), 2); /* OEM */
	assert_int_equal(mb2_mem_type(0xffffffff, 0), 2);
	/* specific-purpose memory is not general RAM */
	assert_int_equal(mb2_mem_type(XL_EFI_CONVENTIONAL, XL_EFI_MEMORY_SP | 0xf), 2);
	assert_int_equal(mb2_mem_type(XL_EFI_CONVENTIONAL, 0xf), 1);
}

static const uint8_t *mmap_entry(const uint8_t *t, unsigned int i)
{
	return t + 16 + 24 * i;
}

static void assert_entry(const uint8_t *t, unsigned int i, uint64_t base, uint64_t len, uint32_t type)
{
	const uint8_t *e = mmap_entry(t, i);

	if (r64(e) != base || r64(e + 8) != len || r32(e + 16) != type || r32(e + 20) != 0)
		fail_msg("entry %u: got 0x%llx+0x%llx type %u (res %u), want 0x%llx+0x%llx type %u", i,
			 (unsigned long long)r64(e), (unsigned long long)r64(e + 8), r32(e + 16), r32(e + 20),
			 (unsigned long long)base, (unsigned long long)len, type);
}

static void test_mmap_sorted_and_merged(void **state)
{
	const uint8_t *t;

	/* unsorted, with neighbours that merge once converted */
	efi_desc(XL_EFI_CONVENTIONAL, 0x100000, 0x100, 0); /* 1 MiB .. 2 MiB */
	efi_desc(XL_EFI_CONVENTIONAL, 0x0, 0xa0, 0); /* 0 .. 640 KiB */
	efi_desc(XL_EFI_RESERVED, 0xa0000, 0x60, 0); /* legacy hole */
	efi_desc(XL_EFI_LOADER_DATA, 0x200000, 0x10, 0); /* touches the 1 MiB run: merged */
	efi_desc(XL_EFI_BS_DATA, 0x210000, 0x10, 0); /* merged too */
	efi_desc(XL_EFI_ACPI_NVS, 0x800000, 4, 0);
	efi_desc(XL_EFI_ACPI_RECLAIM, 0x804000, 1, 0);
	efi_desc(XL_EFI_CONVENTIONAL, 0x900000, 0x100, 0); /* gap before it: not merged */
	efi_desc(XL_EFI_RT_DATA, 0xa00000, 0x10, 0);
	efi_desc(XL_EFI_MMIO, 0xffc00000, 0x400, 0);
	efi_desc(XL_EFI_CONVENTIONAL, 0x100000000, 0x40000, 0); /* 1 GiB above 4 GiB */

	mb2_begin(&b, buf, sizeof(buf));
	assert_int_equal(mb2_add_efi_mmap(&b, efimap, efimap_n * DESC, DESC), 0);
	assert_int_equal(mb2_end(&b), 0);
	t = find_tag(MB2_TAG_MMAP);
	assert_non_null(t);
	assert_int_equal(r32(t + 8), 24); /* entry_size */
	assert_int_equal(r32(t + 12), 0); /* entry_version */
	assert_int_equal(r32(t + 4), 16 + 9 * 24);
	assert_entry(t, 0, 0x0, 0xa0000, 1);
	assert_entry(t, 1, 0xa0000, 0x60000, 2);
	assert_entry(t, 2, 0x100000, 0x120000, 1);
	assert_entry(t, 3, 0x800000, 0x4000, 4);
	assert_entry(t, 4, 0x804000, 0x1000, 3);
	assert_entry(t, 5, 0x900000, 0x100000, 1);
	assert_entry(t, 6, 0xa00000, 0x10000, 2);
	assert_entry(t, 7, 0xffc00000, 0x400000, 2);
	assert_entry(t, 8, 0x100000000, 0x40000000, 1);
	/* the tag was shrunk: the end tag follows the last entry directly */
	assert_int_equal(r32(t + 16 + 9 * 24), MB2_TAG_END);
	assert_int_equal(r32(buf), (uint32_t)(t - buf) + 16 + 9 * 24 + 8);
}

static void test_mmap_drops_empty_and_handles_overlap(void **state)
{
	const uint8_t *t;

	efi_desc(XL_EFI_CONVENTIONAL, 0x1000, 0, 0); /* empty: dropped */
	efi_desc(XL_EFI_CONVENTIONAL, 0x100000, 0x10, 0);
	efi_desc(XL_EFI_BS_CODE, 0x108000, 0x10, 0); /* overlaps, same type: merged */
	efi_desc(XL_EFI_RESERVED, 0x110000, 0x1, 0);
	efi_desc(XL_EFI_CONVENTIONAL, 0xfffffffffffff000ull, 0x10, 0); /* wraps: clamped */

	mb2_begin(&b, buf, sizeof(buf));
	assert_int_equal(mb2_add_efi_mmap(&b, efimap, efimap_n * DESC, DESC), 0);
	assert_int_equal(mb2_end(&b), 0);
	t = find_tag(MB2_TAG_MMAP);
	assert_int_equal(r32(t + 4), 16 + 3 * 24);
	assert_entry(t, 0, 0x100000, 0x18000, 1);
	assert_entry(t, 1, 0x110000, 0x1000, 2);
	assert_entry(t, 2, 0xfffffffffffff000ull, 0x1000, 1);
}

static void test_mmap_descriptor_stride(void **state)
{
	/* the stride is the firmware's desc_size, not sizeof(EFI_MEMORY_DESCRIPTOR) */
	static uint8_t map40[2 * 40], map56[2 * 56];
	uint32_t type = XL_EFI_CONVENTIONAL;
	uint64_t base0 = 0x100000, base1 = 0x300000, pages = 0x10;
	const uint8_t *t;

	memset(map56, 0xcc, sizeof(map56));
	memcpy(map56 + 0, &type, 4);
	memcpy(map56 + 8, &base0, 8);
	memcpy(map56 + 24, &pages, 8);
	memset(map56 + 32, 0, 8);
	memcpy(map56 + 56, &type, 4);
	memcpy(map56 + 56 + 8, &base1, 8);
	memcpy(map56 + 56 + 24, &pages, 8);
	memset(map56 + 56 + 32, 0, 8);
	mb2_begin(&b, buf, sizeof(buf));
	assert_int_equal(mb2_add_efi_mmap(&b, map56, sizeof(map56), 56), 0);
	assert_int_equal(mb2_end(&b), 0);
	t = find_tag(MB2_TAG_MMAP);
	assert_int_equal(r32(t + 4), 16 + 2 * 24);
	assert_entry(t, 0, 0x100000, 0x10000, 1);
	assert_entry(t, 1, 0x300000, 0x10000, 1);

	/* 40 is the minimum; smaller strides are refused, odd ones read byte-wise */
	memset(map40, 0, sizeof(map40));
	mb2_begin(&b, buf, sizeof(buf));
	assert_int_equal(mb2_add_efi_mmap(&b, map40, sizeof(map40), 40), 0);
	mb2_begin(&b, buf, sizeof(buf));
	assert_int_equal(mb2_add_efi_mmap(&b, map40, sizeof(map40), 32), -1);
	assert_true(b.overflow);
	mb2_begin(&b, buf, sizeof(buf));
	assert_int_equal(mb2_add_efi_mmap(&b, map40, sizeof(map40), 44), 0);
}

static void test_mmap_empty_map(void **state)
{
	const uint8_t *t;

	mb2_begin(&b, buf, sizeof(buf));
	assert_int_equal(mb2_add_efi_mmap(&b, efimap, 0, DESC), 0);
	assert_int_equal(mb2_end(&b), 0);
	t = find_tag(MB2_TAG_MMAP);
	assert_non_null(t);
	assert_int_equal(r32(t + 4), 16);
}

static void test_mmap_bound_and_overflow(void **state)
{
	for (int i = 0; i < 10; i++)
		efi_desc(i % 2 ? XL_EFI_RESERVED : XL_EFI_CONVENTIONAL, 0x100000 * (uint64_t)i, 1, 0);
	assert_int_equal(mb2_mmap_tag_bound(10), 16 + 240);
	assert_int_equal(mb2_mmap_tag_bound(0), 16);
	/* exactly header + bound + end tag fits */
	mb2_begin(&b, buf, 8 + mb2_mmap_tag_bound(10) + 8);
	assert_int_equal(mb2_add_efi_mmap(&b, efimap, efimap_n * DESC, DESC), 0);
	assert_int_equal(mb2_end(&b), 0);
	/* one byte less does not */
	mb2_begin(&b, buf, 8 + mb2_mmap_tag_bound(10) - 1);
	assert_int_equal(mb2_add_efi_mmap(&b, efimap, efimap_n * DESC, DESC), -1);
	assert_int_equal(mb2_end(&b), -1);
}

static void test_mmap_rewind_for_retry(void **state)
{
	uint8_t first[512];
	uint32_t mark, first_len;

	efi_desc(XL_EFI_CONVENTIONAL, 0, 0x9f, 0);
	efi_desc(XL_EFI_CONVENTIONAL, 0x100000, 0x1000, 0);
	mb2_begin(&b, buf, sizeof(buf));
	mb2_add_string(&b, MB2_TAG_CMDLINE, "x");
	mark = b.len;
	/* a bigger map first (before a failed ExitBootServices) ... */
	efi_desc(XL_EFI_BS_DATA, 0x2000000, 0x10, 0);
	efi_desc(XL_EFI_RESERVED, 0x3000000, 0x10, 0);
	assert_int_equal(mb2_add_efi_mmap(&b, efimap, efimap_n * DESC, DESC), 0);
	/* ... then the final one, written over it */
	b.len = mark;
	assert_int_equal(mb2_add_efi_mmap(&b, efimap, 2 * DESC, DESC), 0);
	assert_int_equal(mb2_end(&b), 0);
	first_len = r32(buf);
	memcpy(first, buf, first_len);

	mb2_begin(&b, buf, sizeof(buf));
	mb2_add_string(&b, MB2_TAG_CMDLINE, "x");
	assert_int_equal(mb2_add_efi_mmap(&b, efimap, 2 * DESC, DESC), 0);
	assert_int_equal(mb2_end(&b), 0);
	assert_int_equal(r32(buf), first_len);
	assert_memory_equal(buf, first, first_len);
}

/* ---- round trip through the hypervisor's parser ----------------------------- */

static const void *map_info(uint64_t pa, uint64_t len, void *ctx)
{
	if (pa < INFO_PA || pa - INFO_PA > sizeof(buf) || len > sizeof(buf) - (pa - INFO_PA))
		return NULL;
	return buf + (pa - INFO_PA);
}

static void build_typical(void)
{
	uint8_t rsdp[36] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ' };
	struct mb2_fb fb = { .addr = 0xc0000000, .pitch = 4096, .width = 1024, .height = 768, .bpp = 32 };

	rsdp[15] = 2;
	efi_desc(XL_EFI_CONVENTIONAL, 0, 0xa0, 0);
	efi_desc(XL_EFI_RESERVED, 0xa0000, 0x60, 0);
	efi_desc(XL_EFI_LOADER_CODE, 0x200000, 0x4d, 0);
	efi_desc(XL_EFI_CONVENTIONAL, 0x24d000, 0x1000, 0);
	efi_desc(XL_EFI_ACPI_NVS, 0x800000, 0x8, 0);
	efi_desc(XL_EFI_RT_CODE, 0x1fb00000, 0x20, 0);

	mb2_begin(&b, buf, sizeof(buf));
	mb2_add_string(&b, MB2_TAG_CMDLINE, "debug_exit=0xf4 after_boot=halt");
	mb2_add_string(&b, MB2_TAG_LOADER_NAME, "xen-lite.efi");
	mb2_add_module(&b, 0x1e901000, 0x1e901029, "first module args=1");
	mb2_add_module(&b, 0x1e8fa000, 0x1e8fa01d, "second module");
	mb2_add_rsdp(&b, rsdp, 36);
	mb2_add_framebuffer(&b, &fb);
	mb2_add_efi64(&b, 0x1fb7e018);
	assert_int_equal(mb2_add_efi_mmap(&b, efimap, efimap_n * DESC, DESC), 0);
	assert_int_equal(mb2_end(&b), 0);
}

static void test_hypervisor_parses_loader_info(void **state)
{
	static struct boot_info bi;

	build_typical();
	assert_int_equal(multiboot2_parse(INFO_PA, map_info, NULL, &bi), 0);
	assert_int_equal(bi.protocol, BOOT_PROTO_MULTIBOOT2);
	assert_string_equal(bi.loader_name, "xen-lite.efi");
	assert_string_equal(bi.cmdline, "debug_exit=0xf4 after_boot=halt");
	assert_int_equal(bi.module_count, 2);
	assert_int_equal(bi.modules[0].start, 0x1e901000);
	assert_int_equal(bi.modules[0].end, 0x1e901029);
	assert_string_equal(bi.modules[0].cmdline, "first module args=1");
	assert_int_equal(bi.modules[1].start, 0x1e8fa000);
	assert_string_equal(bi.modules[1].cmdline, "second module");
	assert_int_equal(bi.rsdp_len, 36);
	assert_memory_equal(bi.rsdp, "RSD PTR ", 8);
	assert_true(bi.fb.present);
	assert_int_equal(bi.fb.addr, 0xc0000000);
	assert_int_equal(bi.fb.width, 1024);
	assert_int_equal(bi.fb.height, 768);
	assert_int_equal(bi.fb.bpp, 32);
	assert_int_equal(bi.fb.type, 1);
	assert_true(bi.efi);
	assert_int_equal(bi.efi_system_table, 0x1fb7e018);
	assert_int_equal(bi.info_start, INFO_PA);
	assert_int_equal(bi.info_end, INFO_PA + r32(buf));
	/* 0-640K avail, hole, 2M..(LoaderCode+Conventional merged), NVS, runtime */
	assert_true(bi.mem_count >= 5);
	assert_int_equal(bi.mem[0].base, 0);
	assert_int_equal(bi.mem[0].size, 0xa0000);
	assert_int_equal(bi.mem[0].type, MEM_AVAILABLE);
	assert_int_equal(bi.mem[2].base, 0x200000);
	assert_int_equal(bi.mem[2].size, 0x104d000);
	assert_int_equal(bi.mem[2].type, MEM_AVAILABLE);
	assert_int_equal(log_capture_count(LOG_ERROR), 0);
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_hypervisor_parses_minimal_info(void **state)
{
	static struct boot_info bi;

	/* no config, no ACPI, no GOP: cmdline "", name, EFI table, memory map */
	efi_desc(XL_EFI_CONVENTIONAL, 0x100000, 0x1000, 0);
	mb2_begin(&b, buf, sizeof(buf));
	mb2_add_string(&b, MB2_TAG_CMDLINE, "");
	mb2_add_string(&b, MB2_TAG_LOADER_NAME, "xen-lite.efi");
	mb2_add_efi64(&b, 0x1000);
	assert_int_equal(mb2_add_efi_mmap(&b, efimap, efimap_n * DESC, DESC), 0);
	assert_int_equal(mb2_end(&b), 0);
	assert_int_equal(multiboot2_parse(INFO_PA, map_info, NULL, &bi), 0);
	assert_string_equal(bi.cmdline, "");
	assert_int_equal(bi.module_count, 0);
	assert_int_equal(bi.rsdp_len, 0);
	assert_false(bi.fb.present);
	assert_int_equal(bi.mem_count, 1);
	assert_int_equal(log_capture_count(LOG_ERROR), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_empty_info, setup),
		cmocka_unit_test_setup(test_string_tags_padded, setup),
		cmocka_unit_test_setup(test_module_tag, setup),
		cmocka_unit_test_setup(test_rsdp_tags, setup),
		cmocka_unit_test_setup(test_framebuffer_tag, setup),
		cmocka_unit_test_setup(test_efi64_tag, setup),
		cmocka_unit_test_setup(test_overflow, setup),
		cmocka_unit_test_setup(test_memory_type_mapping, setup),
		cmocka_unit_test_setup(test_mmap_sorted_and_merged, setup),
		cmocka_unit_test_setup(test_mmap_drops_empty_and_handles_overlap, setup),
		cmocka_unit_test_setup(test_mmap_descriptor_stride, setup),
		cmocka_unit_test_setup(test_mmap_empty_map, setup),
		cmocka_unit_test_setup(test_mmap_bound_and_overflow, setup),
		cmocka_unit_test_setup(test_mmap_rewind_for_retry, setup),
		cmocka_unit_test_setup(test_hypervisor_parses_loader_info, setup),
		cmocka_unit_test_setup(test_hypervisor_parses_minimal_info, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
