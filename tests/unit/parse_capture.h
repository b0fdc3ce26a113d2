/*
 * xl-lite's command line as the host tests give it (tests/unit/
 * parse_capture.c): the words after "xl-lite", parsed by xl_parse_args(),
 * and what it printed.
 */
#ifndef TESTS_PARSE_CAPTURE_H
#define TESTS_PARSE_CAPTURE_H

#include <stdarg.h>
#include <stddef.h>

#include "../../dom0-tools/xl-args.h"

/* The words (NULL after the last, at most 14) into *a; the messages into err. Returns the exit status. */
int xl_parse_captured(struct xl_args *a, char *err, size_t errsize, ...);
/* The same with first (when not NULL) before the words of ap. */
int xl_parse_captured_v(struct xl_args *a, char *err, size_t errsize, const char *first, va_list ap);

#endif
