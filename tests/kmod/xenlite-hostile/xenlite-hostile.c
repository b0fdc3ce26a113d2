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
 *   virtq     drives the virtio-blk function (1af4:1042) by hand, without
 *             virtio_pci: a malformed chain at a time, each after a reset,
 *             none of which may complete ("virtq CASE: used idx N"); then a
 *             valid read of sector 0 that must ("virtq valid read: ...")
 *
 * It prints "xen-lite-hostile: ACTION start" and, where it gets that far,
 * "xen-lite-hostile: ACTION done".
 */
#define pr_fmt(fmt) "xen-lite-hostile: " fmt

#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <uapi/linux/virtio_blk.h>
#include <uapi/linux/virtio_config.h>
#include <uapi/linux/virtio_pci.h>
#include <uapi/linux/virtio_ring.h>
#include <asm/apic.h>
#include <asm/msr.h>
#include <asm/nmi.h>

#include "xen-lite-abi.h"

#define RESERVED_VECTOR 18 /* #MC's */

static char *action = "";
module_param(action, charp, 0444);
static int seconds = 10;
module_param(seconds, int, 0444);
/* the test machine's slowness (dom0's xl_scale): every wait for the back-end is this many times longer */
static int scale = 1;
module_param(scale, int, 0444);

static int scaled_ms(int ms)
{
	return ms * (scale > 0 && scale <= 100 ? scale : 1);
}

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

/*
 * virtq: the virtio-blk function driven by hand (virtio 1.x, 3.1 and 4.1),
 * its queue 0 given malformed chains, one each time after a reset; dom0's
 * back-end must refuse each (its queue broken, nothing completed) and
 * serve a valid request after the next reset. No interrupts: the device
 * ring is polled.
 */
#define VQ_SIZE 16
#define VQ_NOTIFY_AT 0x3000 /* queue q's notify address: + 4 * its notify offset */
#define VQ_FAR_GPA 0x7000000000ull /* far above the guest's RAM */

/* the ring page: the three parts of queue 0 */
#define VQ_DESC_OFF 0
#define VQ_AVAIL_OFF 256 /* flags, idx, ring[VQ_SIZE], used_event */
#define VQ_USED_OFF 512  /* flags, idx, { id, len }[VQ_SIZE], avail_event */
/* the data page: a request's buffers */
#define VQ_HDR_OFF 0
#define VQ_STATUS_OFF 16
#define VQ_DATA_OFF 512
#define VQ_INDIRECT_OFF 1024

struct vq_desc {
	__le64 addr;
	__le32 len;
	__le16 flags;
	__le16 next;
};

struct vq {
	struct pci_dev *pdev;
	void __iomem *bar;
	u8 *ring, *data; /* two physically contiguous pages */
	u16 notify_off;
};

static struct vq_desc *vq_desc(struct vq *vq)
{
	return (struct vq_desc *)(vq->ring + VQ_DESC_OFF);
}

static __le16 *vq_avail(struct vq *vq)
{
	return (__le16 *)(vq->ring + VQ_AVAIL_OFF); /* [0] flags, [1] idx, [2 + i] ring[i] */
}

static __le16 *vq_used(struct vq *vq)
{
	return (__le16 *)(vq->ring + VQ_USED_OFF); /* [0] flags, [1] idx */
}

static u64 vq_phys(void *p)
{
	return virt_to_phys(p);
}

static void vq_set_desc(struct vq *vq, unsigned int i, u64 addr, u32 len, u16 flags, u16 next)
{
	struct vq_desc *d = &vq_desc(vq)[i];

	d->addr = cpu_to_le64(addr);
	d->len = cpu_to_le32(len);
	d->flags = cpu_to_le16(flags);
	d->next = cpu_to_le16(next);
}

static void vq_write64(struct vq *vq, unsigned int lo, u64 v)
{
	iowrite32(lower_32_bits(v), vq->bar + lo);
	iowrite32(upper_32_bits(v), vq->bar + lo + 4);
}

static u8 vq_status(struct vq *vq)
{
	return ioread8(vq->bar + VIRTIO_PCI_COMMON_STATUS);
}

