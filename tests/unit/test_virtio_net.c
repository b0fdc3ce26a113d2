/*
 * Host tests for the virtio network device's logic (dom0-tools/backends/
 * virtio-net.c): transmit and receive requests built by a fake guest's
 * driver (virtq_fake_guest.c) and taken with virtq_pop: frames gathered from
 * and scattered into buffers split in every way, the header byte for byte,
 * every refusal and its counter, the features and the configuration space.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../dom0-tools/backends/tap.h"
#include "../../dom0-tools/backends/virtio-net.h"
#include "virtq_fake_guest.h"

static struct fake_guest g;
static struct vnet net;
static struct virtq_req req;
static uint64_t addrs[VIRTQ_MAX_IOV];

/* What the sink was given */
static struct {
	unsigned int calls;
	uint8_t frame[2048];
	size_t len;
	const uint8_t *where;
	int answer; /* what it returns */
} sink_got;

static int setup(void **state)
{
	fg_init(&g, 64, true);
	memset(&net, 0, sizeof(net));
	memset(&sink_got, 0, sizeof(sink_got));
	return 0;
}

static int teardown(void **state)
{
	fg_free(&g);
	return 0;
}

static int sink(void *ctx, const uint8_t *frame, size_t len)
{
	assert_ptr_equal(ctx, &sink_got);
	sink_got.calls++;
	sink_got.where = frame;
	sink_got.len = len;
	if (len <= sizeof(sink_got.frame))
		memcpy(sink_got.frame, frame, len);
	return sink_got.answer;
}

/* What frame byte i is */
static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 13 + 5);
}

/* The chain made available and taken */
static void take(const struct fg_buf *bufs, unsigned int n)
{
	fg_make_avail(&g, fg_chain(&g, bufs, n, addrs));
	assert_int_equal(virtq_pop(&g.q, &g.mem, &req), 1);
}

/*
 * Writes a header (junk in it: the device must ignore it) then a frame of
 * len bytes of the pattern across the readable buffers of the taken chain.
 */
static void fill_tx(const struct fg_buf *bufs, unsigned int n, size_t len)
{
	size_t at = 0;

	for (unsigned int k = 0; k < n; k++) {
		uint8_t *p = fg_ptr(&g, addrs[k]);

		if (bufs[k].writable)
			continue;
		for (uint32_t i = 0; i < bufs[k].len; i++, at++)
			p[i] = at < VNET_HDR_BYTES ? 0xee : pattern(at - VNET_HDR_BYTES);
	}
	assert_int_equal(at, VNET_HDR_BYTES + len);
}

static void assert_sent(size_t len)
{
	assert_int_equal(sink_got.calls, 1);
	assert_int_equal(sink_got.len, len);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(sink_got.frame[i], pattern(i));
	/* a copy of the guest's bytes, never a pointer into its memory */
	assert_true(sink_got.where < g.ram || sink_got.where >= g.ram + FG_RAM_SIZE);
}

/* ---- features and configuration ---- */

static void test_features(void **state)
{
	uint64_t f = vnet_features();

	assert_true(f == (1ull << 32 | 1ull << 29 | 1ull << 5 | 1ull << 16 | 1ull << 3));
	/* no offload, no merged buffers, no control queue, no multiqueue, no indirect, no packed */
	for (unsigned int bit = 0; bit <= 2; bit++) /* CSUM, GUEST_CSUM, CTRL_GUEST_OFFLOADS */
		assert_false(f & 1ull << bit);
	for (unsigned int bit = 7; bit <= 15; bit++) /* GUEST_TSO4 .. MRG_RXBUF */
		assert_false(f & 1ull << bit);
	for (unsigned int bit = 17; bit <= 23; bit++) /* CTRL_VQ .. CTRL_MAC_ADDR */
		assert_false(f & 1ull << bit);
	assert_false(f & 1ull << 28); /* INDIRECT_DESC */
	assert_false(f & 1ull << 34); /* RING_PACKED */
}

