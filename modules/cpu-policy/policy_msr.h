/*
 * The cpu-policy module's MSR rules against a domain: whether each can be
 * applied at all (the domain's accesses of its MSR reach the hypervisor),
 * and what the MSR policy hooks do with them. Calls only
 * xl_domain_msr_exits and xl_log: the host unit tests link it with a fake.
 */
#ifndef POLICY_MSR_H
#define POLICY_MSR_H

#include <stdbool.h>
#include <stdint.h>

#include "policy_table.h"

/*
 * Whether the domain's accesses let every rule of msr[0, nr) hold (see
 * cpu_msr_rule_needs). 0; -EINVAL, logged with the MSR and the direction
 * that does not reach the hypervisor; -ENOENT when the domain does not exist.
 */
int policy_msr_reachable(uint32_t domain, const struct xl_msr_rule *msr, uint32_t nr);

/* The msr_read hook: *value through the domain's rule for msr, if any. false: #GP. */
bool policy_msr_read(const struct policy_table *t, uint32_t domain, uint32_t msr, uint64_t *value);

/* The msr_write hook: whether the domain's rule for msr, if any, lets the write through. */
bool policy_msr_write(const struct policy_table *t, uint32_t domain, uint32_t msr, uint64_t value);

#endif
