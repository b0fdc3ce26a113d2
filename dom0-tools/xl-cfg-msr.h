/*
 * The `msr` key of a guest configuration (Documentation/config.md; xl.cfg
 * has none), read into the MSR rules of a cpu-policy policy
 * (modules/cpu-policy/cpu_policy_abi.h):
 *
 *   msr = [ "0xc001001f:deny", "0x1b:ro", "0xc0000080:and=0xfffffffffffff7ff" ]
 *
 * Whether the guest's accesses of an MSR reach the hypervisor depends on
 * the domain; the module checks that at SET. No device access: the host
 * unit tests link it.
 */
#ifndef XL_CFG_MSR_H
#define XL_CFG_MSR_H

#include <stdint.h>

#include "../modules/cpu-policy/cpu_policy_abi.h"
#include "xl-cfg-cpuid.h" /* struct xl_cpuid_error: where and why a string was refused */

struct xl_msr_policy {
	struct xl_msr_rule rule[XL_CPU_POLICY_MAX_MSR_RULES];
	unsigned int nr;
};

/*
 * One string, "MSR:deny", "MSR:ro" or "MSR:and=HEX,or=HEX" (MSR decimal or
 * 0x hex, 32 bits; HEX 0x and 1 to 16 hex digits; either of and and or may
 * be left out: and is then all ones, or 0), added to p. 0, or -1 with e: a
 * bad MSR or mask, a missing ':', an unknown action, and or or given twice,
 * or bits outside and, a mask that changes nothing, an MSR named twice,
 * more than XL_CPU_POLICY_MAX_MSR_RULES rules.
 */
int xl_msr_parse(const char *s, struct xl_msr_policy *p, struct xl_cpuid_error *e);

/* "deny", "read-only", "mask", or "?" */
const char *xl_msr_action_name(uint32_t action);

/* "0xc001001f:deny", "0x1b:ro", "0xc0000080:and=0xfffffffffffff7ff": the rule as the key writes it, into buf. */
#define XL_MSR_RULE_TEXT 64
const char *xl_msr_rule_text(const struct xl_msr_rule *r, char *buf, size_t size);

#endif
