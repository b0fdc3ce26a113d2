/* What one guest could leave on a CPU for the next (cpu/guest_leftovers.c). */
#ifndef ARCH_GUEST_LEFTOVERS_H
#define ARCH_GUEST_LEFTOVERS_H

/* Clear it: before a vCPU starts on this CPU. */
void cpu_clear_guest_leftovers(void);

#endif
