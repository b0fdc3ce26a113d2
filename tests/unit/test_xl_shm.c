/*
 * Host tests for xl-lite's shared memory segments and event channels
 * (dom0-tools/xl-shm*.c, libxl-lite-shm.c): sizes and names, the commands'
 * output and refusals over a fake hypervisor (shm_fake_node.c), dom0's
 * reads and writes through the fake mmap, and xl-lite create with a shm
 * key: paused, segments made and attached, then unpaused, or all undone;
 * with a disk key, the same with back-ends (a stand-in xl-vblk in PATH), and
 * with a vif key (a stand-in xl-vnet), after the disks'.
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
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../dom0-tools/xl-cmds.h"
#include "../../dom0-tools/xl-shm-args.h"
#include "../../dom0-tools/xl-shm-fmt.h"
#include "output_check.h"
#include "parse_capture.h"
#include "shm_fake_node.h"

static const char *const guests[] = { "web", "db", NULL }; /* d1, d2 */

/* ---- sizes and names ---- */

static void test_parse_bytes(void **state)
{
	uint64_t n;

	assert_int_equal(xl_parse_bytes("4096", &n), 0);
	assert_true(n == 4096);
	assert_int_equal(xl_parse_bytes("0x1000", &n), 0);
	assert_true(n == 4096);
	assert_int_equal(xl_parse_bytes("4K", &n), 0);
	assert_true(n == 4096);
	assert_int_equal(xl_parse_bytes("2m", &n), 0);
	assert_true(n == 2u << 20);
	assert_int_equal(xl_parse_bytes("16G", &n), 0);
	assert_true(n == 16ULL << 30);
	assert_int_equal(xl_parse_bytes("0x2M", &n), 0);
	assert_true(n == 2u << 20);
	assert_int_equal(xl_parse_bytes("0", &n), 0);
	assert_true(n == 0);
	/* anything else */
	static const char *const bad[] = { "", "K", "-4K", " 4K", "4K ", "4KB", "4KiB", "4T", "0x", "0xg", "4.5M",
					   "+4", "18446744073709551616", "17179869184G", "1e3" };

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (xl_parse_bytes(bad[i], &n) == 0)
			fail_msg("'%s' read as %llu", bad[i], (unsigned long long)n);
	assert_int_equal(xl_parse_bytes("18446744073709551615", &n), 0);
	assert_true(n == UINT64_MAX);
}

static void test_shm_size(void **state)
{
	uint64_t n = 0;

	assert_null(xl_shm_size_problem("4K", &n));
	assert_true(n == 4096);
	assert_null(xl_shm_size_problem("16G", &n));
	assert_true(n == XL_SHM_MAX_SIZE);
	assert_null(xl_shm_size_problem("12288", &n));
	assert_string_equal(xl_shm_size_problem("4097", &n), "must be a multiple of 4 KiB");
	assert_string_equal(xl_shm_size_problem("1K", &n), "must be a multiple of 4 KiB");
	assert_string_equal(xl_shm_size_problem("0", &n), "must be 4 KiB to 16 GiB");
	assert_string_equal(xl_shm_size_problem("17G", &n), "must be 4 KiB to 16 GiB");
	assert_string_equal(xl_shm_size_problem("2x", &n),
			    "must be a number of bytes, or with a K, M or G suffix (KiB-based: 2M is 2097152)");
}

static void test_size_text_and_names(void **state)
{
	char b[24];

	assert_string_equal(xl_shm_size_text(2u << 20, b, sizeof(b)), "2M");
	assert_string_equal(xl_shm_size_text(12288, b, sizeof(b)), "12K");
	assert_string_equal(xl_shm_size_text(16ULL << 30, b, sizeof(b)), "16G");
	assert_string_equal(xl_shm_size_text(3u << 20 | 4096, b, sizeof(b)), "3076K");
	assert_string_equal(xl_shm_size_text(100, b, sizeof(b)), "100");
	assert_string_equal(xl_shm_size_text(0, b, sizeof(b)), "0");
	assert_null(xl_shm_name_problem("ring"));
	assert_null(xl_shm_name_problem("A.b_c-9"));
	assert_null(xl_shm_name_problem("abcdefghijklmnopqrstuvwxyz01234")); /* 31 */
	assert_string_equal(xl_shm_name_problem(""), "must be 1 to 31 characters");
	assert_string_equal(xl_shm_name_problem("abcdefghijklmnopqrstuvwxyz012345"), "must be 1 to 31 characters");
	assert_string_equal(xl_shm_name_problem("a b"), "may have only letters, digits, '.', '_' and '-'");
	assert_string_equal(xl_shm_name_problem("a/b"), "may have only letters, digits, '.', '_' and '-'");
}

static void test_shm_text(void **state)
{
	struct capture c;
	const unsigned char bytes[] = { 'h', 'i', '\n', '\t', '\r', '\\', 0x7f, 0xff, 0x01, 0, 'x' };

	cap_open(&c);
	xl_print_shm_text(c.f, bytes, sizeof(bytes));
	assert_string_equal(cap_text(&c), "hi\\n\\t\\r\\\\\\x7f\\xff\\x01\n");
	cap_free(&c);
	cap_open(&c);
	xl_print_shm_text(c.f, bytes, 2); /* LENGTH stops it before any NUL */
	assert_string_equal(cap_text(&c), "hi\n");
	cap_free(&c);
}

/* ---- the command line ---- */

static void expect_usage(const char *msg, ...)
{
	struct xl_args a;
	char err[512];
	va_list ap;

	va_start(ap, msg);
	assert_int_equal(xl_parse_captured_v(&a, err, sizeof(err), NULL, ap), XL_EXIT_USAGE);
	va_end(ap);
	if (!strstr(err, msg))
		fail_msg("'%s' does not say '%s'", err, msg);
}

