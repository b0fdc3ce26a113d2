/* xl-lite's command line for the host tests (see parse_capture.h). */
#include <stdio.h>

#include "output_check.h"
#include "parse_capture.h"

#define MAX_WORDS 14

int xl_parse_captured_v(struct xl_args *a, char *err, size_t errsize, const char *first, va_list ap)
{
	char *argv[MAX_WORDS + 2] = { "xl-lite" };
	int argc = 1, rc;
	struct capture c;
	char *s;

	if (first)
		argv[argc++] = (char *)first;
	while ((s = va_arg(ap, char *)) && argc <= MAX_WORDS)
		argv[argc++] = s;
	argv[argc] = NULL;
	cap_open(&c);
	rc = xl_parse_args(argc, argv, a, c.f);
	snprintf(err, errsize, "%s", cap_text(&c) ? cap_text(&c) : "");
	cap_free(&c);
	return rc;
}

int xl_parse_captured(struct xl_args *a, char *err, size_t errsize, ...)
{
	va_list ap;
	int rc;

	va_start(ap, errsize);
	rc = xl_parse_captured_v(a, err, errsize, NULL, ap);
	va_end(ap);
	return rc;
}
