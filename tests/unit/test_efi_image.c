/* Host tests for xen-lite.efi's validation of the embedded hypervisor ELF. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../arch/x86_64/efi/efi_image.h"

#define IMG_SIZE 0x12000
#define HDR_OFF 0x1000 /* where test images put the xen-lite header */

static uint8_t img[IMG_SIZE];
static struct xl_img_plan plan;
static char msg[160];

static void w16(size_t off, uint16_t v)
{
	memcpy(img + off, &v, 2);
}

static void w32(size_t off, uint32_t v)
{
	memcpy(img + off, &v, 4);
}

static void w64(size_t off, uint64_t v)
{
	memcpy(img + off, &v, 8);
}

/* program header i at 64 + 56 i */
static void phdr(unsigned int i, uint32_t type, uint64_t offset, uint64_t paddr, uint64_t filesz,
		 uint64_t memsz)
{
	size_t p = 64 + 56 * i;

	w32(p, type);
	w32(p + 4, 5);
	w64(p + 8, offset);
	w64(p + 16, 0xffffffff80000000ull + paddr); /* vaddr: deliberately not paddr */
	w64(p + 24, paddr);
	w64(p + 32, filesz);
	w64(p + 40, memsz);
	w64(p + 48, 0x1000);
}

static void header_at(size_t off, uint64_t entry, uint64_t start, uint64_t end, uint64_t bss_end)
{
	w32(off, XL_IMAGE_MAGIC_LO);
	w32(off + 4, XL_IMAGE_MAGIC_HI);
	w32(off + 8, XL_IMAGE_HEADER_VERSION);
	w32(off + 12, 48);
	w64(off + 16, entry);
	w64(off + 24, start);
	w64(off + 32, end);
	w64(off + 40, bss_end);
}

/* A valid image: one PT_LOAD (file 0x1000..0x9000 -> 0x200000, memsz 0xa000). */
static void make_image(unsigned int phnum)
{
	memset(img, 0, sizeof(img));
	img[0] = 0x7f, img[1] = 'E', img[2] = 'L', img[3] = 'F';
	img[4] = 2; /* ELFCLASS64 */
	img[5] = 1; /* little endian */
	img[6] = 1; /* EV_CURRENT */
	w16(16, 2); /* ET_EXEC */
	w16(18, 62); /* EM_X86_64 */
	w32(20, 1);
	w64(24, 0x200100);
	w64(32, 64); /* e_phoff */
	w16(52, 64);
	w16(54, 56);
	w16(56, (uint16_t)phnum);
	phdr(0, 1, 0x1000, 0x200000, 0x8000, 0xa000);
	header_at(HDR_OFF, 0x200100, 0x200000, 0x208000, 0x20a000);
}

static int plan_img(size_t size)
{
	return xl_img_plan(img, size, &plan, msg, sizeof(msg));
}

static void expect_reject(size_t size, const char *why)
{
	assert_int_equal(plan_img(size), -1);
	if (!strstr(msg, why))
		fail_msg("message '%s' does not contain '%s'", msg, why);
}

/* ---- accepted images ----------------------------------------------------------- */

static void test_single_segment(void **state)
{
	make_image(1);
	assert_int_equal(plan_img(IMG_SIZE), 0);
	assert_int_equal(plan.seg_count, 1);
	assert_int_equal(plan.seg[0].paddr, 0x200000);
	assert_int_equal(plan.seg[0].offset, 0x1000);
	assert_int_equal(plan.seg[0].filesz, 0x8000);
	assert_int_equal(plan.seg[0].memsz, 0xa000);
	assert_int_equal(plan.range_count, 1);
	assert_int_equal(plan.range[0].start, 0x200000);
	assert_int_equal(plan.range[0].pages, 10);
	assert_int_equal(plan.lowest, 0x200000);
	assert_int_equal(plan.highest, 0x20a000);
	assert_int_equal(plan.header_offset, HDR_OFF);
	assert_int_equal(plan.hdr.entry64, 0x200100);
	assert_int_equal(plan.hdr.bss_end, 0x20a000);
	assert_string_equal(msg, "");
}

