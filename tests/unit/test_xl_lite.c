/*
 * Host tests for xl-lite, the dom0 control tool (dom0-tools/): argument
 * parsing, the text and JSON output of info, list and dmesg from filled-in
 * structures, the log-reading loop over a fake log ring, the check of
 * XL_SYSCTL_LOG_READ replies and the error messages, domains named by id
 * or by name over a fake domain list. No device involved:
 * xl-lite-fmt.c and the pure parts of libxl-lite.c are linked directly.
 * Every JSON output is also run through a small strict JSON parser.
 */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../dom0-tools/libxl-lite.h"
#include "../../dom0-tools/xl-cfg.h"
#include "../../dom0-tools/xl-end.h"
#include "../../dom0-tools/xl-lite-fmt.h"
#include "../../dom0-tools/xl-list-fmt.h"
#include "../../dom0-tools/xl-wait.h"
#include "output_check.h"
#include "parse_capture.h"

static void test_json_checker_itself(void **state)
{
	assert_non_null(json_value("{\"a\":[1,-2.5e3,null,true,\"x\\u00e9\"],\"b\":{}}", 0));
	assert_null(json_value("{\"a\":1,}", 0));
	assert_null(json_value("{\"a\":\"\x01\"}", 0));
	assert_null(json_value("{\"a\":01}", 0));
	assert_null(json_value("{\"a\" 1}", 0));
	assert_null(json_value("[\"\\x\"]", 0));
}

/* ---- argument parsing ---- */

static void test_parse_commands(void **state)
{
	struct xl_args a;
	char err[256];

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "info", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_INFO);
	assert_false(a.json);
	assert_string_equal(err, "");

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "list", "--json", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_LIST);
	assert_true(a.json);

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "--json", "dmesg", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_DMESG);
	assert_true(a.json);

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "-j", "info", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_INFO);
	assert_true(a.json);

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "shutdown", "7", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_SHUTDOWN);
	assert_int_equal(a.nargs, 1);
	assert_string_equal(a.args[0], "7");
}

static void test_parse_pci_commands(void **state)
{
	struct xl_args a;
	char err[256];

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "pci-assignable-add", "00:02.0", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_PCI_ASSIGNABLE_ADD);
	assert_string_equal(a.args[0], "00:02.0");
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "pci-assignable-remove", "0000:00:02.0", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_PCI_ASSIGNABLE_REMOVE);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "pci-assignable-list", "--json", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_PCI_ASSIGNABLE_LIST);
	assert_true(a.json);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "pci-assignable-add", NULL), XL_EXIT_USAGE);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "pci-assignable-list", "00:02.0", NULL), XL_EXIT_USAGE);
}

static void test_bdf(void **state)
{
	uint16_t seg = 0xaaaa, bdf = 0xaaaa;
	char b[16];

	assert_true(xl_parse_bdf("00:02.0", &seg, &bdf));
	assert_int_equal(seg, 0);
	assert_int_equal(bdf, 0x10);
	assert_true(xl_parse_bdf("0001:ff:1f.7", &seg, &bdf));
	assert_int_equal(seg, 1);
	assert_int_equal(bdf, 0xffff);
	assert_true(xl_parse_bdf("0000:00:1F.2", &seg, &bdf));
	assert_int_equal(bdf, 0xfa);
	assert_string_equal(xl_format_bdf(0, 0xfa, b, sizeof(b)), "0000:00:1f.2");
	/* device 0x20, function 8, bus 0x100, a 5-digit segment, junk, missing parts */
	seg = bdf = 0x1234;
	assert_false(xl_parse_bdf("00:20.0", &seg, &bdf));
	assert_false(xl_parse_bdf("00:02.8", &seg, &bdf));
	assert_false(xl_parse_bdf("100:02.0", &seg, &bdf));
	assert_false(xl_parse_bdf("10000:00:02.0", &seg, &bdf));
	assert_false(xl_parse_bdf("00:02.0x", &seg, &bdf));
	assert_false(xl_parse_bdf("00:02", &seg, &bdf));
	assert_false(xl_parse_bdf("02.0", &seg, &bdf));
	assert_false(xl_parse_bdf("", &seg, &bdf));
	assert_false(xl_parse_bdf("0:0:0:0.0", &seg, &bdf));
	assert_false(xl_parse_bdf("-1:02.0", &seg, &bdf));
	assert_int_equal(seg, 0x1234); /* untouched on failure */
	assert_int_equal(bdf, 0x1234);
}

static void test_pci_list(void **state)
{
	const struct xl_pci_device d[3] = { { 0, 0x10, XL_PCI_ASSIGNABLE, 0, 0 }, { 1, 0xfa, 99, 0, 0 },
					    { 0, 0x18, XL_PCI_ASSIGNED, 7, 0 } };
	struct capture c;

	cap_open(&c);
	xl_print_pci_list(c.f, d, 2, false);
	assert_string_equal(cap_text(&c), "0000:00:02.0 assignable\n0001:00:1f.2 unknown\n");
	cap_free(&c);
	cap_open(&c);
	xl_print_pci_list(c.f, &d[2], 1, false);
	assert_string_equal(cap_text(&c), "0000:00:03.0 assigned d7\n");
	cap_free(&c);
	cap_open(&c);
	xl_print_pci_list(c.f, &d[2], 1, true);
	assert_string_equal(cap_text(&c), "{\"devices\":[{\"bdf\":\"0000:00:03.0\",\"state\":\"assigned\",\"domid\":7}]}\n");
	cap_free(&c);
	cap_open(&c);
	xl_print_pci_list(c.f, d, 2, true);
	assert_string_equal(cap_text(&c), "{\"devices\":[{\"bdf\":\"0000:00:02.0\",\"state\":\"assignable\"},"
					  "{\"bdf\":\"0001:00:1f.2\",\"state\":\"unknown\"}]}\n");
	assert_json_line(cap_text(&c));
	cap_free(&c);
	cap_open(&c);
	xl_print_pci_list(c.f, d, 0, true);
	assert_string_equal(cap_text(&c), "{\"devices\":[]}\n");
	cap_free(&c);
}

static void test_parse_help(void **state)
{
	struct xl_args a;
	char err[256];

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "help", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_HELP);
	assert_int_equal(a.topic, XL_CMD_NONE);

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "-h", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_HELP);
	assert_int_equal(a.topic, XL_CMD_NONE);

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "--help", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_HELP);

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "help", "dmesg", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_HELP);
	assert_int_equal(a.topic, XL_CMD_DMESG);

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "list", "--help", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_HELP);
	assert_int_equal(a.topic, XL_CMD_LIST);

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "-h", "info", "--json", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_HELP);
	assert_int_equal(a.topic, XL_CMD_INFO);
	assert_string_equal(err, "");
}

static void test_parse_usage_errors(void **state)
{
	struct xl_args a;
	char err[256];

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), NULL), XL_EXIT_USAGE);
	assert_string_equal(err, "xl-lite: no command given\nTry 'xl-lite help'.\n");

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "--json", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "no command given"));

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "bogus", NULL), XL_EXIT_USAGE);
	assert_string_equal(err, "xl-lite: unknown command 'bogus'\nTry 'xl-lite help'.\n");

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "info", "--verbose", NULL), XL_EXIT_USAGE);
	assert_string_equal(err, "xl-lite: unknown option '--verbose'\nTry 'xl-lite help'.\n");

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "info", "extra", NULL), XL_EXIT_USAGE);
	assert_string_equal(err, "xl-lite: unexpected argument 'extra'\nTry 'xl-lite help'.\n");

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "help", "bogus", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "no help for 'bogus'"));

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "help", "info", "list", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "unexpected argument 'list'"));

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "shutdown", NULL), XL_EXIT_USAGE);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "shutdown", "1", "2", NULL), XL_EXIT_USAGE);

	/* "-" alone is an argument, not an option */
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "list", "-", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "unexpected argument '-'"));
}

static void test_help_text(void **state)
{
	static const char *const names[] = { "info", "list", "dmesg", "help" };
	struct capture c;

	cap_open(&c);
	xl_print_help(c.f, XL_CMD_NONE);
	for (unsigned int i = 0; i < 4; i++)
		assert_non_null(strstr(cap_text(&c), names[i]));
	assert_non_null(strstr(cap_text(&c), "--json"));
	assert_non_null(strstr(cap_text(&c), "Exit status: 0"));
	assert_true(!strncmp(cap_text(&c), "usage: xl-lite COMMAND", 22));
	cap_free(&c);

	cap_open(&c);
	xl_print_help(c.f, XL_CMD_LIST);
	assert_true(!strncmp(cap_text(&c), "usage: xl-lite list [-l] [-j]\n", 30));
	cap_free(&c);

	/* "help help" is the general help */
	cap_open(&c);
	xl_print_help(c.f, XL_CMD_HELP);
	assert_true(!strncmp(cap_text(&c), "usage: xl-lite COMMAND", 22));
	cap_free(&c);
}

/* ---- info ---- */

static void fill_sysinfo(struct xl_sysinfo *si)
{
	memset(si, 0, sizeof(*si));
	si->abi_version = 1; /* a fixed example (0.1), whatever XL_ABI_VERSION is now */
	si->nr_cpus = 2;
	si->tsc_khz = 2994123;
	si->mem_total = 1022ull << 20;
	si->mem_hypervisor = (66ull << 20) + 4096;
	si->mem_dom0 = 512ull << 20;
	si->mem_guests = 0;
	si->mem_free = (444ull << 20) - 4096;
	strcpy(si->version, "0.1.0");
	si->cpu_owner[0] = 0;
	si->cpu_apic_id[0] = 0;
	si->cpu_owner[1] = XL_CPU_FREE;
	si->cpu_apic_id[1] = 1;
	for (unsigned int c = 2; c < XL_SYSINFO_MAX_CPUS; c++)
		si->cpu_owner[c] = XL_CPU_FREE;
}

