// SPDX-License-Identifier: GPL-2.0
/*
 * xenlite-shm: a Linux guest's shared segments and event channels for its
 * user space, /dev/xenlite-shm (xenlite-shm-ioctl.h, Documentation/
 * composition.md).
 *
 * The hypervisor shows each segment attached to the guest before it first
 * ran as a PCI function (XL_SHM_PCI_VENDOR:XL_SHM_PCI_DEVICE, hypercalls/
 * xen-lite-abi.h): BAR0 a page of 32-bit registers (name, size, flags,
 * commands), BAR2 the segment itself, one MSI vector. This is its driver, so
 * the kernel's PCI code, not this module, places the BARs and allocates the
 * interrupt. Up to XL_SHM_MAX_PER_DOMAIN functions; QUERY lists them, mmap
 * maps one's BAR2, shared, with the page protection mmap made (write-back,
 * as every domain maps the segment).
 *
 * Events: one page the hypervisor sets a bit in per notified port, and the
 * MSI of one function, "the events function" (the first probed; another one
 * if that goes): its EVENT_PAGE registers give the page, its BIND register
 * binds each waited-on port to its MSI (the hypervisor raises the vector the
 * MSI was programmed with on the CPU it names: a fixed IPI, no exit), and its
 * DOORBELL sends (ports are the domain's, any function would do). The
 * handler moves the page's bits into xls_received and wakes the waiters; a
 * waiter takes its port's bit. A port's status is still a hypercall
 * (XL_EVENT_STATUS, allowed to any domain): no register carries it.
 *
 * The event page is allocated once and kept for the module's lifetime; it is
 * freed at unload only if the hypervisor let go of it (a write of address 0
 * when the events function goes, STATUS 0), otherwise left allocated: the
 * hypervisor may still write it.
 * Loads only in a xen-lite guest (not dom0: /dev/xenlite is dom0's).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/msi.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/wait.h>
#include <asm/processor.h>

#include "xenlite-shm-ioctl.h"

#define XLS_NAME "xenlite-shm"

/* one probed function: its registers and the segment it carries */
struct xls_fn {
	struct pci_dev *pdev;
	void __iomem *regs; /* BAR0 */
	char name[XL_SHM_NAME_MAX];
	u64 gpa; /* BAR2's start */
	u64 size; /* XL_SHM_REG_SIZE: BAR2's length may be more (a power of two) */
	u32 flags; /* XL_SHM_READ_ONLY, as probed */
};

/* xls_lock guards the functions, the events state and every command (STATUS is one register a function) */
static DEFINE_MUTEX(xls_lock);
static struct xls_fn *xls_fns[XL_SHM_MAX_PER_DOMAIN];
static struct xls_fn *xls_ev; /* the events function: its MSI is requested, the page registered through it */
static struct xl_event_page *xls_page; /* allocated once, kept until unload */
static bool xls_page_registered; /* the hypervisor may write it */
static unsigned long xls_received; /* ports notified, not yet taken */
static DECLARE_WAIT_QUEUE_HEAD(xls_wq);

/* VMMCALL: number in RAX, arguments in RDI, RSI, RDX, R10; result in RAX. For XL_EVENT_STATUS only. */
static long xls_vmmcall4(unsigned long nr, unsigned long a1, unsigned long a2, unsigned long a3,
			 unsigned long a4)
{
	register unsigned long r10 asm("r10") = a4;
	long ret;

	asm volatile("vmmcall" : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10) : "0"(nr) : "memory");
	return ret;
}

static u32 xls_read(const struct xls_fn *fn, unsigned int reg)
{
	return ioread32(fn->regs + reg);
}

/* A command: one write, then its result (0 or a negative errno) from STATUS; xls_lock held. */
static int xls_cmd(struct xls_fn *fn, unsigned int reg, u32 val)
{
	lockdep_assert_held(&xls_lock);
	iowrite32(val, fn->regs + reg);
	return (s32)xls_read(fn, XL_SHM_REG_STATUS);
}

