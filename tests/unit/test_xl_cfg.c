/* Host tests for guest configuration files (dom0-tools/xl-cfg.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../dom0-tools/xl-cfg.h"
#include "../../dom0-tools/xl-create-check.h"

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
	assert_int_equal(cfg.on_crash, XL_ACTION_DESTROY);
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
	assert_int_equal(cfg.on_crash, XL_ACTION_PRESERVE);

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
	/* "any", for any number of vCPUs */
	assert_int_equal(parse("name=l\ntype=linux\nkernel=k\nmemory=64\nvcpus=3\ncpus=any\n"), 0);
	assert_int_equal(cfg.nr_cpus, 0);
	assert_int_equal(cfg.cpus[0], -1);
	assert_int_equal(cfg.cpus[2], -1);
	assert_int_equal(parse("name=l\nkernel=k\nmemory=2\ncpus=any\n"), 0);
	assert_int_equal(cfg.nr_cpus, 0);
	assert_int_equal(cfg.cpu, -1);
	/* hex numbers, and decimal with leading zeros (never octal) */
	assert_int_equal(parse(LINUX "vcpus=0x2\ncpus=[0x10, 010]\n"), 0);
	assert_int_equal(cfg.vcpus, 2);
	assert_int_equal(cfg.cpus[0], 16);
	assert_int_equal(cfg.cpus[1], 10);
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
	assert_int_equal(req.flags, XL_CREATE_RESTART_ON_CRASH | XL_CREATE_DESTROY_ON_POWEROFF |
					    XL_CREATE_RESTART_ON_REBOOT);
	assert_int_equal(req.image_size, 0); /* xl_create_staged() sets the sizes */
	assert_int_equal(req.ramdisk_size, 0);

	assert_int_equal(parse("name=lwk\nkernel=k\nmemory=2\non_crash=destroy\n"), 0);
	xl_cfg_to_create(&cfg, &req);
	assert_int_equal(req.type, XL_GUEST_ELF);
	assert_int_equal(req.nr_vcpus, 1);
	assert_int_equal(req.cpus[0], -1);
	assert_int_equal(req.cpu, -1);
	assert_string_equal(req.cmdline, "xl-guest name=lwk");
	assert_int_equal(req.flags, XL_CREATE_DESTROY_ON_CRASH | XL_CREATE_DESTROY_ON_POWEROFF |
					    XL_CREATE_RESTART_ON_REBOOT);

	assert_int_equal(parse("name=lwk\nkernel=k\nmemory=2\ncpus=7\ncmdline=\"\"\n"), 0);
	xl_cfg_to_create(&cfg, &req);
	assert_int_equal(req.cpus[0], 7);
	assert_int_equal(req.cpu, 7);
	assert_string_equal(req.cmdline, ""); /* an empty command line asked for */
	/* xl's defaults: on_poweroff destroy, on_reboot restart, on_crash destroy */
	assert_int_equal(req.flags, XL_CREATE_DESTROY_ON_POWEROFF | XL_CREATE_RESTART_ON_REBOOT |
					    XL_CREATE_DESTROY_ON_CRASH);

	/* preserve is neither flag of its pair */
	assert_int_equal(parse(ELF "on_poweroff = preserve\non_reboot = preserve\non_crash = preserve\n"), 0);
	xl_cfg_to_create(&cfg, &req);
	assert_int_equal(req.flags, 0);
	assert_int_equal(parse(ELF "on_poweroff = restart\non_reboot = destroy\non_crash = restart\n"), 0);
	xl_cfg_to_create(&cfg, &req);
	assert_int_equal(req.flags, XL_CREATE_RESTART_ON_POWEROFF | XL_CREATE_DESTROY_ON_REBOOT |
					    XL_CREATE_RESTART_ON_CRASH);
}

static void test_defaults(void **state)
{
	assert_int_equal(parse("name=a\nkernel=k\nmemory=2"), 0);
	assert_int_equal(cfg.cpu, -1);
	assert_int_equal(cfg.vcpus, 1);
	assert_false(cfg.have_cmdline);
	/* xl's defaults */
	assert_int_equal(cfg.on_poweroff, XL_ACTION_DESTROY);
	assert_int_equal(cfg.on_reboot, XL_ACTION_RESTART);
	assert_int_equal(cfg.on_crash, XL_ACTION_DESTROY);
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
	assert_int_equal(cfg.on_crash, XL_ACTION_RESTART);
	expect_error("name=\"unterminated\nkernel=k\nmemory=2\n", "line 1, column 6: unterminated string");
	expect_error("name=0123456789012345678901234567890123\n", "line 1: name must be 1 to 31");
	expect_error("just words\n", "line 1, column 6: expected 'key = value'");
	expect_error("name=a\n= 2\n", "line 2, column 1: expected 'key = value'");
}

/* Disks, interfaces and segments do not follow a restart: an explicit restart refused, on_reboot's default destroy */
static void test_end_actions_with_devices(void **state)
{
	struct xl_domctl_create req;

	(void)state;
	assert_int_equal(parse(ELF "shm = [ \"name=ring,size=2M\" ]\n"), 0);
	assert_int_equal(cfg.on_reboot, XL_ACTION_DESTROY);
	xl_cfg_to_create(&cfg, &req);
	assert_true(req.flags & XL_CREATE_DESTROY_ON_REBOOT);
	assert_false(req.flags & XL_CREATE_RESTART_ON_REBOOT);
	assert_int_equal(parse(LINUX "disk = [ \"/img,xvda\" ]\non_reboot = preserve\n"), 0);
	assert_int_equal(cfg.on_reboot, XL_ACTION_PRESERVE);
	expect_error(LINUX "disk = [ \"/img,xvda\" ]\non_reboot = restart\n",
		     "line 6: on_reboot = \"restart\" with a disk: a restarted guest would come back without");
	expect_error(LINUX "vif = [ \"bridge=br0\" ]\non_crash = 'restart'\n", "line 6: on_crash = \"restart\" with a vif");
	expect_error(ELF "on_poweroff = restart\nshm = [ \"name=r,size=4K\" ]\n",
		     "line 4: on_poweroff = \"restart\" with a shm segment");
	/* without them, restart as before */
	assert_int_equal(parse(LINUX "on_reboot = restart\n"), 0);
	assert_int_equal(cfg.on_reboot, XL_ACTION_RESTART);
}

