/*
 * A virtio block device's logic (virtio 1.x, section 5.2) for a dom0
 * back-end process: its features, its configuration space, and one
 * request at a time taken from its single queue (virtq.h) and done against
 * a file or block device with pread/pwrite. The transport (PCI, MSI-X) and
 * the loop that pops, handles, pushes and interrupts are the daemon's.
 *
 * Everything the guest wrote in a request is checked: the header is copied
 * out once, sectors and lengths bounded by the capacity, and the status
 * goes in the last writable byte.
 */
#ifndef VIRTIO_BLK_H
#define VIRTIO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtq.h"

/* Feature bits: the reserved ones (6) and the block device's (5.2.3) */
#define VIRTIO_BLK_F_SEG_MAX 2       /* 5.2.3: seg_max in the config */
#define VIRTIO_BLK_F_RO 5            /* 5.2.3: read-only */
#define VIRTIO_BLK_F_BLK_SIZE 6      /* 5.2.3: blk_size in the config */
#define VIRTIO_BLK_F_FLUSH 9         /* 5.2.3: VIRTIO_BLK_T_FLUSH */
#define VIRTIO_RING_F_EVENT_IDX 29   /* 6: used_event and avail_event (2.7.7, 2.7.10) */
#define VIRTIO_F_VERSION_1 32        /* 6: virtio 1.x, little-endian */

/* Request types and statuses (5.2.6) */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VBLK_SECTOR_BYTES 512u
#define VBLK_HEADER_BYTES 16u  /* le32 type, le32 reserved, le64 sector */
#define VBLK_ID_BYTES 20u      /* GET_ID's string: NUL-padded, no NUL at 20 */
#define VBLK_CONFIG_BYTES 60u  /* struct virtio_blk_config, up to write_zeroes' */
/* data buffers in one request: the chain less the header's and the status' */
#define VBLK_SEG_MAX (VIRTQ_MAX_IOV - 2)

struct vblk {
	int fd;
	uint64_t capacity; /* 512-byte sectors */
	bool read_only;
	char serial[VBLK_ID_BYTES]; /* NUL-padded; all 20 may be used */
	uint64_t reads, writes, flushes, errors;
	uint64_t failed; /* requests refused in the failed state (vblk_fail) */
};

/* The features the device offers */
uint64_t vblk_features(const struct vblk *b);

/*
 * The device configuration (struct virtio_blk_config, little-endian) into
 * out: its length, VBLK_CONFIG_BYTES, or 0 (nothing written) if max is
 * shorter.
 */
size_t vblk_config(const struct vblk *b, uint8_t *out, size_t max);

/*
 * Does request r and writes its status into its last writable byte: the
 * bytes written into the guest's buffers (data and status), for the used
 * element. 0 when r has no writable byte for the status (nothing written,
 * counted as an error).
 */
uint32_t vblk_handle(struct vblk *b, const struct virtq_req *r);

/*
 * Request r refused, in the failed state (a back-end that cannot serve
 * the disk any more, Documentation/virtio.md): VIRTIO_BLK_S_IOERR in its
 * last writable byte, nothing read or written, whatever it asks; counted
 * in failed. Returns the bytes written for the used element: 1, or 0 when
 * r has no writable byte.
 */
uint32_t vblk_fail(struct vblk *b, const struct virtq_req *r);

#endif
