/*
 * The xl.cfg syntax as xl-cfg.c reads it (xl-cfg-syntax.c): a reader over
 * the text of a file or of one command-line setting, the values it yields
 * (bare words, strings, lists) and its errors, which name the line and
 * column (or the setting) they were found at.
 */
#ifndef XL_CFG_SYNTAX_H
#define XL_CFG_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>

#define VALUE_MAX 8192 /* a value's text once escapes are resolved, NUL included (a long cpuid list) */
#define LIST_MAX 64 /* items in one list: a cpuid list of one register each takes 64 */

enum value_kind { VALUE_BARE, VALUE_STRING, VALUE_LIST };

/*
 * One setting's value. A string or a bare value is text; a list's items
 * are in text one after the other, each NUL-terminated.
 */
struct value {
	enum value_kind kind;
	char text[VALUE_MAX];
	size_t used; /* bytes of text filled, NULs included */
	const char *item[LIST_MAX];
	bool item_quoted[LIST_MAX];
	/* where each item starts (its quote, for a string): line and column, as errors count them */
	unsigned int item_line[LIST_MAX], item_column[LIST_MAX];
	unsigned int nr_items;
};

struct cfg_reader {
	const char *p; /* the next character to read */
	const char *line_start;
	unsigned int line;
	const char *setting; /* reading a setting from the command line (its text), NULL: the file */
	char *err; /* where an error is written */
	size_t err_size;
};

#define PLACE_MAX 80

/* Where something is: "line 3" of the file, or "setting 'memory=x'" from the command line (buf: PLACE_MAX). */
const char *cfg_place(const char *setting, unsigned int line, char *buf);
/* A syntax error at character `at` of the current line, into r->err: "line L, column C: ...". -1. */
__attribute__((format(printf, 3, 4))) int cfg_syntax_error(struct cfg_reader *r, const char *at, const char *fmt, ...);
/* 'c', or byte 0xNN for a character that would not print (buf: at least 16 bytes). Returns buf. */
const char *cfg_char_text(char c, char *buf, size_t size);
/* What may name a key. */
bool cfg_is_key_char(char c);
void cfg_skip_blanks(struct cfg_reader *r);
/* A '#' comment, to the end of the line. */
void cfg_skip_comment(struct cfg_reader *r);
/* Past the newline at r->p. */
void cfg_next_line(struct cfg_reader *r);
/* A value at r->p: a list, a string or bare words (key names a list that is never closed). 0 or -1. */
int cfg_read_value(struct cfg_reader *r, struct value *v, const char *key, size_t key_len);
/*
 * A number in decimal or hex (0x...) at the start of s, never octal: "010"
 * is 10, as a reader expects. *end is where it stops. -1 if s does not start
 * with a digit, or the number does not fit.
 */
int cfg_read_number(const char *s, const char **end, unsigned long long *out);
/* After a value: blanks, a comment, then the end of the line, a ';' or the end of the text. 0 or -1. */
int cfg_end_of_setting(struct cfg_reader *r);

/* One `key = value` as read: the key (not NUL-terminated) and where it and its value start. */
struct cfg_setting {
	const char *key;
	size_t key_len;
	unsigned int line; /* the key's line */
	unsigned int key_column, value_column;
};

/*
 * The next thing at r->p: 1 with a setting (its value in *v, the reader
 * past its end), 0 for nothing (an empty line, a comment alone, a ';', the
 * end of the text: the reader past it), -1 for a syntax error (r->err).
 */
int cfg_read_setting(struct cfg_reader *r, struct cfg_setting *s, struct value *v);

#endif
