/*
 * The fault injector's state, one per loaded module (allocated at init):
 * what is armed, what was done, and the next injection's id.
 */
#ifndef FI_STATE_H
#define FI_STATE_H

#include "fi_armed.h"
#include "fi_ring.h"

struct fi_state {
	struct fi_armed_table armed;
	struct fi_ring ring;
	uint64_t next_id; /* given by INJECT only: module calls never run at once */
};

#endif
