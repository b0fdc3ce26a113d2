/*
 * Host tests for the multiboot 1/2 information parsers.
 *
 * Physical memory is a buffer at FAKE_BASE. The map callback hands out a
 * fresh heap copy of exactly the requested range, so AddressSanitizer
 * catches any read past what the parser asked to map, not just past the
 * end of the buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen-lite/boot_info.h>
#include <xen-lite/errno.h>

#include "log_capture.h"

#define FAKE_BASE 0x200000ULL
#define FAKE_SIZE (64 * 1024)

static uint8_t *fake_mem;
static void **mappings;
static size_t mapping_count, mapping_cap;
static struct boot_info bi;

static const void *fake_map(uint64_t pa, uint64_t len, void *ctx)
{
	void *copy;

	(void)ctx;
	if (pa < FAKE_BASE || pa - FAKE_BASE > FAKE_SIZE || len > FAKE_SIZE - (pa - FAKE_BASE))
		return NULL;
	copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, fake_mem + (pa - FAKE_BASE), len);
	if (mapping_count == mapping_cap) {
		mapping_cap = mapping_cap ? 2 * mapping_cap : 64;
		mappings = realloc(mappings, mapping_cap * sizeof(*mappings));
		assert_non_null(mappings);
	}
	mappings[mapping_count++] = copy;
	return copy;
}

static void release_mappings(void)
{
	for (size_t i = 0; i < mapping_count; i++)
		free(mappings[i]);
	mapping_count = 0;
}

static int setup(void **state)
{
	(void)state;
	fake_mem = calloc(1, FAKE_SIZE);
	assert_non_null(fake_mem);
	/* Garbage in the result proves the parser clears it. */
	memset(&bi, 0xa5, sizeof(bi));
	log_capture_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	release_mappings();
	free(mappings);
	mappings = NULL;
	mapping_cap = 0;
	free(fake_mem);
	return 0;
}

static uint8_t *at(uint64_t pa)
{
	assert_true(pa >= FAKE_BASE && pa < FAKE_BASE + FAKE_SIZE);
	return fake_mem + (pa - FAKE_BASE);
}

static void put8(uint64_t pa, uint8_t v)
{
	*at(pa) = v;
}

static void put32(uint64_t pa, uint32_t v)
{
	memcpy(at(pa), &v, sizeof(v));
}

static void put64(uint64_t pa, uint64_t v)
{
	memcpy(at(pa), &v, sizeof(v));
}

static uint32_t get32(uint64_t pa)
{
	uint32_t v;

	memcpy(&v, at(pa), sizeof(v));
	return v;
}

static void put_str(uint64_t pa, const char *s)
{
	memcpy(at(pa), s, strlen(s) + 1);
}

/* ---- multiboot2 blob builder ----------------------------------------------- */

#define MB2_INFO_PA (FAKE_BASE + 0x1000)

struct mb2 {
	uint64_t start;
	uint64_t cur;
};

static struct mb2 mb2_begin(void)
{
	return (struct mb2){ .start = MB2_INFO_PA, .cur = MB2_INFO_PA + 8 };
}

/* Start a tag with the given payload size; returns the payload address. */
static uint64_t mb2_tag(struct mb2 *b, uint32_t type, uint32_t payload)
{
	uint64_t tag = b->cur;

	put32(tag, type);
	put32(tag + 4, 8 + payload);
	b->cur = (tag + 8 + payload + 7) & ~7ULL;
	return tag + 8;
}

static void mb2_string_tag(struct mb2 *b, uint32_t type, const char *s)
{
	put_str(mb2_tag(b, type, (uint32_t)strlen(s) + 1), s);
}

static void mb2_module(struct mb2 *b, uint32_t start, uint32_t end, const char *s)
{
	uint64_t p = mb2_tag(b, 3, 8 + (uint32_t)strlen(s) + 1);

	put32(p, start);
	put32(p + 4, end);
	put_str(p + 8, s);
}

/* Memory map tag; returns the address of the first entry. */
static uint64_t mb2_mmap(struct mb2 *b, uint32_t entry_size, uint32_t n)
{
	uint64_t p = mb2_tag(b, 6, 8 + entry_size * n);

	put32(p, entry_size);
	put32(p + 4, 0);
	return p + 8;
}

static void mb2_mmap_entry(uint64_t e, uint64_t base, uint64_t len, uint32_t type)
{
	put64(e, base);
	put64(e + 8, len);
	put32(e + 16, type);
	put32(e + 20, 0);
}

/* A memory map with a single RAM region: the minimum a valid blob needs. */
static void mb2_simple_mmap(struct mb2 *b)
{
	mb2_mmap_entry(mb2_mmap(b, 24, 1), 0x100000, 0x7ff00000, 1);
}

static uint32_t mb2_end(struct mb2 *b)
{
	uint32_t total;

	mb2_tag(b, 0, 0);
	total = (uint32_t)(b->cur - b->start);
	put32(b->start, total);
	put32(b->start + 4, 0);
	return total;
}

static int mb2_parse(void)
{
	return multiboot2_parse(MB2_INFO_PA, fake_map, NULL, &bi);
}

/* ---- multiboot2 tests ------------------------------------------------------ */

static void fill_rsdp(uint64_t p, uint32_t len, uint8_t revision)
{
	memcpy(at(p), "RSD PTR ", 8);
	for (uint32_t i = 8; i < len; i++)
		put8(p + i, (uint8_t)(0x40 + i));
	put8(p + 15, revision);
}

