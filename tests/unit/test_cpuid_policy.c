/*
 * Host tests for the guest CPUID policy, cpuid_policy_apply() in
 * arch/x86_64/cpuid_policy.c: the hypervisor leaves, the hidden SVM leaf
 * and the feature bits cleared, set or mirrored in leaves 1 and 0x80000001.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arch/guest_policy.h>
#include <xen-lite-abi.h>
#include <xen-lite/domain.h>

#define BIT(n) (1u << (n))
#define CR4_OSXSAVE (1ULL << 18)
#define ALL_ONES ((struct cpuid_regs){ ~0u, ~0u, ~0u, ~0u })
#define PATTERN ((struct cpuid_regs){ 0x12345678, 0x9abcdef0, 0x0f1e2d3c, 0x4b5a6978 })

static struct domain dom = { .id = 7 };

static struct cpuid_regs apply(uint32_t leaf, uint32_t subleaf, uint64_t cr4, struct cpuid_regs in)
{
	cpuid_policy_apply(&dom, leaf, subleaf, cr4, &in);
	return in;
}

static void expect_regs(struct cpuid_regs got, uint32_t eax, uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	if (got.eax != eax || got.ebx != ebx || got.ecx != ecx || got.edx != edx)
		fail_msg("got %08x %08x %08x %08x, want %08x %08x %08x %08x", got.eax, got.ebx, got.ecx,
			 got.edx, eax, ebx, ecx, edx);
}

static void test_base_leaf(void **state)
{
	struct cpuid_regs r = apply(XL_CPUID_BASE, 0, 0, PATTERN);
	char sig[13];

	expect_regs(r, 0x40000001, XL_CPUID_SIGNATURE_EBX, XL_CPUID_SIGNATURE_ECX,
		    XL_CPUID_SIGNATURE_EDX);
	/* the signature spells "xen-lite-abi" in EBX, ECX, EDX order */
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	sig[12] = '\0';
	assert_string_equal(sig, "xen-lite-abi");
	/* whatever the CPU said and whatever the subleaf */
	r = apply(XL_CPUID_BASE, 3, CR4_OSXSAVE, ALL_ONES);
	expect_regs(r, XL_CPUID_MAX_LEAF, XL_CPUID_SIGNATURE_EBX, XL_CPUID_SIGNATURE_ECX,
		    XL_CPUID_SIGNATURE_EDX);
}

static void test_version_leaf(void **state)
{
	struct cpuid_regs r = apply(0x40000001, 0, 0, ALL_ONES);

	expect_regs(r, XL_ABI_VERSION, XL_FEATURE_CONSOLE | XL_FEATURE_SHUTDOWN, 7, 0);
	assert_int_equal(r.eax, 0x0000000a); /* version 0.10 */
	assert_int_equal(r.ebx, 3);
	/* ECX is the calling domain's id */
	dom.id = 42;
	r = apply(0x40000001, 0, 0, PATTERN);
	assert_int_equal(r.ecx, 42);
	dom.id = 7;
}

static void test_other_hypervisor_leaves(void **state)
{
	static const uint32_t leaves[] = { 0x40000002, 0x40000010, 0x40000080, 0x400000FF };

	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++)
		expect_regs(apply(leaves[i], 0, 0, ALL_ONES), 0, 0, 0, 0);
}

static void test_svm_leaf_hidden(void **state)
{
	expect_regs(apply(0x8000000A, 0, 0, ALL_ONES), 0, 0, 0, 0);
	expect_regs(apply(0x8000000A, 1, CR4_OSXSAVE, PATTERN), 0, 0, 0, 0);
}

static void test_leaf1(void **state)
{
	const uint32_t ecx_cleared = BIT(3) | BIT(5) | BIT(6) | BIT(21) | BIT(24);
	struct cpuid_regs r;

	/* all ones in, OSXSAVE off in the guest: every policy bit visible */
	r = apply(1, 0, 0, ALL_ONES);
	assert_int_equal(r.eax, ~0u);
	assert_int_equal(r.ebx, ~0u);
	assert_int_equal(r.ecx, ~(ecx_cleared | BIT(27)));
	assert_int_equal(r.edx, ~(BIT(7) | BIT(9) | BIT(12) | BIT(14)));
	/* all zeros in: only the hypervisor bit appears */
	r = apply(1, 0, 0, (struct cpuid_regs){ 0, 0, 0, 0 });
	expect_regs(r, 0, 0, BIT(31), 0);
	/* OSXSAVE follows the guest's CR4, not the value from the CPU */
	r = apply(1, 0, CR4_OSXSAVE, (struct cpuid_regs){ 0, 0, 0, 0 });
	expect_regs(r, 0, 0, BIT(31) | BIT(27), 0);
	r = apply(1, 0, CR4_OSXSAVE, ALL_ONES);
	assert_int_equal(r.ecx, ~ecx_cleared);
	r = apply(1, 0, ~CR4_OSXSAVE, ALL_ONES);
	assert_int_equal(r.ecx, ~(ecx_cleared | BIT(27)));
	/* and a realistic value: EAX and EBX are untouched */
	r = apply(1, 0, CR4_OSXSAVE, (struct cpuid_regs){ 0x00a20f12, 0x01020800, 0x7ed8320b, 0x178bfbff });
	expect_regs(r, 0x00a20f12, 0x01020800,
		    (0x7ed8320bu & ~(ecx_cleared | BIT(27))) | BIT(31) | BIT(27),
		    0x178bfbffu & ~(BIT(7) | BIT(9) | BIT(12) | BIT(14)));
}