static void test_parse_shm_commands(void **state)
{
	struct xl_args a;
	char err[512];

	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "shm-create", "ring", "2M", NULL), XL_EXIT_OK);
	assert_int_equal(a.cmd, XL_CMD_SHM_CREATE);
	assert_true(a.size == 2u << 20);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "shm-attach", "-r", "ring", "web", NULL), XL_EXIT_OK);
	assert_true(a.read_only);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "shm-attach", "--read-only", "ring", "0", NULL),
			 XL_EXIT_OK);
	assert_true(a.read_only);
	assert_false(a.reset);
	/* -r is still profile's reset */
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "profile", "-r", NULL), XL_EXIT_OK);
	assert_true(a.reset);
	assert_false(a.read_only);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "shm-read", "ring", "0x10", "1K", NULL), XL_EXIT_OK);
	assert_true(a.offset == 16 && a.length == 1024 && a.have_length);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "shm-read", "ring", NULL), XL_EXIT_OK);
	assert_false(a.have_length);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "shm-write", "-z", "ring", "8", "hi", NULL), XL_EXIT_OK);
	assert_true(a.nul && a.offset == 8);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "shm-list", "-j", NULL), XL_EXIT_OK);
	assert_true(a.json);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "notify", "63", NULL), XL_EXIT_OK);
	assert_int_equal(a.port, 63);
	assert_int_equal(xl_parse_captured(&a, err, sizeof(err), "event-connect", "web", "db", NULL), XL_EXIT_OK);
	/* refusals, before the device is opened */
	expect_usage("shm-create: SIZE '3000' must be a multiple of 4 KiB", "shm-create", "ring", "3000", NULL);
	expect_usage("shm-create: SIZE '32G' must be 4 KiB to 16 GiB", "shm-create", "ring", "32G", NULL);
	expect_usage("shm-create: NAME 'a b' may have only letters, digits", "shm-create", "a b", "4K", NULL);
	expect_usage("shm-destroy: NAME '' must be 1 to 31 characters", "shm-destroy", "", NULL);
	expect_usage("missing arguments: xl-lite shm-attach [-r] NAME DOMAIN", "shm-attach", "ring", NULL);
	expect_usage("shm-read: OFFSET 'x' must be a number of bytes", "shm-read", "ring", "x", NULL);
	expect_usage("shm-read: LENGTH '-1' must be a number of bytes", "shm-read", "--", "ring", "0", "-1", NULL);
	expect_usage("notify: PORT '64' must be a port number, 0 to 63", "notify", "64", NULL);
	expect_usage("notify: PORT '-1' must be a port number", "notify", "--", "-1", NULL);
	expect_usage("shm-create: no option '-r'", "shm-create", "-r", "ring", "4K", NULL);
	expect_usage("shm-attach: no option '-z'", "shm-attach", "-z", "ring", "1", NULL);
	expect_usage("profile: no option '--read-only'", "profile", "--read-only", NULL);
	expect_usage("unexpected argument 'x'", "shm-list", "x", NULL);
	/* a domain id written wrong, before the device is opened, as for the other commands */
	expect_usage("07: a domain id is decimal, without leading zeros", "shm-attach", "ring", "07", NULL);
	expect_usage("010: a domain id is decimal", "shm-detach", "ring", "010", NULL);
	expect_usage("4294967296: too large for a domain id", "event-connect", "web", "4294967296", NULL);
}

/* ---- the commands over the fake hypervisor ---- */

static char out[8192], err_text[4096];

static int run_command(void *ctx)
{
	struct xl_args *a = ctx;
	struct xl_handle h = { .fd = -1 };

	return a->cmd == XL_CMD_CREATE ? xl_cmd_create(&h, a) : xl_cmd_shm(&h, a);
}

/* xl-lite WORDS... over the fake: the exit status, stdout in out, stderr in err_text. */
static int run(const char *first, ...)
{
	static struct xl_args a;
	va_list ap;
	int rc;

	va_start(ap, first);
	rc = xl_parse_captured_v(&a, err_text, sizeof(err_text), first, ap);
	va_end(ap);
	if (rc != XL_EXIT_OK)
		return rc;
	return run_captured(run_command, &a, out, sizeof(out), err_text, sizeof(err_text));
}

#define expect(rc, o, e)                                     \
	do {                                                 \
		assert_int_equal(rc_, rc);                   \
		assert_string_equal(out, o);                 \
		assert_string_equal(err_text, e);            \
	} while (0)

