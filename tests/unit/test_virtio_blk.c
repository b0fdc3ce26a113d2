/*
 * Host tests for the virtio block device's logic (dom0-tools/backends/
 * virtio-blk.c): requests built by a fake guest's driver (virtq_fake_guest.c),
 * taken with virtq_pop and done against a temporary file: data checked byte
 * for byte, the header split across buffers, every refusal's status, the
 * features and the configuration space.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../dom0-tools/backends/virtio-blk.h"
#include "virtq_fake_guest.h"

#define DISK_SECTORS 64u
#define DISK_BYTES (DISK_SECTORS * 512u)

static struct fake_guest g;
static struct vblk blk;
static struct virtq_req req;
static char disk_path[] = "/tmp/xenlite-vblk-XXXXXX";
static char path_buf[sizeof(disk_path)];

/* What the disk holds at byte i before any write */
static uint8_t pattern(uint64_t i)
{
	return (uint8_t)(i * 7 + i / 512);
}

static int setup_disk(void **state)
{
	uint8_t *data = malloc(DISK_BYTES);
	int fd;

	memcpy(path_buf, disk_path, sizeof(disk_path));
	fd = mkstemp(path_buf);
	if (fd < 0 || !data)
		return -1;
	for (uint64_t i = 0; i < DISK_BYTES; i++)
		data[i] = pattern(i);
	if (pwrite(fd, data, DISK_BYTES, 0) != (ssize_t)DISK_BYTES)
		return -1;
	free(data);
	blk = (struct vblk){ .fd = fd, .capacity = DISK_SECTORS };
	memcpy(blk.serial, "xenlite-disk-0", 14);
	fg_init(&g, 64, true);
	return 0;
}

static int teardown_disk(void **state)
{
	close(blk.fd);
	unlink(path_buf);
	fg_free(&g);
	return 0;
}

/* ---- the driver's side ---- */

static void put_header(uint64_t addr, uint32_t type, uint64_t sector)
{
	uint8_t *p = fg_ptr(&g, addr);

	memcpy(p, &type, 4);
	memset(p + 4, 0, 4);
	memcpy(p + 8, &sector, 8);
}

/* A header of its own, then bufs: the chain made available and taken */
static uint64_t addrs[VIRTQ_MAX_IOV];

static void take(const struct fg_buf *bufs, unsigned int n)
{
	fg_make_avail(&g, fg_chain(&g, bufs, n, addrs));
	assert_int_equal(virtq_pop(&g.q, &g.mem, &req), 1);
}

static void take_with_header(uint32_t type, uint64_t sector, const struct fg_buf *bufs, unsigned int n)
{
	struct fg_buf all[VIRTQ_MAX_IOV];

	all[0] = (struct fg_buf){ VBLK_HEADER_BYTES, false };
	if (n)
		memcpy(all + 1, bufs, n * sizeof(*bufs));
	take(all, n + 1);
	put_header(addrs[0], type, sector);
}

static uint8_t status_at(uint64_t addr)
{
	return *(uint8_t *)fg_ptr(&g, addr);
}

static void read_disk(uint64_t off, uint8_t *out, size_t len)
{
	assert_int_equal(pread(blk.fd, out, len, (off_t)off), (ssize_t)len);
}

/* The disk from off on holds the pattern still */
static void assert_disk_untouched(uint64_t off, size_t len)
{
	uint8_t buf[4096];

	assert_true(len <= sizeof(buf));
	read_disk(off, buf, len);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(buf[i], pattern(off + i));
}

static void assert_zero(uint64_t addr, size_t len)
{
	const uint8_t *p = fg_ptr(&g, addr);

	for (size_t i = 0; i < len; i++)
		assert_int_equal(p[i], 0);
}

/* ---- features and configuration ---- */

static void test_features(void **state)
{
	uint64_t want = 1ull << 32 | 1ull << 29 | 1ull << 9 | 1ull << 2 | 1ull << 6;

	assert_true(vblk_features(&blk) == want);
	blk.read_only = true;
	assert_true(vblk_features(&blk) == (want | 1ull << 5));
	/* never offered: indirect descriptors (28), packed rings (34) */
	assert_false(vblk_features(&blk) & (1ull << 28 | 1ull << 34));
}

