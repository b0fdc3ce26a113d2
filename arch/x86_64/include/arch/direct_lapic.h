/*
 * The local APIC model for domains that drive their CPUs' APICs themselves
 * (direct_apic: dom0 and Linux guests): their APIC page is read-only and
 * each write is checked and replayed (emul/direct_lapic.c); on x2APIC CPUs a
 * Linux guest's register writes are MSRs, of which the interrupt command
 * and the LVTs come here.
 */
#ifndef ARCH_DIRECT_LAPIC_H
#define ARCH_DIRECT_LAPIC_H

#include <xen-lite/types.h>

struct domain;
struct vcpu;

/* Whom the domain may interrupt: its own CPUs (after its vCPUs exist). */
void direct_lapic_set_owners(struct domain *d);
/* Its owners, and its APIC page (mapped at the hardware's address) as its device. */
int direct_lapic_attach(struct domain *d);
/* The vCPU an interrupt with this destination (physical or logical) goes to, or NULL. */
struct vcpu *direct_lapic_vcpu_for_dest(struct domain *d, uint32_t dest, bool logical);
/* An x2APIC register write the MSR policy emulates: 0 or -EPERM (the guest gets #GP). */
int direct_lapic_x2apic_write(struct vcpu *v, uint32_t msr, uint64_t value);

#endif