static void test_info_text(void **state)
{
	struct xl_sysinfo si;
	struct capture c;

	fill_sysinfo(&si);
	cap_open(&c);
	xl_print_info(c.f, &si, false);
	assert_string_equal(cap_text(&c), "hypervisor: xen-lite 0.1.0\n"
					  "abi: 0.1\n"
					  "tsc: 2994.123 MHz\n"
					  "cpus: 2\n"
					  "cpu 0: dom0 (apic 0)\n"
					  "cpu 1: free (apic 1)\n"
					  "memory total: 1022 MiB\n"
					  "memory hypervisor: 66 MiB\n"
					  "memory dom0: 512 MiB\n"
					  "memory guests: 0 MiB\n"
					  "memory free: 443 MiB\n"
					  "iommu: none\n"
					  "dma faults: 0\n");
	cap_free(&c);

	/* with an IOMMU: its driver, units and what is on */
	strcpy(si.iommu, "AMD-Vi");
	si.iommu_units = 1;
	si.iommu_flags = XL_IOMMU_DMA_REMAP;
	si.dma_faults = 3;
	cap_open(&c);
	xl_print_info(c.f, &si, false);
	assert_non_null(strstr(cap_text(&c), "\niommu: AMD-Vi, 1 unit(s), DMA remapping on, interrupt "
					     "remapping off\ndma faults: 3\n"));
	cap_free(&c);
	cap_open(&c);
	xl_print_info(c.f, &si, true);
	assert_non_null(strstr(cap_text(&c), ",\"iommu\":{\"driver\":\"AMD-Vi\",\"units\":1,"
					     "\"dma_remap\":true,\"intr_remap\":false,\"compat_blocked\":false},"
					     "\"dma_faults\":3,\"memory\":{"));
	cap_free(&c);
	/* VT-d with every interrupt remapped */
	strcpy(si.iommu, "VT-d");
	si.iommu_flags = XL_IOMMU_DMA_REMAP | XL_IOMMU_INTR_REMAP | XL_IOMMU_COMPAT_BLOCKED;
	cap_open(&c);
	xl_print_info(c.f, &si, false);
	assert_non_null(strstr(cap_text(&c), "\niommu: VT-d, 1 unit(s), DMA remapping on, interrupt remapping on "
					     "(compatibility format blocked)\n"));
	cap_free(&c);
	cap_open(&c);
	xl_print_info(c.f, &si, true);
	assert_non_null(strstr(cap_text(&c), "\"dma_remap\":true,\"intr_remap\":true,\"compat_blocked\":true}"));
	cap_free(&c);
}

static void test_info_text_odd_values(void **state)
{
	struct xl_sysinfo si;
	struct capture c;

	fill_sysinfo(&si);
	si.nr_cpus = 300; /* more than the structure has room for */
	si.cpu_owner[1] = 3;
	si.cpu_owner[2] = -7;
	si.cpu_apic_id[255] = 0x1ff;
	si.tsc_khz = 1000005;
	/* a version filling the field, no NUL, with control characters */
	memset(si.version, 'v', sizeof(si.version));
	si.version[2] = '\033';
	si.abi_version = (2u << 16) | 13;
	cap_open(&c);
	xl_print_info(c.f, &si, false);
	assert_non_null(strstr(cap_text(&c), "hypervisor: xen-lite vv?vvvvvvvvvvvvvvvvvvvvvvvvvvvvv\n"));
	assert_non_null(strstr(cap_text(&c), "abi: 2.13\n"));
	assert_non_null(strstr(cap_text(&c), "tsc: 1000.005 MHz\n"));
	assert_non_null(strstr(cap_text(&c), "cpus: 300 (the first 256 listed)\n"));
	assert_non_null(strstr(cap_text(&c), "cpu 1: d3 (apic 1)\n"));
	assert_non_null(strstr(cap_text(&c), "cpu 2: owner -7? (apic 0)\n"));
	assert_non_null(strstr(cap_text(&c), "cpu 255: free (apic 511)\n"));
	assert_null(strstr(cap_text(&c), "cpu 256"));
	assert_null(strchr(cap_text(&c), '\033'));
	cap_free(&c);

	fill_sysinfo(&si);
	si.version[0] = '\0';
	cap_open(&c);
	xl_print_info(c.f, &si, false);
	assert_non_null(strstr(cap_text(&c), "hypervisor: xen-lite (no version)\n"));
	cap_free(&c);
}

static void test_info_json(void **state)
{
	struct xl_sysinfo si;
	struct capture c;

	fill_sysinfo(&si);
	cap_open(&c);
	xl_print_info(c.f, &si, true);
	assert_string_equal(cap_text(&c),
			    "{\"version\":\"0.1.0\",\"abi\":\"0.1\",\"abi_version\":1,\"tsc_khz\":2994123,"
			    "\"nr_cpus\":2,\"cpus\":[{\"cpu\":0,\"apic_id\":0,\"owner\":0},"
			    "{\"cpu\":1,\"apic_id\":1,\"owner\":null}],\"iommu\":null,\"dma_faults\":0,"
			    "\"memory\":{\"total\":1071644672,\"hypervisor\":69210112,"
			    "\"dom0\":536870912,\"guests\":0,\"free\":465563648}}\n");
	assert_json_line(cap_text(&c));
	cap_free(&c);
}

static void test_info_json_odd_values(void **state)
{
	struct xl_sysinfo si;
	struct capture c;

	fill_sysinfo(&si);
	si.nr_cpus = 1000;
	for (unsigned int i = 0; i < XL_SYSINFO_MAX_CPUS; i++)
		si.cpu_owner[i] = (int32_t)i - 5;
	memcpy(si.version, "\"q\\\n\x01\xff", 6);
	memset(si.version + 6, 'x', sizeof(si.version) - 6); /* unterminated */
	si.mem_total = UINT64_MAX;
	cap_open(&c);
	xl_print_info(c.f, &si, true);
	assert_json_line(cap_text(&c));
	assert_non_null(strstr(cap_text(&c), "{\"version\":\"\\\"q\\\\\\n\\u0001\\u00ffxxxx"));
	assert_non_null(strstr(cap_text(&c), "\"nr_cpus\":1000,"));
	assert_non_null(strstr(cap_text(&c), "{\"cpu\":4,\"apic_id\":0,\"owner\":null}"));
	assert_non_null(strstr(cap_text(&c), "{\"cpu\":3,\"apic_id\":0,\"owner\":-2}"));
	assert_non_null(strstr(cap_text(&c), "{\"cpu\":255,\"apic_id\":0,\"owner\":250}]"));
	assert_non_null(strstr(cap_text(&c), "\"total\":18446744073709551615,"));
	cap_free(&c);
}

/* ---- list ---- */

static void fill_domains(struct xl_domain_info *d)
{
	memset(d, 0, 3 * sizeof(*d));
	d[0].domid = 0;
	d[0].state = XL_DOMAIN_RUNNING;
	strcpy(d[0].name, "dom0");
	d[0].mem_bytes = 512ull << 20;
	d[0].nr_vcpus = 1;
	d[0].first_cpu = 0;
	d[0].exits = 123456;
	d[0].vcpu_exits[0] = 123456;
	d[0].uptime_us = 2000000; /* 61728 exits per second */
	d[1].domid = 7;
	d[1].state = XL_DOMAIN_CRASHED;
	strcpy(d[1].name, "hpc \"job\"");
	d[1].mem_bytes = (2ull << 30) + 12345;
	d[1].nr_vcpus = 2;
	d[1].first_cpu = 2;
	d[1].exits = 5;
	d[1].vcpu_exits[0] = 5;
	d[1].vcpu_exits[1] = 0;
	d[1].vcpu_cpu[0] = 2;
	d[1].vcpu_cpu[1] = 3;
	d[1].uptime_us = 500; /* too young for a rate */
	d[1].dma_faults = 4;
	d[2].domid = 4000000000u;
	d[2].state = 99;
	memset(d[2].name, 'n', sizeof(d[2].name)); /* 32 characters, unterminated */
	d[2].name[5] = '\n';
	d[2].nr_vcpus = 0;
	d[2].exits = UINT64_MAX;
	d[2].uptime_us = 3000000;
}

static void test_list_text(void **state)
{
	struct xl_domain_info d[3];
	struct capture c;

	fill_domains(d);
	cap_open(&c);
	xl_print_domains(c.f, d, 2, false);
	assert_string_equal(cap_text(&c),
			    "NAME                ID  MEM(MiB) VCPUS STATE         UPTIME  CPU          EXITS   EXITS/S DMA-FAULTS\n"
			    "dom0                 0       512     1 running      0:00:02    0         123456     61728          0\n"
			    "hpc \"job\"            7      2048     2 crashed      0:00:00    2              5         0          4\n");
	cap_free(&c);

	cap_open(&c);
	xl_print_domains(c.f, d, 3, false);
	assert_non_null(strstr(cap_text(&c), "\nnnnnn?nnnnnnnnnnnnnnnnnnnnnnnnnn 4000000000         0     0 state-99 "));
	/* huge counts do not overflow the rate: UINT64_MAX exits over 3 s */
	assert_non_null(strstr(cap_text(&c), " 18446744073709551615 6148914691236517205          0\n"));
	cap_free(&c);

	/* no domains: the header alone */
	cap_open(&c);
	xl_print_domains(c.f, d, 0, false);
	assert_non_null(strstr(cap_text(&c), "NAME                ID"));
	assert_null(strstr(cap_text(&c), "dom0"));
	cap_free(&c);
}