static void test_create_attach_list(void **state)
{
	int rc_;

	fake_reset(guests);
	rc_ = run("shm-create", "ring", "2M", NULL);
	expect(0, "", "");
	rc_ = run("shm-create", "cfg", "4K", NULL);
	expect(0, "", "");
	rc_ = run("shm-attach", "ring", "web", NULL);
	expect(0, "0x8000000000\n", "");
	rc_ = run("shm-attach", "-r", "ring", "2", NULL);
	expect(0, "0x8000000000\n", "");
	rc_ = run("shm-attach", "cfg", "web", NULL);
	expect(0, "0x8000200000\n", "");
	assert_string_equal(fake.log, "CREATE ring 2M\nCREATE cfg 4K\nATTACH ring d1 rw\nATTACH ring d2 ro\n"
				      "ATTACH cfg d1 rw\n");
	rc_ = run("shm-list", NULL);
	expect(0,
	       "NAME                              SIZE FLAGS          ATTACHED\n"
	       "ring                                2M -              1:rw@0x8000000000 2:ro@0x8000000000\n"
	       "cfg                                 4K -              1:rw@0x8000200000\n",
	       "");
	rc_ = run("shm-list", "--json", NULL);
	assert_int_equal(rc_, 0);
	assert_json_line(out);
	assert_string_equal(out, "{\"segments\":[{\"name\":\"ring\",\"size\":2097152,\"destroyed\":false,\"auto\":false,"
				 "\"attached\":[{\"domid\":1,\"mode\":\"rw\",\"gpa\":549755813888},{\"domid\":2,"
				 "\"mode\":\"ro\",\"gpa\":549755813888}]},{\"name\":\"cfg\",\"size\":4096,"
				 "\"destroyed\":false,\"auto\":false,\"attached\":[{\"domid\":1,\"mode\":\"rw\","
				 "\"gpa\":549757911040}]}]}\n");
	/* destroyed while attached: the name goes, the memory stays until d1 and d2 detach */
	rc_ = run("shm-destroy", "ring", NULL);
	expect(0, "shm 'ring' destroyed; its memory goes when d1, d2 detach\n", "");
	rc_ = run("shm-list", NULL);
	assert_non_null(strstr(out, "ring                                2M destroyed      1:rw@0x8000000000 2:ro"));
	/* the name may be used again at once */
	rc_ = run("shm-create", "ring", "4K", NULL);
	expect(0, "", "");
	rc_ = run("shm-detach", "ring", "web", NULL); /* the new one: not attached to d1 */
	expect(1, "", "xl-lite: shm-detach: 'ring' is not attached to domain 1\n");
	rc_ = run("shm-destroy", "ring", NULL);
	expect(0, "shm 'ring' destroyed\n", "");
	rc_ = run("shm-detach", "ring", "web", NULL); /* the destroyed one's d1 */
	expect(0, "", "");
	rc_ = run("shm-detach", "ring", "db", NULL);
	expect(0, "", "");
	assert_non_null(strstr(fake.log, "DETACH ring d2\nFREED ring\n"));
	rc_ = run("shm-list", "-j", NULL);
	expect(0, "{\"segments\":[{\"name\":\"cfg\",\"size\":4096,\"destroyed\":false,\"auto\":false,\"attached\":"
		  "[{\"domid\":1,\"mode\":\"rw\",\"gpa\":549757911040}]}]}\n", "");
	rc_ = run("shm-detach", "cfg", "web", NULL);
	rc_ = run("shm-destroy", "cfg", NULL);
	rc_ = run("shm-list", NULL);
	expect(0, "NAME                              SIZE FLAGS          ATTACHED\n", "");
	rc_ = run("shm-list", "-j", NULL);
	expect(0, "{\"segments\":[]}\n", "");
}

static void test_refusals(void **state)
{
	int rc_;

	fake_reset(guests);
	rc_ = run("shm-create", "ring", "2M", NULL);
	rc_ = run("shm-create", "ring", "4K", NULL);
	expect(1, "", "xl-lite: shm-create: a segment named 'ring' exists already\n");
	fake.fail_call = "XL_SHM_CREATE", fake.fail_err = ENOSPC;
	rc_ = run("shm-create", "x", "4K", NULL);
	expect(1, "", "xl-lite: shm-create: the node has 32 segments already, the most it takes\n");
	fake.fail_call = "XL_SHM_CREATE", fake.fail_err = ENOMEM;
	rc_ = run("shm-create", "x", "16G", NULL);
	expect(1, "", "xl-lite: shm-create: not enough free memory for 16G\n");
	fake.fail_call = "XL_SHM_CREATE", fake.fail_err = EPERM;
	rc_ = run("shm-create", "x", "4K", NULL);
	expect(1, "", "xl-lite: XL_SHM_CREATE: error 1\n"); /* the others as any hypercall's error */
	rc_ = run("shm-destroy", "nope", NULL);
	expect(1, "", "xl-lite: shm-destroy: no segment named 'nope' (xl-lite shm-list)\n");
	rc_ = run("shm-attach", "nope", "web", NULL);
	expect(1, "", "xl-lite: shm-attach: no segment named 'nope' (xl-lite shm-list)\n");
	rc_ = run("shm-attach", "ring", "7", NULL);
	expect(1, "", "xl-lite: shm-attach: no domain 7\n");
	rc_ = run("shm-attach", "ring", "mail", NULL); /* a name no domain has: the resolver's message */
	expect(1, "", "xl-lite: no domain named 'mail'\n");
	rc_ = run("shm-attach", "ring", "07", NULL);
	assert_int_equal(rc_, XL_EXIT_USAGE);
	rc_ = run("shm-attach", "ring", "web", NULL);
	rc_ = run("shm-attach", "ring", "1", NULL);
	expect(1, "", "xl-lite: shm-attach: 'ring' is attached to domain 1 already\n");
	/* a domain with 4 segments; a segment with 8 domains */
	for (int i = 0; i < 3; i++) {
		char name[16];

		snprintf(name, sizeof(name), "s%d", i);
		assert_int_equal(run("shm-create", name, "4K", NULL), 0);
		assert_int_equal(run("shm-attach", name, "web", NULL), 0);
	}
	rc_ = run("shm-create", "s3", "4K", NULL);
	rc_ = run("shm-attach", "s3", "web", NULL);
	expect(1, "", "xl-lite: shm-attach: domain 1 has 4 segments attached already, the most a domain takes\n");
	fake.seg[0].info.nr_attached = XL_SHM_MAX_ATTACH; /* ring */
	rc_ = run("shm-attach", "ring", "db", NULL);
	expect(1, "", "xl-lite: shm-attach: 'ring' is attached to 8 domains already, the most a segment takes\n");
	fake.seg[0].info.nr_attached = 1;
	rc_ = run("shm-detach", "nope", "web", NULL);
	expect(1, "", "xl-lite: shm-detach: no segment named 'nope' (xl-lite shm-list)\n");
	fake.fail_call = "XL_SHM_DETACH", fake.fail_err = EBUSY;
	rc_ = run("shm-detach", "ring", "0", NULL);
	expect(1, "", "xl-lite: shm-detach: a process in dom0 still maps 'ring' (/dev/xenlite): it must unmap it first\n");
	/* a reply the tool cannot trust */
	fake.seg[0].info.nr_attached = XL_SHM_MAX_ATTACH + 1;
	rc_ = run("shm-list", NULL);
	expect(1, "", "xl-lite: XL_SHM_LIST: error 71\n");
	fake.seg[0].info.nr_attached = 1;
	fake.bad_gpa = true; /* an address where no segment can be */
	rc_ = run("shm-attach", "ring", "0", NULL);
	expect(1, "", "xl-lite: XL_SHM_ATTACH: error 71\n");
	rc_ = run("shm-attach", "ring", "db", NULL);
	expect(1, "", "xl-lite: XL_SHM_ATTACH: error 71\n");
	fake.bad_gpa = false;
}

