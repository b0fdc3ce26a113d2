/*
 * The PCI functions taken from dom0 (include/xen-lite/pci_devices.h). A
 * function is checked before anything changes: it exists, it sits on the
 * root bus (a conventional bridge would let its neighbours' requests pass
 * as its own), it is an endpoint (a bridge forwards other devices' DMA, an
 * IOMMU is the hypervisor's). Taking it moves it into the IOMMU's empty
 * space first, then turns its bus mastering off; giving it back moves it
 * into dom0's space again, and dom0's driver turns bus mastering on when it
 * binds. A guest gets taken functions: each moves into the guest's IO
 * space and its memory BARs appear in the guest at their own addresses;
 * when the guest goes, each is quiesced and moved back into the empty space
 * before the guest's memory can be reused. Changes come under the guest
 * lifecycle lock (DOMCTL); the table's own lock is for its readers (fault
 * reports, which may crash the owner, and the list): a domain is not freed
 * while a report holds it, as its release needs the lock too.
 */
#include <xen-lite/arch/pci.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/iommu.h>
#include <xen-lite/log.h>
#include <xen-lite/pci_devices.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>

#define CLASS_BRIDGE 0x06
#define CLASS_IOMMU 0x0806
#define PCI_EXP_DEVCAP 4
#define PCI_EXP_DEVCAP_FLR (1u << 28)
#define PCI_EXP_DEVCTL 8
#define PCI_EXP_DEVCTL_FLR (1u << 15)
#define FLR_WAIT_US 100000 /* the function is back 100 ms after a reset (PCIe base spec) */
#define HEADER_DWORDS 16

struct taken_function {
	struct pci_device_entry e;
	struct domain *owner; /* assigned: the guest */
};

static struct taken_function taken[PCI_MAX_TAKEN];
static unsigned int nr_taken;
static spinlock_t taken_lock;

static int find(uint16_t segment, uint16_t bdf)
{
	for (unsigned int i = 0; i < nr_taken; i++)
		if (taken[i].e.segment == segment && taken[i].e.bdf == bdf)
			return (int)i;
	return -1;
}

bool pci_device_is_dom0s(uint16_t segment, uint16_t bdf)
{
	uint64_t flags = spin_lock_irqsave(&taken_lock);
	bool dom0s = find(segment, bdf) < 0;

	spin_unlock_irqrestore(&taken_lock, flags);
	return dom0s;
}

static void set_command(uint16_t bdf, uint16_t set, uint16_t clear)
{
	uint16_t cmd = (uint16_t)arch_pci_config_read(bdf, PCI_COMMAND, 2);

	arch_pci_config_write(bdf, PCI_COMMAND, 2, (cmd & ~clear) | set);
}

static int check_takeable(uint16_t segment, uint16_t bdf)
{
	uint32_t class;

	if (!iommu_active_driver())
		return -ENXIO;
	if (segment)
		return -ENODEV;
	if (bdf >> 8)
		return -EXDEV;
	if (arch_pci_config_read(bdf, PCI_VENDOR_ID, 2) == 0xffff)
		return -ENODEV;
	class = arch_pci_config_read(bdf, PCI_CLASS_REVISION, 4) >> 16;
	if (class >> 8 == CLASS_BRIDGE || class == CLASS_IOMMU)
		return -EPERM;
	if (find(segment, bdf) >= 0)
		return -EBUSY;
	return nr_taken == PCI_MAX_TAKEN ? -ENOSPC : 0;
}

int pci_assignable_add(uint16_t segment, uint16_t bdf, bool check_only)
{
	int err = check_takeable(segment, bdf);
	uint64_t flags;

	if (err || check_only)
		return err;
	err = iommu_quarantine_device(segment, bdf);
	if (err)
		return err;
	set_command(bdf, 0, PCI_COMMAND_MASTER);
	flags = spin_lock_irqsave(&taken_lock);
	taken[nr_taken++] = (struct taken_function){ { segment, bdf, PCI_DEVICE_ASSIGNABLE, 0 }, NULL };
	spin_unlock_irqrestore(&taken_lock, flags);
	log_info("pci: %04x:%02x:%02x.%u taken from dom0: assignable, its DMA blocked\n", segment, bdf >> 8,
		 (bdf >> 3) & 0x1f, bdf & 7);
	return 0;
}