/* on_poweroff, on_reboot and on_crash take the same three actions; xl's others are named */
static void test_end_actions(void **state)
{
	static const char *const keys[] = { "on_poweroff", "on_reboot", "on_crash" };
	char text[256];

	for (unsigned int k = 0; k < 3; k++) {
		enum xl_end_action *got = k == 0 ? &cfg.on_poweroff : k == 1 ? &cfg.on_reboot : &cfg.on_crash;

		snprintf(text, sizeof(text), ELF "%s = \"preserve\"\n", keys[k]);
		assert_int_equal(parse(text), 0);
		assert_int_equal(*got, XL_ACTION_PRESERVE);
		snprintf(text, sizeof(text), ELF "%s = destroy\n", keys[k]);
		assert_int_equal(parse(text), 0);
		assert_int_equal(*got, XL_ACTION_DESTROY);
		snprintf(text, sizeof(text), ELF "%s = 'restart'\n", keys[k]);
		assert_int_equal(parse(text), 0);
		assert_int_equal(*got, XL_ACTION_RESTART);
		/* an unknown word: what is taken */
		snprintf(text, sizeof(text), ELF "%s = reboot\n", keys[k]);
		assert_int_equal(parse(text), -1);
		assert_non_null(strstr(err, "line 4: "));
		assert_non_null(strstr(err, " must be \"destroy\", \"restart\" or \"preserve\""));
		snprintf(text, sizeof(text), ELF "%s = [ destroy ]\n", keys[k]);
		assert_int_equal(parse(text), -1);
		assert_non_null(strstr(err, "takes one value, not a list"));
	}
	/* xl's other actions: refused with the value's line and column, and what is supported */
	expect_error(ELF "on_reboot = \"rename-restart\"\n",
		     "line 4, column 13: on_reboot \"rename-restart\" is xl's, not supported by xen-lite: "
		     "use \"destroy\", \"restart\" or \"preserve\"");
	expect_error(ELF "on_crash   =   coredump-destroy # keep a core\n",
		     "line 4, column 16: on_crash \"coredump-destroy\" is xl's");
	expect_error(ELF "on_poweroff=coredump-restart\n", "line 4, column 13: on_poweroff \"coredump-restart\"");
	expect_error(ELF "name2 = 1\n", "line 4: unknown key 'name2'");
	expect_error("name=a; on_reboot = soft-reset\nkernel=k\nmemory=2\n",
		     "line 1, column 21: on_reboot \"soft-reset\" is xl's, not supported by xen-lite");
	/* each at most once */
	expect_error(ELF "on_reboot = restart\non_reboot = destroy\n", "line 5: on_reboot given twice (first on line 4)");
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
	/* a guest restarted on a crash gets its devices again */
	assert_int_equal(parse(ELF "on_crash = restart\npci = [ \"00:02.0\" ]\n"), 0);
	assert_int_equal(cfg.nr_pci, 1);
	assert_int_equal(cfg.on_crash, XL_ACTION_RESTART);
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
	expect_error("ramdisk=r\n" ELF "type=elf\n", "line 1: ramdisk needs type");
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

/* ---- the xl.cfg syntax ---- */

static void test_quotes_and_escapes(void **state)
{
	assert_int_equal(parse("name='lwk'\nkernel='/guests/a b.elf'\nmemory='64'\n"), 0);
	assert_string_equal(cfg.name, "lwk");
	assert_string_equal(cfg.kernel, "/guests/a b.elf");
	assert_true(cfg.memory_mib == 64);
	/* each quote inside the other, and escaped inside its own */
	assert_int_equal(parse(ELF "cmdline='say \"hi\"'\n"), 0);
	assert_string_equal(cfg.cmdline, "say \"hi\"");
	assert_int_equal(parse(ELF "cmdline=\"it's \\\"x\\\"\"\n"), 0);
	assert_string_equal(cfg.cmdline, "it's \"x\"");
	assert_int_equal(parse(ELF "cmdline='it\\'s'\n"), 0);
	assert_string_equal(cfg.cmdline, "it's");
	assert_int_equal(parse(ELF "cmdline=\"a\\\\b\\tc\\nd\\re\\\"\"\n"), 0);
	assert_string_equal(cfg.cmdline, "a\\b\tc\nd\re\"");
	/* '#' and ';' inside a string are the string's */
	assert_int_equal(parse(ELF "cmdline='a # b; c=d' # a comment\n"), 0);
	assert_string_equal(cfg.cmdline, "a # b; c=d");
	assert_int_equal(parse(ELF "cmdline=\"\"\n"), 0);
	assert_string_equal(cfg.cmdline, "");
	/* an unknown escape, with the backslash's column */
	expect_error(ELF "cmdline=\"a\\qb\"\n", "line 4, column 11: unknown escape '\\q' in a string");
	expect_error(ELF "cmdline='\\x41'\n", "line 4, column 10: unknown escape '\\x'");
	expect_error(ELF "cmdline='\\\x01'\n", "line 4, column 10: unknown escape: '\\' before byte 0x01");
	/* unterminated: the column of the opening quote; a string ends on its line */
	expect_error(ELF "cmdline = 'abc\n", "line 4, column 11: unterminated string");
	expect_error(ELF "cmdline = \"abc'\n", "line 4, column 11: unterminated string");
	expect_error(ELF "cmdline = \"abc\\\"\n", "line 4, column 11: unterminated string");
	expect_error(ELF "cmdline = \"abc\\\n\"\n", "line 4, column 11: unterminated string");
	expect_error(ELF "\n\ncmdline = 'abc", "line 6, column 11: unterminated string");
}

static void test_separators(void **state)
{
	assert_int_equal(parse("name=\"a\"; memory=64\nkernel=k\n"), 0);
	assert_string_equal(cfg.name, "a");
	assert_true(cfg.memory_mib == 64);
	assert_int_equal(parse("name='a';kernel=k;memory=2;\n;; # nothing\n\n  \t\n"), 0);
	assert_string_equal(cfg.kernel, "k");
	assert_int_equal(parse("name = a ; kernel = k # ; memory = 3\nmemory = 2"), 0);
	assert_true(cfg.memory_mib == 2);
	/* the line of an error is the line of its setting */
	expect_error("name=a; kernel=k\nmemory=2; vcpus=0\n", "line 2: vcpus must be a number");
	expect_error("name=a;name=b\n", "line 1: name given twice (first on line 1)");
}

static void test_lists(void **state)
{
	assert_int_equal(parse(ELF "pci = [ \"00:02.0\",\n"
				   "        '00:03.0',   # the second\n"
				   "\n"
				   "        # a comment line inside\n"
				   "        \"0000:00:04.0\", ]\n"
				   "on_dma_fault = log\n"),
			 0);
	assert_int_equal(cfg.nr_pci, 3);
	assert_int_equal(cfg.pci[0], 0x10);
	assert_int_equal(cfg.pci[1], 0x18);
	assert_int_equal(cfg.pci[2], 0x20);
	assert_int_equal(cfg.on_dma_fault, XL_DMA_FAULT_LOG);
	assert_int_equal(parse(LINUX "vcpus=2\ncpus = [\n  2,\n  3,\n]\n"), 0);
	assert_int_equal(cfg.cpus[0], 2);
	assert_int_equal(cfg.cpus[1], 3);
	/* a line after a list spanning lines counts its lines */
	expect_error(ELF "pci = [\n\"00:02.0\"\n]\nmemroy = 3\n", "line 7: unknown key 'memroy'");
	/* unclosed: the line the list opens on */
	expect_error(ELF "pci = [ \"00:02.0\",\n  \"00:03.0\"\n", "line 4: pci is a list without its closing ']'");
	expect_error(ELF "pci = [", "line 4: pci is a list without its closing ']'");
	/* a missing comma, a setting swallowed by a missing ']', and other stray characters */
	expect_error(ELF "pci = [ \"00:02.0\" \"00:03.0\" ]\n",
		     "line 4, column 19: unexpected '\"' in a list (a ',' or the closing ']' missing?)");
	expect_error(LINUX "cpus = [ 2, 3\nvcpus = 2\n", "line 6, column 1: unexpected 'v' in a list");
	expect_error(LINUX "cpus = [ 2, , 3 ]\n", "line 5, column 13: unexpected ',' in a list");
	expect_error(LINUX "cpus = [ [2] ]\n", "line 5, column 10: unexpected '[' in a list");
	expect_error(LINUX "cpus = [ 2 ] ]\n", "line 5, column 14: unexpected ']' after the value");
	/* a key that takes one value */
	expect_error("name = [ \"a\" ]\n", "line 1: name takes one value, not a list");
	expect_error(ELF "on_crash = [ destroy ]\n", "line 4: on_crash takes one value, not a list");
}

static void test_trailing_text(void **state)
{
	expect_error("name=a\nkernel=k\nmemory = 64 64\n", "line 3, column 13: unexpected '6' after the value");
	expect_error("name = \"a\" b\n", "line 1, column 12: unexpected 'b' after the value");
	expect_error("name = 'a''b'\n", "line 1, column 11: unexpected ''' after the value");
	expect_error("kernel = /guests/my guest.elf\n", "line 1, column 21: unexpected 'g' after the value");
	expect_error("name=a\nkernel=k\nmemory = 64]\n", "line 3, column 12: unexpected ']' after the value");
	expect_error("name=a\nkernel=k\nmemory = 64 \x01\n", "line 3, column 13: unexpected byte 0x01 after the value");
	expect_error(LINUX "cpus = \"2\", \"3\"\n", "line 5, column 11: unexpected ',' after the value");
	/* blanks around a bare value's commas are part of it; a comment or a ';' may follow */
	assert_int_equal(parse("name=a\nkernel=k\nmemory = 64 \t # MiB\n"), 0);
	assert_true(cfg.memory_mib == 64);
	assert_int_equal(parse(LINUX "vcpus=3\ncpus = 4 , 5,6 ;\n"), 0);
	assert_int_equal(cfg.cpus[0], 4);
	assert_int_equal(cfg.cpus[2], 6);
}

static void test_numbers_and_sizes(void **state)
{
	static const struct {
		const char *memory;
		unsigned long long mib;
	} sizes[] = {
		{ "64", 64 },	       { "010", 10 },	    { "0x40", 64 },	   { "0X40", 64 },
		{ "64m", 64 },	       { "64M", 64 },	    { "2g", 2048 },	   { "2G", 2048 },
		{ "1t", 1048576 },     { "1T", 1048576 },   { "65536k", 64 },	   { "2048K", 2 },
		{ "0x40m", 64 },       { "0x1g", 1024 },    { "\"2g\"", 2048 },    { "'512m'", 512 },
		{ "1048576", 1048576 }, { "1024g", 1048576 },
	};
	static const char *const bad[] = { "1", "0", "1048577", "2t", "1025g", "1024k",
					   "64 m", "64mb", "64MiB", "2.5g", "0x", "0xg", "x40",
					   "-64", "+64", "64e", "", "99999999999999999999999" };
	char text[128];

	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(text, sizeof(text), "name=a\nkernel=k\nmemory=%s\n", sizes[i].memory);
		if (parse(text))
			fail_msg("memory=%s refused: %s", sizes[i].memory, err);
		if (cfg.memory_mib != sizes[i].mib)
			fail_msg("memory=%s is %llu MiB, not %llu", sizes[i].memory,
				 (unsigned long long)cfg.memory_mib, sizes[i].mib);
	}
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "name=a\nkernel=k\nmemory=%s\n", bad[i]);
		if (parse(text) == 0)
			fail_msg("memory=%s accepted as %llu MiB", bad[i], (unsigned long long)cfg.memory_mib);
		if (!strstr(err, "line 3"))
			fail_msg("memory=%s: '%s' does not name line 3", bad[i], err);
	}
	/* a size that is not a whole number of MiB says so */
	expect_error("name=a\nkernel=k\nmemory=1536k\n", "line 3: memory must be a whole number of MiB (1536k is not)");
	expect_error("name=a\nkernel=k\nmemory=1g5\n", "line 3: memory must be a size in MiB");
	/* suffixes are for sizes only */
	expect_error(LINUX "vcpus=2k\n", "line 5: vcpus must be a number");
	expect_error(LINUX "vcpus=0x\n", "line 5: vcpus must be a number");
	assert_int_equal(parse(LINUX "vcpus=010\n"), 0);
	assert_int_equal(cfg.vcpus, 10);
	assert_int_equal(parse(LINUX "vcpus=0x10\n"), 0);
	assert_int_equal(cfg.vcpus, 16);
}

