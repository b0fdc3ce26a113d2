/*
 * Which XCR0 values a guest may load with XSETBV (AMD APM vol. 2 and SDM vol. 1
 * 13.3 list the rules). The hypervisor executes the guest's XSETBV itself, so
 * a value the CPU would refuse must be turned into a #GP for the guest here:
 * in the hypervisor it would be a fatal #GP.
 */
#include <arch/guest_policy.h>

#define XCR0_X87 (1ULL << 0)
#define XCR0_SSE (1ULL << 1)
#define XCR0_AVX (1ULL << 2)
#define XCR0_MPX (3ULL << 3) /* BNDREGS, BNDCSR */
#define XCR0_AVX512 (7ULL << 5) /* opmask, ZMM_Hi256, Hi16_ZMM */
#define XCR0_AMX (3ULL << 17) /* XTILECFG, XTILEDATA */

static bool all_or_none(uint64_t value, uint64_t group)
{
	return !(value & group) || (value & group) == group;
}

bool xcr0_allowed(uint64_t value, uint64_t supported)
{
	if (!(value & XCR0_X87) || (value & ~supported))
		return false;
	if ((value & XCR0_AVX) && !(value & XCR0_SSE))
		return false;
	if ((value & XCR0_AVX512) && !(value & XCR0_AVX))
		return false;
	return all_or_none(value, XCR0_MPX) && all_or_none(value, XCR0_AVX512) &&
	       all_or_none(value, XCR0_AMX);
}
