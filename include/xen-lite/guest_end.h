/*
 * What happens to a guest when it ends (xl.cfg's on_poweroff, on_reboot,
 * on_crash): the choice, from the domain's settings and how it ended, and
 * the pace of restarts (xen-lite/guest_end.c). Pure logic over struct
 * domain's fields: the lifecycle (xen-lite/guest.c) acts on it, the host
 * unit tests check it.
 */
#ifndef XEN_LITE_GUEST_END_H
#define XEN_LITE_GUEST_END_H

#include <xen-lite/types.h>

struct domain;

enum guest_end_action {
	GUEST_END_PRESERVE, /* kept, shutdown or crashed, until dom0 destroys it */
	GUEST_END_DESTROY, /* everything given back at once */
	GUEST_END_RESTART, /* a fresh domain from the kept images: new id, same name and CPUs */
};

/* The settings of a guest, one action per way of ending. */
struct guest_end_actions {
	enum guest_end_action on_poweroff, on_reboot, on_crash;
};

/*
 * A restart of a guest that ran for less than this waits until this long
 * after its creation: a guest that crashes at once is rebuilt once a
 * second, not as fast as its CPU can zero its memory.
 */
#define GUEST_RESTART_MIN_INTERVAL_US 1000000ULL

/*
 * What to do with the domain now: its on_poweroff or on_reboot action when
 * it shut down, on_crash when it crashed, PRESERVE while it has not ended
 * or is already being destroyed (dying). A restart needs the images kept at
 * its start: without them it is a destroy.
 */
enum guest_end_action guest_end_action(const struct domain *d);

/* "on_reboot=restart": the setting behind guest_end_action(), for the log. */
const char *guest_end_setting(const struct domain *d);

/* Whether any way of ending restarts the guest: then its images are kept. */
bool guest_end_restarts(const struct guest_end_actions *a);

/* When a restart of d may begin, in time_since_boot_us(): its creation plus the minimum interval. */
uint64_t guest_restart_not_before_us(const struct domain *d);

#endif
