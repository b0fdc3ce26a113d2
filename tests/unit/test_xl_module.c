/*
 * Host tests for xl-lite's module commands (dom0-tools/): the chunks a
 * module file is sent in, what libxl-lite's module calls refuse before
 * asking anything, module list's text and JSON, the hooks' names and
 * which file `module load NAME` finds. No device involved.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../dom0-tools/libxl-lite.h"
#include "../../dom0-tools/xl-module-fmt.h"
#include "output_check.h"

/* ---- the chunks of a module load ---- */

struct chunk {
	uint64_t offset;
	uint32_t len;
};

/* The chunks a file of size bytes goes in, as xl_module_load() walks them; returns how many. */
static unsigned int plan(uint64_t size, size_t chunk_max, struct chunk *out, unsigned int max)
{
	uint64_t offset = 0;
	unsigned int n = 0;
	uint32_t len;

	while ((len = xl_module_chunk_len(offset, size, chunk_max)) != 0) {
		assert_true(n < max);
		out[n++] = (struct chunk){ offset, len };
		offset += len;
	}
	assert_true(offset == size);
	return n;
}

static void test_module_chunks(void **state)
{
	const size_t max = XL_MODULE_CHUNK_MAX;
	struct chunk c[32];

	/* a chunk and its header fill the driver's buffer exactly */
	assert_int_equal(sizeof(struct xl_module_load), 280);
	assert_true(max + sizeof(struct xl_module_load) == XL_IOCTL_MAX_LEN);
	/* nothing to send for nothing (xl_module_load refuses an empty file) */
	assert_int_equal(plan(0, max, c, 32), 0);
	/* one byte, and exactly one full chunk */
	assert_int_equal(plan(1, max, c, 32), 1);
	assert_true(c[0].offset == 0 && c[0].len == 1);
	assert_int_equal(plan(max, max, c, 32), 1);
	assert_true(c[0].offset == 0 && c[0].len == max);
	/* one byte more: a second chunk of one byte */
	assert_int_equal(plan(max + 1, max, c, 32), 2);
	assert_true(c[1].offset == max && c[1].len == 1);
	/* many chunks: full ones, the last partial */
	assert_int_equal(plan(3 * max - 5, max, c, 32), 3);
	assert_true(c[0].len == max && c[1].offset == max && c[1].len == max);
	assert_true(c[2].offset == 2 * max && c[2].len == max - 5);
	/* the largest file the ABI takes: 1 MiB in 17 requests */
	assert_int_equal(plan(XL_MODULE_MAX_FILE, max, c, 32), 17);
	assert_true(c[16].offset == 16 * max && c[16].len == XL_MODULE_MAX_FILE - 16 * max);
	/* past the end, and no room */
	assert_int_equal(xl_module_chunk_len(10, 10, max), 0);
	assert_int_equal(xl_module_chunk_len(11, 10, max), 0);
	assert_int_equal(xl_module_chunk_len(0, 10, 0), 0);
}

/* ---- what the calls refuse before asking, and their names ---- */

static void reset_err(struct xl_handle *h)
{
	h->err = (struct xl_error){ XL_ERR_NONE, 0, NULL };
}

static void test_module_load_refusals(void **state)
{
	static char image[XL_MODULE_MAX_FILE + 1];
	struct xl_handle h = { .fd = -1 };
	char args[200], why[XL_MODULE_WHY_LEN];

	reset_err(&h);
	assert_true(xl_module_load(&h, image, 0, NULL, why, sizeof(why)) == -1);
	assert_int_equal(h.err.source, XL_ERR_DRIVER);
	assert_int_equal(h.err.err, EINVAL);
	assert_string_equal(h.err.call, "XL_MODULE_LOAD");
	assert_string_equal(why, "");

	reset_err(&h);
	assert_true(xl_module_load(&h, image, sizeof(image), NULL, why, sizeof(why)) == -1);
	assert_int_equal(h.err.err, E2BIG);

	memset(args, 'a', sizeof(args) - 1);
	args[sizeof(args) - 1] = '\0';
	args[XL_MODULE_ARGS_LEN] = '\0'; /* one byte too many */
	reset_err(&h);
	assert_true(xl_module_load(&h, image, 100, args, why, sizeof(why)) == -1);
	assert_int_equal(h.err.err, E2BIG);

	/* no device: the first chunk fails in the driver, and nothing follows */
	args[XL_MODULE_ARGS_LEN - 1] = '\0';
	reset_err(&h);
	assert_true(xl_module_load(&h, image, 3 * XL_MODULE_CHUNK_MAX, args, why, sizeof(why)) == -1);
	assert_int_equal(h.err.source, XL_ERR_DRIVER);
	assert_int_equal(h.err.err, EBADF);
	assert_string_equal(why, "");
}

