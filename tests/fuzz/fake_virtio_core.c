/*
 * What xen-lite/virtio.c asks of the core, faked for fuzz_domctl (which has
 * no event channels or segments of its own): every port may become a
 * device's once, and a guest's emulated functions sit at a fixed place.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/event_channel.h>
#include <xen-lite/shm.h>

#include "support.h"

int event_set_device(struct domain *d, uint32_t port, void (*fn)(struct domain *d, uint32_t port, void *opaque),
		     void *opaque)
{
	FUZZ_CHECK(!d->privileged && fn, "a device port of d%u", d->id);
	return port < XL_EVENT_MAX_PORTS ? 0 : -EINVAL;
}

void event_clear_device(struct domain *d, uint32_t port)
{
	/* only a port ADD made a device's, given back when the ADD failed */
	FUZZ_CHECK(!d->privileged && port < XL_EVENT_MAX_PORTS, "d%u's port %u given back", d->id, port);
}

int event_device_send(struct domain *d, uint32_t port)
{
	FUZZ_CHECK(0, "a device notification from d%u's port %u with no device", d->id, port);
}

bool shm_guest_pci_layout(const struct domain *d, uint64_t *regs, uint64_t *slots, uint64_t *slots_size)
{
	*slots = XL_SHM_GPA_BASE;
	*regs = *slots - SHM_PCI_REGS_SIZE;
	*slots_size = 1ULL << 30;
	return !d->privileged;
}
