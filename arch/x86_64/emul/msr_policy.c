/*
 * The MSR policy (see arch/guest_policy.h), as tables: which registers each
 * kind of domain reaches, and how. Everything not in a guest's tables is
 * intercepted and refused with #GP. The vendor engine turns the tables into
 * its intercept bitmap (svm/svm_msrpm.c) and emulates what they mark so.
 */
#include <arch/guest_policy.h>
#include <arch/lapic.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>

static const struct msr_rule rules[] = {
	{ MSR1(MSR_EFER), MSR_EMULATE, MSR_EMULATE, "SVME must stay set and hidden; only known bits" },
	{ MSR1(MSR_PAT), MSR_EMULATE, MSR_EMULATE, "the guest PAT lives in the VMCB (g_pat); validated" },
	{ MSR1(MSR_TSC), MSR_EMULATE, MSR_DENY,
	  "read emulated (QEMU's TCG returns 0 for a pass-through read); a write would move the host's TSC" },
	{ MSR1(MSR_FS_BASE), MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR1(MSR_GS_BASE), MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR1(MSR_KERNEL_GS_BASE), MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR1(MSR_STAR), MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR1(MSR_LSTAR), MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR1(MSR_CSTAR), MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR1(MSR_SFMASK), MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR1(MSR_SYSENTER_CS), MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR1(MSR_SYSENTER_ESP), MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR1(MSR_SYSENTER_EIP), MSR_PASS, MSR_PASS, "switched by VMLOAD/VMSAVE" },
	{ MSR1(MSR_TSC_AUX), MSR_PASS, MSR_PASS, "per-CPU id for RDTSCP; the CPU is the guest's alone" },
	{ MSR1(MSR_AMD64_NB_CFG), MSR_EMULATE, MSR_DROP,
	  "Linux on AMD reads it for PCI extended config access: shown enabled (guests have no PCI)" },
};

/*
 * Linux guests drive their CPUs' local APICs (direct_apic): on top of the
 * guests' table they read the APIC base and use the TSC-deadline timer.
 */
static const struct msr_rule direct_apic_rules[] = {
	{ MSR1(MSR_APIC_BASE), MSR_PASS, MSR_EMULATE,
	  "the APIC's address and mode are the hypervisor's; rewriting the same value is allowed" },
	{ MSR1(MSR_TSC_DEADLINE), MSR_PASS, MSR_PASS, "the CPU's own timer: the guest's alone" },
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
	{ MSR1(X2APIC_MSR(APIC_REG_TPR)), MSR_PASS, MSR_PASS, X2APIC_OWN },
	{ MSR1(X2APIC_MSR(APIC_REG_EOI)), MSR_PASS, MSR_PASS, X2APIC_OWN },
	{ MSR1(X2APIC_MSR(APIC_REG_SVR)), MSR_PASS, MSR_PASS, X2APIC_OWN },
	{ MSR1(X2APIC_MSR(APIC_REG_ESR)), MSR_PASS, MSR_PASS, X2APIC_OWN },
	{ MSR1(X2APIC_MSR(APIC_REG_TIMER_INIT)), MSR_PASS, MSR_PASS, X2APIC_OWN },
	{ MSR1(X2APIC_MSR(APIC_REG_TIMER_DIV)), MSR_PASS, MSR_PASS, X2APIC_OWN },
	{ MSR1(X2APIC_MSR(APIC_REG_SELF_IPI)), MSR_PASS, MSR_PASS, "an interrupt to the sender itself" },
	{ MSR1(X2APIC_MSR(APIC_REG_ICR_LO)), MSR_PASS, MSR_EMULATE,
	  "IPIs only within the domain (the ICR policy, icr_policy.c)" },
	{ MSR1(X2APIC_MSR(APIC_REG_LVT_TIMER)), MSR_PASS, MSR_EMULATE, "fixed vectors only" },
	{ MSR1(X2APIC_MSR(APIC_REG_LVT_THERMAL)), MSR_PASS, MSR_EMULATE, "fixed vectors only" },
	{ MSR1(X2APIC_MSR(APIC_REG_LVT_PERF)), MSR_PASS, MSR_EMULATE, "fixed vectors only" },
	{ MSR1(X2APIC_MSR(APIC_REG_LVT_LINT0)), MSR_PASS, MSR_EMULATE, "fixed vectors only" },
	{ MSR1(X2APIC_MSR(APIC_REG_LVT_LINT1)), MSR_PASS, MSR_EMULATE, "fixed vectors only" },
	{ MSR1(X2APIC_MSR(APIC_REG_LVT_ERROR)), MSR_PASS, MSR_EMULATE, "fixed vectors only" },
};

/*
 * dom0 drives the hardware: every MSR the permission map covers passes
 * through except these, which would let it take the CPU from the
 * hypervisor or move state the hypervisor relies on.
 */
