/*
 * Host tests for the boot module checks (xen-lite/modules.c): the Linux
 * bzImage header probe and modules_report().
 *
 * Headers are built in buffers of exactly the probed size, so
 * AddressSanitizer catches any read past the end. modules_report() reads
 * module 0 through phys_to_virt(), which this file provides over a 1 MiB
 * fake RAM window; any other address fails the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite/arch/mm.h>
#include <xen-lite/errno.h>
#include <xen-lite/le.h>
#include <xen-lite/modules.h>

#include "log_capture.h"

#define KERNEL_SIZE 0x10000

/* ---- fake physical memory ------------------------------------------------------ */

#define RAM_WINDOW 0x1000000ULL
#define RAM_WINDOW_SIZE 0x100000ULL

static uint8_t *ram;
static unsigned int phys_to_virt_calls;

void *phys_to_virt(uint64_t pa)
{
	phys_to_virt_calls++;
	if (pa < RAM_WINDOW || pa >= RAM_WINDOW + RAM_WINDOW_SIZE)
		fail_msg("phys_to_virt(%#llx): outside the fake RAM", (unsigned long long)pa);
	return ram + (pa - RAM_WINDOW);
}

static struct boot_info bi;

static int setup(void **state)
{
	(void)state;
	ram = calloc(1, RAM_WINDOW_SIZE);
	assert_non_null(ram);
	phys_to_virt_calls = 0;
	memset(&bi, 0, sizeof(bi));
	bi.mem[0] = (struct mem_region){ 0x100000, 0x3f00000, MEM_AVAILABLE };
	bi.mem[1] = (struct mem_region){ 0x4000000, 0x100000, MEM_RESERVED };
	bi.mem[2] = (struct mem_region){ 0x4100000, 0x1000000, MEM_AVAILABLE };
	bi.mem_count = 3;
	log_capture_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* ---- header construction ------------------------------------------------------------ */

/* A plausible 64-bit relocatable bzImage header, boot protocol 2.15. */
static void make_bzimage(uint8_t *p, uint16_t protocol)
{
	memset(p, 0, 0x240);
	p[0x1f1] = 0x1b; /* setup_sects */
	le16_put(p + 0x1fe, 0xaa55);
	memcpy(p + 0x202, "HdrS", 4);
	le16_put(p + 0x206, protocol);
	p[0x211] = 0x01; /* loadflags: LOADED_HIGH */
	p[0x234] = 1; /* relocatable_kernel */
	/* xloadflags: XLF_KERNEL_64 | CAN_BE_LOADED_ABOVE_4G | EFI_HANDOVER_64 */
	le16_put(p + 0x236, 0x0001 | 0x0002 | 0x0008);
}

/* Probe a copy of the first size bytes of img in a buffer of exactly that size. */
static int probe(const uint8_t *img, uint64_t size, struct bzimage_info *out)
{
	uint8_t *copy = malloc(size ? size : 1);
	int err;

	assert_non_null(copy);
	memcpy(copy, img, size);
	memset(out, 0x5a, sizeof(*out));
	err = bzimage_probe(copy, size, out);
	free(copy);
	return err;
}

static uint8_t img[KERNEL_SIZE];

/* ---- bzimage_probe ------------------------------------------------------------------- */

static void test_probe_valid(void **state)
{
	struct bzimage_info info;

	make_bzimage(img, 0x020f);
	assert_int_equal(probe(img, KERNEL_SIZE, &info), 0);
	assert_int_equal(info.protocol, 0x020f);
	assert_int_equal(info.setup_sects, 0x1b);
	assert_true(info.relocatable);
	assert_true(info.xlf_kernel_64);
}

static void test_probe_oldest_accepted(void **state)
{
	struct bzimage_info info;

	make_bzimage(img, BZIMAGE_MIN_PROTOCOL);
	img[0x234] = 0;
	assert_int_equal(probe(img, KERNEL_SIZE, &info), 0);
	assert_int_equal(info.protocol, 0x020c);
	assert_false(info.relocatable);
}

static void test_probe_setup_sects_zero_means_four(void **state)
{
	struct bzimage_info info;

	make_bzimage(img, 0x020f);
	img[0x1f1] = 0;
	assert_int_equal(probe(img, KERNEL_SIZE, &info), 0);
	assert_int_equal(info.setup_sects, 4);
}

static void test_probe_not_a_bzimage(void **state)
{
	struct bzimage_info info;

	/* too short to hold the header */
	make_bzimage(img, 0x020f);
	assert_int_equal(probe(img, 0x23f, &info), -ENOEXEC);
	assert_int_equal(probe(img, 0x200, &info), -ENOEXEC);
	assert_int_equal(probe(img, 0, &info), -ENOEXEC);
	/* no boot flag */
	le16_put(img + 0x1fe, 0x55aa);
	assert_int_equal(probe(img, KERNEL_SIZE, &info), -ENOEXEC);
	le16_put(img + 0x1fe, 0);
	assert_int_equal(probe(img, KERNEL_SIZE, &info), -ENOEXEC);
	/* no "HdrS" */
	make_bzimage(img, 0x020f);
	memcpy(img + 0x202, "HdrX", 4);
	assert_int_equal(probe(img, KERNEL_SIZE, &info), -ENOEXEC);
	memcpy(img + 0x202, "hdrs", 4);
	assert_int_equal(probe(img, KERNEL_SIZE, &info), -ENOEXEC);
	/* all zeroes, all ones */
	memset(img, 0, KERNEL_SIZE);
	assert_int_equal(probe(img, KERNEL_SIZE, &info), -ENOEXEC);
	memset(img, 0xff, KERNEL_SIZE);
	assert_int_equal(probe(img, KERNEL_SIZE, &info), -ENOEXEC);
}

static void test_probe_too_old(void **state)
{
	struct bzimage_info info;

	make_bzimage(img, 0x020b); /* 2.11: no xloadflags */
	assert_int_equal(probe(img, KERNEL_SIZE, &info), -EINVAL);
	assert_int_equal(info.protocol, 0x020b);
	make_bzimage(img, 0x0200);
	assert_int_equal(probe(img, KERNEL_SIZE, &info), -EINVAL);
	make_bzimage(img, 0x0106);
	assert_int_equal(probe(img, KERNEL_SIZE, &info), -EINVAL);
}

static void test_probe_no_64bit_entry(void **state)
{
	struct bzimage_info info;

	make_bzimage(img, 0x020f);
	le16_put(img + 0x236, 0x0002 | 0x0008); /* everything but XLF_KERNEL_64 */
	assert_int_equal(probe(img, KERNEL_SIZE, &info), -EINVAL);
	assert_false(info.xlf_kernel_64);
	/* and a 64-bit kernel that is not loaded high (a zImage) */
	make_bzimage(img, 0x020f);
	img[0x211] = 0x80; /* CAN_USE_HEAP only */
	assert_int_equal(probe(img, KERNEL_SIZE, &info), -EINVAL);
}

static void test_probe_setup_past_end(void **state)
{
	struct bzimage_info info;

	make_bzimage(img, 0x020f);
	img[0x1f1] = 200; /* 201 sectors of setup > 64 KiB */
	assert_int_equal(probe(img, KERNEL_SIZE, &info), -EINVAL);
	/* the boot sector and setup exactly fill the file: no kernel left */
	img[0x1f1] = 0x1b;
	assert_int_equal(probe(img, (0x1b + 1) * 512, &info), -EINVAL);
	/* one byte of kernel is enough for the header check */
	assert_int_equal(probe(img, (0x1b + 1) * 512 + 1, &info), 0);
	/* the setup_sects = 0 default of 4 counts as well */
	img[0x1f1] = 0;
	assert_int_equal(probe(img, 5 * 512, &info), -EINVAL);
	assert_int_equal(probe(img, 5 * 512 + 1, &info), 0);
}

/* ---- modules_report ---------------------------------------------------------------------- */

static void add_module(uint64_t start, uint64_t end, const char *cmdline)
{
	struct boot_module *m = &bi.modules[bi.module_count++];

	m->start = start;
	m->end = end;
	strcpy(m->cmdline, cmdline);
}

static void put_kernel(uint64_t pa, uint16_t protocol)
{
	make_bzimage(phys_to_virt(pa), protocol);
	phys_to_virt_calls = 0;
}

static void test_report_no_modules(void **state)
{
	assert_int_equal(modules_report(&bi), 1);
	assert_int_equal(log_capture_count(LOG_WARN), 1);
	assert_true(log_capture_contains("no modules were passed"));
	assert_int_equal(phys_to_virt_calls, 0);
}

static void test_report_good_kernel(void **state)
{
	put_kernel(RAM_WINDOW, 0x020f);
	add_module(RAM_WINDOW, RAM_WINDOW + KERNEL_SIZE, "vmlinuz console=hvc0");
	add_module(RAM_WINDOW + KERNEL_SIZE, RAM_WINDOW + 0x30000, "initrd");
	assert_int_equal(modules_report(&bi), 0);
	assert_int_equal(log_capture_count(LOG_WARN), 0);
	assert_true(log_capture_contains("module 0: [0x1000000-0x1010000) 65536 bytes 'vmlinuz console=hvc0'"));
	assert_true(log_capture_contains("module 1: [0x1010000-0x1030000) 131072 bytes 'initrd'"));
	assert_true(log_capture_contains("module 0: Linux bzImage, boot protocol 2.15 (dom0 kernel)"));
	/* one line per module and one for the kernel */
	assert_int_equal(log_capture_count(LOG_INFO), 3);
	assert_int_equal(phys_to_virt_calls, 1);
}

static void test_report_empty_module(void **state)
{
	put_kernel(RAM_WINDOW, 0x020f);
	add_module(RAM_WINDOW, RAM_WINDOW + KERNEL_SIZE, "vmlinuz");
	add_module(0x2000000, 0x2000000, "empty.img");
	assert_int_equal(modules_report(&bi), 1);
	assert_true(log_capture_contains("module 1 ('empty.img') is empty"));
	assert_int_equal(log_capture_count(LOG_WARN), 1);
}

static void test_report_empty_module_inside_another(void **state)
{
	put_kernel(RAM_WINDOW, 0x020f);
	add_module(RAM_WINDOW + 0x8000, RAM_WINDOW + 0x8000, "empty-first");
	add_module(RAM_WINDOW, RAM_WINDOW + KERNEL_SIZE, "vmlinuz");
	add_module(RAM_WINDOW + 0x4000, RAM_WINDOW + 0x4000, "empty-after");
	/* two empty modules, no overlap reported (and no kernel verdict for an empty module 0) */
	assert_int_equal(modules_report(&bi), 2);
	assert_true(log_capture_contains("module 0 ('empty-first') is empty"));
	assert_true(log_capture_contains("module 2 ('empty-after') is empty"));
	assert_false(log_capture_contains("overlaps"));
}

static void test_report_empty_kernel(void **state)
{
	add_module(RAM_WINDOW, RAM_WINDOW, "vmlinuz");
	assert_int_equal(modules_report(&bi), 1);
	assert_true(log_capture_contains("module 0 ('vmlinuz') is empty"));
	/* nothing to read, so no bzImage verdict either */
	assert_int_equal(phys_to_virt_calls, 0);
	assert_false(log_capture_contains("bzImage"));
}

static void test_report_outside_ram(void **state)
{
	put_kernel(RAM_WINDOW, 0x020f);
	add_module(RAM_WINDOW, RAM_WINDOW + KERNEL_SIZE, "vmlinuz");
	add_module(0x4000000, 0x4001000, "in-reserved"); /* inside the reserved region */
	add_module(0x3fff000, 0x4001000, "straddles"); /* crosses from RAM into it */
	add_module(0x6000000, 0x6001000, "beyond"); /* past the end of RAM */
	add_module(0x4100000, 0x4200000, "second-ram"); /* fine: the second RAM region */
	assert_int_equal(modules_report(&bi), 4);
	assert_true(log_capture_contains("module 1 ('in-reserved') is not inside available RAM"));
	assert_true(log_capture_contains("module 2 ('straddles') is not inside available RAM"));
	assert_true(log_capture_contains("module 3 ('beyond') is not inside available RAM"));
	assert_false(log_capture_contains("'second-ram') is not"));
	/* modules 1 and 2 share the page at 0x4000000 */
	assert_true(log_capture_contains("module 2 overlaps module 1"));
	assert_int_equal(log_capture_count(LOG_WARN), 4);
}

static void test_report_kernel_outside_ram(void **state)
{
	add_module(0x6000000, 0x6010000, "vmlinuz");
	assert_int_equal(modules_report(&bi), 1);
	assert_true(log_capture_contains("module 0 ('vmlinuz') is not inside available RAM"));
	/* never read through the direct map */
	assert_int_equal(phys_to_virt_calls, 0);
}

static void test_report_overlaps(void **state)
{
	put_kernel(RAM_WINDOW, 0x020f);
	add_module(RAM_WINDOW, RAM_WINDOW + KERNEL_SIZE, "vmlinuz");
	add_module(RAM_WINDOW + KERNEL_SIZE - 0x1000, RAM_WINDOW + 0x20000, "initrd");
	add_module(RAM_WINDOW + 0x8000, RAM_WINDOW + 0x18000, "both");
	add_module(RAM_WINDOW + 0x20000, RAM_WINDOW + 0x21000, "touching"); /* not an overlap */
	assert_int_equal(modules_report(&bi), 3);
	assert_true(log_capture_contains("module 1 overlaps module 0"));
	assert_true(log_capture_contains("module 2 overlaps module 0"));
	assert_true(log_capture_contains("module 2 overlaps module 1"));
	assert_false(log_capture_contains("module 3 overlaps"));
	assert_int_equal(log_capture_count(LOG_WARN), 3);
}

static void test_report_kernel_not_bzimage(void **state)
{
	memcpy(ram, "\x7f" "ELF", 4); /* an ELF file, say */
	add_module(RAM_WINDOW, RAM_WINDOW + KERNEL_SIZE, "vmlinux");
	assert_int_equal(modules_report(&bi), 1);
	assert_true(log_capture_contains("module 0 ('vmlinux') is not a Linux bzImage"));
	assert_true(log_capture_contains("cannot be the dom0 kernel"));
	assert_int_equal(log_capture_count(LOG_WARN), 1);
}

static void test_report_kernel_too_small_for_header(void **state)
{
	put_kernel(RAM_WINDOW, 0x020f);
	add_module(RAM_WINDOW, RAM_WINDOW + 0x100, "tiny");
	assert_int_equal(modules_report(&bi), 1);
	assert_true(log_capture_contains("is not a Linux bzImage"));
}

static void test_report_kernel_too_old(void **state)
{
	put_kernel(RAM_WINDOW, 0x020b);
	add_module(RAM_WINDOW, RAM_WINDOW + KERNEL_SIZE, "old-vmlinuz");
	assert_int_equal(modules_report(&bi), 1);
	assert_true(log_capture_contains("module 0 ('old-vmlinuz') is a Linux bzImage with boot protocol 2.11"));
	assert_true(log_capture_contains("need >= 2.12 with a 64-bit entry point"));
	assert_false(log_capture_contains("(dom0 kernel)"));
}

static void test_report_only_module_0_is_probed(void **state)
{
	/* module 1 is no kernel, and it need not be */
	put_kernel(RAM_WINDOW, 0x020f);
	add_module(RAM_WINDOW, RAM_WINDOW + KERNEL_SIZE, "vmlinuz");
	add_module(RAM_WINDOW + 0x20000, RAM_WINDOW + 0x21000, "initrd");
	assert_int_equal(modules_report(&bi), 0);
	assert_int_equal(phys_to_virt_calls, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_probe_valid),
		T(test_probe_oldest_accepted),
		T(test_probe_setup_sects_zero_means_four),
		T(test_probe_not_a_bzimage),
		T(test_probe_too_old),
		T(test_probe_no_64bit_entry),
		T(test_probe_setup_past_end),
		T(test_report_no_modules),
		T(test_report_good_kernel),
		T(test_report_empty_module),
		T(test_report_empty_module_inside_another),
		T(test_report_empty_kernel),
		T(test_report_outside_ram),
		T(test_report_kernel_outside_ram),
		T(test_report_overlaps),
		T(test_report_kernel_not_bzimage),
		T(test_report_kernel_too_small_for_header),
		T(test_report_kernel_too_old),
		T(test_report_only_module_0_is_probed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