static void test_keys_once(void **state)
{
	expect_error(ELF "memory=4\n", "line 4: memory given twice (first on line 3)");
	expect_error("cpus=5,6\nname=l\nkernel=k\nmemory=2\ncpus=any\n", "line 5: cpus given twice (first on line 1)");
	expect_error("type=linux\nramdisk=r\n" ELF "type=elf\n", "line 6: type given twice (first on line 1)");
	/* the second time is refused before its value is looked at */
	expect_error(ELF "memory=1\n", "line 4: memory given twice");
}

static void test_names(void **state)
{
	assert_int_equal(parse("name=0x10\nkernel=k\nmemory=2\n"), 0);
	assert_string_equal(cfg.name, "0x10");
	assert_int_equal(parse("name=1st-guest\nkernel=k\nmemory=2\n"), 0);
	expect_error("name=12\n", "line 1: name must not be a number: xl-lite takes a number as a domain id");
	expect_error("name='007'\n", "line 1: name must not be a number");
	expect_error("name='my guest'\n", "line 1: name must be visible ASCII characters, without spaces");
	expect_error("name='a\\tb'\n", "line 1: name must be visible ASCII");
	expect_error("name=\"caf\xc3\xa9\"\n", "line 1: name must be visible ASCII");
	expect_error("name=''\n", "line 1: name must be 1 to 31 characters");
}

