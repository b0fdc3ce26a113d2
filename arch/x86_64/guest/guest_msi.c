/*
 * The messages a guest asks its devices to send (arch/guest_pci.h). A
 * message is an address and a data word; the device writes one to the
 * other and the local APICs take it as an interrupt. The guest's CPUs are
 * physical CPUs and their APIC ids its own, so a message it may send is one
 * to those CPUs, with a vector of its own (32 or more), fixed or
 * lowest-priority, edge-triggered and physically addressed - which rules out
 * NMI, SMI, INIT and ExtINT, other CPUs and logical destinations. Where
 * the IOMMU remaps interrupts, the device is given an entry of its table
 * instead (and anything else it sends is blocked); elsewhere the checked
 * message itself.
 */
#include <arch/guest_pci.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/iommu.h>
#include <xen-lite/log.h>

#define MSI_ADDR_BASE 0xfee00000u
#define MSI_ADDR_BASE_MASK 0xfff00000u
#define MSI_ADDR_DEST_SHIFT 12
#define MSI_ADDR_EXT_DEST_MASK 0xfe0u /* bits 11:5: destination bits above 8 (x2APIC) */
#define MSI_ADDR_LOGICAL (1u << 2)
#define MSI_DATA_DELIVERY_SHIFT 8
#define MSI_DATA_LEVEL (1u << 15)
#define MSI_DELIVERY_FIXED 0
#define MSI_DELIVERY_LOWEST 1
#define FIRST_GUEST_VECTOR 32

static bool is_guest_cpu(const struct domain *d, uint32_t apic_id)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (arch_cpu_apic_id(d->vcpus[i]->pcpu) == apic_id)
			return true;
	return false;
}

/* The destination of an acceptable message, or -1. */
static int64_t check_message(const struct domain *d, uint64_t addr, uint32_t data)
{
	unsigned int delivery = (data >> MSI_DATA_DELIVERY_SHIFT) & 7;
	uint32_t dest = (uint32_t)(addr >> MSI_ADDR_DEST_SHIFT) & 0xff;

	if ((addr & MSI_ADDR_BASE_MASK) != MSI_ADDR_BASE || addr >> 32 || addr & MSI_ADDR_LOGICAL ||
	    addr & MSI_ADDR_EXT_DEST_MASK)
		return -1;
	if (data >> 16 || data & MSI_DATA_LEVEL || (data & 0xff) < FIRST_GUEST_VECTOR ||
	    (delivery != MSI_DELIVERY_FIXED && delivery != MSI_DELIVERY_LOWEST))
		return -1;
	return is_guest_cpu(d, dest) ? (int64_t)dest : -1;
}

int guest_msi_route(struct domain *d, struct guest_pci_fn *f, unsigned int index, uint64_t addr, uint32_t data,
		    struct iommu_msi *out)
{
	int64_t dest = check_message(d, addr, data);
	struct iommu_intr_target t = { .vector = (uint8_t)data };
	struct guest_msi_route *route = &f->routes[index];
	uint32_t key;
	int err;

	if (dest < 0) {
		if (!f->refused_reported)
			log_warn("d%u (%s): device %02x:%02x.%u: message %#llx/%#x refused (not a fixed interrupt of vector 32-255 to one of its CPUs): kept masked\n",
				 d->id, d->name, f->dev->bdf >> 8, (f->dev->bdf >> 3) & 0x1f, f->dev->bdf & 7,
				 (unsigned long long)addr, data);
		f->refused_reported = true;
		return -EINVAL;
	}
	t.dest = (uint32_t)dest;
	key = 1u << 16 | t.dest << 8 | t.vector;
	if (route->key == key) { /* the entry already delivers this */
		*out = route->msg;
		return 0;
	}
	err = iommu_intr_set(f->dev->segment, f->dev->bdf, index, &t, out);
	if (err == -ENOSYS) { /* no remapping: the checked message itself, as fixed */
		out->addr = MSI_ADDR_BASE | t.dest << MSI_ADDR_DEST_SHIFT;
		out->data = t.vector;
		err = 0;
	}
	*route = (struct guest_msi_route){ err ? 0 : key, *out };
	return err;
}
