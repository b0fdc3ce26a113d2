// SPDX-License-Identifier: GPL-2.0
/*
 * xenlite-guest: lets dom0 shut a Linux guest down or reboot it (xl-lite
 * shutdown, reboot), and tells the hypervisor when the guest's kernel panics.
 *
 * The hypervisor keeps dom0's request in the domain; a guest asks for it with
 * XL_HC_SHUTDOWN(XL_SHUTDOWN_QUERY, XL_QUERY_REASON), which answers power
 * off or reboot and tells the hypervisor that this guest takes reboot
 * requests. This module asks when it loads, then once a second from a
 * housekeeping CPU's workqueue (one exit per second there, none on the CPUs
 * a nohz_full application computes on) and, when dom0 has asked, powers the
 * guest off in order (orderly_poweroff: init's shutdown, then ACPI S5) or
 * reboots it in order (orderly_reboot: /sbin/reboot, then the ACPI reset,
 * which ends the domain with reason reboot: its on_reboot action follows).
 * A panic reports XL_SHUTDOWN_CRASH, so the domain is marked crashed (with
 * XL_PANIC_CODE) and handled by its on_crash= policy, instead of a halted
 * guest that still looks like it runs.
 * Loads only in a xen-lite guest (CPUID 0x40000000 spells "xen-lite-abi",
 * the ABI major version matches, the domain id is not 0).
 * Documentation: pv-drivers/README.md, Documentation/linux-guests.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/panic_notifier.h>
#include <linux/reboot.h>
#include <linux/workqueue.h>
#include <asm/processor.h>

#include "xen-lite-abi.h"

#define POLL_INTERVAL (HZ)
#define XL_PANIC_CODE 0x50414e4943ULL /* "PANIC": the code dom0 sees in the crash reason */

static void poll_shutdown(struct work_struct *work);
static DECLARE_DELAYED_WORK(shutdown_poll, poll_shutdown);

/* VMMCALL: number in RAX, arguments in RDI and RSI; result in RAX */
static long xl_vmmcall2(unsigned long nr, unsigned long a1, unsigned long a2)
{
	long ret;

	asm volatile("vmmcall" : "=a"(ret), "+D"(a1), "+S"(a2) : "0"(nr) : "memory");
	return ret;
}

/* Whether dom0 has asked this guest to end, and how (XL_ASKED_*; an ABI 0.5 hypervisor answers 1). */
static long query(void)
{
	return xl_vmmcall2(XL_HC_SHUTDOWN, XL_SHUTDOWN_QUERY, XL_QUERY_REASON);
}

static void poll_shutdown(struct work_struct *work)
{
	long asked = query();

	if (asked == XL_ASKED_REBOOT) {
		pr_info("dom0 asks this guest to reboot\n");
		orderly_reboot();
		return;
	}
	if (asked == XL_ASKED_POWEROFF) {
		pr_info("dom0 asks this guest to shut down\n");
		orderly_poweroff(true);
		return;
	}
	schedule_delayed_work(&shutdown_poll, POLL_INTERVAL);
}

static int report_panic(struct notifier_block *nb, unsigned long event, void *msg)
{
	xl_vmmcall2(XL_HC_SHUTDOWN, XL_SHUTDOWN_CRASH, XL_PANIC_CODE); /* does not return */
	return NOTIFY_DONE;
}

static struct notifier_block panic_report = {
	.notifier_call = report_panic,
	.priority = INT_MIN, /* after everything else has had its say in the log */
};

static int xl_detect(void)
{
	unsigned int eax, ebx, ecx, edx;

	cpuid(XL_CPUID_BASE, &eax, &ebx, &ecx, &edx);
	if (ebx != XL_CPUID_SIGNATURE_EBX || ecx != XL_CPUID_SIGNATURE_ECX ||
	    edx != XL_CPUID_SIGNATURE_EDX || eax < XL_CPUID_VERSION_LEAF) {
		pr_err("not running under xen-lite\n");
		return -ENODEV;
	}
	cpuid(XL_CPUID_VERSION_LEAF, &eax, &ebx, &ecx, &edx);
	if (eax >> 16 != XL_ABI_VERSION_MAJOR || !(ebx & XL_FEATURE_SHUTDOWN)) {
		pr_err("xen-lite ABI %u.%u without what this module needs\n", eax >> 16, eax & 0xffff);
		return -ENODEV;
	}
	if (ecx == 0) {
		pr_err("this is dom0: nobody asks it to shut down\n");
		return -EPERM;
	}
	pr_info("domain %u: dom0's shutdown and reboot requests are honoured\n", ecx);
	return 0;
}

static int __init xl_guest_init(void)
{
	int err = xl_detect();

	if (err)
		return err;
	atomic_notifier_chain_register(&panic_notifier_list, &panic_report);
	/* at once: from now on the hypervisor knows this guest takes reboot requests */
	schedule_delayed_work(&shutdown_poll, 0);
	return 0;
}

static void __exit xl_guest_exit(void)
{
	atomic_notifier_chain_unregister(&panic_notifier_list, &panic_report);
	cancel_delayed_work_sync(&shutdown_poll);
}

module_init(xl_guest_init);
module_exit(xl_guest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xen-lite guest: shutdown and reboot requests from dom0, panics reported");
