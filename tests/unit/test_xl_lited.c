/*
 * Host tests for the dom0 supervisor's pure decisions (dom0-tools/
 * xl-lited-rules.c) and for where `xl-lite console` starts printing the
 * daemon's log (dom0-tools/xl-console-log.c over a file of its own): log
 * file names from hostile domain names, the auto directory's files, order
 * and skip decision, the hypervisor's domain lines, a log's tail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <fcntl.h>

#include "../../dom0-tools/xl-console-log.h"
#include "../../dom0-tools/xl-lited-rules.h"

static void test_log_names(void **state)
{
	char out[128];

	(void)state;
	assert_int_equal(xl_lited_log_name("web1", out, sizeof(out)), 14);
	assert_string_equal(out, "guest-web1.log");
	assert_int_equal(xl_lited_log_name("a-b_c.d", out, sizeof(out)), 17);
	assert_string_equal(out, "guest-a-b_c.d.log");
	/* what could leave the directory, or make two names one file, is escaped */
	assert_true(xl_lited_log_name("../../etc/passwd", out, sizeof(out)) > 0);
	assert_string_equal(out, "guest-..%2F..%2Fetc%2Fpasswd.log");
	assert_null(strchr(out, '/'));
	assert_true(xl_lited_log_name("a%2Fb", out, sizeof(out)) > 0);
	assert_string_equal(out, "guest-a%252Fb.log");
	assert_true(xl_lited_log_name("sp ace\x7f\xff", out, sizeof(out)) > 0);
	assert_string_equal(out, "guest-sp%20ace%7F%FF.log");
	/* no name, one longer than the hypervisor's, and a buffer too small: refused */
	assert_int_equal(xl_lited_log_name("", out, sizeof(out)), -1);
	assert_int_equal(xl_lited_log_name("0123456789012345678901234567890123", out, sizeof(out)), -1);
	assert_true(xl_lited_log_name("0123456789012345678901234567890", out, sizeof(out)) > 0);
	assert_int_equal(xl_lited_log_name("web1", out, 14), -1);
	assert_int_equal(xl_lited_log_name("web1", out, 15), 14);
	assert_int_equal(xl_lited_log_name("////", out, 20), -1);
}

static void test_auto_files(void **state)
{
	const char *files[] = { "b.cfg", "a.cfg", "10.cfg", "9.cfg", "B.cfg" };

	(void)state;
	assert_true(xl_lited_is_auto_cfg("web.cfg"));
	assert_true(xl_lited_is_auto_cfg("a.b.cfg"));
	assert_false(xl_lited_is_auto_cfg(".web.cfg"));
	assert_false(xl_lited_is_auto_cfg(".cfg"));
	assert_false(xl_lited_is_auto_cfg("web.cfg~"));
	assert_false(xl_lited_is_auto_cfg("web.cfg.dpkg-old"));
	assert_false(xl_lited_is_auto_cfg("web.conf"));
	assert_false(xl_lited_is_auto_cfg("cfg"));
	qsort(files, 5, sizeof(files[0]), xl_lited_auto_order);
	assert_string_equal(files[0], "10.cfg");
	assert_string_equal(files[1], "9.cfg");
	assert_string_equal(files[2], "B.cfg");
	assert_string_equal(files[3], "a.cfg");
	assert_string_equal(files[4], "b.cfg");
}

