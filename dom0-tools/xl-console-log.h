/*
 * xl-lite console while xl-lited logs the domain: the hypervisor's console
 * ring has one reader, the daemon, so the console is the log it publishes
 * (XL_LITED_CONSOLE_DIR/DOMID): its last XL_LITED_TAIL_BYTES from a line
 * start (from the domain's start line when they hold it), then what the
 * daemon appends. Input still goes straight to the guest.
 */
#ifndef XL_CONSOLE_LOG_H
#define XL_CONSOLE_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct xl_console_log {
	int fd;
	uint32_t domid;
	long daemon_pid;
	unsigned int idle_rounds; /* drains without output: the daemon is checked every so many */
};

/*
 * 1 with l open on domid's log when xl-lited runs (its pid file names a
 * live process) and publishes it, waiting up to wait_ms for the link of a
 * domain just created; 0 when the console is to be read directly (no
 * daemon, or it does not log domid: said on err).
 */
int xl_console_log_open(struct xl_console_log *l, uint32_t domid, unsigned int wait_ms, FILE *err);

/* The log's tail, printed once after opening. */
void xl_console_log_tail(struct xl_console_log *l, FILE *out);

#define XL_CONSOLE_LOG_DONE (-2) /* the daemon no longer writes the log: all of it printed */

/* What the daemon appended since, printed: bytes, XL_CONSOLE_LOG_DONE, or -1 (errno). */
int64_t xl_console_log_drain(struct xl_console_log *l, FILE *out);

/* The same into buf, at most size bytes (xl-lite run reads it as lines). */
int64_t xl_console_log_read(struct xl_console_log *l, char *buf, size_t size);

/* Instead of the tail: the log from its end on (what was there is not wanted). */
void xl_console_log_skip(struct xl_console_log *l);

void xl_console_log_close(struct xl_console_log *l);

#endif
