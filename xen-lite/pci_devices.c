/*
 * The PCI functions taken from dom0 (include/xen-lite/pci_devices.h). A
 * function is checked before anything changes: it exists, it sits on the
 * root bus (a conventional bridge would let its neighbours' requests pass
 * as its own), it is an endpoint (a bridge forwards other devices' DMA, an
 * IOMMU is the hypervisor's). Taking it moves it into the IOMMU's empty
 * space first, then turns its bus mastering off; giving it back moves it
 * into dom0's space again, and dom0's driver turns bus mastering on when it
 * binds. Changes come under the guest lifecycle lock (DOMCTL); the table's
 * own lock is for its readers (fault reports, the list).
 */
#include <xen-lite/arch/pci.h>
#include <xen-lite/errno.h>
#include <xen-lite/iommu.h>
#include <xen-lite/log.h>
#include <xen-lite/pci_devices.h>
#include <xen-lite/spinlock.h>

#define PCI_VENDOR_ID 0x00
#define PCI_COMMAND 0x04
#define PCI_COMMAND_MASTER 0x4
#define PCI_CLASS_REVISION 0x08
#define CLASS_BRIDGE 0x06
#define CLASS_IOMMU 0x0806

static struct pci_device_entry taken[PCI_MAX_TAKEN];
static unsigned int nr_taken;
static spinlock_t taken_lock;

static int find(uint16_t segment, uint16_t bdf)
{
	for (unsigned int i = 0; i < nr_taken; i++)
		if (taken[i].segment == segment && taken[i].bdf == bdf)
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
	arch_pci_config_write(bdf, PCI_COMMAND, 2,
			      arch_pci_config_read(bdf, PCI_COMMAND, 2) & ~PCI_COMMAND_MASTER);
	flags = spin_lock_irqsave(&taken_lock);
	taken[nr_taken++] = (struct pci_device_entry){ segment, bdf, PCI_DEVICE_ASSIGNABLE };
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
		out[i] = taken[i];
	spin_unlock_irqrestore(&taken_lock, flags);
	return n;
}
