/*
 * Host tests for xl-lite run's line protocol (dom0-tools/xl-run-proto.c)
 * and command (dom0-tools/xl-run-command.c): quoting that the guest's shell
 * reads back word for word, --user, --cwd and --env as shell text, the
 * request's base64, and the guest's lines read as untrusted input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../dom0-tools/xl-run-command.h"
#include "../../dom0-tools/xl-run-proto.h"

#define TOKEN "0123456789abcdef"

/* what sh makes of the quoted words: each printed on a line of its own */
/* the words alone, quoted for the guest's sh: a spec with nothing else */
static size_t quote_words(char *out, size_t size, const char *const *words, unsigned int n)
{
	struct xl_run_spec spec = { .words = words, .nwords = n };
	size_t need;

	return xl_run_command(out, size, &spec, &need);
}

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

	assert_true(quote_words(out, sizeof(out), words, 6) > 0);
	expect_shell_words(out, "echo\nit's\n$HOME `id` \"x\"\n\na\\b\n'''\n");
}

static void test_quote_limits(void **state)
{
	static char big[XL_RUN_MAX_COMMAND + 16];
	const char *words[] = { big };
	char out[XL_RUN_MAX_COMMAND + 64];

	assert_int_equal(quote_words(out, sizeof(out), words, 0), 0);
	/* exactly the limit: the word and its two quotes */
	memset(big, 'x', XL_RUN_MAX_COMMAND - 2);
	assert_int_equal(quote_words(out, sizeof(out), words, 1), XL_RUN_MAX_COMMAND);
	memset(big, 'x', XL_RUN_MAX_COMMAND - 1);
	assert_int_equal(quote_words(out, sizeof(out), words, 1), 0);
	/* a small buffer is never overrun */
	memset(big, 0, sizeof(big));
	memcpy(big, "abc'", 4);
	assert_int_equal(quote_words(out, 8, words, 1), 0);
	assert_int_equal(quote_words(out, 11, words, 1), 9); /* 'abc'\''' */
	assert_string_equal(out, "'abc'\\'''");
}