static const struct msr_rule dom0_rules[] = {
	{ MSR1(MSR_EFER), MSR_EMULATE, MSR_EMULATE, "SVME must stay set and hidden; only known bits" },
	{ MSR1(MSR_PAT), MSR_EMULATE, MSR_EMULATE, "the guest PAT lives in the VMCB (g_pat); validated" },
	{ MSR1(MSR_TSC), MSR_EMULATE, MSR_DENY, "as for guests: TCG reads 0, a write moves the host's TSC" },
	{ MSR1(MSR_APIC_BASE), MSR_PASS, MSR_EMULATE,
	  "moving or disabling CPU 0's local APIC would cut the hypervisor off from it" },
	{ MSR1(MSR_VM_CR), MSR_DENY, MSR_DENY, "SVM control is the hypervisor's" },
	{ MSR1(MSR_VM_HSAVE_PA), MSR_DENY, MSR_DENY, "the host save area is the hypervisor's" },
	{ MSR1(MSR_SYSCFG), MSR_PASS, MSR_DENY, "memory-encryption and MTRR-fixed-range control" },
	/* writes dropped (dom0's Linux writes back what it read): they reach memory that is not dom0's */
	{ MSRS(MSR_MTRR_PHYS_FIRST, MSR_MTRR_PHYS_LAST), MSR_PASS, MSR_DROP,
	  "variable MTRRs: the memory types of the whole node" },
	{ MSR1(MSR_MTRR_FIX_64K), MSR_PASS, MSR_DROP, "fixed MTRRs" },
	{ MSRS(MSR_MTRR_FIX_16K, MSR_MTRR_FIX_16K + 1), MSR_PASS, MSR_DROP, "fixed MTRRs" },
	{ MSRS(MSR_MTRR_FIX_4K, MSR_MTRR_FIX_4K + 7), MSR_PASS, MSR_DROP, "fixed MTRRs" },
	{ MSR1(MSR_MTRR_DEF_TYPE), MSR_PASS, MSR_DROP, "MTRRs on or off, the default memory type" },
	{ MSRS(MSR_MCG_STATUS, MSR_MCG_CTL), MSR_PASS, MSR_DROP, "machine checks are the hypervisor's" },
	{ MSRS(MSR_MC_BANKS_FIRST, MSR_MC_BANKS_LAST), MSR_PASS, MSR_DROP, "machine-check banks" },
	{ MSR1(MSR_HWCR), MSR_PASS, MSR_DROP, "hardware configuration of the CPU the hypervisor shares" },
	{ MSR1(MSR_TOP_MEM), MSR_PASS, MSR_DROP, "where the node's DRAM ends" },
	{ MSR1(MSR_TOP_MEM2), MSR_PASS, MSR_DROP, "where the node's DRAM above 4 GiB ends" },
	{ MSR1(MSR_PATCH_LOADER), MSR_PASS, MSR_DROP, "microcode: one CPU's, loaded by dom0 for all" },
};

static const struct msr_rule *find_in(const struct msr_rule *table, unsigned int n, uint32_t msr)
{
	for (unsigned int i = 0; i < n; i++)
		if (msr >= table[i].msr && msr <= table[i].last)
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

const struct msr_rule *msr_rule_for(const struct domain *d, uint32_t msr)
{
	if (d->privileged)
		return msr_rule_find_dom0(msr);
	if (d->arch.x2apic && msr >= X2APIC_MSR_FIRST && msr <= X2APIC_MSR_LAST)
		return msr_rule_find_x2apic(msr);
	return d->direct_apic ? msr_rule_find_direct_apic(msr) : msr_rule_find(msr);
}

const struct msr_rule *msr_rule_table(enum msr_table table, unsigned int *count)
{
	static const struct {
		const struct msr_rule *rules;
		unsigned int count;
	} tables[] = {
		[MSR_TABLE_GUEST] = { rules, ARRAY_SIZE(rules) },
		[MSR_TABLE_DOM0] = { dom0_rules, ARRAY_SIZE(dom0_rules) },
		[MSR_TABLE_DIRECT_APIC] = { direct_apic_rules, ARRAY_SIZE(direct_apic_rules) },
		[MSR_TABLE_X2APIC] = { x2apic_rules, ARRAY_SIZE(x2apic_rules) },
	};

	*count = tables[table].count;
	return tables[table].rules;
}

/*
 * What the permission maps make of the domain's rule (svm_msrpm.c builds
 * them from the same tables): a rule's MSR_PASS direction never exits; an
 * unlisted MSR exits for guests (to be refused) but for an x2APIC guest's
 * APIC registers, whose reads pass, and is dom0's own.
 */
unsigned int arch_domain_msr_exits(const struct domain *d, uint32_t msr)
{
	const struct msr_rule *r = msr_rule_for(d, msr);

	if (r)
		return (r->read != MSR_PASS ? ARCH_MSR_EXITS_READ : 0) |
		       (r->write != MSR_PASS ? ARCH_MSR_EXITS_WRITE : 0);
	if (d->privileged)
		return 0;
	if (d->arch.x2apic && msr >= X2APIC_MSR_FIRST && msr <= X2APIC_MSR_LAST)
		return ARCH_MSR_EXITS_WRITE;
	return ARCH_MSR_EXITS_READ | ARCH_MSR_EXITS_WRITE;
}

bool msr_pat_valid(uint64_t pat)
{
	for (int i = 0; i < 8; i++) {
		uint8_t t = (pat >> (i * 8)) & 0xff;

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

