/*
 * A back-end that survives its own death (Documentation/virtio.md,
 * "Supervision"): the process xl-lite create started stays a supervisor
 * and forks a worker that serves the device. When the worker dies while
 * the guest's device still exists, another takes the device over; after
 * too many deaths, or a take-over that fails, one last worker serves the
 * device in a failed state (every request an error, nothing waits). Shared
 * by xl-vblk and xl-vnet.
 *
 * Whatever must outlive a worker (the disk's file, the TAP device, dom0's
 * ends of the channels, the device itself) is the supervisor's, set up
 * before the first fork and inherited. Each worker opens /dev/xenlite
 * again, so that its view of the guest's memory goes with it.
 */
#ifndef SUPERVISE_H
#define SUPERVISE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "../libxl-lite.h"

#define SV_RESTARTS_DEFAULT 3u
#define SV_RESTARTS_MAX 100u  /* --restarts' bound: the history is an array of this many */
#define SV_WINDOW_S 60u       /* restarts are counted over this many seconds */
#define SV_MAX_PORTS 2u

/* What a worker is started to do */
enum sv_mode {
	SV_FIRST,     /* serve the device the supervisor set up */
	SV_TAKE_OVER, /* take the device over from a worker that died */
	SV_FAILED,    /* serve it in the failed state: every request an error */
};

/* How a worker ended, as the supervisor saw it */
struct sv_death {
	enum sv_mode mode;   /* what it had been started to do */
	bool exited_0;       /* it ended by itself with status 0: the guest is gone, or it was told to stop */
	bool was_ready;      /* it had said it was serving */
	bool device_exists;  /* the guest's device still answers (XL_VIRTIO_STATE) */
	bool stop_requested; /* the supervisor was told to end (SIGTERM, SIGINT, SIGHUP) */
};

/* What the supervisor does next */
enum sv_action {
	SV_END,        /* exit 0: the worker ended as it should */
	SV_END_ERROR,  /* exit 1: nothing more can serve the device */
	SV_RESTART,    /* a worker in SV_TAKE_OVER */
	SV_GO_FAILED,  /* a worker in SV_FAILED */
};

/* The restarts made, for the limit: at most max within SV_WINDOW_S seconds */
struct sv_history {
	unsigned int max;
	unsigned int n;                 /* entries in at[], oldest first */
	uint64_t at[SV_RESTARTS_MAX];   /* when each was made (seconds, monotonic) */
};

/*
 * The decision after a worker's death, at time now (seconds): pure. A worker
 * that never said it was serving ends the supervisor if it was the first
 * (the device could not be served at all) or the failed-state one, and puts
 * the device into the failed state if it was taking over.
 */
enum sv_action sv_decide(const struct sv_history *h, const struct sv_death *d, uint64_t now);

/* How many restarts h counts at time now (those within SV_WINDOW_S seconds) */
unsigned int sv_recent_restarts(const struct sv_history *h, uint64_t now);

/* A restart made at time now, kept in h (the oldest forgotten once full) */
void sv_note_restart(struct sv_history *h, uint64_t now);

/* The back-end as the supervisor knows it */
struct sv_backend {
	const char *name;    /* "xl-vblk" */
	uint32_t domid;
	int device;          /* the guest's virtio device, once added or taken over */
	uint32_t ports[SV_MAX_PORTS]; /* dom0's ends of the device's channels */
	unsigned int nr_ports;
	unsigned int restarts; /* --restarts */
	int ready_fd;        /* xl-lite create's, or -1 */
	struct xl_handle *h; /* the supervisor's /dev/xenlite; in a worker, opened again (its own) */
	/* the worker: runs in the child, returns its exit status (0: it closed dom0's ports) */
	int (*worker)(void *ctx, enum sv_mode mode);
	void *ctx;
};

/*
 * Runs the back-end: forks workers until one ends with status 0, or
 * nothing more can serve; forwards SIGTERM, SIGINT and SIGHUP to the
 * worker. dom0's ends of the channels are closed if the last worker could
 * not. Returns the supervisor's exit status.
 */
int sv_run(struct sv_backend *s);

/* In a worker: it serves (the supervisor tells xl-lite create for the first). */
void sv_worker_ready(void);

/* In a worker: whether a signal asked it to end (it closes dom0's ports and exits 0) */
bool sv_stopping(void);

/* "exit status 1", "signal 9" of a wait() status, into buf */
const char *sv_status_text(int status, char *buf, unsigned int size);

#endif