/* Registers gpa (0: none) as the domain's event page through fn; xls_lock held. */
static int xls_cmd_event_page(struct xls_fn *fn, u64 gpa)
{
	lockdep_assert_held(&xls_lock);
	iowrite32(lower_32_bits(gpa), fn->regs + XL_SHM_REG_EVENT_PAGE_LO);
	return xls_cmd(fn, XL_SHM_REG_EVENT_PAGE_HI, upper_32_bits(gpa));
}

/* Detached by dom0 (or the function gone: all ones): BAR2 is no longer backed. */
static bool xls_detached(const struct xls_fn *fn)
{
	u32 flags = xls_read(fn, XL_SHM_REG_FLAGS);

	return flags == U32_MAX || (flags & XL_SHM_DETACHED);
}

static struct xls_fn *xls_first_fn(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(xls_fns); i++)
		if (xls_fns[i])
			return xls_fns[i];
	return NULL;
}

static void xls_take_pending(void)
{
	unsigned long bits = xchg((unsigned long *)&xls_page->pending, 0);

	if (bits) {
		atomic_long_or(bits, (atomic_long_t *)&xls_received);
		wake_up_all(&xls_wq);
	}
}

static irqreturn_t xls_interrupt(int irq, void *dev)
{
	xls_take_pending();
	return IRQ_HANDLED;
}

/*
 * fn becomes the events function: its MSI (kept on CPU 0, as the vector
 * this module used to take by hand was), the page registered through it.
 * xls_lock held.
 */
static int xls_events_setup(struct xls_fn *fn)
{
	struct pci_dev *pdev = fn->pdev;
	struct msi_msg msg;
	int irq, err;

	lockdep_assert_held(&xls_lock);
	if (!xls_page) {
		xls_page = (void *)get_zeroed_page(GFP_KERNEL);
		if (!xls_page)
			return -ENOMEM;
	}
	pci_set_master(pdev);
	err = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI);
	if (err < 0) {
		dev_err(&pdev->dev, "no MSI vector for events (%d)\n", err);
		return err;
	}
	irq = pci_irq_vector(pdev, 0);
	/* before request_irq: the vector is then taken on CPU 0 from the start */
	if (irq_set_affinity(irq, cpumask_of(0)))
		dev_warn(&pdev->dev, "events: irq %d not moved to CPU 0\n", irq);
	err = request_irq(irq, xls_interrupt, IRQF_NOBALANCING, XLS_NAME, fn);
	if (err)
		goto free_vectors;
	err = xls_cmd_event_page(fn, virt_to_phys(xls_page));
	if (err) {
		dev_err(&pdev->dev, "the hypervisor refused the event page (%d)\n", err);
		goto free_irq;
	}
	xls_page_registered = true;
	xls_ev = fn;
	get_cached_msi_msg(irq, &msg);
	pr_info("events: vector %#x on APIC id %u (irq %d), MSI of %s\n", (unsigned int)msg.arch_data.vector,
		(unsigned int)(msg.arch_addr_lo.destid_0_7 | msg.arch_addr_lo.virt_destid_8_14 << 8), irq,
		pci_name(pdev));
	return 0;
free_irq:
	free_irq(irq, fn);
free_vectors:
	pci_free_irq_vectors(pdev);
	return err;
}

/* fn, the events function, goes: the page is taken back from the hypervisor if it lets go. xls_lock held. */
static void xls_events_teardown(struct xls_fn *fn)
{
	int err;

	lockdep_assert_held(&xls_lock);
	err = xls_cmd_event_page(fn, 0);
	if (err)
		dev_warn(&fn->pdev->dev, "the hypervisor keeps the event page (%d): left allocated\n", err);
	else
		xls_page_registered = false;
	free_irq(pci_irq_vector(fn->pdev, 0), fn);
	pci_free_irq_vectors(fn->pdev);
	xls_ev = NULL;
	xls_take_pending(); /* bits set before it went */
}

/* The events function, set up on the first function there is when none is; xls_lock held. */
static struct xls_fn *xls_events(int *err)
{
	struct xls_fn *fn;

