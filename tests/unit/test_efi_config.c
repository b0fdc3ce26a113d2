/* Host tests for the xen-lite.cfg parser and path helpers of xen-lite.efi. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>
#include <cmocka.h>

#include "../../arch/x86_64/efi/efi_config.h"

#include <xen-lite/boot_info.h>

_Static_assert(EFI_CFG_MAX_MODULES == BOOT_MAX_MODULES, "module limit differs from boot_info.h");
_Static_assert(EFI_CFG_CMDLINE_MAX == BOOT_CMDLINE_MAX, "cmdline limit differs from boot_info.h");
_Static_assert(EFI_CFG_MODULE_CMDLINE_MAX == BOOT_MODULE_CMDLINE_MAX,
	       "module cmdline limit differs from boot_info.h");

static struct efi_config cfg;
static struct efi_cfg_error err;

static int parse(const char *text)
{
	return efi_config_parse(text, strlen(text), &cfg, &err);
}

/* parse len bytes (for text with NUL bytes) */
static int parse_n(const char *text, size_t len)
{
	return efi_config_parse(text, len, &cfg, &err);
}

/* a string of n copies of c, freed by the caller */
static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static char *concat3(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *s = malloc(la + lb + lc + 1);

	assert_non_null(s);
	memcpy(s, a, la);
	memcpy(s + la, b, lb);
	memcpy(s + la + lb, c, lc + 1);
	return s;
}

static void expect_error(int rc, enum efi_cfg_err code, unsigned int line, const char *msg_part)
{
	assert_int_equal(rc, code);
	assert_int_equal(err.code, code);
	assert_int_equal(err.line, line);
	if (msg_part && !strstr(err.msg, msg_part))
		fail_msg("message '%s' does not contain '%s'", err.msg, msg_part);
}

/* ---- good configurations ------------------------------------------------- */

static void test_good_config(void **state)
{
	assert_int_equal(parse("cmdline = console=com1 loglvl=debug\n"
			       "module = dom0.bin root=/dev/sda1 ro\n"
			       "module = \\boot\\initrd.img\n"),
			 0);
	assert_true(cfg.have_cmdline);
	assert_int_equal(cfg.cmdline_line, 1);
	assert_string_equal(cfg.cmdline, "console=com1 loglvl=debug");
	assert_int_equal(cfg.module_count, 2);
	assert_string_equal(cfg.modules[0].path, "dom0.bin");
	assert_string_equal(cfg.modules[0].cmdline, "root=/dev/sda1 ro");
	assert_int_equal(cfg.modules[0].line, 2);
	assert_string_equal(cfg.modules[1].path, "\\boot\\initrd.img");
	assert_string_equal(cfg.modules[1].cmdline, "");
	assert_int_equal(cfg.modules[1].line, 3);
	assert_int_equal(err.code, EFI_CFG_OK);
}

static void test_empty_file(void **state)
{
	assert_int_equal(parse(""), 0);
	assert_false(cfg.have_cmdline);
	assert_string_equal(cfg.cmdline, "");
	assert_int_equal(cfg.module_count, 0);
}

static void test_modules_keep_order(void **state)
{
	assert_int_equal(parse("module = c\nmodule = a\ncmdline = x\nmodule = b\n"), 0);
	assert_int_equal(cfg.module_count, 3);
	assert_string_equal(cfg.modules[0].path, "c");
	assert_string_equal(cfg.modules[1].path, "a");
	assert_string_equal(cfg.modules[2].path, "b");
	assert_int_equal(cfg.cmdline_line, 3);
}

static void test_comments_and_blank_lines(void **state)
{
	assert_int_equal(parse("# xen-lite.cfg\n"
			       "\n"
			       "   \n"
			       "\t# indented comment\n"
			       "#cmdline = not this one\n"
			       "cmdline = real\n"
			       "\t\n"
			       "# module = nope\n"),
			 0);
	assert_string_equal(cfg.cmdline, "real");
	assert_int_equal(cfg.cmdline_line, 6);
	assert_int_equal(cfg.module_count, 0);
}

static void test_hash_inside_value_is_kept(void **state)
{
	assert_int_equal(parse("cmdline = a#b # not a comment\n"), 0);
	assert_string_equal(cfg.cmdline, "a#b # not a comment");
}

