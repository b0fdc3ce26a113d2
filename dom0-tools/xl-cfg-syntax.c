/*
 * The xl.cfg syntax (xl-cfg-syntax.h): settings, strings with escapes, lists
 * across lines, comments, with line and column in every syntax error. What
 * the keys mean is xl-cfg.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl-cfg-syntax.h"

static unsigned int column(const struct cfg_reader *p, const char *at)
{
	return (unsigned int)(at - p->line_start) + 1;
}

/* Where something is: "line 3" of the file, or "setting 'memory=x'" from the command line. */
const char *cfg_place(const char *setting, unsigned int line, char *buf)
{
	if (setting)
		snprintf(buf, PLACE_MAX, "setting '%.60s'", setting);
	else
		snprintf(buf, PLACE_MAX, "line %u", line);
	return buf;
}

/* A syntax error at character `at` of the current line: "line L, column C: ...". */
int cfg_syntax_error(struct cfg_reader *p, const char *at, const char *fmt, ...)
{
	char where[PLACE_MAX];
	size_t n;
	va_list ap;

	snprintf(p->err, p->err_size, "%s, column %u: ", cfg_place(p->setting, p->line, where),
		 column(p, at));
	n = strlen(p->err);
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->err_size - n, fmt, ap);
	va_end(ap);
	return -1;
}

const char *cfg_char_text(char c, char *buf, size_t size)
{
	if (isgraph((unsigned char)c))
		snprintf(buf, size, "'%c'", c);
	else
		snprintf(buf, size, "byte 0x%02x", (unsigned char)c);
	return buf;
}

int cfg_unexpected(struct cfg_reader *p, const char *where)
{
	char buf[16];

	return cfg_syntax_error(p, p->p, "unexpected %s %s", cfg_char_text(*p->p, buf, sizeof(buf)), where);
}

/* ---- the syntax ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* what may stand in a bare value: not a blank, newline, quote, or , ; # [ ] */
static bool is_bare(char c)
{
	return c && !is_blank(c) && c != '\n' && !strchr("\"',;#[]", c);
}

bool cfg_is_key_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-';
}

void cfg_skip_blanks(struct cfg_reader *p)
{
	while (is_blank(*p->p))
		p->p++;
}

void cfg_skip_comment(struct cfg_reader *p)
{
	if (*p->p == '#')
		while (*p->p && *p->p != '\n')
			p->p++;
}

void cfg_next_line(struct cfg_reader *p)
{
	p->p++;
	p->line++;
	p->line_start = p->p;
}

/* Inside a list: blanks, comments and newlines. */
static void skip_space_and_lines(struct cfg_reader *p)
{
	for (;;) {
		cfg_skip_blanks(p);
		cfg_skip_comment(p);
		if (*p->p != '\n')
			return;
		cfg_next_line(p);
	}
}

static int append(struct cfg_reader *p, struct value *v, char c, const char *at)
{
	if (v->used == sizeof(v->text))
		return cfg_syntax_error(p, at, "a value longer than %d characters", VALUE_MAX - 1);
	v->text[v->used++] = c;
	return 0;
}

/* The character a backslash escape in a string stands for, or 0 for an unknown one. */
static char escaped(char c)
{
	switch (c) {
	case '"': return '"';
	case '\'': return '\'';
	case '\\': return '\\';
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	default: return 0;
	}
}

static int unknown_escape(struct cfg_reader *p, const char *backslash)
{
	static const char *const known = "\\\" \\' \\\\ \\n \\t \\r";

	if (isgraph((unsigned char)backslash[1]))
		return cfg_syntax_error(p, backslash, "unknown escape '\\%c' in a string (%s are known)",
				    backslash[1], known);
	return cfg_syntax_error(p, backslash, "unknown escape: '\\' before byte 0x%02x in a string "
			    "(%s are known)", (unsigned char)backslash[1], known);
}

/* A string in single or double quotes, escapes resolved, onto v->text (NUL-terminated). */
static int read_string(struct cfg_reader *p, struct value *v)
{
	const char *open = p->p;
	char quote = *p->p++;

	for (;;) {
		const char *at = p->p;
		char c = *p->p++;

		if (!c || c == '\n')
			return cfg_syntax_error(p, open, "unterminated string");
		if (c == quote)
			return append(p, v, '\0', at);
		if (c == '\\') {
			if (!*p->p || *p->p == '\n')
				return cfg_syntax_error(p, open, "unterminated string");
			c = escaped(*p->p);
			if (!c)
				return unknown_escape(p, at);
			p->p++;
		}
		if (append(p, v, c, at))
			return -1;
	}
}

/* A list's bare item: a run of bare characters, onto v->text. */
static int read_word(struct cfg_reader *p, struct value *v)
{
	while (is_bare(*p->p)) {
		if (append(p, v, *p->p, p->p))
			return -1;
		p->p++;
	}
	return append(p, v, '\0', p->p);
}

