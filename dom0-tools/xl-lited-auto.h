/*
 * xl-lited's auto guests: at start, each *.cfg of the auto directory
 * (sorted by name) created the way an operator does it - by running
 * `xl-lite create FILE`, one at a time, its output relayed as the daemon's
 * messages - unless a domain of its name is already listed. A file that
 * fails is said and the next one still tried. Running xl-lite rather than
 * calling its code keeps one create path (back-ends, policies, segments,
 * its checks and messages) and keeps the daemon draining consoles while a
 * create waits for its back-ends.
 */
#ifndef XL_LITED_AUTO_H
#define XL_LITED_AUTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libxl-lite.h"

struct lited_auto {
	char dir[256];
	char **files; /* names in the directory, sorted */
	unsigned int n, next;
	char xl_lite[256]; /* the xl-lite that creates them: next to xl-lited, else in PATH */
	pid_t child; /* the create running, 0 when none */
	int out_fd; /* its stdout and stderr */
	double started_s; /* CLOCK_MONOTONIC, for its bound */
	char out[1024]; /* a line of its output begun */
	size_t out_len;
	char last[64]; /* its last line: the new domain's id */
	unsigned int created, failed, skipped;
	bool stopped, summarized;
};

/* The auto directory's guests, in order; a missing directory has none. 0, or -1 (said why). */
int lited_auto_load(struct lited_auto *a, const char *dir);

/*
 * One round, given the domains listed: the running create's output relayed
 * and its end reaped; else the next file's create started (or skipped).
 */
void lited_auto_round(struct lited_auto *a, const struct xl_domain_info *doms, unsigned int n);

/* Whether files are still to be created or a create runs. */
bool lited_auto_busy(const struct lited_auto *a);

/* The daemon stops: no further file is tried; a create running is waited for (its output relayed). */
void lited_auto_stop(struct lited_auto *a);

void lited_auto_free(struct lited_auto *a);

#endif
