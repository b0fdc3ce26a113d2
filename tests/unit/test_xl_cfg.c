/* Host tests for guest configuration files (dom0-tools/xl-cfg.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../dom0-tools/xl-cfg.h"

/* the smallest valid files of each type, for the keys added after them */
#define LINUX "name=l\ntype=linux\nkernel=k\nmemory=64\n" /* lines 1-4 */
#define ELF "name=a\nkernel=k\nmemory=2\n" /* lines 1-3 */

static struct xl_cfg cfg;
static char err[256];

static int parse(const char *text)
{
	err[0] = '\0';
	return xl_cfg_parse(text, &cfg, err, sizeof(err));
}

static void test_full(void **state)
{
	assert_int_equal(parse("# an HPC guest\n"
			       "name = \"lwk-1\"\n"
			       "type = \"elf\"\n"
			       "kernel = /guests/hello.elf   # the image\n"
			       "memory = 64\n"
			       "vcpus = 1\n"
			       "cpus = 2\n"
			       "cmdline = \"xl-guest name=lwk-1 # not a comment\"\n"
			       "on_crash = \"destroy\"\n"),
			 0);
	assert_string_equal(cfg.name, "lwk-1");
	assert_string_equal(cfg.kernel, "/guests/hello.elf");
	assert_true(cfg.memory_mib == 64);
	assert_int_equal(cfg.cpu, 2);
	assert_true(cfg.have_cmdline);
	assert_string_equal(cfg.cmdline, "xl-guest name=lwk-1 # not a comment");
	assert_int_equal(cfg.on_crash, XL_ON_CRASH_DESTROY);
	assert_int_equal(cfg.type, XL_GUEST_ELF);
	assert_int_equal(cfg.vcpus, 1);
	assert_int_equal(cfg.nr_cpus, 1);
	assert_int_equal(cfg.cpus[0], 2);
	assert_int_equal(cfg.cpus[1], -1);
	assert_string_equal(cfg.ramdisk, "");
}

/* the example of Documentation/config.md */
static void test_linux(void **state)
{
	assert_int_equal(parse("name = \"hpc-linux\"\n"
			       "type = \"linux\"\n"
			       "kernel = \"/guests/vmlinuz\"\n"
			       "ramdisk = \"/guests/guest-initrd.cpio.gz\"\n"
			       "memory = 256\n"
			       "vcpus = 2\n"
			       "cpus = \"2-3\"\n"
			       "cmdline = \"console=ttyS0 quiet\"\n"
			       "on_crash = \"preserve\"\n"),
			 0);
	assert_string_equal(cfg.name, "hpc-linux");
	assert_int_equal(cfg.type, XL_GUEST_LINUX);
	assert_string_equal(cfg.kernel, "/guests/vmlinuz");
	assert_string_equal(cfg.ramdisk, "/guests/guest-initrd.cpio.gz");
	assert_true(cfg.memory_mib == 256);
	assert_int_equal(cfg.vcpus, 2);
	assert_int_equal(cfg.nr_cpus, 2);
	assert_int_equal(cfg.cpus[0], 2);
	assert_int_equal(cfg.cpus[1], 3);
	assert_int_equal(cfg.cpus[2], -1);
	assert_int_equal(cfg.cpu, 2);
	assert_string_equal(cfg.cmdline, "console=ttyS0 quiet");
	assert_int_equal(cfg.on_crash, XL_ON_CRASH_PRESERVE);

	/* no ramdisk, the most vCPUs, no cpus: every vCPU on any free CPU */
	assert_int_equal(parse("name=l\ntype=linux\nkernel=k\nmemory=64\nvcpus=16\n"), 0);
	assert_int_equal(cfg.vcpus, XL_MAX_GUEST_VCPUS);
	assert_int_equal(cfg.nr_cpus, 0);
	assert_string_equal(cfg.ramdisk, "");
	for (int i = 0; i < XL_MAX_GUEST_VCPUS; i++)
		assert_int_equal(cfg.cpus[i], -1);
	/* keys in any order: type after the ramdisk and vcpus */
	assert_int_equal(parse("ramdisk=r\nvcpus=2\nname=l\nkernel=k\nmemory=64\ntype=linux\n"), 0);
	assert_int_equal(cfg.type, XL_GUEST_LINUX);
	assert_string_equal(cfg.ramdisk, "r");
	/* type elf said out loud is the default */
	assert_int_equal(parse("name=a\nkernel=k\nmemory=2\ntype = elf\n"), 0);
	assert_int_equal(cfg.type, XL_GUEST_ELF);
}

