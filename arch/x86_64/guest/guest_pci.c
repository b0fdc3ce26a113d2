/*
 * A Linux guest's PCI bus (arch/guest_pci.h), reached through the legacy
 * configuration ports (CONFIG_ADDRESS at 0xCF8, CONFIG_DATA at 0xCFC-0xCFF),
 * which Linux probes on its own: bus 0, a host bridge at slot 0 (Linux
 * checks that one exists before it trusts the ports), the functions given
 * to the guest at slots 1, 2, ..., then its virtio devices, then its shared
 * segments'; other buses and slots read as empty. The configuration each
 * shows is guest_pci_config.c's, guest_virtio_pci.c's or guest_shm_pci.c's.
 */
#include <arch/guest_pci.h>
#include <arch/pci_config.h>
#include <arch/vdev.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/mm.h>
#include <xen-lite/string.h>
#include <xen-lite/arch/pci.h>
#include <xen-lite/log.h>


/* What a configuration address names: nothing, the bridge, an assigned function or a segment's. */
struct addressed_fn {
	enum { NOTHING, BRIDGE, ASSIGNED, VIRTIO, SEGMENT } kind;
	struct guest_pci_fn *fn;
	struct guest_virtio_fn *virtio;
	struct guest_shm_fn *shm;
};

static struct addressed_fn addressed(struct guest_pci *bus, uint32_t address)
{
	unsigned int bus_nr = (address >> 16) & 0xff, slot = (address >> 11) & 0x1f, fn = (address >> 8) & 7;

	if (!(address & PCI_CONFIG_ENABLE) || bus_nr || fn || slot > bus->nr_fns + bus->nr_virtio + bus->nr_shm)
		return (struct addressed_fn){ NOTHING, NULL, NULL, NULL };
	if (!slot)
		return (struct addressed_fn){ BRIDGE, NULL, NULL, NULL };
	if (slot <= bus->nr_fns)
		return (struct addressed_fn){ ASSIGNED, &bus->fn[slot - 1], NULL, NULL };
	slot -= bus->nr_fns;
	if (slot <= bus->nr_virtio)
		return (struct addressed_fn){ VIRTIO, NULL, &bus->virtio[slot - 1], NULL };
	return (struct addressed_fn){ SEGMENT, NULL, NULL, &bus->shm[slot - 1 - bus->nr_virtio] };
}

static uint32_t data_read(struct addressed_fn a, unsigned int offset, unsigned int size)
{
	switch (a.kind) {
	case BRIDGE:
		return guest_pci_bridge_read(offset, size);
	case ASSIGNED:
		return guest_pci_config_read(a.fn, offset, size);
	case VIRTIO:
		return guest_virtio_config_read(a.virtio, offset, size);
	case SEGMENT:
		return guest_shm_config_read(a.shm, offset, size);
	default:
		return 0xffffffffu;
	}
}

static void data_write(struct domain *d, struct addressed_fn a, unsigned int offset, unsigned int size, uint32_t v)
{
	if (a.kind == ASSIGNED)
		guest_pci_config_write(d, a.fn, offset, size, v);
	else if (a.kind == VIRTIO)
		guest_virtio_config_write(d, a.virtio, offset, size, v);
	else if (a.kind == SEGMENT)
		guest_shm_config_write(d, a.shm, offset, size, v);
}

static enum vdev_io_result config_io(struct vcpu *v, struct io_access *io, void *opaque)
{
	struct guest_pci *bus = v->domain->arch.guest_pci;
	uint64_t flags;

	if (io->string)
		return VDEV_IO_UNCLAIMED;
	flags = spin_lock_irqsave(&bus->lock);
	if (io->port == PCI_PORT_CONFIG_ADDRESS && io->size == 4) {
		if (io->in)
			io->value = bus->config_address;
		else
			bus->config_address = io->value & 0x80fffffcu;
	} else if (io->port >= PCI_PORT_CONFIG_DATA && io->port + io->size <= PCI_PORT_CONFIG_DATA + 4 &&
		   !(io->port & (io->size - 1))) {
		struct addressed_fn a = addressed(bus, bus->config_address);
		unsigned int offset = (bus->config_address & 0xfc) + (io->port - PCI_PORT_CONFIG_DATA);

		if (io->in)
			io->value = data_read(a, offset, io->size);
		else
			data_write(v->domain, a, offset, io->size, io->value);
	} else if (io->in) {
		io->value = 0xffffffffu; /* the other bytes of CONFIG_ADDRESS: nothing */
	}
	spin_unlock_irqrestore(&bus->lock, flags);
	return VDEV_IO_DONE;
}

static int fn_init(struct domain *d, struct guest_pci_fn *f, struct domain_pci *p)
{
	f->dev = p;
	/* the capabilities the guest is shown */
	f->cap_msi = (uint8_t)pci_find_capability(p->bdf, PCI_CAP_ID_MSI);
	f->cap_msix = (uint8_t)pci_find_capability(p->bdf, PCI_CAP_ID_MSIX);
	f->cap_exp = (uint8_t)pci_find_capability(p->bdf, PCI_CAP_ID_EXP);
	if (f->cap_msi) { /* off, one vector; what the function supports stays visible */
		f->msi_ctrl = (uint16_t)arch_pci_config_read(p->bdf, f->cap_msi + PCI_MSI_FLAGS, 2) & 0x180u;
		arch_pci_config_write(p->bdf, f->cap_msi + PCI_MSI_FLAGS, 2, f->msi_ctrl);
	}
	if (f->cap_msix) {
		int err = guest_msix_init(d, f);

		if (err) {
			log_warn("d%u (%s): device %02x:%02x.%u: its MSI-X table cannot be trapped (%d): MSI-X not offered\n",
				 d->id, d->name, p->bdf >> 8, (p->bdf >> 3) & 0x1f, p->bdf & 7, err);
			f->cap_msix = 0;
			return err == -EINVAL ? 0 : err;
		}
	}
	return 0;
}

static uint64_t bus_bytes(unsigned int nr_fns)
{
	return ALIGN_UP(sizeof(struct guest_pci) + nr_fns * sizeof(struct guest_pci_fn), PAGE_SIZE);
}

int guest_pci_init(struct domain *d)
{
	struct guest_pci *bus;
	int err = 0;

	/* whole pages, which go back with the guest: a small heap block's page would stay the heap's */
	bus = alloc_pages(bus_bytes(d->nr_pci));
	if (!bus)
		return -ENOMEM;
	memset(bus, 0, bus_bytes(d->nr_pci));
	bus->lock = (spinlock_t)SPINLOCK_INIT;
	bus->nr_fns = d->nr_pci;
	d->arch.guest_pci = bus;
	for (unsigned int i = 0; i < d->nr_pci && !err; i++)
		err = fn_init(d, &bus->fn[i], &d->pci[i]);
	if (!err)
		err = vdev_io_register(d, PCI_PORT_CONFIG_ADDRESS, 8, config_io, NULL);
	return err;
}

void guest_pci_free(struct domain *d)
{
	if (d->arch.guest_pci)
		free_pages(d->arch.guest_pci, bus_bytes(d->arch.guest_pci->nr_fns));
	d->arch.guest_pci = NULL;
}
