/*
 * The virtio-pci transport of a Linux guest's virtio devices (virtio 1.x,
 * "modern" only; arch/xen-lite/virtio.h, Documentation/virtio.md). The
 * hypervisor is the transport, a dom0 process the device: the function's
 * configuration space, its common configuration (features, status, queue
 * setup), device-specific configuration (bytes dom0 gave), notifications
 * and MSI-X are all here, none of them waits for dom0. One BAR (BAR4) holds
 * every structure; every access to it exits. The guest may size the BAR,
 * not move it. Not offered: INTx (and so the ISR, which reads 0), the PCI
 * configuration access capability, configuration changes after ADD.
 */
#include <arch/guest_pci.h>
#include <arch/vdev.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/pci.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>
#include <xen-lite/shm.h>
#include <xen-lite/string.h>

/* BAR4's layout */
#define BAR_SIZE 0x8000u
#define COMMON_AT 0x0000u
#define COMMON_LEN 0x40u
#define ISR_AT 0x1000u
#define DEVICE_AT 0x2000u
#define NOTIFY_AT 0x3000u
#define NOTIFY_MULTIPLIER 4u
#define MSIX_TABLE_AT 0x4000u
#define MSIX_PBA_AT 0x5000u
#define VIRTIO_BAR 4
_Static_assert(BAR_SIZE == GUEST_VIRTIO_BAR_SIZE, "the window the core keeps for each device");

/* configuration space: the capabilities' places */
#define CAP_COMMON 0x40
#define CAP_NOTIFY 0x50
#define CAP_ISR 0x64
#define CAP_DEVICE 0x74
#define CAP_MSIX 0x84
#define CAP_VENDOR 0x09
#define CAP_TYPE_COMMON 1
#define CAP_TYPE_NOTIFY 2
#define CAP_TYPE_ISR 3
#define CAP_TYPE_DEVICE 4
#define MSIX_ENABLE 0x8000u
#define MSIX_MASKALL 0x4000u

/* device_status bits (virtio 1.x, 2.1) */
#define STATUS_FEATURES_OK 8u
#define NO_VECTOR 0xffffu
#define RESET_WAIT_US 1000000u /* a back-end that does not answer a reset by then is not waited for */

#define MSI_ADDR_BASE 0xfee00000u
#define MSI_DEST_SHIFT 12
#define MSI_ADDR_LOGICAL (1u << 2) /* a logical destination: its id is no APIC id */
#define MSI_ADDR_EXT_DEST 0xfe0u /* bits 11:5: destination bits above 8 (x2APIC) */
#define MSI_DATA_LEVEL (1u << 15)
#define ENTRY_MASKED 1u

static struct guest_virtio_fn *device_of(struct domain *d, uint32_t dev)
{
	struct guest_pci *bus = d->arch.guest_pci;

	return bus && dev < __atomic_load_n(&bus->nr_virtio, __ATOMIC_ACQUIRE) ? &bus->virtio[dev] : NULL;
}

static unsigned int nr_vectors(const struct guest_virtio_fn *f)
{
	return f->nr_queues + 1;
}

/* ---- configuration space ---- */

static void put(uint8_t *cfg, unsigned int at, uint32_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		cfg[at + i] = (uint8_t)(v >> (8 * i));
}

/* A virtio capability: where one structure is in BAR4. */
static void put_cap(uint8_t *cfg, unsigned int at, unsigned int next, unsigned int len, unsigned int type,
		    uint32_t offset, uint32_t length)
{
	put(cfg, at, CAP_VENDOR | next << 8 | len << 16 | type << 24, 4);
	put(cfg, at + 4, VIRTIO_BAR, 4);
	put(cfg, at + 8, offset, 4);
	put(cfg, at + 12, length, 4);
}

static uint32_t bar_read(const struct guest_virtio_fn *f, unsigned int i)
{
	uint64_t v = f->bar_written[i] == 0xffffffffu ? ~(uint64_t)(BAR_SIZE - 1) : f->bar;

	if (i == VIRTIO_BAR)
		return ((uint32_t)v & ~0xfu) | 0xc; /* 64-bit, prefetchable */
	return i == VIRTIO_BAR + 1 ? (uint32_t)(v >> 32) : 0;
}

