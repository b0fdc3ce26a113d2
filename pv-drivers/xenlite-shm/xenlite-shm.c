// SPDX-License-Identifier: GPL-2.0
/*
 * xenlite-shm: a Linux guest's shared segments and event channels for its
 * user space, /dev/xenlite-shm (xenlite-shm-ioctl.h, Documentation/
 * composition.md).
 *
 * Segments: the hypervisor tells which are attached (XL_SHM_QUERY, asked
 * on each call) and where; mmap maps one, shared, with the page protection
 * mmap made (write-back, as every domain maps it). Events: one page the
 * hypervisor sets a bit in per notified port, and one interrupt of this
 * kernel, allocated from the x86 vector domain on CPU 0 and kept there
 * (this guest drives its own APIC: the hypervisor raises the vector with a
 * fixed IPI, no exit), to which each waited-on port is bound by CPU 0's APIC
 * id. The handler moves the page's bits into xls_received and wakes the
 * waiters; a waiter takes its port's bit.
 * Loads only in a xen-lite guest (not dom0: /dev/xenlite is dom0's).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/wait.h>
#include <asm/hw_irq.h>
#include <asm/irqdomain.h>
#include <asm/processor.h>

#include "xenlite-shm-ioctl.h"

static DEFINE_MUTEX(xls_lock);
static struct xl_event_page *xls_page;
static int xls_irq;
static unsigned int xls_vector, xls_apic_id;
static unsigned long xls_received; /* ports notified, not yet taken */
static DECLARE_WAIT_QUEUE_HEAD(xls_wq);

/* VMMCALL: number in RAX, arguments in RDI, RSI, RDX, R10; result in RAX */
static long xls_vmmcall4(unsigned long nr, unsigned long a1, unsigned long a2, unsigned long a3,
			 unsigned long a4)
{
	register unsigned long r10 asm("r10") = a4;
	long ret;

	asm volatile("vmmcall" : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10) : "0"(nr) : "memory");
	return ret;
}

/* The guest's segments into q (a kmalloc'd, physically contiguous buffer). */
static long xls_query(struct xls_query *q)
{
	long n = xls_vmmcall4(XL_HC_SHM, XL_SHM_QUERY, virt_to_phys(q->maps), sizeof(q->maps), 0);

	if (n < 0)
		return n;
	q->nr = (u32)min_t(long, n, XL_SHM_MAX_PER_DOMAIN);
	return 0;
}

static irqreturn_t xls_interrupt(int irq, void *dev)
{
	unsigned long bits = xchg((unsigned long *)&xls_page->pending, 0);

	if (bits) {
		atomic_long_or(bits, (atomic_long_t *)&xls_received);
		wake_up_all(&xls_wq);
	}
	return IRQ_HANDLED;
}

/* The event page and the interrupt, once; xls_lock held. */
static int xls_events_setup(void)
{
	struct irq_alloc_info info = { .mask = cpumask_of(0) };
	struct irq_cfg *cfg;
	long r;
	int irq, err;

	if (xls_page)
		return 0;
	xls_page = (void *)get_zeroed_page(GFP_KERNEL);
	if (!xls_page)
		return -ENOMEM;
	irq = irq_domain_alloc_irqs(x86_vector_domain, 1, NUMA_NO_NODE, &info);
	if (irq < 0) {
		err = irq;
		goto free_page;
	}
	irq_set_handler(irq, handle_edge_irq);
	err = request_irq(irq, xls_interrupt, IRQF_NOBALANCING, "xenlite-shm", NULL);
	if (err)
		goto free_irq;
	cfg = irqd_cfg(irq_get_irq_data(irq));
	if (!cfg || !cfg->vector) {
		err = -ENOSPC;
		goto free_handler;
	}
	/* the physical APIC id of its CPU: cfg's may be a logical destination */
	xls_vector = cfg->vector;
	xls_apic_id = cpu_physical_id(cpumask_first(irq_data_get_effective_affinity_mask(irq_get_irq_data(irq))));
	r = xls_vmmcall4(XL_HC_EVENT, XL_EVENT_PAGE, virt_to_phys(xls_page), 0, 0);
	if (r) {
		err = (int)r;
		goto free_handler;
	}
	xls_irq = irq;
	pr_info("events: vector %#x on APIC id %u (irq %d)\n", xls_vector, xls_apic_id, irq);
	return 0;
free_handler:
	free_irq(irq, NULL);
free_irq:
	irq_dispose_mapping(irq);
free_page:
	free_page((unsigned long)xls_page);
	xls_page = NULL;
	return err;
}

static long xls_wait(const struct xls_port *p)
{
	long r;

	if (p->timeout_ms > XLS_MAX_WAIT_MS)
		return -EINVAL;
	mutex_lock(&xls_lock);
	r = xls_events_setup();
	if (!r)
		r = xls_vmmcall4(XL_HC_EVENT, XL_EVENT_BIND, p->port, xls_apic_id,
				 xls_vector | XL_EVENT_BIND_APIC_ID);
	mutex_unlock(&xls_lock);
	if (r)
		return r;
	r = wait_event_interruptible_timeout(xls_wq, test_and_clear_bit(p->port, &xls_received),
					     msecs_to_jiffies(p->timeout_ms));
	if (r < 0)
		return -EINTR;
	return r ? 0 : -ETIMEDOUT;
}