static void test_cpus_forms(void **state)
{
	static const struct {
		const char *cpus;
		unsigned int n;
		int cpu[4];
	} forms[] = {
		{ "cpus = 2", 1, { 2 } },
		{ "cpus = \"2\"", 1, { 2 } },
		{ "cpus = \"2,3\"", 2, { 2, 3 } },
		{ "cpus = 3, 2", 2, { 3, 2 } }, /* in vCPU order, not sorted */
		{ "cpus = \"2-3\"", 2, { 2, 3 } },
		{ "cpus = \" 0 , 2 - 3 \"", 3, { 0, 2, 3 } },
		{ "cpus = [2, 3]", 2, { 2, 3 } },
		{ "cpus = [\"2\", \"3\"]  # xl.cfg style", 2, { 2, 3 } },
		{ "cpus = [4-5, 1, 0]", 4, { 4, 5, 1, 0 } },
		{ "cpus = 4095", 1, { 4095 } },
	};
	char text[256];

	for (unsigned int i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		snprintf(text, sizeof(text), LINUX "vcpus=%u\n%s\n", forms[i].n, forms[i].cpus);
		if (parse(text))
			fail_msg("'%s' refused: %s", forms[i].cpus, err);
		assert_int_equal(cfg.vcpus, forms[i].n);
		assert_int_equal(cfg.nr_cpus, forms[i].n);
		for (unsigned int j = 0; j < forms[i].n; j++)
			assert_int_equal(cfg.cpus[j], forms[i].cpu[j]);
		assert_int_equal(cfg.cpus[forms[i].n], -1);
		assert_int_equal(cfg.cpu, forms[i].cpu[0]);
	}
	/* "any", for any number of vCPUs; a later cpus replaces an earlier one */
	assert_int_equal(parse("name=l\ntype=linux\nkernel=k\nmemory=64\nvcpus=3\ncpus=any\n"), 0);
	assert_int_equal(cfg.nr_cpus, 0);
	assert_int_equal(cfg.cpus[0], -1);
	assert_int_equal(cfg.cpus[2], -1);
	assert_int_equal(parse("name=l\nkernel=k\nmemory=2\ncpus=5,6\ncpus=any\n"), 0);
	assert_int_equal(cfg.nr_cpus, 0);
	assert_int_equal(cfg.cpu, -1);
	assert_int_equal(parse("name=l\nkernel=k\nmemory=2\ncpus=5,6\ncpus=7\n"), 0);
	assert_int_equal(cfg.nr_cpus, 1);
	assert_int_equal(cfg.cpus[0], 7);
	assert_int_equal(cfg.cpus[1], -1);
	/* all 16 vCPUs pinned with one range */
	assert_int_equal(parse(LINUX "vcpus=16\ncpus=\"16-31\"\n"), 0);
	assert_int_equal(cfg.cpus[0], 16);
	assert_int_equal(cfg.cpus[15], 31);
}

