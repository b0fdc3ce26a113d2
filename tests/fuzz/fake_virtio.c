/*
 * The virtio transport (include/xen-lite/arch/virtio.h) faked for the
 * hypercall harnesses, which reach XL_DOMCTL_VIRTIO through the real core
 * (xen-lite/virtio.c): what the core passes on must be what it promised to
 * check - a guest not run yet, a request in range, the window below the
 * segments' registers.
 */
#include <xen-lite/arch/virtio.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/shm.h>

#include "support.h"

int arch_virtio_add(struct domain *d, const struct xl_virtio_op *op, uint64_t window,
		    const struct virtio_device_ops *ops)
{
	uint64_t regs, slots, slots_size;

	FUZZ_CHECK(!d->privileged && !d->ran, "a device added to d%u", d->id);
	FUZZ_CHECK(op->device_id && op->device_id < 64 && op->nr_queues && op->nr_queues <= XL_VIRTIO_MAX_QUEUES &&
			   op->queue_max && !(op->queue_max & (op->queue_max - 1)) &&
			   op->queue_max <= XL_VIRTIO_MAX_QUEUE_SIZE && op->config_len <= XL_VIRTIO_CONFIG_MAX &&
			   (op->device_features & XL_VIRTIO_F_VERSION_1),
		   "an unchecked ADD passed on");
	FUZZ_CHECK(shm_guest_pci_layout(d, &regs, &slots, &slots_size) && window == regs - GUEST_VIRTIO_BARS_SIZE,
		   "the window %#llx", (unsigned long long)window);
	FUZZ_CHECK(ops && ops->notify, "no ops");
	return -ENODEV; /* no bus here */
}

int arch_virtio_state(struct domain *d, uint32_t dev, struct xl_virtio_op *out)
{
	FUZZ_CHECK(!d->privileged, "STATE of dom0");
	return -ENOENT;
}

int arch_virtio_reset_done(struct domain *d, uint32_t dev, uint32_t reset_count)
{
	FUZZ_CHECK(!d->privileged, "RESET_DONE of dom0");
	return -ENOENT;
}

void arch_virtio_interrupt(struct domain *d, uint32_t port)
{
	FUZZ_CHECK(port < XL_EVENT_MAX_PORTS, "an interrupt for port %u", port);
}