static void test_segments_sorted_and_ranges_merged(void **state)
{
	make_image(5);
	/* given out of order; 1 and 2 share a page; 3 is adjacent to 2; 4 after a gap */
	phdr(0, 1, 0x1000, 0x300000, 0x1000, 0x1000); /* seg 4: gap */
	phdr(1, 1, 0x2000, 0x200000, 0x800, 0x800); /* seg 1 */
	phdr(2, 1, 0x3000, 0x200800, 0x100, 0x800); /* seg 2: same page as seg 1 */
	phdr(3, 1, 0x4000, 0x201000, 0x1000, 0x1800); /* seg 3: next pages, odd memsz */
	phdr(4, 6, 0, 0, 0, 0); /* PT_PHDR: ignored */
	header_at(HDR_OFF, 0x200010, 0x200000, 0x301000, 0x301000);
	assert_int_equal(plan_img(IMG_SIZE), 0);
	assert_int_equal(plan.seg_count, 4);
	assert_int_equal(plan.seg[0].paddr, 0x200000);
	assert_int_equal(plan.seg[1].paddr, 0x200800);
	assert_int_equal(plan.seg[2].paddr, 0x201000);
	assert_int_equal(plan.seg[3].paddr, 0x300000);
	assert_int_equal(plan.range_count, 2);
	assert_int_equal(plan.range[0].start, 0x200000);
	assert_int_equal(plan.range[0].pages, 3); /* 0x200000-0x203000 */
	assert_int_equal(plan.range[1].start, 0x300000);
	assert_int_equal(plan.range[1].pages, 1);
	assert_int_equal(plan.lowest, 0x200000);
	assert_int_equal(plan.highest, 0x301000);
}

static void test_unaligned_segment_pages(void **state)
{
	make_image(1);
	phdr(0, 1, 0x1000, 0x200ff0, 0x20, 0x20); /* straddles a page boundary */
	header_at(HDR_OFF, 0x200ff0, 0x200000, 0x201010, 0x201010);
	assert_int_equal(plan_img(IMG_SIZE), 0);
	assert_int_equal(plan.range[0].start, 0x200000);
	assert_int_equal(plan.range[0].pages, 2);
}

static void test_empty_segments_ignored(void **state)
{
	make_image(2);
	phdr(1, 1, 0, 0x900000, 0, 0); /* memsz 0 */
	assert_int_equal(plan_img(IMG_SIZE), 0);
	assert_int_equal(plan.seg_count, 1);
	assert_int_equal(plan.highest, 0x20a000);
}

static void test_header_at_window_end(void **state)
{
	make_image(1);
	memset(img + HDR_OFF, 0, 48);
	/* last 8-byte aligned slot where all 48 bytes are inside the first 32 KiB */
	header_at(0x8000 - 48, 0x200100, 0x200000, 0x208000, 0x20a000);
	assert_int_equal(plan_img(IMG_SIZE), 0);
	assert_int_equal(plan.header_offset, 0x8000 - 48);
}

static void test_misaligned_image_buffer(void **state)
{
	static uint8_t copy[IMG_SIZE + 1];

	make_image(1);
	memcpy(copy + 1, img, IMG_SIZE);
	assert_int_equal(xl_img_plan(copy + 1, IMG_SIZE, &plan, msg, sizeof(msg)), 0);
	assert_int_equal(plan.hdr.entry64, 0x200100);
}

/* ---- rejected images ----------------------------------------------------------- */

static void test_reject_truncated(void **state)
{
	make_image(1);
	expect_reject(0, "too small");
	expect_reject(63, "too small");
	/* program header table cut off */
	expect_reject(64 + 30, "program headers run past");
}

static void test_reject_bad_ident(void **state)
{
	make_image(1);
	img[1] = 'X';
	expect_reject(IMG_SIZE, "bad magic");
	make_image(1);
	img[4] = 1;
	expect_reject(IMG_SIZE, "64-bit");
	make_image(1);
	img[5] = 2;
	expect_reject(IMG_SIZE, "little-endian");
	make_image(1);
	img[6] = 0;
	expect_reject(IMG_SIZE, "version");
}

