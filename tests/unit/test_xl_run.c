/*
 * Host tests for xl-lite run's line protocol (dom0-tools/xl-run-proto.c):
 * quoting that the guest's shell reads back word for word, the request's
 * base64, and the guest's lines read as untrusted input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "../../dom0-tools/xl-run-proto.h"

#define TOKEN "0123456789abcdef"

/* what sh makes of the quoted words: each printed on a line of its own */
static void expect_shell_words(const char *quoted, const char *expected)
{
	char cmd[8192], out[8192];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "printf '%%s\\n' %s", quoted);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	assert_int_equal(pclose(p), 0);
	assert_string_equal(out, expected);
}

static void test_quote_round_trip(void **state)
{
	const char *words[] = { "echo", "it's", "$HOME `id` \"x\"", "", "a\\b", "'''" };
	char out[512];

	assert_true(xl_run_quote(out, sizeof(out), words, 6) > 0);
	expect_shell_words(out, "echo\nit's\n$HOME `id` \"x\"\n\na\\b\n'''\n");
}

static void test_quote_limits(void **state)
{
	static char big[XL_RUN_MAX_COMMAND + 16];
	const char *words[] = { big };
	char out[XL_RUN_MAX_COMMAND + 64];

	assert_int_equal(xl_run_quote(out, sizeof(out), words, 0), 0);
	/* exactly the limit: the word and its two quotes */
	memset(big, 'x', XL_RUN_MAX_COMMAND - 2);
	assert_int_equal(xl_run_quote(out, sizeof(out), words, 1), XL_RUN_MAX_COMMAND);
	memset(big, 'x', XL_RUN_MAX_COMMAND - 1);
	assert_int_equal(xl_run_quote(out, sizeof(out), words, 1), 0);
	/* a small buffer is never overrun */
	memset(big, 0, sizeof(big));
	memcpy(big, "abc'", 4);
	assert_int_equal(xl_run_quote(out, 8, words, 1), 0);
	assert_int_equal(xl_run_quote(out, 11, words, 1), 9); /* 'abc'\''' */
	assert_string_equal(out, "'abc'\\'''");
}

static void test_request_is_base64(void **state)
{
	char line[XL_RUN_MAX_REQUEST], cmd[600];
	FILE *p;
	size_t n;

	assert_int_equal(xl_run_request(line, sizeof(line), TOKEN, "'uname' '-r'"), 8 + 17 + 16 + 1);
	assert_string_equal(line, "@xl-run " TOKEN " J3VuYW1lJyAnLXIn\n");
	/* every length's padding decodes back: base64 -d is what the guest's agent uses */
	for (size_t len = 1; len <= 5; len++) {
		char text[8] = "ab\xff\n";

		text[len < 4 ? len : 4] = '\0';
		memset(text + 4, 'z', len > 4 ? len - 4 : 0);
		text[len] = '\0';
		n = xl_run_request(line, sizeof(line), TOKEN, text);
		assert_true(n > 0 && line[n - 1] == '\n');
		line[n - 1] = '\0';
		snprintf(cmd, sizeof(cmd), "echo %s | base64 -d", strrchr(line, ' ') + 1);
		p = popen(cmd, "r");
		n = fread(cmd, 1, sizeof(cmd), p);
		assert_int_equal(pclose(p), 0);
		assert_int_equal(n, len);
		assert_memory_equal(cmd, text, len);
	}
	assert_int_equal(xl_run_request(line, sizeof(line), TOKEN, ""), 0);
	assert_int_equal(xl_run_request(line, 20, TOKEN, "x"), 0);
}

static enum xl_run_line_kind parse(const char *line, const char **text, size_t *len, int *status)
{
	return xl_run_parse_line(line, strlen(line), TOKEN, text, len, status);
}

