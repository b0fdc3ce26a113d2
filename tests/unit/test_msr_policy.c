/*
 * Host tests for the guest MSR policy (arch/x86_64/emul/msr_policy.c, and
 * its SVM side in arch/x86_64/svm/svm_msrpm.c and svm_msr.c): the MSR
 * permission map built from the table, and the emulation of the MSRs that
 * are intercepted, against a fake vCPU with a zeroed VMCB.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../arch/x86_64/svm/svm.h"
#include <arch/guest_policy.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>

#define MSRPM_SIZE 8192

#define EFER_LMSLE (1ULL << 13)
#define EFER_TCE (1ULL << 15)
#define CR0_PG (1ULL << 31)
#define PAT_DEFAULT 0x0007040600070406ULL

/* ---- the permission map ------------------------------------------------------------- */

static uint8_t *msrpm;

static int msrpm_setup(void **state)
{
	/* exactly 8 KiB, so that ASan sees any write past it; zero, so the fill is seen */
	msrpm = calloc(1, MSRPM_SIZE);
	assert_non_null(msrpm);
	msrpm_build(msrpm);
	return 0;
}

static int msrpm_teardown(void **state)
{
	free(msrpm);
	msrpm = NULL;
	return 0;
}

/* The map's layout from AMD APM vol. 2, 15.11: returns false if the MSR has no bits. */
static bool msrpm_bits(uint32_t msr, bool *rd, bool *wr)
{
	uint32_t base, off;
	uint32_t bit;

	if (msr <= 0x1FFF)
		base = 0, off = 0x000;
	else if (msr >= 0xC0000000 && msr <= 0xC0001FFF)
		base = 0xC0000000, off = 0x800;
	else if (msr >= 0xC0010000 && msr <= 0xC0011FFF)
		base = 0xC0010000, off = 0x1000;
	else
		return false;
	bit = (msr - base) * 2;
	*rd = msrpm[off + bit / 8] >> (bit % 8) & 1;
	*wr = msrpm[off + (bit + 1) / 8] >> ((bit + 1) % 8) & 1;
	return true;
}

static void expect_bits(uint32_t msr, bool rd, bool wr)
{
	bool r, w;

	if (!msrpm_bits(msr, &r, &w))
		fail_msg("MSR %#x has no bits in the map", msr);
	if (r != rd || w != wr)
		fail_msg("MSR %#x: read intercept %d write intercept %d, want %d %d", msr, r, w, rd, wr);
}

static void test_msrpm_listed(void **state)
{
	/* switched by VMLOAD/VMSAVE: neither direction intercepted */
	static const uint32_t pass[] = {
		MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
		MSR_SFMASK, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_TSC_AUX,
	};

	for (size_t i = 0; i < ARRAY_SIZE(pass); i++)
		expect_bits(pass[i], false, false);
	/* TSC reads are emulated (TCG returns 0 for a pass-through read), writes refused */
	expect_bits(MSR_TSC, true, true);
	/* emulated: always intercepted */
	expect_bits(MSR_EFER, true, true);
	expect_bits(MSR_PAT, true, true);
	/* exact bytes, four MSRs each: FS_BASE, GS_BASE, KERNEL_GS_BASE, TSC_AUX all open */
	assert_int_equal(msrpm[0x800 + 0x100 / 4], 0x00);
	/* EFER (0x80) intercepted, STAR, LSTAR, CSTAR (0x81-0x83) open */
	assert_int_equal(msrpm[0x800 + 0x80 / 4], 0x03);
	/* SFMASK (0x84) open, 0x85-0x87 intercepted */
	assert_int_equal(msrpm[0x800 + 0x84 / 4], 0xfc);
	/* TSC (0x10): byte 4, bits 0-1: both intercepted */
	assert_int_equal(msrpm[0x10 / 4], 0xff);
}