	if (xls_ev)
		return xls_ev;
	fn = xls_first_fn();
	*err = fn ? xls_events_setup(fn) : -ENODEV;
	return *err ? NULL : fn;
}

static long xls_query(struct xls_query *q)
{
	bool any = false;

	mutex_lock(&xls_lock);
	for (unsigned int i = 0; i < ARRAY_SIZE(xls_fns); i++) {
		const struct xls_fn *fn = xls_fns[i];
		struct xl_shm_mapping *m;

		if (!fn)
			continue;
		any = true;
		if (xls_detached(fn))
			continue; /* no longer attached: as XL_SHM_QUERY, not listed */
		m = &q->maps[q->nr];
		memcpy(m->name, fn->name, sizeof(m->name));
		m->gpa = fn->gpa;
		m->size = fn->size;
		m->flags = fn->flags & XL_SHM_READ_ONLY;
		q->nr++;
	}
	mutex_unlock(&xls_lock);
	return any ? 0 : -ENODEV;
}

static long xls_wait(const struct xls_port *p)
{
	struct xls_fn *fn;
	int r = 0;

	if (p->timeout_ms > XLS_MAX_WAIT_MS)
		return -EINVAL;
	mutex_lock(&xls_lock);
	fn = xls_events(&r);
	/* bound again on every wait: a closed port's binding may not survive its reuse */
	if (fn)
		r = xls_cmd(fn, XL_SHM_REG_BIND, p->port);
	mutex_unlock(&xls_lock);
	if (r)
		return r;
	r = wait_event_interruptible_timeout(xls_wq, test_and_clear_bit(p->port, &xls_received),
					     msecs_to_jiffies(p->timeout_ms));
	if (r < 0)
		return -EINTR;
	return r ? 0 : -ETIMEDOUT;
}

static long xls_send(const struct xls_port *p)
{
	struct xls_fn *fn;
	int r = -ENODEV;

	mutex_lock(&xls_lock);
	fn = xls_ev ? xls_ev : xls_first_fn(); /* any function sends on the domain's ports */
	if (fn)
		r = xls_cmd(fn, XL_SHM_REG_DOORBELL, p->port);
	mutex_unlock(&xls_lock);
	return r;
}

static long xls_status(struct xls_port *p, struct xls_port __user *uarg)
{
	struct xl_event_status *st;
	bool any;
	long r;

	mutex_lock(&xls_lock);
	any = xls_first_fn() != NULL;
	mutex_unlock(&xls_lock);
	if (!any)
		return -ENODEV;
	st = kzalloc(sizeof(*st), GFP_KERNEL); /* physically contiguous, for the hypervisor */
	if (!st)
		return -ENOMEM;
	r = xls_vmmcall4(XL_HC_EVENT, XL_EVENT_STATUS, p->port, virt_to_phys(st), 0);
	if (!r) {
		p->status = *st;
		if (copy_to_user(uarg, p, sizeof(*p)))
			r = -EFAULT;
	}
	kfree(st);
	return r;
}

