/*
 * XL_HC_EVENT: event channels (Documentation/hypercalls.md,
 * Documentation/composition.md). Every argument is the caller's: ports,
 * domain ids, vCPUs and vectors are range-checked here or in
 * event_channel.c before anything changes.
 */
#include <xen-lite-abi.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/event_channel.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/hypercall.h>

static int64_t status(struct domain *d, uint64_t port, uint64_t gpa)
{
	struct xl_event_status st;
	int err = event_status(d, (uint32_t)port, &st);

	if (err)
		return err;
	return copy_to_guest(d, gpa_init(gpa), &st, sizeof(st)) ? -EFAULT : 0;
}

int64_t event_hypercall(struct vcpu *v, uint64_t op, uint64_t a, uint64_t b, uint64_t c)
{
	struct domain *d = v->domain;

	/* ids, ports, vCPUs and vectors are 32-bit: a larger value is an error, not truncated */
	if (op != XL_EVENT_PAGE && op != XL_EVENT_STATUS && (a > UINT32_MAX || b > UINT32_MAX || c > UINT32_MAX))
		return -EINVAL;
	switch (op) {
	case XL_EVENT_PAGE:
		return event_set_page(d, gpa_init(a));
	case XL_EVENT_OFFER:
		return event_offer(d, (uint32_t)a);
	case XL_EVENT_ACCEPT:
		return event_accept(d, (uint32_t)a, (uint32_t)b);
	case XL_EVENT_CONNECT:
		return d->privileged ? event_connect((uint32_t)a, (uint32_t)b) : -EPERM;
	case XL_EVENT_BIND:
		return event_bind(d, (uint32_t)a, (uint32_t)b, (uint32_t)c);
	case XL_EVENT_SEND:
		return event_send(d, (uint32_t)a);
	case XL_EVENT_CLOSE:
		return event_close(d, (uint32_t)a);
	case XL_EVENT_STATUS:
		return a > UINT32_MAX ? -EINVAL : status(d, a, b);
	default:
		return -EINVAL;
	}
}
