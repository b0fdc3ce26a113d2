#include "log_capture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAPTURE_MAX 256

static char messages[CAPTURE_MAX][256];
static enum log_level levels[CAPTURE_MAX];
static int count;

void log_capture_reset(void)
{
	count = 0;
}

void xl_log(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (count >= CAPTURE_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(messages[count], sizeof(messages[count]), fmt, ap);
	va_end(ap);
	levels[count] = level;
	if (getenv("XL_TEST_VERBOSE"))
		fprintf(stderr, "log[%d]: %s", level, messages[count]);
	count++;
}

bool log_capture_contains(const char *substr)
{
	for (int i = 0; i < count; i++)
		if (strstr(messages[i], substr))
			return true;
	return false;
}

int log_capture_count(enum log_level level)
{
	int n = 0;

	for (int i = 0; i < count; i++)
		if (levels[i] == level)
			n++;
	return n;
}

jmp_buf assert_env;
bool assert_expected;
char assert_msg[256];

void assert_failed(const char *file, int line, const char *fmt, ...);

void assert_failed(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(assert_msg, sizeof(assert_msg), fmt, ap);
	va_end(ap);
	if (assert_expected) {
		assert_expected = false;
		longjmp(assert_env, 1);
	}
	fail_msg("unexpected assertion at %s:%d: %s", file, line, assert_msg);
	abort();
}

/* the interrupt flag of tests/unit/host/arch/irqflags.h: on, as in the hypervisor's normal paths */
bool host_irqs_on = true;