static void test_whitespace_around_key_and_value(void **state)
{
	assert_int_equal(parse("   cmdline\t=\t  a  b  \t\n"
			       "module=x.bin\n"
			       "\tmodule   =   y.bin  \t arg1   arg2 \n"
			       "module\t=z.bin\targ\n"),
			 0);
	assert_string_equal(cfg.cmdline, "a  b");
	assert_string_equal(cfg.modules[0].path, "x.bin");
	assert_string_equal(cfg.modules[0].cmdline, "");
	assert_string_equal(cfg.modules[1].path, "y.bin");
	assert_string_equal(cfg.modules[1].cmdline, "arg1   arg2");
	assert_string_equal(cfg.modules[2].path, "z.bin");
	assert_string_equal(cfg.modules[2].cmdline, "arg");
}

static void test_equals_inside_value(void **state)
{
	assert_int_equal(parse("cmdline = console=com1 a==b =\nmodule = m.bin x=1 y=\n"), 0);
	assert_string_equal(cfg.cmdline, "console=com1 a==b =");
	assert_string_equal(cfg.modules[0].cmdline, "x=1 y=");
}

static void test_empty_cmdline_value(void **state)
{
	assert_int_equal(parse("cmdline =\n"), 0);
	assert_true(cfg.have_cmdline);
	assert_string_equal(cfg.cmdline, "");
	assert_int_equal(parse("cmdline=   \t\n"), 0);
	assert_true(cfg.have_cmdline);
	assert_string_equal(cfg.cmdline, "");
}

static void test_crlf_line_endings(void **state)
{
	assert_int_equal(parse("# dos file\r\ncmdline = a b\r\n\r\nmodule = m.bin arg\r\n"), 0);
	assert_string_equal(cfg.cmdline, "a b");
	assert_int_equal(cfg.cmdline_line, 2);
	assert_string_equal(cfg.modules[0].path, "m.bin");
	assert_string_equal(cfg.modules[0].cmdline, "arg");
	assert_int_equal(cfg.modules[0].line, 4);
	/* line numbers still count CRLF as one line end */
	expect_error(parse("cmdline = a\r\n\r\nbogus = 1\r\n"), EFI_CFG_E_UNKNOWN_KEY, 3, "bogus");
}

static void test_cr_only_line_endings(void **state)
{
	assert_int_equal(parse("cmdline = a\rmodule = m.bin\r"), 0);
	assert_string_equal(cfg.cmdline, "a");
	assert_int_equal(cfg.modules[0].line, 2);
}

static void test_no_final_newline(void **state)
{
	assert_int_equal(parse("module = a.bin x\nmodule = b.bin y"), 0);
	assert_int_equal(cfg.module_count, 2);
	assert_string_equal(cfg.modules[1].cmdline, "y");
}

static void test_utf8_bom_skipped(void **state)
{
	assert_int_equal(parse("\xef\xbb\xbf"
			       "cmdline = a\n"),
			 0);
	assert_string_equal(cfg.cmdline, "a");
	assert_int_equal(cfg.cmdline_line, 1);
}

static void test_utf8_in_cmdline_allowed(void **state)
{
	assert_int_equal(parse("cmdline = name=caf\xc3\xa9\n"), 0);
	assert_string_equal(cfg.cmdline, "name=caf\xc3\xa9");
}

static void test_limits_exactly_fit(void **state)
{
	char *v = repeat('c', EFI_CFG_CMDLINE_MAX - 1);
	char *text = concat3("cmdline = ", v, "\n");

	assert_int_equal(parse(text), 0);
	assert_int_equal(strlen(cfg.cmdline), EFI_CFG_CMDLINE_MAX - 1);
	free(text);
	free(v);

	v = repeat('p', EFI_CFG_PATH_MAX - 1);
	text = concat3("module = ", v, " arg\n");
	assert_int_equal(parse(text), 0);
	assert_int_equal(strlen(cfg.modules[0].path), EFI_CFG_PATH_MAX - 1);
	free(text);
	free(v);

	v = repeat('a', EFI_CFG_MODULE_CMDLINE_MAX - 1);
	text = concat3("module = m.bin ", v, "\n");
	assert_int_equal(parse(text), 0);
	assert_int_equal(strlen(cfg.modules[0].cmdline), EFI_CFG_MODULE_CMDLINE_MAX - 1);
	free(text);
	free(v);

	/* a comment of exactly the maximum line length */
	v = repeat('#', EFI_CFG_LINE_MAX);
	text = concat3(v, "\n", "cmdline = ok\n");
	assert_int_equal(parse(text), 0);
	assert_string_equal(cfg.cmdline, "ok");
	free(text);
	free(v);
}

