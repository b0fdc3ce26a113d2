/*
 * Event channels between domains (XL_HC_EVENT, Documentation/composition.md):
 * a port of one domain joined to a port of another; a notification sets the
 * receiving port's bit in its domain's event page and, on the bit's rising
 * edge, raises the vector the receiver bound the port to.
 */
#ifndef XEN_LITE_EVENT_CHANNEL_H
#define XEN_LITE_EVENT_CHANNEL_H

#include <xen-lite-abi.h>
#include <xen-lite/addr.h>
#include <xen-lite/types.h>

struct domain;

struct event_port {
	uint8_t state; /* XL_EVENT_* */
	uint8_t vector; /* 0: not bound */
	uint16_t vcpu;
	uint16_t remote_port;
	uint32_t remote_domid;
	struct domain *remote; /* while connected: valid under the event lock */
	uint64_t sent, received, raised;
	bool unraised; /* its bit was set by a notification that raised nothing (it was not bound) */
	/* a device's port (event_set_device()): notifications go to it, not to the page */
	void (*device)(struct domain *d, uint32_t port, void *opaque);
	void *device_opaque;
};

/* A domain's ports; changed only under the event lock (event_channel.c). */
struct domain_events {
	struct event_port ports[XL_EVENT_MAX_PORTS];
	uint64_t *pending; /* its event page's word (the direct map), NULL: none registered */
	uint64_t early; /* bits set while it had no page: moved into the page when it registers one */
	bool closed; /* being destroyed: no new channel reaches it */
};

int event_set_page(struct domain *d, gpa_t gpa);
int event_offer(struct domain *d, uint32_t remote_id);
int event_accept(struct domain *d, uint32_t remote_id, uint32_t remote_port);
/* dom0's CONNECT: returns a's port | b's port << 32, or a negative errno */
int64_t event_connect(uint32_t a_id, uint32_t b_id);
int event_bind(struct domain *d, uint32_t port, uint32_t vcpu, uint32_t vector);
/* d's own notification: refused on a port a device of d owns (-EPERM), as BIND and CLOSE are. */
int event_send(struct domain *d, uint32_t port);
/*
 * d's port, connected to dom0, becomes its device's: dom0's notifications on
 * the other end call fn (under the event lock, interrupts off: no sleeping,
 * no lock that the event code may be called under), and only the device
 * sends on it (event_device_send()). 0, -ENOTCONN (not connected to dom0)
 * or -EBUSY (a device has it already).
 */
int event_set_device(struct domain *d, uint32_t port, void (*fn)(struct domain *d, uint32_t port, void *opaque),
		     void *opaque);
/* The port a device's no longer (an ADD that failed after event_set_device()) */
void event_clear_device(struct domain *d, uint32_t port);
int event_device_send(struct domain *d, uint32_t port);
int event_close(struct domain *d, uint32_t port);
int event_status(struct domain *d, uint32_t port, struct xl_event_status *st);
/* Its page's pending word and its connected ports' counts, logged (a guest that timed out) */
void event_log_state(struct domain *d);
/* Its ports closed (each peer told) and its page forgotten: before its memory goes. */
void event_domain_destroyed(struct domain *d);

#endif
