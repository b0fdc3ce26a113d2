/*
 * The MSR policy for guests (see arch/guest_policy.h). Everything not in
 * the table is intercepted and refused with #GP: a guest only reaches the
 * registers listed here.
 */
#include <arch/guest_policy.h>
#include <arch/lapic.h>
#include <arch/vmcb.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/string.h>


#define EFER_GUEST_WRITABLE (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_FFXSR)

static const struct msr_rule rules[] = {
	{ MSR_EFER, MSR_EMULATE, MSR_EMULATE, "SVME must stay set and hidden; only known bits" },
	{ MSR_PAT, MSR_EMULATE, MSR_EMULATE, "the guest PAT lives in the VMCB (g_pat); validated" },
	{ MSR_TSC, MSR_EMULATE, MSR_DENY,
	  "read emulated (QEMU's TCG returns 0 for a pass-through read); a write would move the host's TSC" },
	{ MSR_FS_BASE, MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR_GS_BASE, MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR_KERNEL_GS_BASE, MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR_STAR, MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR_LSTAR, MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR_CSTAR, MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR_SFMASK, MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR_SYSENTER_CS, MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR_SYSENTER_ESP, MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR_SYSENTER_EIP, MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR_TSC_AUX, MSR_PASS, MSR_PASS, "per-CPU id for RDTSCP; the CPU is the guest's alone" },
};

/*
 * Linux guests drive their CPUs' local APICs (direct_apic): on top of the
 * guests' table they read the APIC base and use the TSC-deadline timer.
 */
static const struct msr_rule direct_apic_rules[] = {
	{ MSR_APIC_BASE, MSR_PASS, MSR_EMULATE,
	  "the APIC's address and mode are the hypervisor's; rewriting the same value is allowed" },
	{ MSR_TSC_DEADLINE, MSR_PASS, MSR_PASS, "the CPU's own timer: the guest's alone" },
};

/*
 * Linux guests on x2APIC CPUs (their CPUs run in x2APIC mode): every
 * x2APIC register reads natively; the writes a kernel makes to its own
 * CPU's APIC pass, so timer ticks and EOIs never exit; the interrupt
 * command and the LVTs are filtered as the xAPIC page's are
 * (direct_lapic.c); any other write gets #GP (read-only registers, and the
 * APIC ID, which the hypervisor relies on, are read-only in x2APIC mode).
 */
#define X2APIC_OWN "the guest's own CPU's APIC: the guest's alone"
static const struct msr_rule x2apic_rules[] = {
	{ X2APIC_MSR(APIC_REG_TPR), MSR_PASS, MSR_PASS, X2APIC_OWN },
	{ X2APIC_MSR(APIC_REG_EOI), MSR_PASS, MSR_PASS, X2APIC_OWN },
	{ X2APIC_MSR(APIC_REG_SVR), MSR_PASS, MSR_PASS, X2APIC_OWN },
	{ X2APIC_MSR(APIC_REG_ESR), MSR_PASS, MSR_PASS, X2APIC_OWN },
	{ X2APIC_MSR(APIC_REG_TIMER_INIT), MSR_PASS, MSR_PASS, X2APIC_OWN },
	{ X2APIC_MSR(APIC_REG_TIMER_DIV), MSR_PASS, MSR_PASS, X2APIC_OWN },
	{ X2APIC_MSR(APIC_REG_SELF_IPI), MSR_PASS, MSR_PASS, "an interrupt to the sender itself" },
	{ X2APIC_MSR(APIC_REG_ICR_LO), MSR_PASS, MSR_EMULATE,
	  "IPIs only within the domain (the ICR policy, icr_policy.c)" },
	{ X2APIC_MSR(APIC_REG_LVT_TIMER), MSR_PASS, MSR_EMULATE, "fixed vectors only" },
	{ X2APIC_MSR(APIC_REG_LVT_THERMAL), MSR_PASS, MSR_EMULATE, "fixed vectors only" },
	{ X2APIC_MSR(APIC_REG_LVT_PERF), MSR_PASS, MSR_EMULATE, "fixed vectors only" },
	{ X2APIC_MSR(APIC_REG_LVT_LINT0), MSR_PASS, MSR_EMULATE, "fixed vectors only" },
	{ X2APIC_MSR(APIC_REG_LVT_LINT1), MSR_PASS, MSR_EMULATE, "fixed vectors only" },
	{ X2APIC_MSR(APIC_REG_LVT_ERROR), MSR_PASS, MSR_EMULATE, "fixed vectors only" },
};

