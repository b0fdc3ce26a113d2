/*
 * The CPUID feature names the `cpuid` key's libxl form takes
 * ("host,sse4_2=0,avx=0", Documentation/config.md): which bit of which
 * register of which leaf each one is. Names as Xen's libxl and Linux's
 * /proc/cpuinfo spell them; '-' and '_' are the same. No device access:
 * the host unit tests link it.
 */
#ifndef XL_CPUID_FEATURES_H
#define XL_CPUID_FEATURES_H

#include <stddef.h>
#include <stdint.h>

struct xl_cpuid_feature {
	const char *name;
	uint32_t leaf;
	uint32_t subleaf; /* XL_CPUID_ANY_SUBLEAF for a leaf without subleaves */
	uint8_t reg; /* XL_CPUID_EAX ... XL_CPUID_EDX */
	uint8_t bit;
};

/* The feature named by name[0, len) (case as written, '-' for '_'), or NULL. */
const struct xl_cpuid_feature *xl_cpuid_feature_find(const char *name, size_t len);

/* The name of that bit (its first name, not an alias), or NULL when the table has none. */
const char *xl_cpuid_feature_name(uint32_t leaf, uint32_t subleaf, uint32_t reg, unsigned int bit);

/*
 * Whether name[0, len) is one of xl's libxl keys that take a number
 * (family, model, ...), which xen-lite does not take: it masks feature bits only.
 */
int xl_cpuid_is_xl_number_key(const char *name, size_t len);

/* Every feature, in table order (the unit tests check it). */
const struct xl_cpuid_feature *xl_cpuid_features(size_t *count);

#endif