static void test_reject_wrong_type_or_machine(void **state)
{
	make_image(1);
	w16(16, 3); /* ET_DYN */
	expect_reject(IMG_SIZE, "ET_EXEC");
	make_image(1);
	w16(18, 3); /* EM_386 */
	expect_reject(IMG_SIZE, "EM_X86_64");
	make_image(1);
	w16(54, 32);
	expect_reject(IMG_SIZE, "e_phentsize");
}

static void test_reject_program_header_table(void **state)
{
	make_image(0);
	expect_reject(IMG_SIZE, "no program headers");
	make_image(1);
	w16(56, 0xffff);
	expect_reject(IMG_SIZE, "no program headers");
	make_image(1);
	w64(32, UINT64_MAX - 10);
	expect_reject(IMG_SIZE, "run past");
	make_image(1);
	w64(32, IMG_SIZE - 50);
	expect_reject(IMG_SIZE, "run past");
}

static void test_reject_no_load_segment(void **state)
{
	make_image(1);
	phdr(0, 4, 0x1000, 0x200000, 0x100, 0x100); /* PT_NOTE */
	expect_reject(IMG_SIZE, "no PT_LOAD");
	make_image(1);
	phdr(0, 1, 0x1000, 0x200000, 0, 0);
	expect_reject(IMG_SIZE, "no PT_LOAD");
}

static void test_reject_segment_past_file(void **state)
{
	make_image(1);
	phdr(0, 1, 0x1000, 0x200000, IMG_SIZE, IMG_SIZE);
	expect_reject(IMG_SIZE, "program header 0 (PT_LOAD) runs past the end of the file");
	make_image(1);
	phdr(0, 1, UINT64_MAX - 0x10, 0x200000, 0x20, 0x20); /* offset + filesz wraps */
	expect_reject(IMG_SIZE, "runs past the end");
	make_image(1);
	expect_reject(0x8fff, "runs past the end");
}

static void test_reject_filesz_above_memsz(void **state)
{
	make_image(1);
	phdr(0, 1, 0x1000, 0x200000, 0x2000, 0x1000);
	expect_reject(IMG_SIZE, "p_filesz > p_memsz");
}

static void test_reject_physical_overflow(void **state)
{
	make_image(1);
	phdr(0, 1, 0x1000, UINT64_MAX - 0x10, 0x100, 0x100);
	expect_reject(IMG_SIZE, "beyond 2^52");
	make_image(1);
	phdr(0, 1, 0x1000, (1ull << 52) - 0x1000, 0x1000, 0x2000);
	expect_reject(IMG_SIZE, "beyond 2^52");
}

static void test_reject_overlapping_segments(void **state)
{
	make_image(2);
	phdr(1, 1, 0x2000, 0x209000, 0x100, 0x100); /* inside segment 0's bss */
	expect_reject(IMG_SIZE, "overlap");
}

static void test_reject_too_many_segments(void **state)
{
	make_image(XL_IMG_MAX_SEGMENTS + 1);
	for (unsigned int i = 0; i <= XL_IMG_MAX_SEGMENTS; i++)
		phdr(i, 1, 0x1000, 0x200000 + i * 0x1000, 0x100, 0x100);
	expect_reject(IMG_SIZE, "too many PT_LOAD");
	/* exactly the maximum is fine */
	make_image(XL_IMG_MAX_SEGMENTS);
	for (unsigned int i = 0; i < XL_IMG_MAX_SEGMENTS; i++)
		phdr(i, 1, 0x1000, 0x200000 + i * 0x1000, 0x100, 0x100);
	header_at(HDR_OFF, 0x200000, 0x200000, 0x210000, 0x210000);
	assert_int_equal(plan_img(IMG_SIZE), 0);
	assert_int_equal(plan.range_count, 1);
	assert_int_equal(plan.range[0].pages, XL_IMG_MAX_SEGMENTS);
}

static void test_reject_missing_header(void **state)
{
	make_image(1);
	memset(img + HDR_OFF, 0, 48);
	expect_reject(IMG_SIZE, "no xen-lite image header");
}