static void test_msrpm_unlisted(void **state)
{
	static const uint32_t deny[] = {
		0x0, 0x1, 0x11, MSR_APIC_BASE, 0x1FFF, /* first range, both ends */
		0xC0000000, 0xC0000085, 0xC0000104, 0xC0001FFF, /* second */
		0xC0010000, MSR_VM_CR, MSR_VM_HSAVE_PA, 0xC0011FFF, /* third */
	};

	for (size_t i = 0; i < ARRAY_SIZE(deny); i++)
		expect_bits(deny[i], true, true);
	/* the first bits of each range are in the first byte of its quarter */
	assert_int_equal(msrpm[0x000] & 3, 3);
	assert_int_equal(msrpm[0x800] & 3, 3);
	assert_int_equal(msrpm[0x1000] & 3, 3);
	assert_int_equal(msrpm[0x7ff] & 0xc0, 0xc0);
	assert_int_equal(msrpm[0xfff] & 0xc0, 0xc0);
	assert_int_equal(msrpm[0x17ff] & 0xc0, 0xc0);
}

static void test_msrpm_nothing_else_open(void **state)
{
	unsigned int clear = 0;

	/* 11 MSRs open both ways, nothing else */
	for (size_t i = 0; i < MSRPM_SIZE; i++)
		clear += 8 - (unsigned int)__builtin_popcount(msrpm[i]);
	assert_int_equal(clear, 11 * 2);
	/* the reserved last quarter stays all ones */
	for (size_t i = 0x1800; i < MSRPM_SIZE; i++)
		if (msrpm[i] != 0xff)
			fail_msg("reserved byte %#zx = %#x", i, msrpm[i]);
	/* and the map agrees with the rule table for every MSR of the three ranges */
	for (uint32_t r = 0; r < 3; r++) {
		static const uint32_t bases[] = { 0, 0xC0000000, 0xC0010000 };

		for (uint32_t msr = bases[r]; msr < bases[r] + 0x2000; msr++) {
			const struct msr_rule *rule = msr_rule_find(msr);

			expect_bits(msr, !rule || rule->read != MSR_PASS, !rule || rule->write != MSR_PASS);
		}
	}
}

static void test_msrpm_rebuild(void **state)
{
	/* the whole map is rewritten, whatever was there before */
	memset(msrpm, 0, MSRPM_SIZE);
	msrpm_build(msrpm);
	expect_bits(0x0, true, true);
	expect_bits(MSR_EFER, true, true);
	expect_bits(MSR_LSTAR, false, false);
	assert_int_equal(msrpm[MSRPM_SIZE - 1], 0xff);
}

static void test_rule_find(void **state)
{
	const struct msr_rule *r;

	r = msr_rule_find(MSR_EFER);
	assert_non_null(r);
	assert_int_equal(r->msr, MSR_EFER);
	assert_int_equal(r->read, MSR_EMULATE);
	assert_int_equal(r->write, MSR_EMULATE);
	assert_non_null(r->why);
	r = msr_rule_find(MSR_TSC);
	assert_non_null(r);
	assert_int_equal(r->read, MSR_EMULATE);
	assert_int_equal(r->write, MSR_DENY);
	assert_null(msr_rule_find(MSR_APIC_BASE));
	assert_null(msr_rule_find(MSR_VM_HSAVE_PA));
	assert_null(msr_rule_find(0xFFFFFFFF));
}

/* ---- Linux guests: their local APIC ---- */

static void test_msrpm_direct_apic(void **state)
{
	msrpm_allow_direct_apic(msrpm, false);
	expect_bits(MSR_APIC_BASE, false, true);
	expect_bits(MSR_TSC_DEADLINE, false, false);
	/* xAPIC: the page, not the MSRs */
	expect_bits(0x80B, true, true);
	expect_bits(0x830, true, true);
}