/* The whole 256 bytes the guest sees. */
static void fill_config(const struct guest_virtio_fn *f, uint8_t *cfg)
{
	uint16_t msix_ctrl = (uint16_t)(nr_vectors(f) - 1) | __atomic_load_n(&f->msix_control, __ATOMIC_RELAXED);

	memset(cfg, 0, 256);
	put(cfg, 0x00, XL_VIRTIO_PCI_VENDOR | (XL_VIRTIO_PCI_DEVICE_BASE + f->device_id) << 16, 4);
	put(cfg, PCI_COMMAND, f->command | (uint32_t)PCI_STATUS_CAP_LIST << 16, 4);
	/* revision 1 (a modern device); class: network controller for net, mass storage otherwise */
	put(cfg, PCI_CLASS_REVISION, (f->device_id == 1 ? 0x020000u : 0x010000u) << 8 | 1, 4);
	for (unsigned int i = 0; i < 6; i++)
		put(cfg, PCI_BAR0 + 4 * i, bar_read(f, i), 4);
	put(cfg, 0x2c, XL_VIRTIO_PCI_VENDOR | 0x1100u << 16, 4); /* subsystem: ours, >= 0x40 */
	put(cfg, PCI_CAP_PTR, CAP_COMMON, 1);
	put_cap(cfg, CAP_COMMON, CAP_NOTIFY, 16, CAP_TYPE_COMMON, COMMON_AT, COMMON_LEN);
	put_cap(cfg, CAP_NOTIFY, CAP_ISR, 20, CAP_TYPE_NOTIFY, NOTIFY_AT, NOTIFY_MULTIPLIER * f->nr_queues);
	put(cfg, CAP_NOTIFY + 16, NOTIFY_MULTIPLIER, 4);
	put_cap(cfg, CAP_ISR, CAP_DEVICE, 16, CAP_TYPE_ISR, ISR_AT, 4);
	put_cap(cfg, CAP_DEVICE, CAP_MSIX, 16, CAP_TYPE_DEVICE, DEVICE_AT, f->config_len ? f->config_len : 4);
	put(cfg, CAP_MSIX, PCI_CAP_ID_MSIX | (uint32_t)msix_ctrl << 16, 4);
	put(cfg, CAP_MSIX + 4, MSIX_TABLE_AT | VIRTIO_BAR, 4);
	put(cfg, CAP_MSIX + 8, MSIX_PBA_AT | VIRTIO_BAR, 4);
}

uint32_t guest_virtio_config_read(const struct guest_virtio_fn *f, unsigned int offset, unsigned int size)
{
	uint8_t cfg[256];
	uint32_t v = 0;

	fill_config(f, cfg);
	for (unsigned int i = 0; i < size && offset + i < 256; i++)
		v |= (uint32_t)cfg[offset + i] << (8 * i);
	return v;
}

static bool msix_entry_deliverable(const struct guest_virtio_fn *f, unsigned int vec);
static void msix_deliver(struct domain *d, struct guest_virtio_fn *f, unsigned int vec);

/* MSI-X's enable and function mask changed: what was held back while masked goes now. msix_lock held. */
static void msix_release_pending(struct domain *d, struct guest_virtio_fn *f)
{
	for (unsigned int vec = 0; vec < nr_vectors(f); vec++)
		if (f->msix_pending & (1u << vec) && msix_entry_deliverable(f, vec)) {
			f->msix_pending &= ~(1u << vec);
			msix_deliver(d, f, vec);
		}
}

void guest_virtio_config_write(struct domain *d, struct guest_virtio_fn *f, unsigned int offset, unsigned int size,
			       uint32_t value)
{
	unsigned int reg = offset & ~3u;
	uint32_t mask, v = guest_pci_config_merge(guest_virtio_config_read(f, reg, 4), offset, size, value, &mask);

	if (reg == PCI_COMMAND && mask & 0xffff) {
		f->command = (uint16_t)(v & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));
	} else if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 24) {
		f->bar_written[(reg - PCI_BAR0) / 4] = mask == 0xffffffffu ? value : 0;
	} else if (reg == CAP_MSIX && mask >> 16) {
		uint64_t irq = spin_lock_irqsave(&f->msix_lock);

		f->msix_control = (uint16_t)((v >> 16) & (MSIX_ENABLE | MSIX_MASKALL));
		msix_release_pending(d, f);
		spin_unlock_irqrestore(&f->msix_lock, irq);
	}
}

/* ---- MSI-X ---- */

/*
 * The guest's CPU and vector a vector's message names: true if it is one -
 * as guest_msi.c takes a real function's: fixed or lowest priority,
 * edge-triggered, 32 or more, physically addressed to an 8-bit APIC id.
 */