static void test_dom0_read_write(void **state)
{
	int rc_;

	fake_reset(guests);
	rc_ = run("shm-create", "ring", "8K", NULL);
	rc_ = run("shm-read", "ring", NULL);
	expect(1, "", "xl-lite: shm-read: dom0 has no segment 'ring' attached (xl-lite shm-attach ring 0)\n");
	rc_ = run("shm-attach", "ring", "0", NULL);
	expect(0, "0x8000000000\n", "");
	rc_ = run("shm-read", "ring", NULL);
	expect(0, "\n", ""); /* zeroed */
	rc_ = run("shm-write", "ring", "0", "hello\nworld", NULL);
	expect(0, "", "");
	rc_ = run("shm-read", "ring", NULL);
	expect(0, "hello\\nworld\n", "");
	rc_ = run("shm-read", "ring", "0", "5", NULL);
	expect(0, "hello\n", "");
	rc_ = run("shm-read", "ring", "3", "0", NULL);
	expect(0, "\n", "");
	rc_ = run("shm-read", "ring", "6", NULL);
	expect(0, "world\n", "");
	/* without -z no NUL: the old bytes after it stay */
	rc_ = run("shm-write", "ring", "0", "HE", NULL);
	rc_ = run("shm-read", "ring", "0", "5", NULL);
	expect(0, "HEllo\n", "");
	rc_ = run("shm-write", "-z", "ring", "0", "HE", NULL);
	rc_ = run("shm-read", "ring", NULL);
	expect(0, "HE\n", "");
	/* across the page boundary, and to the very end */
	rc_ = run("shm-write", "-z", "ring", "4094", "abcd", NULL);
	expect(0, "", "");
	rc_ = run("shm-read", "ring", "4094", NULL);
	expect(0, "abcd\n", "");
	rc_ = run("shm-write", "ring", "8190", "xy", NULL);
	expect(0, "", "");
	rc_ = run("shm-read", "ring", "8190", NULL);
	expect(0, "xy\n", "");
	rc_ = run("shm-write", "ring", "8190", "xyz", NULL);
	expect(1, "", "xl-lite: shm-write: 3 bytes at offset 8190 run past the end of 'ring' (8K)\n");
	rc_ = run("shm-read", "ring", "8K", NULL);
	expect(1, "", "xl-lite: shm-read: offset 8192 is past the end of 'ring' (8K)\n");
	rc_ = run("shm-read", "ring", "0", "9K", NULL);
	expect(1, "", "xl-lite: shm-read: 9216 bytes at offset 0 run past the end of 'ring' (8K)\n");
	/* read-only: reads work, a write is the driver's EACCES */
	rc_ = run("shm-create", "ro-seg", "4K", NULL);
	rc_ = run("shm-attach", "-r", "ro-seg", "0", NULL);
	expect(0, "0x8000200000\n", "");
	rc_ = run("shm-write", "ro-seg", "0", "x", NULL);
	expect(1, "", "xl-lite: shm-write: dom0 has 'ro-seg' attached read-only: /dev/xenlite refused a writable "
		      "mapping (EACCES)\n");
	rc_ = run("shm-read", "ro-seg", NULL);
	expect(0, "\n", "");
}

static void test_events(void **state)
{
	int rc_;

	fake_reset(guests);
	rc_ = run("event-connect", "web", "db", NULL);
	expect(0, "d1 port 0 <-> d2 port 0\n", "");
	rc_ = run("event-connect", "0", "db", NULL);
	expect(0, "d0 port 0 <-> d2 port 1\n", "");
	rc_ = run("event-connect", "web", "1", NULL);
	expect(2, "", "xl-lite: event-connect: 'web' and '1' are the same domain (1): a channel joins two\n");
	rc_ = run("event-connect", "web", "5", NULL);
	expect(1, "", "xl-lite: event-connect: no domain 1 or no domain 5\n");
	rc_ = run("notify", "0", NULL);
	expect(0, "", "");
	assert_non_null(strstr(fake.log, "SEND 0\n"));
	rc_ = run("notify", "1", NULL);
	expect(1, "", "xl-lite: notify: dom0 has no port 1 open\n");
	fake.dom0_connected = 0; /* its other end closed */
	rc_ = run("notify", "0", NULL);
	expect(1, "", "xl-lite: notify: dom0's port 0 is not connected: offered and not accepted, or its other end "
		      "closed\n");
	/* event-wait: an event there, none in time, the default and a given time, bad arguments */
	fake.event_ready = 1ull << 3;
	rc_ = run("event-wait", "3", NULL);
	expect(0, "", "");
	assert_non_null(strstr(fake.log, "WAIT 3 10000\n"));
	rc_ = run("event-wait", "3", "250", NULL);
	expect(1, "", "xl-lite: event-wait: no event on dom0's port 3 in 250 ms\n");
	assert_non_null(strstr(fake.log, "WAIT 3 250\n"));
	rc_ = run("event-wait", "64", NULL);
	expect(2, "", "xl-lite: event-wait: PORT '64' must be a port number, 0 to 63\nTry 'xl-lite help'.\n");
	rc_ = run("event-wait", "1", "3600001", NULL);
	expect(2, "", "xl-lite: event-wait: TIMEOUT_MS '3600001' must be 0 to 3600000\nTry 'xl-lite help'.\n");
	/* event-close: dom0's own port, once */
	rc_ = run("event-close", "0", NULL);
	expect(0, "", "");
	assert_non_null(strstr(fake.log, "CLOSE 0\n"));
	rc_ = run("event-close", "0", NULL);
	expect(1, "", "xl-lite: event-close: dom0 has no port 0 open\n");
	rc_ = run("event-close", "x", NULL);
	expect(2, "", "xl-lite: event-close: PORT 'x' must be a port number, 0 to 63\nTry 'xl-lite help'.\n");
}

