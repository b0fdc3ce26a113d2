/* This CPU's interrupt flag (RFLAGS.IF): what the core's irq-safe locks use. */
#ifndef ARCH_IRQFLAGS_H
#define ARCH_IRQFLAGS_H

#include <stdint.h>

#define RFLAGS_IF (1ULL << 9)

static inline void irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline uint64_t irq_save(void)
{
	uint64_t flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
	return flags;
}

static inline void irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF)
		irq_enable();
}

#endif
