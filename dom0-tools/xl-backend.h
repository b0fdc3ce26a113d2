/*
 * The back-ends `xl-lite create` starts for a guest's virtio devices
 * (xl-disk.c: xl-vblk per disk, xl-vif.c: xl-vnet per interface): found
 * next to xl-lite or in PATH, each started while the guest is paused in a
 * session of its own (it outlives xl-lite and its terminal), its output
 * appended to a log, and waited for until it says its device is added (a
 * byte on --ready-fd 3). Back-ends end by themselves when their guest is
 * destroyed: destroy needs nothing of xl-lite.
 */
#ifndef XL_BACKEND_H
#define XL_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "xen-lite-abi.h"

/* The back-ends one create started, in order: ended if a later step fails. */
struct xl_backends {
	pid_t pid[2 * XL_VIRTIO_MAX_DEVICES];
	unsigned int n;
};

/* One back-end to start. */
struct xl_backend {
	const char *file; /* the configuration, for messages */
	const char *what; /* "disk xvdb (/srv/b.img)", "vif 0 (xlv3.0)": for messages */
	const char *path; /* the program (xl_backend_find) */
	const char *name; /* its argv[0] */
	const char *const *args; /* after "--ready-fd 3", NULL-terminated */
	const char *log_name; /* "vblk-NAME-VDEV.log": in the log directory */
	const char *timeout_var; /* the environment variable of its time to be ready: "XL_VBLK_READY_TIMEOUT_S" */
	uint32_t domid; /* the guest: its record for xl-lited is XL_LITED_BACKEND_DIR/DOMID.DEVICE */
};

/*
 * The program prog's path into path: next to the running xl-lite
 * (/proc/self/exe's directory), else in PATH. 0, or -1 when there is none.
 */
int xl_backend_find(const char *prog, char *path, size_t size);

/*
 * Start b and wait for its byte: its output appended to log_name in
 * /var/log/xen-lite (XL_VBLK_LOG_DIR in the environment sets another), made
 * if need be, else in /tmp; waited for 10 s, or the seconds timeout_var
 * says (1 to 3600). 0 with its pid added to started, or -1 after saying why
 * on stderr with the end of its log (the back-end, if still there, killed:
 * its process group, so a supervised back-end's worker too). Once ready it
 * is recorded for xl-lited, where it has run since boot
 * (XL_LITED_BACKEND_DIR/DOMID.DEVICE, the device's
 * index being the count of back-ends started before it: each adds one, in
 * order), which starts it again with --resume if the whole of it dies
 * while the guest runs; a record that cannot be written is not an error.
 */
int xl_backend_start(const struct xl_backend *b, struct xl_backends *started);

/*
 * End the back-ends started (SIGTERM, which a supervisor forwards to its
 * worker; each waited for), last first.
 */
void xl_backends_stop(struct xl_backends *started);

#endif