/* ---- xl-lite create with a shm key ---- */

static char cfg_path[64], kernel_path[64];

static void write_config(const char *extra)
{
	FILE *f;

	snprintf(kernel_path, sizeof(kernel_path), "/tmp/xl-shm-kernel-%d", (int)getpid());
	snprintf(cfg_path, sizeof(cfg_path), "/tmp/xl-shm-cfg-%d", (int)getpid());
	f = fopen(kernel_path, "w");
	assert_non_null(f);
	fputs("ELF", f);
	fclose(f);
	f = fopen(cfg_path, "w");
	assert_non_null(f);
	fprintf(f, "name = \"peer-a\"\nkernel = \"%s\"\nmemory = 16\n%s", kernel_path, extra);
	fclose(f);
}

static void remove_config(void)
{
	unlink(cfg_path);
	unlink(kernel_path);
}

static void test_create_with_shm(void **state)
{
	char want[256];
	int rc_;

	fake_reset(guests);
	write_config("shm = [ \"name=ring,size=2M\", \"name=cfg,size=4K,mode=ro\" ]\n");
	rc_ = run("create", cfg_path, NULL);
	expect(0, "3\n", "");
	/* paused, both made and attached, then run */
	assert_true(fake.created_flags & XL_CREATE_PAUSED);
	assert_string_equal(fake.log, "CREATE-DOMAIN d3 paused\nCREATE ring 2M auto\nATTACH ring d3 rw\n"
				      "CREATE cfg 4K auto\nATTACH cfg d3 ro\nUNPAUSE d3\n");
	/* a second guest shares ring (it exists, same size): attached, not made again */
	fake.log[0] = '\0';
	rc_ = run("create", cfg_path, "name=\"peer-b\"", NULL);
	expect(0, "4\n", "");
	assert_string_equal(fake.log, "CREATE-DOMAIN d4 paused\nCREATE ring 2M auto\nATTACH ring d4 rw\n"
				      "CREATE cfg 4K auto\nATTACH cfg d4 ro\nUNPAUSE d4\n");
	/* -p: left paused */
	fake.log[0] = '\0';
	rc_ = run("create", "-p", cfg_path, "name=\"peer-c\"", NULL);
	expect(0, "5\n", "");
	assert_null(strstr(fake.log, "UNPAUSE"));
	/* auto segments go with their last domain */
	fake.log[0] = '\0';
	for (uint32_t d = 3; d <= 5; d++) {
		struct xl_handle h = { .fd = -1 };

		assert_true(xl_domctl(&h, "XL_DOMCTL_DESTROY", XL_DOMCTL_DESTROY, d) == 0);
	}
	assert_non_null(strstr(fake.log, "FREED ring\n"));
	assert_non_null(strstr(fake.log, "FREED cfg\n"));
	/* a segment of another size: refused, the guest destroyed, nothing left */
	rc_ = run("shm-create", "ring", "4M", NULL);
	fake.log[0] = '\0';
	rc_ = run("create", cfg_path, NULL);
	snprintf(want, sizeof(want), "xl-lite: %s: shm 'ring' exists with size 4M, the configuration says 2M\n", cfg_path);
	expect(1, "", want);
	assert_string_equal(fake.log, "CREATE-DOMAIN d6 paused\nCREATE ring 2M auto\nDESTROY-DOMAIN d6\n");
	assert_int_equal(fake.nr_doms, 3);
	/* the dry run says so too, and shows the segments */
	rc_ = run("create", "-n", cfg_path, NULL);
	assert_int_equal(rc_, 1);
	assert_non_null(strstr(err_text, want));
	rc_ = run("shm-destroy", "ring", NULL);
	rc_ = run("create", "-n", cfg_path, NULL);
	assert_int_equal(rc_, 0);
	assert_non_null(strstr(out, "shm:          ring 2M rw\nshm:          cfg 4K ro\ndisk:         none\nvif:          none\ndry run: nothing created\n"));
	remove_config();
}