static void test_mb2_full(void **state)
{
	struct mb2 b = mb2_begin();
	uint64_t e, p;
	uint32_t total;

	mb2_string_tag(&b, 1, "console=com1 loglvl=debug");
	mb2_string_tag(&b, 2, "GRUB 2.06");
	mb2_module(&b, 0x800000, 0x900000, "dom0 kernel root=/dev/vda");
	mb2_module(&b, 0x900000, 0x900800, "initrd");
	e = mb2_mmap(&b, 24, 4);
	mb2_mmap_entry(e, 0x0, 0x9fc00, 1);
	mb2_mmap_entry(e + 24, 0xf0000, 0x10000, 2);
	mb2_mmap_entry(e + 48, 0x100000, 0x3fe00000, 1);
	mb2_mmap_entry(e + 72, 0x3ff00000, 0x100000, 3);
	/* Old RSDP after the new one must not replace it. */
	fill_rsdp(mb2_tag(&b, 15, 36), 36, 2);
	fill_rsdp(mb2_tag(&b, 14, 20), 20, 0);
	p = mb2_tag(&b, 8, 24);
	put64(p, 0xfd000000);
	put32(p + 8, 4096);
	put32(p + 12, 1024);
	put32(p + 16, 768);
	put8(p + 20, 32);
	put8(p + 21, 1);
	put64(mb2_tag(&b, 12, 8), 0x7fbee018);
	total = mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_int_equal(bi.protocol, BOOT_PROTO_MULTIBOOT2);
	assert_string_equal(bi.cmdline, "console=com1 loglvl=debug");
	assert_string_equal(bi.loader_name, "GRUB 2.06");

	assert_int_equal(bi.module_count, 2);
	assert_int_equal(bi.modules[0].start, 0x800000);
	assert_int_equal(bi.modules[0].end, 0x900000);
	assert_string_equal(bi.modules[0].cmdline, "dom0 kernel root=/dev/vda");
	assert_int_equal(bi.modules[1].start, 0x900000);
	assert_int_equal(bi.modules[1].end, 0x900800);
	assert_string_equal(bi.modules[1].cmdline, "initrd");

	assert_int_equal(bi.mem_count, 4);
	assert_int_equal(bi.mem[0].base, 0);
	assert_int_equal(bi.mem[0].size, 0x9fc00);
	assert_int_equal(bi.mem[0].type, MEM_AVAILABLE);
	assert_int_equal(bi.mem[1].base, 0xf0000);
	assert_int_equal(bi.mem[1].type, MEM_RESERVED);
	assert_int_equal(bi.mem[2].base, 0x100000);
	assert_int_equal(bi.mem[2].size, 0x3fe00000);
	assert_int_equal(bi.mem[2].type, MEM_AVAILABLE);
	assert_int_equal(bi.mem[3].base, 0x3ff00000);
	assert_int_equal(bi.mem[3].type, MEM_ACPI_RECLAIM);

	assert_int_equal(bi.rsdp_len, 36);
	assert_memory_equal(bi.rsdp, "RSD PTR ", 8);
	assert_int_equal(bi.rsdp[15], 2);
	assert_int_equal(bi.rsdp[35], 0x40 + 35);

	assert_true(bi.fb.present);
	assert_int_equal(bi.fb.addr, 0xfd000000);
	assert_int_equal(bi.fb.pitch, 4096);
	assert_int_equal(bi.fb.width, 1024);
	assert_int_equal(bi.fb.height, 768);
	assert_int_equal(bi.fb.bpp, 32);
	assert_int_equal(bi.fb.type, 1);

	assert_true(bi.efi);
	assert_int_equal(bi.efi_system_table, 0x7fbee018);

	assert_int_equal(bi.info_start, MB2_INFO_PA);
	assert_int_equal(bi.info_end, MB2_INFO_PA + total);
	assert_int_equal(log_capture_count(LOG_WARN), 0);
	assert_int_equal(log_capture_count(LOG_ERROR), 0);
}

static void test_mb2_minimal_has_no_extras(void **state)
{
	struct mb2 b = mb2_begin();

	mb2_simple_mmap(&b);
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_int_equal(bi.mem_count, 1);
	assert_int_equal(bi.module_count, 0);
	assert_string_equal(bi.cmdline, "");
	assert_string_equal(bi.loader_name, "");
	assert_int_equal(bi.rsdp_len, 0);
	assert_false(bi.fb.present);
	assert_false(bi.efi);
	assert_int_equal(bi.efi_system_table, 0);
}

static void test_mb2_old_rsdp_only(void **state)
{
	struct mb2 b = mb2_begin();

	mb2_simple_mmap(&b);
	fill_rsdp(mb2_tag(&b, 14, 20), 20, 0);
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_int_equal(bi.rsdp_len, 20);
	assert_memory_equal(bi.rsdp, "RSD PTR ", 8);
	assert_int_equal(bi.rsdp[19], 0x40 + 19);
}

static void test_mb2_new_rsdp_wins_in_either_order(void **state)
{
	struct mb2 b = mb2_begin();

	mb2_simple_mmap(&b);
	fill_rsdp(mb2_tag(&b, 14, 20), 20, 0);
	fill_rsdp(mb2_tag(&b, 15, 36), 36, 2);
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_int_equal(bi.rsdp_len, 36);
	assert_int_equal(bi.rsdp[15], 2);
}

static void test_mb2_short_rsdp_tag_ignored(void **state)
{
	struct mb2 b = mb2_begin();

	mb2_simple_mmap(&b);
	fill_rsdp(mb2_tag(&b, 15, 20), 20, 2);
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_int_equal(bi.rsdp_len, 0);
	assert_true(log_capture_contains("RSDP tag too short"));
}

static void test_mb2_efi64_preferred_over_efi32(void **state)
{
	struct mb2 b = mb2_begin();

	mb2_simple_mmap(&b);
	put64(mb2_tag(&b, 12, 8), 0x123456789000ULL);
	put32(mb2_tag(&b, 11, 4), 0xabc000);
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_true(bi.efi);
	assert_int_equal(bi.efi_system_table, 0x123456789000ULL);
}

static void test_mb2_mmap_stride_32(void **state)
{
	struct mb2 b = mb2_begin();
	uint64_t e;

	e = mb2_mmap(&b, 32, 3);
	/* Fill the whole tag with junk first: the extra 8 bytes must be skipped. */
	memset(at(e), 0xff, 3 * 32);
	mb2_mmap_entry(e, 0x0, 0x9f000, 1);
	mb2_mmap_entry(e + 32, 0x100000, 0x1000000, 1);
	mb2_mmap_entry(e + 64, 0xfee00000, 0x1000, 4);
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_int_equal(bi.mem_count, 3);
	assert_int_equal(bi.mem[0].base, 0);
	assert_int_equal(bi.mem[0].size, 0x9f000);
	assert_int_equal(bi.mem[1].base, 0x100000);
	assert_int_equal(bi.mem[1].size, 0x1000000);
	assert_int_equal(bi.mem[1].type, MEM_AVAILABLE);
	assert_int_equal(bi.mem[2].base, 0xfee00000);
	assert_int_equal(bi.mem[2].size, 0x1000);
	assert_int_equal(bi.mem[2].type, MEM_ACPI_NVS);
}