static void test_reject_header_outside_window(void **state)
{
	make_image(1);
	memset(img + HDR_OFF, 0, 48);
	header_at(0x8000, 0x200100, 0x200000, 0x208000, 0x20a000);
	expect_reject(IMG_SIZE, "no xen-lite image header");
	/* straddling the 32 KiB boundary */
	make_image(1);
	memset(img + HDR_OFF, 0, 48);
	header_at(0x8000 - 40, 0x200100, 0x200000, 0x208000, 0x20a000);
	expect_reject(IMG_SIZE, "no xen-lite image header");
}

static void test_reject_misaligned_header(void **state)
{
	make_image(1);
	memset(img + HDR_OFF, 0, 48);
	header_at(HDR_OFF + 4, 0x200100, 0x200000, 0x208000, 0x20a000);
	expect_reject(IMG_SIZE, "no xen-lite image header");
}

static void test_reject_half_magic(void **state)
{
	make_image(1);
	w32(HDR_OFF + 4, 0x32455449); /* "ITE2" */
	expect_reject(IMG_SIZE, "no xen-lite image header");
}

static void test_reject_header_fields(void **state)
{
	make_image(1);
	w32(HDR_OFF + 8, 2);
	expect_reject(IMG_SIZE, "version 2 is not supported");
	make_image(1);
	w32(HDR_OFF + 12, 40);
	expect_reject(IMG_SIZE, "header_size");
	make_image(1);
	w32(HDR_OFF + 12, IMG_SIZE);
	expect_reject(IMG_SIZE, "header_size");
	make_image(1);
	header_at(HDR_OFF, 0x200100, 0x200000, 0x20b000, 0x20a000); /* load_end > bss_end */
	expect_reject(IMG_SIZE, "load_end > bss_end");
}

static void test_reject_entry_outside_contents(void **state)
{
	make_image(1);
	header_at(HDR_OFF, 0x100000, 0x200000, 0x208000, 0x20a000);
	expect_reject(IMG_SIZE, "entry64 0x100000 is not inside");
	/* in the zero-filled part: there is no code there */
	make_image(1);
	header_at(HDR_OFF, 0x208000, 0x200000, 0x208000, 0x20a000);
	expect_reject(IMG_SIZE, "entry64 0x208000");
}

static void test_reject_segments_outside_header_range(void **state)
{
	make_image(1);
	header_at(HDR_OFF, 0x200100, 0x201000, 0x208000, 0x20a000);
	expect_reject(IMG_SIZE, "outside the header's load range");
	make_image(1);
	header_at(HDR_OFF, 0x200100, 0x200000, 0x208000, 0x209000);
	expect_reject(IMG_SIZE, "outside the header's load range");
}

static void test_message_buffer_bounded(void **state)
{
	char small[8];

	make_image(1);
	img[0] = 0;
	assert_int_equal(xl_img_plan(img, IMG_SIZE, &plan, small, sizeof(small)), -1);
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_segment),
		cmocka_unit_test(test_segments_sorted_and_ranges_merged),
		cmocka_unit_test(test_unaligned_segment_pages),
		cmocka_unit_test(test_empty_segments_ignored),
		cmocka_unit_test(test_header_at_window_end),
		cmocka_unit_test(test_misaligned_image_buffer),
		cmocka_unit_test(test_reject_truncated),
		cmocka_unit_test(test_reject_bad_ident),
		cmocka_unit_test(test_reject_wrong_type_or_machine),
		cmocka_unit_test(test_reject_program_header_table),
		cmocka_unit_test(test_reject_no_load_segment),
		cmocka_unit_test(test_reject_segment_past_file),
		cmocka_unit_test(test_reject_filesz_above_memsz),
		cmocka_unit_test(test_reject_physical_overflow),
		cmocka_unit_test(test_reject_overlapping_segments),
		cmocka_unit_test(test_reject_too_many_segments),
		cmocka_unit_test(test_reject_missing_header),
		cmocka_unit_test(test_reject_header_outside_window),
		cmocka_unit_test(test_reject_misaligned_header),
		cmocka_unit_test(test_reject_half_magic),
		cmocka_unit_test(test_reject_header_fields),
		cmocka_unit_test(test_reject_entry_outside_contents),
		cmocka_unit_test(test_reject_segments_outside_header_range),
		cmocka_unit_test(test_message_buffer_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