static bool msix_target(struct domain *d, const struct guest_msix_vector *e, struct vcpu **v, uint8_t *vector)
{
	uint32_t apic_id = (e->addr_lo >> MSI_DEST_SHIFT) & 0xff, delivery = (e->data >> 8) & 7;

	if (e->addr_hi || (e->addr_lo & 0xfff00000u) != MSI_ADDR_BASE ||
	    e->addr_lo & (MSI_ADDR_LOGICAL | MSI_ADDR_EXT_DEST) || delivery > 1 || e->data >> 16 ||
	    e->data & MSI_DATA_LEVEL || (e->data & 0xff) < 32)
		return false;
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (arch_cpu_apic_id(d->vcpus[i]->pcpu) == apic_id) {
			*v = d->vcpus[i];
			*vector = (uint8_t)e->data;
			return true;
		}
	return false;
}

static bool msix_entry_deliverable(const struct guest_virtio_fn *f, unsigned int vec)
{
	return (f->msix_control & (MSIX_ENABLE | MSIX_MASKALL)) == MSIX_ENABLE && !(f->msix[vec].ctrl & ENTRY_MASKED);
}

/* msix_lock held; a message that names no CPU of the guest is dropped, as a bus would */
static void msix_deliver(struct domain *d, struct guest_virtio_fn *f, unsigned int vec)
{
	struct vcpu *v;
	uint8_t vector;

	if (msix_target(d, &f->msix[vec], &v, &vector))
		arch_event_raise(v, vector);
}

static void msix_raise(struct domain *d, struct guest_virtio_fn *f, unsigned int vec)
{
	uint64_t irq;

	if (vec >= nr_vectors(f))
		return; /* NO_VECTOR: the driver wants none */
	irq = spin_lock_irqsave(&f->msix_lock);
	if (msix_entry_deliverable(f, vec))
		msix_deliver(d, f, vec);
	else
		f->msix_pending |= 1u << vec;
	spin_unlock_irqrestore(&f->msix_lock, irq);
}

static uint64_t msix_load(struct guest_virtio_fn *f, uint32_t off, unsigned int size)
{
	uint64_t v = 0;
	uint64_t irq = spin_lock_irqsave(&f->msix_lock);

	if (off >= MSIX_PBA_AT) {
		v = off == MSIX_PBA_AT ? f->msix_pending : 0;
	} else if ((off - MSIX_TABLE_AT) / 16 < nr_vectors(f)) {
		const uint32_t *e = (const uint32_t *)&f->msix[(off - MSIX_TABLE_AT) / 16];
		unsigned int word = (off % 16) / 4;

		v = e[word];
		if (size == 8 && word < 3)
			v |= (uint64_t)e[word + 1] << 32;
	}
	spin_unlock_irqrestore(&f->msix_lock, irq);
	return v;
}

static void msix_store(struct domain *d, struct guest_virtio_fn *f, uint32_t off, uint64_t value, unsigned int size)
{
	unsigned int vec = (off - MSIX_TABLE_AT) / 16, word = (off % 16) / 4;
	uint64_t irq;

	if (off >= MSIX_PBA_AT || vec >= nr_vectors(f))
		return; /* the pending bits are read-only */
	irq = spin_lock_irqsave(&f->msix_lock);
	for (unsigned int i = 0; i < size / 4 && word + i < 4; i++) {
		uint32_t *field = (uint32_t *)&f->msix[vec] + word + i;

		*field = (uint32_t)(value >> (32 * i));
	}
	msix_release_pending(d, f);
	spin_unlock_irqrestore(&f->msix_lock, irq);
}

/* ---- common configuration ---- */

static bool queue_selected(const struct guest_virtio_fn *f)
{
	return f->queue_select < f->nr_queues;
}

static bool reset_pending(struct guest_virtio_fn *f)
{
	if (f->reset_done == f->reset_count)
		return false;
	if (time_since_boot_us() - f->reset_at_us < RESET_WAIT_US)
		return true;
	f->reset_done = f->reset_count; /* no back-end answered: not waited for any longer */
	return false;
}