static void test_config(void **state)
{
	const uint8_t mac[6] = { 0x02, 0x58, 0x4c, 0x01, 0x07, 0x00 };
	const uint8_t want[VNET_CONFIG_BYTES] = {
		0x02, 0x58, 0x4c, 0x01, 0x07, 0x00, /* mac */
		0x01, 0x00,                         /* status: LINK_UP */
		0x01, 0x00,                         /* max_virtqueue_pairs */
		0xdc, 0x05,                         /* mtu: 1500 */
	};
	uint8_t out[64];

	memset(out, 0xa5, sizeof(out));
	assert_int_equal(vnet_config(mac, out, sizeof(out)), 12);
	assert_memory_equal(out, want, sizeof(want));
	for (size_t i = sizeof(want); i < sizeof(out); i++)
		assert_int_equal(out[i], 0xa5);

	memset(out, 0xa5, sizeof(out));
	assert_int_equal(vnet_config(mac, out, 11), 0);
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 0xa5);
	assert_int_equal(vnet_config(mac, out, 12), 12);
}

/* ---- transmit ---- */

static void tx(const struct fg_buf *bufs, unsigned int n, size_t len)
{
	take(bufs, n);
	fill_tx(bufs, n, len);
}

static void test_tx_one_buffer(void **state)
{
	const struct fg_buf b[] = { { VNET_HDR_BYTES + 60, false } };

	tx(b, 1, 60);
	assert_int_equal(vnet_tx_one(&net, &req, sink, &sink_got), 0);
	assert_sent(60);
	assert_true(net.tx_packets == 1 && net.tx_bytes == 60 && !net.tx_errors && !net.tx_dropped);
	assert_int_equal(virtq_push(&g.q, &g.mem, req.head, 0), 0);
	assert_int_equal(fg_used_idx(&g), 1);
}

static void test_tx_header_own_buffer(void **state)
{
	/* the header alone, then the frame in three pieces, one of them empty */
	const struct fg_buf b[] = { { VNET_HDR_BYTES, false }, { 100, false }, { 0, false },
				    { 1000, false }, { 414, false } };

	tx(b, 5, VNET_FRAME_MAX);
	assert_int_equal(vnet_tx_one(&net, &req, sink, &sink_got), 0);
	assert_sent(VNET_FRAME_MAX);
	assert_true(net.tx_packets == 1 && net.tx_bytes == VNET_FRAME_MAX);
}

static void test_tx_header_split(void **state)
{
	/* the header across three buffers, the last of which starts the frame */
	const struct fg_buf b[] = { { 5, false }, { 1, false }, { 6 + 30, false }, { 34, false } };

	tx(b, 4, 64);
	assert_int_equal(vnet_tx_one(&net, &req, sink, &sink_got), 0);
	assert_sent(64);
}

static void test_tx_lengths(void **state)
{
	const struct fg_buf shortest[] = { { VNET_HDR_BYTES, false }, { VNET_ETH_HLEN, false } };
	const struct fg_buf too_short[] = { { VNET_HDR_BYTES, false }, { VNET_ETH_HLEN - 1, false } };
	const struct fg_buf too_long[] = { { VNET_HDR_BYTES + 1000, false }, { VNET_FRAME_MAX - 999, false } };
	const struct fg_buf header_only[] = { { VNET_HDR_BYTES, false } };
	const struct fg_buf part_header[] = { { VNET_HDR_BYTES - 1, false } };
	const struct fg_buf nothing[] = { { 0, false } };

	tx(shortest, 2, VNET_ETH_HLEN);
	assert_int_equal(vnet_tx_one(&net, &req, sink, &sink_got), 0);
	assert_sent(VNET_ETH_HLEN);

	sink_got.calls = 0;
	tx(too_short, 2, VNET_ETH_HLEN - 1);
	assert_int_equal(vnet_tx_one(&net, &req, sink, &sink_got), -1);
	tx(too_long, 2, VNET_FRAME_MAX + 1);
	assert_int_equal(vnet_tx_one(&net, &req, sink, &sink_got), -1);
	take(header_only, 1);
	assert_int_equal(vnet_tx_one(&net, &req, sink, &sink_got), -1);
	take(part_header, 1);
	assert_int_equal(vnet_tx_one(&net, &req, sink, &sink_got), -1);
	take(nothing, 1);
	assert_int_equal(vnet_tx_one(&net, &req, sink, &sink_got), -1);
	assert_int_equal(sink_got.calls, 0);
	assert_true(net.tx_errors == 5 && net.tx_packets == 1 && net.tx_bytes == VNET_ETH_HLEN && !net.tx_dropped);
}

