/*
 * Host tests for xl-lite introspect (dom0-tools/xl-intro-args.c,
 * xl-intro-data.c, xl-intro-fmt.c): the subcommands and their arguments
 * through xl-lite's own parser, the numbers, the hex dump and every other
 * output (text, and JSON through a strict parser), the refusals in words;
 * and the requests answered by the module's own code (modules/
 * introspection/ over the fake node of tests/unit/intro_fake_node.c) and by
 * a lying fake, whose every malformed answer is caught.
 */
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

#include "../../dom0-tools/xl-args.h"
#include "../../dom0-tools/xl-intro-data.h"
#include "../../dom0-tools/xl-intro-fmt.h"
#include "../../modules/introspection/intro_ops.h"
#include "intro_fake_node.h"
#include "output_check.h"
#include "parse_capture.h"

/* ---- the command line ---- */

static void test_parse_subcommands(void **state)
{
	struct xl_args a;
	char err[512];

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "introspect", "regs", "web", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_INTROSPECT);
	assert_int_equal(a.intro.sub, XL_INTRO_SUB_REGS);
	assert_string_equal(a.intro.domain, "web");
	assert_int_equal(a.intro.vcpu, 0);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "introspect", "-j", "regs", "3", "15", NULL), XL_EXIT_OK);
	assert_true(a.json);
	assert_int_equal(a.intro.vcpu, 15);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "introspect", "phys", "web", "0x1000", "4096", NULL), XL_EXIT_OK);
	assert_int_equal(a.intro.sub, XL_INTRO_SUB_PHYS);
	assert_int_equal(a.intro.addr, 0x1000);
	assert_int_equal(a.intro.len, 4096);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "introspect", "virt", "web", "0xffffffff81000000", "0x40", "2",
			       NULL), XL_EXIT_OK);
	assert_int_equal(a.intro.sub, XL_INTRO_SUB_VIRT);
	assert_int_equal(a.intro.addr, 0xffffffff81000000ull);
	assert_int_equal(a.intro.len, 0x40);
	assert_int_equal(a.intro.vcpu, 2);
	/* the last byte of the address space, and no further */
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "introspect", "phys", "web", "0xffffffffffffff00", "256", NULL),
			 XL_EXIT_OK);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "introspect", "exits", "--follow", "web", NULL), XL_EXIT_OK);
	assert_int_equal(a.intro.sub, XL_INTRO_SUB_EXITS);
	assert_true(a.follow);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "introspect", "exits", "-jf", "web", NULL), XL_EXIT_OK);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "introspect", "watch", "web", NULL), XL_EXIT_OK);
	assert_int_equal(a.intro.sub, XL_INTRO_SUB_WATCH);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "introspect", "unwatch", "4", NULL), XL_EXIT_OK);
	assert_int_equal(a.intro.sub, XL_INTRO_SUB_UNWATCH);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "introspect", "grant", "obs", "web", NULL), XL_EXIT_OK);
	assert_int_equal(a.intro.sub, XL_INTRO_SUB_GRANT);
	assert_string_equal(a.intro.observer, "obs");
	assert_string_equal(a.intro.domain, "web");
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "introspect", "revoke", "2", "3", NULL), XL_EXIT_OK);
	assert_int_equal(a.intro.sub, XL_INTRO_SUB_REVOKE);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "introspect", "list", "--json", NULL), XL_EXIT_OK);
	assert_int_equal(a.intro.sub, XL_INTRO_SUB_LIST);
	assert_null(a.intro.domain);
	assert_string_equal(xl_intro_sub_name(XL_INTRO_SUB_EXITS), "exits");
}

/* Refused with exit 2 and this message (the first line, without "xl-lite: "). */
static void expect_usage(const char *message, ...)
{
	char want[512], err[512];
	struct xl_args a;
	va_list ap;
	int rc;

	va_start(ap, message);
	rc = xl_parse_captured_v(&a, err, sizeof(err), "introspect", ap);
	va_end(ap);
	assert_int_equal(rc, XL_EXIT_USAGE);
	snprintf(want, sizeof(want), "xl-lite: %s\nTry 'xl-lite help'.\n", message);
	assert_string_equal(err, want);
}