/* A reset: the device reads status 0 once the back-end has forgotten its queue (2 s at most, scaled) */
static int vq_reset(struct vq *vq)
{
	int waited = 0;

	iowrite8(0, vq->bar + VIRTIO_PCI_COMMON_STATUS);
	while (vq_status(vq) && waited < scaled_ms(2000)) {
		msleep(10);
		waited += 10;
	}
	if (vq_status(vq)) {
		pr_info("virtq: the reset did not end in %d ms (status %#x)\n", scaled_ms(2000), vq_status(vq));
		return -EIO;
	}
	return 0;
}

/* A reset, then queue 0 set up afresh: 0 or -EIO. */
static int vq_setup(struct vq *vq)
{
	u8 status = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;

	if (vq_reset(vq))
		return -EIO;
	memset(vq->ring, 0, PAGE_SIZE);
	memset(vq->data, 0, PAGE_SIZE);
	iowrite8(VIRTIO_CONFIG_S_ACKNOWLEDGE, vq->bar + VIRTIO_PCI_COMMON_STATUS);
	iowrite8(status, vq->bar + VIRTIO_PCI_COMMON_STATUS);
	iowrite32(1, vq->bar + VIRTIO_PCI_COMMON_DFSELECT);
	if (!(ioread32(vq->bar + VIRTIO_PCI_COMMON_DF) & BIT(VIRTIO_F_VERSION_1 - 32))) {
		pr_info("virtq: the device does not offer VERSION_1\n");
		return -EIO;
	}
	/* VERSION_1 only: no event index, no indirect descriptors, nothing else */
	iowrite32(0, vq->bar + VIRTIO_PCI_COMMON_GFSELECT);
	iowrite32(0, vq->bar + VIRTIO_PCI_COMMON_GF);
	iowrite32(1, vq->bar + VIRTIO_PCI_COMMON_GFSELECT);
	iowrite32(BIT(VIRTIO_F_VERSION_1 - 32), vq->bar + VIRTIO_PCI_COMMON_GF);
	status |= VIRTIO_CONFIG_S_FEATURES_OK;
	iowrite8(status, vq->bar + VIRTIO_PCI_COMMON_STATUS);
	if (!(vq_status(vq) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		pr_info("virtq: FEATURES_OK refused\n");
		return -EIO;
	}
	iowrite16(0, vq->bar + VIRTIO_PCI_COMMON_Q_SELECT);
	iowrite16(VQ_SIZE, vq->bar + VIRTIO_PCI_COMMON_Q_SIZE);
	if (ioread16(vq->bar + VIRTIO_PCI_COMMON_Q_SIZE) != VQ_SIZE) {
		pr_info("virtq: queue size %u refused\n", VQ_SIZE);
		return -EIO;
	}
	iowrite16(VIRTIO_MSI_NO_VECTOR, vq->bar + VIRTIO_PCI_COMMON_Q_MSIX);
	vq_write64(vq, VIRTIO_PCI_COMMON_Q_DESCLO, vq_phys(vq->ring + VQ_DESC_OFF));
	vq_write64(vq, VIRTIO_PCI_COMMON_Q_AVAILLO, vq_phys(vq->ring + VQ_AVAIL_OFF));
	vq_write64(vq, VIRTIO_PCI_COMMON_Q_USEDLO, vq_phys(vq->ring + VQ_USED_OFF));
	iowrite16(1, vq->bar + VIRTIO_PCI_COMMON_Q_ENABLE);
	vq->notify_off = ioread16(vq->bar + VIRTIO_PCI_COMMON_Q_NOFF);
	iowrite8(status | VIRTIO_CONFIG_S_DRIVER_OK, vq->bar + VIRTIO_PCI_COMMON_STATUS);
	return 0;
}

/* A valid read of sector 0 as descriptors 0 (header), 1 (512 bytes), 2 (status) */
static void vq_read_chain(struct vq *vq)
{
	struct virtio_blk_outhdr *hdr = (void *)(vq->data + VQ_HDR_OFF);

	hdr->type = (__force __virtio32)cpu_to_le32(VIRTIO_BLK_T_IN);
	hdr->ioprio = 0;
	hdr->sector = 0;
	vq->data[VQ_STATUS_OFF] = 0xff;
	vq_set_desc(vq, 0, vq_phys(vq->data + VQ_HDR_OFF), sizeof(*hdr), VRING_DESC_F_NEXT, 1);
	vq_set_desc(vq, 1, vq_phys(vq->data + VQ_DATA_OFF), 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
	vq_set_desc(vq, 2, vq_phys(vq->data + VQ_STATUS_OFF), 1, VRING_DESC_F_WRITE, 0);
}

/* Chain `head` made available (the driver ring's idx moved by `by`), then the queue notified */
static void vq_submit(struct vq *vq, u16 head, u16 by)
{
	__le16 *avail = vq_avail(vq);

	avail[2] = cpu_to_le16(head);
	wmb(); /* the descriptors and the entry before the idx */
	WRITE_ONCE(avail[1], cpu_to_le16(by));
	mb(); /* the idx before the notification */
	iowrite16(0, vq->bar + VQ_NOTIFY_AT + 4 * vq->notify_off);
}

static u16 vq_used_idx(struct vq *vq)
{
	u16 idx = le16_to_cpu(READ_ONCE(vq_used(vq)[1]));

	rmb(); /* the idx before the elements and the buffers */
	return idx;
}

/*
 * The malformed chains, each what one of dom0's refusals is for
 * (dom0-tools/backends/virtq.c)
 */
enum vq_case {
	VQ_CASE_LOOP,
	VQ_CASE_NEXT_OUT_OF_RANGE,
	VQ_CASE_HEAD_OUT_OF_RANGE,
	VQ_CASE_OUTSIDE_RAM,
	VQ_CASE_HUGE_LENGTH,
	VQ_CASE_INDIRECT,
	VQ_CASE_READABLE_AFTER_WRITABLE,
	VQ_CASE_AVAIL_JUMP,
};

static const char *const vq_case_names[] = {
	[VQ_CASE_LOOP] = "loop",
	[VQ_CASE_NEXT_OUT_OF_RANGE] = "next-out-of-range",
	[VQ_CASE_HEAD_OUT_OF_RANGE] = "head-out-of-range",
	[VQ_CASE_OUTSIDE_RAM] = "outside-ram",
	[VQ_CASE_HUGE_LENGTH] = "huge-length",
	[VQ_CASE_INDIRECT] = "indirect",
	[VQ_CASE_READABLE_AFTER_WRITABLE] = "readable-after-writable",
	[VQ_CASE_AVAIL_JUMP] = "avail-jump",
};

static void vq_malformed(struct vq *vq, enum vq_case c)
{
	u64 hdr = vq_phys(vq->data + VQ_HDR_OFF), buf = vq_phys(vq->data + VQ_DATA_OFF);
	u16 head = 0, by = 1;

	vq_read_chain(vq);
	switch (c) {
	case VQ_CASE_LOOP: /* 0 -> 1 -> 0 -> ... */
		vq_set_desc(vq, 0, hdr, 16, VRING_DESC_F_NEXT, 1);
		vq_set_desc(vq, 1, hdr, 16, VRING_DESC_F_NEXT, 0);
		break;
	case VQ_CASE_NEXT_OUT_OF_RANGE:
		vq_set_desc(vq, 0, hdr, 16, VRING_DESC_F_NEXT, 200);
		break;
	case VQ_CASE_HEAD_OUT_OF_RANGE:
		head = 40;
		break;
	case VQ_CASE_OUTSIDE_RAM:
		vq_set_desc(vq, 1, VQ_FAR_GPA, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
		break;
	case VQ_CASE_HUGE_LENGTH:
		vq_set_desc(vq, 1, buf, 0xfffffff0u, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
		break;
	case VQ_CASE_INDIRECT: /* a table of one descriptor: the header */
		((struct vq_desc *)(vq->data + VQ_INDIRECT_OFF))->addr = cpu_to_le64(hdr);
		((struct vq_desc *)(vq->data + VQ_INDIRECT_OFF))->len = cpu_to_le32(16);
		vq_set_desc(vq, 0, vq_phys(vq->data + VQ_INDIRECT_OFF), 16, VRING_DESC_F_INDIRECT, 0);
		break;
	case VQ_CASE_READABLE_AFTER_WRITABLE: /* the 512 bytes first, then the header */
		vq_set_desc(vq, 0, buf, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
		vq_set_desc(vq, 1, hdr, 16, VRING_DESC_F_NEXT, 2);
		break;
	case VQ_CASE_AVAIL_JUMP:
		by = 100;
		break;
	}
	vq_submit(vq, head, by);
}

/*
 * Half a second, then up to 3 s more (scaled) until the back-end has looked: it sets
 * the device ring's NO_NOTIFY while it takes chains and, once the queue is
 * broken, never clears it again (only a sign; the test reads the used idx)
 */
static void vq_wait_for_device(struct vq *vq, const char *name)
{
	int waited = 0;

	msleep(500);
	while (!(le16_to_cpu(READ_ONCE(vq_used(vq)[0])) & VRING_USED_F_NO_NOTIFY) && waited < scaled_ms(3000)) {
		msleep(50);
		waited += 50;
	}
	if (waited >= scaled_ms(3000))
		pr_info("virtq %s: no sign of the device reading the ring\n", name);
}

static void vq_valid_read(struct vq *vq)
{
	const u8 *b = vq->data + VQ_DATA_OFF;
	int waited = 0;

	vq_read_chain(vq);
	vq_submit(vq, 0, 1);
	while (vq_used_idx(vq) != 1 && waited < scaled_ms(10000)) {
		msleep(10);
		waited += 10;
	}
	if (vq_used_idx(vq) != 1) {
		pr_info("virtq valid read: not completed in %d ms (used idx %u)\n", scaled_ms(10000), vq_used_idx(vq));
		return;
	}
	pr_info("virtq valid read: status %u, first bytes %02x %02x %02x %02x\n", READ_ONCE(vq->data[VQ_STATUS_OFF]),
		b[0], b[1], b[2], b[3]);
}

static int virtq_cases(struct vq *vq)
{
	unsigned int c;
	int err;

	for (c = 0; c < ARRAY_SIZE(vq_case_names); c++) {
		err = vq_setup(vq);
		if (err)
			return err;
		vq_malformed(vq, c);
		vq_wait_for_device(vq, vq_case_names[c]);
		pr_info("virtq %s: used idx %u\n", vq_case_names[c], vq_used_idx(vq));
	}
	err = vq_setup(vq);
	if (err)
		return err;
	vq_valid_read(vq);
	return 0;
}

static int virtq(void)
{
	struct vq vq = { 0 };
	unsigned long pages = 0;
	resource_size_t bar4;
	int err;

	vq.pdev = pci_get_device(PCI_VENDOR_ID_REDHAT_QUMRANET, 0x1042, NULL);
	if (!vq.pdev) {
		pr_info("virtq: no virtio-blk function (1af4:1042)\n");
		return -ENODEV;
	}
	if (vq.pdev->driver) {
		pr_info("virtq: %s already has a driver (%s)\n", pci_name(vq.pdev), vq.pdev->driver->name);
		err = -EBUSY;
		goto put;
	}
	err = pci_enable_device(vq.pdev);
	if (err) {
		pr_info("virtq: enabling %s: %d\n", pci_name(vq.pdev), err);
		goto put;
	}
	pci_set_master(vq.pdev);
	vq.bar = pci_iomap(vq.pdev, 4, 0);
	pages = __get_free_pages(GFP_KERNEL | __GFP_ZERO, 1);
	if (!vq.bar || !pages) {
		pr_info("virtq: no BAR4 mapping or no memory\n");
		err = -ENOMEM;
		goto unmap;
	}
	vq.ring = (u8 *)pages;
	vq.data = vq.ring + PAGE_SIZE;
	bar4 = pci_resource_start(vq.pdev, 4);
	pr_info("virtq: %s, BAR4 at %pa, queue of %u at %#llx\n", pci_name(vq.pdev), &bar4, VQ_SIZE,
		vq_phys(vq.ring));
	err = virtq_cases(&vq);
	/* the device reset before its memory goes */
	if (vq_reset(&vq) && !err)
		err = -EIO;
unmap:
	if (pages)
		free_pages(pages, 1);
	if (vq.bar)
		pci_iounmap(vq.pdev, vq.bar);
	pci_clear_master(vq.pdev);
	pci_disable_device(vq.pdev);
put:
	pci_dev_put(vq.pdev);
	return err;
}

static int __init hostile_init(void)
{
	int err = 0;

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
	else if (!strcmp(action, "virtq"))
		err = virtq();
	else
		return -EINVAL;
	if (err)
		return err;
	pr_info("%s done\n", action);
	return 0;
}

module_init(hostile_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xen-lite tests: a hostile Linux guest");