/* Linux guests drive their local APIC: APIC and TSC-deadline shown; MTRR and machine checks still hidden. */
static void test_leaf1_direct_apic(void **state)
{
	struct cpuid_regs r;

	dom.direct_apic = true;
	r = apply(1, 0, 0, ALL_ONES);
	assert_int_equal(r.ecx, ~(BIT(3) | BIT(5) | BIT(6) | BIT(21) | BIT(27)));
	assert_int_equal(r.edx, ~(BIT(7) | BIT(12) | BIT(14)));
	/* on x2APIC CPUs their CPUs run in x2APIC mode, and CPUID says so */
	dom.arch.x2apic = true;
	r = apply(1, 0, 0, ALL_ONES);
	assert_int_equal(r.ecx, ~(BIT(3) | BIT(5) | BIT(6) | BIT(27)));
	dom.arch.x2apic = false;
	dom.direct_apic = false;
	/* dom0 sees all of these but machine checks, which are the hypervisor's */
	dom.privileged = true;
	r = apply(1, 0, 0, ALL_ONES);
	assert_int_equal(r.edx, ~(BIT(7) | BIT(14)));
	dom.privileged = false;
}

/* SVM, SKINIT, MONITORX for everyone; what guests cannot use: IBS, WDT, LWP, TCE, counters, DBX, PTSC */
#define GUEST_HIDDEN_80000001_ECX                                                            \
	(BIT(2) | BIT(12) | BIT(29) | BIT(10) | BIT(13) | BIT(15) | BIT(17) | BIT(23) | BIT(24) | \
	 BIT(26) | BIT(27) | BIT(28))

static void test_leaf_80000001(void **state)
{
	struct cpuid_regs r = apply(0x80000001, 0, CR4_OSXSAVE, ALL_ONES);

	expect_regs(r, ~0u, ~0u, ~GUEST_HIDDEN_80000001_ECX, ~0u);
	r = apply(0x80000001, 0, 0, PATTERN);
	expect_regs(r, PATTERN.eax, PATTERN.ebx, PATTERN.ecx & ~GUEST_HIDDEN_80000001_ECX, PATTERN.edx);
	dom.privileged = true;
	r = apply(0x80000001, 0, 0, ALL_ONES);
	expect_regs(r, ~0u, ~0u, ~(BIT(2) | BIT(12) | BIT(29)), ~0u);
	dom.privileged = false;
}

/* Every feature shown works: what the hypervisor refuses is hidden (leaves 7 and 0x80000008). */
static void test_refused_features_hidden(void **state)
{
	struct cpuid_regs r = apply(7, 0, 0, ALL_ONES);

	/* LA57 (5-level paging: guest page walks are 4-level), RDT monitoring, speculation MSRs */
	expect_regs(r, ~0u, ~(BIT(12) | BIT(15)), ~BIT(16), ~(BIT(26) | BIT(27) | BIT(31)));
	r = apply(0x80000008, 0, 0, ALL_ONES);
	expect_regs(r, ~0u,
		    ~(BIT(4) | BIT(12) | BIT(14) | BIT(15) | BIT(16) | BIT(17) | BIT(18) | BIT(24) |
		      BIT(25)),
		    ~0u, ~0u);
	r = apply(0xA, 0, 0, ALL_ONES);
	expect_regs(r, 0, 0, 0, 0);
	/* dom0 keeps the speculation controls and counters (its MSRs pass), not LA57 */
	dom.privileged = true;
	r = apply(7, 0, 0, ALL_ONES);
	expect_regs(r, ~0u, ~0u, ~BIT(16), ~0u);
	r = apply(0x80000008, 0, 0, ALL_ONES);
	expect_regs(r, ~0u, ~0u, ~0u, ~0u);
	r = apply(0xA, 0, 0, ALL_ONES);
	expect_regs(r, ~0u, ~0u, ~0u, ~0u);
	dom.privileged = false;
}

static void test_other_leaves_unchanged(void **state)
{
	static const uint32_t leaves[] = {
		0, 2, 4, 0xb, 0xd, 0x14, 0x3fffffff,
		0x80000000, 0x80000002, 0x80000009, 0x8000000B, 0x8000001F,
	};

	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		struct cpuid_regs r = apply(leaves[i], 1, CR4_OSXSAVE, PATTERN);

		if (memcmp(&r, &PATTERN, sizeof(r)))
			fail_msg("leaf %#x changed", leaves[i]);
		r = apply(leaves[i], 0, 0, ALL_ONES);
		if (memcmp(&r, &ALL_ONES, sizeof(r)))
			fail_msg("leaf %#x changed", leaves[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_leaf),
		cmocka_unit_test(test_version_leaf),
		cmocka_unit_test(test_other_hypervisor_leaves),
		cmocka_unit_test(test_svm_leaf_hidden),
		cmocka_unit_test(test_leaf1),
		cmocka_unit_test(test_leaf1_direct_apic),
		cmocka_unit_test(test_refused_features_hidden),
		cmocka_unit_test(test_leaf_80000001),
		cmocka_unit_test(test_other_leaves_unchanged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
