/*
 * Guests' lifecycle, for every kind (ELF kernels, Linux) and every path
 * (dom0's DOMCTL requests, the hypervisor's own boot modules): create,
 * load, build, start, restart and reap (xen-lite/guest.c). The callers
 * decode and validate their requests; these functions act, and each either
 * succeeds or leaves nothing behind.
 */
#ifndef XEN_LITE_GUEST_H
#define XEN_LITE_GUEST_H

#include <xen-lite/addr.h>
#include <xen-lite/guest_end.h>
#include <xen-lite/types.h>

struct domain;

struct guest_config {
	const char *name;
	uint32_t type; /* XL_GUEST_ELF or XL_GUEST_LINUX */
	uint64_t mem; /* bytes, a multiple of 4 KiB, within the kind's limits */
	const char *cmdline; /* kept (at most XL_CMDLINE_MAX - 1 bytes) for a restart */
	struct guest_end_actions end_actions; /* on_poweroff, on_reboot, on_crash */
	bool start_paused; /* built, then left paused: an UNPAUSE runs it */
	const unsigned int *cpus; /* vCPU i on cpus[i], each free (pcpu_choose()) */
	unsigned int nr_vcpus;
};

/*
 * A building domain with its memory (laid out for its kind, not zeroed
 * yet) and its vCPUs on their CPUs. NULL with *err set; nothing is left.
 */
struct domain *guest_create(const struct guest_config *c, int *err);

/* Room for the images it will be built from, zeroed: the kernel, then the ramdisk. 0 or -ENOMEM. */
int guest_alloc_images(struct domain *d, uint64_t kernel_size, uint64_t ramdisk_size);
/* Copy len bytes of image from another domain's memory at src to offset; 0 or -EFAULT. */
int guest_load_images(struct domain *d, uint64_t offset, struct domain *from, gpa_t src,
		      uint64_t len);

/*
 * Zero what is left of its memory and build it for its kind from a kernel
 * (and a ramdisk, Linux only) with a command line: it stays building, ready
 * to start. An error leaves the domain for the caller to destroy.
 */
int guest_build(struct domain *d, const void *kernel, uint64_t kernel_size, const void *ramdisk,
		uint64_t ramdisk_size, const char *cmdline);
/* Run a built domain (its memory and first CPU are logged). */
int guest_start(struct domain *d);
/*
 * Build from the loaded images and start. The images are kept when an end
 * restarts it (guest_end_restarts()), freed otherwise; a domain that cannot
 * start is destroyed.
 */
int guest_launch(struct domain *d);

/*
 * dom0 asks a running or paused guest to power off (or, with
 * XL_SHUTDOWN_REBOOT_FLAG in flags, to reboot); it sees the request through
 * XL_SHUTDOWN_QUERY. A reboot is asked only of a guest that has queried with
 * XL_QUERY_REASON, and with XL_SHUTDOWN_ASKABLE_FLAG a power off only of one
 * that has queried at all (-EOPNOTSUPP: it would never see the request).
 * XL_SHUTDOWN_HARD_FLAG: nothing is asked, the domain ends now with that
 * reason (a reset, or pulling the plug) and its end action follows. 0,
 * -EINVAL (not running or paused), -EOPNOTSUPP.
 */
int guest_request_shutdown(struct domain *d, uint64_t flags);

/*
 * Lifecycle requests run one at a time (dom0 may have several vCPUs): a
 * domain found under the lock cannot be destroyed under its caller.
 */
void guest_lifecycle_lock(void);
void guest_lifecycle_unlock(void);

/*
 * Called on the CPU of vCPU 0 of a guest that has ended, once that vCPU has
 * left its CPU (run_slot.c), with no lock held: its end action
 * (guest_end_action()) done there and then - destroyed, or rebuilt as a
 * fresh domain and started, its memory zeroed on this CPU in steps between
 * which the lifecycle lock is let go. A restart of a guest younger than
 * GUEST_RESTART_MIN_INTERVAL_US waits for it first. Anything that changed
 * meanwhile (dom0 destroyed it) is left as it is.
 */
void guest_ended(uint32_t id);

#endif