/* The common configuration's field at off (of width bytes), as the driver reads it. Bus lock held. */
static uint32_t common_field(struct guest_virtio_fn *f, unsigned int off)
{
	const struct xl_virtio_queue *q = queue_selected(f) ? &f->queues[f->queue_select] : NULL;

	switch (off) {
	case 0x00:
		return f->device_feature_select;
	case 0x04:
		return f->device_feature_select < 2 ? (uint32_t)(f->device_features >> (32 * f->device_feature_select)) : 0;
	case 0x08:
		return f->driver_feature_select;
	case 0x0c:
		return f->driver_feature_select < 2 ? (uint32_t)(f->driver_features >> (32 * f->driver_feature_select)) : 0;
	case 0x10:
		return f->msix_config;
	case 0x12:
		return f->nr_queues;
	case 0x14:
		/* a reset the back-end has not answered yet has not happened yet: the driver waits for 0 */
		return reset_pending(f) ? 0x40 : f->status;
	case 0x16:
		return f->queue_select;
	case 0x18:
		return q ? q->size : 0;
	case 0x1a:
		return q ? q->msix_vector : NO_VECTOR;
	case 0x1c:
		return q ? q->enabled : 0;
	case 0x1e:
		return q ? f->queue_select : 0; /* notify address: NOTIFY_AT + 4 * queue */
	case 0x20:
	case 0x24:
		return q ? (uint32_t)(q->desc >> (off == 0x24 ? 32 : 0)) : 0;
	case 0x28:
	case 0x2c:
		return q ? (uint32_t)(q->driver >> (off == 0x2c ? 32 : 0)) : 0;
	case 0x30:
	case 0x34:
		return q ? (uint32_t)(q->device >> (off == 0x34 ? 32 : 0)) : 0;
	default:
		return 0; /* config generation (fixed), notify data, queue reset: not offered */
	}
}

static void reset_device(struct guest_virtio_fn *f)
{
	f->status = 0;
	f->driver_features = 0;
	f->device_feature_select = f->driver_feature_select = 0;
	f->msix_config = NO_VECTOR;
	f->queue_select = 0;
	for (unsigned int i = 0; i < XL_VIRTIO_MAX_QUEUES; i++)
		f->queues[i] = (struct xl_virtio_queue){ .size = (uint16_t)f->queue_max, .msix_vector = NO_VECTOR };
}

static bool features_acceptable(const struct guest_virtio_fn *f)
{
	return !(f->driver_features & ~f->device_features) && (f->driver_features & XL_VIRTIO_F_VERSION_1);
}

/* A status write; true when the back-end must look (a reset, the driver ready). Bus lock held. */
static bool status_write(struct guest_virtio_fn *f, uint8_t v)
{
	if (!v) {
		reset_device(f);
		f->reset_count++;
		f->reset_at_us = time_since_boot_us();
		return true;
	}
	if (v & STATUS_FEATURES_OK && !(f->status & STATUS_FEATURES_OK) && !features_acceptable(f))
		v &= (uint8_t)~STATUS_FEATURES_OK; /* the driver reads it back and gives up */
	f->status = v;
	return true;
}

static void set_half(uint64_t *x, bool high, uint32_t v)
{
	*x = high ? (*x & 0xffffffffULL) | (uint64_t)v << 32 : (*x & ~0xffffffffULL) | v;
}

/* A write to the field at off; true when the back-end must look. Bus lock held. */
static bool common_set(struct guest_virtio_fn *f, unsigned int off, uint32_t v)
{
	struct xl_virtio_queue *q = queue_selected(f) ? &f->queues[f->queue_select] : NULL;
	bool queue_open = q && !q->enabled; /* a queue's setup is fixed once it is enabled */

	switch (off) {
	case 0x00:
		f->device_feature_select = v;
		break;
	case 0x08:
		f->driver_feature_select = v;
		break;
	case 0x0c:
		if (f->driver_feature_select < 2 && !(f->status & STATUS_FEATURES_OK))
			set_half(&f->driver_features, f->driver_feature_select == 1, v);
		break;
	case 0x10:
		f->msix_config = (uint16_t)(v < nr_vectors(f) ? v : NO_VECTOR);
		break;
	case 0x14:
		return status_write(f, (uint8_t)v);
	case 0x16:
		f->queue_select = (uint16_t)v;
		break;
	case 0x18:
		/* a power of two (a split ring's size is one; xl_virtio_queue promises dom0 one) */
		if (queue_open && v && !(v & (v - 1)) && v <= f->queue_max)
			q->size = (uint16_t)v;
		break;
	case 0x1a:
		if (q)
			__atomic_store_n(&q->msix_vector, (uint16_t)(v < nr_vectors(f) ? v : NO_VECTOR), __ATOMIC_RELEASE);
		break;
	case 0x1c:
		if (queue_open && v == 1)
			q->enabled = 1;
		break;
	case 0x20:
	case 0x24:
		if (queue_open)
			set_half(&q->desc, off == 0x24, v);
		break;
	case 0x28:
	case 0x2c:
		if (queue_open)
			set_half(&q->driver, off == 0x2c, v);
		break;
	case 0x30:
	case 0x34:
		if (queue_open)
			set_half(&q->device, off == 0x34, v);
		break;
	default:
		break; /* read-only */
	}
	return false;
}

