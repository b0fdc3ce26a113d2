/*
 * A virtio block device's logic (see virtio-blk.h): features, configuration
 * space, and requests done with pread/pwrite against the backing file.
 *
 * A request (5.2.6) is a header in the device-readable buffers (it may be
 * split across several: it is copied out once), the data (readable for a
 * write, writable for a read) and one status byte, the last writable byte.
 * The data's length comes from the buffers the device checked when it took
 * the chain (virtq_pop), never from the guest's memory again.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* pread, pwrite, fdatasync */
#endif
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "virtio-blk.h"

/* ---- features and configuration ---- */

uint64_t vblk_features(const struct vblk *b)
{
	uint64_t f = 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_RING_F_EVENT_IDX |
		     1ull << VIRTIO_BLK_F_FLUSH | 1ull << VIRTIO_BLK_F_SEG_MAX |
		     1ull << VIRTIO_BLK_F_BLK_SIZE;

	if (b->read_only)
		f |= 1ull << VIRTIO_BLK_F_RO;
	return f;
}

static void put_le(uint8_t *p, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/*
 * struct virtio_blk_config (5.2.4): capacity at 0, size_max at 8, seg_max
 * at 12, geometry at 16 (cylinders, heads, sectors), blk_size at 20,
 * topology at 24, writeback at 32, num_queues at 34, then discard's and
 * write_zeroes' fields to 60. Only what an offered feature makes valid is
 * filled: capacity, seg_max, blk_size; num_queues says 1 all the same.
 */
size_t vblk_config(const struct vblk *b, uint8_t *out, size_t max)
{
	if (max < VBLK_CONFIG_BYTES)
		return 0;
	memset(out, 0, VBLK_CONFIG_BYTES);
	put_le(out + 0, b->capacity, 8);
	put_le(out + 12, VBLK_SEG_MAX, 4);
	put_le(out + 20, VBLK_SECTOR_BYTES, 4);
	put_le(out + 34, 1, 2);
	return VBLK_CONFIG_BYTES;
}

/* ---- the request's buffers ---- */

/* The status byte: the last byte of the last writable buffer, or NULL */
static uint8_t *status_byte(const struct virtq_req *r)
{
	const struct virtq_iov *last;

	if (!r->n || !r->writable_bytes)
		return NULL;
	last = &r->iov[r->n - 1];
	return last->writable ? (uint8_t *)last->base + last->len - 1 : NULL;
}

/*
 * Calls move() on each piece of bytes [skip, skip + len) of r's writable
 * (or readable) buffers in order; stops at the first that does not move
 * all its bytes. The bytes moved.
 */
typedef size_t (*mover)(void *ctx, uint8_t *p, size_t len, uint64_t at);

static uint64_t each_piece(const struct virtq_req *r, bool writable, uint64_t skip, uint64_t len,
			   mover move, void *ctx, uint64_t at)
{
	uint64_t done = 0;

	for (unsigned int i = 0; i < r->n && done < len; i++) {
		const struct virtq_iov *v = &r->iov[i];
		uint64_t n, moved;

		if (v->writable != writable)
			continue;
		if (skip >= v->len) {
			skip -= v->len;
			continue;
		}
		n = v->len - skip < len - done ? v->len - skip : len - done;
		moved = move(ctx, (uint8_t *)v->base + skip, n, at + done);
		done += moved;
		if (moved < n)
			break;
		skip = 0;
	}
	return done;
}

/* the movers: ctx the struct vblk for the file's, the local copy for memcpy's */
/* pread or pwrite until all of it moved, an error, or the file's end (shorter than its capacity) */
static size_t file_io(const struct vblk *b, uint8_t *p, size_t len, uint64_t off, bool write)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write ? pwrite(b->fd, p + done, len - done, (off_t)(off + done))
				  : pread(b->fd, p + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	return done;
}

static size_t file_read(void *ctx, uint8_t *p, size_t len, uint64_t off)
{
	return file_io(ctx, p, len, off, false);
}

static size_t file_write(void *ctx, uint8_t *p, size_t len, uint64_t off)
{
	return file_io(ctx, p, len, off, true);
}

static size_t copy_out(void *ctx, uint8_t *p, size_t len, uint64_t at)
{
	memcpy((uint8_t *)ctx + at, p, len);
	return len;
}

static size_t copy_in(void *ctx, uint8_t *p, size_t len, uint64_t at)
{
	memcpy(p, (const uint8_t *)ctx + at, len);
	return len;
}

/* ---- requests ---- */

struct blk_header {
	uint32_t type;
	uint64_t sector;
};

/* The header, copied out of the readable buffers once: false if too short */
static bool read_header(const struct virtq_req *r, struct blk_header *h)
{
	uint8_t raw[VBLK_HEADER_BYTES];

	if (r->readable_bytes < VBLK_HEADER_BYTES)
		return false;
	each_piece(r, false, 0, VBLK_HEADER_BYTES, copy_out, raw, 0);
	h->type = (uint32_t)get_le(raw, 4);
	h->sector = get_le(raw + 8, 8); /* raw + 4: reserved */
	return true;
}

/* Whether bytes from sector on are whole sectors within the disk (and off_t) */
static bool in_disk(const struct vblk *b, uint64_t sector, uint64_t bytes)
{
	uint64_t n = bytes / VBLK_SECTOR_BYTES;

	return bytes % VBLK_SECTOR_BYTES == 0 && sector <= b->capacity && n <= b->capacity - sector &&
	       sector + n <= (uint64_t)INT64_MAX / VBLK_SECTOR_BYTES;
}

/* T_IN: the writable buffers but the status byte, from the disk */
static uint8_t do_read(struct vblk *b, const struct virtq_req *r, const struct blk_header *h,
		       uint64_t *written)
{
	uint64_t len = r->writable_bytes - 1u;

	if (!in_disk(b, h->sector, len))
		return VIRTIO_BLK_S_IOERR;
	*written = each_piece(r, true, 0, len, file_read, b, h->sector * VBLK_SECTOR_BYTES);
	if (*written < len)
		return VIRTIO_BLK_S_IOERR;
	b->reads++;
	return VIRTIO_BLK_S_OK;
}

/* T_OUT: the readable buffers after the header, to the disk */
static uint8_t do_write(struct vblk *b, const struct virtq_req *r, const struct blk_header *h)
{
	uint64_t len = r->readable_bytes - VBLK_HEADER_BYTES;

	if (b->read_only || !in_disk(b, h->sector, len))
		return VIRTIO_BLK_S_IOERR;
	if (each_piece(r, false, VBLK_HEADER_BYTES, len, file_write, b, h->sector * VBLK_SECTOR_BYTES) < len)
		return VIRTIO_BLK_S_IOERR;
	b->writes++;
	return VIRTIO_BLK_S_OK;
}

static uint8_t do_flush(struct vblk *b)
{
	int rc;

	do
		rc = fdatasync(b->fd);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return VIRTIO_BLK_S_IOERR;
	b->flushes++;
	return VIRTIO_BLK_S_OK;
}

/* T_GET_ID: the serial, NUL-padded, into as much of its 20 bytes as fit */
static uint8_t do_get_id(const struct vblk *b, const struct virtq_req *r, uint64_t *written)
{
	uint8_t id[VBLK_ID_BYTES] = { 0 };
	uint64_t room = r->writable_bytes - 1u;

	memcpy(id, b->serial, strnlen(b->serial, VBLK_ID_BYTES));
	*written = each_piece(r, true, 0, room < VBLK_ID_BYTES ? room : VBLK_ID_BYTES, copy_in, id, 0);
	return VIRTIO_BLK_S_OK;
}

static uint8_t do_request(struct vblk *b, const struct virtq_req *r, uint64_t *written)
{
	struct blk_header h;

	if (!read_header(r, &h))
		return VIRTIO_BLK_S_IOERR;
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
		return do_read(b, r, &h, written);
	case VIRTIO_BLK_T_OUT:
		return do_write(b, r, &h);
	case VIRTIO_BLK_T_FLUSH:
		return do_flush(b);
	case VIRTIO_BLK_T_GET_ID:
		return do_get_id(b, r, written);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

uint32_t vblk_handle(struct vblk *b, const struct virtq_req *r)
{
	uint8_t *status = status_byte(r);
	uint64_t written = 0;
	uint8_t s;

	if (!status) {
		b->errors++;
		return 0;
	}
	s = do_request(b, r, &written);
	*status = s;
	if (s != VIRTIO_BLK_S_OK)
		b->errors++;
	return (uint32_t)written + 1;
}

uint32_t vblk_fail(struct vblk *b, const struct virtq_req *r)
{
	uint8_t *status = status_byte(r);

	b->failed++;
	if (!status)
		return 0;
	*status = VIRTIO_BLK_S_IOERR;
	return 1;
}
