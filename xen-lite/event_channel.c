/*
 * Event channels (include/xen-lite/event_channel.h). One lock for every
 * domain's ports: channels join two domains, so a per-domain lock would
 * need an order between them; the sections it guards are short (no waits,
 * no allocation), and a sender only ever waits for other senders.
 *
 * A port's peer is a domain pointer, valid while the lock is held: a
 * domain closes its ports (event_domain_destroyed()) under the lock before
 * anything of it is freed, and a domain found by id is looked up under
 * the domain list's lock (domain_call()), so it cannot be freed meanwhile.
 */
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/event_channel.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/log.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>

static spinlock_t event_lock = SPINLOCK_INIT;

static struct event_port *port_of(struct domain *d, uint32_t port)
{
	return port < XL_EVENT_MAX_PORTS ? &d->events.ports[port] : NULL;
}

static int free_port(struct domain *d)
{
	for (int p = 0; p < XL_EVENT_MAX_PORTS; p++)
		if (d->events.ports[p].state == XL_EVENT_FREE)
			return p;
	return -ENOSPC;
}

/*
 * Set the port's pending bit; raise its vector on the bit's rising edge.
 * counted: a notification its peer sent (not the word that the peer is gone).
 * Event lock held.
 */
static void notify(struct domain *d, uint32_t port, bool counted)
{
	struct event_port *ep = &d->events.ports[port];
	uint64_t bit = 1ULL << port, old;

	ep->received += counted;
	if (ep->device) {
		/* a device takes each notification as it comes (its own interrupt), none at closing */
		if (counted) {
			ep->raised++;
			ep->device(d, port, ep->device_opaque);
		}
		return;
	}
	if (!d->events.pending) {
		d->events.early |= bit; /* delivered when it registers a page */
		return;
	}
	old = __atomic_fetch_or(d->events.pending, bit, __ATOMIC_SEQ_CST);
	if (old & bit)
		return; /* coalesced: the receiver has not taken the last one yet */
	if (!ep->vector || ep->vcpu >= d->nr_vcpus) {
		ep->unraised = true; /* a binding made before the guest takes the bit raises it (BIND) */
		return;
	}
	ep->unraised = false;
	ep->raised++;
	arch_event_raise(d->vcpus[ep->vcpu], ep->vector);
}

int event_set_page(struct domain *d, gpa_t gpa)
{
	uint64_t *page = NULL;
	uint64_t flags;

	if (gpa_addr(gpa)) {
		if (!IS_ALIGNED(gpa_addr(gpa), PAGE_SIZE) || !domain_range_is_ram(d, gpa, PAGE_SIZE))
			return -EFAULT;
		page = guest_ram_ptr(d, gpa); /* in one block: blocks are 4 KiB aligned */
		if (!page)
			return -EFAULT;
	}
	flags = spin_lock_irqsave(&event_lock);
	if (d->events.closed)
		page = NULL;
	d->events.pending = page;
	if (page && d->events.early) {
		uint64_t early = d->events.early;

		d->events.early = 0;
		for (uint32_t p = 0; p < XL_EVENT_MAX_PORTS; p++)
			if (early & (1ULL << p))
				notify(d, p, false); /* counted when it came */
	}
	spin_unlock_irqrestore(&event_lock, flags);
	return 0;
}

static int offer_to(struct domain *remote, void *ctx)
{
	struct domain *d = ctx;
	uint64_t flags = spin_lock_irqsave(&event_lock);
	int port = free_port(d);

	if (remote->events.closed || d->events.closed)
		port = -ENOENT;
	if (port >= 0)
		d->events.ports[port] = (struct event_port){ .state = XL_EVENT_OFFERED, .remote_domid = remote->id };
	spin_unlock_irqrestore(&event_lock, flags);
	return port;
}

int event_offer(struct domain *d, uint32_t remote_id)
{
	if (remote_id == d->id)
		return -EINVAL; /* a domain signals itself without a channel */
	return domain_call(remote_id, offer_to, d);
}

/* One end connected to remote's port; a binding made while it was offered holds (a free port has none). */
static void connect_end(struct event_port *ep, struct domain *remote, int remote_port)
{
	*ep = (struct event_port){ .state = XL_EVENT_CONNECTED, .vector = ep->vector, .vcpu = ep->vcpu,
				   .remote_domid = remote->id, .remote = remote,
				   .remote_port = (uint16_t)remote_port };
}

/* Join a's port pa and b's port pb (both reserved by the caller). Event lock held. */
static void join(struct domain *a, int pa, struct domain *b, int pb)
{
	connect_end(&a->events.ports[pa], b, pb);
	connect_end(&b->events.ports[pb], a, pa);
}

struct accept {
	struct domain *d;
	uint32_t remote_port;
};