static void test_to_create(void **state)
{
	struct xl_domctl_create req;

	assert_int_equal(parse("name=l\ntype=linux\nkernel=k\nramdisk=r\nmemory=256\nvcpus=2\n"
			       "cpus=2-3\non_crash=restart\n"),
			 0);
	memset(&req, 0x5a, sizeof(req));
	xl_cfg_to_create(&cfg, &req);
	assert_string_equal(req.name, "l");
	assert_int_equal(req.type, XL_GUEST_LINUX);
	assert_true(req.mem_bytes == 256ULL << 20);
	assert_int_equal(req.nr_vcpus, 2);
	assert_int_equal(req.cpus[0], 2);
	assert_int_equal(req.cpus[1], 3);
	for (int i = 2; i < XL_MAX_GUEST_VCPUS; i++)
		assert_int_equal(req.cpus[i], -1);
	assert_int_equal(req.cpu, 2);
	assert_string_equal(req.cmdline, ""); /* Linux: no xl-guest default */
	assert_int_equal(req.flags, XL_CREATE_RESTART_ON_CRASH);
	assert_int_equal(req.image_size, 0); /* xl_create_staged() sets the sizes */
	assert_int_equal(req.ramdisk_size, 0);

	assert_int_equal(parse("name=lwk\nkernel=k\nmemory=2\non_crash=destroy\n"), 0);
	xl_cfg_to_create(&cfg, &req);
	assert_int_equal(req.type, XL_GUEST_ELF);
	assert_int_equal(req.nr_vcpus, 1);
	assert_int_equal(req.cpus[0], -1);
	assert_int_equal(req.cpu, -1);
	assert_string_equal(req.cmdline, "xl-guest name=lwk");
	assert_int_equal(req.flags, XL_CREATE_DESTROY_ON_CRASH);

	assert_int_equal(parse("name=lwk\nkernel=k\nmemory=2\ncpus=7\ncmdline=\"\"\n"), 0);
	xl_cfg_to_create(&cfg, &req);
	assert_int_equal(req.cpus[0], 7);
	assert_int_equal(req.cpu, 7);
	assert_string_equal(req.cmdline, ""); /* an empty command line asked for */
	assert_int_equal(req.flags, 0);
}

static void test_defaults(void **state)
{
	assert_int_equal(parse("name=a\nkernel=k\nmemory=2"), 0);
	assert_int_equal(cfg.cpu, -1);
	assert_int_equal(cfg.vcpus, 1);
	assert_false(cfg.have_cmdline);
	assert_int_equal(cfg.on_crash, XL_ON_CRASH_PRESERVE);
	assert_int_equal(parse("name=a\r\nkernel=k\r\nmemory=2\r\ncpus = any\r\n"), 0);
	assert_int_equal(cfg.cpu, -1);
}

static void expect_error(const char *text, const char *msg)
{
	assert_int_equal(parse(text), -1);
	if (!strstr(err, msg))
		fail_msg("error '%s' does not say '%s'", err, msg);
}

static void test_errors(void **state)
{
	expect_error("name=a\nmemroy=2\n", "line 2: unknown key 'memroy'");
	expect_error("name=a\nkernel=k\n", "memory is required");
	expect_error("kernel=k\nmemory=2\n", "name is required");
	expect_error("name=a\nmemory=2\n", "kernel is required");
	expect_error("name=a\nkernel=k\nmemory=1\n", "line 3: memory must be a size in MiB");
	expect_error("name=a\nkernel=k\nmemory=lots\n", "line 3: memory");
	expect_error("name=a\nkernel=k\nmemory=2\nvcpus=2\n", "line 4: vcpus must be 1");
	expect_error("name=a\nkernel=k\nmemory=2\non_crash=reboot\n", "line 4: on_crash must be");
	assert_int_equal(parse("name=a\nkernel=k\nmemory=2\non_crash=restart\n"), 0);
	assert_int_equal(cfg.on_crash, XL_ON_CRASH_RESTART);
	expect_error("name=\"unterminated\nkernel=k\nmemory=2\n", "line 1: unterminated string");
	expect_error("name=0123456789012345678901234567890123\n", "line 1: name must be 1 to 31");
	expect_error("just words\n", "line 1: expected 'key = value'");
}

