/*
 * A campaign's injections, drawn one after the other from its seed: the
 * kind by the campaign's weights, then where (an address and a bit, a vCPU,
 * a register and a bit, an XOR mask). The same campaign, seed and target
 * (its memory and vCPUs) give the same injections, in the same order, on
 * any machine. No device access: the host unit tests link it.
 */
#ifndef XL_FI_PLAN_H
#define XL_FI_PLAN_H

#include <stdint.h>

#include "xl-fi-campaign.h"

/* The top of the default mem_flip range: a Linux guest's RAM below its 3 GiB hole. */
#define XL_FI_LOW_RAM_END (3ull << 30)

/* What the plan needs to know of the target. */
struct xl_fi_target_facts {
	uint64_t mem_bytes;
	uint32_t nr_vcpus;
};

/* One injection as planned (the fields its kind uses; the others 0). */
struct xl_fi_shot {
	unsigned int index; /* 1 for the campaign's first */
	uint32_t kind; /* the module's XL_FI_* */
	uint64_t addr; /* mem_flip */
	uint32_t bit; /* mem_flip 0-7, reg_flip 0-63 */
	uint32_t vcpu, reg; /* reg_flip */
	uint32_t match; /* hypercall_fail: the hypercall; io_corrupt: the port (or XL_FI_ANY) */
	uint32_t value; /* hypercall_fail: the errno; io_corrupt: the XOR mask (one bit of the low byte) */
	uint32_t count; /* the armed kinds: the times it applies */
};

struct xl_fi_plan {
	uint64_t rng; /* splitmix64's state */
	uint64_t total_weight;
	uint64_t mem_start, mem_end;
	uint32_t nr_vcpus;
	unsigned int drawn;
	const struct xl_fi_campaign *c;
};

/*
 * Start the plan of campaign c against a target with facts t. 0, or -1
 * when the memory range is empty (the campaign's mem beyond the target's
 * memory is taken as it is: the module refuses what is not RAM).
 */
int xl_fi_plan_start(struct xl_fi_plan *p, const struct xl_fi_campaign *c, const struct xl_fi_target_facts *t);

/* The next injection. */
void xl_fi_plan_next(struct xl_fi_plan *p, struct xl_fi_shot *s);

/* splitmix64: the next number of the sequence from *state (exposed for the tests). */
uint64_t xl_fi_random(uint64_t *state);

/* A number in [0, n) from *state, n > 0 (n = 0: 0). */
uint64_t xl_fi_random_below(uint64_t *state, uint64_t n);

#endif
