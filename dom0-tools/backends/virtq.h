/*
 * Split virtqueues (virtio 1.x, section 2.7), the device's side, for the
 * virtio back-ends that run as user processes in dom0 (virtio-blk.c). The
 * hypervisor emulates the PCI transport; a back-end gets each queue's size
 * and the guest-physical addresses of its three parts, and reaches the
 * guest's RAM through a struct guest_mem.
 *
 * The guest is hostile: every index, length, address and flag it writes is
 * checked before use, each ring field and descriptor is read once into a
 * local (the guest may change it at any moment), and a queue that breaks a
 * rule is marked broken and left alone: no read or write outside the
 * guest's RAM, no endless walk. Not supported: indirect descriptors (the
 * device does not offer VIRTIO_F_INDIRECT_DESC), packed rings.
 */
#ifndef VIRTQ_H
#define VIRTQ_H

#include <stdbool.h>
#include <stdint.h>

/* Descriptor flags (2.7.5) */
#define VIRTQ_DESC_F_NEXT 1u     /* the chain goes on at `next` */
#define VIRTQ_DESC_F_WRITE 2u    /* device-writable (else device-readable) */
#define VIRTQ_DESC_F_INDIRECT 4u /* not offered: a descriptor with it breaks the queue */

/* The driver ring's flags (2.7.6) and the device ring's (2.7.8) */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define VIRTQ_USED_F_NO_NOTIFY 1u

#define VIRTQ_MAX_SIZE 32768u /* 2.7: a queue holds at most 32768 entries */
#define VIRTQ_MAX_IOV 128u    /* the longest chain taken, and its pieces; more breaks the queue */

/*
 * The guest's RAM as the back-end maps it: at() gives a pointer to
 * [gpa, gpa + len) if all of it is RAM and contiguous in the mapping, else
 * NULL. len is never 0. span(), if given, is for buffers, which may cross
 * from one piece of the guest's memory to another: a pointer to gpa and,
 * in *got, how many of the len bytes from there are contiguous in the
 * mapping (at least 1), or NULL if gpa is not RAM; a buffer is then taken
 * as several pieces. Without it, a buffer must be contiguous.
 */
struct guest_mem {
	void *(*at)(void *ctx, uint64_t gpa, uint64_t len);
	void *ctx;
	void *(*span)(void *ctx, uint64_t gpa, uint64_t len, uint64_t *got);
};

struct virtq {
	/* as the driver configured it (virtq_setup) */
	unsigned int size; /* a power of two, 1..VIRTQ_MAX_SIZE */
	uint64_t desc, avail, used; /* guest-physical: aligned 16, 2 and 4 */
	bool event_idx;             /* VIRTIO_RING_F_EVENT_IDX negotiated */

	/* the device's own state: never read back from the guest */
	uint16_t last_avail;   /* the next driver ring entry to take */
	uint16_t used_idx;     /* the device ring's idx as last written */
	uint16_t used_flags;   /* the device ring's flags as last written */
	uint16_t signalled;    /* used_idx when virtq_should_interrupt last ran (0 at setup) */

	bool broken;
	const char *broken_reason; /* a static string, when broken */
};

/* One chain taken from the queue: device-readable buffers first. */
struct virtq_iov {
	void *base; /* into the guest's RAM: valid until the request is pushed */
	uint32_t len;
	bool writable;
};

struct virtq_req {
	uint16_t head; /* for virtq_push */
	unsigned int n;
	struct virtq_iov iov[VIRTQ_MAX_IOV];
	uint32_t readable_bytes, writable_bytes;
};

/*
 * Sets the queue up as the driver configured it, in the state after a
 * reset: 0 or -1 with the queue broken (size not a power of two in
 * 1..VIRTQ_MAX_SIZE, or a part misaligned).
 */
int virtq_setup(struct virtq *q, unsigned int size, uint64_t desc, uint64_t avail, uint64_t used,
		bool event_idx);

/* The state after a device reset: all zero, no queue. */
void virtq_reset(struct virtq *q);

/*
 * A queue set up (virtq_setup) by a back-end that takes over from one that
 * ended: the device ring's index is where it goes on - every request the
 * driver made after the last one completed is taken again (a back-end that
 * completes requests in order, as xl-vblk does, left exactly those undone).
 * 0, or -1 with the queue broken (its device ring outside RAM).
 */
int virtq_resume(struct virtq *q, const struct guest_mem *m);

/*
 * Takes the next available chain into *r: 1, 0 when none is available, or
 * -1 with the queue broken (now or before).
 */
int virtq_pop(struct virtq *q, const struct guest_mem *m, struct virtq_req *r);

/*
 * Returns chain `head` to the driver with `written` bytes written into its
 * writable buffers: the used element, then (release) the used idx. 0, or -1
 * with the queue broken.
 */
int virtq_push(struct virtq *q, const struct guest_mem *m, uint16_t head, uint32_t written);

/*
 * After pushes: whether the driver wants an interrupt for the used entries
 * added since the last call (used_event with event_idx, else the driver
 * ring's NO_INTERRUPT flag).
 */
bool virtq_should_interrupt(struct virtq *q, const struct guest_mem *m);

/*
 * With event_idx, writes avail_event = last_avail into the device ring: the
 * driver notifies when it makes the entry after that available.
 */
void virtq_set_avail_event(struct virtq *q, const struct guest_mem *m);

/*
 * Notification suppression while the device works through the queue:
 * disable asks the driver not to notify (NO_NOTIFY; with event_idx nothing
 * is written: avail_event just stays behind), enable asks it to again and
 * then re-reads the driver ring. Both return whether chains are available
 * (after enable: whether some arrived meanwhile, so the device must go on
 * popping rather than wait).
 */
bool virtq_disable_notify(struct virtq *q, const struct guest_mem *m);
bool virtq_enable_notify(struct virtq *q, const struct guest_mem *m);

#endif
