/*
 * dom0's requests about a guest's virtio devices (include/xen-lite/virtio.h).
 * A device is added before the guest first runs, so that its kernel finds
 * it when it enumerates its bus; each queue is an event channel dom0 has
 * connected between itself and the guest, whose guest end the device takes
 * over: the driver's notifications go out on it, dom0's come in as the
 * queue's interrupt.
 */
#include <xen-lite/arch/virtio.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/event_channel.h>
#include <xen-lite/shm.h>
#include <xen-lite/virtio.h>

static const struct virtio_device_ops device_ops = {
	.notify = event_device_send,
};

static bool power_of_two(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* dom0 notified the queue's channel: the queue's interrupt in the guest. Event lock held. */
static void queue_notified(struct domain *d, uint32_t port, void *opaque)
{
	(void)opaque;
	arch_virtio_interrupt(d, port);
}

static int check_add(const struct domain *d, const struct xl_virtio_op *op)
{
	if (d->ran || domain_has_ended(d))
		return -EBUSY; /* its kernel has enumerated its bus, or may have */
	if (!op->device_id || op->device_id > 63 || !op->nr_queues || op->nr_queues > XL_VIRTIO_MAX_QUEUES ||
	    !power_of_two(op->queue_max) || op->queue_max > XL_VIRTIO_MAX_QUEUE_SIZE ||
	    op->config_len > XL_VIRTIO_CONFIG_MAX || !(op->device_features & XL_VIRTIO_F_VERSION_1))
		return -EINVAL;
	for (uint32_t q = 0; q < op->nr_queues; q++)
		for (uint32_t r = q + 1; r < op->nr_queues; r++)
			if (op->ports[q] == op->ports[r])
				return -EINVAL;
	return 0;
}

static int64_t add(struct domain *d, const struct xl_virtio_op *op)
{
	uint64_t regs, slots, slots_size;
	uint32_t set = 0;
	int64_t err = check_add(d, op);

	if (err)
		return err;
	if (!shm_guest_pci_layout(d, &regs, &slots, &slots_size))
		return -ENOSPC;
	/* each queue's port, connected to dom0 and no device's yet: the device's from now on */
	while (set < op->nr_queues && !(err = event_set_device(d, op->ports[set], queue_notified, NULL)))
		set++;
	if (!err)
		err = arch_virtio_add(d, op, regs - GUEST_VIRTIO_BARS_SIZE, &device_ops);
	if (err < 0) /* the ports given back as they were: dom0 may try again, or use them otherwise */
		while (set--)
			event_clear_device(d, op->ports[set]);
	else
		d->nr_virtio++;
	return err;
}

int64_t virtio_request(struct domain *d, struct xl_virtio_op *op)
{
	if (d->privileged)
		return -EINVAL;
	switch (op->op) {
	case XL_VIRTIO_ADD:
		return add(d, op);
	case XL_VIRTIO_STATE:
		return arch_virtio_state(d, op->device, op);
	case XL_VIRTIO_RESET_DONE:
		return arch_virtio_reset_done(d, op->device, op->reset_count);
	default:
		return -EINVAL;
	}
}
