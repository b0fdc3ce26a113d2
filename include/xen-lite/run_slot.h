/*
 * The per-CPU run slots (xen-lite/run_slot.c): the control CPU gives a
 * vCPU to its physical CPU by putting it in that CPU's slot; the CPU's idle
 * loop, which belongs to the architecture, asks for it and runs it until
 * it stops. The core owns the slots; the architecture only asks.
 */
#ifndef XEN_LITE_RUN_SLOT_H
#define XEN_LITE_RUN_SLOT_H

#include <xen-lite/types.h>

struct vcpu;

/* Tell v's CPU to run it (and wake that CPU). */
void run_slot_give(struct vcpu *v);
/* v is still given to its CPU (not yet taken back by run_slot_run()'s end). */
bool run_slot_holds(const struct vcpu *v);

/*
 * Called by a CPU's idle loop with interrupts off: run the vCPU given to
 * this CPU, if any, until it stops, then empty the slot. Returns false when
 * there was nothing to run (the caller waits for an interrupt).
 */
bool run_slot_run(void);

#endif
