/*
 * The fault injector's operations (XL_MODULE_CALL, fault_injector_abi.h):
 * who may call (dom0), the request checked whole (fi_request.c), then
 * INJECT, DISARM, STATUS or EVENTS. Calls never run at once (the core
 * serialises them); the hooks run beside them on every CPU. Calls the
 * hypervisor's xl_domain_read, xl_domain_write and xl_domain_kick (the host
 * unit tests give their own).
 */
#ifndef FI_OPS_H
#define FI_OPS_H

#include <xen-lite/module.h>

#include "fi_state.h"

/* Nothing armed, nothing done, the first id 1: at init, before any hook can run. */
void fi_state_reset(struct fi_state *s);

int64_t fi_call(struct fi_state *s, const struct xl_module_call *c);

#endif
