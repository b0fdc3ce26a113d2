/*
 * A Linux guest's shared segments as PCI functions (arch/guest_pci.h; the
 * interface is XL_SHM_PCI_* in xen-lite-abi.h, Documentation/
 * composition.md), so that its kernel finds them the way it finds any
 * device and a driver binds by id. Nothing real is behind a function: its
 * configuration space is made up here, BAR2 is the segment where shm.c
 * mapped it, BAR0 a page of registers emulated here (every access exits),
 * and its one MSI vector is where the event channels bound through it
 * raise their notifications. The guest may size the BARs, not move them.
 */
#include <arch/guest_pci.h>
#include <arch/vdev.h>
#include <xen-lite/arch/pci.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>
#include <xen-lite/string.h>

#define CFG_HEADER 0x0c
#define CFG_SUBSYSTEM 0x2c
#define CFG_MSI 0x40 /* its only capability */
#define MSI_BYTES 16 /* 64-bit address, not maskable */
#define MSI_CTRL_64BIT 0x80u
#define BAR_MEM_64 0x4u
#define BAR_PREFETCH 0x8u
#define REGS_BAR 0
#define SEGMENT_BAR 2
#define MSI_ADDR_BASE 0xfee00000u
#define MSI_DEST_SHIFT 12
#define MSI_DELIVERY(data) (((data) >> 8) & 7u)

static uint64_t round_up_pow2(uint64_t v)
{
	uint64_t p = 4096;

	while (p < v)
		p <<= 1;
	return p;
}

/* BAR register i: its address, or its size mask while the guest sizes it. */
static uint32_t bar_read(const struct guest_shm_fn *f, unsigned int i)
{
	unsigned int bar = i & ~1u;
	uint64_t base = bar == REGS_BAR ? f->regs : f->gpa, size = bar == REGS_BAR ? 4096 : f->bar_size;
	uint64_t v = f->bar_written[i] == 0xffffffffu ? ~(size - 1) : base;

	if (bar != REGS_BAR && bar != SEGMENT_BAR)
		return 0;
	if (i & 1)
		return (uint32_t)(v >> 32);
	return ((uint32_t)v & ~0xfu) | BAR_MEM_64 | (bar == SEGMENT_BAR ? BAR_PREFETCH : 0);
}

static uint32_t msi_read(const struct guest_shm_fn *f, unsigned int at)
{
	switch (at) {
	case 0:
		return PCI_CAP_ID_MSI | (uint32_t)(MSI_CTRL_64BIT | (f->msi_enabled ? PCI_MSI_FLAGS_ENABLE : 0)) << 16;
	case 4:
		return f->msi_addr_lo;
	case 8:
		return f->msi_addr_hi;
	case 12:
		return f->msi_data;
	default:
		return 0;
	}
}

static uint32_t dword_read(const struct guest_shm_fn *f, unsigned int reg)
{
	switch (reg) {
	case 0x00:
	case CFG_SUBSYSTEM:
		return XL_SHM_PCI_VENDOR | (uint32_t)XL_SHM_PCI_DEVICE << 16;
	case PCI_COMMAND:
		return f->command | (uint32_t)PCI_STATUS_CAP_LIST << 16;
	case PCI_CLASS_REVISION:
		return (uint32_t)XL_SHM_PCI_CLASS << 8 | XL_SHM_PCI_VERSION;
	case PCI_CAP_PTR:
		return CFG_MSI;
	default:
		break;
	}
	if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 24)
		return bar_read(f, (reg - PCI_BAR0) / 4);
	if (reg >= CFG_MSI && reg < CFG_MSI + MSI_BYTES)
		return msi_read(f, reg - CFG_MSI);
	return 0; /* header type 0, one function, no ROM, no INTx */
}

uint32_t guest_shm_config_read(const struct guest_shm_fn *f, unsigned int offset, unsigned int size)
{
	uint32_t v = dword_read(f, offset & ~3u) >> 8 * (offset & 3);

	return size == 4 ? v : v & ((1u << 8 * size) - 1);
}