static void test_list_json(void **state)
{
	struct xl_domain_info d[3];
	struct capture c;

	fill_domains(d);
	cap_open(&c);
	xl_print_domains(c.f, d, 1, true);
	assert_string_equal(cap_text(&c),
			    "{\"domains\":[{\"id\":0,\"name\":\"dom0\",\"state\":\"running\",\"vcpus\":1,"
			    "\"first_cpu\":0,\"memory\":536870912,\"exits\":123456,\"exits_per_s\":61728,"
			    "\"dma_faults\":0,\"uptime_us\":2000000,\"vcpu_exits\":[123456]}]}\n");
	assert_json_line(cap_text(&c));
	cap_free(&c);

	cap_open(&c);
	xl_print_domains(c.f, d, 3, true);
	assert_json_line(cap_text(&c));
	assert_non_null(strstr(cap_text(&c), "\"name\":\"hpc \\\"job\\\"\",\"state\":\"crashed\""));
	assert_non_null(strstr(cap_text(&c), "\"state\":\"state-99\""));
	assert_non_null(strstr(cap_text(&c), "\"exits_per_s\":0,\"dma_faults\":4,"));
	assert_non_null(strstr(cap_text(&c), "nnnnn\\nnnn"));
	cap_free(&c);

	cap_open(&c);
	xl_print_domains(c.f, d, 0, true);
	assert_string_equal(cap_text(&c), "{\"domains\":[]}\n");
	cap_free(&c);
}

static void test_state_names(void **state)
{
	char buf[24];

	assert_string_equal(xl_state_name(XL_DOMAIN_BUILDING, buf, sizeof(buf)), "building");
	assert_string_equal(xl_state_name(XL_DOMAIN_RUNNING, buf, sizeof(buf)), "running");
	assert_string_equal(xl_state_name(XL_DOMAIN_PAUSED, buf, sizeof(buf)), "paused");
	assert_string_equal(xl_state_name(XL_DOMAIN_SHUTDOWN, buf, sizeof(buf)), "shutdown");
	assert_string_equal(xl_state_name(XL_DOMAIN_CRASHED, buf, sizeof(buf)), "crashed");
	assert_string_equal(xl_state_name(XL_DOMAIN_DYING, buf, sizeof(buf)), "dying");
	assert_string_equal(xl_state_name(6, buf, sizeof(buf)), "state-6");
	assert_string_equal(xl_state_name(UINT32_MAX, buf, sizeof(buf)), "state-4294967295");
}

static void test_json_string(void **state)
{
	struct capture c;

	cap_open(&c);
	xl_json_string(c.f, "a\"b\\c\td\re\n\x7f\x80z", 13);
	assert_string_equal(cap_text(&c), "\"a\\\"b\\\\c\\td\\re\\n\\u007f\\u0080z\"");
	cap_free(&c);
}

/* ---- domains by id or by name, over a fake domain list ---- */

struct fake_domains {
	struct xl_domain_info doms[8];
	int result; /* what the list call returns: the number of domains, or < 0 */
	unsigned int calls;
};

static int fake_list(void *ctx, struct xl_domain_info *doms, unsigned int max)
{
	struct fake_domains *f = ctx;
	unsigned int n = f->result < 0 ? 0 : (unsigned int)f->result;

	f->calls++;
	memcpy(doms, f->doms, (n < max ? n : max) * sizeof(*doms));
	return f->result;
}

static void add_domain(struct fake_domains *f, uint32_t id, const char *name)
{
	struct xl_domain_info *d = &f->doms[f->result++];

	memset(d, 0, sizeof(*d));
	d->domid = id;
	snprintf(d->name, sizeof(d->name), "%s", name);
}

static void test_domid_decimal(void **state)
{
	static const char *const names[] = { "0x10", "0X10", "-1", "+1", " 1", "1 ", "",
					     "1e3", "web", "1st", "0b1" };
	uint32_t id = 12345;

	assert_int_equal(xl_parse_domid("0", &id), XL_DOMAIN_FOUND);
	assert_int_equal(id, 0);
	assert_int_equal(xl_parse_domid("7", &id), XL_DOMAIN_FOUND);
	assert_int_equal(id, 7);
	assert_int_equal(xl_parse_domid("4294967295", &id), XL_DOMAIN_FOUND);
	assert_true(id == 4294967295u);
	/* leading zeros: a typo guard, neither octal (8) nor quietly 10 */
	id = 12345;
	assert_int_equal(xl_parse_domid("010", &id), XL_DOMAIN_LEADING_ZERO);
	assert_int_equal(xl_parse_domid("00", &id), XL_DOMAIN_LEADING_ZERO);
	assert_int_equal(xl_parse_domid("4294967296", &id), XL_DOMAIN_ID_TOO_LARGE);
	assert_int_equal(xl_parse_domid("99999999999999999999999", &id), XL_DOMAIN_ID_TOO_LARGE);
	assert_int_equal(id, 12345);
	/* anything but decimal digits is a name */
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_int_equal(xl_parse_domid(names[i], &id), XL_DOMAIN_NO_SUCH_NAME);
	assert_int_equal(id, 12345);
}

static void test_find_domain(void **state)
{
	static struct xl_domain_info doms[8];
	struct fake_domains f = { .result = 0 };
	uint32_t id = 0;

	add_domain(&f, 0, "dom0");
	add_domain(&f, 3, "web");
	add_domain(&f, 7, "db");
	/* an id: taken as it is, without asking for the list (the hypervisor says if it exists) */
	assert_int_equal(xl_find_domain("3", fake_list, &f, doms, 8, &id), XL_DOMAIN_FOUND);
	assert_int_equal(id, 3);
	assert_int_equal(xl_find_domain("42", fake_list, &f, doms, 8, &id), XL_DOMAIN_FOUND);
	assert_int_equal(id, 42);
	assert_int_equal(xl_find_domain("010", fake_list, &f, doms, 8, &id), XL_DOMAIN_LEADING_ZERO);
	assert_int_equal(f.calls, 0);
	/* a name: looked up in the list, exactly */
	assert_int_equal(xl_find_domain("web", fake_list, &f, doms, 8, &id), XL_DOMAIN_FOUND);
	assert_int_equal(id, 3);
	assert_int_equal(f.calls, 1);
	assert_int_equal(xl_find_domain("dom0", fake_list, &f, doms, 8, &id), XL_DOMAIN_FOUND);
	assert_int_equal(id, 0);
	id = 99;
	assert_int_equal(xl_find_domain("Web", fake_list, &f, doms, 8, &id), XL_DOMAIN_NO_SUCH_NAME);
	assert_int_equal(xl_find_domain("we", fake_list, &f, doms, 8, &id), XL_DOMAIN_NO_SUCH_NAME);
	assert_int_equal(xl_find_domain("web ", fake_list, &f, doms, 8, &id), XL_DOMAIN_NO_SUCH_NAME);
	assert_int_equal(xl_find_domain("0x3", fake_list, &f, doms, 8, &id), XL_DOMAIN_NO_SUCH_NAME);
	assert_int_equal(id, 99);
	/* the hypervisor does not keep names unique: two domains named web are refused */
	add_domain(&f, 9, "web");
	assert_int_equal(xl_find_domain("web", fake_list, &f, doms, 8, &id), XL_DOMAIN_NAME_TWICE);
	assert_int_equal(xl_find_domain("db", fake_list, &f, doms, 8, &id), XL_DOMAIN_FOUND);
	assert_int_equal(id, 7);
	/* only the domains the buffer holds are looked at, whatever the count says */
	assert_int_equal(xl_find_domain("web", fake_list, &f, doms, 2, &id), XL_DOMAIN_FOUND);
	assert_int_equal(id, 3);
	/* a name filling its field with no NUL is compared within the field */
	memset(f.doms[1].name, 'a', sizeof(f.doms[1].name));
	assert_int_equal(xl_find_domain("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", fake_list, &f, doms, 8, &id),
			 XL_DOMAIN_NO_SUCH_NAME);
	assert_int_equal(xl_find_domain("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", fake_list, &f, doms, 8, &id),
			 XL_DOMAIN_NO_SUCH_NAME);
	/* the list call failing */
	f.result = -1;
	assert_int_equal(xl_find_domain("db", fake_list, &f, doms, 8, &id), XL_DOMAIN_LIST_FAILED);
}

static void expect_lookup_error(enum xl_domain_lookup r, const char *arg, int status, const char *text)
{
	struct capture c;

	cap_open(&c);
	assert_int_equal(xl_domain_lookup_error(c.f, r, arg), status);
	assert_string_equal(cap_text(&c) ? cap_text(&c) : "", text);
	cap_free(&c);
}

static void test_domain_lookup_errors(void **state)
{
	expect_lookup_error(XL_DOMAIN_FOUND, "3", XL_EXIT_OK, "");
	expect_lookup_error(XL_DOMAIN_LIST_FAILED, "web", XL_EXIT_ERROR, ""); /* the caller says why */
	expect_lookup_error(XL_DOMAIN_LEADING_ZERO, "010", XL_EXIT_USAGE,
			    "xl-lite: 010: a domain id is decimal, without leading zeros\n");
	expect_lookup_error(XL_DOMAIN_ID_TOO_LARGE, "4294967296", XL_EXIT_USAGE,
			    "xl-lite: 4294967296: too large for a domain id\n");
	expect_lookup_error(XL_DOMAIN_NO_SUCH_NAME, "web", XL_EXIT_ERROR,
			    "xl-lite: no domain named 'web'\n");
	expect_lookup_error(XL_DOMAIN_NO_SUCH_NAME, "0x10", XL_EXIT_ERROR,
			    "xl-lite: no domain named '0x10' (a domain id is decimal)\n");
	expect_lookup_error(XL_DOMAIN_NAME_TWICE, "web", XL_EXIT_ERROR,
			    "xl-lite: more than one domain is named 'web': give its id\n");
}