static void test_tx_writable_buffer(void **state)
{
	const struct fg_buf b[] = { { VNET_HDR_BYTES + 60, false }, { 16, true } };
	const struct fg_buf only_writable[] = { { VNET_HDR_BYTES + 60, true } };
	uint8_t *w;

	tx(b, 2, 60);
	w = fg_ptr(&g, addrs[1]);
	memset(w, 0x77, 16);
	assert_int_equal(vnet_tx_one(&net, &req, sink, &sink_got), -1);
	for (unsigned int i = 0; i < 16; i++) /* nothing written there either */
		assert_int_equal(w[i], 0x77);
	take(only_writable, 1);
	assert_int_equal(vnet_tx_one(&net, &req, sink, &sink_got), -1);
	assert_int_equal(sink_got.calls, 0);
	assert_true(net.tx_errors == 2 && !net.tx_packets && !net.tx_bytes);
}

static void test_tx_sink_refuses(void **state)
{
	const struct fg_buf b[] = { { VNET_HDR_BYTES, false }, { 200, false } };

	sink_got.answer = -1;
	tx(b, 2, 200);
	assert_int_equal(vnet_tx_one(&net, &req, sink, &sink_got), -1);
	assert_int_equal(sink_got.calls, 1);
	assert_true(net.tx_dropped == 1 && !net.tx_errors && !net.tx_packets && !net.tx_bytes);

	memset(&sink_got, 0, sizeof(sink_got));
	tx(b, 2, 200);
	assert_int_equal(vnet_tx_one(&net, &req, sink, &sink_got), 0);
	assert_sent(200);
	assert_true(net.tx_dropped == 1 && net.tx_packets == 1 && net.tx_bytes == 200);
}

/* ---- receive ---- */

static uint8_t frame[VNET_FRAME_MAX + 1];

/* The taken chain's writable buffers, filled with 0xaa first to see what is written */
static void rx_take(const struct fg_buf *bufs, unsigned int n)
{
	take(bufs, n);
	for (unsigned int k = 0; k < n; k++)
		memset(fg_ptr(&g, addrs[k]), 0xaa, bufs[k].len);
	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = pattern(i);
}

/* The bytes of the taken chain's writable buffers, in order, into out: how many */
static size_t rx_read(const struct fg_buf *bufs, unsigned int n, uint8_t *out)
{
	size_t at = 0;

	for (unsigned int k = 0; k < n; k++)
		if (bufs[k].writable) {
			memcpy(out + at, fg_ptr(&g, addrs[k]), bufs[k].len);
			at += bufs[k].len;
		}
	return at;
}

/* What the guest finds: the header (num_buffers 1), the frame, then untouched bytes */
static void assert_received(const struct fg_buf *bufs, unsigned int n, size_t len)
{
	static const uint8_t hdr[VNET_HDR_BYTES] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	static uint8_t got[4096];
	size_t total = rx_read(bufs, n, got);

	assert_true(total >= VNET_HDR_BYTES + len);
	assert_memory_equal(got, hdr, VNET_HDR_BYTES);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(got[VNET_HDR_BYTES + i], pattern(i));
	for (size_t i = VNET_HDR_BYTES + len; i < total; i++)
		assert_int_equal(got[i], 0xaa);
}

static void assert_untouched(const struct fg_buf *bufs, unsigned int n)
{
	for (unsigned int k = 0; k < n; k++) {
		const uint8_t *p = fg_ptr(&g, addrs[k]);

		for (uint32_t i = 0; i < bufs[k].len; i++)
			assert_int_equal(p[i], 0xaa);
	}
}