static void test_max_modules(void **state)
{
	char text[4096] = "";

	for (int i = 0; i < EFI_CFG_MAX_MODULES; i++)
		strcat(text, "module = m.bin\n");
	assert_int_equal(parse(text), 0);
	assert_int_equal(cfg.module_count, EFI_CFG_MAX_MODULES);
}

static void test_reparse_resets_state(void **state)
{
	assert_int_equal(parse("cmdline = a\nmodule = m\n"), 0);
	expect_error(parse("bad"), EFI_CFG_E_NO_EQUALS, 1, NULL);
	assert_int_equal(parse("module = n\n"), 0);
	assert_false(cfg.have_cmdline);
	assert_int_equal(cfg.module_count, 1);
	assert_int_equal(err.code, EFI_CFG_OK);
	assert_int_equal(err.line, 0);
	assert_string_equal(err.msg, "");
}

/* ---- errors ------------------------------------------------------------------ */

static void test_unknown_key(void **state)
{
	expect_error(parse("cmdline = a\n\nkernel = /boot/xen\n"), EFI_CFG_E_UNKNOWN_KEY, 3,
		     "unknown key 'kernel'");
	/* keys are case-sensitive */
	expect_error(parse("Cmdline = a\n"), EFI_CFG_E_UNKNOWN_KEY, 1, "'Cmdline'");
	expect_error(parse("modules = a\n"), EFI_CFG_E_UNKNOWN_KEY, 1, "'modules'");
}

static void test_unknown_key_message_is_bounded(void **state)
{
	char *k = repeat('k', 500);
	char *text = concat3(k, " = v", "\n");

	expect_error(parse(text), EFI_CFG_E_UNKNOWN_KEY, 1, "unknown key 'kkkk");
	assert_true(strlen(err.msg) < EFI_CFG_MSG_MAX);
	free(text);
	free(k);
}

static void test_duplicate_cmdline(void **state)
{
	expect_error(parse("# first\ncmdline = a\nmodule = m\ncmdline = b\n"), EFI_CFG_E_DUP_CMDLINE, 4,
		     "already set on line 2");
	/* even an empty first cmdline counts */
	expect_error(parse("cmdline =\ncmdline = b\n"), EFI_CFG_E_DUP_CMDLINE, 2, "duplicate 'cmdline'");
}

static void test_missing_equals(void **state)
{
	expect_error(parse("cmdline console=com1\n"), EFI_CFG_E_NO_EQUALS, 1, "no '=' after 'cmdline'");
	expect_error(parse("\n\nmodule\n"), EFI_CFG_E_NO_EQUALS, 3, "'module'");
	expect_error(parse("cmdline: x\n"), EFI_CFG_E_NO_EQUALS, 1, NULL);
}

static void test_missing_key(void **state)
{
	expect_error(parse("= value\n"), EFI_CFG_E_NO_KEY, 1, "missing key");
	expect_error(parse("cmdline = a\n   =\n"), EFI_CFG_E_NO_KEY, 2, NULL);
}

static void test_module_without_path(void **state)
{
	expect_error(parse("module =\n"), EFI_CFG_E_MODULE_NO_PATH, 1, "needs a file name");
	expect_error(parse("module = \t \n"), EFI_CFG_E_MODULE_NO_PATH, 1, NULL);
}

static void test_overlong_line(void **state)
{
	char *v = repeat('x', EFI_CFG_LINE_MAX + 1);
	char *text = concat3("cmdline = ok\n#", v, "\n");

	expect_error(parse(text), EFI_CFG_E_LINE_TOO_LONG, 2, "longer than 2048");
	free(text);
	free(v);
}

static void test_overlong_cmdline(void **state)
{
	char *v = repeat('c', EFI_CFG_CMDLINE_MAX);
	char *text = concat3("cmdline = ", v, "\n");

	expect_error(parse(text), EFI_CFG_E_CMDLINE_TOO_LONG, 1, "at most 1023");
	free(text);
	free(v);
}

static void test_overlong_module_path(void **state)
{
	char *v = repeat('p', EFI_CFG_PATH_MAX);
	char *text = concat3("module = ", v, "\n");

	expect_error(parse(text), EFI_CFG_E_PATH_TOO_LONG, 1, "at most 255");
	free(text);
	free(v);
}

static void test_overlong_module_cmdline(void **state)
{
	char *v = repeat('a', EFI_CFG_MODULE_CMDLINE_MAX);
	char *text = concat3("module = m.bin ", v, "\n");

	expect_error(parse(text), EFI_CFG_E_MODULE_CMDLINE_TOO_LONG, 1, "at most 511");
	free(text);
	free(v);
}