static void test_commands_taking_a_domain(void **state)
{
	static const char *const with[] = { "destroy", "pause", "unpause", "shutdown", "reboot",
					    "console", "pci-list", "vcpu-list", "profile", "domid", "domname" };
	static const char *const without[] = { "info", "list", "dmesg", "create", "create-elf",
					       "pci-assignable-add", "pci-assignable-remove",
					       "pci-assignable-list", "module", "introspect", "help" };
	struct xl_args a;
	struct capture c;
	char err[256];

	for (unsigned int i = 0; i < sizeof(with) / sizeof(with[0]); i++) {
		assert_int_equal(xl_parse_captured(&a, err, sizeof(err), with[i], "web", NULL), XL_EXIT_OK);
		assert_true(xl_cmd_takes_domain(a.cmd));
		assert_string_equal(a.args[0], "web");
		cap_open(&c);
		xl_print_help(c.f, a.cmd);
		assert_non_null(strstr(cap_text(&c), " DOMAIN"));
		assert_non_null(strstr(cap_text(&c), "DOMAIN is the domain's id (decimal, no leading "
						     "zeros) or its name."));
		cap_free(&c);
	}
	for (unsigned int i = 0; i < sizeof(without) / sizeof(without[0]); i++) {
		assert_int_equal(xl_parse_captured(&a, err, sizeof(err), without[i], "--help", NULL), XL_EXIT_OK);
		assert_false(xl_cmd_takes_domain(a.topic));
	}
	assert_false(xl_cmd_takes_domain(XL_CMD_HELP));
	assert_false(xl_cmd_takes_domain(XL_CMD_NONE));
	/* an id written wrong is a usage error at once, before any device access */
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "destroy", "010", NULL), XL_EXIT_USAGE);
	assert_string_equal(err, "xl-lite: 010: a domain id is decimal, without leading zeros\n"
				 "Try 'xl-lite help'.\n");
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "pci-list", "4294967296", NULL), XL_EXIT_USAGE);
	assert_string_equal(err, "xl-lite: 4294967296: too large for a domain id\nTry 'xl-lite help'.\n");
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "console", "0x10", NULL), XL_EXIT_OK); /* a name */
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "create-elf", "010", "f", NULL), XL_EXIT_OK);
}

/* ---- the options of each command ---- */

static void test_parse_command_options(void **state)
{
	struct xl_args a;
	char err[256];

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "list", "-l", NULL), XL_EXIT_OK);
	assert_true(a.long_list);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "--long", "list", NULL), XL_EXIT_OK);
	assert_true(a.long_list);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "list", "-lj", NULL), XL_EXIT_OK);
	assert_true(a.long_list && a.json);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "vcpu-list", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_VCPU_LIST);
	assert_false(xl_args_name_domain(&a));
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "vcpu-list", "web", "-j", NULL), XL_EXIT_OK);
	assert_true(xl_args_name_domain(&a));
	assert_true(a.json);
	/* create: options anywhere, KEY=VALUE settings after the file, in order */
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "create", "g.cfg", "memory=512", "-n",
			       "name=\"x\"", NULL),
			 XL_EXIT_OK);
	assert_true(a.dry_run);
	assert_false(a.console);
	assert_int_equal(a.nargs, 3);
	assert_string_equal(a.args[0], "g.cfg");
	assert_string_equal(a.args[1], "memory=512");
	assert_string_equal(a.args[2], "name=\"x\"");
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "create", "--console", "g.cfg", NULL), XL_EXIT_OK);
	assert_true(a.console);
	assert_false(a.paused);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "create", "-p", "g.cfg", NULL), XL_EXIT_OK);
	assert_true(a.paused);
	/* after "--" everything is an argument */
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "create", "--", "-odd.cfg", NULL), XL_EXIT_OK);
	assert_string_equal(a.args[0], "-odd.cfg");
	/* shutdown: -w with a domain; -a without */
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "shutdown", "-w", "web", NULL), XL_EXIT_OK);
	assert_true(a.wait);
	assert_true(xl_args_name_domain(&a));
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "shutdown", "-a", "--wait", NULL), XL_EXIT_OK);
	assert_true(a.all && a.wait);
	assert_int_equal(a.nargs, 0);
	assert_false(xl_args_name_domain(&a));
	/* reboot: the same, and -F */
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "reboot", "web", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_REBOOT);
	assert_false(a.wait || a.all || a.force);
	assert_true(xl_args_name_domain(&a));
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "reboot", "-wF", "7", NULL), XL_EXIT_OK);
	assert_true(a.wait && a.force);
	assert_string_equal(a.args[0], "7");
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "reboot", "--all", "--force", NULL), XL_EXIT_OK);
	assert_true(a.all && a.force);
	assert_false(xl_args_name_domain(&a));
}

static void expect_usage(const char *text, const char *a1, const char *a2, const char *a3)
{
	struct xl_args a;
	char err[256];

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), a1, a2, a3, NULL), XL_EXIT_USAGE);
	if (!strstr(err, text))
		fail_msg("'%s' not in: %s", text, err);
}

static void test_parse_option_errors(void **state)
{
	expect_usage("xl-lite: unknown option '-x'\n", "list", "-x", NULL);
	expect_usage("xl-lite: unknown option '--bogus'\n", "--bogus", "list", NULL);
	expect_usage("xl-lite: option '--json' takes no value\n", "list", "--json=1", NULL);
	expect_usage("xl-lite: unknown option '--verbose'\n", "list", "--verbose=3", NULL);
	/* in a cluster, after a long option: the letter, whatever came before */
	expect_usage("xl-lite: unknown option '-x'\n", "--json", "-lx", "list");
	expect_usage("xl-lite: unknown option '-x'\n", "--json", "-xl", "list");
	/* an option of another command */
	expect_usage("xl-lite: info: no option '-l' (see 'xl-lite help info')\n", "info", "-l", NULL);
	expect_usage("xl-lite: destroy: no option '--json'", "destroy", "web", "--json");
	expect_usage("xl-lite: list: no option '-n'", "list", "-n", NULL);
	expect_usage("a dry run creates nothing to attach to", "create", "-nc", "g.cfg");
	expect_usage("xl-lite: shutdown -a: no DOMAIN with -a", "shutdown", "-a", "3");
	expect_usage("missing arguments: xl-lite shutdown", "shutdown", "-w", NULL);
	expect_usage("xl-lite: reboot -a: no DOMAIN with -a", "reboot", "-a", "3");
	expect_usage("xl-lite: reboot --all: no DOMAIN with --all", "reboot", "--all", "web");
	expect_usage("missing arguments: xl-lite reboot", "reboot", "-F", NULL);
	expect_usage("unexpected argument 'b'", "reboot", "a", "b");
	expect_usage("xl-lite: list: no option '-F' (see 'xl-lite help list')", "list", "-F", "web");
	expect_usage("xl-lite: destroy: no option '--force'", "destroy", "--force", "web");
	expect_usage("missing arguments: xl-lite create", "create", "-n", NULL);
	expect_usage("unexpected argument 'b'", "vcpu-list", "a", "b");
	expect_usage("010: a domain id is decimal", "vcpu-list", "010", NULL);
}

/* run's options with values: taken in order, checked, refused on other commands */
static void expect_run_usage(const char *text, const char *opt, const char *value)
{
	struct xl_args a;
	char err[256];

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "run", opt, value, "g", "--", "id", NULL),
			 XL_EXIT_USAGE);
	if (!strstr(err, text))
		fail_msg("'%s' not in: %s", text, err);
}

static void test_parse_run_options(void **state)
{
	struct xl_args a;
	char err[256];

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "run", "--user", "1000:100", "-C", "/srv", "-e",
					   "A=1", "g", "--env=B=x y", "--", "sh", "-e", "--user", NULL),
			 XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_RUN);
	assert_string_equal(a.run_user, "1000:100");
	assert_int_equal(a.run_uid, 1000);
	assert_int_equal(a.run_gid, 100);
	assert_string_equal(a.run_cwd, "/srv");
	assert_int_equal(a.run_nenv, 2);
	assert_string_equal(a.run_env[0], "A=1");
	assert_string_equal(a.run_env[1], "B=x y");
	/* the command's own options stay its own */
	assert_int_equal(a.nargs, 4);
	assert_string_equal(a.args[2], "-e");
	assert_string_equal(a.args[3], "--user");
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "run", "-U", "7", "g", "--", "id", NULL), XL_EXIT_OK);
	assert_int_equal(a.run_uid, 7);
	assert_int_equal(a.run_gid, 7);
	assert_null(a.run_cwd);
	expect_run_usage("--user 'root' must be UID or UID:GID", "--user", "root");
	expect_run_usage("--user '1:4294967295' must be UID or UID:GID", "-U", "1:4294967295");
	expect_run_usage("--cwd 'srv' must be an absolute path", "--cwd", "srv");
	expect_run_usage("--env 'A' must be NAME=VALUE", "-e", "A");
	expect_run_usage("--env 'A-B=1' NAME must be letters, digits and '_'", "--env", "A-B=1");
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "run", "g", "-U", "1", "--user", "2", "--", "id", NULL),
			 XL_EXIT_USAGE);
	assert_non_null(strstr(err, "run: -U given twice"));
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "run", "g", "id", "--cwd", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "option '--cwd' needs a value"));
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "list", "--user", "1", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "list: no option '--user'"));
}