static int accept_from(struct domain *remote, void *ctx)
{
	struct accept *a = ctx;
	uint64_t flags = spin_lock_irqsave(&event_lock);
	struct event_port *offered = port_of(remote, a->remote_port);
	int port = free_port(a->d);

	/* the offer must name the caller: that is the consent of both */
	if (!offered || offered->state != XL_EVENT_OFFERED || offered->remote_domid != a->d->id ||
	    remote->events.closed || a->d->events.closed)
		port = -EPERM;
	if (port >= 0)
		join(remote, (int)a->remote_port, a->d, port);
	spin_unlock_irqrestore(&event_lock, flags);
	return port;
}

int event_accept(struct domain *d, uint32_t remote_id, uint32_t remote_port)
{
	struct accept a = { d, remote_port };

	if (remote_id == d->id)
		return -EINVAL;
	return domain_call(remote_id, accept_from, &a);
}

struct connect {
	uint32_t b_id;
	struct domain *a;
	int64_t result;
};

static int connect_b(struct domain *b, void *ctx)
{
	struct connect *c = ctx;
	uint64_t flags = spin_lock_irqsave(&event_lock);
	int pa = free_port(c->a), pb = free_port(b);

	if (c->a->events.closed || b->events.closed)
		c->result = -ENOENT;
	else if (pa < 0 || pb < 0)
		c->result = -ENOSPC;
	else {
		join(c->a, pa, b, pb);
		c->result = (int64_t)pa | (int64_t)pb << 32;
	}
	spin_unlock_irqrestore(&event_lock, flags);
	return 0;
}

static int connect_a(struct domain *a, void *ctx)
{
	struct connect *c = ctx;

	c->a = a;
	return domain_call_locked(c->b_id, connect_b, c);
}

int64_t event_connect(uint32_t a_id, uint32_t b_id)
{
	struct connect c = { b_id, NULL, -ENOENT };
	int err;

	if (a_id == b_id)
		return -EINVAL;
	err = domain_call(a_id, connect_a, &c);
	return err ? err : c.result;
}

/* The index of d's vCPU whose CPU has that APIC id, or d->nr_vcpus. */
static uint32_t vcpu_by_apic_id(const struct domain *d, uint32_t apic_id)
{
	uint32_t i;

	for (i = 0; i < d->nr_vcpus; i++)
		if (arch_cpu_apic_id(d->vcpus[i]->pcpu) == apic_id)
			break;
	return i;
}

int event_bind(struct domain *d, uint32_t port, uint32_t vcpu, uint32_t vector)
{
	struct event_port *ep = port_of(d, port);
	uint64_t flags;
	int err = 0;

	if (vector & XL_EVENT_BIND_APIC_ID) {
		vector &= ~XL_EVENT_BIND_APIC_ID;
		vcpu = vcpu_by_apic_id(d, vcpu);
	}
	if (!ep || vcpu >= d->nr_vcpus || vector > 255 || (vector && vector < XL_EVENT_FIRST_VECTOR))
		return -EINVAL;
	flags = spin_lock_irqsave(&event_lock);
	if (ep->state == XL_EVENT_FREE) {
		err = -ENOENT;
	} else if (ep->device) {
		err = -EPERM;
	} else {
		ep->vcpu = (uint16_t)vcpu;
		ep->vector = (uint8_t)vector;
		/*
		 * Notified while it was not bound: its bit is set, and stays so until
		 * the guest takes it - which, without this one interrupt, nothing
		 * would make it do (later notifications find the bit set and raise
		 * nothing). A bit that raised a vector already raises none again: a
		 * driver that binds at every wait, or moves its interrupt, gets one
		 * interrupt per notification.
		 */
		if (vector && ep->unraised && d->events.pending &&
		    (__atomic_load_n(d->events.pending, __ATOMIC_ACQUIRE) & (1ULL << port))) {
			ep->unraised = false;
			ep->raised++;
			arch_event_raise(d->vcpus[vcpu], (uint8_t)vector);
		}
	}
	spin_unlock_irqrestore(&event_lock, flags);
	return err;
}

static int send_on(struct domain *d, uint32_t port, bool by_device)
{
	struct event_port *ep = port_of(d, port);
	uint64_t flags;
	int err = 0;

	if (!ep)
		return -EINVAL;
	flags = spin_lock_irqsave(&event_lock);
	if (ep->state == XL_EVENT_FREE) {
		err = -ENOENT;
	} else if (!ep->device != !by_device) {
		err = -EPERM; /* the guest on its device's port, or a device on a port not its own */
	} else if (ep->state != XL_EVENT_CONNECTED) {
		err = -ENOTCONN;
	} else {
		ep->sent++;
		notify(ep->remote, ep->remote_port, true);
	}
	spin_unlock_irqrestore(&event_lock, flags);
	return err;
}

int event_send(struct domain *d, uint32_t port)
{
	return send_on(d, port, false);
}

int event_device_send(struct domain *d, uint32_t port)
{
	return send_on(d, port, true);
}