/* x2APIC: every register reads natively; the timer and EOI are written natively, the ICR and LVTs exit */
static void test_msrpm_x2apic(void **state)
{
	msrpm_allow_direct_apic(msrpm, true);
	for (uint32_t msr = 0x800; msr <= 0x8FF; msr++) {
		bool r, w;

		assert_true(msrpm_bits(msr, &r, &w));
		if (r)
			fail_msg("x2APIC MSR %#x: reads are intercepted", msr);
	}
	expect_bits(0x80B, false, false); /* EOI */
	expect_bits(0x808, false, false); /* TPR */
	expect_bits(0x838, false, false); /* timer initial count */
	expect_bits(0x83E, false, false); /* timer divide */
	expect_bits(0x83F, false, false); /* self IPI */
	expect_bits(0x830, false, true); /* ICR */
	expect_bits(0x832, false, true); /* LVT timer */
	expect_bits(0x835, false, true); /* LINT0 */
	expect_bits(0x802, false, true); /* APIC ID: read-only */
	expect_bits(0x80D, false, true); /* LDR: read-only */
	expect_bits(0x8FF, false, true);
	/* and nothing around the range */
	expect_bits(0x7FF, true, true);
	expect_bits(0x900, true, true);
	expect_bits(MSR_APIC_BASE, false, true);
}

static void test_rule_find_x2apic(void **state)
{
	assert_int_equal(msr_rule_find_x2apic(0x80B)->write, MSR_PASS);
	assert_int_equal(msr_rule_find_x2apic(0x838)->write, MSR_PASS);
	assert_int_equal(msr_rule_find_x2apic(0x830)->write, MSR_EMULATE);
	assert_int_equal(msr_rule_find_x2apic(0x837)->write, MSR_EMULATE);
	assert_null(msr_rule_find_x2apic(0x802));
	assert_null(msr_rule_find_x2apic(0x831)); /* no ICR high half in x2APIC mode */
	assert_null(msr_rule_find_x2apic(MSR_EFER));
}

/*
 * arch_domain_msr_exits() (what a module's MSR hooks can see) agrees with
 * the permission map each kind of domain runs with, for every MSR the map
 * has bits for; MSRs outside it exit for guests.
 */
static void expect_exits_match_map(const struct domain *d)
{
	static const uint32_t bases[] = { 0x00000000, 0xC0000000, 0xC0010000 };

	for (unsigned int b = 0; b < 3; b++) {
		for (uint32_t msr = bases[b]; msr < bases[b] + 0x2000; msr++) {
			unsigned int want = 0;
			bool r, w;

			assert_true(msrpm_bits(msr, &r, &w));
			want = (r ? ARCH_MSR_EXITS_READ : 0) | (w ? ARCH_MSR_EXITS_WRITE : 0);
			if (arch_domain_msr_exits(d, msr) != want)
				fail_msg("MSR %#x: exits %u, the map says %u", msr, arch_domain_msr_exits(d, msr), want);
		}
	}
}

static void test_domain_msr_exits(void **state)
{
	struct domain d = { 0 };

	expect_exits_match_map(&d);
	assert_int_equal(arch_domain_msr_exits(&d, MSR_FS_BASE), 0);
	assert_int_equal(arch_domain_msr_exits(&d, MSR_EFER), ARCH_MSR_EXITS_READ | ARCH_MSR_EXITS_WRITE);
	assert_int_equal(arch_domain_msr_exits(&d, MSR_TSC), ARCH_MSR_EXITS_READ | ARCH_MSR_EXITS_WRITE);
	assert_int_equal(arch_domain_msr_exits(&d, 0x12345678), ARCH_MSR_EXITS_READ | ARCH_MSR_EXITS_WRITE);
	/* a Linux guest on an xAPIC CPU, then on an x2APIC one */
	d.direct_apic = true;
	msrpm_allow_direct_apic(msrpm, false);
	expect_exits_match_map(&d);
	assert_int_equal(arch_domain_msr_exits(&d, MSR_APIC_BASE), ARCH_MSR_EXITS_WRITE);
	d.arch.x2apic = true;
	msrpm_allow_direct_apic(msrpm, true);
	expect_exits_match_map(&d);
	assert_int_equal(arch_domain_msr_exits(&d, 0x802), ARCH_MSR_EXITS_WRITE);
	assert_int_equal(arch_domain_msr_exits(&d, 0x80B), 0);
	/* dom0: what its table lists exits, the rest is its own */
	d = (struct domain){ .privileged = true };
	msrpm_build_dom0(msrpm);
	for (uint32_t msr = 0; msr < 0x2000; msr++) {
		bool r, w;

		assert_true(msrpm_bits(msr, &r, &w));
		assert_int_equal(arch_domain_msr_exits(&d, msr),
				 (r ? ARCH_MSR_EXITS_READ : 0) | (w ? ARCH_MSR_EXITS_WRITE : 0));
	}
	assert_int_equal(arch_domain_msr_exits(&d, MSR_VM_HSAVE_PA), ARCH_MSR_EXITS_READ | ARCH_MSR_EXITS_WRITE);
	assert_int_equal(arch_domain_msr_exits(&d, MSR_LSTAR), 0);
}