static void test_module_calls_refusals(void **state)
{
	static char data[XL_IOCTL_MAX_LEN];
	struct xl_module_entry m[2];
	struct xl_handle h = { .fd = -1 };
	char why[XL_MODULE_WHY_LEN];

	reset_err(&h);
	assert_int_equal(xl_module_unload(&h, "a-name-of-thirty-two-characters!", why, sizeof(why)), -1);
	assert_int_equal(h.err.err, ENAMETOOLONG);
	assert_string_equal(h.err.call, "XL_MODULE_UNLOAD");
	reset_err(&h);
	assert_int_equal(xl_module_unload(&h, "exit-profiler", why, sizeof(why)), -1);
	assert_int_equal(h.err.err, EBADF);

	reset_err(&h);
	assert_true(xl_module_call(&h, "exit-profiler", 0, 0, data, XL_MODULE_CALL_DATA_MAX + 1) == -1);
	assert_int_equal(h.err.err, E2BIG);
	assert_string_equal(h.err.call, "XL_MODULE_CALL");
	reset_err(&h);
	assert_true(xl_module_call(&h, "a-name-of-thirty-two-characters!", 0, 0, NULL, 0) == -1);
	assert_int_equal(h.err.err, ENAMETOOLONG);
	reset_err(&h);
	assert_true(xl_module_call(&h, "exit-profiler", 0, 0, data, XL_MODULE_CALL_DATA_MAX) == -1);
	assert_int_equal(h.err.err, EBADF);

	reset_err(&h);
	assert_int_equal(xl_module_list(&h, m, XL_IOCTL_MAX_LEN / sizeof(m[0]) + 1), -1);
	assert_int_equal(h.err.err, E2BIG);
	reset_err(&h);
	assert_int_equal(xl_module_list(&h, m, 2), -1);
	assert_int_equal(h.err.err, EBADF);
	assert_string_equal(h.err.call, "XL_MODULE_LIST");
}

/* ---- module list ---- */

static void fill_entry(struct xl_module_entry *m, uint32_t id, const char *name, uint32_t hooks)
{
	memset(m, 0, sizeof(*m));
	m->id = id;
	m->hooks = hooks;
	snprintf(m->name, sizeof(m->name), "%s", name);
	snprintf(m->version, sizeof(m->version), "1.0");
	for (unsigned int i = 0; i < 32; i++)
		m->sha256[i] = (uint8_t)(i * 8 + 1);
	m->text_bytes = 8192;
	m->rodata_bytes = 4096;
	m->data_bytes = 266240;
	m->calls = 12;
}

static void test_module_hooks(void **state)
{
	char buf[32];

	assert_string_equal(xl_module_hooks(0, buf, sizeof(buf)), "-");
	assert_string_equal(xl_module_hooks(XL_MODULE_HOOK_EXIT, buf, sizeof(buf)), "exit");
	assert_string_equal(xl_module_hooks(XL_MODULE_HOOK_DOMAIN | XL_MODULE_HOOK_OPS, buf, sizeof(buf)),
			    "domain,ops");
	assert_string_equal(xl_module_hooks(XL_MODULE_HOOK_POLICY | XL_MODULE_HOOK_DOMAIN | XL_MODULE_HOOK_OPS, buf,
					    sizeof(buf)),
			    "domain,policy,ops");
	assert_string_equal(xl_module_hooks(~0u, buf, sizeof(buf)), "exit,domain,policy,ops");
}

