/*
 * How xl-lite shows a cpu-policy policy: each rule in the `cpuid` key's
 * xend form, the features it clears and sets, and xl-lite cpu-policy's
 * table or JSON. No device access: the host unit tests link it.
 * Documentation/tools.md.
 */
#ifndef XL_CPU_POLICY_FMT_H
#define XL_CPU_POLICY_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "xl-cfg-cpuid.h"
#include "xl-cfg-msr.h"

/* "0x00000007,0:ebx=" and 32 bits: the longest rule text, with its NUL */
#define XL_CPUID_RULE_TEXT 64

/*
 * The rule as the xend form writes it, "0x00000001:ecx=xxx...0xx" (bit 31
 * first; "LEAF,SUBLEAF:" for a subleaf), into buf. Returns buf.
 */
const char *xl_cpuid_rule_text(const struct xl_cpuid_rule *r, char *buf, size_t size);

/* The bits a rule changes, by name where the feature table has one: "-sse4_2 -avx +ecx:2". */
void xl_print_cpuid_changes(FILE *f, const struct xl_cpuid_rule *r);

/*
 * xl-lite cpu-policy DOMAIN: the domain's policy - CPUID rules p, MSR rules
 * m; both NULL: it has none - as tables with the `cpuid = [...]` and
 * `msr = [...]` lines that give it, or one JSON object. name may be NULL
 * (not in the domain list).
 */
void xl_print_cpu_policy(FILE *f, uint32_t domid, const char *name, const struct xl_cpuid_policy *p,
			 const struct xl_msr_policy *m, bool json);

#endif
