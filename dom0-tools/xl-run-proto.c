/* xl-lite run's line protocol (see xl-run-proto.h). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "xl-run-proto.h"

static const char base64_digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* src's n bytes in base64 (with '=' padding) at out, which has room; the length written */
static size_t base64_encode(char *out, const unsigned char *src, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)src[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)src[i + 1] << 8;
		if (i + 2 < n)
			v |= src[i + 2];
		out[o++] = base64_digits[v >> 18 & 63];
		out[o++] = base64_digits[v >> 12 & 63];
		out[o++] = i + 1 < n ? base64_digits[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? base64_digits[v & 63] : '=';
	}
	return o;
}

size_t xl_run_request(char *out, size_t size, const char *token, const char *command)
{
	size_t tag = strlen(XL_RUN_TAG), tok = strlen(token), cmd = strlen(command);
	size_t need = tag + 1 + tok + 1 + (cmd + 2) / 3 * 4 + 1;
	size_t len;

	if (!cmd || cmd > XL_RUN_MAX_COMMAND || need + 1 > size)
		return 0;
	memcpy(out, XL_RUN_TAG " ", tag + 1);
	memcpy(out + tag + 1, token, tok);
	len = tag + 1 + tok;
	out[len++] = ' ';
	len += base64_encode(out + len, (const unsigned char *)command, cmd);
	out[len++] = '\n';
	out[len] = '\0';
	return len;
}

/* "WORD " at *p (within end): moves *p past it; whether it was there */
static bool skip_word(const char **p, const char *end, const char *word, size_t n)
{
	if ((size_t)(end - *p) < n + 1 || memcmp(*p, word, n) || (*p)[n] != ' ')
		return false;
	*p += n + 1;
	return true;
}

/* "0" to "255" exactly */
static bool parse_status(const char *p, const char *end, int *status)
{
	int v = 0;

	if (p == end || end - p > 3 || (*p == '0' && end - p > 1))
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	if (v > 255)
		return false;
	*status = v;
	return true;
}

enum xl_run_line_kind xl_run_parse_line(const char *line, size_t len, const char *token, const char **text,
					size_t *text_len, int *status)
{
	const char *p = line, *end = line + len;

	if (len && end[-1] == '\r')
		end--;
	if (!skip_word(&p, end, XL_RUN_TAG, strlen(XL_RUN_TAG)) || !skip_word(&p, end, token, strlen(token)))
		return XL_RUN_LINE_OTHER;
	if (skip_word(&p, end, "out", 3)) {
		*text = p;
		*text_len = (size_t)(end - p);
		return XL_RUN_LINE_OUT;
	}
	/* an empty line of output: "out" and nothing after it, its space maybe trimmed */
	if (end - p == 3 && !memcmp(p, "out", 3)) {
		*text = end;
		*text_len = 0;
		return XL_RUN_LINE_OUT;
	}
	if (end - p == 5 && !memcmp(p, "start", 5))
		return XL_RUN_LINE_START;
	if (skip_word(&p, end, "exit", 4) && parse_status(p, end, status))
		return XL_RUN_LINE_EXIT;
	return XL_RUN_LINE_OTHER;
}

/* the line handed out last is done with */
static void drop_handed(struct xl_run_lines *l)
{
	memmove(l->buf, l->buf + l->handed, l->len - l->handed);
	l->len -= l->handed;
	l->handed = 0;
}

int xl_run_next_line(struct xl_run_lines *l, const char **line, size_t *len)
{
	char *nl;

	drop_handed(l);
	nl = memchr(l->buf, '\n', l->len);
	if (nl) {
		*line = l->buf;
		*len = (size_t)(nl - l->buf);
		l->handed = *len + 1;
		return 1;
	}
	if (l->len == sizeof(l->buf)) { /* a line longer than the buffer: in pieces */
		*line = l->buf;
		*len = l->len;
		l->handed = l->len;
		return 1;
	}
	return 0;
}

size_t xl_run_add(struct xl_run_lines *l, const char *data, size_t n)
{
	size_t room;

	drop_handed(l);
	room = sizeof(l->buf) - l->len;
	if (n > room)
		n = room;
	memcpy(l->buf + l->len, data, n);
	l->len += n;
	return n;
}