static void test_module_list_text(void **state)
{
	struct xl_module_entry m[2];
	struct capture c;
	const char *t;

	fill_entry(&m[0], 1, "exit-profiler", XL_MODULE_HOOK_EXIT | XL_MODULE_HOOK_DOMAIN | XL_MODULE_HOOK_OPS);
	fill_entry(&m[1], 7, "odd", 0);
	memset(m[1].name, 'x', sizeof(m[1].name)); /* unterminated */
	m[1].version[0] = '\x01';
	cap_open(&c);
	xl_print_modules(c.f, m, 2, 3, false);
	t = cap_text(&c);
	assert_non_null(strstr(t, "NAME"));
	assert_non_null(strstr(t, "SHA256"));
	assert_non_null(strstr(t, "exit-profiler           1 1.0        exit,domain,ops              12        8        4      260 "
				  "0109111921293139414951596169717981899199a1a9b1b9c1c9d1d9e1e9f1f9\n"));
	assert_non_null(strstr(t, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx    7 ?.0"));
	assert_non_null(strstr(t, "(1 more modules loaded, not listed)\n"));
	cap_free(&c);

	/* more filled than loaded: only those loaded */
	cap_open(&c);
	xl_print_modules(c.f, m, 2, 1, false);
	assert_null(strstr(cap_text(&c), "xxxx"));
	assert_null(strstr(cap_text(&c), "more"));
	cap_free(&c);
}

static void test_module_list_json(void **state)
{
	struct xl_module_entry m[2];
	struct capture c;

	fill_entry(&m[0], 1, "exit-profiler", XL_MODULE_HOOK_EXIT | XL_MODULE_HOOK_OPS);
	fill_entry(&m[1], 2, "q\"uote\\", 0);
	m[1].version[0] = '\xff';
	cap_open(&c);
	xl_print_modules(c.f, m, 2, 2, true);
	assert_json_line(cap_text(&c));
	assert_non_null(strstr(cap_text(&c),
			       "{\"name\":\"exit-profiler\",\"id\":1,\"version\":\"1.0\",\"sha256\":\"0109111921"));
	assert_non_null(strstr(cap_text(&c), "\"text_bytes\":8192,\"rodata_bytes\":4096,\"data_bytes\":266240,"
					     "\"hooks\":[\"exit\",\"ops\"],\"calls\":12}"));
	assert_non_null(strstr(cap_text(&c), "\"name\":\"q\\\"uote\\\\\",\"id\":2,\"version\":\"\\u00ff.0\""));
	assert_non_null(strstr(cap_text(&c), "\"hooks\":[],\"calls\":12}],\"loaded\":2}\n"));
	cap_free(&c);

	cap_open(&c);
	xl_print_modules(c.f, m, 0, 0, true);
	assert_string_equal(cap_text(&c), "{\"modules\":[],\"loaded\":0}\n");
	cap_free(&c);
}

/* ---- which file module load sends ---- */

static const char *existing[4];

static bool fake_exists(const char *path)
{
	for (unsigned int i = 0; i < 4 && existing[i]; i++)
		if (!strcmp(existing[i], path))
			return true;
	return false;
}

static void test_module_path(void **state)
{
	char buf[256];

	memset(existing, 0, sizeof(existing));
	/* a path is taken as it is, found or not */
	assert_string_equal(xl_module_path("./m.xlm", fake_exists, buf, sizeof(buf)), "./m.xlm");
	assert_string_equal(xl_module_path("/tmp/none.xlm", fake_exists, buf, sizeof(buf)), "/tmp/none.xlm");
	/* a bare name found nowhere */
	assert_null(xl_module_path("exit-profiler", fake_exists, buf, sizeof(buf)));
	/* in the initramfs' directory */
	existing[0] = "/lib/xen-lite/modules/exit-profiler.xlm";
	assert_string_equal(xl_module_path("exit-profiler", fake_exists, buf, sizeof(buf)), existing[0]);
	assert_string_equal(xl_module_path("exit-profiler.xlm", fake_exists, buf, sizeof(buf)), existing[0]);
	/* the package's comes first */
	existing[1] = "/usr/lib/xen-lite/modules/exit-profiler.xlm";
	assert_string_equal(xl_module_path("exit-profiler", fake_exists, buf, sizeof(buf)), existing[1]);
	/* a file of that name here wins */
	existing[2] = "exit-profiler";
	assert_string_equal(xl_module_path("exit-profiler", fake_exists, buf, sizeof(buf)), "exit-profiler");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_module_chunks),
		cmocka_unit_test(test_module_load_refusals),
		cmocka_unit_test(test_module_calls_refusals),
		cmocka_unit_test(test_module_hooks),
		cmocka_unit_test(test_module_list_text),
		cmocka_unit_test(test_module_list_json),
		cmocka_unit_test(test_module_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