/*
 * dom0 drives the hardware: every MSR the permission map covers passes
 * through except these, which would let it take the CPU from the
 * hypervisor or move state the hypervisor relies on.
 */
static const struct msr_rule dom0_rules[] = {
	{ MSR_EFER, MSR_EMULATE, MSR_EMULATE, "SVME must stay set and hidden; only known bits" },
	{ MSR_PAT, MSR_EMULATE, MSR_EMULATE, "the guest PAT lives in the VMCB (g_pat); validated" },
	{ MSR_TSC, MSR_EMULATE, MSR_DENY, "as for guests: TCG reads 0, a write moves the host's TSC" },
	{ MSR_APIC_BASE, MSR_PASS, MSR_EMULATE,
	  "moving or disabling CPU 0's local APIC would cut the hypervisor off from it" },
	{ MSR_VM_CR, MSR_DENY, MSR_DENY, "SVM control is the hypervisor's" },
	{ MSR_VM_HSAVE_PA, MSR_DENY, MSR_DENY, "the host save area is the hypervisor's" },
	{ MSR_SYSCFG, MSR_PASS, MSR_DENY, "memory-encryption and MTRR-fixed-range control" },
};

static const struct msr_rule *find_in(const struct msr_rule *table, unsigned int n, uint32_t msr)
{
	for (unsigned int i = 0; i < n; i++)
		if (table[i].msr == msr)
			return &table[i];
	return NULL;
}

const struct msr_rule *msr_rule_find(uint32_t msr)
{
	return find_in(rules, ARRAY_SIZE(rules), msr);
}

const struct msr_rule *msr_rule_find_dom0(uint32_t msr)
{
	return find_in(dom0_rules, ARRAY_SIZE(dom0_rules), msr);
}

const struct msr_rule *msr_rule_find_direct_apic(uint32_t msr)
{
	const struct msr_rule *r = find_in(direct_apic_rules, ARRAY_SIZE(direct_apic_rules), msr);

	return r ? r : msr_rule_find(msr);
}

const struct msr_rule *msr_rule_find_x2apic(uint32_t msr)
{
	return find_in(x2apic_rules, ARRAY_SIZE(x2apic_rules), msr);
}

static const struct msr_rule *rule_for(const struct vcpu *v, uint32_t msr)
{
	if (v->domain->privileged)
		return msr_rule_find_dom0(msr);
	if (v->domain->arch.x2apic && msr >= X2APIC_MSR_FIRST && msr <= X2APIC_MSR_LAST)
		return msr_rule_find_x2apic(msr);
	return v->domain->direct_apic ? msr_rule_find_direct_apic(msr) : msr_rule_find(msr);
}

/* Byte offset of an MSR's two bits in the permission map, or -1 if it has none. */
static int msrpm_offset(uint32_t msr, unsigned int *bit)
{
	static const struct {
		uint32_t base;
		unsigned int offset;
	} ranges[] = { { 0x00000000, 0x000 }, { 0xC0000000, 0x800 }, { 0xC0010000, 0x1000 } };

	for (unsigned int i = 0; i < ARRAY_SIZE(ranges); i++) {
		if (msr - ranges[i].base < 0x2000) {
			uint32_t n = msr - ranges[i].base;

			*bit = (n % 4) * 2;
			return (int)(ranges[i].offset + n / 4);
		}
	}
	return -1;
}