static void test_pci(void **state)
{
	struct xl_domctl_create req;

	assert_int_equal(parse(ELF "pci = [ \"0000:00:02.0\", \"00:1f.2\" ]\non_dma_fault = \"log\"\n"), 0);
	assert_int_equal(cfg.nr_pci, 2);
	assert_int_equal(cfg.pci[0], 0x10);
	assert_int_equal(cfg.pci[1], 0xfa);
	assert_int_equal(cfg.on_dma_fault, XL_DMA_FAULT_LOG);
	xl_cfg_to_create(&cfg, &req);
	assert_int_equal(req.nr_pci, 2);
	assert_int_equal(req.pci[1], 0xfa);
	assert_int_equal(req.on_dma_fault, XL_DMA_FAULT_LOG);
	/* the default: crash */
	assert_int_equal(parse(ELF "pci = [\"0001:02:03.4\"]\n"), 0);
	assert_int_equal(cfg.pci[0], 0x1021c);
	assert_int_equal(cfg.on_dma_fault, XL_DMA_FAULT_CRASH);
	expect_error(ELF "pci = 00:02.0\n", "line 4: pci must be a list of PCI functions");
	expect_error(ELF "pci = [ 00:02.0 ]\n", "line 4: pci must be a list");
	expect_error(ELF "pci = [ \"00:20.0\" ]\n", "line 4: pci has '00:20.0', not a PCI function");
	expect_error(ELF "pci = [ \"00:02.0\", \"0000:00:02.0\" ]\n", "line 4: pci names 0000:00:02.0 twice");
	expect_error(ELF "pci = [ \"00:01.0\", \"00:02.0\", \"00:03.0\", \"00:04.0\", \"00:05.0\" ]\n",
		     "line 4: pci names more than 4 functions");
	expect_error(ELF "pci = [ ]\n", "line 4: pci must be a list");
	expect_error(ELF "on_dma_fault = ignore\n", "line 4: on_dma_fault must be \"crash\" or \"log\"");
	expect_error(ELF "on_crash = restart\npci = [ \"00:02.0\" ]\n", "line 5: pci needs no on_crash = \"restart\"");
	expect_error(LINUX "pci = [ \"00:04.0\" ]\non_crash = restart\n", "line 5: pci needs no on_crash");
	/* Linux guests take devices too */
	assert_int_equal(parse(LINUX "pci = [ \"00:04.0\" ]\n"), 0);
	assert_int_equal(cfg.nr_pci, 1);
	assert_int_equal(cfg.pci[0], 0x20);
}