static void test_rx_one_buffer(void **state)
{
	/* as Linux posts them without MRG_RXBUF: one buffer of header + 1518 */
	const struct fg_buf b[] = { { VNET_HDR_BYTES + 1518, true } };
	uint32_t id, len;

	rx_take(b, 1);
	assert_int_equal(vnet_rx_one(&net, &req, frame, 98), VNET_HDR_BYTES + 98);
	assert_received(b, 1, 98);
	assert_int_equal(virtq_push(&g.q, &g.mem, req.head, VNET_HDR_BYTES + 98), 0);
	fg_used_elem(&g, 0, &id, &len);
	assert_int_equal(id, req.head);
	assert_int_equal(len, VNET_HDR_BYTES + 98);
	assert_true(net.rx_packets == 1 && net.rx_bytes == 98 && !net.rx_errors && !net.rx_dropped);
}

static void test_rx_several_buffers(void **state)
{
	/* the header split (5 + 7), the frame across the rest, one empty */
	const struct fg_buf b[] = { { 5, true }, { 7 + 3, true }, { 0, true }, { 500, true }, { 2000, true } };

	rx_take(b, 5);
	assert_int_equal(vnet_rx_one(&net, &req, frame, VNET_FRAME_MAX), VNET_HDR_BYTES + VNET_FRAME_MAX);
	assert_received(b, 5, VNET_FRAME_MAX);
	assert_true(net.rx_packets == 1 && net.rx_bytes == VNET_FRAME_MAX);
}

static void test_rx_exact_fit(void **state)
{
	const struct fg_buf b[] = { { VNET_HDR_BYTES, true }, { 60, true } };

	rx_take(b, 2);
	assert_int_equal(vnet_rx_one(&net, &req, frame, 60), VNET_HDR_BYTES + 60);
	assert_received(b, 2, 60);
}

static void test_rx_request_too_small(void **state)
{
	const struct fg_buf b[] = { { VNET_HDR_BYTES, true }, { 59, true } };
	const struct fg_buf header_only[] = { { VNET_HDR_BYTES, true } };

	rx_take(b, 2);
	assert_int_equal(vnet_rx_one(&net, &req, frame, 60), 0);
	assert_untouched(b, 2);
	/* the same request takes a frame that fits */
	assert_int_equal(vnet_rx_one(&net, &req, frame, 59), VNET_HDR_BYTES + 59);
	assert_received(b, 2, 59);
	rx_take(header_only, 1);
	assert_int_equal(vnet_rx_one(&net, &req, frame, VNET_ETH_HLEN), 0);
	assert_untouched(header_only, 1);
	assert_true(net.rx_errors == 2 && net.rx_dropped == 2 && net.rx_packets == 1 && net.rx_bytes == 59);
}

static void test_rx_readable_buffer(void **state)
{
	const struct fg_buf b[] = { { 16, false }, { 2000, true } };

	rx_take(b, 2);
	assert_int_equal(vnet_rx_one(&net, &req, frame, 60), 0);
	assert_untouched(b, 2);
	assert_true(net.rx_errors == 1 && net.rx_dropped == 1 && !net.rx_packets);
}

static void test_rx_frame_refused(void **state)
{
	const struct fg_buf b[] = { { 4096, true } };

	rx_take(b, 1);
	assert_int_equal(vnet_rx_one(&net, &req, frame, VNET_FRAME_MAX + 1), -1);
	assert_int_equal(vnet_rx_one(&net, &req, frame, VNET_ETH_HLEN - 1), -1);
	assert_int_equal(vnet_rx_one(&net, &req, frame, 0), -1);
	assert_untouched(b, 1);
	assert_true(net.rx_dropped == 3 && !net.rx_errors && !net.rx_packets);
	/* the request kept takes the next frame */
	assert_int_equal(vnet_rx_one(&net, &req, frame, VNET_ETH_HLEN), VNET_HDR_BYTES + VNET_ETH_HLEN);
	assert_received(b, 1, VNET_ETH_HLEN);
	assert_true(net.rx_packets == 1 && net.rx_bytes == VNET_ETH_HLEN);
}

