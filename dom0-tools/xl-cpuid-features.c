/*
 * The CPUID feature names (see xl-cpuid-features.h): the architectural bits
 * of leaves 1, 7.0, 0xd.1 and 0x80000001 an operator is likely to mask, as
 * the AMD and Intel manuals place them. Aliases follow the name they stand
 * for, so that a bit prints with its first name.
 */
#include <string.h>

#include "../modules/cpu-policy/cpu_policy_abi.h"
#include "xl-cpuid-features.h"

#define ANY XL_CPUID_ANY_SUBLEAF
#define L1C(name, bit) { name, 1, ANY, XL_CPUID_ECX, bit }
#define L1D(name, bit) { name, 1, ANY, XL_CPUID_EDX, bit }
#define L7B(name, bit) { name, 7, 0, XL_CPUID_EBX, bit }
#define L7C(name, bit) { name, 7, 0, XL_CPUID_ECX, bit }
#define L7D(name, bit) { name, 7, 0, XL_CPUID_EDX, bit }
#define LDA(name, bit) { name, 0xd, 1, XL_CPUID_EAX, bit }
#define E1C(name, bit) { name, 0x80000001u, ANY, XL_CPUID_ECX, bit }
#define E1D(name, bit) { name, 0x80000001u, ANY, XL_CPUID_EDX, bit }

static const struct xl_cpuid_feature features[] = {
	/* leaf 1, ECX */
	L1C("sse3", 0), L1C("pni", 0), L1C("pclmulqdq", 1), L1C("dtes64", 2), L1C("monitor", 3),
	L1C("ds_cpl", 4), L1C("vmx", 5), L1C("smx", 6), L1C("est", 7), L1C("tm2", 8),
	L1C("ssse3", 9), L1C("cnxt_id", 10), L1C("fma", 12), L1C("cx16", 13), L1C("xtpr", 14),
	L1C("pdcm", 15), L1C("pcid", 17), L1C("dca", 18), L1C("sse4_1", 19), L1C("sse4.1", 19),
	L1C("sse4_2", 20), L1C("sse4.2", 20), L1C("x2apic", 21), L1C("movbe", 22),
	L1C("popcnt", 23), L1C("tsc_deadline", 24), L1C("aes", 25), L1C("xsave", 26),
	L1C("osxsave", 27), L1C("avx", 28), L1C("f16c", 29), L1C("rdrand", 30),
	L1C("hypervisor", 31),
	/* leaf 1, EDX ("clflush" is xl's number key: the flag is "clfsh") */
	L1D("fpu", 0), L1D("vme", 1), L1D("de", 2), L1D("pse", 3), L1D("tsc", 4), L1D("msr", 5),
	L1D("pae", 6), L1D("mce", 7), L1D("cx8", 8), L1D("apic", 9), L1D("sep", 11),
	L1D("mtrr", 12), L1D("pge", 13), L1D("mca", 14), L1D("cmov", 15), L1D("pat", 16),
	L1D("pse36", 17), L1D("psn", 18), L1D("clfsh", 19), L1D("ds", 21), L1D("acpi", 22),
	L1D("mmx", 23), L1D("fxsr", 24), L1D("sse", 25), L1D("sse2", 26), L1D("ss", 27),
	L1D("htt", 28), L1D("tm", 29), L1D("pbe", 31),
	/* leaf 7 subleaf 0, EBX */
	L7B("fsgsbase", 0), L7B("tsc_adjust", 1), L7B("sgx", 2), L7B("bmi1", 3), L7B("hle", 4),
	L7B("avx2", 5), L7B("smep", 7), L7B("bmi2", 8), L7B("erms", 9), L7B("invpcid", 10),
	L7B("rtm", 11), L7B("mpx", 14), L7B("avx512f", 16), L7B("avx512dq", 17),
	L7B("rdseed", 18), L7B("adx", 19), L7B("smap", 20), L7B("avx512_ifma", 21),
	L7B("clflushopt", 23), L7B("clwb", 24), L7B("avx512pf", 26), L7B("avx512er", 27),
	L7B("avx512cd", 28), L7B("sha", 29), L7B("sha_ni", 29), L7B("avx512bw", 30),
	L7B("avx512vl", 31),
	/* leaf 7 subleaf 0, ECX */
	L7C("prefetchwt1", 0), L7C("avx512_vbmi", 1), L7C("umip", 2), L7C("pku", 3),
	L7C("ospke", 4), L7C("avx512_vbmi2", 6), L7C("gfni", 8), L7C("vaes", 9),
	L7C("vpclmulqdq", 10), L7C("avx512_vnni", 11), L7C("avx512_bitalg", 12),
	L7C("avx512_vpopcntdq", 14), L7C("rdpid", 22), L7C("movdiri", 27), L7C("movdir64b", 28),
	/* leaf 7 subleaf 0, EDX */
	L7D("avx512_4vnniw", 2), L7D("avx512_4fmaps", 3), L7D("fsrm", 4), L7D("md_clear", 10),
	L7D("serialize", 14),
	/* leaf 0xd subleaf 1, EAX */
	LDA("xsaveopt", 0), LDA("xsavec", 1), LDA("xgetbv1", 2), LDA("xsaves", 3),
	/* leaf 0x80000001, ECX */
	E1C("lahfsahf", 0), E1C("lahf_lm", 0), E1C("cmp_legacy", 1), E1C("svm", 2),
	E1C("extapic", 3), E1C("cr8legacy", 4), E1C("cr8_legacy", 4), E1C("abm", 5),
	E1C("lzcnt", 5), E1C("sse4a", 6), E1C("misalignsse", 7), E1C("3dnowprefetch", 8),
	E1C("osvw", 9), E1C("ibs", 10), E1C("xop", 11), E1C("skinit", 12), E1C("wdt", 13),
	E1C("lwp", 15), E1C("fma4", 16), E1C("tce", 17), E1C("nodeid_msr", 19), E1C("tbm", 21),
	E1C("topoext", 22), E1C("perfctr_core", 23), E1C("perfctr_nb", 24), E1C("monitorx", 29),
	/* leaf 0x80000001, EDX */
	E1D("syscall", 11), E1D("nx", 20), E1D("mmxext", 22), E1D("ffxsr", 25),
	E1D("page1gb", 26), E1D("pdpe1gb", 26), E1D("rdtscp", 27), E1D("lm", 29),
	E1D("3dnowext", 30), E1D("3dnow", 31),
};