static void test_parse_refusals(void **state)
{
	expect_usage("introspect: no subcommand 'peek' (regs, phys, virt, exits, watch, unwatch, grant, revoke or list)",
		     "peek", "web", NULL);
	expect_usage("introspect regs: missing arguments: xl-lite introspect regs DOMAIN [VCPU]", "regs", NULL);
	expect_usage("introspect regs: too many arguments: xl-lite introspect regs DOMAIN [VCPU]", "regs", "web", "1",
		     "2", NULL);
	expect_usage("introspect phys: missing arguments: xl-lite introspect phys DOMAIN ADDR LEN", "phys", "web",
		     "0x1000", NULL);
	expect_usage("unexpected argument 'x'", "virt", "web", "0", "1", "0", "x", NULL);
	expect_usage("introspect grant: missing arguments: xl-lite introspect grant OBSERVER TARGET", "grant", "web",
		     NULL);
	expect_usage("introspect list: too many arguments: xl-lite introspect list", "list", "web", NULL);
	expect_usage("introspect watch: no option '-j' (see 'xl-lite help introspect')", "watch", "-j", "web", NULL);
	expect_usage("introspect grant: no option '--json' (see 'xl-lite help introspect')", "grant", "--json", "a",
		     "b", NULL);
	expect_usage("introspect regs: no option '-f' (see 'xl-lite help introspect')", "regs", "-f", "web", NULL);
	expect_usage("introspect list: no option '--follow' (see 'xl-lite help introspect')", "list", "--follow",
		     NULL);
	expect_usage("010: a domain id is decimal, without leading zeros", "regs", "010", NULL);
	expect_usage("4294967296: too large for a domain id", "grant", "4294967296", "3", NULL);
	expect_usage("010: a domain id is decimal, without leading zeros", "revoke", "3", "010", NULL);
	expect_usage("introspect: VCPU '16': a vCPU index is 0 to 15 (the module keeps the registers of a domain's "
		     "first 16 vCPUs)", "regs", "web", "16", NULL);
	expect_usage("introspect: VCPU 'x': a vCPU index is 0 to 15 (the module keeps the registers of a domain's "
		     "first 16 vCPUs)", "virt", "web", "0", "1", "0x1", NULL);
	expect_usage("introspect: ADDR '0x': an address is 0x and hex digits, or decimal", "phys", "web", "0x", "1",
		     NULL);
	expect_usage("introspect: ADDR '-1': an address is 0x and hex digits, or decimal", "phys", "web", "--", "-1",
		     "1", NULL);
	expect_usage("introspect: LEN '0': a length is 1 to 1048576 bytes (decimal, or 0x and hex)", "phys", "web",
		     "0", "0", NULL);
	expect_usage("introspect: LEN '1048577': a length is 1 to 1048576 bytes (decimal, or 0x and hex)", "virt",
		     "web", "0", "1048577", NULL);
	expect_usage("introspect: 2 bytes at 0xffffffffffffffff run past the end of the address space", "phys", "web",
		     "0xffffffffffffffff", "2", NULL);
	/* -f is introspect's only: another command refuses it */
	{
		char err[256];
		struct xl_args a;

		assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "list", "-f", NULL), XL_EXIT_USAGE);
		assert_non_null(strstr(err, "list: no option '-f'"));
	}
}

static void test_numbers(void **state)
{
	static const struct {
		const char *s;
		int rc;
		uint64_t v;
	} cases[] = {
		{ "0", 0, 0 },
		{ "4096", 0, 4096 },
		{ "0x0", 0, 0 },
		{ "0X1f", 0, 0x1f },
		{ "0xFFFFffffFFFFffff", 0, UINT64_MAX },
		{ "0x0000000000001000", 0, 0x1000 }, /* 16 digits */
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "18446744073709551616", -1, 0 },
		{ "0x10000000000000000", -1, 0 },
		{ "0x00000000000001000", -1, 0 }, /* 17 digits */
		{ "010", -1, 0 },
		{ "", -1, 0 },
		{ "0x", -1, 0 },
		{ "0x1g", -1, 0 },
		{ "12a", -1, 0 },
		{ "-1", -1, 0 },
		{ " 1", -1, 0 },
		{ "1 ", -1, 0 },
		{ "+1", -1, 0 },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 12345;
		int rc = xl_intro_number(cases[i].s, &v);

		if (rc != cases[i].rc || (!rc && v != cases[i].v))
			fail_msg("'%s': %d, %llu", cases[i].s, rc, (unsigned long long)v);
	}
}

/* ---- output ---- */

static struct xl_intro_status status;
static const struct xl_domain_info doms[] = { { .domid = 2, .name = "target" }, { .domid = 3, .name = "obs\x1b" } };
static const struct xl_intro_names names = { .status = &status, .doms = doms, .nr_doms = 2 };

static int setup_names(void **state)
{
	static const char *const reasons[] = { "hypercall", "cpuid", "msr-read", "msr-write", "io", "npf", "hlt",
					       "intr" };

	memset(&status, 0, sizeof(status));
	status.max_watched = XL_INTRO_MAX_WATCHED;
	status.max_grants = XL_INTRO_MAX_GRANTS;
	status.max_vcpus = XL_INTRO_MAX_VCPUS;
	status.ring_entries = XL_INTRO_RING_ENTRIES;
	status.tsc_khz = 2000000;
	status.nr_reasons = 8;
	for (unsigned int i = 0; i < 8; i++)
		strcpy(status.reason_names[i], reasons[i]);
	return 0;
}

