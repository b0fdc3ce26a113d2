/*
 * An injection's outcome, classified into exactly one error zone from what
 * xl-lite inject saw in its window (Documentation/modules/
 * fault-injector.md, "Zones"): the worst that was seen wins -
 * hypervisor > dom0 > guest-kernel > guest-user > masked. No device
 * access: the host unit tests feed it synthetic observations.
 */
#ifndef XL_FI_CLASSIFY_H
#define XL_FI_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "xl-fi-campaign.h"

enum xl_fi_zone {
	XL_FI_ZONE_MASKED,
	XL_FI_ZONE_GUEST_USER,
	XL_FI_ZONE_GUEST_KERNEL,
	XL_FI_ZONE_DOM0,
	XL_FI_ZONE_HYPERVISOR,
	XL_FI_NR_ZONES,
};

/* The target, by name, at the end of the window. */
enum xl_fi_target_state {
	XL_FI_TARGET_RUNNING, /* as before (running or paused) */
	XL_FI_TARGET_CRASHED, /* kept, crashed (on_crash = "preserve") */
	XL_FI_TARGET_SHUT_DOWN, /* kept, shut down: it powered off or rebooted */
	XL_FI_TARGET_RESTARTED, /* a new domain of its name (on_crash, on_reboot = "restart") */
	XL_FI_TARGET_GONE, /* no domain of its name (destroyed) */
};

/* What the target's console said in the window. */
struct xl_fi_signs {
	bool ok, corrupt, user_crash, kernel_crash;
	char said[96]; /* the first line that said something went wrong */
};

struct xl_fi_observation {
	enum xl_fi_target_state target;
	uint32_t new_id; /* RESTARTED: the new domain */
	struct xl_fi_signs signs;
	uint64_t silent_ms; /* since the workload last gave a verdict (ok or corrupt) */
	uint32_t hang_ms; /* the campaign's: silent this long is a hang (0: not watched) */
	bool dom0_damaged; /* the tool's own buffer failed its checksum */
	bool hv_alarm; /* the hypervisor's log: a PANIC or ASSERT */
	char hv_line[96];
	bool hv_silent; /* a hypercall that always answers did not */
	bool bystander_hit; /* another guest crashed or was restarted */
	uint32_t bystander;
};

struct xl_fi_verdict {
	enum xl_fi_zone zone;
	char why[160];
};

/* A line of the target's console, noted in *s against the campaign's patterns. */
void xl_fi_signs_note(const struct xl_fi_campaign *c, struct xl_fi_signs *s, const char *line);

/* The zone of o and why, in words. */
void xl_fi_classify(const struct xl_fi_observation *o, struct xl_fi_verdict *v);

/* "masked", "guest-user", "guest-kernel", "dom0", "hypervisor" */
const char *xl_fi_zone_name(enum xl_fi_zone z);

#endif
