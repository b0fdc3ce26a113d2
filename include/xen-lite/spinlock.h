/* Ticket spinlocks: fair, so no CPU starves on a contended console or allocator. */
#ifndef XEN_LITE_SPINLOCK_H
#define XEN_LITE_SPINLOCK_H

#include <xen-lite/arch/irq.h>
#include <xen-lite/arch/relax.h>
#include <xen-lite/types.h>

typedef struct {
	volatile uint32_t next;
	volatile uint32_t owner;
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(spinlock_t *l)
{
	uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
}

static inline bool spin_trylock(spinlock_t *l)
{
	uint32_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	uint32_t expected = owner;

	return __atomic_compare_exchange_n(&l->next, &expected, owner + 1, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

/*
 * For locks an interrupt handler on the same CPU may take (the console's):
 * interrupts stay off while it is held. Never from an NMI.
 */
static inline uint64_t spin_lock_irqsave(spinlock_t *l)
{
	uint64_t flags = irq_save();

	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, uint64_t flags)
{
	spin_unlock(l);
	irq_restore(flags);
}

#endif
