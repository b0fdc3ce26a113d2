// SPDX-License-Identifier: GPL-2.0
/*
 * xenlite-hostile: what a buggy or hostile Linux guest can do to the CPUs
 * it owns, done on purpose so the tests can check that only the guest
 * suffers (tests/kmod/README.md). Loaded with action=NAME:
 *
 *   selfipi   interrupts off, an IPI to itself with vector 18 (where #MC is),
 *             then power off through the hypervisor, leaving it pending
 *   lvt       interrupts off, its APIC timer armed with vector 18 and let
 *             fire, then power off the same way
 *   nmistorm  every CPU but the last sends NMIs to the last one for
 *             seconds=N while the last one prints long lines; then power off
 *   nmihang   the last CPU gets an NMI whose handler never returns (and the
 *             other CPUs idle): the domain must still be destroyable
 *   dom0msrs  (in dom0) writes the node's MTRRs and machine-check status
 *             with other values than they hold, and reads them back: each
 *             must be unchanged and no write may fault
 *
 * It prints "xen-lite-hostile: ACTION start" and, where it gets that far,
 * "xen-lite-hostile: ACTION done".
 */
#define pr_fmt(fmt) "xen-lite-hostile: " fmt

#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <asm/apic.h>
#include <asm/msr.h>
#include <asm/nmi.h>

#include "xen-lite-abi.h"

#define RESERVED_VECTOR 18 /* #MC's */

static char *action = "";
module_param(action, charp, 0444);
static int seconds = 10;
module_param(seconds, int, 0444);

static atomic_t nmis_taken = ATOMIC_INIT(0);
static volatile bool storm_over;

static void xl_poweroff(void)
{
	long ret;

	asm volatile("vmmcall" : "=a"(ret) : "a"(XL_HC_SHUTDOWN), "D"(XL_SHUTDOWN_POWEROFF) : "memory");
}

static void selfipi(void)
{
	local_irq_disable();
	apic->send_IPI_self(RESERVED_VECTOR);
	udelay(1000);
	xl_poweroff(); /* leaves the CPU with the interrupt still pending */
}

static void lvt(void)
{
	local_irq_disable();
	apic_write(APIC_TDCR, APIC_TDR_DIV_1);
	apic_write(APIC_LVTT, RESERVED_VECTOR); /* one-shot, fixed, unmasked */
	apic_write(APIC_TMICT, 1000);
	udelay(1000);
	xl_poweroff();
}

static int count_nmi(unsigned int cmd, struct pt_regs *regs)
{
	atomic_inc(&nmis_taken);
	return NMI_HANDLED;
}

static int hang_in_nmi(unsigned int cmd, struct pt_regs *regs)
{
	if (smp_processor_id() != num_online_cpus() - 1)
		return NMI_DONE;
	for (;;)
		cpu_relax(); /* never returns: NMIs stay blocked on this CPU */
	return NMI_HANDLED;
}

static int send_nmis(void *target)
{
	int cpu = (long)target;

	while (!storm_over) {
		apic->send_IPI(cpu, NMI_VECTOR);
		udelay(20);
		cond_resched(); /* the tick, and the thread that ends the storm, still run here */
	}
	return 0;
}

/* Long lines on the console: each byte an exit, each line the hypervisor's console lock. */
static long print_lines(void *unused)
{
	static char line[201];

	memset(line, 'n', sizeof(line) - 1);
	for (int i = 0; i < 20; i++)
		pr_info("%s\n", line);
	return 0;
}

static void nmistorm(void)
{
	int last = num_online_cpus() - 1, cpu;
	unsigned long end = jiffies + seconds * HZ;

	register_nmi_handler(NMI_LOCAL, count_nmi, 0, "xl_hostile");
	for (cpu = 0; cpu < last; cpu++) {
		struct task_struct *t = kthread_create(send_nmis, (void *)(long)last, "nmistorm/%d", cpu);

		if (IS_ERR(t))
			continue;
		kthread_bind(t, cpu);
		wake_up_process(t);
	}
	/* the target prints (console UART exits) while the NMIs come */
	while (time_before(jiffies, end))
		work_on_cpu(last, print_lines, NULL);
	storm_over = true;
	msleep(100);
	pr_info("nmistorm done: %d NMIs taken\n", atomic_read(&nmis_taken));
}

static void nmihang(void)
{
	register_nmi_handler(NMI_LOCAL, hang_in_nmi, 0, "xl_hostile");
	apic->send_IPI(num_online_cpus() - 1, NMI_VECTOR);
	pr_info("nmihang done: the last CPU is in an NMI handler for good\n");
}

/* MSRs that are the whole node's: dom0 reads them, its writes must be dropped */
static const struct {
	u32 msr;
	u64 flip; /* what the write changes: a valid value either way */
} node_msrs[] = {
	{ 0x2ff, 0x6 }, /* MTRRdefType: the default memory type, WB <-> UC */
	{ 0x200, 0x6 }, /* MTRRphysBase0: its type */
	{ 0x250, 0x0606060606060606ull }, /* MTRRfix64K_00000 */
	{ 0x17a, 0x4 }, /* MCG_STATUS: MCIP, which makes the next machine check a shutdown */
};

static void dom0msrs(void)
{
	unsigned int i, kept = 0;

	for (i = 0; i < ARRAY_SIZE(node_msrs); i++) {
		u32 msr = node_msrs[i].msr;
		u64 before, after;

		if (rdmsrl_safe(msr, &before)) {
			pr_info("dom0msrs: MSR %#x cannot be read\n", msr);
			continue;
		}
		if (wrmsrl_safe(msr, before ^ node_msrs[i].flip)) {
			pr_info("dom0msrs: MSR %#x: the write faulted\n", msr);
			continue;
		}
		rdmsrl_safe(msr, &after);
		if (after == before) {
			kept++;
			pr_info("dom0msrs: MSR %#x unchanged (%#llx)\n", msr, before);
		} else {
			pr_info("dom0msrs: MSR %#x changed from %#llx to %#llx\n", msr, before, after);
			wrmsrl_safe(msr, before);
		}
	}
	pr_info("dom0msrs: %u of %zu unchanged\n", kept, ARRAY_SIZE(node_msrs));
}

static int __init hostile_init(void)
{
	pr_info("%s start\n", action);
	if (!strcmp(action, "selfipi"))
		selfipi();
	else if (!strcmp(action, "lvt"))
		lvt();
	else if (!strcmp(action, "nmistorm"))
		nmistorm();
	else if (!strcmp(action, "nmihang"))
		nmihang();
	else if (!strcmp(action, "dom0msrs"))
		dom0msrs();
	else
		return -EINVAL;
	pr_info("%s done\n", action);
	return 0;
}

module_init(hostile_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xen-lite tests: a hostile Linux guest");
