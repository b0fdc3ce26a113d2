/* The ICR policy for dom0 (see arch/icr_policy.h; Intel SDM 10.6.1, AMD APM 16.5). */
#include <arch/icr_policy.h>

#define ICR_MODE(lo) (((lo) >> 8) & 7)
#define ICR_LOGICAL (1u << 11)
#define ICR_SHORTHAND(lo) (((lo) >> 18) & 3)
#define MODE_FIXED 0
#define MODE_LOWEST 1
#define SHORTHAND_NONE 0
#define SHORTHAND_SELF 1
#define DFR_FLAT 0xF

static bool logical_is_self(uint32_t dest, const struct icr_owner *own)
{
	uint32_t mine = own->ldr >> 24;

	if ((own->dfr >> 28) == DFR_FLAT)
		return dest && !(dest & ~mine); /* a bitmask of CPUs: only dom0's bit */
	return dest == mine; /* cluster model: exactly dom0's cluster and member */
}

bool icr_write_allowed(uint32_t icr_lo, uint32_t icr_hi, const struct icr_owner *own,
		       const char **why)
{
	uint32_t mode = ICR_MODE(icr_lo), dest = icr_hi >> 24;

	if (mode != MODE_FIXED && mode != MODE_LOWEST) {
		*why = "INIT, SIPI, NMI and SMI are the hypervisor's";
		return false;
	}
	switch (ICR_SHORTHAND(icr_lo)) {
	case SHORTHAND_SELF:
		return true;
	case SHORTHAND_NONE:
		if (icr_lo & ICR_LOGICAL ? logical_is_self(dest, own) : dest == own->apic_id)
			return true;
		*why = "the destination is a CPU dom0 does not own";
		return false;
	default:
		*why = "broadcasts reach CPUs dom0 does not own";
		return false;
	}
}