/* Set (intercept) or clear (pass) an MSR's read and write bits. */
static void msrpm_set(uint8_t *msrpm, uint32_t msr, bool read_exits, bool write_exits)
{
	unsigned int bit;
	int off = msrpm_offset(msr, &bit);

	if (off < 0)
		return;
	msrpm[off] &= (uint8_t)~(3u << bit);
	msrpm[off] |= (uint8_t)(((unsigned int)read_exits | (unsigned int)write_exits << 1) << bit);
}

/* The two bits of each rule. */
static void apply_rules(uint8_t *msrpm, const struct msr_rule *table, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		msrpm_set(msrpm, table[i].msr, table[i].read != MSR_PASS, table[i].write != MSR_PASS);
}

void msrpm_build(uint8_t *msrpm)
{
	memset(msrpm, 0xff, 8192);
	apply_rules(msrpm, rules, ARRAY_SIZE(rules));
}

void msrpm_allow_direct_apic(uint8_t *msrpm, bool x2apic)
{
	apply_rules(msrpm, direct_apic_rules, ARRAY_SIZE(direct_apic_rules));
	if (!x2apic)
		return;
	/* x2APIC registers: reads pass, writes are intercepted but for the table's */
	for (uint32_t msr = X2APIC_MSR_FIRST; msr <= X2APIC_MSR_LAST; msr++)
		msrpm_set(msrpm, msr, false, true);
	apply_rules(msrpm, x2apic_rules, ARRAY_SIZE(x2apic_rules));
}

void msrpm_build_dom0(uint8_t *msrpm)
{
	/* the last quarter of the map is reserved and stays all ones */
	memset(msrpm, 0, 0x1800);
	memset(msrpm + 0x1800, 0xff, 8192 - 0x1800);
	apply_rules(msrpm, dom0_rules, ARRAY_SIZE(dom0_rules));
}

static bool pat_valid(uint64_t pat)
{
	for (int i = 0; i < 8; i++) {
		uint8_t t = (pat >> (i * 8)) & 0xff;

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

int msr_read(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	struct vmcb *vmcb = v->arch.vmcb;
	const struct msr_rule *rule = rule_for(v, msr);

	if (!rule || rule->read != MSR_EMULATE)
		return -EPERM;
	switch (msr) {
	case MSR_EFER:
		*value = vmcb->save.efer & ~EFER_SVME;
		return 0;
	case MSR_PAT:
		*value = vmcb->save.g_pat;
		return 0;
	case MSR_TSC:
		*value = rdtsc() + vmcb->control.tsc_offset;
		return 0;
	}
	return -EPERM;
}

static int efer_write(struct vcpu *v, uint64_t value)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint64_t old = vmcb->save.efer;

	if (value & ~EFER_GUEST_WRITABLE)
		return -EPERM; /* reserved bits, and SVME */
	/* LME may not change while paging is on (AMD APM 14.6) */
	if ((value ^ old) & EFER_LME && vmcb->save.cr0 & (1ULL << 31))
		return -EPERM;
	vmcb->save.efer = (value & ~EFER_LMA) | (old & EFER_LMA) | EFER_SVME;
	v->arch.dirty |= VMCB_CLEAN_CR;
	return 0;
}

int msr_write(struct vcpu *v, uint32_t msr, uint64_t value)
{
	const struct msr_rule *rule = rule_for(v, msr);

	if (!rule || rule->write != MSR_EMULATE)
		return -EPERM;
	if (msr >= X2APIC_MSR_FIRST && msr <= X2APIC_MSR_LAST)
		return direct_lapic_x2apic_write(v, msr, value);
	switch (msr) {
	case MSR_EFER:
		return efer_write(v, value);
	case MSR_APIC_BASE:
		/* rewriting the current value is harmless; anything else is refused */
		return value == rdmsr(MSR_APIC_BASE) ? 0 : -EPERM;
	case MSR_PAT:
		if (!pat_valid(value))
			return -EPERM;
		v->arch.vmcb->save.g_pat = value;
		v->arch.dirty |= VMCB_CLEAN_NP;
		return 0;
	}
	return -EPERM;
}
