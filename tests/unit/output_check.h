/*
 * Output checks for the host tests of dom0's tools (output_check.c): a
 * FILE written to memory, and a strict JSON checker.
 */
#ifndef TESTS_OUTPUT_CHECK_H
#define TESTS_OUTPUT_CHECK_H

#include <stddef.h>
#include <stdio.h>

struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

void cap_open(struct capture *c);
/* the text written so far (owned by c until cap_free) */
const char *cap_text(struct capture *c);
void cap_free(struct capture *c);

/*
 * fn(ctx) run with the process's stdout and stderr (fds 1 and 2) going to
 * files; what each got into out and err (NUL-terminated, cut to their
 * sizes). Returns fn's result.
 */
int run_captured(int (*fn)(void *ctx), void *ctx, char *out, size_t out_size, char *err, size_t err_size);

/* One JSON value at p (after blanks): the text after it, or NULL when it is not valid JSON. */
const char *json_value(const char *p, int depth);
/* One JSON object on one line, ending with a newline (a cmocka assertion). */
void assert_json_line(const char *s);

#endif