static long xls_port_call(unsigned int cmd, struct xls_port __user *uarg)
{
	struct xls_port p;

	if (copy_from_user(&p, uarg, sizeof(p)))
		return -EFAULT;
	if (p.port >= XL_EVENT_MAX_PORTS)
		return -EINVAL;
	if (cmd == XLS_IOCTL_SEND)
		return xls_send(&p);
	if (cmd == XLS_IOCTL_WAIT)
		return xls_wait(&p);
	return xls_status(&p, uarg);
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
 * mmap: the offset is a segment's guest-physical address (BAR2's start, as
 * QUERY says); [offset, offset + length) inside the first XL_SHM_REG_SIZE
 * bytes of one function's BAR2 (the rest of the BAR is not backed). Shared
 * only (VM_MAYSHARE: a read-only descriptor's MAP_SHARED has no VM_SHARED);
 * a read-only segment for good; a detached one never again.
 * io_remap_pfn_range() with the protection mmap made: on x86 it is
 * remap_pfn_range() with the memory-encryption bit cleared, no cache type of
 * its own; the segment is RAM of the host, write-back in every domain.
 */
static int xls_mmap(struct file *file, struct vm_area_struct *vma)
{
	u64 len = vma->vm_end - vma->vm_start, gpa;
	int err = -ENODEV;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!(vma->vm_flags & VM_MAYSHARE) || vma->vm_pgoff > (U64_MAX >> PAGE_SHIFT))
		return -EINVAL;
	gpa = (u64)vma->vm_pgoff << PAGE_SHIFT;
	mutex_lock(&xls_lock);
	for (unsigned int i = 0; i < ARRAY_SIZE(xls_fns); i++) {
		const struct xls_fn *fn = xls_fns[i];

		if (!fn)
			continue;
		err = -EINVAL;
		if (gpa < fn->gpa || gpa - fn->gpa >= fn->size || len > fn->size - (gpa - fn->gpa))
			continue;
		if (xls_detached(fn))
			err = -ENODEV;
		else if ((fn->flags & XL_SHM_READ_ONLY) && (vma->vm_flags & VM_WRITE))
			err = -EACCES;
		else {
			if (fn->flags & XL_SHM_READ_ONLY)
				xls_forbid_write(vma);
			err = io_remap_pfn_range(vma, vma->vm_start, gpa >> PAGE_SHIFT, len, vma->vm_page_prot);
		}
		break;
	}
	mutex_unlock(&xls_lock);
	return err;
}

static const struct file_operations xls_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = xls_ioctl,
	.mmap = xls_mmap,
	.llseek = no_llseek,
};

static struct miscdevice xls_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = XLS_NAME,
	.fops = &xls_fops,
	.mode = 0600,
};

/* BAR0's registers and BAR2's place into fn; 0 or why not (logged) */
static int xls_probe_regs(struct pci_dev *pdev, struct xls_fn *fn)
{
	u32 magic, version;
	int err;

	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_MEM) || pci_resource_len(pdev, 0) < PAGE_SIZE) {
		dev_err(&pdev->dev, "BAR0 is not a page of memory: not a xen-lite shared-memory function\n");
		return -ENODEV;
	}
	err = pcim_iomap_regions(pdev, BIT(0), XLS_NAME);
	if (err) {
		dev_err(&pdev->dev, "cannot map BAR0 (%d)\n", err);
		return err;
	}
	fn->regs = pcim_iomap_table(pdev)[0];
	magic = xls_read(fn, XL_SHM_REG_MAGIC);
	version = xls_read(fn, XL_SHM_REG_VERSION);
	if (magic != XL_SHM_PCI_MAGIC || version != XL_SHM_PCI_VERSION) {
		dev_err(&pdev->dev, "registers say magic %#x version %u; this driver knows magic %#x version %u\n",
			magic, version, XL_SHM_PCI_MAGIC, XL_SHM_PCI_VERSION);
		return -ENODEV;
	}
	/* 32-bit reads only: the name a word at a time, bytes in memory order */
	for (unsigned int i = 0; i < XL_SHM_NAME_MAX; i += 4) {
		__le32 w = cpu_to_le32(xls_read(fn, XL_SHM_REG_NAME + i));

		memcpy(fn->name + i, &w, sizeof(w));
	}
	fn->name[XL_SHM_NAME_MAX - 1] = '\0';
	fn->size = xls_read(fn, XL_SHM_REG_SIZE_LO) | (u64)xls_read(fn, XL_SHM_REG_SIZE_HI) << 32;
	fn->flags = xls_read(fn, XL_SHM_REG_FLAGS);
	fn->gpa = pci_resource_start(pdev, 2);
	if (!(pci_resource_flags(pdev, 2) & IORESOURCE_MEM) || !fn->gpa || !fn->size ||
	    !PAGE_ALIGNED(fn->gpa) || !PAGE_ALIGNED(fn->size) || fn->size > pci_resource_len(pdev, 2)) {
		dev_err(&pdev->dev, "segment '%s': %llu bytes do not fit BAR2 %pR\n", fn->name, fn->size,
			&pdev->resource[2]);
		return -ENODEV;
	}
	err = pci_request_region(pdev, 2, XLS_NAME); /* released with the device (pcim) */
	if (err) {
		dev_err(&pdev->dev, "BAR2 %pR is taken (%d)\n", &pdev->resource[2], err);
		return err;
	}
	return 0;
}