int pci_assignable_remove(uint16_t segment, uint16_t bdf)
{
	int i = find(segment, bdf), err;
	uint64_t flags;

	if (i < 0)
		return -ENOENT;
	if (taken[i].owner)
		return -EBUSY; /* a guest has it */
	err = iommu_return_device(segment, bdf);
	if (err)
		return err; /* still taken: its DMA may still be blocked */
	flags = spin_lock_irqsave(&taken_lock);
	taken[i] = taken[--nr_taken];
	spin_unlock_irqrestore(&taken_lock, flags);
	log_info("pci: %04x:%02x:%02x.%u given back to dom0\n", segment, bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
	return 0;
}

unsigned int pci_devices_list(struct pci_device_entry *out, unsigned int cap)
{
	uint64_t flags = spin_lock_irqsave(&taken_lock);
	unsigned int n = nr_taken;

	for (unsigned int i = 0; i < n && i < cap; i++)
		out[i] = taken[i].e;
	spin_unlock_irqrestore(&taken_lock, flags);
	return n;
}

/* MSI and MSI-X off: whatever a guest programmed is sent no more. */
static void interrupts_off(uint16_t bdf)
{
	unsigned int msi = pci_find_capability(bdf, PCI_CAP_ID_MSI), msix = pci_find_capability(bdf, PCI_CAP_ID_MSIX);

	if (msi)
		arch_pci_config_write(bdf, msi + PCI_MSI_FLAGS, 2,
				      arch_pci_config_read(bdf, msi + PCI_MSI_FLAGS, 2) & ~PCI_MSI_FLAGS_ENABLE);
	if (msix)
		arch_pci_config_write(bdf, msix + PCI_MSIX_FLAGS, 2,
				      arch_pci_config_read(bdf, msix + PCI_MSIX_FLAGS, 2) & ~PCI_MSIX_FLAGS_ENABLE);
}

/*
 * A function level reset, when the function offers one: what a guest left
 * running in it stops. Its configuration header (BARs dom0 gave it) is
 * saved and written back after, bus mastering off. false: no FLR.
 */
static bool reset_function(uint16_t bdf)
{
	unsigned int cap = pci_find_capability(bdf, PCI_CAP_ID_EXP);
	uint32_t header[HEADER_DWORDS];

	if (!cap || !(arch_pci_config_read(bdf, cap + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR))
		return false;
	for (unsigned int i = 0; i < HEADER_DWORDS; i++)
		header[i] = arch_pci_config_read(bdf, 4 * i, 4);
	arch_pci_config_write(bdf, cap + PCI_EXP_DEVCTL, 2,
			      arch_pci_config_read(bdf, cap + PCI_EXP_DEVCTL, 2) | PCI_EXP_DEVCTL_FLR);
	udelay(FLR_WAIT_US);
	for (unsigned int i = HEADER_DWORDS; i-- > 2;) /* BARs and the rest, then the command word */
		arch_pci_config_write(bdf, 4 * i, 4, header[i]);
	arch_pci_config_write(bdf, PCI_COMMAND, 2, header[1] & 0xffff & ~PCI_COMMAND_MASTER);
	return true;
}

/* ---- a guest's functions ------------------------------------------------------ */

/* Memory BAR i's address and size (sized with decoding off, restored); 0 size: none, or I/O. */
static unsigned int read_bar(uint16_t bdf, unsigned int i, uint64_t *addr, uint64_t *size)
{
	unsigned int off = PCI_BAR0 + 4 * i;
	uint32_t lo = arch_pci_config_read(bdf, off, 4), hi = 0, mlo, mhi = 0xffffffffu;
	bool wide = !(lo & PCI_BAR_IO) && (lo & PCI_BAR_TYPE_MASK) == PCI_BAR_64BIT && i < 5;

	*addr = *size = 0;
	if (lo & PCI_BAR_IO)
		return 1;
	arch_pci_config_write(bdf, off, 4, 0xffffffffu);
	mlo = arch_pci_config_read(bdf, off, 4);
	arch_pci_config_write(bdf, off, 4, lo);
	if (wide) {
		hi = arch_pci_config_read(bdf, off + 4, 4);
		arch_pci_config_write(bdf, off + 4, 4, 0xffffffffu);
		mhi = arch_pci_config_read(bdf, off + 4, 4);
		arch_pci_config_write(bdf, off + 4, 4, hi);
	}
	if (mlo & ~0xfu)
		*size = ~(((uint64_t)mhi << 32) | (mlo & ~0xfu)) + 1;
	if (!wide)
		*size &= 0xffffffffu;
	*addr = ((uint64_t)hi << 32) | (lo & ~0xfu);
	return wide ? 2 : 1;
}

/* Whether [addr, addr + size) meets the guest's RAM (a Linux guest's hole is not RAM). */
static bool meets_ram(const struct domain *d, uint64_t addr, uint64_t size)
{
	for (unsigned int b = 0; b < d->nr_blocks; b++) {
		uint64_t start = gpa_addr(d->blocks[b].gpa);

		if (addr < start + d->blocks[b].size && start < addr + size)
			return true;
	}
	return false;
}

/* Find its memory BARs and map them into d at their own addresses. */
static int map_bars(struct domain *d, struct domain_pci *p)
{
	int err = 0;

	set_command(p->bdf, 0, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	for (unsigned int i = 0; i < 6 && !err;) {
		uint64_t addr, size;
		unsigned int step = read_bar(p->bdf, i, &addr, &size);

		if (size && (!addr || (addr | size) & (PAGE_SIZE - 1) || addr + size < addr || meets_ram(d, addr, size)))
			err = -EINVAL; /* a page shared with something else, or on the guest's RAM */
		else if (size)
			err = arch_domain_map(d, gpa_init(addr), hpa_init(addr), size);
		if (!err && size) {
			p->bar[i] = addr;
			p->bar_size[i] = size;
		}
		i += step;
	}
	if (!err)
		set_command(p->bdf, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 0);
	return err;
}

static int check_assignable(const uint32_t *sbdf, unsigned int n)
{
	if (n > DOMAIN_MAX_PCI)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++) {
		int t = find((uint16_t)(sbdf[i] >> 16), (uint16_t)sbdf[i]);

		for (unsigned int j = 0; j < i; j++)
			if (sbdf[j] == sbdf[i])
				return -EINVAL; /* twice */
		if (t < 0)
			return -ENOENT; /* dom0 has it: pci-assignable-add first */
		if (taken[t].owner)
			return -EBUSY;
	}
	return 0;
}

int pci_assign_to_domain(struct domain *d, const uint32_t *sbdf, unsigned int n)
{
	int err = check_assignable(sbdf, n);

	if (err)
		return err; /* refused: nothing was done */
	for (unsigned int i = 0; i < n && !err; i++) {
		struct domain_pci *p = &d->pci[i];
		uint64_t flags;
		int t;

		memset(p, 0, sizeof(*p));
		p->segment = (uint16_t)(sbdf[i] >> 16);
		p->bdf = (uint16_t)sbdf[i];
		err = iommu_domain_attach(d, p->segment, p->bdf);
		if (err)
			break;
		flags = spin_lock_irqsave(&taken_lock);
		t = find(p->segment, p->bdf);
		taken[t].owner = d;
		taken[t].e.state = PCI_DEVICE_ASSIGNED;
		taken[t].e.domid = d->id;
		spin_unlock_irqrestore(&taken_lock, flags);
		d->nr_pci = i + 1; /* released with the guest from here on */
		err = map_bars(d, p);
		if (!err)
			log_info("pci: %04x:%02x:%02x.%u given to d%u (%s)\n", p->segment, p->bdf >> 8,
				 (p->bdf >> 3) & 0x1f, p->bdf & 7, d->id, d->name);
	}
	if (err && pci_release_domain(d))
		log_err("pci: d%u's devices could not all be taken back\n", d->id);
	return err;
}

int pci_release_domain(struct domain *d)
{
	int err = 0;

	while (d->nr_pci && !err) {
		struct domain_pci *p = &d->pci[d->nr_pci - 1];
		uint64_t flags;
		int t;

		set_command(p->bdf, 0, PCI_COMMAND_MASTER);
		interrupts_off(p->bdf);
		err = iommu_quarantine_device(p->segment, p->bdf);
		if (err)
			break; /* it may still reach the guest's memory: keep it */
		if (reset_function(p->bdf))
			log_info("pci: %04x:%02x:%02x.%u reset (function level)\n", p->segment, p->bdf >> 8,
				 (p->bdf >> 3) & 0x1f, p->bdf & 7);
		flags = spin_lock_irqsave(&taken_lock);
		t = find(p->segment, p->bdf);
		if (t >= 0) {
			taken[t].owner = NULL;
			taken[t].e.state = PCI_DEVICE_ASSIGNABLE;
			taken[t].e.domid = 0;
		}
		spin_unlock_irqrestore(&taken_lock, flags);
		log_info("pci: %04x:%02x:%02x.%u back from d%u: assignable\n", p->segment, p->bdf >> 8,
			 (p->bdf >> 3) & 0x1f, p->bdf & 7, d->id);
		d->nr_pci--;
	}
	if (!err)
		iommu_domain_space_free(d);
	return err;
}

void pci_device_fault(uint16_t segment, uint16_t bdf, uint64_t addr, char *name, size_t size)
{
	uint64_t flags = spin_lock_irqsave(&taken_lock);
	int t = find(segment, bdf);
	struct domain *d = t < 0 ? iommu_dom0_domain() : taken[t].owner;

	if (d) {
		__atomic_add_fetch(&d->dma_faults, 1, __ATOMIC_RELAXED);
		if (!d->privileged && !d->dma_fault_log)
			domain_crash(d, "DMA outside its memory by its device %04x:%02x:%02x.%u at %#llx "
					"(on_dma_fault=crash)",
				     segment, bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, (unsigned long long)addr);
	}
	strlcpy(name, d ? d->name : "none", size);
	spin_unlock_irqrestore(&taken_lock, flags);
}