static void test_mb2_mmap_entry_size_too_small(void **state)
{
	struct mb2 b = mb2_begin();
	uint64_t e = mb2_mmap(&b, 16, 2);

	put64(e, 0);
	put64(e + 8, 0x100000);
	mb2_end(&b);

	assert_int_equal(mb2_parse(), -EINVAL);
	assert_true(log_capture_contains("entry_size 16"));
	assert_int_equal(log_capture_count(LOG_ERROR), 1);
}

static void test_mb2_mem_types_and_zero_length(void **state)
{
	struct mb2 b = mb2_begin();
	uint64_t e = mb2_mmap(&b, 24, 5);

	mb2_mmap_entry(e, 0x1000, 0x1000, 5);
	mb2_mmap_entry(e + 24, 0x2000, 0, 1); /* dropped */
	mb2_mmap_entry(e + 48, 0x3000, 0x1000, 7); /* unknown: reserved */
	mb2_mmap_entry(e + 72, 0x4000, 0x1000, 0); /* unknown: reserved */
	mb2_mmap_entry(e + 96, 0x100000, 0x100000, 1);
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_int_equal(bi.mem_count, 4);
	assert_int_equal(bi.mem[0].type, MEM_BAD);
	assert_int_equal(bi.mem[1].base, 0x3000);
	assert_int_equal(bi.mem[1].type, MEM_RESERVED);
	assert_int_equal(bi.mem[2].base, 0x4000);
	assert_int_equal(bi.mem[2].type, MEM_RESERVED);
	assert_int_equal(bi.mem[3].base, 0x100000);
	assert_int_equal(bi.mem[3].type, MEM_AVAILABLE);
}

static void test_mb2_wrapping_region_clamped(void **state)
{
	struct mb2 b = mb2_begin();
	uint64_t e = mb2_mmap(&b, 24, 1);

	mb2_mmap_entry(e, 0xfffffffffffff000ULL, 0x2000, 2);
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_int_equal(bi.mem_count, 1);
	assert_int_equal(bi.mem[0].base, 0xfffffffffffff000ULL);
	assert_int_equal(bi.mem[0].size, 0xfffULL);
	assert_true(log_capture_contains("wraps"));
}

static void test_mb2_only_zero_length_regions(void **state)
{
	struct mb2 b = mb2_begin();

	mb2_mmap_entry(mb2_mmap(&b, 24, 1), 0x100000, 0, 1);
	mb2_end(&b);

	assert_int_equal(mb2_parse(), -EINVAL);
	assert_true(log_capture_contains("memory map is empty"));
}

static void test_mb2_missing_mmap(void **state)
{
	struct mb2 b = mb2_begin();
	uint64_t p;

	mb2_string_tag(&b, 1, "x");
	/* Basic meminfo is there but must not be used as a map. */
	p = mb2_tag(&b, 4, 8);
	put32(p, 639);
	put32(p + 4, 523264);
	mb2_end(&b);

	assert_int_equal(mb2_parse(), -EINVAL);
	assert_int_equal(bi.mem_count, 0);
	assert_true(log_capture_contains("no memory map tag"));
	assert_int_equal(log_capture_count(LOG_ERROR), 1);
}

static void test_mb2_total_size_too_small(void **state)
{
	put32(MB2_INFO_PA, 8);
	put32(MB2_INFO_PA + 8, 0);
	put32(MB2_INFO_PA + 12, 8);

	assert_int_equal(mb2_parse(), -EINVAL);
	assert_true(log_capture_contains("total_size 8"));
}

static void test_mb2_total_size_huge(void **state)
{
	struct mb2 b = mb2_begin();

	mb2_simple_mmap(&b);
	mb2_end(&b);
	put32(MB2_INFO_PA, 2u << 20);

	assert_int_equal(mb2_parse(), -EINVAL);
	assert_true(log_capture_contains("total_size 2097152"));
}

static void test_mb2_total_size_beyond_memory(void **state)
{
	struct mb2 b = mb2_begin();

	mb2_simple_mmap(&b);
	mb2_end(&b);
	/* Plausible, but reaches past the end of mapped memory. */
	put32(MB2_INFO_PA, FAKE_SIZE);

	assert_int_equal(mb2_parse(), -EINVAL);
	assert_true(log_capture_contains("cannot map"));
}

static void test_mb2_info_unmapped(void **state)
{
	assert_int_equal(multiboot2_parse(0x1000, fake_map, NULL, &bi), -EINVAL);
	assert_true(log_capture_contains("cannot map"));
	assert_int_equal(multiboot2_parse(FAKE_BASE + FAKE_SIZE - 4, fake_map, NULL, &bi), -EINVAL);
	assert_int_equal(multiboot2_parse(UINT64_MAX - 3, fake_map, NULL, &bi), -EINVAL);
}

static void test_mb2_tag_past_end(void **state)
{
	struct mb2 b = mb2_begin();
	uint64_t cmd;

	mb2_simple_mmap(&b);
	cmd = b.cur;
	mb2_string_tag(&b, 1, "hello");
	mb2_end(&b);
	put32(cmd + 4, 0x100); /* cmdline tag now claims 256 bytes */

	assert_int_equal(mb2_parse(), -EINVAL);
	assert_true(log_capture_contains("runs past total_size"));
	assert_string_equal(bi.cmdline, "");
}

static void test_mb2_tag_size_below_header(void **state)
{
	struct mb2 b = mb2_begin();
	uint64_t t;

	mb2_simple_mmap(&b);
	t = b.cur;
	mb2_string_tag(&b, 1, "hello");
	mb2_end(&b);
	put32(t + 4, 4);

	assert_int_equal(mb2_parse(), -EINVAL);
	assert_true(log_capture_contains("has size 4"));
}

static void test_mb2_missing_end_tag(void **state)
{
	struct mb2 b = mb2_begin();
	uint64_t end_tag;

	mb2_simple_mmap(&b);
	end_tag = b.cur;
	mb2_end(&b);
	put32(end_tag, 99); /* turn the end tag into an unknown tag */

	assert_int_equal(mb2_parse(), -EINVAL);
	assert_true(log_capture_contains("no end tag"));
}

static void test_mb2_too_many_mmap_entries(void **state)
{
	struct mb2 b = mb2_begin();
	uint32_t n = BOOT_MAX_MEM_REGIONS + 44;
	uint64_t e = mb2_mmap(&b, 24, n);

	for (uint32_t i = 0; i < n; i++)
		mb2_mmap_entry(e + 24 * i, 0x100000ULL * (i + 1), 0x80000, 1);
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_int_equal(bi.mem_count, BOOT_MAX_MEM_REGIONS);
	assert_int_equal(bi.mem[BOOT_MAX_MEM_REGIONS - 1].base, 0x100000ULL * BOOT_MAX_MEM_REGIONS);
	assert_true(log_capture_contains("44 regions beyond the limit of 256 dropped"));
	assert_int_equal(log_capture_count(LOG_WARN), 1);
}

