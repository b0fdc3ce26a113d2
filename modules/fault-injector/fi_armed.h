/*
 * The armed injections: XL_FI_MAX_ARMED slots, filled by dom0's INJECT
 * (module calls never run at once) and consumed by the hooks of every CPU
 * at once, with no lock.
 *
 * A slot's word is its injection's id << FI_COUNT_BITS | the times it still
 * applies (0: free). A hook takes one application with a compare-and-swap
 * of the word, so an injection applies exactly its count times however
 * many CPUs race for it, and never after it is disarmed. The parameters
 * are written only while the word's count is 0, and published with the
 * word (release); a hook reads them between its load of the word (acquire)
 * and its compare-and-swap, so one that read them while they changed finds
 * the word changed (ids never repeat) and throws them away - the seqlock's
 * argument, with the id as the sequence.
 *
 * No hypervisor calls here: the host unit tests link it as it is.
 */
#ifndef FI_ARMED_H
#define FI_ARMED_H

#include <xen-lite/types.h>

#include "fault_injector_abi.h"

#define FI_COUNT_BITS 16
#define FI_COUNT_MASK ((1ull << FI_COUNT_BITS) - 1)
#define FI_MAX_ID ((1ull << (64 - FI_COUNT_BITS)) - 1)
#define FI_PARAM_WORDS 4

_Static_assert(XL_FI_MAX_COUNT <= FI_COUNT_MASK, "a count must fit the slot's word");

/* What an armed injection is (the request's fields it uses). */
struct fi_params {
	uint64_t id;
	uint32_t kind, domain, vcpu, reg, bit, match, value;
};

struct fi_slot {
	uint64_t word; /* id << FI_COUNT_BITS | left */
	uint64_t param[FI_PARAM_WORDS]; /* struct fi_params but the id, two fields a word */
};

struct fi_armed_table {
	uint64_t live; /* slots whose count is not 0: the hooks' first, cheap test */
	struct fi_slot slot[XL_FI_MAX_ARMED];
};

/* Where a hook stands: what an armed injection must match to apply there. */
struct fi_occasion {
	uint32_t kinds; /* 1 << XL_FI_* of the kinds this occasion can serve */
	uint32_t domain;
	uint32_t vcpu;
	uint64_t match; /* the hypercall's number, the port read */
};

/* Arm p (its id set, at most FI_MAX_ID) to apply count times. 0, or -ENOSPC when every slot is armed. */
int fi_arm(struct fi_armed_table *t, const struct fi_params *p, uint32_t count);

/* Whether anything may be armed (a hint: one being armed right now may be missed). */
bool fi_any_armed(const struct fi_armed_table *t);

/* One application of an injection o matches, into *out: true, or false when none does. Any CPU. */
bool fi_take(struct fi_armed_table *t, const struct fi_occasion *o, struct fi_params *out);

/* Disarm injection id (XL_FI_DISARM_ALL: every one): how many were armed. Any CPU. */
uint32_t fi_disarm(struct fi_armed_table *t, uint64_t id);

/* Disarm every injection aimed at domain (it is gone): how many were armed. Any CPU. */
uint32_t fi_disarm_domain(struct fi_armed_table *t, uint32_t domain);

/* Injections armed now. */
uint32_t fi_armed_count(const struct fi_armed_table *t);

/* The armed injections into out[0, max): how many were written. */
uint32_t fi_armed_list(const struct fi_armed_table *t, struct xl_fi_armed *out, uint32_t max);

#endif