static void test_hexdump(void **state)
{
	uint8_t data[20];
	struct capture c;

	for (unsigned int i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)("XL-introspect-p1\n\x7f\x80 "[i]);
	cap_open(&c);
	xl_intro_hexdump(c.f, 0x200ff8, data, sizeof(data));
	assert_string_equal(cap_text(&c),
			    "0000000000200ff8  58 4c 2d 69 6e 74 72 6f  73 70 65 63 74 2d 70 31  |XL-introspect-p1|\n"
			    "0000000000201008  0a 7f 80 20                                       |... |\n");
	cap_free(&c);
	/* exactly one line, and nothing */
	cap_open(&c);
	xl_intro_hexdump(c.f, UINT64_MAX - 15, data, 16);
	xl_intro_hexdump(c.f, 0, data, 0);
	assert_string_equal(cap_text(&c),
			    "fffffffffffffff0  58 4c 2d 69 6e 74 72 6f  73 70 65 63 74 2d 70 31  |XL-introspect-p1|\n");
	cap_free(&c);
}

static void test_dump_output(void **state)
{
	static const uint8_t data[3] = { 0xde, 0xad, 0x41 };
	struct xl_intro_dump d = { .domain = 2, .virt = true, .vcpu = 1, .addr = 0x40000ff8, .len = 8, .got = 3,
				   .data = data };
	struct capture c;

	cap_open(&c);
	xl_intro_print_dump(c.f, &names, &d, false);
	assert_string_equal(cap_text(&c),
			    "domain 2 (target), guest-virtual 0x40000ff8 (vcpu 1's page tables), 3 of 8 bytes:\n"
			    "0000000040000ff8  de ad 41                                          |..A|\n");
	cap_free(&c);
	cap_open(&c);
	xl_intro_print_dump(c.f, &names, &d, true);
	assert_string_equal(cap_text(&c), "{\"domain\":2,\"name\":\"target\",\"space\":\"virt\",\"vcpu\":1,"
					  "\"addr\":\"0x40000ff8\",\"len\":8,\"read\":3,\"data\":\"dead41\"}\n");
	assert_json_line(cap_text(&c));
	cap_free(&c);
	d = (struct xl_intro_dump){ .domain = 9, .addr = 0x1000, .len = 1, .got = 1, .data = data };
	cap_open(&c);
	xl_intro_print_dump(c.f, &names, &d, false);
	xl_intro_print_dump(c.f, &names, &d, true);
	assert_string_equal(cap_text(&c),
			    "domain 9, guest-physical 0x1000, 1 of 1 bytes:\n"
			    "0000000000001000  de                                                |.|\n"
			    "{\"domain\":9,\"name\":null,\"space\":\"phys\",\"vcpu\":null,\"addr\":\"0x1000\",\"len\":1,"
			    "\"read\":1,\"data\":\"de\"}\n");
	cap_free(&c);
}

static struct xl_intro_regs sample_regs(void)
{
	struct xl_intro_regs r = { .rip = 0x101234, .cr0 = 0x80050033, .cr3 = 0x3f0000, .cr4 = 0x20,
				   .efer = 0xd00, .cpl = 0, .exit_reason = 7, .exit_code = 0x60,
				   .exit_tsc = 123456789, .age_cycles = 25000, .tsc_khz = 2000000, .snapshots = 57 };

	for (unsigned int i = 0; i < 16; i++)
		r.gpr[i] = 0x1111111111111111ull * (i % 15) + i;
	return r;
}