/*
 * The guest examples dom0 carries in /etc/xen-lite/ parse (the tests run from the top of the
 * tree); checksum-campaign.cfg is a fault campaign (test_xl_fi_campaign.c).
 */
static void test_shipped_examples(void **state)
{
	static const char *files[] = { "dom0-tools/examples/hpc-linux.cfg", "dom0-tools/examples/linux-io.cfg",
				       "dom0-tools/examples/checksum.cfg", "dom0-tools/examples/lwk.cfg" };

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
		if (i == 1) {
			/* linux-io.cfg: what dom0's shell prepares for it (dom0-tools/initrd/init) */
			assert_int_equal(cfg.nr_disk, 1);
			assert_string_equal(cfg.disk[0].target, "/var/lib/xen-lite/linux-io.img");
			assert_int_equal(cfg.nr_vif, 1);
			assert_string_equal(cfg.vif[0].bridge, "br0");
			assert_int_equal(cfg.nr_shm, 1);
		}
	}
	assert_int_equal(cfg.type, XL_GUEST_ELF); /* the last one, lwk.cfg */
}

/* ---- settings after the file on the command line (create FILE KEY=VALUE ...) ---- */

static int parse_with(const char *text, const char *const *settings, unsigned int n)
{
	err[0] = '\0';
	return xl_cfg_parse_with(text, settings, n, &cfg, err, sizeof(err));
}

static void test_settings_replace_the_file(void **state)
{
	static const char *const s1[] = { "memory=512", "name=\"x\"", "cpus = [3]" };
	static const char *const s2[] = { "memory=4", "memory=8; vcpus=1" };

	assert_int_equal(parse_with(ELF "cpus=2\n", s1, 3), 0);
	assert_true(cfg.memory_mib == 512);
	assert_string_equal(cfg.name, "x");
	assert_int_equal(cfg.nr_cpus, 1);
	assert_int_equal(cfg.cpus[0], 3);
	assert_string_equal(cfg.kernel, "k"); /* the file's, untouched */
	/* a later setting replaces an earlier one; one argument may hold several */
	assert_int_equal(parse_with(ELF, s2, 2), 0);
	assert_true(cfg.memory_mib == 8);
	/* the same as xl_cfg_parse() without settings */
	assert_int_equal(parse_with(ELF, NULL, 0), 0);
	assert_true(cfg.memory_mib == 2);
	/* a setting can supply what the file lacks */
	assert_int_equal(parse_with("name=a\nkernel=k\n", s1, 1), 0);
	assert_true(cfg.memory_mib == 512);
}

static void test_setting_errors(void **state)
{
	static const char *const bad_key[] = { "memroy=512" };
	static const char *const bad_value[] = { "memory=1x" };
	static const char *const bad_syntax[] = { "name=\"x" };
	static const char *const whole_file[] = { "vcpus=2" };
	static const char *const linux_small[] = { "memory=32" };

	assert_int_equal(parse_with(ELF, bad_key, 1), -1);
	assert_string_equal(err, "setting 'memroy=512': unknown key 'memroy'");
	assert_int_equal(parse_with(ELF, bad_value, 1), -1);
	assert_true(!strncmp(err, "setting 'memory=1x': memory must be a size in MiB", 49));
	assert_int_equal(parse_with(ELF, bad_syntax, 1), -1);
	assert_string_equal(err, "setting 'name=\"x', column 6: unterminated string");
	/* the checks on the whole file name the setting at fault */
	assert_int_equal(parse_with(ELF, whole_file, 1), -1);
	assert_string_equal(err, "setting 'vcpus=2': vcpus must be 1 for type = \"elf\" (ELF guests "
				 "have one vCPU)");
	assert_int_equal(parse_with(LINUX, linux_small, 1), -1);
	assert_string_equal(err, "setting 'memory=32': memory must be 64 to 524288 (MiB) for type = "
				 "\"linux\", not 32");
	/* an action of xl's only: the setting and the value's column */
	static const char *const xl_action[] = { "on_reboot=rename-restart" };
	assert_int_equal(parse_with(ELF, xl_action, 1), -1);
	assert_true(!strncmp(err, "setting 'on_reboot=rename-restart', column 11: on_reboot \"rename-restart\" "
			     "is xl's", 70));
	/* the file's own errors keep their lines, and a key twice in the file is still refused */
	assert_int_equal(parse_with(ELF "memory=4\n", whole_file, 1), -1);
	assert_string_equal(err, "line 4: memory given twice (first on line 3)");
}

/* ---- create -n: the node's checks and the plan ---- */

static struct xl_sysinfo node;

/* 4 CPUs: 0 dom0's, 1 and 3 free, 2 domain 5's; 100 MiB free */
static void fill_node(void)
{
	memset(&node, 0, sizeof(node));
	node.nr_cpus = 4;
	for (unsigned int c = 0; c < XL_SYSINFO_MAX_CPUS; c++)
		node.cpu_owner[c] = XL_CPU_FREE;
	node.cpu_owner[0] = 0;
	node.cpu_owner[2] = 5;
	node.mem_free = 100ull << 20;
}