static void test_config(void **state)
{
	uint8_t cfg[64];
	uint32_t v32;
	uint64_t v64;
	uint16_t v16;

	blk.capacity = 0x123456789aull;
	memset(cfg, 0xee, sizeof(cfg));
	assert_int_equal(vblk_config(&blk, cfg, sizeof(cfg)), 60);
	memcpy(&v64, cfg, 8);
	assert_true(v64 == 0x123456789aull);
	assert_int_equal(cfg[0], 0x9a); /* little-endian */
	memcpy(&v32, cfg + 8, 4);
	assert_int_equal(v32, 0); /* size_max: not offered */
	memcpy(&v32, cfg + 12, 4);
	assert_int_equal(v32, VIRTQ_MAX_IOV - 2);
	memcpy(&v32, cfg + 20, 4);
	assert_int_equal(v32, 512);
	memcpy(&v16, cfg + 34, 2);
	assert_int_equal(v16, 1);
	assert_int_equal(cfg[32], 0); /* writeback: not offered */
	assert_int_equal(cfg[60], 0xee); /* nothing past the end */
	memset(cfg, 0xee, sizeof(cfg));
	assert_int_equal(vblk_config(&blk, cfg, 59), 0);
	assert_int_equal(cfg[0], 0xee);
}

/* ---- reads and writes ---- */

static void test_read(void **state)
{
	const struct fg_buf bufs[] = { { 1024, true }, { 1, true } };
	const uint8_t *data;
	uint32_t id, len;

	take_with_header(VIRTIO_BLK_T_IN, 3, bufs, 2);
	assert_int_equal(vblk_handle(&blk, &req), 1025);
	assert_int_equal(status_at(addrs[2]), VIRTIO_BLK_S_OK);
	data = fg_ptr(&g, addrs[1]);
	for (unsigned int i = 0; i < 1024; i++)
		assert_int_equal(data[i], pattern(3 * 512 + i));
	assert_true(blk.reads == 1 && blk.errors == 0);
	/* and back to the driver */
	assert_int_equal(virtq_push(&g.q, &g.mem, req.head, 1025), 0);
	fg_used_elem(&g, 0, &id, &len);
	assert_int_equal(id, req.head);
	assert_int_equal(len, 1025);
}

/* Data across uneven buffers, the status sharing the last with data */
static void test_read_scattered(void **state)
{
	const struct fg_buf bufs[] = { { 100, true }, { 412, true }, { 513, true } };
	uint8_t want[1024];
	uint8_t got[1024];

	take_with_header(VIRTIO_BLK_T_IN, DISK_SECTORS - 2, bufs, 3); /* the last two sectors */
	assert_int_equal(vblk_handle(&blk, &req), 1025);
	memcpy(got, fg_ptr(&g, addrs[1]), 100);
	memcpy(got + 100, fg_ptr(&g, addrs[2]), 412);
	memcpy(got + 512, fg_ptr(&g, addrs[3]), 512);
	read_disk((DISK_SECTORS - 2) * 512ull, want, 1024);
	assert_memory_equal(got, want, 1024);
	assert_int_equal(status_at(addrs[3] + 512), VIRTIO_BLK_S_OK);
}

static void test_write(void **state)
{
	const struct fg_buf bufs[] = { { 512, false }, { 512, false }, { 1, true } };
	uint8_t got[1024];
	uint8_t *a, *b;

	take_with_header(VIRTIO_BLK_T_OUT, 5, bufs, 3);
	a = fg_ptr(&g, addrs[1]);
	b = fg_ptr(&g, addrs[2]);
	for (unsigned int i = 0; i < 512; i++) {
		a[i] = (uint8_t)(0x55 ^ i);
		b[i] = (uint8_t)(0xaa ^ (i * 3));
	}
	assert_int_equal(vblk_handle(&blk, &req), 1);
	assert_int_equal(status_at(addrs[3]), VIRTIO_BLK_S_OK);
	read_disk(5 * 512, got, 1024);
	assert_memory_equal(got, a, 512);
	assert_memory_equal(got + 512, b, 512);
	assert_disk_untouched(4 * 512, 512); /* the neighbours */
	assert_disk_untouched(7 * 512, 512);
	assert_true(blk.writes == 1 && blk.errors == 0);
}

