// SPDX-License-Identifier: GPL-2.0
/*
 * xenlite: xen-lite's dom0 control device, /dev/xenlite.
 *
 * Loads only in dom0 of xen-lite (CPUID 0x40000000 spells "xen-lite-abi",
 * the ABI major version matches and CPUID 0x40000001.ECX, the caller's domain
 * id, is 0). Registers a misc device, mode 0600, usable only with
 * CAP_SYS_ADMIN. XL_IOCTL_HYPERCALL (xenlite-ioctl.h) checks the hypercall
 * number against an allow-list (VERSION, SYSCTL, DOMCTL, MODULE, SHM, EVENT;
 * not DOMCTL's GUEST_MEMORY_MAP and _UNMAP) and the length against
 * XL_IOCTL_MAX_LEN, copies the user's buffer into a physically contiguous
 * kernel buffer, issues VMMCALL with that buffer's physical address (dom0 is
 * identity-mapped: guest-physical = physical), and copies the buffer back.
 * XL_HC_EVENT takes numbers, not a buffer (xenlite-ioctl.h);
 * XL_IOCTL_EVENT_WAIT sleeps for a notification of one of dom0's ports.
 * XL_IOCTL_GUEST_MAP gives the open file a view of a guest's RAM (for a
 * virtio back-end): the extents XL_DOMCTL_GUEST_MEMORY_MAP returned, kept
 * per file (at most XL_IOCTL_GUEST_VIEWS) until release, which unmaps them.
 * mmap maps a shared segment attached to dom0, at its guest-physical
 * address, for xl-lite shm-read and shm-write (dom0's detach of a segment a
 * process still maps is refused with -EBUSY), or, read-write, a piece of
 * one extent of a guest the file views, at its address in dom0.
 * Documentation: pv-drivers/README.md, Documentation/tools.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/io.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/wait.h>
#include <asm/hw_irq.h>
#include <asm/irqdomain.h>
#include <asm/processor.h>

#include "xen-lite-abi.h"
#include "xenlite-ioctl.h"

/* the hypercalls dom0's tools may make through this device */
#define XL_ALLOWED_HYPERCALLS \
	(BIT(XL_HC_VERSION) | BIT(XL_HC_SYSCTL) | BIT(XL_HC_DOMCTL) | BIT(XL_HC_MODULE) | \
	 BIT(XL_HC_SHM) | BIT(XL_HC_EVENT))
/* the event operations dom0's tools may make: PAGE and BIND are this driver's (XL_IOCTL_EVENT_WAIT) */
#define XL_ALLOWED_EVENT_OPS \
	(BIT(XL_EVENT_CONNECT) | BIT(XL_EVENT_SEND) | BIT(XL_EVENT_CLOSE) | BIT(XL_EVENT_STATUS))

static u32 xl_abi_version;

/*
 * dom0's segments mapped by its processes, by the attachment's address: a
 * detach of a segment still mapped is refused (-EBUSY). Detached, its pages
 * would leave dom0's nested page tables, and the next access through a
 * mapping left behind would end dom0 - the node.
 */
#define XL_LIVE_MAX (2 * XL_SHM_MAX_PER_DOMAIN)
static DEFINE_MUTEX(xl_live_lock);
static struct xl_live_map {
	u64 gpa; /* the attachment's, 0: a free entry */
	unsigned long vmas;
} xl_live[XL_LIVE_MAX];

/*
 * A guest's RAM this open file views (XL_IOCTL_GUEST_MAP), until the file is
 * released. The extents are the hypercall's own buffer, kept: kmalloc'd,
 * physically contiguous, room for every block a domain can have
 * (DOMAIN_MAX_BLOCKS in the hypervisor). PENDING: being asked for, not yet
 * mappable; it still counts against the table and its domid (EEXIST).
 */
#define XL_VIEW_MAX_EXTENTS 512
enum { XL_VIEW_FREE, XL_VIEW_PENDING, XL_VIEW_LIVE };