static void test_regs_output(void **state)
{
	struct xl_intro_regs r = sample_regs();
	struct capture c;
	const char *t;

	cap_open(&c);
	xl_intro_print_regs(c.f, &names, 2, 0, &r, true, false);
	t = cap_text(&c);
	assert_true(!strncmp(t, "domain 2 (target) vcpu 0: snapshot 57, at its exit (intr, code 0x60) 12.5 us ago, "
				"taken after the kick\n", 101));
	assert_non_null(strstr(t, "\nrax 0x0000000000000000  rbx 0x3333333333333336  rcx 0x1111111111111112  "
				  "rdx 0x2222222222222224\n"));
	assert_non_null(strstr(t, "\nr12 0xccccccccccccccd8  r13 0xddddddddddddddea  r14 0xeeeeeeeeeeeeeefc  "
				  "r15 0x000000000000000f\n"));
	assert_non_null(strstr(t, "\nrip 0x0000000000101234  cpl 0\n"
				  "cr0 0x0000000080050033  cr3 0x00000000003f0000  cr4 0x0000000000000020  "
				  "efer 0x0000000000000d00\n"));
	cap_free(&c);
	r.tsc_khz = 0;
	cap_open(&c);
	xl_intro_print_regs(c.f, &names, 5, 3, &r, false, false);
	assert_non_null(strstr(cap_text(&c), "domain 5 vcpu 3: snapshot 57, at its exit (intr, code 0x60) 25000 "
					     "cycles ago, not refreshed by the kick\n"));
	cap_free(&c);
	r.tsc_khz = 2000000;
	cap_open(&c);
	xl_intro_print_regs(c.f, &names, 2, 0, &r, true, true);
	t = cap_text(&c);
	assert_json_line(t);
	assert_true(!strncmp(t, "{\"domain\":2,\"name\":\"target\",\"vcpu\":0,\"snapshot\":57,\"refreshed\":true,"
				"\"exit\":{\"reason\":\"intr\",\"reason_id\":7,\"code\":\"0x60\",\"tsc\":123456789},"
				"\"age_cycles\":25000,\"age_us\":12.500,\"gpr\":{\"rax\":\"0x0\",\"rcx\":", 190));
	assert_non_null(strstr(t, "\"r15\":\"0xf\"},\"rip\":\"0x101234\",\"cpl\":0,\"cr0\":\"0x80050033\","
				  "\"cr3\":\"0x3f0000\",\"cr4\":\"0x20\",\"efer\":\"0xd00\"}\n"));
	cap_free(&c);
	r.tsc_khz = 0;
	cap_open(&c);
	xl_intro_print_regs(c.f, &names, 9, 0, &r, false, true);
	assert_json_line(cap_text(&c));
	assert_non_null(strstr(cap_text(&c), "\"name\":null,"));
	assert_non_null(strstr(cap_text(&c), "\"age_us\":null,"));
	cap_free(&c);
}

static void test_exits_output(void **state)
{
	static const struct xl_intro_exit e[2] = {
		{ .seq = 5, .vcpu = 0, .reason = 7, .exit_code = 0x60, .rip = 0x101234, .tsc = 1000 },
		{ .seq = 7, .vcpu = 1, .reason = 0, .exit_code = 0x81, .rip = 0xffffffff81000000ull, .tsc = 2000 },
	};
	struct xl_intro_exits h = { .next_seq = 7, .head_seq = 9, .lost = 3, .nr = 2 };
	struct capture c;

	cap_open(&c);
	xl_intro_print_exits(c.f, &names, 2, 2, &h, e, true, false);
	assert_string_equal(cap_text(&c),
			    "domain 2 (target): 9 exits recorded since the watch began, the last 1024 kept\n"
			    "       SEQ VCPU REASON     EXIT-CODE          RIP                TSC\n"
			    "(3 exits lost: overwritten before they were read)\n"
			    "         5    0 intr       0x60               0x0000000000101234 1000\n"
			    "         7    1 hypercall  0x81               0xffffffff81000000 2000\n");
	cap_free(&c);
	cap_open(&c);
	xl_intro_print_exits(c.f, &names, 2, 2, &h, e, false, true);
	assert_string_equal(cap_text(&c),
			    "{\"domain\":2,\"name\":\"target\",\"from\":2,\"next\":7,\"recorded\":9,\"lost\":3,\"exits\":["
			    "{\"seq\":5,\"vcpu\":0,\"reason\":\"intr\",\"reason_id\":7,\"code\":\"0x60\","
			    "\"rip\":\"0x101234\",\"tsc\":1000},"
			    "{\"seq\":7,\"vcpu\":1,\"reason\":\"hypercall\",\"reason_id\":0,\"code\":\"0x81\","
			    "\"rip\":\"0xffffffff81000000\",\"tsc\":2000}]}\n");
	assert_json_line(cap_text(&c));
	cap_free(&c);
	/* a later answer: rows only */
	h.lost = 0;
	cap_open(&c);
	xl_intro_print_exits(c.f, &names, 2, 2, &h, e, false, false);
	assert_true(!strncmp(cap_text(&c), "         5    0 intr ", 21));
	cap_free(&c);
}

