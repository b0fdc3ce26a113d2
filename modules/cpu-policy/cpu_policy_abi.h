/*
 * The cpu-policy module's wire format (Documentation/modules/cpu-policy.md):
 * what its XL_MODULE_CALL operations take and answer. Shared by the module
 * (modules/cpu-policy/) and dom0's xl-lite (dom0-tools/xl-cpu-policy-wire.c);
 * must compile alone in both. Fixed-size structures of uint32_t only,
 * naturally aligned: the same layout for every compiler.
 */
#ifndef CPU_POLICY_ABI_H
#define CPU_POLICY_ABI_H

#include <stdint.h>

#define XL_CPU_POLICY_MODULE "cpu-policy" /* the name XL_MODULE_CALL takes */

/*
 * SET, arg = a domain id: the buffer is a policy - a struct
 * xl_cpu_policy_header, exactly nr_rules struct xl_cpuid_rule, then (version
 * 2) exactly nr_msr_rules struct xl_msr_rule, nothing after - which
 * replaces the domain's. 0; -EINVAL for a malformed policy (the hypervisor's
 * log says which field), for an MSR rule the domain's accesses do not let
 * the module apply (its reads or writes of that MSR never reach the
 * hypervisor: the log names the MSR), for dom0, or for an id past 32 bits;
 * -ENOENT when no such domain exists; -ENOSPC when
 * XL_CPU_POLICY_MAX_DOMAINS other domains have policies.
 */
#define XL_CPU_POLICY_OP_SET 0
/*
 * CLEAR, arg = a domain id: its policy, CPUID and MSR rules, removed (it gets
 * the core's CPUID answers and MSR behaviour again). 0 or -ENOENT.
 */
#define XL_CPU_POLICY_OP_CLEAR 1
/*
 * GET, arg = a domain id: its policy, in SET's format, into the buffer:
 * version 1 when it has no MSR rule (what a version-1 reader takes), else
 * version 2. Returns the bytes written; -ENOENT when it has none; -ENOSPC
 * when the buffer is smaller than the policy (XL_CPU_POLICY_MAX_SIZE
 * always does).
 */
#define XL_CPU_POLICY_OP_GET 2

#define XL_CPU_POLICY_MAGIC 0x50435058u /* "XPCP" */
#define XL_CPU_POLICY_VERSION_1 1 /* CPUID rules only */
#define XL_CPU_POLICY_VERSION 2 /* CPUID rules, then MSR rules */
#define XL_CPU_POLICY_MAX_RULES 64 /* CPUID rules per domain */
#define XL_CPU_POLICY_MAX_MSR_RULES 32 /* MSR rules per domain */
#define XL_CPU_POLICY_MAX_DOMAINS 64 /* domains with a policy at once */

/* A rule's subleaf when it applies whatever ECX is (leaves without subleaves). */
#define XL_CPUID_ANY_SUBLEAF 0xffffffffu

/* The register a rule changes. */
#define XL_CPUID_EAX 0
#define XL_CPUID_EBX 1
#define XL_CPUID_ECX 2
#define XL_CPUID_EDX 3
#define XL_CPUID_NR_REGS 4

/* The hypervisor's own leaves (its signature, ABI version, the domain's id): never changed. */
#define XL_CPUID_HV_FIRST 0x40000000u
#define XL_CPUID_HV_LAST 0x400000ffu

struct xl_cpu_policy_header {
	uint32_t magic; /* XL_CPU_POLICY_MAGIC */
	uint32_t version; /* XL_CPU_POLICY_VERSION_1 or XL_CPU_POLICY_VERSION */
	/* version 1: 1 to XL_CPU_POLICY_MAX_RULES; version 2: 0 to it, with at least one rule in all */
	uint32_t nr_rules;
	/* version 2: 0 to XL_CPU_POLICY_MAX_MSR_RULES; version 1: reserved, 0 */
	uint32_t nr_msr_rules;
};

/*
 * One register of one leaf (and subleaf): the guest gets
 * (value & and_mask) | or_mask. Per bit: and 0, or 0 forces 0; and 1, or 1
 * forces 1; and 1, or 0 keeps it. or_mask has no bit outside and_mask, so
 * each policy has one encoding. No two rules of a policy name the same
 * register of the same leaf and subleaf (XL_CPUID_ANY_SUBLEAF overlaps
 * every subleaf of its leaf).
 */
struct xl_cpuid_rule {
	uint32_t leaf;
	uint32_t subleaf; /* or XL_CPUID_ANY_SUBLEAF */
	uint32_t reg; /* XL_CPUID_EAX ... XL_CPUID_EDX */
	uint32_t and_mask;
	uint32_t or_mask;
};

/*
 * What an MSR rule does to a domain's RDMSR and WRMSR of msr, once the
 * core's own policy allowed it. Only MSRs whose accesses reach the
 * hypervisor can have one: SET refuses a rule on an MSR the domain reads
 * or writes natively (its FS base, its syscall MSRs, ...).
 *   XL_MSR_DENY: reads and writes #GP (and_* and or_* 0);
 *   XL_MSR_READ_ONLY: writes #GP, reads as the core answers (and_* and or_* 0);
 *   XL_MSR_MASK: a read returns (value & and) | or, per bit as a CPUID
 *   rule's masks; a write that gives a forced bit (and 0, or or 1) another
 *   value is #GP, as a reserved bit's would be; or has no bit outside and,
 *   and the rule changes something (and not all ones, or or not 0).
 * The 64-bit masks are split in halves of 32 bits: and = and_hi << 32 | and_lo.
 * No two rules of a policy name the same MSR.
 */
#define XL_MSR_DENY 0
#define XL_MSR_READ_ONLY 1
#define XL_MSR_MASK 2
#define XL_MSR_NR_ACTIONS 3

struct xl_msr_rule {
	uint32_t msr;
	uint32_t action; /* XL_MSR_DENY, XL_MSR_READ_ONLY or XL_MSR_MASK */
	uint32_t and_lo, and_hi;
	uint32_t or_lo, or_hi;
};

/* Version 1's size, and version 2's (the CPUID rules, then the MSR rules). */
#define XL_CPU_POLICY_SIZE(nr_rules) \
	(sizeof(struct xl_cpu_policy_header) + (nr_rules) * sizeof(struct xl_cpuid_rule))
#define XL_CPU_POLICY_SIZE2(nr_rules, nr_msr_rules) \
	(XL_CPU_POLICY_SIZE(nr_rules) + (nr_msr_rules) * sizeof(struct xl_msr_rule))
#define XL_CPU_POLICY_MAX_SIZE XL_CPU_POLICY_SIZE2(XL_CPU_POLICY_MAX_RULES, XL_CPU_POLICY_MAX_MSR_RULES)

#endif
