/*
 * A virtio network device's logic (virtio 1.x, section 5.1) for a dom0
 * back-end process: its features, its configuration space, and one request
 * at a time from its two queues (virtq.h), receiveq 0 and transmitq 1. The
 * frames come from and go to the daemon (a TAP device: xl-vnet.c), which
 * also owns the loop that pops, pushes and interrupts.
 *
 * No offload is offered (no CSUM, GSO, MRG_RXBUF, control queue, multiqueue):
 * every packet is one 12-byte header (struct virtio_net_hdr with num_buffers:
 * in virtio 1.x the header has num_buffers whether or not MRG_RXBUF is
 * negotiated, 5.1.6) followed by one Ethernet frame, without FCS, of 14 to
 * VNET_FRAME_MAX bytes.
 *
 * Everything the guest wrote is checked: a transmitted frame is copied out
 * of the guest's buffers once, and only the copy is checked and sent.
 */
#ifndef VIRTIO_NET_H
#define VIRTIO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtq.h"

/* Feature bits (5.1.3 and 6) */
#define VIRTIO_NET_F_MTU 3           /* mtu in the config */
#define VIRTIO_NET_F_MAC 5           /* mac in the config */
#define VIRTIO_NET_F_STATUS 16       /* status in the config */
#ifndef VIRTIO_RING_F_EVENT_IDX
#define VIRTIO_RING_F_EVENT_IDX 29   /* 6: used_event and avail_event */
#endif
#ifndef VIRTIO_F_VERSION_1
#define VIRTIO_F_VERSION_1 32        /* 6: virtio 1.x, little-endian */
#endif

/* The queues (5.1.2): one pair, no control queue */
#define VNET_RXQ 0
#define VNET_TXQ 1
#define VNET_NR_QUEUES 2

#define VIRTIO_NET_S_LINK_UP 1u      /* 5.1.4: status */

#define VNET_HDR_BYTES 12u           /* flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers */
#define VNET_ETH_HLEN 14u            /* the shortest frame: destination, source, type */
#define VNET_MTU 1500u
#define VNET_FRAME_MAX (VNET_MTU + VNET_ETH_HLEN) /* 1514: no FCS, no room for a VLAN tag */
#define VNET_CONFIG_BYTES 12u        /* mac[6], le16 status, le16 max_virtqueue_pairs, le16 mtu */

struct vnet {
	uint8_t mac[6];
	/* frames carried: guest to host (tx) and host to guest (rx) */
	uint64_t tx_packets, tx_bytes;
	uint64_t tx_errors;  /* transmit requests refused: malformed (the frame not sent) */
	uint64_t tx_dropped; /* well-formed frames the sink did not take */
	uint64_t rx_packets, rx_bytes;
	uint64_t rx_errors;  /* receive requests that could not take a frame (returned with 0 bytes) */
	uint64_t rx_dropped; /* frames not delivered: refused ones and those of rx_errors */
};

/*
 * The default MAC address of guest domid's network device n: locally
 * administered, unicast, 02:58:4c ("XL") then domid's low 16 bits and n.
 */
void vnet_default_mac(uint32_t domid, unsigned int n, uint8_t mac[6]);

/*
 * "XX:XX:XX:XX:XX:XX" (hex digits, either case) into mac: 0, or -1 (nothing
 * written) if s is not that, or is a multicast or all-zero address, which no
 * interface may have.
 */
int vnet_parse_mac(const char *s, uint8_t mac[6]);

/* The features the device offers */
uint64_t vnet_features(void);

/*
 * The device configuration (struct virtio_net_config up to mtu,
 * little-endian) into out: mac, status LINK_UP, max_virtqueue_pairs 1, mtu
 * VNET_MTU. Its length, VNET_CONFIG_BYTES, or 0 (nothing written) if max is
 * shorter.
 */
size_t vnet_config(const uint8_t mac[6], uint8_t *out, size_t max);

/*
 * Where a transmitted frame goes (a TAP device): 0 if it took the frame,
 * else -1 (the frame is dropped and counted).
 */
typedef int (*vnet_write_frame_fn)(void *ctx, const uint8_t *frame, size_t len);

/*
 * One transmit request (5.1.6.2): a header, then the frame, in the
 * device-readable buffers, split anyhow; no writable buffer. The frame is
 * copied out once and given to sink. The header's contents are ignored (no
 * offload is offered, so there is nothing in it for the device). Returns 0
 * if the frame went to the sink, -1 if not: the request is refused (a
 * writable buffer, a frame shorter than VNET_ETH_HLEN or longer than
 * VNET_FRAME_MAX: tx_errors) or the sink did not take it (tx_dropped).
 * Either way the request is pushed with 0 bytes written.
 */
int vnet_tx_one(struct vnet *n, const struct virtq_req *r, vnet_write_frame_fn sink, void *ctx);

/*
 * One frame of len bytes into one receive request (5.1.6.4): a header of
 * zeroes but num_buffers 1, then the frame, in the request's writable
 * buffers (split anyhow). Returns what to push the request with:
 *   > 0   the bytes written (header and frame): delivered (rx_packets);
 *   0     the request cannot take the frame (it is shorter than the header
 *         and the frame, or has device-readable buffers): nothing written, the
 *         frame dropped (rx_errors, rx_dropped). The request is to be pushed
 *         all the same, with 0 bytes: one bad buffer must not wedge the queue
 *         (a driver takes it as a short packet and counts a length error);
 *   -1    the frame itself is refused (shorter than VNET_ETH_HLEN or longer
 *         than VNET_FRAME_MAX): dropped (rx_dropped), nothing written; the
 *         request is untouched and is kept for the next frame.
 */
int vnet_rx_one(struct vnet *n, const struct virtq_req *r, const uint8_t *frame, size_t len);

#endif
