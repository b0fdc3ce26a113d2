/*
 * Reaching a VT-d unit: bounded waits on its registers, the global command
 * protocol, and writing tables back to memory for units whose walks do not
 * snoop the CPU caches.
 */
#include <arch/cpu.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>

#include "vtd.h"

#define WAIT_STEP_US 10
#define WAIT_STEPS 100000 /* a second: the spec gives no bound; real units answer in microseconds */

int vtd_wait32(struct vtd_unit *u, unsigned int reg, uint32_t mask, uint32_t want, const char *what)
{
	for (unsigned int i = 0; i < WAIT_STEPS; i++) {
		if ((vtd_read32(u, reg) & mask) == want)
			return 0;
		udelay(WAIT_STEP_US);
	}
	if ((vtd_read32(u, reg) & mask) == want)
		return 0;
	log_err("vtd: unit %#llx: %s timed out (register %#x = %#x)\n", (unsigned long long)u->base,
		what, reg, vtd_read32(u, reg));
	return -ETIMEDOUT;
}

int vtd_wait64(struct vtd_unit *u, unsigned int reg, uint64_t mask, uint64_t want, const char *what)
{
	for (unsigned int i = 0; i < WAIT_STEPS; i++) {
		if ((vtd_read64(u, reg) & mask) == want)
			return 0;
		udelay(WAIT_STEP_US);
	}
	if ((vtd_read64(u, reg) & mask) == want)
		return 0;
	log_err("vtd: unit %#llx: %s timed out (register %#x = %#llx)\n", (unsigned long long)u->base,
		what, reg, (unsigned long long)vtd_read64(u, reg));
	return -ETIMEDOUT;
}

int vtd_set_command(struct vtd_unit *u, uint32_t bit, bool on, const char *what)
{
	/* GCMD has no memory: write back every setting in force, minus the one-shot bits */
	uint32_t settings = vtd_read32(u, VTD_REG_GSTS) & VTD_GSTS_SETTINGS;

	vtd_write32(u, VTD_REG_GCMD, on ? settings | bit : settings & ~bit);
	return vtd_wait32(u, VTD_REG_GSTS, bit, on ? bit : 0, what);
}

static unsigned int cache_line_size(void)
{
	/* CPUID.1:EBX[15:8], the CLFLUSH line size in 8-byte units */
	unsigned int line = ((cpuid(1).ebx >> 8) & 0xff) * 8;

	return line ? line : 64;
}

void vtd_write_back(const void *p, size_t len)
{
	static unsigned int line;
	uintptr_t a, end = (uintptr_t)p + len;

	if (!line)
		line = cache_line_size();
	for (a = (uintptr_t)p & ~(uintptr_t)(line - 1); a < end; a += line)
		__asm__ volatile("clflush %0" : "+m"(*(volatile char *)a));
	__asm__ volatile("mfence" ::: "memory");
}