static void test_status_output(void **state)
{
	struct capture c;

	status.nr_watched = 2;
	status.watched[0] = (struct xl_intro_watched){ .domain = 2, .vcpus_seen = 0x5, .exits = 17 };
	status.watched[1] = (struct xl_intro_watched){ .domain = 9, .vcpus_seen = 0, .exits = 0 };
	status.nr_grants = 1;
	status.grants[0] = (struct xl_intro_grant){ .observer = 3, .target = 2 };
	cap_open(&c);
	xl_intro_print_status(c.f, &names, false);
	assert_string_equal(cap_text(&c),
			    "introspection: 2 of 64 domains watched, 1 of 64 grants, the last 1024 exits kept per domain\n"
			    "WATCHED                                 EXITS VCPUS-SEEN\n"
			    "domain 2 (target)                          17 0,2\n"
			    "domain 9                                    0 -\n"
			    "GRANTS (OBSERVER may read TARGET)\n"
			    "domain 3 (obs?) may read domain 2 (target)\n");
	cap_free(&c);
	cap_open(&c);
	xl_intro_print_status(c.f, &names, true);
	assert_string_equal(cap_text(&c),
			    "{\"max_watched\":64,\"max_grants\":64,\"ring_entries\":1024,\"max_vcpus\":16,"
			    "\"tsc_khz\":2000000,\"watched\":[{\"id\":2,\"name\":\"target\",\"exits\":17,"
			    "\"vcpus_seen\":[0,2]},{\"id\":9,\"name\":null,\"exits\":0,\"vcpus_seen\":[]}],"
			    "\"grants\":[{\"observer\":3,\"target\":2}]}\n");
	assert_json_line(cap_text(&c));
	cap_free(&c);
	status.nr_watched = status.nr_grants = 0;
	cap_open(&c);
	xl_intro_print_status(c.f, &names, false);
	assert_string_equal(cap_text(&c),
			    "introspection: 0 of 64 domains watched, 0 of 64 grants, the last 1024 exits kept per domain\n");
	cap_free(&c);
}

