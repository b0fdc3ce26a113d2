/*
 * Which interprocessor interrupts dom0 may send through its local APIC's
 * interrupt command register: only fixed or lowest-priority interrupts to
 * itself. INIT, SIPI, NMI and SMI, and anything aimed at a CPU dom0 does
 * not own, are refused: those CPUs are the hypervisor's and the guests'.
 */
#ifndef ARCH_ICR_POLICY_H
#define ARCH_ICR_POLICY_H

#include <xen-lite/types.h>

struct icr_owner {
	uint32_t apic_id; /* dom0's CPU */
	uint32_t ldr; /* its logical destination register, as dom0 programmed it */
	uint32_t dfr; /* destination format: 0xFFFFFFFF flat, 0x0FFFFFFF cluster */
};

/* True if the write may go to the hardware; otherwise *why says what was refused. */
bool icr_write_allowed(uint32_t icr_lo, uint32_t icr_hi, const struct icr_owner *own,
		       const char **why);

#endif
