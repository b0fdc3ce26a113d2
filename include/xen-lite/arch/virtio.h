/*
 * A guest's virtio devices as the architecture shows them (on x86: virtio-pci
 * functions on a Linux guest's bus, arch/x86_64/guest/guest_virtio_pci.c);
 * the core (xen-lite/virtio.c) checks dom0's requests and wires the queues'
 * event channels. Documentation/virtio.md.
 */
#ifndef XEN_LITE_ARCH_VIRTIO_H
#define XEN_LITE_ARCH_VIRTIO_H

#include <xen-lite-abi.h>
#include <xen-lite/types.h>

struct domain;

/* What the transport asks of the core. */
struct virtio_device_ops {
	/* the driver notified a queue: a notification on the queue's port, to dom0's end */
	int (*notify)(struct domain *d, uint32_t port);
};

/*
 * Add a device to d (not yet run): the checked request; the devices'
 * registers go from window up (XL_VIRTIO_MAX_DEVICES x GUEST_VIRTIO_BAR_SIZE,
 * a place the core chose). Its index, or -ENOSPC, -ENODEV (d has no bus for it).
 */
int arch_virtio_add(struct domain *d, const struct xl_virtio_op *op, uint64_t window,
		    const struct virtio_device_ops *ops);
/* The driver's side of device dev into out (features, status, resets, queues). 0 or -ENOENT. */
int arch_virtio_state(struct domain *d, uint32_t dev, struct xl_virtio_op *out);
/* The back-end has dropped the queues of the driver's reset number reset_count. 0, -ENOENT or -EINVAL. */
int arch_virtio_reset_done(struct domain *d, uint32_t dev, uint32_t reset_count);
/*
 * dom0 notified the queue whose port (d's end) this is: raise the queue's
 * MSI-X vector (or keep it pending while masked); nothing if no device has
 * the port. Called under the event lock, interrupts off: takes only the
 * device's interrupt lock.
 */
void arch_virtio_interrupt(struct domain *d, uint32_t port);

#endif