static void test_too_many_modules(void **state)
{
	char text[4096] = "cmdline = x\n";

	for (int i = 0; i <= EFI_CFG_MAX_MODULES; i++)
		strcat(text, "module = m.bin\n");
	expect_error(parse(text), EFI_CFG_E_TOO_MANY_MODULES, EFI_CFG_MAX_MODULES + 2, "at most 16");
}

static void test_nul_byte(void **state)
{
	static const char text[] = "cmdline = a\nmodule = m\0.bin\n";

	expect_error(parse_n(text, sizeof(text) - 1), EFI_CFG_E_NUL, 2, "NUL byte");
}

static void test_control_characters(void **state)
{
	expect_error(parse("cmdline = a\x01"
			   "b\n"),
		     EFI_CFG_E_CONTROL_CHAR, 1, "0x1 in column 12");
	expect_error(parse("cmdline = a\n\x1b[0m\n"), EFI_CFG_E_CONTROL_CHAR, 2, NULL);
	expect_error(parse("cmdline = \x7f\n"), EFI_CFG_E_CONTROL_CHAR, 1, NULL);
}

static void test_non_ascii_module_path(void **state)
{
	expect_error(parse("module = caf\xc3\xa9.bin arg\n"), EFI_CFG_E_PATH_BAD_CHAR, 1, "non-ASCII");
	/* but a non-ASCII module command line is fine */
	assert_int_equal(parse("module = cafe.bin caf\xc3\xa9\n"), 0);
}

static void test_file_too_large(void **state)
{
	char *text = repeat('\n', EFI_CFG_FILE_MAX + 1);

	expect_error(parse(text), EFI_CFG_E_TOO_LARGE, 0, "at most 65536");
	free(text);
	text = repeat('\n', EFI_CFG_FILE_MAX);
	assert_int_equal(parse(text), 0);
	free(text);
}

static void test_first_error_wins(void **state)
{
	expect_error(parse("foo = 1\nbar\n"), EFI_CFG_E_UNKNOWN_KEY, 1, "'foo'");
}

/* ---- path helpers ------------------------------------------------------------ */

static void assert_u16_equal(const uint16_t *got, const char16_t *want)
{
	size_t i = 0;

	for (; want[i]; i++)
		if (got[i] != want[i])
			fail_msg("path differs at %zu: got 0x%x, want 0x%x", i, got[i], want[i]);
	if (got[i])
		fail_msg("path longer than expected at %zu", i);
}

static void test_make_path_relative(void **state)
{
	uint16_t out[64];

	assert_int_equal(efi_cfg_make_path(u"\\EFI\\BOOT", "dom0.bin", out, 64), 0);
	assert_u16_equal(out, u"\\EFI\\BOOT\\dom0.bin");
	assert_int_equal(efi_cfg_make_path(u"\\EFI\\BOOT", "sub/dir\\m.bin", out, 64), 0);
	assert_u16_equal(out, u"\\EFI\\BOOT\\sub\\dir\\m.bin");
	/* root directory, given as "" or NULL */
	assert_int_equal(efi_cfg_make_path(u"", "m.bin", out, 64), 0);
	assert_u16_equal(out, u"\\m.bin");
	assert_int_equal(efi_cfg_make_path(NULL, "m.bin", out, 64), 0);
	assert_u16_equal(out, u"\\m.bin");
	/* a directory without the leading separator still gives an absolute path */
	assert_int_equal(efi_cfg_make_path(u"EFI", "m.bin", out, 64), 0);
	assert_u16_equal(out, u"\\EFI\\m.bin");
}

static void test_make_path_absolute(void **state)
{
	uint16_t out[64];

	assert_int_equal(efi_cfg_make_path(u"\\EFI\\BOOT", "/xl/dom0.bin", out, 64), 0);
	assert_u16_equal(out, u"\\xl\\dom0.bin");
	assert_int_equal(efi_cfg_make_path(u"\\EFI\\BOOT", "\\xl\\dom0.bin", out, 64), 0);
	assert_u16_equal(out, u"\\xl\\dom0.bin");
}

static void test_make_path_collapses_separators(void **state)
{
	uint16_t out[64];

	assert_int_equal(efi_cfg_make_path(u"\\EFI\\\\BOOT\\", "a//b\\/c", out, 64), 0);
	assert_u16_equal(out, u"\\EFI\\BOOT\\a\\b\\c");
	assert_int_equal(efi_cfg_make_path(u"", "//x", out, 64), 0);
	assert_u16_equal(out, u"\\x");
}