struct xl_view {
	u32 domid;
	unsigned int state;
	unsigned int nr; /* extents kept: the hypervisor's count, at most XL_VIEW_MAX_EXTENTS */
	struct xl_mem_extent *extents;
};

/*
 * file->private_data. Lock order: the mm's mmap_lock (mmap), then lock; so
 * nothing touches user memory with lock held.
 */
struct xl_file {
	struct mutex lock;
	struct xl_view views[XL_IOCTL_GUEST_VIEWS];
};

/* VMMCALL: number in RAX, arguments in RDI, RSI, RDX, R10; result in RAX */
static long xl_vmmcall4(unsigned long nr, unsigned long a1, unsigned long a2, unsigned long a3,
			unsigned long a4)
{
	register unsigned long r10 asm("r10") = a4;
	long ret;

	asm volatile("vmmcall"
		     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10)
		     : "0"(nr)
		     : "memory");
	return ret;
}

static int xl_open(struct inode *inode, struct file *file)
{
	struct xl_file *xf;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = nonseekable_open(inode, file);
	if (err)
		return err;
	xf = kzalloc(sizeof(*xf), GFP_KERNEL);
	if (!xf)
		return -ENOMEM;
	mutex_init(&xf->lock);
	file->private_data = xf; /* was the miscdevice (misc_open), which nothing here uses */
	return 0;
}

/*
 * The last reference to the file is gone, so every mapping of it too (each
 * vma holds the file): the views can go. A destroyed guest's memory goes
 * back to the hypervisor's pool with its last view.
 */
static int xl_release(struct inode *inode, struct file *file)
{
	struct xl_file *xf = file->private_data;

	for (unsigned int i = 0; i < XL_IOCTL_GUEST_VIEWS; i++) {
		struct xl_view *v = &xf->views[i];
		long r;

		if (v->state != XL_VIEW_LIVE)
			continue;
		r = xl_vmmcall4(XL_HC_DOMCTL, XL_DOMCTL_GUEST_MEMORY_UNMAP, 0, 0, v->domid);
		if (r)
			pr_warn("d%u's memory: XL_DOMCTL_GUEST_MEMORY_UNMAP: %ld\n", v->domid, r);
		kfree(v->extents);
	}
	mutex_destroy(&xf->lock);
	kfree(xf);
	return 0;
}

/*
 * XL_HC_EVENT(op, a, b): a and b from the ioctl's arg (XL_IOCTL_EVENT_ARGS),
 * or for STATUS the port and the buffer's address. -EPERM for an op not
 * allowed, -EINVAL for a buffer where none belongs or the wrong one.
 */
static long xl_event_call(const struct xl_ioctl_hypercall *hc, unsigned long gpa, long *ret)
{
	if (hc->op >= 32 || !(XL_ALLOWED_EVENT_OPS & BIT(hc->op)))
		return -EPERM;
	if (hc->op == XL_EVENT_STATUS) {
		if (hc->len != sizeof(struct xl_event_status))
			return -EINVAL;
		*ret = xl_vmmcall4(XL_HC_EVENT, hc->op, hc->arg, gpa, 0);
		return 0;
	}
	if (hc->len)
		return -EINVAL;
	*ret = xl_vmmcall4(XL_HC_EVENT, hc->op, lower_32_bits(hc->arg), upper_32_bits(hc->arg), 0);
	return 0;
}

static struct xl_live_map *xl_live_find(u64 gpa)
{
	for (unsigned int i = 0; i < XL_LIVE_MAX; i++)
		if (xl_live[i].gpa == gpa)
			return &xl_live[i];
	return NULL;
}

/* dom0's attachments, into a kmalloc'd buffer (physically contiguous); NULL on failure */
static struct xl_shm_mapping *xl_query(long *n)
{
	const size_t size = XL_SHM_MAX_PER_DOMAIN * sizeof(struct xl_shm_mapping);
	struct xl_shm_mapping *maps = kzalloc(size, GFP_KERNEL);