/* The guest's CPU (by APIC id) and vector its MSI names: 0, or -EINVAL while it is off or not a fixed interrupt. */
static int msi_target(const struct guest_shm_fn *f, uint32_t *apic_id, uint32_t *vector)
{
	if (!f->msi_enabled || f->msi_addr_hi || (f->msi_addr_lo & 0xfff00000u) != MSI_ADDR_BASE ||
	    MSI_DELIVERY(f->msi_data) > 1)
		return -EINVAL;
	*apic_id = (f->msi_addr_lo >> MSI_DEST_SHIFT) & 0xff;
	*vector = f->msi_data & 0xff;
	return 0;
}

static int bind_port(struct domain *d, struct guest_shm_fn *f, uint32_t port)
{
	uint32_t apic_id, vector;
	int err = port < XL_EVENT_MAX_PORTS ? msi_target(f, &apic_id, &vector) : -EINVAL;

	if (!err)
		err = d->arch.guest_pci->shm_ops->bind(d, port, apic_id, vector);
	if (!err)
		f->bound_ports |= 1ULL << port;
	return err;
}

/* The MSI changed (the guest moved its interrupt, or turned it off): its ports follow. */
static void msi_changed(struct domain *d, struct guest_shm_fn *f)
{
	const struct shm_device_ops *ops = d->arch.guest_pci->shm_ops;
	uint32_t apic_id = 0, vector = 0;

	if (msi_target(f, &apic_id, &vector))
		vector = 0; /* off: its ports raise nothing (their bits are still set) */
	for (uint32_t port = 0; port < XL_EVENT_MAX_PORTS; port++) {
		/* a port closed meanwhile answers -ENOENT: it is forgotten */
		if (f->bound_ports & (1ULL << port) && ops->bind(d, port, apic_id, vector))
			f->bound_ports &= ~(1ULL << port);
	}
}

static void msi_write(struct domain *d, struct guest_shm_fn *f, unsigned int at, uint32_t v, uint32_t mask)
{
	if (at == 0 && mask >> 16)
		f->msi_enabled = (v >> 16) & PCI_MSI_FLAGS_ENABLE;
	else if (at == 4)
		f->msi_addr_lo = v & ~3u;
	else if (at == 8)
		f->msi_addr_hi = v;
	else if (at == 12)
		f->msi_data = (uint16_t)v;
	else
		return;
	msi_changed(d, f);
}

void guest_shm_config_write(struct domain *d, struct guest_shm_fn *f, unsigned int offset, unsigned int size,
			    uint32_t value)
{
	unsigned int reg = offset & ~3u;
	uint32_t mask, v = guest_pci_config_merge(dword_read(f, reg), offset, size, value, &mask);

	if (reg == PCI_COMMAND && mask & 0xffff)
		f->command = (uint16_t)(v & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)); /* decoding stays on */
	else if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 24)
		f->bar_written[(reg - PCI_BAR0) / 4] = mask == 0xffffffffu ? value : 0;
	else if (reg >= CFG_MSI && reg < CFG_MSI + MSI_BYTES)
		msi_write(d, f, reg - CFG_MSI, v, mask);
}

/* ---- BAR0: the registers ---- */

static struct guest_shm_fn *fn_of_regs(struct domain *d, gpa_t gpa, unsigned int *offset)
{
	struct guest_pci *bus = d->arch.guest_pci;
	uint64_t at = gpa_addr(gpa);

	for (unsigned int i = 0; bus && i < bus->nr_shm; i++)
		if (at - bus->shm[i].regs < 4096) {
			*offset = (unsigned int)(at - bus->shm[i].regs);
			return &bus->shm[i];
		}
	return NULL;
}