/* An attach that fails after the first segment was made and attached: everything undone. */
static void test_create_rollback(void **state)
{
	char want[256];
	int rc_;

	fake_reset(guests);
	write_config("shm = [ \"name=ring,size=2M\", \"name=cfg,size=4K\" ]\n");
	fake.fail_call = "XL_SHM_ATTACH";
	fake.fail_err = ENOSPC;
	/* the first attach is refused: ring, made for it, is destroyed; the guest too */
	rc_ = run("create", cfg_path, NULL);
	snprintf(want, sizeof(want), "xl-lite: %s: domain 3 has 4 segments attached already, the most a domain takes\n",
		 cfg_path);
	expect(1, "", want);
	assert_string_equal(fake.log, "CREATE-DOMAIN d3 paused\nCREATE ring 2M auto\nXL_SHM_ATTACH refused\n"
				      "DESTROY ring\nFREED ring\nDESTROY-DOMAIN d3\n");
	/* a segment that cannot be made: nothing made, the guest destroyed */
	fake.log[0] = '\0';
	rc_ = run("shm-create", "cfg", "4K", NULL); /* exists already: not the create's to destroy */
	fake.log[0] = '\0';
	write_config("shm = [ \"name=ring,size=2M\", \"name=nope,size=4K\" ]\n");
	fake.fail_call = "XL_SHM_CREATE"; /* the first create, ring's, is refused */
	fake.fail_err = ENOMEM;
	rc_ = run("create", cfg_path, NULL);
	snprintf(want, sizeof(want), "xl-lite: XL_SHM_CREATE: error 12\n");
	assert_int_equal(rc_, 1);
	assert_string_equal(fake.log, "CREATE-DOMAIN d4 paused\nXL_SHM_CREATE refused\nDESTROY-DOMAIN d4\n");
	assert_string_equal(err_text, want);
	/* now the second segment's attach fails after the first was attached */
	fake.log[0] = '\0';
	write_config("shm = [ \"name=ring,size=2M\", \"name=cfg,size=4K\" ]\n");
	fake.fail_call = NULL;
	fake.seg[0].info.nr_attached = XL_SHM_MAX_ATTACH; /* cfg (made above) takes no more domains */
	rc_ = run("create", cfg_path, NULL);
	snprintf(want, sizeof(want), "xl-lite: %s: 'cfg' is attached to 8 domains already, the most a segment takes\n",
		 cfg_path);
	expect(1, "", want);
	assert_string_equal(fake.log, "CREATE-DOMAIN d5 paused\nCREATE ring 2M auto\nATTACH ring d5 rw\n"
				      "CREATE cfg 4K auto\nATTACH cfg d5 rw\nDESTROY-DOMAIN d5\nFREED ring\n");
	assert_int_equal(fake.nr_doms, 3);
	fake.seg[0].info.nr_attached = 0;
	remove_config();
}

/* ---- create with a disk key: a stand-in xl-vblk, found in PATH ---- */

/*
 * It logs its arguments, then as its target says: "fail" ends it before its
 * device is added, "hang" never adds it, anything else adds it (the byte on
 * fd 3) and waits a little, as a back-end serving a guest would.
 */
static const char stand_in_vblk[] = "#!/bin/sh\n"
				"echo \"stand-in: $*\"\n"
				"echo \"vblk $*\" >>\"$XL_VBLK_LOG_DIR/order\"\n"
				"case \"$6\" in\n"
				"*fail*) echo 'xl-vblk: d3: XL_DOMCTL_VIRTIO: Device or resource busy' >&2; exit 1 ;;\n"
				"*hang*) exec sleep 30 ;;\n"
				"esac\n"
				"printf r >&3\n"
				"exec sleep 1\n";

/*
 * The network back-end's: it logs its arguments (and to the order both
 * keep), then as its options say: --bridge fail... ends it before its
 * device is added, --tap hang never adds it, anything else adds it and
 * waits a little, saying "stopped" if it is ended (SIGTERM) meanwhile.
 */
static const char stand_in_vnet[] = "#!/bin/sh\n"
				"echo \"stand-in: $*\"\n"
				"echo \"vnet $*\" >>\"$XL_VBLK_LOG_DIR/order\"\n"
				"case \"$*\" in\n"
				"*'--bridge fail'*) echo 'xl-vnet: d3: bridge fail0: No such device' >&2; exit 1 ;;\n"
				"*'--tap hang'*) exec sleep 30 ;;\n"
				"esac\n"
				"trap 'echo stopped; kill $! 2>/dev/null; exit 0' TERM\n"
				"printf r >&3\n"
				"exec 3>&-\n"
				"sleep 2 &\n"
				"wait\n";

static char stand_in_dir[64], log_dir[80], saved_path[4096];

static void write_stand_in(const char *name, const char *text)
{
	char path[96];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", stand_in_dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
}

static void stand_in_setup(void)
{
	char new_path[4096 + 80];

	snprintf(stand_in_dir, sizeof(stand_in_dir), "/tmp/xl-vblk-stand-in-%d", (int)getpid());
	snprintf(log_dir, sizeof(log_dir), "%s/log", stand_in_dir);
	assert_int_equal(mkdir(stand_in_dir, 0755), 0);
	write_stand_in("xl-vblk", stand_in_vblk);
	write_stand_in("xl-vnet", stand_in_vnet);
	assert_int_equal(mkdir(log_dir, 0755), 0);
	snprintf(saved_path, sizeof(saved_path), "%s", getenv("PATH") ? getenv("PATH") : "/bin:/usr/bin");
	snprintf(new_path, sizeof(new_path), "%s:%s", stand_in_dir, saved_path);
	setenv("PATH", new_path, 1);
	setenv("XL_VBLK_LOG_DIR", log_dir, 1);
	setenv("XL_VBLK_READY_TIMEOUT_S", "1", 1);
}

static void stand_in_cleanup(void)
{
	static const char *const files[] = { "xl-vblk", "xl-vnet", "log/vblk-disky-xvda.log", "log/vblk-disky-xvdb.log",
					     "log/vblk-disky-xvdc.log", "log/vnet-disky-0.log", "log/vnet-disky-1.log",
					     "log/order", "log" };
	char path[160];

	for (unsigned int i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", stand_in_dir, files[i]);
		if (unlink(path))
			rmdir(path);
	}
	assert_int_equal(rmdir(stand_in_dir), 0);
	setenv("PATH", saved_path, 1);
	unsetenv("XL_VBLK_LOG_DIR");
	unsetenv("XL_VBLK_READY_TIMEOUT_S");
	unsetenv("XL_VNET_READY_TIMEOUT_S");
}

/* The log file name in the log directory, read whole into buf. */
static const char *read_log(const char *name, char *buf, size_t size)
{
	char path[160];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", log_dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* What the back-end of vdev logged. */
static const char *vblk_log(const char *vdev, char *buf, size_t size)
{
	char name[64];

	snprintf(name, sizeof(name), "vblk-disky-%s.log", vdev);
	return read_log(name, buf, size);
}

/* The logs and the order removed: the next create's alone. */
static void clear_logs(void)
{
	static const char *const names[] = { "vblk-disky-xvda.log", "vnet-disky-0.log", "vnet-disky-1.log", "order" };
	char path[160];

	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", log_dir, names[i]);
		unlink(path);
	}
}