/* ---- emulation ------------------------------------------------------------------------ */

static struct vcpu vcpu;
static struct domain domain;
static struct vmcb *vmcb;

/* The x2APIC writes msr_policy.c hands to direct_lapic.c (not linked here): recorded. */
static uint32_t x2apic_msr;
static uint64_t x2apic_value;
static unsigned int x2apic_writes;

int direct_lapic_x2apic_write(struct vcpu *v, uint32_t msr, uint64_t value)
{
	assert_ptr_equal(v, &vcpu);
	x2apic_msr = msr;
	x2apic_value = value;
	x2apic_writes++;
	return 0;
}

static int vcpu_setup(void **state)
{
	memset(&vcpu, 0, sizeof(vcpu));
	memset(&domain, 0, sizeof(domain));
	vcpu.domain = &domain;
	vmcb = calloc(1, sizeof(*vmcb));
	assert_non_null(vmcb);
	vcpu.arch.vmcb = vmcb;
	/* a guest in long mode, as it starts */
	vmcb->save.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME;
	vmcb->save.cr0 = CR0_PG | 1;
	vmcb->save.g_pat = PAT_DEFAULT;
	return 0;
}

static int vcpu_teardown(void **state)
{
	free(vmcb);
	vmcb = NULL;
	return 0;
}

static void test_efer_read_hides_svme(void **state)
{
	uint64_t v = 0x5555;

	assert_int_equal(msr_read(&vcpu, MSR_EFER, &v), 0);
	assert_int_equal(v, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);
	vmcb->save.efer = EFER_SVME;
	assert_int_equal(msr_read(&vcpu, MSR_EFER, &v), 0);
	assert_int_equal(v, 0);
	/* reading changes nothing */
	assert_int_equal(vmcb->save.efer, EFER_SVME);
	assert_int_equal(vcpu.arch.dirty, 0);
}

static void test_efer_write(void **state)
{
	uint64_t v;

	/* the value read back is accepted as is (LME unchanged while paging is on) */
	assert_int_equal(msr_read(&vcpu, MSR_EFER, &v), 0);
	assert_int_equal(msr_write(&vcpu, MSR_EFER, v), 0);
	assert_int_equal(vmcb->save.efer, v | EFER_SVME);
	assert_true(vcpu.arch.dirty & VMCB_CLEAN_CR);
	/* clearing NXE and SCE: SVME stays set in the VMCB, LMA is the CPU's */
	vcpu.arch.dirty = 0;
	assert_int_equal(msr_write(&vcpu, MSR_EFER, EFER_LME), 0);
	assert_int_equal(vmcb->save.efer, EFER_LME | EFER_LMA | EFER_SVME);
	assert_int_equal(vcpu.arch.dirty, VMCB_CLEAN_CR);
	/* FFXSR may be set */
	assert_int_equal(msr_write(&vcpu, MSR_EFER, EFER_LME | EFER_FFXSR | EFER_NXE), 0);
	assert_int_equal(vmcb->save.efer, EFER_LME | EFER_LMA | EFER_FFXSR | EFER_NXE | EFER_SVME);
	/* a write of LMA does not change it: LMA follows LME and CR0.PG */
	assert_int_equal(msr_write(&vcpu, MSR_EFER, EFER_LME | EFER_LMA), 0);
	assert_int_equal(vmcb->save.efer, EFER_LME | EFER_LMA | EFER_SVME);
}

