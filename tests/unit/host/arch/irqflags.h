/*
 * Host tests' stand-in for arch/x86_64/include/arch/irqflags.h (found first
 * on the unit tests' include path): CLI and STI fault in a user process, so
 * the interrupt flag is a variable the tests can look at.
 */
#ifndef ARCH_IRQFLAGS_H
#define ARCH_IRQFLAGS_H

#include <stdbool.h>
#include <stdint.h>

#define RFLAGS_IF (1ULL << 9)

extern bool host_irqs_on; /* tests/unit/log_capture.c; starts true */

static inline void irq_enable(void)
{
	host_irqs_on = true;
}

static inline void irq_disable(void)
{
	host_irqs_on = false;
}

static inline uint64_t irq_save(void)
{
	uint64_t flags = host_irqs_on ? RFLAGS_IF : 0;

	host_irqs_on = false;
	return flags;
}

static inline void irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF)
		irq_enable();
}

#endif