static char problems[1024];

static unsigned int check(const struct xl_pci_device *pci, unsigned int n)
{
	FILE *f = fmemopen(problems, sizeof(problems), "w");
	unsigned int count;

	assert_non_null(f);
	count = xl_create_check(f, "g.cfg", &cfg, &node, pci, n);
	fclose(f);
	return count;
}

static void test_node_checks(void **state)
{
	const struct xl_pci_device pci[2] = { { 0, 0x10, XL_PCI_ASSIGNABLE, 0, 0 },
					      { 0, 0x18, XL_PCI_ASSIGNED, 5, 0 } };

	fill_node();
	assert_int_equal(parse(ELF "cpus=3\n"), 0);
	assert_int_equal(check(NULL, 0), 0);
	assert_string_equal(problems, "");
	assert_int_equal(parse(ELF "cpus=2\n"), 0);
	assert_int_equal(check(NULL, 0), 1);
	assert_string_equal(problems, "xl-lite: g.cfg: cpus: CPU 2 is not free (d5 has it)\n");
	assert_int_equal(parse(ELF "cpus=0\n"), 0);
	assert_int_equal(check(NULL, 0), 1);
	assert_string_equal(problems, "xl-lite: g.cfg: cpus: CPU 0 is not free (dom0 has it)\n");
	assert_int_equal(parse(ELF "cpus=9\n"), 0);
	assert_int_equal(check(NULL, 0), 1);
	assert_string_equal(problems, "xl-lite: g.cfg: cpus: CPU 9 does not exist (the node has 4)\n");
	/* "any": enough free CPUs besides CPU 0, and the memory */
	assert_int_equal(parse(LINUX "vcpus=2\n"), 0);
	assert_int_equal(check(NULL, 0), 0);
	node.cpu_owner[3] = 5;
	node.mem_free = 63ull << 20;
	assert_int_equal(check(NULL, 0), 2);
	assert_string_equal(problems, "xl-lite: g.cfg: vcpus: 2 vCPUs on any free CPU, but 1 CPU is free\n"
				      "xl-lite: g.cfg: memory: 64 MiB asked for, 63 MiB free\n");
	/* PCI functions: assignable ones pass, others are named */
	fill_node();
	assert_int_equal(parse(ELF "pci=[\"00:02.0\"]\n"), 0);
	assert_int_equal(check(pci, 2), 0);
	assert_int_equal(parse(ELF "pci=[\"00:03.0\", \"00:04.0\"]\n"), 0);
	assert_int_equal(check(pci, 2), 2);
	assert_string_equal(problems, "xl-lite: g.cfg: pci: 0000:00:03.0 is not free (d5 has it)\n"
				      "xl-lite: g.cfg: pci: 0000:00:04.0 is not assignable (xl-lite "
				      "pci-assignable-add 0000:00:04.0 takes it from dom0)\n");
}

static void test_create_plan(void **state)
{
	char out[1024];
	FILE *f = fmemopen(out, sizeof(out), "w");

	assert_non_null(f);
	assert_int_equal(parse(LINUX "ramdisk=r\nvcpus=2\ncpus=\"3,1\"\npci=[\"00:02.0\"]\n"
				     "on_crash=\"destroy\"\n"),
			 0);
	xl_print_create_plan(f, &cfg, 1000, 2000);
	fclose(f);
	assert_string_equal(out, "name:         l\n"
				 "type:         linux\n"
				 "kernel:       k (1000 bytes)\n"
				 "ramdisk:      r (2000 bytes)\n"
				 "memory:       64 MiB\n"
				 "vcpus:        2\n"
				 "cpus:         3,1\n"
				 "cmdline:      \"\"\n"
				 "pci:          0000:00:02.0\n"
				 "on_poweroff:  destroy\n"
				 "on_reboot:    restart\n"
				 "on_crash:     destroy\n"
				 "on_dma_fault: crash\n"
				 "cpuid:        none\n"
				 "msr:          none\n"
				 "shm:          none\n"
				 "disk:         none\n"
				 "vif:          none\n");
}

/* The cpuid key's rules in the plan, one line each, with the features they change. */
static void test_create_plan_cpuid(void **state)
{
	char out[2048];
	FILE *f = fmemopen(out, sizeof(out), "w");

	assert_non_null(f);
	assert_int_equal(parse(ELF "cpuid = \"host,sse4_2=0,avx=0,fsgsbase=1\"\n"), 0);
	xl_print_create_plan(f, &cfg, 10, 0);
	fclose(f);
	assert_non_null(strstr(out, "on_dma_fault: crash\n"
				    "cpuid:        0x00000001:ecx=xxx0xxxxxxx0xxxxxxxxxxxxxxxxxxxx (-sse4_2 -avx)\n"
				    "cpuid:        0x00000007,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1 (+fsgsbase)\n"));
}

/* The msr key's rules in the plan, after the cpuid key's, one line each as the key writes them. */
static void test_create_plan_msr(void **state)
{
	char out[2048];
	FILE *f = fmemopen(out, sizeof(out), "w");

	assert_non_null(f);
	assert_int_equal(parse(ELF "msr = [ \"0xc001001f:deny\", \"0xc0000080:and=0xfffffffffffff7ff\", \"27:ro\" ]\n"
				   "cpuid = \"host,avx=0\"\n"), 0);
	xl_print_create_plan(f, &cfg, 10, 0);
	fclose(f);
	assert_non_null(strstr(out, "cpuid:        0x00000001:ecx=xxx0xxxxxxxxxxxxxxxxxxxxxxxxxxxx (-avx)\n"
				    "msr:          0xc001001f:deny (deny)\n"
				    "msr:          0xc0000080:and=0xfffffffffffff7ff (mask)\n"
				    "msr:          0x1b:ro (read-only)\n"));
}

/* ---- the shm key ---- */