static void expect_refusal(enum xl_intro_sub sub, int err, const char *want)
{
	struct xl_intro_args a = { .sub = sub, .domain = "target", .vcpu = 1, .addr = 0x2000 };
	char buf[256];
	const char *got = xl_intro_refusal(&a, err, 2, 3, buf, sizeof(buf));

	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

static void test_refusals_in_words(void **state)
{
	expect_refusal(XL_INTRO_SUB_REGS, -EPERM, "not allowed (only dom0 watches and grants)");
	expect_refusal(XL_INTRO_SUB_REGS, -EPROTO, "the introspection module speaks another format than this "
						   "xl-lite's (1)");
	expect_refusal(XL_INTRO_SUB_REGS, -ENXIO, "domain 2 is not watched (xl-lite introspect watch target)");
	expect_refusal(XL_INTRO_SUB_REGS, -EAGAIN, "domain 2: no registers of vcpu 1 yet: it has taken no exit since "
						   "the watch began (paused, halted since, or no such vCPU)");
	expect_refusal(XL_INTRO_SUB_VIRT, -EOPNOTSUPP, "domain 2: vcpu 1 is not in long mode with 4-level paging: its "
						       "page tables are not walked (read guest-physical memory with phys)");
	expect_refusal(XL_INTRO_SUB_VIRT, -EFAULT, "domain 2: 0x2000 is not mapped by vcpu 1's page tables, or not RAM");
	expect_refusal(XL_INTRO_SUB_PHYS, -EFAULT, "domain 2: 0x2000 is not its RAM");
	expect_refusal(XL_INTRO_SUB_PHYS, -ENOENT, "domain 2: no such domain");
	expect_refusal(XL_INTRO_SUB_WATCH, -EEXIST, "domain 2 is watched already");
	expect_refusal(XL_INTRO_SUB_WATCH, -ENOSPC, "as many domains as the module can watch are watched (xl-lite "
						    "introspect list)");
	expect_refusal(XL_INTRO_SUB_WATCH, -ENOMEM, "the hypervisor is out of memory for the records of domain 2");
	expect_refusal(XL_INTRO_SUB_UNWATCH, -ENXIO, "domain 2 is not watched (xl-lite introspect watch target)");
	expect_refusal(XL_INTRO_SUB_GRANT, -EEXIST, "domain 3 may read domain 2 already");
	expect_refusal(XL_INTRO_SUB_GRANT, -ENOSPC, "the grants table is full (xl-lite introspect list)");
	expect_refusal(XL_INTRO_SUB_GRANT, -ENOENT, "domain 3 or domain 2: no such domain");
	expect_refusal(XL_INTRO_SUB_GRANT, -EINVAL, "a domain is never granted itself, and dom0 needs no grant");
	expect_refusal(XL_INTRO_SUB_REVOKE, -ENOENT, "domain 3 may not read domain 2: nothing to revoke");
	/* no words for it: the error as it came */
	expect_refusal(XL_INTRO_SUB_REGS, -EINVAL, NULL);
	expect_refusal(XL_INTRO_SUB_REGS, -EIO, NULL);
	{
		struct xl_intro_args a = { .sub = XL_INTRO_SUB_WATCH, .domain = "0" };
		char buf[128];

		assert_string_equal(xl_intro_refusal(&a, -EPERM, 0, 0, buf, sizeof(buf)),
				    "dom0 is never observed: it is the driver domain");
	}
}

/* ---- requests answered by the module's own code ---- */

static struct intro_state *module;
static unsigned int calls;

/* XL_MODULE_CALL as dom0 makes it, answered by the module's code over the fake node. */
static int64_t module_answers(void *ctx, uint32_t op, void *buf, size_t size)
{
	struct xl_module_call c = { .caller_domain = 0, .caller_privileged = true, .op = op, .buf = buf,
				    .size = size };

	(void)ctx;
	calls++;
	return intro_call(module, &c);
}

static const struct xl_intro_conn conn = { .call = module_answers, .max_size = 64 * 1024 - 40 };

static int setup_module(void **state)
{
	struct fake_domain *d;

	fake_node_reset();
	d = fake_domain_add(2);
	d->cr3 = 0x9000;
	d->hole_start = 0x8000;
	d->hole_end = 0x9000;
	for (unsigned int i = 0; i < 4; i++)
		fake_map(d, 0x40000000ull + i * 0x1000, 0x1000 * (7 - i));
	module = calloc(1, sizeof(*module));
	calls = 0;
	setup_names(state);
	return module ? 0 : -1;
}

static int teardown_module(void **state)
{
	intro_watch_free(&module->watches);
	free(module);
	return 0;
}

/* The module's gather for a fake vCPU in long mode at rip (ctx). */
static void gather_at(void *ctx, uint64_t w[SNAP_WORDS])
{
	memset(w, 0, SNAP_WORDS * sizeof(w[0]));
	w[SNAP_RIP] = (uint64_t)(uintptr_t)ctx;
	w[SNAP_CR0] = XL_INTRO_CR0_PG;
	w[SNAP_EFER] = XL_INTRO_EFER_LMA;
	w[SNAP_CR3] = 0x9000;
}

static void record(uint32_t domain, uint32_t vcpu, uint64_t rip)
{
	struct xl_exit_event e = { .domain_id = domain, .vcpu_id = vcpu, .reason = 7, .arch_code = 0x60,
				   .exit_tsc = 1000 + rip };

	intro_watch_record(&module->watches, &e, gather_at, (void *)(uintptr_t)rip);
}

static void test_with_the_module(void **state)
{
	struct xl_intro_request r = xl_intro_request(2);
	struct xl_intro_outcome o;
	struct xl_intro_status s;
	struct xl_intro_regs regs;
	struct xl_intro_exits h;
	static struct xl_intro_exit e[XL_INTRO_RING_ENTRIES];
	static uint8_t mem[0x3000];
	uint64_t got;
	int64_t stop;

	xl_intro_status(&conn, &s, &o);
	assert_int_equal(o.result, XL_INTRO_OK);
	assert_int_equal(s.nr_reasons, 14);
	assert_string_equal(s.reason_names[7], "intr");
	xl_intro_regs(&conn, 2, 0, XL_INTRO_REGS_KICK, s.nr_reasons, &regs, &o);
	assert_int_equal(o.result, XL_INTRO_REFUSED);
	assert_int_equal(o.err, -ENXIO);
	xl_intro_simple(&conn, XL_INTRO_OP_WATCH, &r, &o);
	assert_int_equal(o.result, XL_INTRO_OK);
	xl_intro_simple(&conn, XL_INTRO_OP_WATCH, &r, &o);
	assert_int_equal(o.result, XL_INTRO_REFUSED);
	assert_int_equal(o.err, -EEXIST);
	for (unsigned int i = 0; i < 1100; i++)
		record(2, i % 3, 0x100000 + i);
	xl_intro_regs(&conn, 2, 1, 0, s.nr_reasons, &regs, &o);
	assert_int_equal(o.result, XL_INTRO_OK);
	assert_int_equal(regs.rip, 0x100000 + 1099); /* vCPU 1's last: exit 1099 */
	/* the whole ring in one answer, 76 exits overwritten before */
	xl_intro_exits(&conn, 2, 0, s.nr_reasons, &h, e, XL_INTRO_RING_ENTRIES, &o);
	assert_int_equal(o.result, XL_INTRO_OK);
	assert_int_equal(h.nr, XL_INTRO_RING_ENTRIES);
	assert_int_equal(h.lost, 76);
	assert_int_equal(e[0].rip, 0x100000 + 76);
	/* a short buffer: fewer at a time, still in order */
	xl_intro_exits(&conn, 2, 1000, s.nr_reasons, &h, e, 30, &o);
	assert_int_equal(o.result, XL_INTRO_OK);
	assert_int_equal(h.nr, 30);
	assert_int_equal(e[0].seq, 1001);
	/* virtual pages mapped backwards, read in calls of 4 KiB */
	{
		struct xl_intro_conn small = conn;

		small.max_size = XL_INTRO_ANSWER_OFFSET + 0x1000;
		calls = 0;
		xl_intro_read(&small, XL_INTRO_OP_READ_VIRT, 2, 0, 0x40000800, 0x2000, mem, &got, &stop, &o);
		assert_int_equal(o.result, XL_INTRO_OK);
		assert_int_equal(got, 0x2000);
		assert_int_equal(stop, 0);
		assert_int_equal(calls, 2);
		assert_int_equal(mem[0], fake_ram_byte(2, 0x7800));
		assert_int_equal(mem[0x800], fake_ram_byte(2, 0x6000));
		assert_int_equal(mem[0x1fff], fake_ram_byte(2, 0x57ff));
		/* up to the hole: a short read, said as -EFAULT */
		xl_intro_read(&small, XL_INTRO_OP_READ_PHYS, 2, 0, 0x7000, 0x2000, mem, &got, &stop, &o);
		assert_int_equal(o.result, XL_INTRO_OK);
		assert_int_equal(got, 0x1000);
		assert_int_equal(stop, -EFAULT);
		xl_intro_read(&small, XL_INTRO_OP_READ_PHYS, 2, 0, 0x8000, 16, mem, &got, &stop, &o);
		assert_int_equal(o.result, XL_INTRO_REFUSED);
		assert_int_equal(o.err, -EFAULT);
		assert_int_equal(got, 0);
	}
	xl_intro_status(&conn, &s, &o);
	assert_int_equal(s.nr_watched, 1);
	assert_int_equal(s.watched[0].vcpus_seen, 0x7);
	assert_int_equal(s.watched[0].exits, 1100);
}

/* ---- a module that lies ---- */

static uint8_t lie[64 * 1024];
static size_t lie_len;
static int64_t lie_result;

/* Answers lie[0, lie_len) after the request, and lie_result. */
static int64_t lying(void *ctx, uint32_t op, void *buf, size_t size)
{
	(void)ctx;
	(void)op;
	memcpy((uint8_t *)buf + XL_INTRO_ANSWER_OFFSET, lie,
	       lie_len < size - XL_INTRO_ANSWER_OFFSET ? lie_len : size - XL_INTRO_ANSWER_OFFSET);
	return lie_result;
}

static const struct xl_intro_conn liar = { .call = lying, .max_size = 64 * 1024 - 40 };

static void expect_malformed(const struct xl_intro_outcome *o, const char *why)
{
	assert_int_equal(o->result, XL_INTRO_MALFORMED);
	if (!strstr(o->why, why))
		fail_msg("'%s', not '%s'", o->why, why);
}

static void test_lies_are_caught(void **state)
{
	struct xl_intro_status *s = (void *)lie, got;
	struct xl_intro_regs *r = (void *)lie, regs;
	struct xl_intro_exits *h = (void *)lie, hh;
	struct xl_intro_exit *e = (void *)(h + 1), ee[4];
	struct xl_intro_request req = xl_intro_request(2);
	struct xl_intro_outcome o;
	static uint8_t mem[64];
	uint64_t n;
	int64_t stop;

	xl_intro_simple(&liar, XL_INTRO_OP_WATCH, &req, &o);
	assert_int_equal(o.result, XL_INTRO_OK);
	lie_result = 5;
	xl_intro_simple(&liar, XL_INTRO_OP_WATCH, &req, &o);
	expect_malformed(&o, "answered 5, not 0");
	/* STATUS */
	memset(lie, 0, sizeof(lie));
	s->max_watched = 64;
	s->max_grants = 64;
	s->max_vcpus = 16;
	s->nr_reasons = 14;
	memset(s->reason_names[3], 'x', XL_INTRO_NAME_LEN); /* unterminated */
	s->reason_names[4][0] = '\x1b';
	lie_len = sizeof(*s);
	lie_result = sizeof(*s);
	xl_intro_status(&liar, &got, &o);
	assert_int_equal(o.result, XL_INTRO_OK);
	assert_int_equal(strlen(got.reason_names[3]), XL_INTRO_NAME_LEN - 1);
	assert_int_equal(got.reason_names[4][0], '?');
	lie_result = sizeof(*s) - 8;
	xl_intro_status(&liar, &got, &o);
	expect_malformed(&o, "STATUS answered");
	lie_result = sizeof(*s);
	s->nr_watched = 65;
	xl_intro_status(&liar, &got, &o);
	expect_malformed(&o, "65 of 64 domains watched");
	s->nr_watched = 1;
	s->watched[0].vcpus_seen = 1u << 16;
	xl_intro_status(&liar, &got, &o);
	expect_malformed(&o, "registers of vCPUs past 16");
	s->watched[0].vcpus_seen = 1;
	s->nr_reasons = 33;
	xl_intro_status(&liar, &got, &o);
	expect_malformed(&o, "33 exit reasons");
	s->nr_reasons = 14;
	s->nr_grants = 65;
	xl_intro_status(&liar, &got, &o);
	expect_malformed(&o, "65 of 64 grants");
	/* REGS */
	memset(lie, 0, sizeof(lie));
	r->snapshots = 1;
	r->exit_reason = 14;
	lie_len = sizeof(*r);
	lie_result = sizeof(*r);
	xl_intro_regs(&liar, 2, 0, 0, 14, &regs, &o);
	expect_malformed(&o, "exit reason 14");
	r->exit_reason = 13;
	r->cpl = 4;
	xl_intro_regs(&liar, 2, 0, 0, 14, &regs, &o);
	expect_malformed(&o, "CPL 4");
	r->cpl = 3;
	r->snapshots = 0;
	xl_intro_regs(&liar, 2, 0, 0, 14, &regs, &o);
	expect_malformed(&o, "snapshot 0");
	r->snapshots = 2;
	xl_intro_regs(&liar, 2, 0, 0, 14, &regs, &o);
	assert_int_equal(o.result, XL_INTRO_OK);
	lie_result = 12;
	xl_intro_regs(&liar, 2, 0, 0, 14, &regs, &o);
	expect_malformed(&o, "REGS answered 12 bytes");
	/* reads: more than asked, or nothing for something */
	lie_result = 17;
	xl_intro_read(&liar, XL_INTRO_OP_READ_PHYS, 2, 0, 0, 16, mem, &n, &stop, &o);
	expect_malformed(&o, "read 17 of 16 bytes");
	lie_result = 0;
	xl_intro_read(&liar, XL_INTRO_OP_READ_PHYS, 2, 0, 0, 16, mem, &n, &stop, &o);
	expect_malformed(&o, "read 0 of 16 bytes");
	/* EXITS */
	memset(lie, 0, sizeof(lie));
	h->next_seq = 2;
	h->head_seq = 2;
	h->nr = 2;
	e[0] = (struct xl_intro_exit){ .seq = 1, .reason = 1 };
	e[1] = (struct xl_intro_exit){ .seq = 2, .reason = 2 };
	lie_len = sizeof(*h) + 2 * sizeof(*e);
	lie_result = 2;
	xl_intro_exits(&liar, 2, 0, 14, &hh, ee, 4, &o);
	assert_int_equal(o.result, XL_INTRO_OK);
	assert_int_equal(ee[1].reason, 2);
	lie_result = 1;
	xl_intro_exits(&liar, 2, 0, 14, &hh, ee, 4, &o);
	expect_malformed(&o, "EXITS answered 1, 2 entries");
	lie_result = 2;
	xl_intro_exits(&liar, 2, 0, 14, &hh, ee, 1, &o);
	expect_malformed(&o, "EXITS answered 2, 2 entries");
	h->lost = 1;
	xl_intro_exits(&liar, 2, 0, 14, &hh, ee, 4, &o);
	expect_malformed(&o, "EXITS after 0: next 2, 1 lost, 2 entries, head 2");
	h->lost = 0;
	h->head_seq = 1;
	xl_intro_exits(&liar, 2, 0, 14, &hh, ee, 4, &o);
	expect_malformed(&o, "head 1");
	h->head_seq = 2;
	e[1].seq = 1;
	xl_intro_exits(&liar, 2, 0, 14, &hh, ee, 4, &o);
	expect_malformed(&o, "entry 1: seq 1 out of order");
	e[1].seq = 2;
	e[1].reason = 14;
	xl_intro_exits(&liar, 2, 0, 14, &hh, ee, 4, &o);
	expect_malformed(&o, "entry 1: exit reason 14");
	e[1].reason = 2;
	h->reserved = 1;
	xl_intro_exits(&liar, 2, 0, 14, &hh, ee, 4, &o);
	expect_malformed(&o, "EXITS answered");
	/* a refusal is passed on as it came */
	lie_result = -EPERM;
	xl_intro_exits(&liar, 2, 0, 14, &hh, ee, 4, &o);
	assert_int_equal(o.result, XL_INTRO_REFUSED);
	assert_int_equal(o.err, -EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_subcommands),
		cmocka_unit_test(test_parse_refusals),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test_setup(test_hexdump, setup_names),
		cmocka_unit_test_setup(test_dump_output, setup_names),
		cmocka_unit_test_setup(test_regs_output, setup_names),
		cmocka_unit_test_setup(test_exits_output, setup_names),
		cmocka_unit_test_setup(test_status_output, setup_names),
		cmocka_unit_test(test_refusals_in_words),
		cmocka_unit_test_setup_teardown(test_with_the_module, setup_module, teardown_module),
		cmocka_unit_test(test_lies_are_caught),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
