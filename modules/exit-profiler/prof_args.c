/* The exit profiler's load argument (see prof_args.h). */
#include <xen-lite/errno.h>
#include <xen-lite/string.h>

#include "prof_args.h"

#define REASONS_KEY "reasons="

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* The length of the text at s up to a blank, the end, or stop. */
static size_t span(const char *s, char stop)
{
	size_t n = 0;

	while (s[n] && !is_blank(s[n]) && s[n] != stop)
		n++;
	return n;
}

static int refuse(struct prof_arg_error *err, const char *at, size_t len)
{
	err->at = at;
	err->len = len;
	return -EINVAL;
}

/* The reason named by s[0, len), or -1. */
static int reason_of(const char *s, size_t len, uint32_t nr_reasons,
		     const char *(*reason_name)(uint32_t))
{
	for (uint32_t r = 0; r < nr_reasons && r < 32; r++) {
		const char *name = reason_name(r);

		if (strlen(name) == len && !memcmp(name, s, len))
			return (int)r;
	}
	return -1;
}

/* NAME[,NAME...] at s, up to the word's end: the bits into *mask, or the name refused. */
static int parse_reasons(const char *s, uint32_t nr_reasons, const char *(*reason_name)(uint32_t),
			 uint32_t *mask, struct prof_arg_error *err)
{
	for (;;) {
		size_t len = span(s, ',');
		int r = reason_of(s, len, nr_reasons, reason_name);

		if (r < 0)
			return refuse(err, s, len);
		*mask |= 1u << r;
		if (s[len] != ',')
			return 0;
		s += len + 1;
	}
}

int prof_parse_args(const char *args, uint32_t nr_reasons, const char *(*reason_name)(uint32_t),
		    uint32_t *mask, struct prof_arg_error *err)
{
	const char *p = args ? args : "";
	size_t key = strlen(REASONS_KEY);

	*mask = 0;
	while (*p) {
		size_t len = span(p, '\0');
		int rc;

		if (!len) {
			p++; /* a blank between words */
			continue;
		}
		if (len <= key || memcmp(p, REASONS_KEY, key))
			return refuse(err, p, len);
		rc = parse_reasons(p + key, nr_reasons, reason_name, mask, err);
		if (rc)
			return rc;
		p += len;
	}
	return 0;
}