static void test_mb2_module_end_before_start(void **state)
{
	struct mb2 b = mb2_begin();

	mb2_simple_mmap(&b);
	mb2_module(&b, 0x900000, 0x800000, "backwards");
	mb2_module(&b, 0xa00000, 0xa01000, "good");
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_int_equal(bi.module_count, 1);
	assert_int_equal(bi.modules[0].start, 0xa00000);
	assert_string_equal(bi.modules[0].cmdline, "good");
	assert_true(log_capture_contains("module 0 ends"));
	assert_int_equal(log_capture_count(LOG_WARN), 1);
}

static void test_mb2_empty_module_kept(void **state)
{
	struct mb2 b = mb2_begin();

	mb2_simple_mmap(&b);
	mb2_module(&b, 0xa00000, 0xa01000, "first");
	mb2_module(&b, 0xb00000, 0xb00000, "empty");
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_int_equal(bi.module_count, 2);
	assert_int_equal(bi.modules[1].start, 0xb00000);
	assert_int_equal(bi.modules[1].end, 0xb00000);
	assert_string_equal(bi.modules[1].cmdline, "empty");
	assert_true(log_capture_contains("module 1 is empty"));
}

static void test_mb2_too_many_modules(void **state)
{
	struct mb2 b = mb2_begin();

	mb2_simple_mmap(&b);
	for (uint32_t i = 0; i < BOOT_MAX_MODULES + 2; i++)
		mb2_module(&b, 0x1000000 + i * 0x1000, 0x1000000 + (i + 1) * 0x1000, "m");
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_int_equal(bi.module_count, BOOT_MAX_MODULES);
	assert_int_equal(bi.modules[BOOT_MAX_MODULES - 1].start,
			 0x1000000 + (BOOT_MAX_MODULES - 1) * 0x1000);
	assert_true(log_capture_contains("2 beyond the limit of 16 dropped"));
}

static void test_mb2_module_tag_too_short(void **state)
{
	struct mb2 b = mb2_begin();

	mb2_simple_mmap(&b);
	put32(mb2_tag(&b, 3, 4), 0x1000);
	mb2_module(&b, 0xa00000, 0xa01000, "second");
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_int_equal(bi.module_count, 1);
	assert_string_equal(bi.modules[0].cmdline, "second");
	assert_true(log_capture_contains("module tag too short"));
}

static void test_mb2_cmdline_truncated(void **state)
{
	struct mb2 b = mb2_begin();
	char longline[2000];

	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	longline[0] = 'X';
	mb2_simple_mmap(&b);
	mb2_string_tag(&b, 1, longline);
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
	assert_int_equal(bi.cmdline[0], 'X');
	assert_true(log_capture_contains("command line truncated to 1023 bytes"));
	assert_int_equal(log_capture_count(LOG_WARN), 1);
}