static void test_auto_wanted(void **state)
{
	struct xl_domain_info doms[3];

	(void)state;
	memset(doms, 0, sizeof(doms));
	strcpy(doms[0].name, "dom0");
	doms[0].state = XL_DOMAIN_RUNNING;
	doms[1].domid = 4;
	strcpy(doms[1].name, "web");
	doms[1].state = XL_DOMAIN_RUNNING;
	doms[2].domid = 5;
	strcpy(doms[2].name, "db");
	doms[2].state = XL_DOMAIN_DYING;
	assert_true(xl_lited_auto_wanted("mail", doms, 3));
	assert_false(xl_lited_auto_wanted("web", doms, 3));
	assert_true(xl_lited_auto_wanted("we", doms, 3));
	assert_true(xl_lited_auto_wanted("webs", doms, 3));
	/* a dying domain's name is free again */
	assert_true(xl_lited_auto_wanted("db", doms, 3));
	/* paused, or kept after its end: the name is taken */
	doms[1].state = XL_DOMAIN_PAUSED;
	assert_false(xl_lited_auto_wanted("web", doms, 3));
	doms[1].state = XL_DOMAIN_SHUTDOWN;
	assert_false(xl_lited_auto_wanted("web", doms, 3));
	doms[1].state = XL_DOMAIN_CRASHED;
	assert_false(xl_lited_auto_wanted("web", doms, 3));
	assert_true(xl_lited_auto_wanted("web", doms, 0));
	/* a name field without its NUL (a hostile reply) matches nothing longer */
	memset(doms[1].name, 'x', sizeof(doms[1].name));
	assert_true(xl_lited_auto_wanted("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", doms, 3));
}

static bool hv(const char *line, uint32_t *id, char *name)
{
	return xl_lited_hv_line_domain(line, strlen(line), id, name, XL_DOMAIN_NAME_MAX);
}

static void test_hv_lines(void **state)
{
	char name[XL_DOMAIN_NAME_MAX];
	uint32_t id = 0;

	(void)state;
	assert_true(hv("[  10.662139] WARNING: domain d2 (crasher) crashed: triple fault (shutdown)", &id, name));
	assert_int_equal(id, 2);
	assert_string_equal(name, "crasher");
	assert_true(hv("domain d6 (phoenix) restarted as d7 (on_crash=restart)", &id, name));
	assert_int_equal(id, 6);
	assert_string_equal(name, "phoenix");
	assert_true(hv("[ 1.0] domain d4294967295 (x) destroyed (on_poweroff=destroy)", &id, name));
	assert_int_equal(id, 4294967295u);
	/* a guest's own console line, a module's line, and near misses */
	assert_false(hv("[ 16.2] (d1 boot) [ 0.0] Linux version 6.1.0", &id, name));
	assert_false(hv("cpu-policy: domain d7 restarted as d8: its policy kept", &id, name));
	assert_false(hv("xdomain d2 (a) crashed", &id, name));
	assert_false(hv("domain d4294967296 (x) crashed", &id, name));
	assert_false(hv("domain d2 () crashed", &id, name));
	assert_false(hv("domain d2 (unterminated", &id, name));
	assert_false(hv("domain d (x)", &id, name));
	assert_false(hv("domain d2", &id, name));
	assert_false(hv("domain d2 (0123456789012345678901234567890123) crashed", &id, name));
	/* the first form in the line counts */
	assert_true(hv("x domain d3 (a) and domain d4 (b)", &id, name));
	assert_int_equal(id, 3);
	assert_string_equal(name, "a");
	/* a guest printing the hypervisor's words does not make an event of its own or another's */
	assert_false(hv("(XL) [  12.5] (d2 echo) domain d3 (keeper) crashed: triple fault", &id, name));
	assert_false(hv("(d2 echo) domain d3 (keeper) crashed", &id, name));
	assert_true(hv("(XL) [  12.5] WARNING: domain d3 (keeper) crashed: x", &id, name));
	assert_int_equal(id, 3);
	assert_false(hv("domain d3 (a b) crashed", &id, name));
	/* the name buffer's size is kept */
	assert_false(xl_lited_hv_line_domain("domain d2 (abcdef)", 18, &id, name, 4));
}

static void test_hv_console_lines(void **state)
{
	const char *l = "(XL) [  16.200627] (d12 echo) echo: HELLO (d1 x) domain d1 (x)";
	char name[XL_DOMAIN_NAME_MAX];
	uint32_t id = 0;
	size_t at = 0;

	(void)state;
	assert_true(xl_lited_hv_console_line(l, strlen(l), &id, name, sizeof(name), &at));
	assert_int_equal(id, 12);
	assert_string_equal(name, "echo");
	assert_string_equal(l + at, "echo: HELLO (d1 x) domain d1 (x)");
	l = "(XL) [  10.6] domain d2 (crasher) destroyed";
	assert_false(xl_lited_hv_console_line(l, strlen(l), &id, name, sizeof(name), &at));
	l = "(XL) [  10.6] (d2 a)";
	assert_false(xl_lited_hv_console_line(l, strlen(l), &id, name, sizeof(name), &at));
	l = "(XL) [  10.6] (d2 a) ";
	assert_true(xl_lited_hv_console_line(l, strlen(l), &id, name, sizeof(name), &at));
	assert_int_equal(at, strlen(l));
	l = "(XL) [  10.6] (dx a) text";
	assert_false(xl_lited_hv_console_line(l, strlen(l), &id, name, sizeof(name), &at));
}