static void test_efer_write_refused(void **state)
{
	static const uint64_t bad[] = {
		EFER_LME | EFER_SVME, /* the guest may not see or touch SVME */
		EFER_SVME,
		EFER_LME | EFER_LMSLE,
		EFER_LME | EFER_TCE,
		EFER_LME | (1ULL << 1),
		EFER_LME | (1ULL << 9),
		EFER_LME | (1ULL << 16),
		EFER_LME | (1ULL << 63),
		~0ULL,
	};
	const uint64_t before = vmcb->save.efer;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int err = msr_write(&vcpu, MSR_EFER, bad[i]);

		if (err != -EPERM)
			fail_msg("EFER write of %#llx returned %d, want -EPERM", (unsigned long long)bad[i],
				 err);
		assert_int_equal(vmcb->save.efer, before);
	}
	/* LME may not change while paging is on */
	assert_int_equal(msr_write(&vcpu, MSR_EFER, EFER_SCE | EFER_NXE), -EPERM);
	assert_int_equal(vmcb->save.efer, before);
	assert_int_equal(vcpu.arch.dirty, 0);
}

static void test_efer_lme_with_paging_off(void **state)
{
	/* a guest setting up long mode: protected mode, paging off */
	vmcb->save.cr0 = 1;
	vmcb->save.efer = EFER_SVME;
	assert_int_equal(msr_write(&vcpu, MSR_EFER, EFER_LME | EFER_SCE), 0);
	assert_int_equal(vmcb->save.efer, EFER_LME | EFER_SCE | EFER_SVME);
	/* and leaving it again */
	assert_int_equal(msr_write(&vcpu, MSR_EFER, 0), 0);
	assert_int_equal(vmcb->save.efer, EFER_SVME);
	/* with paging on, setting LME is refused */
	vmcb->save.cr0 = CR0_PG | 1;
	assert_int_equal(msr_write(&vcpu, MSR_EFER, EFER_LME), -EPERM);
	assert_int_equal(vmcb->save.efer, EFER_SVME);
	/* but other bits may still change */
	assert_int_equal(msr_write(&vcpu, MSR_EFER, EFER_NXE), 0);
	assert_int_equal(vmcb->save.efer, EFER_NXE | EFER_SVME);
}

static void test_pat(void **state)
{
	static const uint64_t bad[] = {
		0x0007040600070402ULL, /* type 2 */
		0x0307040600070406ULL, /* type 3 in the top entry */
		0x0007040600070408ULL, /* 8 */
		0xff07040600070406ULL,
		0x0007040600070446ULL, /* high bits of an entry */
	};
	uint64_t v = 0;

	assert_int_equal(msr_read(&vcpu, MSR_PAT, &v), 0);
	assert_int_equal(v, PAT_DEFAULT);
	/* every valid type: UC (0), WC (1), WT (4), WP (5), WB (6), UC- (7) */
	assert_int_equal(msr_write(&vcpu, MSR_PAT, 0x0706050401000100ULL), 0);
	assert_int_equal(vmcb->save.g_pat, 0x0706050401000100ULL);
	assert_true(vcpu.arch.dirty & VMCB_CLEAN_NP);
	assert_int_equal(msr_read(&vcpu, MSR_PAT, &v), 0);
	assert_int_equal(v, 0x0706050401000100ULL);
	assert_int_equal(msr_write(&vcpu, MSR_PAT, 0), 0);
	assert_int_equal(vmcb->save.g_pat, 0);
	assert_int_equal(msr_write(&vcpu, MSR_PAT, PAT_DEFAULT), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (msr_write(&vcpu, MSR_PAT, bad[i]) != -EPERM)
			fail_msg("PAT %#llx accepted", (unsigned long long)bad[i]);
		assert_int_equal(vmcb->save.g_pat, PAT_DEFAULT);
	}
}