/* module load | unload | list, and profile: their arguments and options, and what they refuse */
static void test_parse_module_commands(void **state)
{
	struct xl_args a;
	char err[256], name[40], words[5][40];

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "module", "load", "m.xlm", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_MODULE);
	assert_int_equal(a.module_sub, XL_MODULE_SUB_LOAD);
	assert_int_equal(a.nargs, 2);
	assert_string_equal(a.args[1], "m.xlm");
	/* the module's own arguments, after FILE ("--" before any that looks like an option) */
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "module", "load", "m.xlm", "reasons=io", "--", "-x", NULL),
			 XL_EXIT_OK);
	assert_int_equal(a.nargs, 4);
	assert_string_equal(a.args[3], "-x");
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "module", "unload", "exit-profiler", NULL), XL_EXIT_OK);
	assert_int_equal(a.module_sub, XL_MODULE_SUB_UNLOAD);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "module", "list", "-j", NULL), XL_EXIT_OK);
	assert_int_equal(a.module_sub, XL_MODULE_SUB_LIST);
	assert_true(a.json);

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "module", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "missing arguments: xl-lite module load FILE"));
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "module", "insert", "m.xlm", NULL), XL_EXIT_USAGE);
	assert_string_equal(err, "xl-lite: module: no subcommand 'insert' (load, unload or list)\n"
				 "Try 'xl-lite help'.\n");
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "module", "load", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "module load: missing arguments"));
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "module", "unload", NULL), XL_EXIT_USAGE);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "module", "unload", "a", "b", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "unexpected argument 'b'"));
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "module", "list", "x", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "unexpected argument 'x'"));
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "module", "load", "--json", "m.xlm", NULL), XL_EXIT_USAGE);
	assert_string_equal(err, "xl-lite: module load: no option '--json' (see 'xl-lite help module')\n"
				 "Try 'xl-lite help'.\n");
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "module", "list", "-r", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "module: no option '-r'"));
	/* names and arguments that would not fit their fields */
	memset(name, 'n', 32);
	name[32] = '\0';
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "module", "unload", name, NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "a module's name is at most 31 characters"));
	name[31] = '\0';
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "module", "unload", name, NULL), XL_EXIT_OK);
	for (unsigned int i = 0; i < 5; i++) {
		memset(words[i], 'w', 25);
		words[i][25] = '\0';
	}
	/* 4 words of 25 and 3 blanks: 103 bytes; a fifth: 129 */
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "module", "load", "m", words[0], words[1], words[2],
			       words[3], NULL), XL_EXIT_OK);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "module", "load", "m", words[0], words[1], words[2],
			       words[3], words[4], NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "module load: the module's arguments take 129 bytes, at most 127"));
	words[4][23] = '\0'; /* 127 */
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "module", "load", "m", words[0], words[1], words[2],
			       words[3], words[4], NULL), XL_EXIT_OK);

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "profile", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_PROFILE);
	assert_int_equal(a.nargs, 0);
	assert_false(xl_args_name_domain(&a));
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "profile", "--reset", "-j", "web", NULL), XL_EXIT_OK);
	assert_true(a.reset && a.json);
	assert_true(xl_args_name_domain(&a));
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "profile", "-rj", NULL), XL_EXIT_OK);
	assert_true(a.reset && a.json);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "profile", "1", "2", NULL), XL_EXIT_USAGE);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "profile", "007", NULL), XL_EXIT_USAGE);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "profile", "--reset=1", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "option '--reset' takes no value"));
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "list", "--reset", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "list: no option '--reset'"));

	/* cpu-policy DOMAIN: one domain, -j and -r */
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "cpu-policy", "-rj", "web", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_CPU_POLICY);
	assert_true(a.reset && a.json);
	assert_true(xl_args_name_domain(&a));
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "cpu-policy", "3", NULL), XL_EXIT_OK);
	assert_string_equal(a.args[0], "3");
	assert_false(a.reset);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "cpu-policy", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "missing arguments: xl-lite cpu-policy [-j] [-r] DOMAIN"));
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "cpu-policy", "1", "2", NULL), XL_EXIT_USAGE);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "cpu-policy", "007", NULL), XL_EXIT_USAGE);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "cpu-policy", "-n", "web", NULL), XL_EXIT_USAGE);
	assert_non_null(strstr(err, "cpu-policy: no option '-n'"));
}

static void test_help_lists_everything(void **state)
{
	static const char *const names[] = { "info", "list", "vcpu-list", "dmesg", "create",
					     "create-elf", "destroy", "pause", "unpause", "shutdown",
					     "reboot", "console", "pci-assignable-add", "pci-assignable-remove",
					     "pci-assignable-list", "pci-list", "module", "profile", "cpu-policy",
					     "introspect", "inject", "run", "domid", "domname",
					     "help" };
	struct xl_args a;
	struct capture c;
	char err[256], line[64];

	cap_open(&c);
	xl_print_help(c.f, XL_CMD_NONE);
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(line, sizeof(line), "\n  %-22s ", names[i]); /* one line, with its summary */
		if (!strstr(cap_text(&c), line))
			fail_msg("'%s' not in the help", names[i]);
	}
	cap_free(&c);
	/* each command's help: its usage and its options */
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "help", "shutdown", NULL), XL_EXIT_OK);
	cap_open(&c);
	xl_print_help(c.f, a.topic);
	assert_true(!strncmp(cap_text(&c), "usage: xl-lite shutdown [-w] [-F] DOMAIN | -a [-w] [-F]\n", 56));
	assert_non_null(strstr(cap_text(&c), "  -w, --wait "));
	assert_non_null(strstr(cap_text(&c), "  -a, --all "));
	assert_non_null(strstr(cap_text(&c), "  -F, --force "));
	assert_non_null(strstr(cap_text(&c), "  -h, --help "));
	assert_null(strstr(cap_text(&c), "--json"));
	assert_null(strstr(cap_text(&c), "--paused"));
	cap_free(&c);
	cap_open(&c);
	xl_print_help(c.f, XL_CMD_REBOOT);
	assert_true(!strncmp(cap_text(&c), "usage: xl-lite reboot [-w] [-F] DOMAIN | -a [-w] [-F]\n", 54));
	assert_non_null(strstr(cap_text(&c), "  -F, --force      a guest that cannot be asked is reset (reboot) or powered\n"));
	assert_non_null(strstr(cap_text(&c), "  -w, --wait "));
	assert_non_null(strstr(cap_text(&c), "  -a, --all "));
	assert_non_null(strstr(cap_text(&c), "on_reboot"));
	cap_free(&c);
	cap_open(&c);
	xl_print_help(c.f, XL_CMD_CREATE);
	assert_non_null(strstr(cap_text(&c), "  -n, --dry-run    check the file"));
	assert_non_null(strstr(cap_text(&c), "\n                   print what would be created"));
	assert_non_null(strstr(cap_text(&c), "cpuid"));
	cap_free(&c);
	cap_open(&c);
	xl_print_help(c.f, XL_CMD_CPU_POLICY);
	assert_true(!strncmp(cap_text(&c), "usage: xl-lite cpu-policy [-j] [-r] DOMAIN\n", 43));
	assert_non_null(strstr(cap_text(&c), "  -r, --reset      once printed: profile's counts"));
	assert_non_null(strstr(cap_text(&c), "cpu-policy's policy of DOMAIN removed"));
	assert_non_null(strstr(cap_text(&c), "  -j, --json "));
	cap_free(&c);
	cap_open(&c);
	xl_print_help(c.f, XL_CMD_INJECT);
	assert_true(!strncmp(cap_text(&c), "usage: xl-lite inject [-n] [-u] [-j] CAMPAIGN\n", 46));
	assert_non_null(strstr(cap_text(&c), "  -u, --unsafe     a campaign may aim at dom0"));
	assert_non_null(strstr(cap_text(&c), "  -n, --dry-run "));
	assert_non_null(strstr(cap_text(&c), "  -j, --json "));
	cap_free(&c);
}

/* ---- list -l, uptime, vcpu-list ---- */

static void test_uptime(void **state)
{
	char b[24];

	assert_string_equal(xl_format_uptime(0, b, sizeof(b)), "0:00:00");
	assert_string_equal(xl_format_uptime(999999, b, sizeof(b)), "0:00:00");
	assert_string_equal(xl_format_uptime(3723000000ull, b, sizeof(b)), "1:02:03");
	assert_string_equal(xl_format_uptime(49ull * 3600 * 1000000, b, sizeof(b)), "49:00:00");
	assert_string_equal(xl_format_uptime(UINT64_MAX, b, sizeof(b)), "5124095576:01:49");
}

/* domid and domname print the other half of a listed domain, or fail saying so */
static void test_domid_and_domname(void **state)
{
	struct xl_domain_info d[3];
	struct capture out, err;

	(void)state;
	fill_domains(d);
	cap_open(&out);
	cap_open(&err);
	assert_int_equal(xl_print_domid_or_name(out.f, err.f, d, 2, 7, false, "hpc \"job\""), XL_EXIT_OK);
	assert_int_equal(xl_print_domid_or_name(out.f, err.f, d, 2, 7, true, "7"), XL_EXIT_OK);
	assert_int_equal(xl_print_domid_or_name(out.f, err.f, d, 2, 0, true, "0"), XL_EXIT_OK);
	/* crashed domains are still listed, so still found; an id not listed is not */
	assert_string_equal(cap_text(&out), "7\nhpc \"job\"\ndom0\n");
	assert_string_equal(cap_text(&err), "");
	cap_free(&out);
	cap_open(&out);
	assert_int_equal(xl_print_domid_or_name(out.f, err.f, d, 2, 8, true, "8"), XL_EXIT_ERROR);
	assert_int_equal(xl_print_domid_or_name(out.f, err.f, d, 1, 7, false, "7"), XL_EXIT_ERROR);
	assert_string_equal(cap_text(&out), "");
	assert_string_equal(cap_text(&err), "xl-lite: no domain 8\nxl-lite: no domain 7\n");
	cap_free(&out);
	cap_free(&err);
}

static void test_list_long(void **state)
{
	struct xl_domain_info d[3];
	struct capture c;

	fill_domains(d);
	cap_open(&c);
	xl_print_domains_long(c.f, d, 2);
	assert_string_equal(cap_text(&c), "name:        dom0\n"
					  "id:          0\n"
					  "state:       running\n"
					  "memory:      512 MiB (536870912 bytes)\n"
					  "vcpus:       1\n"
					  "first cpu:   0\n"
					  "uptime:      0:00:02 (2000000 us)\n"
					  "exits:       123456\n"
					  "exits/s:     61728\n"
					  "dma faults:  0\n"
					  "vcpu 0 exits: 123456\n"
					  "\n"
					  "name:        hpc \"job\"\n"
					  "id:          7\n"
					  "state:       crashed\n"
					  "memory:      2048 MiB (2147495993 bytes)\n"
					  "vcpus:       2\n"
					  "first cpu:   2\n"
					  "uptime:      0:00:00 (500 us)\n"
					  "exits:       5\n"
					  "exits/s:     0\n"
					  "dma faults:  4\n"
					  "vcpu 0 exits: 5\n"
					  "vcpu 1 exits: 0\n");
	cap_free(&c);
}

/* 6 CPUs: 0 dom0's, 2-3 domain 7's, 4 free, 1 and 5 domain 9's */
static void fill_cpu_owners(struct xl_sysinfo *si)
{
	static const int32_t owner[6] = { 0, 9, 7, 7, XL_CPU_FREE, 9 };

	memset(si, 0, sizeof(*si));
	si->nr_cpus = 6;
	for (unsigned int c = 0; c < XL_SYSINFO_MAX_CPUS; c++)
		si->cpu_owner[c] = c < 6 ? owner[c] : XL_CPU_FREE;
}

