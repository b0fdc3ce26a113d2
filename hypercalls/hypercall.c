/*
 * The hypercall table and handlers. Each handler validates every argument
 * before acting (all six registers are the guest's), and either succeeds
 * or changes nothing. Documentation/hypercalls.md describes each one.
 */
#include <xen-lite-abi.h>
#include <xen-lite/domain.h>
#include <xen-lite/domain_console.h>
#include <xen-lite/domctl.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/hypercall.h>
#include <xen-lite/log.h>
#include <xen-lite/sysctl.h>

typedef int64_t (*hypercall_fn)(struct vcpu *v, const uint64_t args[6]);

struct hypercall {
	const char *name;
	hypercall_fn fn;
	bool dom0_only;
};

static int64_t hc_version(struct vcpu *v, const uint64_t args[6])
{
	switch (args[0]) {
	case XL_VERSION_ABI:
		return XL_ABI_VERSION;
	case XL_VERSION_FEATURES:
		return XL_FEATURE_CONSOLE | XL_FEATURE_SHUTDOWN;
	default:
		return -EINVAL;
	}
}

/* What dom0 typed for this domain, at most len bytes, into guest memory at gpa. */
static int64_t console_read(struct vcpu *v, gpa_t gpa, uint64_t len)
{
	char buf[DOMAIN_CONSOLE_INPUT];
	size_t n;

	len = MIN(len, (uint64_t)sizeof(buf));
	if (!domain_range_is_ram(v->domain, gpa, len))
		return -EFAULT; /* before any input is taken from the queue */
	n = domain_console_input(v->domain, buf, len);
	if (n && copy_to_guest(v->domain, gpa, buf, n))
		return -EFAULT;
	return (int64_t)n;
}

static int64_t hc_console_io(struct vcpu *v, const uint64_t args[6])
{
	gpa_t gpa = gpa_init(args[1]); /* the guest's number, a guest address from here on */
	uint64_t len = args[2];
	char buf[256];
	uint64_t done = 0;

	if (args[0] == XL_CONSOLE_READ)
		return console_read(v, gpa, len);
	if (args[0] != XL_CONSOLE_WRITE)
		return -EINVAL;
	if (len > XL_CONSOLE_MAX_WRITE)
		len = XL_CONSOLE_MAX_WRITE;
	if (!domain_range_is_ram(v->domain, gpa, len))
		return -EFAULT; /* checked whole before anything is printed */
	while (done < len) {
		uint64_t n = MIN(len - done, sizeof(buf));

		if (copy_from_guest(v->domain, buf, gpa_add(gpa, done), n))
			return -EFAULT;
		domain_console_write(v->domain, buf, n);
		done += n;
	}
	return (int64_t)len;
}

/*
 * XL_SHUTDOWN_QUERY: code 0, whether dom0 asked at all; XL_QUERY_REASON, what
 * it asked for - and the guest, by asking so, says it takes reboot requests.
 */
static int64_t shutdown_query(struct domain *d, uint64_t code)
{
	uint8_t asked = d->shutdown_asked;

	if (code != 0 && code != XL_QUERY_REASON)
		return -EINVAL;
	d->takes_shutdown_requests = true;
	if (code == XL_QUERY_REASON) {
		d->takes_reboot_requests = true;
		return asked;
	}
	return asked != 0;
}

static int64_t hc_shutdown(struct vcpu *v, const uint64_t args[6])
{
	struct domain *d = v->domain;

	switch (args[0]) {
	case XL_SHUTDOWN_POWEROFF:
	case XL_SHUTDOWN_REBOOT:
		domain_shutdown(d, (int)args[0]);
		return 0;
	case XL_SHUTDOWN_CRASH:
		domain_crash(d, "the guest reported a crash (code %#llx)", (unsigned long long)args[1]);
		return 0;
	case XL_SHUTDOWN_QUERY:
		return shutdown_query(d, args[1]);
	default:
		return -EINVAL;
	}
}

static int64_t hc_sysctl(struct vcpu *v, const uint64_t args[6])
{
	return sysctl_dispatch(v, args[0], args[1], args[2], args[3]);
}

static int64_t hc_domctl(struct vcpu *v, const uint64_t args[6])
{
	return domctl_dispatch(v, args[0], args[1], args[2], args[3]);
}

static int64_t hc_module(struct vcpu *v, const uint64_t args[6])
{
	return module_hypercall(v, args[0], gpa_init(args[1]), args[2], args[3]);
}

static int64_t hc_event(struct vcpu *v, const uint64_t args[6])
{
	return event_hypercall(v, args[0], args[1], args[2], args[3]);
}

static int64_t hc_shm(struct vcpu *v, const uint64_t args[6])
{
	return shm_hypercall(v, args[0], args[1], args[2], args[3]);
}

static const struct hypercall table[XL_HC_COUNT] = {
	[XL_HC_VERSION] = { "version", hc_version, false },
	[XL_HC_CONSOLE_IO] = { "console_io", hc_console_io, false },
	[XL_HC_SHUTDOWN] = { "shutdown", hc_shutdown, false },
	[XL_HC_SYSCTL] = { "sysctl", hc_sysctl, true },
	[XL_HC_DOMCTL] = { "domctl", hc_domctl, true },
	[XL_HC_MODULE] = { "module", hc_module, false }, /* load, unload, list: dom0 only, checked inside */
	[XL_HC_EVENT] = { "event", hc_event, false }, /* CONNECT: dom0 only, checked inside */
	[XL_HC_SHM] = { "shm", hc_shm, false }, /* all but QUERY: dom0 only, checked inside */
};

int64_t hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[6])
{
	if (nr >= XL_HC_COUNT || !table[nr].fn)
		return -ENOSYS;
	if (table[nr].dom0_only && !v->domain->privileged)
		return -EPERM;
	return table[nr].fn(v, args);
}
