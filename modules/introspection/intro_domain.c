/* A watched domain's records (see intro_domain.h). */
#include <xen-lite/string.h>

#include "intro_domain.h"

void intro_domain_reset(struct intro_domain *d)
{
	for (unsigned int i = 0; i < XL_INTRO_MAX_VCPUS; i++)
		intro_snap_reset(&d->vcpu[i]);
	intro_ring_reset(&d->ring);
}

void intro_domain_record(struct intro_domain *d, const struct xl_exit_event *e, uint64_t word[SNAP_WORDS])
{
	struct xl_intro_exit x = {
		.vcpu = e->vcpu_id,
		.reason = e->reason,
		.exit_code = e->arch_code,
		.rip = word[SNAP_RIP],
		.tsc = e->exit_tsc,
	};

	word[SNAP_REASON] = e->reason;
	word[SNAP_CODE] = e->arch_code;
	word[SNAP_TSC] = e->exit_tsc;
	if (e->vcpu_id < XL_INTRO_MAX_VCPUS)
		intro_snap_publish(&d->vcpu[e->vcpu_id], word);
	intro_ring_put(&d->ring, &x);
}

uint32_t intro_domain_vcpus_seen(const struct intro_domain *d)
{
	uint32_t seen = 0;

	for (unsigned int i = 0; i < XL_INTRO_MAX_VCPUS; i++)
		if (intro_snap_taken(&d->vcpu[i]))
			seen |= 1u << i;
	return seen;
}