	if (!maps)
		return NULL;
	*n = xl_vmmcall4(XL_HC_SHM, XL_SHM_QUERY, virt_to_phys(maps), size, 0);
	if (*n > XL_SHM_MAX_PER_DOMAIN)
		*n = XL_SHM_MAX_PER_DOMAIN;
	return maps;
}

/* A DETACH request of one of dom0's own segments that a process still maps. */
static bool xl_detach_of_mapped(const void *buf, size_t len)
{
	const struct xl_shm_attach *a = buf;
	struct xl_shm_mapping *maps;
	bool mapped = false;
	long n = 0;

	if (len < sizeof(*a) || a->domid != 0)
		return false; /* another domain's, or malformed: the hypervisor answers */
	maps = xl_query(&n);
	if (!maps)
		return true; /* cannot tell: refused rather than risk dom0 */
	mutex_lock(&xl_live_lock);
	for (long i = 0; i < n; i++)
		if (!strncmp(maps[i].name, a->name, sizeof(maps[i].name)) && xl_live_find(maps[i].gpa))
			mapped = true;
	mutex_unlock(&xl_live_lock);
	kfree(maps);
	return mapped;
}

static long xl_hypercall(struct xl_ioctl_hypercall __user *uarg)
{
	struct xl_ioctl_hypercall hc;
	void *bounce = NULL;
	unsigned long gpa = 0;
	long ret;

	if (copy_from_user(&hc, uarg, sizeof(hc)))
		return -EFAULT;
	if (hc.nr >= XL_HC_COUNT)
		return -EINVAL;
	if (!(XL_ALLOWED_HYPERCALLS & BIT(hc.nr)))
		return -EPERM;
	/* a view of a guest's memory only through XL_IOCTL_GUEST_MAP, which release undoes */
	if (hc.nr == XL_HC_DOMCTL &&
	    (hc.op == XL_DOMCTL_GUEST_MEMORY_MAP || hc.op == XL_DOMCTL_GUEST_MEMORY_UNMAP))
		return -EPERM;
	if (hc.len > XL_IOCTL_MAX_LEN)
		return -E2BIG;

	if (hc.len) {
		/* kmalloc memory is physically contiguous (64 KiB: an order-4 allocation) */
		bounce = kzalloc(hc.len, GFP_KERNEL);
		if (!bounce)
			return -ENOMEM;
		if (copy_from_user(bounce, u64_to_user_ptr(hc.buf), hc.len)) {
			ret = -EFAULT;
			goto out;
		}
		gpa = virt_to_phys(bounce);
	}

	if (hc.nr == XL_HC_EVENT) {
		long r = 0;

		ret = xl_event_call(&hc, gpa, &r);
		if (ret)
			goto out;
		hc.ret = r;
	} else if (hc.nr == XL_HC_SHM && hc.op == XL_SHM_DETACH && xl_detach_of_mapped(bounce, hc.len)) {
		hc.ret = -EBUSY;
	} else {
		hc.ret = xl_vmmcall4(hc.nr, hc.op, gpa, hc.len, hc.arg);
	}

	ret = 0;
	if (hc.len && copy_to_user(u64_to_user_ptr(hc.buf), bounce, hc.len))
		ret = -EFAULT;
	else if (put_user(hc.ret, &uarg->ret))
		ret = -EFAULT;
out:
	kfree(bounce);
	return ret;
}

/*
 * Events for dom0 (XL_IOCTL_EVENT_WAIT): one page the hypervisor sets a bit
 * in per notified port, and one interrupt of dom0's kernel, allocated from
 * the x86 vector domain on CPU 0 and kept there, that it raises (a fixed
 * IPI: dom0 drives its APIC, Documentation/composition.md). The handler
 * moves the page's bits into xl_received and wakes the waiters; a waiter
 * takes its port's bit.
 */
static DEFINE_MUTEX(xl_events_lock);
static struct xl_event_page *xl_events_page;
static int xl_events_irq;
static unsigned int xl_events_vector, xl_events_apic_id; /* what the hypervisor raises, where */
static unsigned long xl_received; /* ports notified, not yet taken */
static DECLARE_WAIT_QUEUE_HEAD(xl_events_wq);

