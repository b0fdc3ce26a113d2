/*
 * Logging interface used by every part of the core, including the pure
 * parsers that are also built for host unit tests (which supply their own
 * xl_log that records messages so tests can assert on them).
 */
#ifndef XEN_LITE_LOG_H
#define XEN_LITE_LOG_H

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

__attribute__((format(printf, 2, 3))) void xl_log(enum log_level level, const char *fmt, ...);

#define log_err(...) xl_log(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) xl_log(LOG_WARN, __VA_ARGS__)
#define log_info(...) xl_log(LOG_INFO, __VA_ARGS__)
#define log_debug(...) xl_log(LOG_DEBUG, __VA_ARGS__)

#endif
