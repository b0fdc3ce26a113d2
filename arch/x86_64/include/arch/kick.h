/*
 * Kicks (cpu/kick.c): arch_kick_cpu() makes a CPU leave the guest it runs;
 * the hypervisor code that waits, halted, for such a kick uses these so
 * that a kick arriving just before the HLT is never lost.
 */
#ifndef ARCH_KICK_H
#define ARCH_KICK_H

#include <xen-lite/types.h>

/* Install the kick's (empty) interrupt handler; before any guest runs. */
void kick_init(void);

/* How many kicks this CPU has been sent, ever: read before checking what they would change. */
uint32_t cpu_kick_seq(void);

/*
 * With interrupts off, halt until an NMI (a kick) - unless a kick came since
 * seq was read (then return at once). The NMI handler moves a CPU that it
 * interrupts between the check and the HLT past the HLT (kick_nmi_fixup()).
 */
void cpu_halt_unless_kicked(uint32_t seq);

struct trap_frame;
/* For the NMI handler: a frame inside the window above resumes after the HLT. */
void kick_nmi_fixup(struct trap_frame *f);
/* For the NMI handler: true if this NMI was a kick (one is taken from the count). */
bool kick_nmi_take(void);

#endif