/* A list of segments: fields in any order, sizes with units, the mode. */
static void test_shm_key(void **state)
{
	assert_int_equal(parse(ELF), 0);
	assert_int_equal(cfg.nr_shm, 0); /* without the key, none */
	assert_int_equal(parse(ELF "shm = [ \"name=ring,size=2M\" ]\n"), 0);
	assert_int_equal(cfg.nr_shm, 1);
	assert_string_equal(cfg.shm[0].name, "ring");
	assert_true(cfg.shm[0].size == 2u << 20);
	assert_false(cfg.shm[0].read_only);
	assert_int_equal(parse(ELF "shm = [ 'size=4096,mode=ro,name=a.b_c-1',  # read-only\n"
				   "        \"name=big,size=16G,mode=rw\",\n"
				   "        \"name=k,size=0x3000\", \"name=x,size=8k\" ]\n"),
			 0);
	assert_int_equal(cfg.nr_shm, 4);
	assert_string_equal(cfg.shm[0].name, "a.b_c-1");
	assert_true(cfg.shm[0].size == 4096 && cfg.shm[0].read_only);
	assert_true(cfg.shm[1].size == 16ULL << 30 && !cfg.shm[1].read_only);
	assert_true(cfg.shm[2].size == 0x3000);
	assert_true(cfg.shm[3].size == 8192);
	/* a command-line setting replaces the file's list */
	{
		static const char *const set[] = { "shm=[\"name=other,size=4K\"]" };

		assert_int_equal(xl_cfg_parse_with(ELF "shm=[\"name=ring,size=2M\"]\n", set, 1, &cfg, err, sizeof(err)), 0);
		assert_int_equal(cfg.nr_shm, 1);
		assert_string_equal(cfg.shm[0].name, "other");
	}
}

/* Every refusal of the shm key, with the column of the field at fault. */
static void test_shm_key_errors(void **state)
{
	static const struct {
		const char *text, *err;
	} bad[] = {
		{ "shm = \"name=a,size=4K\"\n",
		  "line 4: shm must be a list of \"name=NAME,size=SIZE[,mode=rw|ro]\" strings" },
		{ "shm = []\n", "line 4: shm must be a list of \"name=NAME,size=SIZE[,mode=rw|ro]\" strings" },
		{ "shm = [ name=a ]\n",
		  "line 4, column 9: shm has an item that is not quoted: each is \"name=NAME,size=SIZE[,mode=rw|ro]\"" },
		{ "shm = [ \"name=a\" ]\n",
		  "line 4, column 10: shm has a segment without size= (each is \"name=NAME,size=SIZE[,mode=rw|ro]\")" },
		{ "shm = [ \"size=4K\" ]\n",
		  "line 4, column 10: shm has a segment without name= (each is \"name=NAME,size=SIZE[,mode=rw|ro]\")" },
		{ "shm = [ \"name=a,size\" ]\n", "line 4, column 17: shm has 'size', not FIELD=VALUE (name, size or mode)" },
		{ "shm = [ \"name=a,,size=4K\" ]\n", "line 4, column 17: shm has '', not FIELD=VALUE (name, size or mode)" },
		{ "shm = [ \"name=a,colour=red\" ]\n",
		  "line 4, column 17: shm has an unknown field 'colour' (name, size or mode)" },
		{ "shm = [ \"name=a,name=b,size=4K\" ]\n", "line 4, column 17: shm gives name twice for one segment" },
		{ "shm = [ \"name=,size=4K\" ]\n", "line 4, column 15: shm name '' must be 1 to 31 characters" },
		{ "shm = [ \"name=a b,size=4K\" ]\n",
		  "line 4, column 15: shm name 'a b' may have only letters, digits, '.', '_' and '-'" },
		{ "shm = [ \"name=" "abcdefghijklmnopqrstuvwxyz012345" ",size=4K\" ]\n",
		  "line 4, column 15: shm name 'abcdefghijklmnopqrstuvwxyz012345' must be 1 to 31 characters" },
		{ "shm = [ \"name=a,size=3000\" ]\n", "line 4, column 22: shm size '3000' must be a multiple of 4 KiB" },
		{ "shm = [ \"name=a,size=0\" ]\n", "line 4, column 22: shm size '0' must be 4 KiB to 16 GiB" },
		{ "shm = [ \"name=a,size=32G\" ]\n", "line 4, column 22: shm size '32G' must be 4 KiB to 16 GiB" },
		{ "shm = [ \"name=a,size=2T\" ]\n",
		  "line 4, column 22: shm size '2T' must be a number of bytes, or with a K, M or G suffix (KiB-based: 2M is 2097152)" },
		{ "shm = [ \"name=a,size=-4K\" ]\n",
		  "line 4, column 22: shm size '-4K' must be a number of bytes, or with a K, M or G suffix (KiB-based: 2M is 2097152)" },
		{ "shm = [ \"name=a,size=4K,mode=rx\" ]\n", "line 4, column 30: shm mode 'rx' must be \"rw\" or \"ro\"" },
		{ "shm = [ \"name=a,size=4K\", \"name=a,size=8K\" ]\n", "line 4, column 28: shm names segment 'a' twice" },
		{ "shm = [ \"name=a,size=4K\", \"name=b,size=4K\", \"name=c,size=4K\",\n"
		  "        \"name=d,size=4K\", \"name=e,size=4K\" ]\n",
		  "line 5, column 28: shm names more than 4 segments (a domain has at most 4)" },
		{ "shm = [ \"name=a,size=4K\",\n  \"name=b,size=5K\" ]\n", "line 5, column 16: shm size '5K' must be a multiple of 4 KiB" },
	};
	static const char *const set[] = { "shm=[\"name=a,size=1\"]" };
	char text[512];

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), ELF "%s", bad[i].text);
		assert_int_equal(parse(text), -1);
		if (strcmp(err, bad[i].err))
			fail_msg("%s: got '%s', want '%s'", bad[i].text, err, bad[i].err);
	}
	assert_int_equal(xl_cfg_parse_with(ELF, set, 1, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "setting 'shm=[\"name=a,size=1\"]', column 19: shm size '1' must be a multiple of 4 KiB");
}

