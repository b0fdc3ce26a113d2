/*
 * The `cpuid` key of a guest configuration (Documentation/config.md), in
 * Xen's two forms, read into the rules of a cpu-policy policy
 * (modules/cpu-policy/cpu_policy_abi.h):
 *
 *   cpuid = "host,sse4_2=0,avx=0"                      libxl: features over the host's
 *   cpuid = [ "1:ecx=xxxxxxxxxxx0...", "7,0:ebx=..." ]  xend: 32 bits per register
 *
 * A bit is 0 (cleared), 1 (set), or x, k, s (left as the hypervisor
 * answers; xl's "host value" and "same as" are the same thing here, where
 * nothing migrates yet). No device access: the host unit tests link it.
 */
#ifndef XL_CFG_CPUID_H
#define XL_CFG_CPUID_H

#include <stddef.h>
#include <stdint.h>

#include "../modules/cpu-policy/cpu_policy_abi.h"

struct xl_cpuid_policy {
	struct xl_cpuid_rule rule[XL_CPU_POLICY_MAX_RULES];
	/* per rule, the bits the text named (0, 1 or x): named twice is refused */
	uint32_t named[XL_CPU_POLICY_MAX_RULES];
	unsigned int nr;
};

/* Why a string was refused, and where: the byte of it the reason is about. */
struct xl_cpuid_error {
	size_t at;
	char why[160];
};

/* A refusal: e's byte at and reason from fmt. -1, what a parser returns then. */
__attribute__((format(printf, 3, 4))) int xl_cfg_refuse(struct xl_cpuid_error *e, size_t at, const char *fmt,
							 ...);

/*
 * The libxl form, "host,FEATURE=V[,FEATURE=V...]" (V one of 0 1 x k s),
 * added to p. 0, or -1 with e: not starting with "host", an empty or
 * unknown feature, one of xl's number keys (family, model, ...), a bad
 * value, a bit named twice.
 */
int xl_cpuid_parse_libxl(const char *s, struct xl_cpuid_policy *p, struct xl_cpuid_error *e);

/*
 * One string of the xend form, "LEAF[,SUBLEAF]:REG=BITS[,REG=BITS...]"
 * (LEAF and SUBLEAF decimal or 0x hex; REG eax, ebx, ecx or edx; BITS 32
 * of 0 1 x k s, bit 31 first), added to p. 0, or -1 with e: a bad number,
 * one of the hypervisor's leaves, a missing ':' or '=', an unknown
 * register, bits of the wrong length or character (anything up to the
 * next ',' or the end is bits), a register named twice (or for every
 * subleaf and for one), more than XL_CPU_POLICY_MAX_RULES registers.
 */
int xl_cpuid_parse_xend(const char *s, struct xl_cpuid_policy *p, struct xl_cpuid_error *e);

/* The rules that change nothing (every bit kept) dropped, the others kept in order. */
void xl_cpuid_policy_trim(struct xl_cpuid_policy *p);

/* "eax" ... "edx", or "?" */
const char *xl_cpuid_reg_name(uint32_t reg);

#endif