/* The fields' offsets and widths (virtio 1.x, 4.1.4.3). */
static unsigned int field_width(unsigned int off)
{
	if (off == 0x14 || off == 0x15)
		return 1;
	if (off >= 0x10 && off < 0x20)
		return 2;
	return off == 0x38 || off == 0x3a ? 2 : 4;
}

static unsigned int field_start(unsigned int off)
{
	if (off == 0x14 || off == 0x15)
		return off;
	if ((off >= 0x10 && off < 0x20) || off >= 0x38)
		return off & ~1u;
	return off & ~3u;
}

static uint64_t common_load(struct guest_virtio_fn *f, unsigned int off, unsigned int size)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < size && off + i < COMMON_LEN; i++) {
		unsigned int at = field_start(off + i);

		v |= (uint64_t)((common_field(f, at) >> (8 * (off + i - at))) & 0xff) << (8 * i);
	}
	return v;
}

/* A store of any width: each field it covers, merged with what the field holds. True: the back-end must look. */
static bool common_store(struct guest_virtio_fn *f, unsigned int off, uint64_t value, unsigned int size)
{
	bool look = false;

	for (unsigned int at = field_start(off); at < off + size && at < COMMON_LEN; at += field_width(at)) {
		uint32_t v = common_field(f, at);

		if (at == 0x14)
			v = f->status; /* what the driver wrote, not what a pending reset shows */
		for (unsigned int b = 0; b < field_width(at); b++)
			if (at + b >= off && at + b < off + size) {
				v &= ~(0xffu << (8 * b));
				v |= (uint32_t)((value >> (8 * (at + b - off))) & 0xff) << (8 * b);
			}
		look |= common_set(f, at, v);
	}
	return look;
}

/* ---- BAR4 ---- */

static struct guest_virtio_fn *fn_at(struct domain *d, gpa_t gpa, uint32_t *off)
{
	struct guest_pci *bus = d->arch.guest_pci;

	for (unsigned int i = 0; bus && i < bus->nr_virtio; i++)
		if (gpa_addr(gpa) - bus->virtio[i].bar < BAR_SIZE) {
			*off = (uint32_t)(gpa_addr(gpa) - bus->virtio[i].bar);
			return &bus->virtio[i];
		}
	return NULL;
}

static uint64_t bar_load(struct vcpu *v, gpa_t gpa, unsigned int size, void *opaque)
{
	struct guest_pci *bus = v->domain->arch.guest_pci;
	uint32_t off;
	struct guest_virtio_fn *f = fn_at(v->domain, gpa, &off);
	uint64_t value = 0, irq;

	(void)opaque;
	if (!f)
		return ~0ULL;
	if (off >= MSIX_TABLE_AT)
		return msix_load(f, off, size);
	irq = spin_lock_irqsave(&bus->lock);
	if (off < COMMON_LEN)
		value = common_load(f, off, size);
	else if (off >= DEVICE_AT && off < DEVICE_AT + f->config_len)
		for (unsigned int i = 0; i < size && off - DEVICE_AT + i < f->config_len; i++)
			value |= (uint64_t)f->config[off - DEVICE_AT + i] << (8 * i);
	spin_unlock_irqrestore(&bus->lock, irq);
	return value; /* the ISR (no INTx: nothing to say), and everything else: 0 */
}

static void bar_store(struct vcpu *v, gpa_t gpa, uint64_t value, unsigned int size, void *opaque)
{
	struct domain *d = v->domain;
	struct guest_pci *bus = d->arch.guest_pci;
	uint32_t off;
	struct guest_virtio_fn *f = fn_at(d, gpa, &off);
	bool look = false;
	uint64_t irq;

	(void)opaque;
	if (!f)
		return;
	if (off >= MSIX_TABLE_AT) {
		msix_store(d, f, off, value, size);
		return;
	}
	if (off >= NOTIFY_AT && off < NOTIFY_AT + NOTIFY_MULTIPLIER * f->nr_queues) {
		/* the queue by the address; its port is fixed: no lock (the event code takes its own) */
		f->ops->notify(d, f->ports[(off - NOTIFY_AT) / NOTIFY_MULTIPLIER]);
		return;
	}
	irq = spin_lock_irqsave(&bus->lock);
	if (off < COMMON_LEN)
		look = common_store(f, off, value, size);
	spin_unlock_irqrestore(&bus->lock, irq);
	if (look)
		f->ops->notify(d, f->ports[0]); /* a reset, the driver ready: the back-end reads STATE */
}