static void test_mb2_cmdline_exactly_fits(void **state)
{
	struct mb2 b = mb2_begin();
	char line[BOOT_CMDLINE_MAX];

	memset(line, 'b', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	mb2_simple_mmap(&b);
	mb2_string_tag(&b, 1, line);
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_string_equal(bi.cmdline, line);
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_mb2_cmdline_one_too_long(void **state)
{
	struct mb2 b = mb2_begin();
	char line[BOOT_CMDLINE_MAX + 1];

	memset(line, 'd', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	mb2_simple_mmap(&b);
	mb2_string_tag(&b, 1, line);
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
	assert_true(log_capture_contains("command line truncated to 1023 bytes"));
}

static void test_mb2_unterminated_string_bounded_by_tag(void **state)
{
	struct mb2 b = mb2_begin();
	uint64_t p;

	mb2_simple_mmap(&b);
	p = mb2_tag(&b, 2, 5);
	memcpy(at(p), "GRUBZ", 5);
	put8(p + 5, 'Q'); /* padding byte after the tag must not be read */
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_string_equal(bi.loader_name, "GRUBZ");
	assert_true(log_capture_contains("boot loader name is not NUL-terminated"));
}

static void test_mb2_module_cmdline_truncated(void **state)
{
	struct mb2 b = mb2_begin();
	char line[BOOT_MODULE_CMDLINE_MAX + 10];

	memset(line, 'c', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	mb2_simple_mmap(&b);
	mb2_module(&b, 0xa00000, 0xa01000, "ok");
	mb2_module(&b, 0xb00000, 0xb01000, line);
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_int_equal(bi.module_count, 2);
	assert_int_equal(strlen(bi.modules[1].cmdline), BOOT_MODULE_CMDLINE_MAX - 1);
	assert_true(log_capture_contains("module 1 command line truncated to 511 bytes"));
}

static void test_mb2_unknown_tag_skipped(void **state)
{
	struct mb2 b = mb2_begin();
	uint64_t p;

	p = mb2_tag(&b, 99, 13);
	memset(at(p), 0xee, 13);
	mb2_simple_mmap(&b);
	mb2_string_tag(&b, 1, "after unknown");
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_int_equal(bi.mem_count, 1);
	assert_string_equal(bi.cmdline, "after unknown");
	assert_int_equal(log_capture_count(LOG_WARN), 0);
	assert_true(log_capture_count(LOG_DEBUG) >= 1);
	assert_true(log_capture_contains("tag type 99"));
}

static void test_mb2_short_framebuffer_ignored(void **state)
{
	struct mb2 b = mb2_begin();

	mb2_simple_mmap(&b);
	put64(mb2_tag(&b, 8, 8), 0xfd000000);
	mb2_end(&b);

	assert_int_equal(mb2_parse(), 0);
	assert_false(bi.fb.present);
	assert_true(log_capture_contains("framebuffer tag too short"));
}

static void test_mb2_data_after_end_tag_ignored(void **state)
{
	struct mb2 b = mb2_begin();
	uint64_t end_tag;
	uint32_t total;

	mb2_simple_mmap(&b);
	end_tag = b.cur;
	total = mb2_end(&b);
	/* Garbage (an oversized "tag") between the end tag and total_size. */
	put32(end_tag + 8, 1);
	put32(end_tag + 12, 0xffff);
	put32(MB2_INFO_PA, total + 16);

	assert_int_equal(mb2_parse(), 0);
	assert_string_equal(bi.cmdline, "");
	assert_int_equal(bi.info_end, MB2_INFO_PA + total + 16);
}

/* ---- multiboot 1 ----------------------------------------------------------- */

#define MB1_INFO_PA (FAKE_BASE + 0x100)
#define MB1_MMAP_PA (FAKE_BASE + 0x400)
#define MB1_MODS_PA (FAKE_BASE + 0x800)
#define MB1_STR_PA (FAKE_BASE + 0x2000)

static int mb1_parse(void)
{
	return multiboot1_parse(MB1_INFO_PA, fake_map, NULL, &bi);
}

/* Write one mmap entry with the given size field; returns the next entry. */
static uint64_t mb1_mmap_entry(uint64_t e, uint32_t size, uint64_t base, uint64_t len,
			       uint32_t type)
{
	put32(e, size);
	put64(e + 4, base);
	put64(e + 12, len);
	put32(e + 20, type);
	return e + 4 + size;
}

static void mb1_set_mmap(uint64_t end)
{
	put32(MB1_INFO_PA, get32(MB1_INFO_PA) | 1u << 6);
	put32(MB1_INFO_PA + 44, (uint32_t)(end - MB1_MMAP_PA));
	put32(MB1_INFO_PA + 48, (uint32_t)MB1_MMAP_PA);
}

static void mb1_module(unsigned int i, uint32_t start, uint32_t end, uint32_t str)
{
	uint64_t e = MB1_MODS_PA + 16 * i;

	put32(e, start);
	put32(e + 4, end);
	put32(e + 8, str);
	put32(e + 12, 0);
}

static void mb1_set_modules(uint32_t count)
{
	put32(MB1_INFO_PA, get32(MB1_INFO_PA) | 1u << 3);
	put32(MB1_INFO_PA + 20, count);
	put32(MB1_INFO_PA + 24, (uint32_t)MB1_MODS_PA);
}

static void test_mb1_full(void **state)
{
	uint64_t e = MB1_MMAP_PA;

	e = mb1_mmap_entry(e, 20, 0x0, 0x9fc00, 1);
	e = mb1_mmap_entry(e, 20, 0x9fc00, 0x400, 2);
	e = mb1_mmap_entry(e, 20, 0x100000, 0x7ee0000, 1);
	mb1_set_mmap(e);
	put_str(MB1_STR_PA, "/xen-lite.elf console=com1");
	put_str(MB1_STR_PA + 0x100, "qemu");
	put_str(MB1_STR_PA + 0x200, "dom0.bzImage quiet");
	put_str(MB1_STR_PA + 0x300, "initrd.cpio");
	put32(MB1_INFO_PA, get32(MB1_INFO_PA) | 1u << 0 | 1u << 2 | 1u << 9 | 1u << 12);
	put32(MB1_INFO_PA + 4, 639);
	put32(MB1_INFO_PA + 8, 129920);
	put32(MB1_INFO_PA + 16, (uint32_t)MB1_STR_PA);
	put32(MB1_INFO_PA + 64, (uint32_t)(MB1_STR_PA + 0x100));
	mb1_module(0, 0x1000000, 0x1400000, (uint32_t)(MB1_STR_PA + 0x200));
	mb1_module(1, 0x1400000, 0x1480000, (uint32_t)(MB1_STR_PA + 0x300));
	mb1_set_modules(2);
	put64(MB1_INFO_PA + 88, 0xfd000000);
	put32(MB1_INFO_PA + 96, 3200);
	put32(MB1_INFO_PA + 100, 800);
	put32(MB1_INFO_PA + 104, 600);
	put8(MB1_INFO_PA + 108, 32);
	put8(MB1_INFO_PA + 109, 1);

	assert_int_equal(mb1_parse(), 0);
	assert_int_equal(bi.protocol, BOOT_PROTO_MULTIBOOT1);
	assert_int_equal(bi.info_start, MB1_INFO_PA);
	assert_int_equal(bi.info_end, MB1_INFO_PA + 116);
	assert_string_equal(bi.cmdline, "/xen-lite.elf console=com1");
	assert_string_equal(bi.loader_name, "qemu");

	/* The real map wins over mem_lower/mem_upper. */
	assert_int_equal(bi.mem_count, 3);
	assert_int_equal(bi.mem[0].base, 0);
	assert_int_equal(bi.mem[0].size, 0x9fc00);
	assert_int_equal(bi.mem[0].type, MEM_AVAILABLE);
	assert_int_equal(bi.mem[1].base, 0x9fc00);
	assert_int_equal(bi.mem[1].type, MEM_RESERVED);
	assert_int_equal(bi.mem[2].base, 0x100000);
	assert_int_equal(bi.mem[2].size, 0x7ee0000);

	assert_int_equal(bi.module_count, 2);
	assert_int_equal(bi.modules[0].start, 0x1000000);
	assert_int_equal(bi.modules[0].end, 0x1400000);
	assert_string_equal(bi.modules[0].cmdline, "dom0.bzImage quiet");
	assert_int_equal(bi.modules[1].start, 0x1400000);
	assert_int_equal(bi.modules[1].end, 0x1480000);
	assert_string_equal(bi.modules[1].cmdline, "initrd.cpio");

	assert_true(bi.fb.present);
	assert_int_equal(bi.fb.addr, 0xfd000000);
	assert_int_equal(bi.fb.pitch, 3200);
	assert_int_equal(bi.fb.width, 800);
	assert_int_equal(bi.fb.height, 600);
	assert_int_equal(bi.fb.bpp, 32);
	assert_int_equal(bi.fb.type, 1);

	assert_false(bi.efi);
	assert_int_equal(bi.rsdp_len, 0);
	assert_int_equal(log_capture_count(LOG_WARN), 0);
	assert_int_equal(log_capture_count(LOG_ERROR), 0);
}

static void test_mb1_flags_gate_fields(void **state)
{
	uint64_t e = mb1_mmap_entry(MB1_MMAP_PA, 20, 0x100000, 0x100000, 1);

	mb1_set_mmap(e);
	/* Values present but their flag bits clear: must be ignored. */
	put32(MB1_INFO_PA + 16, (uint32_t)MB1_STR_PA);
	put_str(MB1_STR_PA, "should not appear");
	put32(MB1_INFO_PA + 20, 3);
	put32(MB1_INFO_PA + 24, (uint32_t)MB1_MODS_PA);
	put64(MB1_INFO_PA + 88, 0xfd000000);

	assert_int_equal(mb1_parse(), 0);
	assert_string_equal(bi.cmdline, "");
	assert_int_equal(bi.module_count, 0);
	assert_false(bi.fb.present);
}

static void test_mb1_fallback_mem(void **state)
{
	put32(MB1_INFO_PA, 1u << 0);
	put32(MB1_INFO_PA + 4, 639);
	put32(MB1_INFO_PA + 8, 130048);

	assert_int_equal(mb1_parse(), 0);
	assert_int_equal(bi.mem_count, 2);
	assert_int_equal(bi.mem[0].base, 0);
	assert_int_equal(bi.mem[0].size, 639 * 1024);
	assert_int_equal(bi.mem[0].type, MEM_AVAILABLE);
	assert_int_equal(bi.mem[1].base, 0x100000);
	assert_int_equal(bi.mem[1].size, 130048ULL * 1024);
	assert_int_equal(bi.mem[1].type, MEM_AVAILABLE);
	assert_true(log_capture_contains("fallback"));
	assert_int_equal(log_capture_count(LOG_WARN), 1);
}

static void test_mb1_fallback_lower_clamped(void **state)
{
	put32(MB1_INFO_PA, 1u << 0);
	put32(MB1_INFO_PA + 4, 0xffffffff);
	put32(MB1_INFO_PA + 8, 0xffffffff);

	assert_int_equal(mb1_parse(), 0);
	assert_int_equal(bi.mem_count, 2);
	assert_int_equal(bi.mem[0].size, 640 * 1024);
	assert_int_equal(bi.mem[1].size, 0xffffffffULL * 1024);
	assert_true(log_capture_contains("clamped"));
}

static void test_mb1_unreadable_mmap_falls_back(void **state)
{
	put32(MB1_INFO_PA, 1u << 0 | 1u << 6);
	put32(MB1_INFO_PA + 4, 600);
	put32(MB1_INFO_PA + 8, 1024);
	put32(MB1_INFO_PA + 44, 48);
	put32(MB1_INFO_PA + 48, 0x1000); /* outside fake memory */

	assert_int_equal(mb1_parse(), 0);
	assert_int_equal(bi.mem_count, 2);
	assert_true(log_capture_contains("cannot map the memory map"));
	assert_true(log_capture_contains("fallback"));
}

static void test_mb1_no_memory_info(void **state)
{
	put32(MB1_INFO_PA, 1u << 2 | 1u << 9);
	put32(MB1_INFO_PA + 16, (uint32_t)MB1_STR_PA);
	put_str(MB1_STR_PA, "cmd");

	assert_int_equal(mb1_parse(), -EINVAL);
	assert_true(log_capture_contains("no memory map"));
	assert_int_equal(log_capture_count(LOG_ERROR), 1);
}

static void test_mb1_empty_mmap_no_fallback(void **state)
{
	put32(MB1_INFO_PA, 1u << 6);
	put32(MB1_INFO_PA + 44, 0);
	put32(MB1_INFO_PA + 48, (uint32_t)MB1_MMAP_PA);

	assert_int_equal(mb1_parse(), -EINVAL);
	assert_true(log_capture_contains("memory map is empty"));
}

static void test_mb1_mmap_weird_stride(void **state)
{
	uint64_t e = MB1_MMAP_PA;

	/* Entries may be larger than 20 bytes; "size" is the stride minus 4. */
	memset(at(e), 0xcc, 0x100);
	e = mb1_mmap_entry(e, 28, 0x0, 0x9f000, 1);
	e = mb1_mmap_entry(e, 20, 0xe0000, 0x20000, 2);
	e = mb1_mmap_entry(e, 44, 0x100000, 0x200000, 3);
	mb1_set_mmap(e);

	assert_int_equal(mb1_parse(), 0);
	assert_int_equal(bi.mem_count, 3);
	assert_int_equal(bi.mem[0].base, 0);
	assert_int_equal(bi.mem[0].size, 0x9f000);
	assert_int_equal(bi.mem[1].base, 0xe0000);
	assert_int_equal(bi.mem[1].size, 0x20000);
	assert_int_equal(bi.mem[1].type, MEM_RESERVED);
	assert_int_equal(bi.mem[2].base, 0x100000);
	assert_int_equal(bi.mem[2].size, 0x200000);
	assert_int_equal(bi.mem[2].type, MEM_ACPI_RECLAIM);
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_mb1_mmap_bad_entry_size_stops(void **state)
{
	uint64_t e = MB1_MMAP_PA;

	e = mb1_mmap_entry(e, 20, 0x100000, 0x100000, 1);
	e = mb1_mmap_entry(e, 0, 0x200000, 0x100000, 1); /* would loop forever */
	e = mb1_mmap_entry(e, 20, 0x300000, 0x100000, 1);
	mb1_set_mmap(e);

	assert_int_equal(mb1_parse(), 0);
	assert_int_equal(bi.mem_count, 1);
	assert_int_equal(bi.mem[0].base, 0x100000);
	assert_true(log_capture_contains("bad memory map entry at offset 24 (size 0)"));
}

static void test_mb1_mmap_entry_past_length(void **state)
{
	uint64_t e = MB1_MMAP_PA;

	e = mb1_mmap_entry(e, 20, 0x100000, 0x100000, 1);
	e = mb1_mmap_entry(e, 20, 0x200000, 0x100000, 1);
	mb1_set_mmap(e - 8); /* the second entry is cut short */

	assert_int_equal(mb1_parse(), 0);
	assert_int_equal(bi.mem_count, 1);
	assert_true(log_capture_contains("bad memory map entry at offset 24"));
}

static void test_mb1_module_string_unmapped(void **state)
{
	uint64_t e = mb1_mmap_entry(MB1_MMAP_PA, 20, 0x100000, 0x100000, 1);

	mb1_set_mmap(e);
	mb1_module(0, 0x1000000, 0x1001000, 0xdead0000);
	mb1_module(1, 0x1001000, 0x1002000, (uint32_t)MB1_STR_PA);
	put_str(MB1_STR_PA, "fine");
	mb1_set_modules(2);

	assert_int_equal(mb1_parse(), 0);
	assert_int_equal(bi.module_count, 2);
	assert_int_equal(bi.modules[0].start, 0x1000000);
	assert_string_equal(bi.modules[0].cmdline, "");
	assert_string_equal(bi.modules[1].cmdline, "fine");
	assert_true(log_capture_contains("module 0 command line cannot be read"));
	assert_int_equal(log_capture_count(LOG_WARN), 1);
}

static void test_mb1_string_at_end_of_memory(void **state)
{
	uint64_t e = mb1_mmap_entry(MB1_MMAP_PA, 20, 0x100000, 0x100000, 1);
	uint64_t last = FAKE_BASE + FAKE_SIZE - 6;

	mb1_set_mmap(e);
	put32(MB1_INFO_PA, get32(MB1_INFO_PA) | 1u << 2 | 1u << 9);
	/* Strings that run off the end of memory without a NUL: not read beyond it. */
	memset(at(FAKE_BASE + FAKE_SIZE - 16), 'z', 16);
	put32(MB1_INFO_PA + 16, (uint32_t)last);
	put32(MB1_INFO_PA + 64, (uint32_t)(FAKE_BASE + FAKE_SIZE - 16));

	assert_int_equal(mb1_parse(), 0);
	assert_string_equal(bi.cmdline, "");
	assert_string_equal(bi.loader_name, "");
	assert_true(log_capture_contains("command line cannot be read"));
	assert_true(log_capture_contains("boot loader name cannot be read"));

	/* A short string ending right at the end of memory is still readable. */
	release_mappings();
	log_capture_reset();
	put_str(last, "tail!");
	assert_int_equal(mb1_parse(), 0);
	assert_string_equal(bi.cmdline, "tail!");
	assert_string_equal(bi.loader_name, "zzzzzzzzzztail!");
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_mb1_null_string_pointers_mean_none(void **state)
{
	uint64_t e = mb1_mmap_entry(MB1_MMAP_PA, 20, 0x100000, 0x100000, 1);

	mb1_set_mmap(e);
	put32(MB1_INFO_PA, get32(MB1_INFO_PA) | 1u << 2 | 1u << 9);
	put32(MB1_INFO_PA + 16, 0);
	put32(MB1_INFO_PA + 64, 0);
	mb1_module(0, 0x1000000, 0x1001000, 0);
	mb1_set_modules(1);

	assert_int_equal(mb1_parse(), 0);
	assert_string_equal(bi.cmdline, "");
	assert_string_equal(bi.loader_name, "");
	assert_int_equal(bi.module_count, 1);
	assert_string_equal(bi.modules[0].cmdline, "");
	assert_int_equal(log_capture_count(LOG_WARN), 0);
}

static void test_mb1_cmdline_truncated(void **state)
{
	uint64_t e = mb1_mmap_entry(MB1_MMAP_PA, 20, 0x100000, 0x100000, 1);

	mb1_set_mmap(e);
	/* 3000 bytes, crossing page boundaries, no NUL within the buffer size. */
	memset(at(MB1_STR_PA + 0x800), 'k', 3000);
	put8(MB1_STR_PA + 0x800 + 3000, 0);
	put32(MB1_INFO_PA, get32(MB1_INFO_PA) | 1u << 2);
	put32(MB1_INFO_PA + 16, (uint32_t)(MB1_STR_PA + 0x800));

	assert_int_equal(mb1_parse(), 0);
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
	assert_true(log_capture_contains("command line truncated to 1023 bytes"));
}

static void test_mb1_module_end_before_start(void **state)
{
	uint64_t e = mb1_mmap_entry(MB1_MMAP_PA, 20, 0x100000, 0x100000, 1);

	mb1_set_mmap(e);
	mb1_module(0, 0x2000000, 0x1000000, 0);
	mb1_module(1, 0x3000000, 0x3000000, 0);
	mb1_set_modules(2);

	assert_int_equal(mb1_parse(), 0);
	assert_int_equal(bi.module_count, 1);
	assert_int_equal(bi.modules[0].start, 0x3000000);
	assert_string_equal(bi.modules[0].cmdline, "");
	assert_true(log_capture_contains("module 0 ends"));
	assert_true(log_capture_contains("module 1 is empty"));
}

static void test_mb1_huge_mods_count(void **state)
{
	uint64_t e = mb1_mmap_entry(MB1_MMAP_PA, 20, 0x100000, 0x100000, 1);

	mb1_set_mmap(e);
	for (unsigned int i = 0; i < 40; i++)
		mb1_module(i, 0x1000000 + i * 0x1000, 0x1001000 + i * 0x1000, 0);
	mb1_set_modules(0xffffffff);

	assert_int_equal(mb1_parse(), 0);
	assert_int_equal(bi.module_count, BOOT_MAX_MODULES);
	assert_true(log_capture_contains("4294967279 beyond the limit of 16 dropped"));
}

static void test_mb1_mods_table_unmapped(void **state)
{
	uint64_t e = mb1_mmap_entry(MB1_MMAP_PA, 20, 0x100000, 0x100000, 1);

	mb1_set_mmap(e);
	put32(MB1_INFO_PA, get32(MB1_INFO_PA) | 1u << 3);
	put32(MB1_INFO_PA + 20, 2);
	put32(MB1_INFO_PA + 24, 0xfffffff8); /* entry 0 would straddle 4 GiB */

	assert_int_equal(mb1_parse(), 0);
	assert_int_equal(bi.module_count, 0);
	assert_true(log_capture_contains("cannot read module entry 0"));
}

static void test_mb1_info_unmapped(void **state)
{
	assert_int_equal(multiboot1_parse(0x9000, fake_map, NULL, &bi), -EINVAL);
	assert_int_equal(multiboot1_parse(FAKE_BASE + FAKE_SIZE - 100, fake_map, NULL, &bi), -EINVAL);
	assert_true(log_capture_contains("cannot map"));
}

/* ---- robustness: random corruption of valid blobs ------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

static void check_result_sane(int rc)
{
	assert_true(rc == 0 || rc == -EINVAL);
	assert_true(bi.mem_count <= BOOT_MAX_MEM_REGIONS);
	assert_true(bi.module_count <= BOOT_MAX_MODULES);
	assert_true(bi.rsdp_len == 0 || bi.rsdp_len == 20 || bi.rsdp_len == 36);
	assert_true(memchr(bi.cmdline, 0, sizeof(bi.cmdline)) != NULL);
	assert_true(memchr(bi.loader_name, 0, sizeof(bi.loader_name)) != NULL);
	for (unsigned int i = 0; i < bi.module_count; i++) {
		assert_true(bi.modules[i].start <= bi.modules[i].end);
		assert_true(memchr(bi.modules[i].cmdline, 0, sizeof(bi.modules[i].cmdline)) != NULL);
	}
	if (rc == 0)
		assert_true(bi.mem_count > 0);
	for (unsigned int i = 0; i < bi.mem_count; i++) {
		assert_true(bi.mem[i].size > 0);
		assert_true(bi.mem[i].base + bi.mem[i].size >= bi.mem[i].base);
		assert_true(bi.mem[i].type >= MEM_AVAILABLE && bi.mem[i].type <= MEM_BAD);
	}
}

/* Flip bytes, and sometimes plant "interesting" 32-bit values. */
static void corrupt(uint64_t pa, uint32_t len)
{
	static const uint32_t nasty[] = { 0, 1, 7, 8, 16, 23, 24, 0x7fffffff, 0xffffffff,
					  0xfffffff8, FAKE_SIZE, (uint32_t)FAKE_BASE };
	unsigned int n = 1 + rng() % 4;

	for (unsigned int i = 0; i < n; i++) {
		uint32_t off = rng() % len;

		if (rng() & 1)
			put8(pa + off, (uint8_t)rng());
		else if (off + 4 <= len)
			put32(pa + (off & ~3u), nasty[rng() % ARRAY_SIZE(nasty)]);
	}
}

static uint32_t build_rich_mb2(void)
{
	struct mb2 b = mb2_begin();
	uint64_t e;

	mb2_string_tag(&b, 1, "console=com1");
	mb2_string_tag(&b, 2, "GRUB");
	mb2_module(&b, 0x800000, 0x900000, "k");
	e = mb2_mmap(&b, 24, 3);
	mb2_mmap_entry(e, 0, 0x9fc00, 1);
	mb2_mmap_entry(e + 24, 0x100000, 0x100000, 1);
	mb2_mmap_entry(e + 48, 0xfee00000, 0x1000, 2);
	fill_rsdp(mb2_tag(&b, 15, 36), 36, 2);
	put64(mb2_tag(&b, 8, 24), 0xfd000000);
	put64(mb2_tag(&b, 12, 8), 0x7fbee018);
	return mb2_end(&b);
}

static void test_mb2_fuzz(void **state)
{
	for (int iter = 0; iter < 4000; iter++) {
		memset(fake_mem, 0, FAKE_SIZE);
		corrupt(MB2_INFO_PA, build_rich_mb2());
		check_result_sane(mb2_parse());
		release_mappings();
		log_capture_reset();
	}
}

static void build_rich_mb1(void)
{
	uint64_t e = MB1_MMAP_PA;

	e = mb1_mmap_entry(e, 20, 0, 0x9fc00, 1);
	e = mb1_mmap_entry(e, 24, 0x100000, 0x100000, 1);
	mb1_set_mmap(e);
	put_str(MB1_STR_PA, "cmd");
	put_str(MB1_STR_PA + 0x10, "mod");
	put32(MB1_INFO_PA, get32(MB1_INFO_PA) | 0x1 | 0x4 | 0x200 | 0x1000);
	put32(MB1_INFO_PA + 4, 639);
	put32(MB1_INFO_PA + 8, 1024);
	put32(MB1_INFO_PA + 16, (uint32_t)MB1_STR_PA);
	put32(MB1_INFO_PA + 64, (uint32_t)MB1_STR_PA);
	mb1_module(0, 0x1000000, 0x1001000, (uint32_t)(MB1_STR_PA + 0x10));
	mb1_set_modules(1);
}

static void test_mb1_fuzz(void **state)
{
	for (int iter = 0; iter < 4000; iter++) {
		memset(fake_mem, 0, FAKE_SIZE);
		build_rich_mb1();
		switch (rng() % 3) {
		case 0:
			corrupt(MB1_INFO_PA, 116);
			break;
		case 1:
			corrupt(MB1_MMAP_PA, 52);
			break;
		default:
			corrupt(MB1_MODS_PA, 16);
			break;
		}
		check_result_sane(mb1_parse());
		release_mappings();
		log_capture_reset();
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_mb2_full),
		T(test_mb2_minimal_has_no_extras),
		T(test_mb2_old_rsdp_only),
		T(test_mb2_new_rsdp_wins_in_either_order),
		T(test_mb2_short_rsdp_tag_ignored),
		T(test_mb2_efi64_preferred_over_efi32),
		T(test_mb2_mmap_stride_32),
		T(test_mb2_mmap_entry_size_too_small),
		T(test_mb2_mem_types_and_zero_length),
		T(test_mb2_wrapping_region_clamped),
		T(test_mb2_only_zero_length_regions),
		T(test_mb2_missing_mmap),
		T(test_mb2_total_size_too_small),
		T(test_mb2_total_size_huge),
		T(test_mb2_total_size_beyond_memory),
		T(test_mb2_info_unmapped),
		T(test_mb2_tag_past_end),
		T(test_mb2_tag_size_below_header),
		T(test_mb2_missing_end_tag),
		T(test_mb2_too_many_mmap_entries),
		T(test_mb2_module_end_before_start),
		T(test_mb2_empty_module_kept),
		T(test_mb2_too_many_modules),
		T(test_mb2_module_tag_too_short),
		T(test_mb2_cmdline_truncated),
		T(test_mb2_cmdline_exactly_fits),
		T(test_mb2_cmdline_one_too_long),
		T(test_mb2_unterminated_string_bounded_by_tag),
		T(test_mb2_module_cmdline_truncated),
		T(test_mb2_unknown_tag_skipped),
		T(test_mb2_short_framebuffer_ignored),
		T(test_mb2_data_after_end_tag_ignored),
		T(test_mb1_full),
		T(test_mb1_flags_gate_fields),
		T(test_mb1_fallback_mem),
		T(test_mb1_fallback_lower_clamped),
		T(test_mb1_unreadable_mmap_falls_back),
		T(test_mb1_no_memory_info),
		T(test_mb1_empty_mmap_no_fallback),
		T(test_mb1_mmap_weird_stride),
		T(test_mb1_mmap_bad_entry_size_stops),
		T(test_mb1_mmap_entry_past_length),
		T(test_mb1_module_string_unmapped),
		T(test_mb1_string_at_end_of_memory),
		T(test_mb1_null_string_pointers_mean_none),
		T(test_mb1_cmdline_truncated),
		T(test_mb1_module_end_before_start),
		T(test_mb1_huge_mods_count),
		T(test_mb1_mods_table_unmapped),
		T(test_mb1_info_unmapped),
		T(test_mb2_fuzz),
		T(test_mb1_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