static void test_vcpu_cpus(void **state)
{
	struct xl_domain_info d = { .domid = 7, .nr_vcpus = 3, .first_cpu = 3,
				    .vcpu_cpu = { 3, 5, 2 } };
	struct xl_sysinfo si;
	char b[64];

	/* each vCPU's CPU as the hypervisor reports it, whatever their number and order */
	assert_int_equal(xl_vcpu_cpu(&d, 0), 3);
	assert_int_equal(xl_vcpu_cpu(&d, 1), 5);
	assert_int_equal(xl_vcpu_cpu(&d, 2), 2);
	assert_int_equal(xl_vcpu_cpu(&d, 3), -1); /* past its vCPUs */
	d.nr_vcpus = 16;
	d.vcpu_cpu[15] = 40;
	assert_int_equal(xl_vcpu_cpu(&d, 15), 40);
	d.nr_vcpus = 20; /* dom0 on more CPUs than the list carries */
	assert_int_equal(xl_vcpu_cpu(&d, 16), -1);
	fill_cpu_owners(&si);
	assert_string_equal(xl_format_domain_cpus(7, &si, b, sizeof(b)), "2-3");
	assert_string_equal(xl_format_domain_cpus(9, &si, b, sizeof(b)), "1,5");
	assert_string_equal(xl_format_domain_cpus(0, &si, b, sizeof(b)), "0");
	assert_string_equal(xl_format_domain_cpus(4, &si, b, sizeof(b)), "-");
	si.cpu_owner[4] = 7;
	assert_string_equal(xl_format_domain_cpus(7, &si, b, sizeof(b)), "2-4");
	/* a small buffer is cut, never overrun */
	assert_string_equal(xl_format_domain_cpus(9, &si, b, 3), "1,");
}

static void test_vcpu_list(void **state)
{
	struct xl_domain_info d[3];
	struct xl_sysinfo si;
	struct capture c;

	fill_domains(d);
	fill_cpu_owners(&si);
	cap_open(&c);
	xl_print_vcpus(c.f, d, 2, &si, false);
	assert_string_equal(cap_text(&c),
			    "NAME                ID VCPU  CPU STATE              EXITS CPUS\n"
			    "dom0                 0    0    0 running           123456 0\n"
			    "hpc \"job\"            7    0    2 crashed                5 2-3\n"
			    "hpc \"job\"            7    1    3 crashed                0 2-3\n");
	cap_free(&c);
	cap_open(&c);
	xl_print_vcpus(c.f, d, 2, &si, true);
	assert_json_line(cap_text(&c));
	assert_non_null(strstr(cap_text(&c), "{\"name\":\"hpc \\\"job\\\"\",\"id\":7,\"vcpu\":1,"
					     "\"cpu\":3,\"state\":\"crashed\",\"exits\":0}]}\n"));
	cap_free(&c);
	/* four vCPUs: every one's CPU (the 2-vCPU case was the only one shown before ABI 0.6) */
	d[1].nr_vcpus = 4;
	d[1].vcpu_cpu[2] = 5;
	d[1].vcpu_cpu[3] = 1;
	cap_open(&c);
	xl_print_vcpus(c.f, &d[1], 1, &si, false);
	assert_string_equal(cap_text(&c),
			    "NAME                ID VCPU  CPU STATE              EXITS CPUS\n"
			    "hpc \"job\"            7    0    2 crashed                5 2-3\n"
			    "hpc \"job\"            7    1    3 crashed                0 2-3\n"
			    "hpc \"job\"            7    2    5 crashed                0 2-3\n"
			    "hpc \"job\"            7    3    1 crashed                0 2-3\n");
	cap_free(&c);
	/* a vCPU past the ABI's per-vCPU exits and CPUs */
	d[1].nr_vcpus = 17;
	cap_open(&c);
	xl_print_vcpus(c.f, &d[1], 1, &si, true);
	assert_json_line(cap_text(&c));
	assert_non_null(strstr(cap_text(&c), "\"vcpu\":16,\"cpu\":null,\"state\":\"crashed\","
					     "\"exits\":null}"));
	cap_free(&c);
	cap_open(&c);
	xl_print_vcpus(c.f, &d[1], 1, &si, false);
	assert_non_null(strstr(cap_text(&c), "\nhpc \"job\"            7   16    - crashed                - 2-3\n"));
	cap_free(&c);
}

/* ---- shutdown -w and -a over a fake list and clock ---- */

struct fake_node {
	struct fake_domains list;
	unsigned int slept_ms;
	unsigned int end_after_ms; /* domain 3 shuts down once this much time has passed */
};

static int node_list(void *ctx, struct xl_domain_info *doms, unsigned int max)
{
	struct fake_node *n = ctx;

	if (n->slept_ms >= n->end_after_ms)
		n->list.doms[1].state = XL_DOMAIN_SHUTDOWN;
	return fake_list(&n->list, doms, max);
}

static void node_sleep(void *ctx, unsigned int ms)
{
	((struct fake_node *)ctx)->slept_ms += ms;
}

static void test_wait_for_shutdown(void **state)
{
	static struct xl_domain_info doms[8];
	struct fake_node n = { .list = { .result = 0 }, .end_after_ms = 1000 };
	const uint32_t ids[2] = { 3, 42 }; /* 42 is not listed: gone already */
	uint32_t still = 0;

	add_domain(&n.list, 0, "dom0");
	add_domain(&n.list, 3, "web");
	n.list.doms[0].state = n.list.doms[1].state = XL_DOMAIN_RUNNING;
	assert_int_equal(xl_wait_ended(node_list, node_sleep, &n, doms, 8, ids, 2, 5000, &still),
			 XL_WAIT_ENDED);
	assert_int_equal(n.slept_ms, 1000);
	/* bounded: a guest that never ends is named */
	n.slept_ms = 0;
	n.end_after_ms = UINT32_MAX;
	n.list.doms[1].state = XL_DOMAIN_PAUSED;
	assert_int_equal(xl_wait_ended(node_list, node_sleep, &n, doms, 8, ids, 2, 500, &still),
			 XL_WAIT_TIMED_OUT);
	assert_int_equal(still, 3);
	assert_int_equal(n.slept_ms, 500);
	n.list.result = -1;
	assert_int_equal(xl_wait_ended(node_list, node_sleep, &n, doms, 8, ids, 2, 500, &still),
			 XL_WAIT_LIST_FAILED);
}

static void test_live_guests(void **state)
{
	struct fake_domains f = { .result = 0 };
	static const uint32_t states[6] = { XL_DOMAIN_RUNNING, XL_DOMAIN_RUNNING, XL_DOMAIN_PAUSED,
					    XL_DOMAIN_SHUTDOWN, XL_DOMAIN_CRASHED, XL_DOMAIN_BUILDING };
	uint32_t ids[8];

	for (unsigned int i = 0; i < 6; i++) {
		add_domain(&f, i, "g");
		f.doms[i].state = states[i];
	}
	/* dom0 never; only running and paused guests */
	assert_int_equal(xl_live_guests(f.doms, 6, ids, 8), 2);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 2);
	assert_int_equal(xl_live_guests(f.doms, 6, ids, 1), 1);
	assert_true(xl_domain_has_ended(f.doms, 6, 3));
	assert_true(xl_domain_has_ended(f.doms, 6, 4));
	assert_false(xl_domain_has_ended(f.doms, 6, 5));
	assert_true(xl_domain_has_ended(f.doms, 6, 77));
}

/* ---- shutdown and reboot requests, and reboot -F, over a fake hypervisor ---- */

struct fake_hv {
	bool takes_reboots; /* the guest has asked with XL_QUERY_REASON */
	bool takes_shutdowns; /* the guest has called XL_SHUTDOWN_QUERY */
	bool running;
	unsigned int calls;
	uint64_t flags[4]; /* each request's flags */
};

static int hv_request(void *ctx, uint32_t domid, uint64_t flags)
{
	struct fake_hv *hv = ctx;

	assert_int_equal(domid, 5);
	hv->flags[hv->calls++ % 4] = flags;
	if (!hv->running)
		return -EINVAL;
	if (flags & XL_SHUTDOWN_HARD_FLAG)
		return 0;
	if ((flags & XL_SHUTDOWN_REBOOT_FLAG) && !hv->takes_reboots)
		return -EOPNOTSUPP;
	if ((flags & XL_SHUTDOWN_ASKABLE_FLAG) && !hv->takes_shutdowns)
		return -EOPNOTSUPP;
	return 0;
}

static void test_end_requests(void **state)
{
	struct fake_hv hv = { .running = true };

	/* shutdown: one request, no flag */
	assert_int_equal(xl_end_domain(hv_request, &hv, 5, false, false), XL_END_ASKED);
	assert_int_equal(hv.calls, 1);
	assert_true(hv.flags[0] == 0);
	/* reboot of a guest that cannot be asked: refused, nothing else tried */
	hv.calls = 0;
	assert_int_equal(xl_end_domain(hv_request, &hv, 5, true, false), XL_END_CANNOT_ASK);
	assert_int_equal(hv.calls, 1);
	assert_true(hv.flags[0] == XL_SHUTDOWN_REBOOT_FLAG);
	/* with -F: then reset */
	hv.calls = 0;
	assert_int_equal(xl_end_domain(hv_request, &hv, 5, true, true), XL_END_FORCED);
	assert_int_equal(hv.calls, 2);
	assert_true(hv.flags[1] == (XL_SHUTDOWN_REBOOT_FLAG | XL_SHUTDOWN_HARD_FLAG));
	/* shutdown -F of a guest that has never asked: refused as such, then powered off */
	hv.calls = 0;
	assert_int_equal(xl_end_domain(hv_request, &hv, 5, false, true), XL_END_FORCED);
	assert_int_equal(hv.calls, 2);
	assert_true(hv.flags[0] == XL_SHUTDOWN_ASKABLE_FLAG);
	assert_true(hv.flags[1] == XL_SHUTDOWN_HARD_FLAG);
	/* shutdown -F of one that asks: asked, nothing forced */
	hv.takes_shutdowns = true;
	hv.calls = 0;
	assert_int_equal(xl_end_domain(hv_request, &hv, 5, false, true), XL_END_ASKED);
	assert_int_equal(hv.calls, 1);
	/* a guest that takes reboot requests is asked, -F or not: -F is a fallback */
	hv.takes_reboots = true;
	hv.calls = 0;
	assert_int_equal(xl_end_domain(hv_request, &hv, 5, true, true), XL_END_ASKED);
	assert_int_equal(hv.calls, 1);
	assert_true(hv.flags[0] == (XL_SHUTDOWN_REBOOT_FLAG | XL_SHUTDOWN_ASKABLE_FLAG));
	/* any other refusal is a failure, with no second request */
	hv.running = false;
	hv.calls = 0;
	assert_int_equal(xl_end_domain(hv_request, &hv, 5, true, true), XL_END_FAILED);
	assert_int_equal(xl_end_domain(hv_request, &hv, 5, false, false), XL_END_FAILED);
	assert_int_equal(hv.calls, 2);
}