static int xls_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct xls_fn *fn;
	unsigned int slot;
	int err;

	fn = devm_kzalloc(&pdev->dev, sizeof(*fn), GFP_KERNEL);
	if (!fn)
		return -ENOMEM;
	fn->pdev = pdev;
	err = pcim_enable_device(pdev);
	if (err)
		return err;
	err = xls_probe_regs(pdev, fn);
	if (err)
		return err;
	mutex_lock(&xls_lock);
	for (slot = 0; slot < ARRAY_SIZE(xls_fns) && xls_fns[slot]; slot++)
		;
	if (slot == ARRAY_SIZE(xls_fns)) {
		mutex_unlock(&xls_lock);
		dev_err(&pdev->dev, "segment '%s': more than %u functions\n", fn->name, XL_SHM_MAX_PER_DOMAIN);
		return -ENOSPC;
	}
	xls_fns[slot] = fn;
	pci_set_drvdata(pdev, fn);
	/* the first function sets up events; if it cannot, a later wait tries again */
	if (!xls_ev)
		xls_events(&err);
	mutex_unlock(&xls_lock);
	dev_info(&pdev->dev, "segment '%s', %llu KiB%s at %#llx\n", fn->name, fn->size >> 10,
		 fn->flags & XL_SHM_READ_ONLY ? " read-only" : "", fn->gpa);
	return 0;
}

static void xls_remove(struct pci_dev *pdev)
{
	struct xls_fn *fn = pci_get_drvdata(pdev);

	mutex_lock(&xls_lock);
	if (fn == xls_ev)
		xls_events_teardown(fn); /* the next wait sets events up on another function */
	for (unsigned int i = 0; i < ARRAY_SIZE(xls_fns); i++)
		if (xls_fns[i] == fn)
			xls_fns[i] = NULL;
	mutex_unlock(&xls_lock);
}

static const struct pci_device_id xls_ids[] = {
	{ PCI_DEVICE(XL_SHM_PCI_VENDOR, XL_SHM_PCI_DEVICE) },
	{ 0 }
};
MODULE_DEVICE_TABLE(pci, xls_ids);

static struct pci_driver xls_driver = {
	.name = XLS_NAME,
	.id_table = xls_ids,
	.probe = xls_probe,
	.remove = xls_remove,
};

static int __init xls_init(void)
{
	unsigned int eax, ebx, ecx, edx;
	int err;

	cpuid(XL_CPUID_BASE, &eax, &ebx, &ecx, &edx);
	if (ebx != XL_CPUID_SIGNATURE_EBX || ecx != XL_CPUID_SIGNATURE_ECX ||
	    edx != XL_CPUID_SIGNATURE_EDX || eax < XL_CPUID_VERSION_LEAF)
		return -ENODEV;
	cpuid(XL_CPUID_VERSION_LEAF, &eax, &ebx, &ecx, &edx);
	if (eax >> 16 != XL_ABI_VERSION_MAJOR || (eax & 0xffff) < 8 || ecx == 0)
		return -ENODEV; /* ABI 0.8 has segments and events; dom0 has /dev/xenlite */
	/* the device first: it answers ENODEV until a function is probed */
	err = misc_register(&xls_misc);
	if (err)
		return err;
	err = pci_register_driver(&xls_driver);
	if (err)
		misc_deregister(&xls_misc);
	return err;
}

static void __exit xls_exit(void)
{
	misc_deregister(&xls_misc);
	pci_unregister_driver(&xls_driver); /* each function's remove: the events one gives the page back */
	if (xls_page && !xls_page_registered)
		free_page((unsigned long)xls_page);
	else if (xls_page)
		pr_warn("event page %#llx left allocated: the hypervisor kept it\n",
			(unsigned long long)virt_to_phys(xls_page));
}

module_init(xls_init);
module_exit(xls_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xen-lite guest: shared segments (a PCI function each) and event channels for user space");
