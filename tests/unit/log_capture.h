/* Host-test replacement for the hypervisor console: records xl_log messages. */
#ifndef TESTS_LOG_CAPTURE_H
#define TESTS_LOG_CAPTURE_H

#include <stdbool.h>
#include <xen-lite/log.h>

void log_capture_reset(void);
/* True if any message recorded since the last reset contains substr. */
bool log_capture_contains(const char *substr);
/* Number of messages at exactly this level since the last reset. */
int log_capture_count(enum log_level level);

/*
 * Assertion capture: the hypervisor's ASSERT() calls assert_failed(), which
 * the test support provides. Outside EXPECT_ASSERT an assertion fails the
 * test; inside, it is expected and control returns to after the statement.
 * The message is left in assert_msg.
 */
#include <setjmp.h>

extern jmp_buf assert_env;
extern bool assert_expected;
extern char assert_msg[256];

#define EXPECT_ASSERT(stmt)                                                \
	do {                                                               \
		assert_msg[0] = '\0';                                      \
		assert_expected = true;                                    \
		if (!setjmp(assert_env)) {                                 \
			stmt;                                              \
			assert_expected = false;                           \
			fail_msg("'%s' did not fail an assertion", #stmt); \
		}                                                          \
	} while (0)

#endif