/* The segments in create -n's plan, and what the node's segments make of them. */
static void test_create_plan_shm(void **state)
{
	static struct xl_shm_info segs[XL_SHM_MAX_SEGMENTS];
	char out[2048], msgs[1024];
	FILE *f = fmemopen(out, sizeof(out), "w");

	assert_non_null(f);
	assert_int_equal(parse(ELF "shm = [ \"name=ring,size=2M\", \"name=cfg,size=4K,mode=ro\" ]\n"), 0);
	xl_print_create_plan(f, &cfg, 10, 0);
	fclose(f);
	assert_non_null(strstr(out, "cpuid:        none\n"
				    "msr:          none\n"
				    "shm:          ring 2M rw\n"
				    "shm:          cfg 4K ro\n"));
	/* none exists: nothing in the way */
	f = fmemopen(msgs, sizeof(msgs), "w");
	assert_int_equal(xl_create_check_shm(f, "g.cfg", &cfg, segs, 0), 0);
	fclose(f);
	/* ring exists with another size; cfg with the same one but full; a destroyed ring does not count */
	snprintf(segs[0].name, sizeof(segs[0].name), "ring");
	segs[0].size = 2u << 20;
	segs[0].flags = XL_SHM_DESTROYED;
	snprintf(segs[1].name, sizeof(segs[1].name), "ring");
	segs[1].size = 4u << 20;
	snprintf(segs[2].name, sizeof(segs[2].name), "cfg");
	segs[2].size = 4096;
	segs[2].nr_attached = XL_SHM_MAX_ATTACH;
	f = fmemopen(msgs, sizeof(msgs), "w");
	assert_int_equal(xl_create_check_shm(f, "g.cfg", &cfg, segs, 3), 2);
	fclose(f);
	assert_string_equal(msgs, "xl-lite: g.cfg: shm 'ring' exists with size 4M, the configuration says 2M\n"
				  "xl-lite: g.cfg: shm 'cfg' is attached to 8 domains already, the most a segment takes\n");
	/* a full node: no room for the two the key would make */
	for (unsigned int i = 0; i < XL_SHM_MAX_SEGMENTS; i++) {
		snprintf(segs[i].name, sizeof(segs[i].name), "s%u", i);
		segs[i].size = 4096;
		segs[i].nr_attached = 0;
		segs[i].flags = 0;
	}
	f = fmemopen(msgs, sizeof(msgs), "w");
	assert_int_equal(xl_create_check_shm(f, "g.cfg", &cfg, segs, 31), 1);
	fclose(f);
	assert_string_equal(msgs, "xl-lite: g.cfg: shm: the node has 31 segments, no room for 2 more (at most 32)\n");
}

#define X32 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

/* The cpuid key in a file: both of Xen's forms, quoted or bare, a list across lines. */
static void test_cpuid_key(void **state)
{
	assert_int_equal(parse(ELF), 0);
	assert_int_equal(cfg.cpuid.nr, 0); /* without the key, no policy */
	assert_int_equal(parse(ELF "cpuid = \"host,sse4_2=0,avx=0\"\n"), 0);
	assert_int_equal(cfg.cpuid.nr, 1);
	assert_int_equal(cfg.cpuid.rule[0].leaf, 1);
	assert_int_equal(cfg.cpuid.rule[0].and_mask, ~((1u << 20) | (1u << 28)));
	assert_int_equal(parse(ELF "cpuid = host,popcnt=0 # bare\n"), 0);
	assert_int_equal(cfg.cpuid.nr, 1);
	assert_int_equal(cfg.cpuid.rule[0].and_mask, ~(1u << 23));
	assert_int_equal(parse(ELF "cpuid = [ \"1:ecx=xxxxxxxxxxx0xxxxxxxxxxxxxxxxxxxx\",  # no sse4_2\n"
				   "          '7,0:ebx=" X32 ",ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1', ]\n"),
			 0);
	assert_int_equal(cfg.cpuid.nr, 2); /* 7.0 ebx changes nothing: dropped */
	assert_int_equal(cfg.cpuid.rule[1].leaf, 7);
	assert_int_equal(cfg.cpuid.rule[1].reg, XL_CPUID_ECX);
	assert_int_equal(cfg.cpuid.rule[1].or_mask, 1);
	/* the host's features: no policy at all */
	assert_int_equal(parse(ELF "cpuid = \"host\"\n"), 0);
	assert_int_equal(cfg.cpuid.nr, 0);
	/* Linux guests too */
	assert_int_equal(parse(LINUX "cpuid = \"host,aes=0\"\n"), 0);
	assert_int_equal(cfg.cpuid.nr, 1);
}

/* Each refusal names the line and the column of the character at fault. */
static void test_cpuid_errors(void **state)
{
	static const char *const bad_setting[] = { "cpuid=\"host,avx=2\"" };

	assert_int_equal(parse(ELF "cpuid = \"host,sse5=0\"\n"), -1);
	assert_string_equal(err, "line 4, column 15: cpuid has an unknown feature 'sse5' (the xend form "
				 "names any bit: \"LEAF:REG=BITS\")");
	assert_int_equal(parse(ELF "cpuid = host,sse5=0\n"), -1);
	assert_non_null(strstr(err, "line 4, column 14: cpuid has an unknown feature 'sse5'"));
	assert_int_equal(parse(ELF "cpuid = \"sse3=0\"\n"), -1);
	assert_non_null(strstr(err, "line 4, column 10: cpuid must start with \"host\""));
	assert_int_equal(parse(ELF "cpuid = \"host,family=16\"\n"), -1);
	assert_non_null(strstr(err, "line 4, column 15: cpuid has 'family', one of xl's keys that take a number"));
	/* in a list: the item's own line and column */
	assert_int_equal(parse(ELF "cpuid = [ \"1:ecx=" X32 "\",\n  \"7,0:ebx=xx\" ]\n"), -1);
	assert_string_equal(err, "line 5, column 12: cpuid gives ebx 2 bits: a register's are 32 of 0, 1, x, k "
				 "and s, bit 31 first");
	assert_int_equal(parse(ELF "cpuid = [\n\"1:ecx=" X32 "\",\n\"1:ecx=" X32 "\"]\n"), -1);
	assert_string_equal(err, "line 6, column 4: cpuid names ecx of leaf 0x1 twice");
	assert_int_equal(parse(ELF "cpuid = [ \"0x40000001:eax=" X32 "\" ]\n"), -1);
	assert_non_null(strstr(err, "line 4, column 12: cpuid names leaf 0x40000001, one of the hypervisor's own"));
	assert_int_equal(parse(ELF "cpuid = [ 1 ]\n"), -1);
	assert_string_equal(err, "line 4, column 11: cpuid has an item that is not quoted: each xend string "
				 "is, \"LEAF:REG=BITS,...\"");
	assert_int_equal(parse(ELF "cpuid = []\n"), -1);
	assert_string_equal(err, "line 4: cpuid must be \"host,FEATURE=0|1|x,...\" or a list of "
				 "\"LEAF[,SUBLEAF]:REG=BITS,...\" strings");
	assert_int_equal(parse(ELF "cpuid = \"host\"\ncpuid = \"host\"\n"), -1);
	assert_string_equal(err, "line 5: cpuid given twice (first on line 4)");
	/* from the command line: the setting and the column in it */
	assert_int_equal(parse_with(ELF, bad_setting, 1), -1);
	assert_string_equal(err, "setting 'cpuid=\"host,avx=2\"', column 17: cpuid gives avx '2': a feature "
				 "is 0, 1, x, k or s");
	/* the earlier keys' columns are unchanged */
	assert_int_equal(parse(ELF "on_reboot = \"soft-reset\"\n"), -1);
	assert_non_null(strstr(err, "line 4, column 13: on_reboot \"soft-reset\" is xl's"));
}

