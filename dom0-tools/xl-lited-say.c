/* xl-lited's messages (xl-lited-say.h). */
#include <stdarg.h>
#include <stdio.h>

#include "xl-lited-say.h"

static bool use_syslog;

void lited_say_to_syslog(bool yes)
{
	use_syslog = yes;
	if (yes)
		openlog("xl-lited", LOG_PID, LOG_DAEMON);
}

static void say(int prio, const char *fmt, va_list ap, const char *tail)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (use_syslog)
		syslog(prio, "%s%s", msg, tail);
	else
		fprintf(stderr, "xl-lited: %s%s\n", msg, tail);
}

void lited_say(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(prio, fmt, ap, "");
	va_end(ap);
}

void lited_say_err(int prio, const struct xl_error *e, const char *fmt, ...)
{
	char why[300], tail[320];
	va_list ap;

	snprintf(tail, sizeof(tail), ": %s", xl_error_message(e, why, sizeof(why)));
	va_start(ap, fmt);
	say(prio, fmt, ap, tail);
	va_end(ap);
}