/* ---- the core's requests ---- */

int arch_virtio_add(struct domain *d, const struct xl_virtio_op *op, uint64_t window,
		    const struct virtio_device_ops *ops)
{
	struct guest_pci *bus = d->arch.guest_pci;
	struct guest_virtio_fn *f;
	unsigned int dev;
	uint64_t bar;
	int err;

	if (!bus)
		return -ENODEV;
	dev = bus->nr_virtio;
	if (dev == XL_VIRTIO_MAX_DEVICES)
		return -ENOSPC;
	f = &bus->virtio[dev];
	bar = window + (uint64_t)dev * BAR_SIZE;
	*f = (struct guest_virtio_fn){ .device_id = op->device_id, .nr_queues = op->nr_queues,
				       .queue_max = op->queue_max, .config_len = op->config_len,
				       .device_features = op->device_features, .bar = bar, .ops = ops,
				       .msix_lock = SPINLOCK_INIT };
	memcpy(f->config, op->config, sizeof(f->config));
	memcpy(f->ports, op->ports, sizeof(f->ports));
	for (unsigned int vec = 0; vec < GUEST_VIRTIO_MSIX; vec++)
		f->msix[vec].ctrl = ENTRY_MASKED; /* as after a reset of the function */
	reset_device(f);
	err = vdev_mmio_register_device(d, gpa_init(bar), BAR_SIZE, "a virtio device's registers", 1 | 2 | 4 | 8,
					bar_load, bar_store, NULL);
	if (err)
		return err;
	__atomic_store_n(&bus->nr_virtio, dev + 1, __ATOMIC_RELEASE);
	log_info("d%u (%s): virtio device %u (type %u, %u queue(s)) is PCI function 00:%02x.0, BAR4 at %#llx\n", d->id,
		 d->name, dev, op->device_id, op->nr_queues, bus->nr_fns + 1 + dev, (unsigned long long)bar);
	return (int)dev;
}

int arch_virtio_state(struct domain *d, uint32_t dev, struct xl_virtio_op *out)
{
	struct guest_virtio_fn *f = device_of(d, dev);
	uint64_t irq;

	if (!f)
		return -ENOENT;
	irq = spin_lock_irqsave(&d->arch.guest_pci->lock);
	out->driver_features = f->driver_features;
	out->status = f->status;
	out->reset_count = f->reset_count;
	out->nr_queues = f->nr_queues;
	memcpy(out->ports, f->ports, sizeof(out->ports));
	memcpy(out->queues, f->queues, sizeof(out->queues));
	spin_unlock_irqrestore(&d->arch.guest_pci->lock, irq);
	return 0;
}

int arch_virtio_reset_done(struct domain *d, uint32_t dev, uint32_t reset_count)
{
	struct guest_virtio_fn *f = device_of(d, dev);
	uint64_t irq;
	int err = 0;

	if (!f)
		return -ENOENT;
	irq = spin_lock_irqsave(&d->arch.guest_pci->lock);
	if (reset_count == f->reset_count)
		f->reset_done = reset_count;
	else
		err = -EINVAL; /* not the last one: the driver reset it again since */
	spin_unlock_irqrestore(&d->arch.guest_pci->lock, irq);
	return err;
}

void arch_virtio_interrupt(struct domain *d, uint32_t port)
{
	struct guest_pci *bus = d->arch.guest_pci;
	unsigned int n = bus ? __atomic_load_n(&bus->nr_virtio, __ATOMIC_ACQUIRE) : 0;

	for (unsigned int dev = 0; dev < n; dev++) {
		struct guest_virtio_fn *f = &bus->virtio[dev];

		for (unsigned int q = 0; q < f->nr_queues; q++)
			if (f->ports[q] == port) {
				msix_raise(d, f, __atomic_load_n(&f->queues[q].msix_vector, __ATOMIC_ACQUIRE));
				return;
			}
	}
}