static irqreturn_t xl_events_interrupt(int irq, void *dev)
{
	unsigned long bits = xchg((unsigned long *)&xl_events_page->pending, 0);

	if (bits) {
		atomic_long_or(bits, (atomic_long_t *)&xl_received);
		wake_up_all(&xl_events_wq);
	}
	return IRQ_HANDLED;
}

/* The page and the interrupt, once; xl_events_lock held. */
static int xl_events_setup(void)
{
	struct irq_alloc_info info = { .mask = cpumask_of(0) };
	struct irq_cfg *cfg;
	long r;
	int irq, err;

	if (xl_events_page)
		return 0;
	xl_events_page = (void *)get_zeroed_page(GFP_KERNEL);
	if (!xl_events_page)
		return -ENOMEM;
	irq = irq_domain_alloc_irqs(x86_vector_domain, 1, NUMA_NO_NODE, &info);
	if (irq < 0) {
		err = irq;
		goto free_page;
	}
	irq_set_handler(irq, handle_edge_irq);
	err = request_irq(irq, xl_events_interrupt, IRQF_NOBALANCING, "xenlite-events", NULL);
	if (err)
		goto free_irq;
	cfg = irqd_cfg(irq_get_irq_data(irq));
	if (!cfg || !cfg->vector) {
		err = -ENOSPC;
		goto free_handler;
	}
	/* the physical APIC id of its CPU: cfg's may be a logical destination (flat mode) */
	xl_events_vector = cfg->vector;
	xl_events_apic_id =
		cpu_physical_id(cpumask_first(irq_data_get_effective_affinity_mask(irq_get_irq_data(irq))));
	r = xl_vmmcall4(XL_HC_EVENT, XL_EVENT_PAGE, virt_to_phys(xl_events_page), 0, 0);
	if (r) {
		err = (int)r;
		goto free_handler;
	}
	xl_events_irq = irq;
	pr_info("events: vector %#x on APIC id %u (irq %d)\n", xl_events_vector, xl_events_apic_id, irq);
	return 0;
free_handler:
	free_irq(irq, NULL);
free_irq:
	irq_dispose_mapping(irq);
free_page:
	free_page((unsigned long)xl_events_page);
	xl_events_page = NULL;
	return err;
}

static void xl_events_teardown(void)
{
	if (!xl_events_page)
		return;
	xl_vmmcall4(XL_HC_EVENT, XL_EVENT_PAGE, 0, 0, 0); /* the hypervisor writes it no more */
	free_irq(xl_events_irq, NULL);
	irq_dispose_mapping(xl_events_irq);
	free_page((unsigned long)xl_events_page);
	xl_events_page = NULL;
}

static long xl_event_wait(struct xl_ioctl_event_wait __user *uarg)
{
	struct xl_ioctl_event_wait w;
	long r;

	if (copy_from_user(&w, uarg, sizeof(w)))
		return -EFAULT;
	if (w.port >= XL_EVENT_MAX_PORTS || w.timeout_ms > XL_IOCTL_EVENT_MAX_WAIT_MS)
		return -EINVAL;
	mutex_lock(&xl_events_lock);
	r = xl_events_setup();
	if (!r) /* (again) to our vector: a port dom0 got since is bound too */
		r = xl_vmmcall4(XL_HC_EVENT, XL_EVENT_BIND, w.port, xl_events_apic_id,
				xl_events_vector | XL_EVENT_BIND_APIC_ID);
	mutex_unlock(&xl_events_lock);
	if (r)
		return r;
	r = wait_event_interruptible_timeout(xl_events_wq, test_and_clear_bit(w.port, &xl_received),
					     msecs_to_jiffies(w.timeout_ms));
	if (r < 0)
		return -EINTR;
	return r ? 0 : -ETIMEDOUT;
}