static void test_unlisted_and_pass_through(void **state)
{
	static const uint32_t refused[] = {
		MSR_APIC_BASE, MSR_VM_HSAVE_PA, MSR_VM_CR, 0x0, 0x1FFF, 0x2000, 0xC0000000, 0xFFFFFFFF,
		/* pass-through MSRs are never intercepted: reaching the emulation is a bug */
		MSR_FS_BASE, MSR_LSTAR, MSR_TSC_AUX, MSR_SYSENTER_CS,
	};
	uint64_t v;

	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		v = 0x1234;
		if (msr_read(&vcpu, refused[i], &v) != -EPERM)
			fail_msg("read of MSR %#x not refused", refused[i]);
		assert_int_equal(v, 0x1234);
		if (msr_write(&vcpu, refused[i], 0) != -EPERM)
			fail_msg("write of MSR %#x not refused", refused[i]);
	}
	/* the TSC: reads are emulated from the real TSC plus the VMCB offset, writes are denied */
	v = 0;
	assert_int_equal(msr_read(&vcpu, MSR_TSC, &v), 0);
	assert_true(v != 0);
	assert_int_equal(msr_write(&vcpu, MSR_TSC, 0), -EPERM);
	/* nothing in the VMCB changed */
	assert_int_equal(vmcb->save.efer, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME);
	assert_int_equal(vmcb->save.g_pat, PAT_DEFAULT);
	assert_int_equal(vcpu.arch.dirty, 0);
}

/* ---- dom0: everything passes but the listed MSRs ---- */

static void test_dom0_map(void **state)
{
	msrpm_build_dom0(msrpm);
	/* ordinary MSRs of all three ranges pass through both ways */
	expect_bits(0x0, false, false);
	expect_bits(0x2FF, false, true); /* MTRR default type: read, writes dropped */
	expect_bits(0x200, false, true); /* a variable MTRR */
	expect_bits(0x403, false, true); /* a machine-check bank */
	expect_bits(0x48, false, false); /* SPEC_CTRL: dom0's own */
	expect_bits(0xC0000100, false, false);
	expect_bits(0xC0011FFF, false, false);
	/* the listed ones are intercepted as their rules say */
	expect_bits(MSR_EFER, true, true);
	expect_bits(MSR_VM_HSAVE_PA, true, true);
	expect_bits(MSR_VM_CR, true, true);
	expect_bits(MSR_APIC_BASE, false, true);
	expect_bits(MSR_SYSCFG, false, true);
	expect_bits(MSR_TSC, true, true);
	/* the reserved quarter stays all ones */
	assert_int_equal(msrpm[0x1800], 0xff);
	assert_int_equal(msrpm[0x1fff], 0xff);
	msrpm_build(msrpm); /* back to the guests' map for the other tests */
}

static void test_dom0_apic_base(void **state)
{
	uint64_t cur = 0;

	/* what dom0 may not change for the whole node: writes dropped, reported as done */
	domain.privileged = true;
	assert_int_equal(msr_write(&vcpu, 0x2FF, 0), 0);
	assert_int_equal(msr_write(&vcpu, 0x20F, 0), 0);
	assert_int_equal(msr_write(&vcpu, 0x47F, 0), 0);
	assert_int_equal(msr_write(&vcpu, 0xC0010020, 0), 0);
	assert_null(msr_rule_find_dom0(0x210)); /* beyond the range: passes */
	domain.privileged = false;

	domain.privileged = true;
	/* dom0 may not move or disable its local APIC (the check reads the real MSR, so
	 * it cannot run here: only the rule is checked); the guest table does not list it */
	assert_int_equal(msr_rule_find_dom0(MSR_APIC_BASE)->write, MSR_EMULATE);
	assert_null(msr_rule_find(MSR_APIC_BASE));
	assert_int_equal(msr_write(&vcpu, MSR_VM_HSAVE_PA, 0), -EPERM);
	assert_int_equal(msr_read(&vcpu, MSR_VM_CR, &cur), -EPERM);
	/* EFER keeps its emulation for dom0 too */
	assert_int_equal(msr_read(&vcpu, MSR_EFER, &cur), 0);
	assert_int_equal(cur & EFER_SVME, 0);
	domain.privileged = false;
}