/* ---- dmesg over a fake log ring ---- */

struct fake_ring {
	char text[8192]; /* text[i % sizeof] is the byte at position i */
	uint64_t head; /* bytes written since boot */
	uint64_t keep; /* bytes the ring holds */
	uint64_t max_read; /* text per reply, at most */
	uint64_t grow; /* bytes logged during each read */
	uint64_t overwrite_at_call; /* on this call, pretend the ring ran 100 bytes ahead (0: never) */
	unsigned int fail_at_call; /* 1-based; 0: never */
	unsigned int calls;
	bool stall; /* reply with no progress at all */
};

static void ring_log(struct fake_ring *r, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++, r->head++)
		r->text[r->head % sizeof(r->text)] = (char)(r->head % 61 == 60 ? '\n' : 'a' + r->head % 26);
}

static int64_t ring_read(void *ctx, uint64_t pos, struct xl_log_chunk *chunk, size_t size)
{
	struct fake_ring *r = ctx;
	uint64_t room = size - sizeof(*chunk), n, oldest;

	r->calls++;
	if (r->calls == r->fail_at_call)
		return -1;
	if (r->calls == r->overwrite_at_call)
		pos += 100;
	oldest = r->head > r->keep ? r->head - r->keep : 0;
	if (pos < oldest)
		pos = oldest;
	if (pos > r->head)
		pos = r->head;
	n = r->head - pos;
	if (n > room)
		n = room;
	if (n > r->max_read)
		n = r->max_read;
	if (r->stall)
		n = 1;
	for (uint64_t i = 0; i < n; i++)
		chunk->data[i] = r->text[(pos + i) % sizeof(r->text)];
	chunk->pos = pos;
	chunk->len = (uint32_t)n;
	chunk->next = r->stall ? pos : pos + n;
	chunk->head = r->head;
	ring_log(r, r->grow); /* what the hypervisor logs meanwhile */
	return (int64_t)n;
}

/* the ring's text from position a to b */
static char *ring_text(const struct fake_ring *r, uint64_t a, uint64_t b)
{
	char *s = calloc(b - a + 1, 1);

	for (uint64_t i = a; i < b; i++)
		s[i - a] = r->text[i % sizeof(r->text)];
	return s;
}

static int run_dmesg(struct fake_ring *r, size_t size, bool json, struct capture *out,
		     struct capture *warn)
{
	struct xl_log_chunk *chunk = malloc(size);
	int rc;

	cap_open(out);
	cap_open(warn);
	rc = xl_dmesg(out->f, warn->f, ring_read, r, chunk, size, json);
	free(chunk);
	return rc;
}

static void test_dmesg_whole_ring_in_chunks(void **state)
{
	static struct fake_ring r = { .keep = 8192, .max_read = 1000 };
	struct capture out, warn;
	char *want;

	ring_log(&r, 3050); /* ends with a newline at 3049 */
	assert_int_equal(run_dmesg(&r, sizeof(struct xl_log_chunk) + 4096, false, &out, &warn), 0);
	want = ring_text(&r, 0, 3050);
	assert_string_equal(cap_text(&out), want);
	assert_string_equal(cap_text(&warn), "");
	assert_int_equal(r.calls, 4); /* 1000, 1000, 1000, 50 */
	free(want);
	cap_free(&out);
	cap_free(&warn);
}

static void test_dmesg_small_buffer(void **state)
{
	static struct fake_ring r = { .keep = 8192, .max_read = 100000 };
	struct capture out, warn;
	char *want;

	ring_log(&r, 500);
	/* a buffer with room for 7 bytes of text per read; no final newline: one is added */
	assert_int_equal(run_dmesg(&r, sizeof(struct xl_log_chunk) + 7, false, &out, &warn), 0);
	assert_int_equal(r.calls, 72);
	want = ring_text(&r, 0, 500);
	assert_int_equal(strlen(cap_text(&out)), 501);
	assert_memory_equal(cap_text(&out), want, 500);
	assert_int_equal(cap_text(&out)[500], '\n');
	free(want);
	cap_free(&out);
	cap_free(&warn);
}

static void test_dmesg_ring_wrapped(void **state)
{
	static struct fake_ring r = { .keep = 2000, .max_read = 100000 };
	struct capture out, warn;
	char *want;

	ring_log(&r, 6100); /* only the last 2000 bytes are kept: start at 4100 */
	assert_int_equal(run_dmesg(&r, 65536, true, &out, &warn), 0);
	assert_json_line(cap_text(&out));
	assert_true(!strncmp(cap_text(&out), "{\"start\":4100,\"text\":\"", 22));
	assert_non_null(strstr(cap_text(&out), "\",\"end\":6100,\"lost\":0}\n"));
	want = ring_text(&r, 4100, 4120);
	assert_non_null(strstr(cap_text(&out), want));
	/* old text is simply gone, not an error */
	assert_string_equal(cap_text(&warn), "");
	free(want);
	cap_free(&out);
	cap_free(&warn);
}

static void test_dmesg_stops_at_first_head(void **state)
{
	/* the hypervisor logs while we read: stop at the head of the first reply */
	static struct fake_ring r = { .keep = 8192, .max_read = 100, .grow = 150 };
	struct capture out, warn;

	ring_log(&r, 1000);
	assert_int_equal(run_dmesg(&r, 65536, false, &out, &warn), 0);
	assert_int_equal(r.calls, 10);
	assert_int_equal(strlen(cap_text(&out)), 1001); /* 1000 and a newline */
	cap_free(&out);
	cap_free(&warn);
}

static void test_dmesg_overwritten_while_reading(void **state)
{
	static struct fake_ring r = { .keep = 8192, .max_read = 300, .overwrite_at_call = 2 };
	struct capture out, warn;

	ring_log(&r, 1000);
	assert_int_equal(run_dmesg(&r, 65536, true, &out, &warn), 0);
	assert_json_line(cap_text(&out));
	assert_non_null(strstr(cap_text(&out), "\",\"end\":1000,\"lost\":100}\n"));
	assert_string_equal(cap_text(&warn), "xl-lite: 100 bytes of log were overwritten while reading\n");
	cap_free(&out);
	cap_free(&warn);
}

static void test_dmesg_read_fails(void **state)
{
	static struct fake_ring r = { .keep = 8192, .max_read = 100, .fail_at_call = 3 };
	static struct fake_ring r1 = { .keep = 8192, .max_read = 100, .fail_at_call = 1 };
	struct capture out, warn;

	ring_log(&r, 1000);
	/* what was read is printed, and the JSON object is still whole */
	assert_int_equal(run_dmesg(&r, 65536, true, &out, &warn), -1);
	assert_json_line(cap_text(&out));
	assert_non_null(strstr(cap_text(&out), "\"end\":200,"));
	cap_free(&out);
	cap_free(&warn);

	/* nothing at all when the first read fails */
	ring_log(&r1, 1000);
	assert_int_equal(run_dmesg(&r1, 65536, true, &out, &warn), -1);
	assert_string_equal(cap_text(&out), "");
	cap_free(&out);
	cap_free(&warn);
}

static void test_dmesg_empty_and_stalled(void **state)
{
	static struct fake_ring empty = { .keep = 8192, .max_read = 100 };
	static struct fake_ring stall = { .keep = 8192, .max_read = 100, .stall = true };
	struct capture out, warn;

	assert_int_equal(run_dmesg(&empty, 4096, false, &out, &warn), 0);
	assert_string_equal(cap_text(&out), "");
	assert_int_equal(empty.calls, 1);
	cap_free(&out);
	cap_free(&warn);

	assert_int_equal(run_dmesg(&empty, 4096, true, &out, &warn), 0);
	assert_string_equal(cap_text(&out), "{\"start\":0,\"text\":\"\",\"end\":0,\"lost\":0}\n");
	assert_json_line(cap_text(&out));
	cap_free(&out);
	cap_free(&warn);

	/* a reply that does not advance must not loop forever */
	ring_log(&stall, 1000);
	assert_int_equal(run_dmesg(&stall, 4096, false, &out, &warn), 0);
	assert_int_equal(stall.calls, 1);
	cap_free(&out);
	cap_free(&warn);
}

/* ---- replies and error messages (libxl-lite) ---- */

static void test_log_chunk_check(void **state)
{
	struct xl_log_chunk c = { .pos = 100, .next = 150, .head = 150, .len = 50 };
	size_t size = sizeof(c) + 64;

	assert_true(xl_log_chunk_ok(&c, 50, size));
	assert_false(xl_log_chunk_ok(&c, 49, size)); /* result and len disagree */
	assert_false(xl_log_chunk_ok(&c, -5, size));
	assert_false(xl_log_chunk_ok(&c, 50, sizeof(c) + 49)); /* more text than room */
	assert_false(xl_log_chunk_ok(&c, 50, sizeof(c)));
	c.next = 149; /* next before pos + len */
	assert_false(xl_log_chunk_ok(&c, 50, size));
	c.next = 99;
	assert_false(xl_log_chunk_ok(&c, 50, size));
	/* the hypervisor may have logged more after sampling head: next > head is fine */
	c.next = 200;
	assert_true(xl_log_chunk_ok(&c, 50, size));
	c.len = 0;
	c.next = 100;
	assert_true(xl_log_chunk_ok(&c, 0, size));
}