/*
 * XL_IOCTL_GUEST_MAP: a view of a guest's RAM for this file
 * (xenlite-ioctl.h). The slot is taken first (PENDING), so that a second
 * call for the same guest meanwhile gets EEXIST; the hypercall and the
 * copies to the user happen without the lock (a fault there takes the
 * mmap_lock, which mmap holds when it takes the lock). A view the user
 * cannot be told about (EFAULT) is given back at once: nothing maps it yet.
 */
static long xl_guest_map(struct xl_file *xf, struct xl_ioctl_guest_map __user *uarg)
{
	const size_t size = XL_VIEW_MAX_EXTENTS * sizeof(struct xl_mem_extent);
	struct xl_ioctl_guest_map gm;
	struct xl_mem_extent *ext;
	struct xl_view *v = NULL;
	unsigned int n = 0;
	long ret, err = 0;

	if (copy_from_user(&gm, uarg, sizeof(gm)))
		return -EFAULT;
	ext = kzalloc(size, GFP_KERNEL); /* physically contiguous (12 KiB: an order-2 allocation) */
	if (!ext)
		return -ENOMEM;

	mutex_lock(&xf->lock);
	for (unsigned int i = 0; i < XL_IOCTL_GUEST_VIEWS; i++) {
		struct xl_view *w = &xf->views[i];

		if (w->state == XL_VIEW_FREE) {
			if (!v)
				v = w;
		} else if (w->domid == gm.domid) {
			err = -EEXIST;
			break;
		}
	}
	if (!err && !v)
		err = -ENOSPC;
	if (!err) {
		v->domid = gm.domid;
		v->state = XL_VIEW_PENDING;
	}
	mutex_unlock(&xf->lock);
	if (err) {
		kfree(ext);
		return err;
	}

	ret = xl_vmmcall4(XL_HC_DOMCTL, XL_DOMCTL_GUEST_MEMORY_MAP, virt_to_phys(ext), size, gm.domid);
	if (ret > 0) {
		n = (unsigned int)min_t(long, ret, XL_VIEW_MAX_EXTENTS);
		if (copy_to_user(u64_to_user_ptr(gm.extents), ext, min(n, gm.max) * sizeof(*ext)))
			err = -EFAULT;
	}
	if (!err && put_user(ret, &uarg->ret))
		err = -EFAULT;
	if (ret > 0 && err) {
		long r = xl_vmmcall4(XL_HC_DOMCTL, XL_DOMCTL_GUEST_MEMORY_UNMAP, 0, 0, gm.domid);

		if (r)
			pr_warn("d%u's memory: XL_DOMCTL_GUEST_MEMORY_UNMAP: %ld\n", gm.domid, r);
	}

	mutex_lock(&xf->lock);
	if (ret > 0 && !err) {
		v->extents = ext;
		v->nr = n;
		v->state = XL_VIEW_LIVE;
		ext = NULL;
	} else {
		v->state = XL_VIEW_FREE;
	}
	mutex_unlock(&xf->lock);
	kfree(ext);
	return err;
}

static long xl_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	switch (cmd) {
	case XL_IOCTL_HYPERCALL:
		return xl_hypercall((struct xl_ioctl_hypercall __user *)arg);
	case XL_IOCTL_EVENT_WAIT:
		return xl_event_wait((struct xl_ioctl_event_wait __user *)arg);
	case XL_IOCTL_GUEST_MAP:
		return xl_guest_map(file->private_data, (struct xl_ioctl_guest_map __user *)arg);
	default:
		return -ENOTTY;
	}
}

/*
 * Which of dom0's segment attachments holds [gpa, gpa + len): 0 with
 * *read_only, -EINVAL when none does, or the hypercall's error. Asked each
 * time, so a detached segment is never mapped again; the answer goes into a
 * kmalloc'd buffer, physically contiguous, as for the ioctl.
 */