/* An x2APIC guest's intercepted writes: ICR and LVTs to the APIC emulation, the rest #GP. */
/* Linux on AMD reads NB_CFG at CPU bring-up: a guest sees extended config access on, writes dropped */
static void test_nb_cfg(void **state)
{
	uint64_t value = 0;

	assert_int_equal(msr_read(&vcpu, 0xC001001F, &value), 0);
	assert_int_equal(value, 1ULL << 46);
	assert_int_equal(msr_write(&vcpu, 0xC001001F, 0), 0);
}

static void test_msrpm_nb_cfg(void **state)
{
	expect_bits(0xC001001F, true, true);
}

static void test_x2apic_writes(void **state)
{
	uint64_t value = 0;

	domain.direct_apic = true;
	domain.arch.x2apic = true;
	x2apic_writes = 0;
	assert_int_equal(msr_write(&vcpu, 0x830, 0x0000000300004021ULL), 0);
	assert_int_equal(x2apic_writes, 1);
	assert_int_equal(x2apic_msr, 0x830);
	assert_int_equal(x2apic_value, 0x0000000300004021ULL);
	assert_int_equal(msr_write(&vcpu, 0x832, 0x000200ecULL), 0);
	assert_int_equal(x2apic_msr, 0x832);
	/* read-only registers and unknown ones: #GP, nothing emulated */
	assert_int_equal(msr_write(&vcpu, 0x802, 5), -EPERM);
	assert_int_equal(msr_write(&vcpu, 0x80D, 1), -EPERM);
	assert_int_equal(msr_write(&vcpu, 0x8FF, 0), -EPERM);
	assert_int_equal(x2apic_writes, 2);
	/* reads pass in the map; an intercepted one would be refused */
	assert_int_equal(msr_read(&vcpu, 0x830, &value), -EPERM);
	/* the same MSRs for a guest on an xAPIC CPU: #GP, never emulated */
	domain.arch.x2apic = false;
	assert_int_equal(msr_write(&vcpu, 0x830, 0x4021), -EPERM);
	assert_int_equal(x2apic_writes, 2);
	domain.direct_apic = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dom0_map, msrpm_setup, msrpm_teardown),
		cmocka_unit_test_setup_teardown(test_dom0_apic_base, vcpu_setup, vcpu_teardown),
		cmocka_unit_test_setup_teardown(test_msrpm_listed, msrpm_setup, msrpm_teardown),
		cmocka_unit_test_setup_teardown(test_msrpm_unlisted, msrpm_setup, msrpm_teardown),
		cmocka_unit_test_setup_teardown(test_msrpm_nothing_else_open, msrpm_setup, msrpm_teardown),
		cmocka_unit_test_setup_teardown(test_msrpm_rebuild, msrpm_setup, msrpm_teardown),
		cmocka_unit_test(test_rule_find),
		cmocka_unit_test_setup_teardown(test_msrpm_direct_apic, msrpm_setup, msrpm_teardown),
		cmocka_unit_test_setup_teardown(test_msrpm_x2apic, msrpm_setup, msrpm_teardown),
		cmocka_unit_test(test_rule_find_x2apic),
		cmocka_unit_test_setup_teardown(test_domain_msr_exits, msrpm_setup, msrpm_teardown),
		cmocka_unit_test_setup_teardown(test_x2apic_writes, vcpu_setup, vcpu_teardown),
		cmocka_unit_test_setup_teardown(test_nb_cfg, vcpu_setup, vcpu_teardown),
		cmocka_unit_test_setup_teardown(test_msrpm_nb_cfg, msrpm_setup, msrpm_teardown),
		cmocka_unit_test_setup_teardown(test_efer_read_hides_svme, vcpu_setup, vcpu_teardown),
		cmocka_unit_test_setup_teardown(test_efer_write, vcpu_setup, vcpu_teardown),
		cmocka_unit_test_setup_teardown(test_efer_write_refused, vcpu_setup, vcpu_teardown),
		cmocka_unit_test_setup_teardown(test_efer_lme_with_paging_off, vcpu_setup, vcpu_teardown),
		cmocka_unit_test_setup_teardown(test_pat, vcpu_setup, vcpu_teardown),
		cmocka_unit_test_setup_teardown(test_unlisted_and_pass_through, vcpu_setup, vcpu_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
