/*
 * A cpu-policy policy on the wire (modules/cpu-policy/cpu_policy_abi.h):
 * what xl-lite create sends with SET, and what xl-lite cpu-policy makes of
 * GET's answer. Both go through the module's own checker
 * (modules/cpu-policy/policy_rules.c), so xl-lite refuses what the module
 * would. No device access: the host unit tests link it.
 */
#ifndef XL_CPU_POLICY_WIRE_H
#define XL_CPU_POLICY_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "xl-cfg-cpuid.h"
#include "xl-cfg-msr.h"

/*
 * SET's buffer for CPUID rules p and MSR rules m into buf (size bytes;
 * XL_CPU_POLICY_MAX_SIZE is enough): version 1 without MSR rules, else
 * version 2. Its size, or 0 with *why when the module would refuse it (no
 * rule, too many, a rule the module's checker refuses) or it does not fit.
 */
size_t xl_cpu_policy_encode(const struct xl_cpuid_policy *p, const struct xl_msr_policy *m, void *buf,
			    size_t size, const char **why);

/*
 * GET's answer - n bytes (what the call returned) of a buffer of size -
 * checked and read into *p and *m: NULL, or why it is malformed.
 */
const char *xl_cpu_policy_decode(const void *buf, int64_t n, size_t size, struct xl_cpuid_policy *p,
				 struct xl_msr_policy *m);

#endif
