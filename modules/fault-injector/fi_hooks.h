/*
 * Where armed injections apply: the exit hooks and the IPI policy hook,
 * over a vCPU reached through struct fi_vcpu (the hypervisor's xl_vcpu_*
 * in fault_injector.c, fake registers in the host unit tests). Each takes
 * one application of a matching armed injection (fi_take: exactly count
 * times in all), does it, and records it (fi_record).
 */
#ifndef FI_HOOKS_H
#define FI_HOOKS_H

#include <xen-lite/module.h> /* struct xl_exit_event, XL_EXIT_* */

#include "fi_state.h"

/* The exiting vCPU's registers (enum xl_reg), on its own CPU. */
struct fi_vcpu {
	void *v;
	uint64_t (*reg)(void *v, uint32_t reg);
	void (*set_reg)(void *v, uint32_t reg, uint64_t value);
	void (*advance_rip)(void *v, uint32_t bytes);
};

/* Before the core's handler: a hypercall made to fail (RAX = -errno, stepped over): XL_EXIT_HANDLED. */
int fi_hook_before(struct fi_state *s, const struct fi_vcpu *c, const struct xl_exit_event *e);

/* After it: an IN's value corrupted, a register flipped. */
void fi_hook_after(struct fi_state *s, const struct fi_vcpu *c, const struct xl_exit_event *e);

/* A fixed IPI of domain's vcpu: how many times it is sent (1 unless an injection drops or doubles it). */
unsigned int fi_hook_ipi(struct fi_state *s, uint32_t domain, uint32_t vcpu, uint32_t vector, uint32_t dest);

#endif
