/*
 * A virtio network device's logic (see virtio-net.h): features,
 * configuration space, and frames moved between a request's buffers and
 * the daemon.
 *
 * The lengths used are the ones virtq_pop checked when it took the chain,
 * never the guest's memory again; a transmitted frame is copied out into a
 * local buffer before its length and contents are used.
 */
#include <ctype.h>
#include <string.h>

#include "virtio-net.h"

/* ---- addresses ---- */

void vnet_default_mac(uint32_t domid, unsigned int n, uint8_t mac[6])
{
	const uint8_t m[6] = { 0x02, 0x58, 0x4c, (uint8_t)(domid >> 8), (uint8_t)domid, (uint8_t)n };

	memcpy(mac, m, 6);
}

static int hex_digit(char c)
{
	if (!isxdigit((unsigned char)c))
		return -1;
	return isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10;
}

int vnet_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];

	for (unsigned int i = 0; i < 6; i++) {
		int hi = hex_digit(s[3 * i]), lo = hi < 0 ? -1 : hex_digit(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || s[3 * i + 2] != (i < 5 ? ':' : '\0'))
			return -1;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	if (m[0] & 1 || !(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]))
		return -1;
	memcpy(mac, m, 6);
	return 0;
}

/* ---- features and configuration ---- */

uint64_t vnet_features(void)
{
	return 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_RING_F_EVENT_IDX | 1ull << VIRTIO_NET_F_MAC |
	       1ull << VIRTIO_NET_F_STATUS | 1ull << VIRTIO_NET_F_MTU;
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/*
 * struct virtio_net_config (5.1.4): mac[6] at 0, status at 6,
 * max_virtqueue_pairs at 8, mtu at 10 (then speed, duplex and RSS's fields,
 * which no offered feature makes valid: not given). max_virtqueue_pairs is
 * valid only with VIRTIO_NET_F_MQ, not offered; it says 1 all the same.
 */
size_t vnet_config(const uint8_t mac[6], uint8_t *out, size_t max)
{
	if (max < VNET_CONFIG_BYTES)
		return 0;
	memcpy(out, mac, 6);
	put_le16(out + 6, VIRTIO_NET_S_LINK_UP);
	put_le16(out + 8, 1);
	put_le16(out + 10, VNET_MTU);
	return VNET_CONFIG_BYTES;
}

/* ---- the request's buffers ---- */

/*
 * Copies bytes [skip, skip + len) of r's readable buffers into out, or len
 * bytes from in into r's writable buffers from byte skip on. The bytes
 * copied (fewer only if the buffers end first).
 */
static size_t gather(const struct virtq_req *r, size_t skip, uint8_t *out, size_t len)
{
	size_t done = 0;

	for (unsigned int i = 0; i < r->n && done < len; i++) {
		const struct virtq_iov *v = &r->iov[i];
		size_t n;

		if (v->writable)
			continue;
		if (skip >= v->len) {
			skip -= v->len;
			continue;
		}
		n = v->len - skip < len - done ? v->len - skip : len - done;
		memcpy(out + done, (const uint8_t *)v->base + skip, n);
		done += n;
		skip = 0;
	}
	return done;
}

static size_t scatter(const struct virtq_req *r, size_t skip, const uint8_t *in, size_t len)
{
	size_t done = 0;

	for (unsigned int i = 0; i < r->n && done < len; i++) {
		const struct virtq_iov *v = &r->iov[i];
		size_t n;

		if (!v->writable)
			continue;
		if (skip >= v->len) {
			skip -= v->len;
			continue;
		}
		n = v->len - skip < len - done ? v->len - skip : len - done;
		memcpy((uint8_t *)v->base + skip, in + done, n);
		done += n;
		skip = 0;
	}
	return done;
}

/* ---- transmit: guest to host ---- */

int vnet_tx_one(struct vnet *n, const struct virtq_req *r, vnet_write_frame_fn sink, void *ctx)
{
	uint8_t frame[VNET_FRAME_MAX];
	size_t len;

	/*
	 * 5.1.6.2: the header and the packet are device-readable; the device
	 * writes nothing. A frame's length is the readable bytes after the
	 * header, as virtq_pop counted them.
	 */
	if (r->writable_bytes || r->readable_bytes < VNET_HDR_BYTES + VNET_ETH_HLEN ||
	    r->readable_bytes - VNET_HDR_BYTES > VNET_FRAME_MAX) {
		n->tx_errors++;
		return -1;
	}
	len = r->readable_bytes - VNET_HDR_BYTES;
	if (gather(r, VNET_HDR_BYTES, frame, len) != len) { /* cannot happen: the lengths were counted */
		n->tx_errors++;
		return -1;
	}
	if (sink(ctx, frame, len)) {
		n->tx_dropped++;
		return -1;
	}
	n->tx_packets++;
	n->tx_bytes += len;
	return 0;
}

/* ---- receive: host to guest ---- */

int vnet_rx_one(struct vnet *n, const struct virtq_req *r, const uint8_t *frame, size_t len)
{
	uint8_t hdr[VNET_HDR_BYTES] = { 0 };

	if (len < VNET_ETH_HLEN || len > VNET_FRAME_MAX) {
		n->rx_dropped++;
		return -1;
	}
	/* 5.1.6.3: receive buffers are device-writable only */
	if (r->readable_bytes || r->writable_bytes < VNET_HDR_BYTES + len) {
		n->rx_errors++;
		n->rx_dropped++;
		return 0;
	}
	/*
	 * 5.1.6.4: no offload negotiated, so flags 0 (no DATA_VALID, no
	 * NEEDS_CSUM), gso_type GSO_NONE (0), the rest 0; num_buffers 1, as
	 * MRG_RXBUF is not negotiated.
	 */
	put_le16(hdr + 10, 1);
	scatter(r, 0, hdr, VNET_HDR_BYTES);
	scatter(r, VNET_HDR_BYTES, frame, len);
	n->rx_packets++;
	n->rx_bytes += len;
	return (int)(VNET_HDR_BYTES + len);
}