static void test_new_key_errors(void **state)
{
	/* type */
	expect_error(ELF "type=bzimage\n", "line 4: type must be \"elf\" or \"linux\"");
	expect_error(ELF "type=\n", "line 4: type must be");
	/* ramdisk: a path, and only for Linux, wherever the type is set */
	expect_error(LINUX "ramdisk=\"\"\n", "line 5: ramdisk must be a path");
	expect_error(ELF "ramdisk=/guests/initrd\n", "line 4: ramdisk needs type = \"linux\"");
	expect_error("ramdisk=r\ntype=elf\n" ELF, "line 1: ramdisk needs type = \"linux\"");
	expect_error("type=linux\nramdisk=r\n" ELF "type=elf\n", "line 2: ramdisk needs type");
	/* vcpus: 1 to 16; ELF guests have one */
	expect_error(LINUX "vcpus=0\n", "line 5: vcpus must be a number from 1 to 16");
	expect_error(LINUX "vcpus=17\n", "line 5: vcpus must be a number from 1 to 16");
	expect_error(LINUX "vcpus=two\n", "line 5: vcpus must be a number");
	expect_error(LINUX "vcpus=-1\n", "line 5: vcpus must be a number");
	expect_error(ELF "vcpus=2\n", "ELF guests have one vCPU");
	expect_error("vcpus=4\n" ELF, "line 1: vcpus must be 1 for type = \"elf\"");
	/* cpus: the syntax */
	expect_error(LINUX "cpus=two\n", "line 5: cpus must be a physical CPU number");
	expect_error(LINUX "cpus=\"\"\n", "line 5: cpus must be");
	expect_error(LINUX "cpus=2,\n", "line 5: cpus must be");
	expect_error(LINUX "cpus=2,,3\n", "line 5: cpus must be");
	expect_error(LINUX "cpus=2-\n", "line 5: cpus must be");
	expect_error(LINUX "cpus=-2\n", "line 5: cpus must be");
	expect_error(LINUX "cpus=1-2-3\n", "line 5: cpus must be");
	expect_error(LINUX "cpus=4096\n", "line 5: cpus must be");
	expect_error(LINUX "cpus=any,2\n", "line 5: cpus must be");
	expect_error(LINUX "cpus=[2, 3\n", "line 5: cpus is a list without its closing ']'");
	expect_error(LINUX "cpus=[]\n", "line 5: cpus must be");
	/* cpus: a range backwards, a CPU twice, more CPUs than a guest has vCPUs */
	expect_error(LINUX "cpus=3-2\n", "line 5: cpus has a range running backwards (3-2)");
	expect_error(LINUX "cpus=2,3,2\n", "line 5: cpus names CPU 2 twice");
	expect_error(LINUX "cpus=[1-3, 3]\n", "line 5: cpus names CPU 3 twice");
	expect_error(LINUX "cpus=0-16\n", "line 5: cpus names more than 16 CPUs");
	expect_error(LINUX "cpus=0-4095\n", "line 5: cpus names more than 16 CPUs");
	/* cpus must name one CPU per vCPU, whichever comes first */
	expect_error(LINUX "vcpus=2\ncpus=2\n", "line 6: vcpus = 2 but cpus names 1 CPU (");
	expect_error(LINUX "cpus=2-4\nvcpus=2\n", "line 5: vcpus = 2 but cpus names 3 CPUs");
	expect_error(LINUX "cpus=2,3\n", "line 5: vcpus = 1 (the default) but cpus names 2 CPUs");
	expect_error(ELF "cpus=1,2\n", "line 4: vcpus = 1 (the default) but cpus names 2 CPUs");
	/* Linux guests need 64 MiB, and have at most 512 GiB */
	expect_error("name=l\ntype=linux\nkernel=k\nmemory=63\n",
		     "line 4: memory must be 64 to 524288 (MiB) for type = \"linux\", not 63");
	expect_error("memory=2\nname=l\ntype=linux\nkernel=k\n",
		     "line 1: memory must be 64 to 524288");
	expect_error("name=l\ntype=linux\nkernel=k\nmemory=524289\n",
		     "line 4: memory must be 64 to 524288 (MiB) for type = \"linux\", not 524289");
	/* the required keys are still reported first */
	expect_error("type=linux\nramdisk=r\nname=l\nmemory=2\n", "kernel is required");
}

/* The examples dom0 carries in /etc/xen-lite/ parse (the tests run from the top of the tree). */
static void test_shipped_examples(void **state)
{
	static const char *files[] = { "dom0-tools/examples/hpc-linux.cfg",
				       "dom0-tools/examples/lwk.cfg" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char text[4096];
		FILE *f = fopen(files[i], "r");
		size_t n;

		assert_non_null(f);
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
		text[n] = '\0';
		if (parse(text))
			fail_msg("%s: %s", files[i], err);
	}
	assert_int_equal(cfg.type, XL_GUEST_ELF); /* the last one, lwk.cfg */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_examples),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_linux),
		cmocka_unit_test(test_cpus_forms),
		cmocka_unit_test(test_to_create),
		cmocka_unit_test(test_new_key_errors),
		cmocka_unit_test(test_pci),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