static int xl_find_attachment(u64 gpa, u64 len, bool *read_only, u64 *base)
{
	struct xl_shm_mapping *maps;
	int ret = -EINVAL;
	long n = 0;

	maps = xl_query(&n);
	if (!maps)
		return -ENOMEM;
	if (n < 0)
		ret = (int)n;
	for (long i = 0; i < n; i++) {
		const struct xl_shm_mapping *m = &maps[i];

		/* written so that nothing overflows whatever the hypervisor answered */
		if (gpa >= m->gpa && gpa - m->gpa < m->size && len <= m->size - (gpa - m->gpa)) {
			*read_only = m->flags & XL_SHM_READ_ONLY;
			*base = m->gpa;
			ret = 0;
			break;
		}
	}
	kfree(maps);
	return ret;
}

/* A vma of a segment copied (fork) or split: one more to go before a detach. */
static void xl_vma_open(struct vm_area_struct *vma)
{
	struct xl_live_map *l = vma->vm_private_data;

	mutex_lock(&xl_live_lock);
	l->vmas++;
	mutex_unlock(&xl_live_lock);
}

static void xl_vma_close(struct vm_area_struct *vma)
{
	struct xl_live_map *l = vma->vm_private_data;

	mutex_lock(&xl_live_lock);
	if (!--l->vmas)
		l->gpa = 0;
	mutex_unlock(&xl_live_lock);
}

static const struct vm_operations_struct xl_vm_ops = {
	.open = xl_vma_open,
	.close = xl_vma_close,
};

/* Count a new mapping of the attachment at base; -EBUSY when the table is full. */
static int xl_live_add(struct vm_area_struct *vma, u64 base)
{
	struct xl_live_map *l;

	mutex_lock(&xl_live_lock);
	l = xl_live_find(base);
	if (!l && (l = xl_live_find(0)))
		l->gpa = base;
	if (l)
		l->vmas++;
	mutex_unlock(&xl_live_lock);
	if (!l)
		return -EBUSY;
	vma->vm_private_data = l;
	vma->vm_ops = &xl_vm_ops;
	return 0;
}

static void xl_forbid_write(struct vm_area_struct *vma)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_clear(vma, VM_MAYWRITE);
#else
	vma->vm_flags &= ~VM_MAYWRITE;
#endif
}

/* Whether [hpa, hpa + len) lies in one extent of a guest this file views. */
static bool xl_in_view(struct xl_file *xf, u64 hpa, u64 len)
{
	bool found = false;

	mutex_lock(&xf->lock);
	for (unsigned int i = 0; i < XL_IOCTL_GUEST_VIEWS && !found; i++) {
		const struct xl_view *v = &xf->views[i];

		if (v->state != XL_VIEW_LIVE)
			continue;
		for (unsigned int j = 0; j < v->nr && !found; j++) {
			const struct xl_mem_extent *e = &v->extents[j];

			/* as for the attachments: nothing overflows whatever the hypervisor answered */
			found = hpa >= e->hpa && hpa - e->hpa < e->size && len <= e->size - (hpa - e->hpa);
		}
	}
	mutex_unlock(&xf->lock);
	return found;
}

/*
 * The page protection as mmap made it: write-back. A shared segment, like a
 * guest's RAM, is ordinary RAM of the node, outside dom0's own RAM, and the
 * guests map it write-back; dom0 must too, for one memory type on every
 * alias of the same pages (pgprot_noncached would alias it UC). It is not RAM
 * to this kernel, so on x86 remap_pfn_range's PAT tracking (track_pfn_remap)
 * reserves the range with the type asked for and lowers the vma's protection
 * to UC- only where the MTRRs do not say write-back - above 512 GiB the
 * MTRRs' default type, write-back on the nodes we run on.
 */
static int xl_remap(struct vm_area_struct *vma, u64 addr, u64 len)
{
	return remap_pfn_range(vma, vma->vm_start, addr >> PAGE_SHIFT, len, vma->vm_page_prot);
}

