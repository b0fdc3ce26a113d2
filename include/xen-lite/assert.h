/*
 * Assertions for invariants that only a hypervisor bug can break (never for
 * anything a guest controls). A failed assertion stops the machine through
 * panic() with the file, line and condition.
 */
#ifndef XEN_LITE_ASSERT_H
#define XEN_LITE_ASSERT_H

__attribute__((noreturn, format(printf, 3, 4))) void assert_failed(const char *file, int line,
								   const char *fmt, ...);

#define ASSERT(cond)                                                                   \
	do {                                                                           \
		if (!(cond))                                                           \
			assert_failed(__FILE__, __LINE__, "assertion '%s' failed", #cond); \
	} while (0)

#define ASSERT_MSG(cond, ...)                                       \
	do {                                                        \
		if (!(cond))                                        \
			assert_failed(__FILE__, __LINE__, __VA_ARGS__); \
	} while (0)

#endif