static uint32_t regs_read(struct vcpu *v, gpa_t gpa, void *opaque)
{
	struct domain *d = v->domain;
	struct guest_pci *bus = d->arch.guest_pci;
	unsigned int off;
	struct guest_shm_fn *f = fn_of_regs(d, gpa, &off);
	uint32_t value = 0, flags;
	uint64_t irq;

	(void)opaque;
	if (!f)
		return 0xffffffffu;
	if (off >= XL_SHM_REG_NAME && off < XL_SHM_REG_NAME + XL_SHM_NAME_MAX) {
		memcpy(&value, f->name + (off - XL_SHM_REG_NAME), 4);
		return value;
	}
	irq = spin_lock_irqsave(&bus->lock);
	switch (off) {
	case XL_SHM_REG_MAGIC:
		value = XL_SHM_PCI_MAGIC;
		break;
	case XL_SHM_REG_VERSION:
		value = XL_SHM_PCI_VERSION;
		break;
	case XL_SHM_REG_DOMID:
		value = d->id;
		break;
	case XL_SHM_REG_SIZE_LO:
		value = (uint32_t)f->size;
		break;
	case XL_SHM_REG_SIZE_HI:
		value = (uint32_t)(f->size >> 32);
		break;
	case XL_SHM_REG_STATUS:
		value = (uint32_t)f->status;
		break;
	case XL_SHM_REG_EVENT_PAGE_LO:
		value = f->event_page_lo;
		break;
	case XL_SHM_REG_EVENT_PAGE_HI:
		value = f->event_page_hi;
		break;
	default:
		break;
	}
	flags = f->attach_flags;
	spin_unlock_irqrestore(&bus->lock, irq);
	/* asked outside the bus lock: the segment table has its own */
	if (off == XL_SHM_REG_FLAGS)
		value = flags | (bus->shm_ops->attached(d, f->name, f->gpa) ? 0 : XL_SHM_DETACHED);
	return value;
}

static void regs_write(struct vcpu *v, gpa_t gpa, uint32_t value, void *opaque)
{
	struct domain *d = v->domain;
	struct guest_pci *bus = d->arch.guest_pci;
	unsigned int off;
	struct guest_shm_fn *f = fn_of_regs(d, gpa, &off);
	uint64_t irq;

	(void)opaque;
	if (!f)
		return;
	irq = spin_lock_irqsave(&bus->lock);
	switch (off) {
	case XL_SHM_REG_EVENT_PAGE_LO:
		f->event_page_lo = value;
		break;
	case XL_SHM_REG_EVENT_PAGE_HI:
		f->event_page_hi = value;
		f->status = bus->shm_ops->set_event_page(d, gpa_init(f->event_page_lo | (uint64_t)value << 32));
		break;
	case XL_SHM_REG_DOORBELL:
		f->status = bus->shm_ops->send(d, value);
		break;
	case XL_SHM_REG_BIND:
		f->status = bind_port(d, f, value);
		break;
	default:
		break; /* read-only, or nothing: dropped */
	}
	spin_unlock_irqrestore(&bus->lock, irq);
}

static int take_one(struct domain *d, struct guest_pci *bus, const struct xl_shm_mapping *m, uint64_t regs)
{
	struct guest_shm_fn *f = &bus->shm[bus->nr_shm];
	int err;

	*f = (struct guest_shm_fn){ .gpa = m->gpa, .size = m->size, .bar_size = round_up_pow2(m->size),
				    .regs = regs, .attach_flags = m->flags & XL_SHM_READ_ONLY };
	memcpy(f->name, m->name, XL_SHM_NAME_MAX);
	f->name[XL_SHM_NAME_MAX - 1] = '\0';
	if (f->bar_size > XL_SHM_MAX_SIZE || !IS_ALIGNED(f->gpa, f->bar_size))
		return -EINVAL; /* cannot be: slots are that size and aligned so */
	err = vdev_mmio_register_emulated(d, gpa_init(regs), 4096, "a shared segment's registers", regs_read,
					  regs_write, NULL);
	if (!err)
		bus->nr_shm++;
	return err;
}

void guest_shm_pci_take(struct domain *d, const struct xl_shm_mapping *m, unsigned int n, uint64_t regs,
			const struct shm_device_ops *ops)
{
	struct guest_pci *bus = d->arch.guest_pci;

	if (!bus || bus->nr_shm)
		return;
	bus->shm_ops = ops;
	for (unsigned int i = 0; i < n && i < XL_SHM_MAX_PER_DOMAIN; i++) {
		int err = take_one(d, bus, &m[i], regs + (uint64_t)i * 4096);

		if (err) {
			log_warn("d%u (%s): segment '%s' not shown as a PCI function (%d)\n", d->id, d->name,
				 m[i].name, err);
			break;
		}
		log_info("d%u (%s): segment '%s' is PCI function 00:%02x.0 (registers at %#llx)\n", d->id, d->name,
			 bus->shm[i].name, bus->nr_fns + bus->nr_virtio + 1 + i, (unsigned long long)bus->shm[i].regs);
	}
}
