/*
 * xl-lited's messages: on stderr in the foreground (-f: systemd's journal
 * takes them), else to syslog (daemon facility). Each names the domain or
 * the file it is about.
 */
#ifndef XL_LITED_SAY_H
#define XL_LITED_SAY_H

#include <stdbool.h>
#include <syslog.h>

#include "libxl-lite.h"

void lited_say_to_syslog(bool yes);

/* One message of priority prio (LOG_ERR, LOG_WARNING, LOG_INFO). */
__attribute__((format(printf, 2, 3))) void lited_say(int prio, const char *fmt, ...);

/* The same ending with ": " and libxl-lite's error (e) as xl-lite says it. */
__attribute__((format(printf, 3, 4))) void lited_say_err(int prio, const struct xl_error *e,
							 const char *fmt, ...);

#endif