static const char *msg(enum xl_err_source source, int err, const char *call)
{
	static char buf[256];
	struct xl_error e = { source, err, call };

	return xl_error_message(&e, buf, sizeof(buf));
}

static void test_error_messages(void **state)
{
	assert_string_equal(msg(XL_ERR_OPEN, ENOENT, NULL),
			    "/dev/xenlite: No such file or directory (is the xenlite module loaded?)");
	assert_string_equal(msg(XL_ERR_OPEN, EACCES, NULL),
			    "/dev/xenlite: Permission denied (xl-lite must run as root)");
	assert_string_equal(msg(XL_ERR_OPEN, EBUSY, NULL), "/dev/xenlite: Device or resource busy");
	assert_string_equal(msg(XL_ERR_DRIVER, ENOTTY, "XL_SYSCTL_INFO"),
			    "/dev/xenlite: XL_SYSCTL_INFO: Inappropriate ioctl for device "
			    "(the xenlite module does not match this xl-lite)");
	assert_string_equal(msg(XL_ERR_DRIVER, E2BIG, "XL_SYSCTL_LOG_READ"),
			    "/dev/xenlite: XL_SYSCTL_LOG_READ: Argument list too long");
	assert_string_equal(msg(XL_ERR_HYPERVISOR, ENOSYS, "XL_SYSCTL_INFO"),
			    "hypervisor: XL_SYSCTL_INFO: Function not implemented (-38) "
			    "(this hypervisor does not have it)");
	assert_string_equal(msg(XL_ERR_HYPERVISOR, EFAULT, "XL_SYSCTL_DOMAIN_LIST"),
			    "hypervisor: XL_SYSCTL_DOMAIN_LIST: Bad address (-14)");
	assert_string_equal(msg(XL_ERR_HYPERVISOR, EPERM, NULL),
			    "hypervisor: hypercall: Operation not permitted (-1) (only dom0 may call it)");
	assert_string_equal(msg(XL_ERR_REPLY, EPROTO, "XL_SYSCTL_LOG_READ"),
			    "hypervisor: XL_SYSCTL_LOG_READ: malformed reply");
	assert_string_equal(msg(XL_ERR_NONE, 0, NULL), "no error");
}

/* ---- the staged create's chunks (libxl-lite) ---- */

/*
 * Walk kernel || ramdisk the way xl_create_staged() does: every byte once, in
 * order, no chunk above chunk_max or across the end of the kernel, as many
 * chunks as xl_load_chunk_count() says.
 */
static void walk_chunks(uint64_t kernel, uint64_t ramdisk, size_t chunk_max)
{
	uint64_t offset = 0, n = 0;
	uint32_t len;

	while ((len = xl_load_chunk_len(offset, kernel, ramdisk, chunk_max)) != 0) {
		assert_true(len <= chunk_max);
		assert_true(offset >= kernel || offset + len <= kernel);
		/* full chunks, except the last of each file */
		if (len < chunk_max)
			assert_true(offset + len == kernel || offset + len == kernel + ramdisk);
		offset += len;
		n++;
	}
	assert_true(offset == kernel + ramdisk);
	assert_true(n == xl_load_chunk_count(kernel, ramdisk, chunk_max));
}

static void test_load_chunks(void **state)
{
	const size_t max = XL_LOAD_CHUNK_MAX;

	/* a chunk and its header fill the driver's buffer exactly */
	assert_int_equal(sizeof(struct xl_domctl_load), 16);
	assert_true(max + sizeof(struct xl_domctl_load) == XL_IOCTL_MAX_LEN);

	assert_true(xl_load_chunk_count(0, 0, max) == 0);
	assert_int_equal(xl_load_chunk_len(0, 0, 0, max), 0);
	assert_true(xl_load_chunk_count(1, 0, max) == 1);
	assert_true(xl_load_chunk_count(max, 0, max) == 1);
	assert_true(xl_load_chunk_count(max + 1, 0, max) == 2);
	/* the kernel's last chunk never takes ramdisk bytes with it */
	assert_true(xl_load_chunk_count(max + 1, 1, max) == 3);
	assert_int_equal(xl_load_chunk_len(0, max + 1, 1, max), max);
	assert_int_equal(xl_load_chunk_len(max, max + 1, 1, max), 1);
	assert_int_equal(xl_load_chunk_len(max + 1, max + 1, 1, max), 1);
	assert_int_equal(xl_load_chunk_len(max + 2, max + 1, 1, max), 0);
	assert_int_equal(xl_load_chunk_len(1ULL << 40, max + 1, 1, max), 0);
	/* after a short take the next chunk starts where the hypervisor stopped */
	assert_int_equal(xl_load_chunk_len(10, 100, 50, 64), 64);
	assert_int_equal(xl_load_chunk_len(90, 100, 50, 64), 10);
	assert_int_equal(xl_load_chunk_len(101, 100, 50, 64), 49);
	/* a ramdisk without a kernel still has its offsets (the hypervisor refuses that create) */
	assert_true(xl_load_chunk_count(0, 10, max) == 1);
	assert_int_equal(xl_load_chunk_len(0, 0, 10, max), 10);
	/* no room, no chunks */
	assert_true(xl_load_chunk_count(100, 100, 0) == 0);
	assert_int_equal(xl_load_chunk_len(0, 100, 100, 0), 0);

	walk_chunks(0, 0, max);
	walk_chunks(4096, 0, max);
	walk_chunks(max, max, max);
	walk_chunks(max - 1, max + 1, max);
	walk_chunks(100, 50, 64);
	walk_chunks(100, 50, 1);
	/* a distribution kernel and initramfs: 12 MiB + 40 MiB */
	walk_chunks(12u << 20, 40u << 20, max);
	assert_true(xl_load_chunk_count(12u << 20, 40u << 20, max) == 193 + 641);
	/* the largest images the ABI allows */
	walk_chunks(XL_DOMCTL_MAX_IMAGE, XL_DOMCTL_MAX_RAMDISK, max);
}

/* What xl_create_staged() refuses before asking anything, and how a failed call is named. */
static void test_create_staged_errors(void **state)
{
	struct xl_domctl_create req;
	struct xl_handle h = { .fd = -1 };
	char byte = 0;

	memset(&req, 0, sizeof(req));
	snprintf(req.name, sizeof(req.name), "big");
	assert_true(xl_create_staged(&h, &req, NULL, XL_DOMCTL_MAX_IMAGE + 1, NULL, 0) == -1);
	assert_int_equal(h.err.source, XL_ERR_DRIVER);
	assert_int_equal(h.err.err, E2BIG);
	assert_string_equal(h.err.call, "XL_DOMCTL_CREATE");
	h.err = (struct xl_error){ XL_ERR_NONE, 0, NULL };
	assert_true(xl_create_staged(&h, &req, &byte, 1, NULL, XL_DOMCTL_MAX_RAMDISK + 1) == -1);
	assert_int_equal(h.err.err, E2BIG);
	/* no device open: the first call (CREATE) fails in the driver, nothing follows */
	h.err = (struct xl_error){ XL_ERR_NONE, 0, NULL };
	assert_true(xl_create_staged(&h, &req, &byte, 1, NULL, 0) == -1);
	assert_int_equal(h.err.source, XL_ERR_DRIVER);
	assert_int_equal(h.err.err, EBADF);
	assert_string_equal(h.err.call, "XL_DOMCTL_CREATE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_checker_itself),
		cmocka_unit_test(test_parse_commands),
		cmocka_unit_test(test_parse_pci_commands),
		cmocka_unit_test(test_bdf),
		cmocka_unit_test(test_pci_list),
		cmocka_unit_test(test_parse_help),
		cmocka_unit_test(test_parse_usage_errors),
		cmocka_unit_test(test_help_text),
		cmocka_unit_test(test_info_text),
		cmocka_unit_test(test_info_text_odd_values),
		cmocka_unit_test(test_info_json),
		cmocka_unit_test(test_info_json_odd_values),
		cmocka_unit_test(test_list_text),
		cmocka_unit_test(test_list_json),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_dmesg_whole_ring_in_chunks),
		cmocka_unit_test(test_dmesg_small_buffer),
		cmocka_unit_test(test_dmesg_ring_wrapped),
		cmocka_unit_test(test_dmesg_stops_at_first_head),
		cmocka_unit_test(test_dmesg_overwritten_while_reading),
		cmocka_unit_test(test_dmesg_read_fails),
		cmocka_unit_test(test_dmesg_empty_and_stalled),
		cmocka_unit_test(test_log_chunk_check),
		cmocka_unit_test(test_error_messages),
		cmocka_unit_test(test_load_chunks),
		cmocka_unit_test(test_create_staged_errors),
		cmocka_unit_test(test_domid_decimal),
		cmocka_unit_test(test_find_domain),
		cmocka_unit_test(test_domain_lookup_errors),
		cmocka_unit_test(test_commands_taking_a_domain),
		cmocka_unit_test(test_domid_and_domname),
		cmocka_unit_test(test_parse_command_options),
		cmocka_unit_test(test_parse_option_errors),
		cmocka_unit_test(test_parse_run_options),
		cmocka_unit_test(test_help_lists_everything),
		cmocka_unit_test(test_parse_module_commands),
		cmocka_unit_test(test_uptime),
		cmocka_unit_test(test_list_long),
		cmocka_unit_test(test_vcpu_cpus),
		cmocka_unit_test(test_vcpu_list),
		cmocka_unit_test(test_wait_for_shutdown),
		cmocka_unit_test(test_live_guests),
		cmocka_unit_test(test_end_requests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
