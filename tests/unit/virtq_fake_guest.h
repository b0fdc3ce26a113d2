/*
 * A fake guest for the virtqueue back-ends' host tests (tests/unit/
 * test_virtq.c, test_virtio_blk.c): 1 MiB of "RAM" at guest-physical
 * 0x100000 (at() refuses anything outside it or across its end, so ASan
 * catches any access that slips past), and a small driver that lays a
 * queue out in it and makes chains available the way a virtio driver does.
 */
#ifndef TESTS_VIRTQ_FAKE_GUEST_H
#define TESTS_VIRTQ_FAKE_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "../../dom0-tools/backends/virtq.h"

#define FG_RAM_BASE 0x100000ull
#define FG_RAM_SIZE 0x100000ull
#define FG_BUF_BASE (FG_RAM_BASE + 0x80000) /* buffers from here up */

struct fake_guest {
	uint8_t *ram;
	struct guest_mem mem;
	struct virtq q;
	unsigned int size;
	uint64_t desc, avail, used; /* the queue's parts */
	uint16_t avail_idx;         /* the driver's own copy */
	uint16_t next_desc;         /* the next free descriptor */
	uint64_t next_buf;          /* the next free buffer address */
	/* called by at() before it answers: the guest changing things meanwhile */
	void (*on_at)(struct fake_guest *g, uint64_t gpa, uint64_t len);
	unsigned int at_calls;
};

/* One buffer of a chain to make: len bytes, device-writable or not */
struct fg_buf {
	uint32_t len;
	bool writable;
};

/* A guest with a queue of `size` entries set up (virtq_setup) */
void fg_init(struct fake_guest *g, unsigned int size, bool event_idx);
void fg_free(struct fake_guest *g);

/* The host address of guest-physical gpa (which must be in the fake RAM) */
void *fg_ptr(struct fake_guest *g, uint64_t gpa);

/* Descriptor i, written as a driver would */
void fg_set_desc(struct fake_guest *g, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		 uint16_t next);
/* Guest-physical space for a buffer of len bytes (8-aligned, zeroed) */
uint64_t fg_alloc(struct fake_guest *g, uint32_t len);
/* A chain of n buffers in fresh descriptors; its head. addrs[] gets the buffers' addresses if given */
uint16_t fg_chain(struct fake_guest *g, const struct fg_buf *bufs, unsigned int n, uint64_t *addrs);
/* Puts head in the driver ring and publishes the new idx */
void fg_make_avail(struct fake_guest *g, uint16_t head);
/* Publishes the driver ring's idx as given (a hostile jump) */
void fg_set_avail_idx(struct fake_guest *g, uint16_t idx);

/* The rings' fields as the driver sees them */
uint16_t fg_used_idx(struct fake_guest *g);
uint16_t fg_used_flags(struct fake_guest *g);
void fg_used_elem(struct fake_guest *g, uint16_t slot, uint32_t *id, uint32_t *len);
uint16_t fg_avail_event(struct fake_guest *g);
void fg_set_avail_flags(struct fake_guest *g, uint16_t flags);
void fg_set_used_event(struct fake_guest *g, uint16_t event);

#endif
