/*
 * The pure decisions of the dom0 supervisor xl-lited (xl-lited.c) and of
 * `xl-lite console` while it runs: where a guest's console log goes, which
 * files of the auto directory are guests and whether one is created, which
 * hypervisor log lines are about a domain, and where a console attached to
 * a log starts printing. No I/O here: tests/unit/test_xl_lited.c runs them.
 * Documentation/tools.md ("xl-lited").
 */
#ifndef XL_LITED_RULES_H
#define XL_LITED_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen-lite-abi.h"

/* where the daemon says it runs, and publishes the consoles it logs (one symlink per domain id) */
#define XL_LITED_RUN_DIR "/run/xen-lite"
#define XL_LITED_PID_FILE XL_LITED_RUN_DIR "/xl-lited.pid"
#define XL_LITED_CONSOLE_DIR XL_LITED_RUN_DIR "/console"
/* one file per back-end xl-lite create started, DOMID.DEVICE: how to start it again */
#define XL_LITED_BACKEND_DIR XL_LITED_RUN_DIR "/backends"
#define XL_LITED_LOG_DIR "/var/log/xen-lite"
#define XL_LITED_AUTO_DIR "/etc/xen-lite/auto"

/* what `xl-lite console` prints of a log before following it: the hypervisor's console ring */
#define XL_LITED_TAIL_BYTES (16 * 1024)

/*
 * The log file's name (no directory) of the domain named name:
 * "guest-NAME.log", each byte of NAME outside [A-Za-z0-9._-] written as %XX
 * (so '/' can never leave the directory and two names never share a file).
 * The length, or -1 for an empty name, one longer than a domain name can be,
 * or a buffer too small.
 */
int xl_lited_log_name(const char *name, char *out, size_t size);

/* Whether a file name of the auto directory is a guest: "*.cfg", not hidden, not just ".cfg". */
bool xl_lited_is_auto_cfg(const char *file);

/* qsort's order of the auto files: byte by byte (strcmp), as `ls` in the C locale. */
int xl_lited_auto_order(const void *a, const void *b);

/*
 * Whether a guest named name is created from the auto directory, given the
 * domains listed: not when a domain of that name is listed in any state
 * but dying (running, paused, or kept after its end: names are unique).
 */
bool xl_lited_auto_wanted(const char *name, const struct xl_domain_info *doms, unsigned int n);

/*
 * Whether a hypervisor log line (len bytes, no newline) is about a domain:
 * after its "(XL) [time] " it holds "domain dN (NAME)" - the hypervisor's
 * form for a domain's events (started, crashed, destroyed, restarted as).
 * *domid and the name (into name, name_size bytes) are set when it is. A
 * guest's console line ("(dN NAME) text") never is, whatever its text.
 */
bool xl_lited_hv_line_domain(const char *line, size_t len, uint32_t *domid, char *name,
			     size_t name_size);

/*
 * Whether it is a line of a guest's console as the hypervisor logs it,
 * "(XL) [time] (dN NAME) text": *domid, name and *text_at (where the
 * guest's text starts) set. The daemon takes a guest's last lines from
 * these when it was destroyed before its console ring was drained.
 */
bool xl_lited_hv_console_line(const char *line, size_t len, uint32_t *domid, char *name,
			      size_t name_size, size_t *text_at);

/* The line the daemon writes to a log when it starts logging domid: its start, for the tail below. */
#define XL_LITED_MARK_STARTED "[xl-lited] domain %u (%s) started"

/*
 * Where `xl-lite console DOMID` starts printing a log, in tail (the last
 * len bytes of the file; at_file_start: they are the whole file): at the
 * line the daemon wrote when domid started, if tail holds it (the last such
 * line: a name's log holds every domain that had it), else at the first
 * line that starts in tail (a cut line is not printed half). An offset into
 * tail, len when nothing is to be printed. A start line is one that begins
 * "[xl-lited] domain DOMID (" and holds ") started".
 */
size_t xl_lited_tail_start(const char *tail, size_t len, bool at_file_start, uint32_t domid);

/*
 * A back-end as xl-lite create started it (XL_LITED_BACKEND_DIR/DOMID.DEVICE):
 * its pid, its device's index, the log it appends to, the program and its
 * arguments (without --ready-fd). On the wire: those fields in that order,
 * each ended by a NUL.
 */
#define XL_LITED_BACKEND_MAX_ARGS 16
struct xl_lited_backend {
	long pid;
	unsigned int device;
	const char *log, *path, *name;
	const char *args[XL_LITED_BACKEND_MAX_ARGS + 1]; /* NULL-terminated */
	unsigned int nargs;
};

/* b into buf (size bytes): its length, or -1 when it does not fit or a field is empty. */
int xl_lited_backend_format(const struct xl_lited_backend *b, char *buf, size_t size);

/*
 * A record read back (buf[0, len), kept: the strings point into it): 0, or
 * -1 for anything malformed (a field missing or empty, a pid or device not a
 * decimal number in range, more than XL_LITED_BACKEND_MAX_ARGS arguments, an
 * unterminated last field, a path not absolute).
 */
int xl_lited_backend_parse(const char *buf, size_t len, struct xl_lited_backend *b);

/*
 * The restart decision for a back-end found dead: whether another may be
 * started now, given the times (seconds) of its earlier restarts, newest
 * last: at most 3 within 60 s, as each back-end's own supervisor allows.
 */
#define XL_LITED_BACKEND_RESTARTS 3
#define XL_LITED_BACKEND_WINDOW_S 60
bool xl_lited_backend_may_restart(const double *times, unsigned int n, double now);

#endif