static void write_disk_config(const char *disks)
{
	FILE *f;

	write_config("");
	f = fopen(cfg_path, "w");
	assert_non_null(f);
	fprintf(f, "name = \"disky\"\ntype = \"linux\"\nkernel = \"%s\"\nmemory = 64\ndisk = [ %s ]\n", kernel_path, disks);
	fclose(f);
}

static void test_create_with_disks(void **state)
{
	char want[1024], log[1024];
	int rc_;

	fake_reset(guests);
	stand_in_setup();
	/* two back-ends, in order, each told its serial, domain, target and access; then the guest runs */
	write_disk_config("\"/srv/a.img,xvda\", \"vdev=xvdc,access=ro,target=/srv/b,c.img\"");
	rc_ = run("create", cfg_path, NULL);
	expect(0, "3\n", "");
	assert_string_equal(fake.log, "CREATE-DOMAIN d3 paused\nUNPAUSE d3\n");
	assert_string_equal(vblk_log("xvda", log, sizeof(log)), "stand-in: --ready-fd 3 --serial xvda 3 /srv/a.img rw\n");
	assert_string_equal(vblk_log("xvdc", log, sizeof(log)), "stand-in: --ready-fd 3 --serial xvdc 3 /srv/b,c.img ro\n");
	/* -p: left paused */
	rc_ = run("create", "-p", cfg_path, NULL);
	assert_int_equal(rc_, 0);
	assert_null(strstr(fake.log, "UNPAUSE d4"));
	/* the second back-end fails: which disk, why (its log's end), the guest destroyed */
	fake_reset(guests);
	write_disk_config("\"/srv/a.img,xvda\", \"/srv/fail.img,xvdb\"");
	rc_ = run("create", cfg_path, NULL);
	snprintf(want, sizeof(want),
		 "xl-lite: %s: disk xvdb (/srv/fail.img): its back-end failed before adding the device (exit status 1); "
		 "its log, %s/vblk-disky-xvdb.log:\n"
		 "stand-in: --ready-fd 3 --serial xvdb 3 /srv/fail.img rw\n"
		 "xl-vblk: d3: XL_DOMCTL_VIRTIO: Device or resource busy\n",
		 cfg_path, log_dir);
	expect(1, "", want);
	assert_string_equal(fake.log, "CREATE-DOMAIN d3 paused\nDESTROY-DOMAIN d3\n");
	/* one that never adds its device: killed after XL_VBLK_READY_TIMEOUT_S */
	fake_reset(guests);
	write_disk_config("\"/srv/hang.img\"");
	rc_ = run("create", cfg_path, NULL);
	snprintf(want, sizeof(want),
		 "xl-lite: %s: disk xvda (/srv/hang.img): its back-end did not add the device within 1 s "
		 "(XL_VBLK_READY_TIMEOUT_S): killed; its log, %s/vblk-disky-xvda.log:\n"
		 "stand-in: --ready-fd 3 --serial xvda 3 /srv/hang.img rw\n",
		 cfg_path, log_dir);
	expect(1, "", want);
	assert_string_equal(fake.log, "CREATE-DOMAIN d3 paused\nDESTROY-DOMAIN d3\n");
	/* no xl-vblk anywhere: refused, the guest destroyed */
	fake_reset(guests);
	setenv("PATH", "/nonexistent", 1);
	rc_ = run("create", cfg_path, NULL);
	snprintf(want, sizeof(want), "xl-lite: %s: disk: no xl-vblk (the disks' back-end) next to xl-lite nor in PATH\n",
		 cfg_path);
	expect(1, "", want);
	assert_string_equal(fake.log, "CREATE-DOMAIN d3 paused\nDESTROY-DOMAIN d3\n");
	/* the dry run: the disks, and each target checked */
	rc_ = run("create", "-n", cfg_path, NULL);
	assert_int_equal(rc_, 1);
	assert_non_null(strstr(err_text, "disk xvda: /srv/hang.img: No such file or directory\n"));
	assert_non_null(strstr(err_text, "disk: no xl-vblk"));
	remove_config();
	stand_in_cleanup();
}

/* A Linux guest with the disk and vif keys given (either may be ""). */
static void write_net_config(const char *disks, const char *vifs)
{
	FILE *f;

	write_config("");
	f = fopen(cfg_path, "w");
	assert_non_null(f);
	fprintf(f, "name = \"disky\"\ntype = \"linux\"\nkernel = \"%s\"\nmemory = 64\n", kernel_path);
	if (disks[0])
		fprintf(f, "disk = [ %s ]\n", disks);
	if (vifs[0])
		fprintf(f, "vif = [ %s ]\n", vifs);
	fclose(f);
}

/* ---- create with a vif key: a stand-in xl-vnet next to the stand-in xl-vblk ---- */