static void test_parse_lines(void **state)
{
	const char *text;
	size_t len;
	int status = -1;

	assert_int_equal(parse("@xl-run " TOKEN " out hello world\r", &text, &len, &status), XL_RUN_LINE_OUT);
	assert_int_equal(len, 11);
	assert_memory_equal(text, "hello world", 11);
	assert_int_equal(parse("@xl-run " TOKEN " out", &text, &len, &status), XL_RUN_LINE_OUT);
	assert_int_equal(len, 0);
	assert_int_equal(parse("@xl-run " TOKEN " start\r", &text, &len, &status), XL_RUN_LINE_START);
	assert_int_equal(parse("@xl-run " TOKEN " exit 0", &text, &len, &status), XL_RUN_LINE_EXIT);
	assert_int_equal(status, 0);
	assert_int_equal(parse("@xl-run " TOKEN " exit 255\r", &text, &len, &status), XL_RUN_LINE_EXIT);
	assert_int_equal(status, 255);
}

/* the guest writes these lines: anything not exactly this run's is someone else's */
static void test_parse_hostile_lines(void **state)
{
	static const char *const other[] = {
		"", "@xl-run", "@xl-run " TOKEN, "@xl-run " TOKEN " exit", "@xl-run " TOKEN " exit 256",
		"@xl-run " TOKEN " exit -1", "@xl-run " TOKEN " exit 01", "@xl-run " TOKEN " exit 1x",
		"@xl-run " TOKEN " exit 99999999999999999999", "@xl-run fedcba9876543210 exit 0",
		"@xl-run " TOKEN "0 exit 0", "@xl-run 0123456789abcde exit 0", " @xl-run " TOKEN " exit 0",
		"[ 12.3] @xl-run " TOKEN " out x", "@xl-run " TOKEN " outx", "@xl-run " TOKEN " J3VuYW1l",
		"@xl-run " TOKEN " start ", "@xl-run " TOKEN " started", "@xl-run fedcba9876543210 start",
	};
	const char *text;
	size_t len;
	int status = 7;

	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		if (parse(other[i], &text, &len, &status) != XL_RUN_LINE_OTHER)
			fail_msg("taken as this run's: '%s'", other[i]);
	assert_int_equal(status, 7);
}

static void test_lines_in_pieces(void **state)
{
	static struct xl_run_lines l;
	static char junk[5000];
	const char *line;
	size_t len;

	assert_int_equal(xl_run_add(&l, "one\ntw", 6), 6);
	assert_int_equal(xl_run_next_line(&l, &line, &len), 1);
	assert_int_equal(len, 3);
	assert_memory_equal(line, "one", 3);
	assert_int_equal(xl_run_next_line(&l, &line, &len), 0);
	assert_int_equal(xl_run_add(&l, "o\n\nthree", 8), 8);
	assert_int_equal(xl_run_next_line(&l, &line, &len), 1);
	assert_int_equal(len, 3);
	assert_memory_equal(line, "two", 3);
	assert_int_equal(xl_run_next_line(&l, &line, &len), 1);
	assert_int_equal(len, 0);
	assert_int_equal(xl_run_next_line(&l, &line, &len), 0);
	/* a line longer than the buffer: taken as far as it fits, then handed out in pieces */
	memset(junk, 'j', sizeof(junk));
	assert_int_equal(xl_run_add(&l, junk, sizeof(junk)), sizeof(l.buf) - 5);
	assert_int_equal(xl_run_next_line(&l, &line, &len), 1);
	assert_int_equal(len, sizeof(l.buf));
	assert_memory_equal(line, "three", 5);
	assert_int_equal(xl_run_next_line(&l, &line, &len), 0);
	assert_int_equal(xl_run_add(&l, "end\n", 4), 4);
	assert_int_equal(xl_run_next_line(&l, &line, &len), 1);
	assert_int_equal(len, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote_round_trip),   cmocka_unit_test(test_quote_limits),
		cmocka_unit_test(test_request_is_base64), cmocka_unit_test(test_parse_lines),
		cmocka_unit_test(test_parse_hostile_lines), cmocka_unit_test(test_lines_in_pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