static void test_backend_records(void **state)
{
	const char *args[] = { "--serial", "xvda", "7", "/srv/disk.img", "rw" };
	struct xl_lited_backend b = { .pid = 1234, .device = 1, .log = "/var/log/xen-lite/vblk-g-xvda.log",
				      .path = "/usr/sbin/xl-vblk", .name = "xl-vblk", .nargs = 5 }, r;
	char buf[512], small[40];
	int len;

	(void)state;
	memcpy(b.args, args, sizeof(args));
	len = xl_lited_backend_format(&b, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(xl_lited_backend_parse(buf, (size_t)len, &r), 0);
	assert_int_equal(r.pid, 1234);
	assert_int_equal(r.device, 1);
	assert_string_equal(r.log, b.log);
	assert_string_equal(r.path, b.path);
	assert_string_equal(r.name, "xl-vblk");
	assert_int_equal(r.nargs, 5);
	assert_string_equal(r.args[3], "/srv/disk.img");
	assert_null(r.args[5]);
	/* too small, an empty field */
	assert_int_equal(xl_lited_backend_format(&b, small, sizeof(small)), -1);
	b.args[1] = "";
	assert_int_equal(xl_lited_backend_format(&b, buf, sizeof(buf)), -1);
	/* malformed records: each refused */
	assert_int_equal(xl_lited_backend_parse("12\0" "0\0/l\0/p\0n", 12, &r), -1); /* unterminated */
	assert_int_equal(xl_lited_backend_parse("12\0" "0\0/l\0/p\0", 11, &r), -1); /* no name */
	assert_int_equal(xl_lited_backend_parse("12\0" "0\0/l\0/p\0n\0", 13, &r), 0);
	assert_int_equal(r.nargs, 0);
	assert_int_equal(xl_lited_backend_parse("1\0" "0\0/l\0/p\0n\0", 12, &r), -1); /* pid 1 */
	assert_int_equal(xl_lited_backend_parse("-5\0" "0\0/l\0/p\0n\0", 13, &r), -1);
	assert_int_equal(xl_lited_backend_parse("99999999999\0" "0\0/l\0/p\0n\0", 22, &r), -1);
	assert_int_equal(xl_lited_backend_parse("12\0" "8\0/l\0/p\0n\0", 13, &r), -1); /* device */
	assert_int_equal(xl_lited_backend_parse("12\0" "0\0l\0/p\0n\0", 12, &r), -1); /* relative */
	assert_int_equal(xl_lited_backend_parse("12\0" "0\0/l\0p\0n\0", 12, &r), -1);
	assert_int_equal(xl_lited_backend_parse("12\0\0" "0\0/l\0/p\0n\0", 14, &r), -1); /* empty */
	assert_int_equal(xl_lited_backend_parse("", 0, &r), -1);
	/* more arguments than it keeps */
	{
		char many[256];
		size_t o = (size_t)snprintf(many, sizeof(many), "12%c0%c/l%c/p%cn", 0, 0, 0, 0) + 1;

		for (int i = 0; i < XL_LITED_BACKEND_MAX_ARGS + 1; i++) {
			memcpy(many + o, "a", 2);
			o += 2;
		}
		assert_int_equal(xl_lited_backend_parse(many, o, &r), -1);
		assert_int_equal(xl_lited_backend_parse(many, o - 2, &r), 0);
		assert_int_equal(r.nargs, XL_LITED_BACKEND_MAX_ARGS);
	}
}

static void test_backend_restarts(void **state)
{
	double t[3] = { 100, 110, 120 };

	(void)state;
	assert_true(xl_lited_backend_may_restart(t, 0, 100));
	assert_true(xl_lited_backend_may_restart(t, 2, 125));
	/* the fourth within 60 s is refused; once the first is 60 s old, allowed */
	assert_false(xl_lited_backend_may_restart(t, 3, 125));
	assert_false(xl_lited_backend_may_restart(t, 3, 159.9));
	assert_true(xl_lited_backend_may_restart(t, 3, 160));
}

static size_t tail_start(const char *s, bool at_start, uint32_t domid)
{
	return xl_lited_tail_start(s, strlen(s), at_start, domid);
}

static void test_tail_start(void **state)
{
	const char *two = "old\n[xl-lited] domain 3 (a) started, running at x\nfirst\n"
			  "[xl-lited] domain 3 (a) ended: no longer listed\n"
			  "[xl-lited] domain 30 (a) started, running at y\nsecond\n";

	(void)state;
	assert_int_equal(tail_start("abc\ndef\n", true, 1), 0);
	/* a cut line is not printed half */
	assert_int_equal(tail_start("abc\ndef\n", false, 1), 4);
	assert_int_equal(tail_start("abcdef", false, 1), 6);
	assert_int_equal(tail_start("", true, 1), 0);
	assert_int_equal(tail_start("\nx", false, 1), 1);
	/* from the domain's own start line; 30's is not 3's */
	assert_int_equal(tail_start(two, true, 3), 4);
	assert_int_equal(tail_start(two, true, 30), strstr(two, "[xl-lited] domain 30") - two);
	assert_int_equal(tail_start(two, false, 7), 4);
	/* the last start line of the id wins (a log kept across boots) */
	assert_int_equal(tail_start("[xl-lited] domain 1 (a) started\nx\n[xl-lited] domain 1 (a) started\ny\n",
				    true, 1),
			 34);
	/* a start line in the middle of a line (a guest printing one) is not a start */
	assert_int_equal(tail_start("q\nguest says [xl-lited] domain 3 (a) started\n", false, 3), 2);
}

/* xl_console_log_tail over a real file of more than the tail's size */
static void test_console_tail(void **state)
{
	char path[] = "/tmp/test_xl_lited.XXXXXX", *got;
	struct xl_console_log l = { .domid = 5 };
	FILE *out;
	size_t size = 0;
	int fd = mkstemp(path), reader = open(path, O_RDONLY); /* as the daemon and xl-lite: two opens */

	(void)state;
	assert_true(fd >= 0 && reader >= 0);
	for (int i = 0; i < 400; i++)
		dprintf(fd, "line %03d of an older domain, long enough to need many of them\n", i);
	dprintf(fd, "cut");
	l.fd = reader;
	out = open_memstream(&got, &size);
	xl_console_log_tail(&l, out);
	fclose(out);
	/* the tail: from a line start, within 16 KiB, to the end */
	assert_true(size > 0 && size <= XL_LITED_TAIL_BYTES);
	assert_memory_equal(got, "line ", 5);
	assert_string_equal(got + size - 4, "\ncut");
	free(got);
	/* the domain's start line, once written, is where it starts; later output follows */
	dprintf(fd, "\n[xl-lited] domain 5 (g) started, running\nhello\n");
	out = open_memstream(&got, &size);
	xl_console_log_tail(&l, out);
	fclose(out);
	assert_string_equal(got, "[xl-lited] domain 5 (g) started, running\nhello\n");
	free(got);
	dprintf(fd, "more\n");
	out = open_memstream(&got, &size);
	assert_int_equal(xl_console_log_drain(&l, out), 5);
	fclose(out);
	assert_string_equal(got, "more\n");
	free(got);
	close(fd);
	close(reader);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_names),   cmocka_unit_test(test_auto_files),
		cmocka_unit_test(test_auto_wanted), cmocka_unit_test(test_hv_lines),
		cmocka_unit_test(test_hv_console_lines),
		cmocka_unit_test(test_backend_records), cmocka_unit_test(test_backend_restarts),
		cmocka_unit_test(test_tail_start),  cmocka_unit_test(test_console_tail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
