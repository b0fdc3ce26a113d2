/* Lines out of chunks of text (see xl-fi-lines.h). */
#include <string.h>

#include "xl-fi-lines.h"

static void hand_on(struct xl_fi_lines *l, xl_fi_line_fn fn, void *ctx)
{
	while (l->len && l->line[l->len - 1] == '\r')
		l->len--;
	l->line[l->len] = '\0';
	fn(ctx, l->line);
	l->len = 0;
}

void xl_fi_lines_feed(struct xl_fi_lines *l, const char *data, size_t n, xl_fi_line_fn fn, void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		if (data[i] == '\n') {
			hand_on(l, fn, ctx);
			continue;
		}
		if (l->len == XL_FI_LINE_MAX - 1)
			hand_on(l, fn, ctx);
		/* a NUL would end the line early for strstr: the text goes on */
		l->line[l->len++] = data[i] ? data[i] : ' ';
	}
}

void xl_fi_lines_reset(struct xl_fi_lines *l)
{
	l->len = 0;
}

bool xl_fi_patterns_match(const struct xl_fi_patterns *p, const char *line)
{
	for (unsigned int i = 0; i < p->n && i < XL_FI_PATTERNS_MAX; i++)
		if (strstr(line, p->text[i]))
			return true;
	return false;
}

/* The line without the log's "(XL) " and "[  12.345678] " in front. */
static const char *message_of(const char *line)
{
	if (!strncmp(line, "(XL) ", 5))
		line += 5;
	if (line[0] == '[') {
		const char *end = strchr(line, ']');

		if (end)
			line = end + 1 + (end[1] == ' ');
	}
	return line;
}

bool xl_fi_hypervisor_alarm(const char *line)
{
	const char *m = message_of(line);

	if (!strncmp(m, "(d", 2))
		return false;
	return strstr(m, "PANIC") || strstr(m, "ASSERT") || strstr(m, "assertion '");
}
