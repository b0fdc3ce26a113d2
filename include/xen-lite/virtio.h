/*
 * dom0's requests about a guest's virtio devices (XL_DOMCTL_VIRTIO,
 * Documentation/virtio.md): checked here, carried out by the transport
 * (arch/virtio.h), the queues' event channels wired to it.
 */
#ifndef XEN_LITE_VIRTIO_H
#define XEN_LITE_VIRTIO_H

#include <xen-lite-abi.h>
#include <xen-lite/types.h>

struct domain;

/* op in; STATE's answer into op. The ADD's index, 0, or a negative errno. Lifecycle lock held. */
int64_t virtio_request(struct domain *d, struct xl_virtio_op *op);

#endif