/* The header in two buffers, its tail sharing the second with the data */
static void test_split_header(void **state)
{
	const struct fg_buf bufs[] = { { 10, false }, { 6 + 256, false }, { 768, false }, { 1, true } };
	uint8_t hdr[16] = { 0 };
	uint64_t sector = 9;
	uint8_t want[1024];
	uint8_t got[1024];

	take(bufs, 4);
	hdr[0] = VIRTIO_BLK_T_OUT;
	memcpy(hdr + 8, &sector, 8);
	memcpy(fg_ptr(&g, addrs[0]), hdr, 10);
	memcpy(fg_ptr(&g, addrs[1]), hdr + 10, 6);
	for (unsigned int i = 0; i < 1024; i++)
		want[i] = (uint8_t)(i ^ (i >> 8) ^ 0x3c);
	memcpy((uint8_t *)fg_ptr(&g, addrs[1]) + 6, want, 256);
	memcpy(fg_ptr(&g, addrs[2]), want + 256, 768);
	assert_int_equal(vblk_handle(&blk, &req), 1);
	assert_int_equal(status_at(addrs[3]), VIRTIO_BLK_S_OK);
	read_disk(9 * 512, got, 1024);
	assert_memory_equal(got, want, 1024);
	assert_disk_untouched(11 * 512, 512);
}

/* ---- refusals ---- */

static void test_beyond_capacity(void **state)
{
	const struct fg_buf rd[] = { { 1024, true }, { 1, true } };
	const struct fg_buf wr[] = { { 1024, false }, { 1, true } };

	take_with_header(VIRTIO_BLK_T_IN, DISK_SECTORS - 1, rd, 2); /* one sector too many */
	assert_int_equal(vblk_handle(&blk, &req), 1);
	assert_int_equal(status_at(addrs[2]), VIRTIO_BLK_S_IOERR);
	assert_zero(addrs[1], 1024);
	take_with_header(VIRTIO_BLK_T_IN, UINT64_MAX, rd, 2); /* sector + n wraps */
	assert_int_equal(vblk_handle(&blk, &req), 1);
	assert_int_equal(status_at(addrs[2]), VIRTIO_BLK_S_IOERR);
	take_with_header(VIRTIO_BLK_T_OUT, DISK_SECTORS - 1, wr, 2);
	memset(fg_ptr(&g, addrs[1]), 0x77, 1024);
	assert_int_equal(vblk_handle(&blk, &req), 1);
	assert_int_equal(status_at(addrs[2]), VIRTIO_BLK_S_IOERR);
	assert_disk_untouched((DISK_SECTORS - 1) * 512ull, 512);
	take_with_header(VIRTIO_BLK_T_OUT, DISK_SECTORS, wr + 1, 1); /* no data at the end: fine */
	assert_int_equal(vblk_handle(&blk, &req), 1);
	assert_int_equal(status_at(addrs[1]), VIRTIO_BLK_S_OK);
	assert_true(blk.errors == 3 && blk.reads == 0 && blk.writes == 1);
}

static void test_misaligned_length(void **state)
{
	const struct fg_buf rd[] = { { 511, true }, { 1, true } };
	const struct fg_buf wr[] = { { 100, false }, { 1, true } };

	take_with_header(VIRTIO_BLK_T_IN, 0, rd, 2);
	assert_int_equal(vblk_handle(&blk, &req), 1);
	assert_int_equal(status_at(addrs[2]), VIRTIO_BLK_S_IOERR);
	assert_zero(addrs[1], 511);
	take_with_header(VIRTIO_BLK_T_OUT, 0, wr, 2);
	memset(fg_ptr(&g, addrs[1]), 0x77, 100);
	assert_int_equal(vblk_handle(&blk, &req), 1);
	assert_int_equal(status_at(addrs[2]), VIRTIO_BLK_S_IOERR);
	assert_disk_untouched(0, 512);
	assert_true(blk.errors == 2);
}

