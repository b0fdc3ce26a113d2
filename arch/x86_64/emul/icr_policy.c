/* The ICR policy for domains that drive their APICs (see arch/icr_policy.h; Intel SDM 10.6.1, AMD APM 16.5). */
#include <arch/icr_policy.h>

#define ICR_MODE(lo) (((lo) >> 8) & 7)
#define ICR_ASSERT (1u << 14)
#define ICR_SHORTHAND(lo) (((lo) & ICR_SHORTHAND_MASK) >> 18)
#define MODE_FIXED 0
#define MODE_LOWEST 1
#define MODE_NMI 4
#define MODE_INIT 5
#define MODE_STARTUP 6
#define SHORTHAND_NONE 0
#define SHORTHAND_SELF 1
#define SHORTHAND_ALL 2
#define DFR_FLAT 0xF

static bool owns_apic(const struct icr_owner *own, uint32_t id)
{
	for (unsigned int i = 0; i < own->count; i++)
		if (own->apic_id[i] == id)
			return true;
	return false;
}

static bool logical_owned(uint32_t dest, const struct icr_owner *own)
{
	uint32_t mine = 0;

	if ((own->dfr >> 28) == DFR_FLAT) {
		/* a bitmask of CPUs: only bits of the domain's CPUs */
		for (unsigned int i = 0; i < own->count; i++)
			mine |= own->ldr[i] >> 24;
		return dest && !(dest & ~mine);
	}
	for (unsigned int i = 0; i < own->count; i++) /* cluster model: one exact match */
		if (dest == own->ldr[i] >> 24)
			return true;
	return false;
}

static enum icr_action start_action(uint32_t mode, uint32_t lo, uint32_t dest,
				    const struct icr_owner *own, uint32_t *target, const char **why)
{
	if (ICR_SHORTHAND(lo) != SHORTHAND_NONE || (lo & ICR_LOGICAL) || !owns_apic(own, dest) ||
	    dest == own->self) {
		*why = "INIT and SIPI only go to the domain's own other CPUs, one at a time";
		return ICR_REFUSE;
	}
	if (mode == MODE_INIT && !(lo & ICR_ASSERT))
		return ICR_IGNORE;
	*target = dest;
	return mode == MODE_INIT ? ICR_EMULATE_INIT : ICR_EMULATE_SIPI;
}

unsigned int icr_logical_targets(uint32_t icr_lo, uint32_t dest, const struct icr_owner *own,
				 uint32_t *ids)
{
	bool flat = (own->dfr >> 28) == DFR_FLAT, lowest = ICR_MODE(icr_lo) == MODE_LOWEST;
	unsigned int n = 0;

	for (unsigned int i = 0; i < own->count && !(lowest && n); i++) {
		uint32_t ldr = own->ldr[i] >> 24;

		if (flat ? (dest & ldr) != 0 : dest == ldr)
			ids[n++] = own->apic_id[i];
	}
	return n;
}

enum icr_action icr_decide(uint32_t icr_lo, uint32_t icr_hi, const struct icr_owner *own,
			   uint32_t *target, const char **why)
{
	uint32_t mode = ICR_MODE(icr_lo), dest = icr_hi >> 24;

	if (mode == MODE_INIT || mode == MODE_STARTUP)
		return start_action(mode, icr_lo, dest, own, target, why);
	if (mode == MODE_NMI && ICR_SHORTHAND(icr_lo) == SHORTHAND_NONE && !(icr_lo & ICR_LOGICAL) &&
	    owns_apic(own, dest)) {
		*target = dest; /* a physical NMI would exit to the hypervisor: it is made virtual */
		return ICR_EMULATE_NMI;
	}
	if (mode == MODE_NMI && ICR_SHORTHAND(icr_lo) == SHORTHAND_NONE && (icr_lo & ICR_LOGICAL) &&
	    logical_owned(dest, own))
		return ICR_EMULATE_NMI_LOGICAL; /* each CPU icr_logical_targets() names */
	if (mode != MODE_FIXED && mode != MODE_LOWEST) {
		*why = "NMI and SMI are the hypervisor's, but for NMIs to one of the domain's CPUs";
		return ICR_REFUSE;
	}
	if ((icr_lo & 0xff) < ICR_FIRST_VECTOR) {
		/* 0-15 are illegal; 16-31 would arrive where exceptions do, also in the hypervisor */
		*why = "vectors 0-31 are the exceptions'";
		return ICR_REFUSE;
	}
	switch (ICR_SHORTHAND(icr_lo)) {
	case SHORTHAND_SELF:
		return ICR_SEND;
	case SHORTHAND_NONE:
		if (icr_lo & ICR_LOGICAL ? logical_owned(dest, own) : owns_apic(own, dest))
			return ICR_SEND;
		*why = "the destination is a CPU the domain does not own";
		return ICR_REFUSE;
	default:
		/* a broadcast would reach every CPU: it is sent to the domain's CPUs one by one */
		*target = ICR_SHORTHAND(icr_lo) == SHORTHAND_ALL;
		return ICR_SEND_EACH;
	}
}
