/*
 * Every injection in the hypervisor's log, and those done in the ring dom0
 * reads: "fault-injector: #ID dD KIND WHERE (OLD -> NEW)" when one is done,
 * "fault-injector: #ID dD KIND armed: ..." when one is armed. From hooks
 * and operations alike (xl_log is what the core's exit handlers use too).
 */
#ifndef FI_RECORD_H
#define FI_RECORD_H

#include "fi_state.h"

/* An injection done: e->seq set from the ring, logged. */
void fi_record(struct fi_state *s, struct xl_fi_event *e);

/* An injection armed to apply count times. */
void fi_log_armed(const struct fi_params *p, uint32_t count);

/* A general register's name (0-15: "rax" ... "r15"), or "?". */
const char *fi_reg_name(uint32_t reg);

#endif