static void test_read_only(void **state)
{
	const struct fg_buf wr[] = { { 512, false }, { 1, true } };
	const struct fg_buf rd[] = { { 512, true }, { 1, true } };

	blk.read_only = true;
	take_with_header(VIRTIO_BLK_T_OUT, 0, wr, 2);
	memset(fg_ptr(&g, addrs[1]), 0x77, 512);
	assert_int_equal(vblk_handle(&blk, &req), 1);
	assert_int_equal(status_at(addrs[2]), VIRTIO_BLK_S_IOERR);
	assert_disk_untouched(0, 512);
	take_with_header(VIRTIO_BLK_T_IN, 0, rd, 2); /* reads still work */
	assert_int_equal(vblk_handle(&blk, &req), 513);
	assert_int_equal(status_at(addrs[2]), VIRTIO_BLK_S_OK);
	assert_int_equal(*(uint8_t *)fg_ptr(&g, addrs[1] + 1), pattern(1));
	assert_true(blk.errors == 1 && blk.reads == 1 && blk.writes == 0);
}

/* The file shorter than the capacity says: an error, not a loop */
static void test_file_shorter_than_capacity(void **state)
{
	const struct fg_buf rd[] = { { 1024, true }, { 1, true } };

	blk.capacity = DISK_SECTORS + 8;
	take_with_header(VIRTIO_BLK_T_IN, DISK_SECTORS - 1, rd, 2);
	assert_int_equal(vblk_handle(&blk, &req), 513); /* the sector there was, and the status */
	assert_int_equal(status_at(addrs[2]), VIRTIO_BLK_S_IOERR);
	assert_int_equal(*(uint8_t *)fg_ptr(&g, addrs[1]), pattern((DISK_SECTORS - 1) * 512ull));
}

static void test_flush(void **state)
{
	const struct fg_buf st[] = { { 1, true } };
	int fd = blk.fd;

	take_with_header(VIRTIO_BLK_T_FLUSH, 0, st, 1);
	*(uint8_t *)fg_ptr(&g, addrs[1]) = 0xff;
	assert_int_equal(vblk_handle(&blk, &req), 1);
	assert_int_equal(status_at(addrs[1]), VIRTIO_BLK_S_OK);
	assert_true(blk.flushes == 1 && blk.errors == 0);
	/* a failing fdatasync is an I/O error */
	blk.fd = -1;
	take_with_header(VIRTIO_BLK_T_FLUSH, 0, st, 1);
	assert_int_equal(vblk_handle(&blk, &req), 1);
	assert_int_equal(status_at(addrs[1]), VIRTIO_BLK_S_IOERR);
	assert_true(blk.flushes == 1 && blk.errors == 1);
	blk.fd = fd;
}

static void test_get_id(void **state)
{
	const struct fg_buf id[] = { { 20, true }, { 1, true } };
	const struct fg_buf small[] = { { 8, true }, { 1, true } };

	take_with_header(VIRTIO_BLK_T_GET_ID, 0, id, 2);
	memset(fg_ptr(&g, addrs[1]), 0xff, 20);
	assert_int_equal(vblk_handle(&blk, &req), 21);
	assert_memory_equal(fg_ptr(&g, addrs[1]), "xenlite-disk-0\0\0\0\0\0\0", 20);
	assert_int_equal(status_at(addrs[2]), VIRTIO_BLK_S_OK);
	/* all 20 bytes: no NUL */
	memcpy(blk.serial, "ABCDEFGHIJKLMNOPQRST", 20);
	take_with_header(VIRTIO_BLK_T_GET_ID, 0, id, 2);
	assert_int_equal(vblk_handle(&blk, &req), 21);
	assert_memory_equal(fg_ptr(&g, addrs[1]), "ABCDEFGHIJKLMNOPQRST", 20);
	/* a smaller buffer gets what fits */
	take_with_header(VIRTIO_BLK_T_GET_ID, 0, small, 2);
	assert_int_equal(vblk_handle(&blk, &req), 9);
	assert_memory_equal(fg_ptr(&g, addrs[1]), "ABCDEFGH", 8);
	assert_int_equal(status_at(addrs[2]), VIRTIO_BLK_S_OK);
	assert_true(blk.errors == 0);
}

static void test_unknown_type(void **state)
{
	const struct fg_buf st[] = { { 512, true }, { 1, true } };

	take_with_header(11, 0, st, 2); /* DISCARD: not offered */
	assert_int_equal(vblk_handle(&blk, &req), 1);
	assert_int_equal(status_at(addrs[2]), VIRTIO_BLK_S_UNSUPP);
	assert_zero(addrs[1], 512);
	take_with_header(0xffffffffu, 0, st, 2);
	assert_int_equal(vblk_handle(&blk, &req), 1);
	assert_int_equal(status_at(addrs[2]), VIRTIO_BLK_S_UNSUPP);
	assert_true(blk.errors == 2);
}

