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

#endif
