/*
 * xl-lite run's line protocol with a guest's agent over its console
 * (Documentation/tools.md, "run"): pure functions, so that the host unit
 * tests (tests/unit/test_xl_run.c) check them without a hypervisor.
 *
 *   dom0 -> guest:  "@xl-run TOKEN BASE64\n"      BASE64: the command for sh -c
 *   guest -> dom0:  "@xl-run TOKEN start\n"       the agent took it (at once)
 *                   "@xl-run TOKEN out TEXT\n"    a line of its output
 *                   "@xl-run TOKEN exit STATUS\n"  it ended, with that status
 *
 * TOKEN is fresh for every run, so lines of an earlier run, or anything else
 * on the console, are never taken for this one's.
 */
#ifndef XL_RUN_PROTO_H
#define XL_RUN_PROTO_H

#include <stddef.h>

#define XL_RUN_TAG "@xl-run"
#define XL_RUN_TOKEN_LEN 16 /* hex digits */
/* the command line as the guest's shell gets it, quoted: a tty line holds 4095 bytes */
#define XL_RUN_MAX_COMMAND 2048
#define XL_RUN_MAX_REQUEST (sizeof(XL_RUN_TAG) + XL_RUN_TOKEN_LEN + 2 + (XL_RUN_MAX_COMMAND + 2) / 3 * 4 + 2)

/* The request line for command (NUL-terminated) into out; its length, 0 if it does not fit. */
size_t xl_run_request(char *out, size_t size, const char *token, const char *command);

enum xl_run_line_kind {
	XL_RUN_LINE_OTHER, /* not this run's: kernel messages, another run's, junk */
	XL_RUN_LINE_START, /* the agent has the request */
	XL_RUN_LINE_OUT, /* *text, *text_len: a line of output (without its end) */
	XL_RUN_LINE_EXIT, /* *status: 0-255 */
};

/*
 * One console line (without its '\n'; a '\r' before it is dropped) read
 * against token. A line that claims this run's token but is malformed (an
 * exit status that is not 0-255) is OTHER: the guest is not trusted.
 */
enum xl_run_line_kind xl_run_parse_line(const char *line, size_t len, const char *token, const char **text,
					size_t *text_len, int *status);

/*
 * A console stream cut into lines: bytes are added as they come, whole lines
 * handed out. A line longer than the buffer is handed out in pieces.
 */
struct xl_run_lines {
	char buf[4096];
	size_t len; /* bytes held */
	size_t handed; /* the last line handed out, its end included: dropped at the next call */
};

/*
 * The next whole line in l (its '\n' dropped) into *line, *len, or 0 when
 * none is there yet. The line stays valid until the next call.
 */
int xl_run_next_line(struct xl_run_lines *l, const char **line, size_t *len);
/* Add bytes; returns how many were taken (all, unless the buffer holds an unfinished full line). */
size_t xl_run_add(struct xl_run_lines *l, const char *data, size_t n);

#endif