/* The msr key in a file: a list across lines, with the cpuid key or alone; both go to one policy. */
static void test_msr_key(void **state)
{
	assert_int_equal(parse(ELF), 0);
	assert_int_equal(cfg.msr.nr, 0); /* without the key, no MSR rule */
	assert_int_equal(parse(ELF "msr = [ \"0xc001001f:deny\",  # NB_CFG\n"
				   "        '0xc0000080:and=0xfffffffffffff7ff', ]\n"), 0);
	assert_int_equal(cfg.msr.nr, 2);
	assert_int_equal(cfg.cpuid.nr, 0);
	assert_int_equal(cfg.msr.rule[0].msr, 0xc001001fu);
	assert_int_equal(cfg.msr.rule[0].action, XL_MSR_DENY);
	assert_int_equal(cfg.msr.rule[1].action, XL_MSR_MASK);
	assert_int_equal(cfg.msr.rule[1].and_lo, 0xfffff7ffu);
	assert_int_equal(cfg.msr.rule[1].and_hi, 0xffffffffu);
	/* with cpuid, either order */
	assert_int_equal(parse(LINUX "msr = [ \"16:ro\" ]\ncpuid = \"host,aes=0\"\n"), 0);
	assert_int_equal(cfg.msr.nr, 1);
	assert_int_equal(cfg.msr.rule[0].msr, 16);
	assert_int_equal(cfg.cpuid.nr, 1);
	/* a command-line setting replaces the file's */
	assert_int_equal(parse_with(ELF "msr = [ \"0x10:deny\", \"0x11:deny\" ]\n",
				    (const char *const[]){ "msr=[\"0x12:ro\"]" }, 1), 0);
	assert_int_equal(cfg.msr.nr, 1);
	assert_int_equal(cfg.msr.rule[0].msr, 0x12);
}

/* Each refusal names the line and the column of the character at fault, as cpuid's. */
static void test_msr_errors(void **state)
{
	assert_int_equal(parse(ELF "msr = [ \"0xc0000080:and=0xfff,or=0x1000\" ]\n"), -1);
	assert_string_equal(err, "line 4, column 21: msr forces bits to 1 that its and clears (or 0x1000, and "
				 "0xfff): a bit is forced to 0 or to 1, not both");
	assert_int_equal(parse(ELF "msr = [ \"0x10:deny\",\n   \"0xc0000080:nope\" ]\n"), -1);
	assert_string_equal(err, "line 5, column 16: msr has 'nope' where an action is: deny, ro, or "
				 "and=HEX,or=HEX");
	assert_int_equal(parse(ELF "msr = [ \"0x10:deny\", \"16:ro\" ]\n"), -1);
	assert_string_equal(err, "line 4, column 23: msr names MSR 0x10 twice");
	assert_int_equal(parse(ELF "msr = [ \"0x10:and=fff\" ]\n"), -1);
	assert_string_equal(err, "line 4, column 19: msr gives and 'fff': a mask is 0x and 1 to 16 hex digits");
	assert_int_equal(parse(ELF "msr = [ 16 ]\n"), -1);
	assert_string_equal(err, "line 4, column 9: msr has an item that is not quoted: each rule is, \"MSR:deny\"");
	assert_int_equal(parse(ELF "msr = \"0x10:deny\"\n"), -1);
	assert_string_equal(err, "line 4: msr must be a list of \"MSR:deny\", \"MSR:ro\" or \"MSR:and=HEX,or=HEX\" "
				 "strings");
	assert_int_equal(parse(ELF "msr = []\n"), -1);
	assert_string_equal(err, "line 4: msr must be a list of \"MSR:deny\", \"MSR:ro\" or \"MSR:and=HEX,or=HEX\" "
				 "strings");
	assert_int_equal(parse(ELF "msr = [ \"0x10:ro\" ]\nmsr = [ \"0x10:ro\" ]\n"), -1);
	assert_string_equal(err, "line 5: msr given twice (first on line 4)");
	assert_int_equal(parse_with(ELF, (const char *const[]){ "msr=[\"0x10\"]" }, 1), -1);
	assert_string_equal(err, "setting 'msr=[\"0x10\"]', column 11: msr expected ':' after the MSR (MSR:deny, "
				 "MSR:ro or MSR:and=HEX,or=HEX)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_examples),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_end_actions),
		cmocka_unit_test(test_end_actions_with_devices),
		cmocka_unit_test(test_linux),
		cmocka_unit_test(test_cpus_forms),
		cmocka_unit_test(test_to_create),
		cmocka_unit_test(test_new_key_errors),
		cmocka_unit_test(test_shm_key),
		cmocka_unit_test(test_shm_key_errors),
		cmocka_unit_test(test_create_plan_shm),
		cmocka_unit_test(test_pci),
		cmocka_unit_test(test_quotes_and_escapes),
		cmocka_unit_test(test_separators),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_trailing_text),
		cmocka_unit_test(test_numbers_and_sizes),
		cmocka_unit_test(test_keys_once),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_settings_replace_the_file),
		cmocka_unit_test(test_setting_errors),
		cmocka_unit_test(test_node_checks),
		cmocka_unit_test(test_create_plan),
		cmocka_unit_test(test_create_plan_cpuid),
		cmocka_unit_test(test_cpuid_key),
		cmocka_unit_test(test_cpuid_errors),
		cmocka_unit_test(test_create_plan_msr),
		cmocka_unit_test(test_msr_key),
		cmocka_unit_test(test_msr_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
