/* What a CPU does while it spins on a lock or a flag: PAUSE (it tells the core, and a hyperthread sibling runs). */
#ifndef ARCH_RELAX_H
#define ARCH_RELAX_H

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

#endif
