/*
 * Which interprocessor interrupts a domain that drives its CPUs' local APICs
 * (dom0, Linux guests) may send through the interrupt command register. The
 * domain owns a set of CPUs (its vCPUs are pinned to them): fixed and
 * lowest-priority interrupts among them go to the hardware (logical ones
 * resolved to physical sends); INIT and SIPI to one of them (other than the
 * sender) are emulated, which is how it starts its secondary vCPUs; NMIs to
 * its CPUs become virtual NMIs; SMI, broadcasts, and anything aimed at a CPU
 * it does not own are refused or narrowed to its CPUs: the others are the
 * hypervisor's, dom0's and the other guests'. Fixed vectors 0-31 are
 * refused: they are the exceptions'.
 */
#ifndef ARCH_ICR_POLICY_H
#define ARCH_ICR_POLICY_H

#include <xen-lite/types.h>

#define ICR_MAX_OWNED 64
#define ICR_FIRST_VECTOR 32 /* lower fixed vectors are refused (the exceptions') */
#define ICR_LOGICAL (1u << 11) /* destination mode: logical */
#define ICR_SHORTHAND_MASK (3u << 18)

struct icr_owner {
	unsigned int count;
	uint32_t apic_id[ICR_MAX_OWNED]; /* the domain's CPUs */
	uint32_t ldr[ICR_MAX_OWNED]; /* their logical destination registers, as the domain set them */
	uint32_t dfr; /* destination format: 0xFFFFFFFF flat, 0x0FFFFFFF cluster */
	uint32_t self; /* the sender's APIC id */
};

enum icr_action {
	ICR_SEND, /* write it to the hardware */
	ICR_IGNORE, /* harmless and meaningless (an INIT level de-assert) */
	ICR_EMULATE_INIT, /* *target: the APIC id to put into wait-for-SIPI */
	ICR_EMULATE_SIPI, /* *target: the APIC id to start at vector (ICR bits 0-7) */
	ICR_EMULATE_NMI, /* *target: the APIC id whose vCPU gets a virtual NMI */
	ICR_EMULATE_NMI_LOGICAL, /* a virtual NMI to each owned CPU the logical destination names */
	ICR_SEND_EACH, /* a broadcast: send it to each of dom0's CPUs (*target: 1 = self too) */
	ICR_REFUSE, /* *why says what */
};

enum icr_action icr_decide(uint32_t icr_lo, uint32_t icr_hi, const struct icr_owner *own,
			   uint32_t *target, const char **why);

/*
 * The owned CPUs a logical destination names, by the LDRs the domain wrote
 * (flat: every CPU with a bit in dest; cluster: the exact match), into ids
 * (room for own->count); lowest-priority delivery picks the first. Logical
 * IPIs are sent physically to these: a guest CPU's hardware LDR stays 0, so
 * a logical ID two domains both use never reaches the other's CPU.
 */
unsigned int icr_logical_targets(uint32_t icr_lo, uint32_t dest, const struct icr_owner *own,
				 uint32_t *ids);

#endif