/*
 * A bare value: words and commas, blanks only next to a comma ("3, 2"), so
 * that `memory = 64 64` is refused rather than read as 64 or "64 64".
 */
static int read_bare(struct cfg_reader *p, struct value *v)
{
	for (;;) {
		const char *after;

		while (is_bare(*p->p) || *p->p == ',') {
			if (append(p, v, *p->p, p->p))
				return -1;
			p->p++;
		}
		for (after = p->p; is_blank(*after); after++)
			;
		if (after == p->p || (*after != ',' && p->p[-1] != ','))
			return append(p, v, '\0', p->p);
		for (; p->p < after; p->p++)
			if (append(p, v, *p->p, p->p))
				return -1;
	}
}

static int read_item(struct cfg_reader *p, struct value *v)
{
	if (v->nr_items == LIST_MAX)
		return cfg_syntax_error(p, p->p, "a list of more than %d items", LIST_MAX);
	v->item[v->nr_items] = v->text + v->used;
	v->item_quoted[v->nr_items] = *p->p == '"' || *p->p == '\'';
	v->item_line[v->nr_items] = p->line;
	v->item_column[v->nr_items] = column(p, p->p);
	v->nr_items++;
	if (*p->p == '"' || *p->p == '\'')
		return read_string(p, v);
	if (is_bare(*p->p))
		return read_word(p, v);
	return cfg_unexpected(p, "in a list");
}

/* [ item, item, ... ] across lines, comments between items, a last comma allowed */
static int read_list(struct cfg_reader *p, struct value *v, const char *key, size_t key_len)
{
	unsigned int line = p->line;
	char where[PLACE_MAX];

	p->p++;
	for (;;) {
		skip_space_and_lines(p);
		if (*p->p == ']')
			break;
		if (!*p->p)
			goto unclosed;
		if (read_item(p, v))
			return -1;
		skip_space_and_lines(p);
		if (*p->p == ']')
			break;
		if (!*p->p)
			goto unclosed;
		if (*p->p != ',')
			return cfg_unexpected(p, "in a list (a ',' or the closing ']' missing?)");
		p->p++;
	}
	p->p++;
	return 0;
unclosed:
	snprintf(p->err, p->err_size, "%s: %.*s is a list without its closing ']'",
		 cfg_place(p->setting, line, where), (int)key_len, key);
	return -1;
}

int cfg_read_value(struct cfg_reader *p, struct value *v, const char *key, size_t key_len)
{
	memset(v, 0, sizeof(*v));
	if (*p->p == '[') {
		v->kind = VALUE_LIST;
		return read_list(p, v, key, key_len);
	}
	if (*p->p == '"' || *p->p == '\'') {
		v->kind = VALUE_STRING;
		return read_string(p, v);
	}
	v->kind = VALUE_BARE;
	return read_bare(p, v); /* nothing at all is an empty value: `cmdline =` */
}

/* After a value: blanks, a comment, then the end of the line, a ';' or the end of the file. */
int cfg_end_of_setting(struct cfg_reader *p)
{
	cfg_skip_blanks(p);
	cfg_skip_comment(p);
	if (*p->p == ';') {
		p->p++;
		return 0;
	}
	if (*p->p == '\n') {
		cfg_next_line(p);
		return 0;
	}
	return *p->p ? cfg_unexpected(p, "after the value") : 0;
}

int cfg_read_setting(struct cfg_reader *p, struct cfg_setting *s, struct value *v)
{
	cfg_skip_blanks(p);
	cfg_skip_comment(p);
	if (*p->p == '\n') {
		cfg_next_line(p);
		return 0;
	}
	if (*p->p == ';' || !*p->p) {
		p->p += !!*p->p;
		return 0;
	}
	s->key = p->p;
	s->line = p->line;
	s->key_column = column(p, p->p);
	while (cfg_is_key_char(*p->p))
		p->p++;
	s->key_len = (size_t)(p->p - s->key);
	cfg_skip_blanks(p);
	if (!s->key_len || *p->p != '=')
		return cfg_syntax_error(p, p->p, "expected 'key = value'");
	p->p++;
	cfg_skip_blanks(p);
	s->value_column = column(p, p->p);
	if (cfg_read_value(p, v, s->key, s->key_len) || cfg_end_of_setting(p))
		return -1;
	return 1;
}

int cfg_read_number(const char *s, const char **end, unsigned long long *out)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *digits = hex ? s + 2 : s;
	char *stop;

	if (!(hex ? isxdigit((unsigned char)*digits) : isdigit((unsigned char)*digits)))
		return -1;
	errno = 0;
	*out = strtoull(digits, &stop, hex ? 16 : 10);
	*end = stop;
	return errno ? -1 : 0;
}