static void test_make_path_bounds(void **state)
{
	uint16_t out[8];

	/* "\A\bcd" is 6 characters + NUL = 7 */
	assert_int_equal(efi_cfg_make_path(u"\\A", "bcd", out, 7), 0);
	assert_u16_equal(out, u"\\A\\bcd");
	assert_int_equal(efi_cfg_make_path(u"\\A", "bcde", out, 7), -1);
	assert_int_equal(efi_cfg_make_path(u"\\A", "b", out, 0), -1);
	assert_int_equal(efi_cfg_make_path(u"\\A", "b", out, 1), -1);
}

static void test_make_path_rejects_bad_characters(void **state)
{
	uint16_t out[64];

	assert_int_equal(efi_cfg_make_path(u"\\EFI", "caf\xc3\xa9", out, 64), -1);
	assert_int_equal(efi_cfg_make_path(u"\\EFI", "a\tb", out, 64), -1);
	assert_int_equal(efi_cfg_make_path(u"\\E\x01", "a", out, 64), -1);
	/* a non-ASCII (but printable) directory name from the firmware is kept */
	assert_int_equal(efi_cfg_make_path(u"\\\u00e9", "a", out, 64), 0);
	assert_u16_equal(out, u"\\\u00e9\\a");
}

static void test_dirname(void **state)
{
	uint16_t p[64];

	memcpy(p, u"\\EFI\\BOOT\\BOOTX64.EFI", sizeof(u"\\EFI\\BOOT\\BOOTX64.EFI"));
	efi_cfg_dirname(p);
	assert_u16_equal(p, u"\\EFI\\BOOT");

	memcpy(p, u"\\BOOTX64.EFI", sizeof(u"\\BOOTX64.EFI"));
	efi_cfg_dirname(p);
	assert_u16_equal(p, u"");

	memcpy(p, u"BOOTX64.EFI", sizeof(u"BOOTX64.EFI"));
	efi_cfg_dirname(p);
	assert_u16_equal(p, u"");

	memcpy(p, u"/EFI/xl/xen-lite.efi", sizeof(u"/EFI/xl/xen-lite.efi"));
	efi_cfg_dirname(p);
	assert_u16_equal(p, u"\\EFI\\xl");

	memcpy(p, u"\\EFI\\BOOT\\\\x.efi", sizeof(u"\\EFI\\BOOT\\\\x.efi"));
	efi_cfg_dirname(p);
	assert_u16_equal(p, u"\\EFI\\BOOT");

	p[0] = 0;
	efi_cfg_dirname(p);
	assert_u16_equal(p, u"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_config),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_modules_keep_order),
		cmocka_unit_test(test_comments_and_blank_lines),
		cmocka_unit_test(test_hash_inside_value_is_kept),
		cmocka_unit_test(test_whitespace_around_key_and_value),
		cmocka_unit_test(test_equals_inside_value),
		cmocka_unit_test(test_empty_cmdline_value),
		cmocka_unit_test(test_crlf_line_endings),
		cmocka_unit_test(test_cr_only_line_endings),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_utf8_bom_skipped),
		cmocka_unit_test(test_utf8_in_cmdline_allowed),
		cmocka_unit_test(test_limits_exactly_fit),
		cmocka_unit_test(test_max_modules),
		cmocka_unit_test(test_reparse_resets_state),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_unknown_key_message_is_bounded),
		cmocka_unit_test(test_duplicate_cmdline),
		cmocka_unit_test(test_missing_equals),
		cmocka_unit_test(test_missing_key),
		cmocka_unit_test(test_module_without_path),
		cmocka_unit_test(test_overlong_line),
		cmocka_unit_test(test_overlong_cmdline),
		cmocka_unit_test(test_overlong_module_path),
		cmocka_unit_test(test_overlong_module_cmdline),
		cmocka_unit_test(test_too_many_modules),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_non_ascii_module_path),
		cmocka_unit_test(test_file_too_large),
		cmocka_unit_test(test_first_error_wins),
		cmocka_unit_test(test_make_path_relative),
		cmocka_unit_test(test_make_path_absolute),
		cmocka_unit_test(test_make_path_collapses_separators),
		cmocka_unit_test(test_make_path_bounds),
		cmocka_unit_test(test_make_path_rejects_bad_characters),
		cmocka_unit_test(test_dirname),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
