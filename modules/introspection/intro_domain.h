/*
 * What is kept of one watched domain: each of its first XL_INTRO_MAX_VCPUS
 * vCPUs' latest registers (intro_snap.h) and its exit stream
 * (intro_ring.h), both filled by its vCPUs' exit hooks.
 * No hypervisor calls here: the host unit tests link it as it is.
 */
#ifndef INTRO_DOMAIN_H
#define INTRO_DOMAIN_H

#include <xen-lite/module.h> /* struct xl_exit_event */

#include "intro_ring.h"
#include "intro_snap.h"

struct intro_domain {
	struct intro_snap vcpu[XL_INTRO_MAX_VCPUS];
	struct intro_ring ring;
};

/* Nothing recorded: only while no exit hook can be writing into it. */
void intro_domain_reset(struct intro_domain *d);

/*
 * One exit of the domain, on the CPU that took it: its registers (the
 * words up to SNAP_REASON, as the vCPU resumes; the exit's reason, code
 * and TSC are taken from e) become the vCPU's snapshot (for the first
 * XL_INTRO_MAX_VCPUS), and the exit goes into the stream (every vCPU).
 */
void intro_domain_record(struct intro_domain *d, const struct xl_exit_event *e, uint64_t word[SNAP_WORDS]);

/* Bit i: vCPU i has a snapshot. */
uint32_t intro_domain_vcpus_seen(const struct intro_domain *d);

#endif