static void test_create_with_vifs(void **state)
{
	char want[1024], log[1024], vnet[128], hidden[128];
	int rc_;

	fake_reset(guests);
	stand_in_setup();
	setenv("XL_VNET_READY_TIMEOUT_S", "1", 1);
	/* the disk's back-end, then each interface's in order, told its index and options; then the guest runs */
	write_net_config("\"/srv/a.img\"", "\"\", \"mac=00:16:3E:01:02:03, bridge=br0, vifname=web0\"");
	rc_ = run("create", cfg_path, NULL);
	expect(0, "3\n", "");
	assert_string_equal(fake.log, "CREATE-DOMAIN d3 paused\nUNPAUSE d3\n");
	assert_string_equal(read_log("vnet-disky-0.log", log, sizeof(log)), "stand-in: --ready-fd 3 --index 0 3\n");
	assert_string_equal(read_log("vnet-disky-1.log", log, sizeof(log)),
			    "stand-in: --ready-fd 3 --index 1 --mac 00:16:3e:01:02:03 --bridge br0 --tap web0 3\n");
	assert_string_equal(read_log("order", log, sizeof(log)), "vblk --ready-fd 3 --serial xvda 3 /srv/a.img rw\n"
								 "vnet --ready-fd 3 --index 0 3\n"
								 "vnet --ready-fd 3 --index 1 --mac 00:16:3e:01:02:03 "
								 "--bridge br0 --tap web0 3\n");
	/* a vif alone makes the guest paused too; -p leaves it so */
	fake_reset(guests);
	clear_logs();
	write_net_config("", "\"\"");
	rc_ = run("create", "-p", cfg_path, NULL);
	expect(0, "3\n", "");
	assert_string_equal(fake.log, "CREATE-DOMAIN d3 paused\n");
	/* the second interface's back-end fails: which one, why (its log's end); those started ended, the guest destroyed */
	fake_reset(guests);
	clear_logs();
	write_net_config("\"/srv/a.img\"", "\"bridge=br0\", \"bridge=fail0,vifname=web0\"");
	rc_ = run("create", cfg_path, NULL);
	snprintf(want, sizeof(want),
		 "xl-lite: %s: vif 1 (web0): its back-end failed before adding the device (exit status 1); "
		 "its log, %s/vnet-disky-1.log:\n"
		 "stand-in: --ready-fd 3 --index 1 --bridge fail0 --tap web0 3\n"
		 "xl-vnet: d3: bridge fail0: No such device\n",
		 cfg_path, log_dir);
	expect(1, "", want);
	assert_string_equal(fake.log, "CREATE-DOMAIN d3 paused\nDESTROY-DOMAIN d3\n");
	assert_string_equal(read_log("vnet-disky-0.log", log, sizeof(log)),
			    "stand-in: --ready-fd 3 --index 0 --bridge br0 3\nstopped\n");
	/* one that never adds its device: killed after XL_VNET_READY_TIMEOUT_S; its default TAP name said */
	fake_reset(guests);
	clear_logs();
	write_net_config("", "\"\", \"vifname=hang\"");
	rc_ = run("create", cfg_path, NULL);
	snprintf(want, sizeof(want),
		 "xl-lite: %s: vif 1 (hang): its back-end did not add the device within 1 s "
		 "(XL_VNET_READY_TIMEOUT_S): killed; its log, %s/vnet-disky-1.log:\n"
		 "stand-in: --ready-fd 3 --index 1 --tap hang 3\n",
		 cfg_path, log_dir);
	expect(1, "", want);
	assert_string_equal(fake.log, "CREATE-DOMAIN d3 paused\nDESTROY-DOMAIN d3\n");
	assert_string_equal(read_log("vnet-disky-0.log", log, sizeof(log)), "stand-in: --ready-fd 3 --index 0 3\nstopped\n");
	/* no xl-vnet (xl-vblk there): the disk's back-end ended, the guest destroyed */
	fake_reset(guests);
	clear_logs();
	snprintf(vnet, sizeof(vnet), "%s/xl-vnet", stand_in_dir);
	snprintf(hidden, sizeof(hidden), "%s/xl-vnet.hidden", stand_in_dir);
	assert_int_equal(rename(vnet, hidden), 0);
	write_net_config("\"/srv/a.img\"", "\"\"");
	rc_ = run("create", cfg_path, NULL);
	snprintf(want, sizeof(want), "xl-lite: %s: vif: no xl-vnet (the interfaces' back-end) next to xl-lite nor in PATH\n",
		 cfg_path);
	expect(1, "", want);
	assert_string_equal(fake.log, "CREATE-DOMAIN d3 paused\nDESTROY-DOMAIN d3\n");
	assert_string_equal(read_log("order", log, sizeof(log)), "vblk --ready-fd 3 --serial xvda 3 /srv/a.img rw\n");
	/* the dry run says so too, and checks the bridges */
	write_net_config("", "\"\", \"bridge=xltestbr9\"");
	rc_ = run("create", "-n", cfg_path, NULL);
	assert_int_equal(rc_, 1);
	assert_non_null(strstr(err_text, "vif 1: bridge xltestbr9 does not exist (make it first: ip link add xltestbr9 "
					 "type bridge)\n"));
	assert_non_null(strstr(err_text, "vif: no xl-vnet"));
	assert_int_equal(rename(hidden, vnet), 0);
	/* where dom0 could take it (a /dev/net/tun here): the plan */
	write_net_config("", "\"\", \"vifname=web0,mac=00:16:3e:01:02:03\"");
	rc_ = run("create", "-n", cfg_path, NULL);
	if (!access("/dev/net/tun", F_OK)) {
		assert_int_equal(rc_, 0);
		assert_non_null(strstr(out, "disk:         none\nvif:          xlvD.0 (MAC default), no bridge\n"
					    "vif:          web0 (MAC 00:16:3e:01:02:03), no bridge\ndry run: nothing created\n"));
	} else {
		assert_int_equal(rc_, 1);
		assert_non_null(strstr(err_text, "vif: no /dev/net/tun (TAP devices need dom0's tun module: modprobe tun)\n"));
	}
	remove_config();
	clear_logs();
	stand_in_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_bytes),
		cmocka_unit_test(test_shm_size),
		cmocka_unit_test(test_size_text_and_names),
		cmocka_unit_test(test_shm_text),
		cmocka_unit_test(test_parse_shm_commands),
		cmocka_unit_test(test_create_attach_list),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_dom0_read_write),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_create_with_shm),
		cmocka_unit_test(test_create_rollback),
		cmocka_unit_test(test_create_with_disks),
		cmocka_unit_test(test_create_with_vifs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
