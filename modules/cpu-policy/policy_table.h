/*
 * The cpu-policy module's policies, one slot per domain, read lock-free by
 * the CPUID and MSR hooks of every CPU while dom0 replaces them. No hypervisor calls
 * here: the host unit tests (tests/unit/test_cpu_policy.c) link it as it is.
 *
 * Publication - why readers never see half a policy, and never wait:
 * each slot keeps two copies of its policy and a sequence number whose low
 * bit says which copy readers use (a "latch": Linux's
 * raw_write_seqcount_latch). A writer bumps the number, so readers move to
 * the other copy, rewrites the copy they left, bumps again (readers come
 * back to it, complete), then rewrites the second copy. A reader reads the
 * copy the number names, then the number again: unchanged, what it read was
 * whole; changed, it reads again (a writer finished a half meanwhile - it
 * cannot be stuck behind one that stopped half way, as with a plain
 * seqlock's odd number). Nothing is ever freed while the module is loaded,
 * so no reader can follow a pointer into freed memory; swapping a pointer
 * to a fresh policy instead would need to know when every CPU has stopped
 * reading the old one. A slot's owner (domain id + 1) is read inside the
 * same check, so a reader never applies a policy its domain lost meanwhile.
 *
 * Writers of the copies (policy_set) must be serialised by the caller: the
 * module's calls are (the hypervisor's module lock). policy_clear and
 * policy_forget only swap an owner atomically, from any CPU.
 */
#ifndef POLICY_TABLE_H
#define POLICY_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu_policy_abi.h"

struct policy_copy {
	uint32_t nr_rules;
	struct xl_cpuid_rule rule[XL_CPU_POLICY_MAX_RULES];
	uint32_t nr_msr_rules;
	struct xl_msr_rule msr[XL_CPU_POLICY_MAX_MSR_RULES];
};

struct policy_slot {
	uint64_t owner; /* the domain's id + 1; 0: free */
	uint32_t seq; /* readers use copy[seq & 1] */
	struct policy_copy copy[2];
};

struct policy_table {
	struct policy_slot slot[XL_CPU_POLICY_MAX_DOMAINS];
};

/*
 * The domain's policy becomes CPUID rules[0, nr) and MSR msr[0, nr_msr)
 * (already checked: policy_rules.h), in its slot or a free one. 0, or
 * -ENOSPC when every slot is another domain's. Serialised with other
 * policy_set calls.
 */
int policy_set(struct policy_table *t, uint32_t domain, const struct xl_cpuid_rule *rules, uint32_t nr,
	       const struct xl_msr_rule *msr, uint32_t nr_msr);

/* The domain's policy removed: 0, or -ENOENT when it had none. Any CPU. */
int policy_clear(struct policy_table *t, uint32_t domain);

/*
 * regs[XL_CPUID_EAX ... XL_CPUID_EDX] through the domain's policy for this
 * leaf and subleaf: true when it has one (regs then changed by its rules),
 * false with regs untouched. Any CPU, lock-free, never waits for a writer.
 */
bool policy_apply(const struct policy_table *t, uint32_t domain, uint32_t leaf, uint32_t subleaf,
		  uint32_t regs[XL_CPUID_NR_REGS]);

/*
 * The domain's rule for msr into *out: true when it has a policy with one.
 * Any CPU, lock-free, never waits for a writer (as policy_apply).
 */
bool policy_msr_rule(const struct policy_table *t, uint32_t domain, uint32_t msr, struct xl_msr_rule *out);

/*
 * GET: the domain's policy in the wire format into buf (size bytes). The
 * bytes written; -ENOENT when it has none, -ENOSPC when it does not fit.
 */
int64_t policy_get(const struct policy_table *t, uint32_t domain, void *buf, uint64_t size);

/* A domain with a policy, from slot *cursor on (start at 0): true with *domain, *cursor moved past it. */
bool policy_next_domain(const struct policy_table *t, unsigned int *cursor, uint32_t *domain);

#endif