static long xls_port_call(unsigned int cmd, struct xls_port __user *uarg)
{
	struct xls_port p;
	struct xl_event_status *st;
	long r;

	if (copy_from_user(&p, uarg, sizeof(p)))
		return -EFAULT;
	if (p.port >= XL_EVENT_MAX_PORTS)
		return -EINVAL;
	if (cmd == XLS_IOCTL_SEND)
		return xls_vmmcall4(XL_HC_EVENT, XL_EVENT_SEND, p.port, 0, 0);
	if (cmd == XLS_IOCTL_WAIT)
		return xls_wait(&p);
	st = kzalloc(sizeof(*st), GFP_KERNEL); /* physically contiguous, for the hypervisor */
	if (!st)
		return -ENOMEM;
	r = xls_vmmcall4(XL_HC_EVENT, XL_EVENT_STATUS, p.port, virt_to_phys(st), 0);
	if (!r) {
		p.status = *st;
		if (copy_to_user(uarg, &p, sizeof(p)))
			r = -EFAULT;
	}
	kfree(st);
	return r;
}

static long xls_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct xls_query *q;
	long r;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	switch (cmd) {
	case XLS_IOCTL_QUERY:
		q = kzalloc(sizeof(*q), GFP_KERNEL);
		if (!q)
			return -ENOMEM;
		r = xls_query(q);
		if (!r && copy_to_user((void __user *)arg, q, sizeof(*q)))
			r = -EFAULT;
		kfree(q);
		return r;
	case XLS_IOCTL_STATUS:
	case XLS_IOCTL_SEND:
	case XLS_IOCTL_WAIT:
		return xls_port_call(cmd, (struct xls_port __user *)arg);
	default:
		return -ENOTTY;
	}
}

static void xls_forbid_write(struct vm_area_struct *vma)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_clear(vma, VM_MAYWRITE);
#else
	vma->vm_flags &= ~VM_MAYWRITE;
#endif
}

/*
 * mmap: the offset is a segment's guest-physical address; [offset, offset +
 * length) inside one of the guest's segments, asked each time (a detached
 * one is never mapped again). Shared only (VM_MAYSHARE: a read-only
 * descriptor's MAP_SHARED has no VM_SHARED); a read-only segment for good.
 */
static int xls_mmap(struct file *file, struct vm_area_struct *vma)
{
	u64 len = vma->vm_end - vma->vm_start, gpa;
	struct xls_query *q;
	int err = -EINVAL;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!(vma->vm_flags & VM_MAYSHARE) || vma->vm_pgoff > (U64_MAX >> PAGE_SHIFT))
		return -EINVAL;
	gpa = (u64)vma->vm_pgoff << PAGE_SHIFT;
	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return -ENOMEM;
	err = (int)xls_query(q);
	for (u32 i = 0; !err && i < q->nr; i++) {
		const struct xl_shm_mapping *m = &q->maps[i];

		if (gpa < m->gpa || gpa - m->gpa >= m->size || len > m->size - (gpa - m->gpa))
			continue;
		if ((m->flags & XL_SHM_READ_ONLY) && (vma->vm_flags & VM_WRITE)) {
			err = -EACCES;
		} else {
			if (m->flags & XL_SHM_READ_ONLY)
				xls_forbid_write(vma);
			err = remap_pfn_range(vma, vma->vm_start, gpa >> PAGE_SHIFT, len, vma->vm_page_prot);
		}
		kfree(q);
		return err;
	}
	kfree(q);
	return err ? err : -EINVAL;
}

static const struct file_operations xls_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = xls_ioctl,
	.mmap = xls_mmap,
	.llseek = no_llseek,
};

static struct miscdevice xls_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "xenlite-shm",
	.fops = &xls_fops,
	.mode = 0600,
};

static int __init xls_init(void)
{
	unsigned int eax, ebx, ecx, edx;

	cpuid(XL_CPUID_BASE, &eax, &ebx, &ecx, &edx);
	if (ebx != XL_CPUID_SIGNATURE_EBX || ecx != XL_CPUID_SIGNATURE_ECX ||
	    edx != XL_CPUID_SIGNATURE_EDX || eax < XL_CPUID_VERSION_LEAF)
		return -ENODEV;
	cpuid(XL_CPUID_VERSION_LEAF, &eax, &ebx, &ecx, &edx);
	if (eax >> 16 != XL_ABI_VERSION_MAJOR || (eax & 0xffff) < 8 || ecx == 0)
		return -ENODEV; /* ABI 0.8 has segments and events; dom0 has /dev/xenlite */
	return misc_register(&xls_misc);
}

static void __exit xls_exit(void)
{
	misc_deregister(&xls_misc);
	if (xls_page) {
		xls_vmmcall4(XL_HC_EVENT, XL_EVENT_PAGE, 0, 0, 0); /* the hypervisor writes it no more */
		free_irq(xls_irq, NULL);
		irq_dispose_mapping(xls_irq);
		free_page((unsigned long)xls_page);
	}
}

module_init(xls_init);
module_exit(xls_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xen-lite guest: shared segments and event channels for user space");