static void test_missing_status(void **state)
{
	const struct fg_buf rd_only[] = { { 512, false } };
	uint8_t before[16 + 512];

	take_with_header(VIRTIO_BLK_T_OUT, 0, rd_only, 1);
	memcpy(before, fg_ptr(&g, addrs[0]), 16);
	memcpy(before + 16, fg_ptr(&g, addrs[1]), 512);
	assert_int_equal(vblk_handle(&blk, &req), 0);
	assert_memory_equal(fg_ptr(&g, addrs[0]), before, 16);
	assert_memory_equal(fg_ptr(&g, addrs[1]), before + 16, 512);
	assert_true(blk.errors == 1 && blk.writes == 0);
	assert_disk_untouched(0, 512);
	/* a header alone, not even readable room */
	take_with_header(VIRTIO_BLK_T_IN, 0, NULL, 0);
	assert_int_equal(vblk_handle(&blk, &req), 0);
	assert_true(blk.errors == 2);
}

static void test_short_header(void **state)
{
	const struct fg_buf bufs[] = { { 8, false }, { 512, true }, { 1, true } };

	take(bufs, 3);
	memset(fg_ptr(&g, addrs[0]), 0, 8); /* T_IN, if it were whole */
	assert_int_equal(vblk_handle(&blk, &req), 1);
	assert_int_equal(status_at(addrs[2]), VIRTIO_BLK_S_IOERR);
	assert_zero(addrs[1], 512);
	assert_true(blk.errors == 1 && blk.reads == 0);
}

/* ---- the failed state (vblk_fail) ---- */

/* A read and a write refused: IOERR in the status byte, the data buffer and the disk untouched */
static void test_failed_state(void **state)
{
	const struct fg_buf rd[] = { { 512, true }, { 1, true } };
	const struct fg_buf wr[] = { { 512, false }, { 1, true } };
	uint32_t id, len;

	take_with_header(VIRTIO_BLK_T_IN, 2, rd, 2);
	memset(fg_ptr(&g, addrs[1]), 0x5a, 512);
	assert_int_equal(vblk_fail(&blk, &req), 1);
	assert_int_equal(status_at(addrs[2]), VIRTIO_BLK_S_IOERR);
	for (unsigned int i = 0; i < 512; i++)
		assert_int_equal(((uint8_t *)fg_ptr(&g, addrs[1]))[i], 0x5a);
	assert_int_equal(virtq_push(&g.q, &g.mem, req.head, 1), 0);
	fg_used_elem(&g, 0, &id, &len);
	assert_int_equal(id, req.head);
	assert_int_equal(len, 1);

	take_with_header(VIRTIO_BLK_T_OUT, 0, wr, 2);
	memset(fg_ptr(&g, addrs[1]), 0xa5, 512);
	assert_int_equal(vblk_fail(&blk, &req), 1);
	assert_int_equal(status_at(addrs[2]), VIRTIO_BLK_S_IOERR);
	assert_disk_untouched(0, 512);

	/* a flush and a request without a status byte: nothing done, nothing written */
	take_with_header(VIRTIO_BLK_T_FLUSH, 0, rd + 1, 1);
	assert_int_equal(vblk_fail(&blk, &req), 1);
	assert_int_equal(status_at(addrs[1]), VIRTIO_BLK_S_IOERR);
	take_with_header(VIRTIO_BLK_T_IN, 0, NULL, 0);
	assert_int_equal(vblk_fail(&blk, &req), 0);

	assert_true(blk.failed == 4);
	assert_true(blk.reads == 0 && blk.writes == 0 && blk.flushes == 0 && blk.errors == 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_disk, teardown_disk)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_features),
		T(test_config),
		T(test_read),
		T(test_read_scattered),
		T(test_write),
		T(test_split_header),
		T(test_beyond_capacity),
		T(test_misaligned_length),
		T(test_read_only),
		T(test_file_shorter_than_capacity),
		T(test_flush),
		T(test_get_id),
		T(test_unknown_type),
		T(test_missing_status),
		T(test_short_header),
		T(test_failed_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