/* what sh prints running text (stderr with stdout); its exit status */
static int run_shell(const char *text, char *out, size_t size)
{
	char path[] = "/tmp/test_xl_run.XXXXXX", cmd[128];
	int fd = mkstemp(path), status;
	size_t n;
	FILE *p;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(cmd, sizeof(cmd), "cd /tmp && sh %s 2>&1", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	status = pclose(p);
	unlink(path);
	return WEXITSTATUS(status);
}

static void test_command_with_cwd_and_env(void **state)
{
	const char *words[] = { "sh", "-c", "echo \"$A|$B_2|$(pwd)\"" };
	const char *env[] = { "A=it's $HOME", "B_2=" };
	struct xl_run_spec spec = { .words = words, .nwords = 3, .cwd = "/", .env = env, .nenv = 2 };
	char cmd[XL_RUN_MAX_COMMAND + 1], out[512];
	size_t need;

	assert_true(xl_run_command(cmd, sizeof(cmd), &spec, &need) > 0);
	assert_int_equal(need, strlen(cmd));
	assert_int_equal(run_shell(cmd, out, sizeof(out)), 0);
	assert_string_equal(out, "it's $HOME||/\n");
	/* a directory the guest does not have: said, and / instead */
	spec.cwd = "/no/such dir'";
	assert_true(xl_run_command(cmd, sizeof(cmd), &spec, &need) > 0);
	assert_int_equal(run_shell(cmd, out, sizeof(out)), 0);
	assert_string_equal(out, "xl-run: no directory /no/such dir' in the guest: running in /\n"
				 "it's $HOME||/\n");
}

static void test_command_as_user(void **state)
{
	const char *words[] = { "id", "-u" };
	struct xl_run_spec spec = { .words = words, .nwords = 2, .as_user = true, .uid = 1000, .gid = 100 };
	char cmd[XL_RUN_MAX_COMMAND + 1];
	size_t need;

	assert_true(xl_run_command(cmd, sizeof(cmd), &spec, &need) > 0);
	assert_string_equal(cmd, "exec " XL_RUN_AS " 1000 100 'id' '-u'");
	/* nothing asked: the words alone, as before */
	spec.as_user = false;
	assert_true(xl_run_command(cmd, sizeof(cmd), &spec, &need) > 0);
	assert_string_equal(cmd, "'id' '-u'");
}

static void test_bad_values_refused(void **state)
{
	static const char *const bad_users[] = {
		"", ":", "1000:", ":1000", "-1", "+5", "01", "1000:01", "4294967295", "1:4294967295",
		"99999999999", "root", "1000:100:7", "1 000", "0x10",
	};
	static const char *const bad_env[] = { "A", "=x", "1A=x", "A-B=x", "A B=x", "$A=x", "" };
	uint32_t uid = 7, gid = 7;

	for (size_t i = 0; i < sizeof(bad_users) / sizeof(bad_users[0]); i++)
		if (!xl_run_parse_user(bad_users[i], &uid, &gid))
			fail_msg("--user '%s' taken", bad_users[i]);
	assert_null(xl_run_parse_user("1000", &uid, &gid));
	assert_int_equal(uid, 1000);
	assert_int_equal(gid, 1000);
	assert_null(xl_run_parse_user("0:4294967294", &uid, &gid));
	assert_int_equal(uid, 0);
	assert_int_equal(gid, 4294967294u);
	for (size_t i = 0; i < sizeof(bad_env) / sizeof(bad_env[0]); i++)
		if (!xl_run_check_env(bad_env[i]))
			fail_msg("--env '%s' taken", bad_env[i]);
	assert_null(xl_run_check_env("_A1=a=b"));
	assert_null(xl_run_check_env("X="));
	assert_non_null(xl_run_check_cwd("tmp"));
	assert_non_null(xl_run_check_cwd(""));
	assert_null(xl_run_check_cwd("/tmp"));
}

/* the 2048 bytes hold the whole text or nothing: never a command cut short */
static void test_command_size_limit(void **state)
{
	static char value[XL_RUN_MAX_COMMAND];
	const char *words[] = { "true" };
	const char *env[] = { value };
	struct xl_run_spec spec = { .words = words, .nwords = 1, .env = env, .nenv = 1 };
	char cmd[XL_RUN_MAX_COMMAND + 1];
	size_t need, base;

	memcpy(value, "V=", 2);
	assert_true((base = xl_run_command(cmd, sizeof(cmd), &spec, &need)) > 0); /* export V=''; 'true' */
	/* the value grown to the limit exactly, then one byte past it */
	memset(value + 2, 'v', XL_RUN_MAX_COMMAND - base);
	assert_int_equal(xl_run_command(cmd, sizeof(cmd), &spec, &need), XL_RUN_MAX_COMMAND);
	assert_int_equal(cmd[XL_RUN_MAX_COMMAND], '\0');
	value[2 + XL_RUN_MAX_COMMAND - base] = 'v';
	memset(cmd, 'x', sizeof(cmd));
	assert_int_equal(xl_run_command(cmd, sizeof(cmd), &spec, &need), 0);
	assert_int_equal(need, XL_RUN_MAX_COMMAND + 1);
	/* nothing written past what the caller gave */
	value[3] = '\0';
	assert_int_equal(xl_run_command(cmd, 10, &spec, &need), 0);
	assert_int_equal(need, strlen("export V='v'; 'true'"));
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

/* two runs at once write their lines in turn: each reads its own, in order, and only those */
static void test_interleaved_tokens(void **state)
{
	static struct xl_run_lines l;
	static const char console[] = "@xl-run " TOKEN " start\n@xl-run fedcba9876543210 start\n"
				      "@xl-run fedcba9876543210 out other 1\n@xl-run " TOKEN " out mine 1\n"
				      "@xl-run fedcba9876543210 out other 2\n@xl-run " TOKEN " out mine 2\n"
				      "@xl-run fedcba9876543210 exit 1\n@xl-run " TOKEN " exit 0\n";
	const char *line, *text;
	char got[256] = "";
	size_t len, text_len;
	int status = -1, exits = 0;

	/* in odd-sized pieces, as the console gives them */
	for (size_t off = 0; off < sizeof(console) - 1; off += 7) {
		size_t n = sizeof(console) - 1 - off < 7 ? sizeof(console) - 1 - off : 7;

		assert_int_equal(xl_run_add(&l, console + off, n), n);
		while (xl_run_next_line(&l, &line, &len)) {
			switch (xl_run_parse_line(line, len, TOKEN, &text, &text_len, &status)) {
			case XL_RUN_LINE_OUT:
				strncat(got, text, text_len);
				strcat(got, "|");
				break;
			case XL_RUN_LINE_EXIT:
				exits++;
				break;
			default:
				break;
			}
		}
	}
	assert_string_equal(got, "mine 1|mine 2|");
	assert_int_equal(exits, 1);
	assert_int_equal(status, 0);
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
		cmocka_unit_test(test_command_with_cwd_and_env), cmocka_unit_test(test_command_as_user),
		cmocka_unit_test(test_bad_values_refused), cmocka_unit_test(test_command_size_limit),
		cmocka_unit_test(test_interleaved_tokens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
