/*
 * xl-lited's watch over the guests' back-ends: each one xl-lite create
 * started is recorded (XL_LITED_BACKEND_DIR/DOMID.DEVICE, xl-backend.c).
 * About once a second the records are read; when every process of a
 * back-end's session (its supervisor and its worker) is gone while its guest
 * runs or is paused, the same program is started again with --resume DEVICE
 * (taking the device over, as by hand), at most XL_LITED_BACKEND_RESTARTS
 * times in XL_LITED_BACKEND_WINDOW_S. Records of guests no longer listed are
 * removed.
 */
#ifndef XL_LITED_BACKENDS_H
#define XL_LITED_BACKENDS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "xl-lited-rules.h"

#define LITED_BACKENDS_MAX 64

struct lited_backend_watch {
	uint32_t domid;
	unsigned int device;
	pid_t child; /* one the daemon started (reaped by it), 0 when none */
	double restarts[XL_LITED_BACKEND_RESTARTS]; /* CLOCK_MONOTONIC seconds, oldest first */
	unsigned int nr_restarts;
	bool gave_up;
};

struct lited_backends {
	struct lited_backend_watch w[LITED_BACKENDS_MAX];
	unsigned int n, round;
};

/* One round over the domains listed (doms[0..n)); acts once every few rounds. */
void lited_backends_round(struct lited_backends *bs, const struct xl_domain_info *doms, unsigned int n);

#endif