#define NR_FEATURES (sizeof(features) / sizeof(features[0]))

/* The same name, with '-' written for '_'. */
static int same_name(const char *table_name, const char *name, size_t len)
{
	if (strlen(table_name) != len)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = name[i] == '-' ? '_' : name[i];

		if (c != table_name[i])
			return 0;
	}
	return 1;
}

const struct xl_cpuid_feature *xl_cpuid_feature_find(const char *name, size_t len)
{
	for (size_t i = 0; i < NR_FEATURES; i++)
		if (same_name(features[i].name, name, len))
			return &features[i];
	return NULL;
}

const char *xl_cpuid_feature_name(uint32_t leaf, uint32_t subleaf, uint32_t reg, unsigned int bit)
{
	for (size_t i = 0; i < NR_FEATURES; i++) {
		const struct xl_cpuid_feature *f = &features[i];

		if (f->leaf == leaf && f->subleaf == subleaf && f->reg == reg && f->bit == bit)
			return f->name;
	}
	return NULL;
}

int xl_cpuid_is_xl_number_key(const char *name, size_t len)
{
	static const char *const keys[] = { "apicidsize", "brandid", "clflush", "family",
					    "localapicid", "maxleaf", "maxhvleaf", "model",
					    "nc", "proccount", "procpkg", "stepping" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (same_name(keys[i], name, len))
			return 1;
	return 0;
}

const struct xl_cpuid_feature *xl_cpuid_features(size_t *count)
{
	*count = NR_FEATURES;
	return features;
}