int event_set_device(struct domain *d, uint32_t port, void (*fn)(struct domain *d, uint32_t port, void *opaque),
		     void *opaque)
{
	struct event_port *ep = port_of(d, port);
	uint64_t flags;
	int err = 0;

	if (!ep || !fn)
		return -EINVAL;
	flags = spin_lock_irqsave(&event_lock);
	if (ep->state != XL_EVENT_CONNECTED || ep->remote_domid != 0)
		err = -ENOTCONN;
	else if (ep->device)
		err = -EBUSY;
	else {
		ep->device = fn;
		ep->device_opaque = opaque;
		ep->vector = 0; /* a binding the guest made before is not the device's */
	}
	spin_unlock_irqrestore(&event_lock, flags);
	return err;
}

void event_clear_device(struct domain *d, uint32_t port)
{
	struct event_port *ep = port_of(d, port);
	uint64_t flags;

	if (!ep)
		return;
	flags = spin_lock_irqsave(&event_lock);
	ep->device = NULL;
	ep->device_opaque = NULL;
	spin_unlock_irqrestore(&event_lock, flags);
}

/* Free the port; its peer's end becomes CLOSED and is told. Event lock held. */
static void close_port(struct domain *d, uint32_t port)
{
	struct event_port *ep = &d->events.ports[port];

	if (ep->state == XL_EVENT_CONNECTED) {
		struct event_port *peer = &ep->remote->events.ports[ep->remote_port];

		peer->state = XL_EVENT_CLOSED;
		peer->remote = NULL;
		notify(ep->remote, ep->remote_port, false);
	}
	*ep = (struct event_port){ .state = XL_EVENT_FREE };
	d->events.early &= ~(1ULL << port); /* not for whatever channel gets the port next */
}

int event_close(struct domain *d, uint32_t port)
{
	uint64_t flags;
	int err = 0;

	if (port >= XL_EVENT_MAX_PORTS)
		return -EINVAL;
	flags = spin_lock_irqsave(&event_lock);
	if (d->events.ports[port].state == XL_EVENT_FREE)
		err = -ENOENT;
	else if (d->events.ports[port].device)
		err = -EPERM; /* its device's: it goes with the domain */
	else
		close_port(d, port);
	spin_unlock_irqrestore(&event_lock, flags);
	return err;
}

void event_log_state(struct domain *d)
{
	/* each port copied under the event lock, logged after it: the serial line is slow */
	uint64_t flags = spin_lock_irqsave(&event_lock);
	uint64_t pending = d->events.pending ? __atomic_load_n(d->events.pending, __ATOMIC_SEQ_CST) : 0;
	bool page = d->events.pending;

	spin_unlock_irqrestore(&event_lock, flags);
	log_info("d%u events: page %s, pending %#llx\n", d->id, page ? "set" : "none", (unsigned long long)pending);
	for (uint32_t p = 0; p < XL_EVENT_MAX_PORTS; p++) {
		struct event_port ep;

		flags = spin_lock_irqsave(&event_lock);
		ep = d->events.ports[p];
		spin_unlock_irqrestore(&event_lock, flags);
		if (ep.state == XL_EVENT_CONNECTED)
			log_info("d%u port %u: vector %#x vCPU %u, sent %llu received %llu raised %llu%s\n", d->id,
				 p, ep.vector, ep.vcpu, (unsigned long long)ep.sent, (unsigned long long)ep.received,
				 (unsigned long long)ep.raised, ep.unraised ? ", unraised" : "");
	}
}

int event_status(struct domain *d, uint32_t port, struct xl_event_status *st)
{
	uint64_t flags;
	struct event_port ep;

	if (port >= XL_EVENT_MAX_PORTS)
		return -EINVAL;
	flags = spin_lock_irqsave(&event_lock);
	ep = d->events.ports[port];
	spin_unlock_irqrestore(&event_lock, flags);
	*st = (struct xl_event_status){ .state = ep.state, .remote_domid = ep.remote_domid,
					.remote_port = ep.remote_port, .vcpu = ep.vcpu,
					.vector = ep.vector, .sent = ep.sent,
					.received = ep.received, .raised = ep.raised };
	return 0;
}

void event_domain_destroyed(struct domain *d)
{
	uint64_t flags = spin_lock_irqsave(&event_lock);
	unsigned int closed = 0;

	d->events.closed = true;
	d->events.pending = NULL;
	for (uint32_t p = 0; p < XL_EVENT_MAX_PORTS; p++) {
		if (d->events.ports[p].state != XL_EVENT_FREE) {
			close_port(d, p);
			closed++;
		}
	}
	/* offers to it from others stay OFFERED: ACCEPT needs it by id, which is gone */
	spin_unlock_irqrestore(&event_lock, flags);
	if (closed)
		log_info("domain d%u: %u event channel(s) closed\n", d->id, closed);
}