/* Both directions through a queue each, as the daemon runs them, with the counters at the end */
static void test_counters(void **state)
{
	const struct fg_buf txb[] = { { VNET_HDR_BYTES, false }, { 100, false } };
	const struct fg_buf rxb[] = { { VNET_HDR_BYTES + 1518, true } };

	for (unsigned int i = 0; i < 10; i++) {
		sink_got.calls = 0;
		tx(txb, 2, 100);
		assert_int_equal(vnet_tx_one(&net, &req, sink, &sink_got), 0);
		assert_int_equal(virtq_push(&g.q, &g.mem, req.head, 0), 0);
		rx_take(rxb, 1);
		assert_int_equal(vnet_rx_one(&net, &req, frame, 60 + i), (int)(VNET_HDR_BYTES + 60 + i));
		assert_int_equal(virtq_push(&g.q, &g.mem, req.head, VNET_HDR_BYTES + 60 + i), 0);
	}
	assert_int_equal(fg_used_idx(&g), 20);
	assert_true(net.tx_packets == 10 && net.tx_bytes == 1000);
	assert_true(net.rx_packets == 10 && net.rx_bytes == 10 * 60 + 45);
	assert_true(!net.tx_errors && !net.tx_dropped && !net.rx_errors && !net.rx_dropped);
}

/* ---- names and addresses ---- */

static void test_default_mac(void **state)
{
	static const uint8_t want[6] = { 0x02, 0x58, 0x4c, 0x01, 0x2c, 0x03 };
	uint8_t mac[6];

	vnet_default_mac(300, 3, mac);
	assert_memory_equal(mac, want, 6);
	vnet_default_mac(0x12345678, 0, mac);
	assert_int_equal(mac[3], 0x56);
	assert_int_equal(mac[4], 0x78);
	assert_int_equal(mac[5], 0);
	assert_int_equal(mac[0] & 3, 2); /* locally administered, unicast */
}

static void test_parse_mac(void **state)
{
	static const uint8_t want[6] = { 0x02, 0xab, 0xCD, 0x00, 0x9f, 0xf0 };
	static const char *const bad[] = {
		"", "02:ab:cd:00:9f", "02:ab:cd:00:9f:f", "02:ab:cd:00:9f:f0:", "02:ab:cd:00:9f:f0:11",
		"02-ab-cd-00-9f-f0", "02:ab:cd:00:9g:f0", " 02:ab:cd:00:9f:f0", "2:ab:cd:00:9f:f0",
		"01:00:5e:00:00:01", /* multicast */
		"ff:ff:ff:ff:ff:ff", /* broadcast */
		"00:00:00:00:00:00",
	};
	uint8_t mac[6];

	assert_int_equal(vnet_parse_mac("02:ab:CD:00:9f:F0", mac), 0);
	assert_memory_equal(mac, want, 6);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(mac, 0x11, 6);
		assert_int_equal(vnet_parse_mac(bad[i], mac), -1);
		for (unsigned int k = 0; k < 6; k++)
			assert_int_equal(mac[k], 0x11);
	}
}

static void test_tap_names(void **state)
{
	char name[TAP_NAME_MAX], err[256];

	tap_default_name(7, 0, name);
	assert_string_equal(name, "xlv7.0");
	tap_default_name(4294967295u, 9, name);
	assert_string_equal(name, "xlv4294967295.9"); /* 15 characters: the longest */
	/* names refused before anything is opened, saying why */
	assert_int_equal(tap_open("a-name-of-16-chr", NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "a-name-of-16-chr"));
	assert_non_null(strstr(err, "Invalid argument"));
	assert_int_equal(tap_open("", NULL, err, sizeof(err)), -1);
	assert_int_equal(tap_open("a/b", NULL, err, sizeof(err)), -1);
	assert_int_equal(tap_open("xlv1.0", "a-bridge-name-16", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bridge"));
	assert_int_equal(tap_open("xlv1.0", "br0", err, 0), -1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_features),
		T(test_config),
		T(test_tx_one_buffer),
		T(test_tx_header_own_buffer),
		T(test_tx_header_split),
		T(test_tx_lengths),
		T(test_tx_writable_buffer),
		T(test_tx_sink_refuses),
		T(test_rx_one_buffer),
		T(test_rx_several_buffers),
		T(test_rx_exact_fit),
		T(test_rx_request_too_small),
		T(test_rx_readable_buffer),
		T(test_rx_frame_refused),
		T(test_counters),
		T(test_default_mac),
		T(test_parse_mac),
		T(test_tap_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