/*
 * mmap: the offset is a guest-physical address of dom0's, inside one of its
 * shared segment attachments, or (the same address: dom0 is identity-mapped)
 * inside one extent of a guest this file views (XL_IOCTL_GUEST_MAP). Shared
 * mappings only (a private copy would silently stop being shared); a
 * read-only attachment maps read-only for good (no VM_MAYWRITE: mprotect
 * cannot add it later); a guest's RAM maps read-write. A view's mappings are
 * not counted: the view lasts until release, which comes after the file's
 * last mapping, since each vma holds the file.
 */
static int xl_mmap(struct file *file, struct vm_area_struct *vma)
{
	u64 len = vma->vm_end - vma->vm_start;
	bool read_only = false;
	u64 gpa, base = 0;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	/* VM_MAYSHARE: a read-only descriptor's MAP_SHARED has no VM_SHARED, and is shared all the same */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (vma->vm_pgoff > (U64_MAX >> PAGE_SHIFT))
		return -EINVAL;
	gpa = (u64)vma->vm_pgoff << PAGE_SHIFT;
	if (xl_in_view(file->private_data, gpa, len))
		return xl_remap(vma, gpa, len);
	err = xl_find_attachment(gpa, len, &read_only, &base);
	if (err)
		return err;
	if (read_only) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		xl_forbid_write(vma);
	}
	err = xl_remap(vma, gpa, len);
	/* counted once mapped: a failed mmap is unmapped without close() */
	return err ? err : xl_live_add(vma, base);
}

static const struct file_operations xl_fops = {
	.owner = THIS_MODULE,
	.open = xl_open,
	.release = xl_release,
	.unlocked_ioctl = xl_ioctl,
	.mmap = xl_mmap,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};

static struct miscdevice xl_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "xenlite",
	.fops = &xl_fops,
	.mode = 0600,
};

/* 0 when this kernel runs as dom0 of a xen-lite with our ABI major version */
static int xl_detect(void)
{
	unsigned int eax, ebx, ecx, edx;

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR)) {
		pr_err("not running under a hypervisor (CPUID.1:ECX[31] clear)\n");
		return -ENODEV;
	}
	cpuid(XL_CPUID_BASE, &eax, &ebx, &ecx, &edx);
	if (ebx != XL_CPUID_SIGNATURE_EBX || ecx != XL_CPUID_SIGNATURE_ECX ||
	    edx != XL_CPUID_SIGNATURE_EDX) {
		pr_err("not running under xen-lite (CPUID 0x%x signature %08x %08x %08x)\n",
		       XL_CPUID_BASE, ebx, ecx, edx);
		return -ENODEV;
	}
	if (eax < XL_CPUID_VERSION_LEAF) {
		pr_err("xen-lite reports no leaf 0x%x (max 0x%x)\n", XL_CPUID_VERSION_LEAF, eax);
		return -ENODEV;
	}
	cpuid(XL_CPUID_VERSION_LEAF, &eax, &ebx, &ecx, &edx);
	if (eax >> 16 != XL_ABI_VERSION_MAJOR) {
		pr_err("xen-lite ABI %u.%u, this module speaks %u.%u\n", eax >> 16, eax & 0xffff,
		       XL_ABI_VERSION_MAJOR, XL_ABI_VERSION_MINOR);
		return -ENODEV;
	}
	if (ecx != 0) {
		pr_err("this is domain %u, not dom0: no control device\n", ecx);
		return -EPERM;
	}
	xl_abi_version = eax;
	return 0;
}

static int __init xl_init(void)
{
	int err = xl_detect();

	if (err)
		return err;
	err = misc_register(&xl_misc);
	if (err) {
		pr_err("cannot register /dev/%s: %d\n", xl_misc.name, err);
		return err;
	}
	pr_info("xen-lite ABI %u.%u, dom0: /dev/%s ready\n", xl_abi_version >> 16,
		xl_abi_version & 0xffff, xl_misc.name);
	return 0;
}

static void __exit xl_exit(void)
{
	misc_deregister(&xl_misc);
	xl_events_teardown();
}

module_init(xl_init);
module_exit(xl_exit);

MODULE_DESCRIPTION("xen-lite dom0 control device (/dev/xenlite)");
MODULE_LICENSE("GPL");
