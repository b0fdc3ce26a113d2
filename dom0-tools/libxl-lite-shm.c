/*
 * libxl-lite: shared memory segments (XL_HC_SHM) and event channels
 * (XL_HC_EVENT) through /dev/xenlite (see libxl-lite.h). Every call goes
 * through xl_hypercall(), so the host tests can put a fake hypervisor under
 * it (tests/unit/shm_fake_node.c).
 */
#include <errno.h>
#include <string.h>

#include "libxl-lite.h"
#include "xl-shm-args.h"

static int shm_fail(struct xl_handle *h, enum xl_err_source source, int err, const char *call)
{
	h->err = (struct xl_error){ source, err, call };
	return -1;
}

/* The name into a zeroed field; a name the hypervisor would refuse is refused here. */
static int put_name(struct xl_handle *h, char field[XL_SHM_NAME_MAX], const char *name,
		    const char *call)
{
	memset(field, 0, XL_SHM_NAME_MAX);
	if (xl_shm_name_problem(name))
		return shm_fail(h, XL_ERR_DRIVER, EINVAL, call);
	memcpy(field, name, strlen(name));
	return 0;
}

int xl_shm_create(struct xl_handle *h, const char *name, uint64_t size, uint32_t flags)
{
	struct xl_shm_create req = { .size = size, .flags = flags };

	if (put_name(h, req.name, name, "XL_SHM_CREATE"))
		return -1;
	return xl_hypercall(h, "XL_SHM_CREATE", XL_HC_SHM, XL_SHM_CREATE, &req, sizeof(req), 0) < 0 ? -1 : 0;
}

int xl_shm_destroy(struct xl_handle *h, const char *name)
{
	struct xl_shm_name req;

	if (put_name(h, req.name, name, "XL_SHM_DESTROY"))
		return -1;
	return xl_hypercall(h, "XL_SHM_DESTROY", XL_HC_SHM, XL_SHM_DESTROY, &req, sizeof(req), 0) < 0 ? -1 : 0;
}

int xl_shm_attach(struct xl_handle *h, const char *name, uint32_t domid, uint32_t flags,
		  uint64_t *gpa)
{
	struct xl_shm_attach req = { .domid = domid, .flags = flags };

	if (put_name(h, req.name, name, "XL_SHM_ATTACH"))
		return -1;
	if (xl_hypercall(h, "XL_SHM_ATTACH", XL_HC_SHM, XL_SHM_ATTACH, &req, sizeof(req), 0) < 0)
		return -1;
	/*
	 * a guest's segments live from XL_SHM_GPA_BASE up, dom0's at their
	 * host-physical address (it is identity-mapped); page-aligned, not 0:
	 * anything else is not an answer
	 */
	if ((domid && req.gpa < XL_SHM_GPA_BASE) || !req.gpa || req.gpa % 4096)
		return shm_fail(h, XL_ERR_REPLY, EPROTO, "XL_SHM_ATTACH");
	*gpa = req.gpa;
	return 0;
}

int xl_shm_detach(struct xl_handle *h, const char *name, uint32_t domid)
{
	struct xl_shm_attach req = { .domid = domid };

	if (put_name(h, req.name, name, "XL_SHM_DETACH"))
		return -1;
	return xl_hypercall(h, "XL_SHM_DETACH", XL_HC_SHM, XL_SHM_DETACH, &req, sizeof(req), 0) < 0 ? -1 : 0;
}

/*
 * LIST or QUERY into out, max entries of size bytes: how many there are
 * (at most most: a larger count is no answer), or -1.
 */
static int shm_table(struct xl_handle *h, const char *call, uint32_t op, void *out, size_t size,
		     unsigned int max, int64_t most)
{
	size_t len = (size_t)max * size;
	int64_t n;

	if (len > XL_IOCTL_MAX_LEN)
		return shm_fail(h, XL_ERR_DRIVER, E2BIG, call);
	memset(out, 0, len);
	n = xl_hypercall(h, call, XL_HC_SHM, op, out, len, 0);
	if (n > most)
		return shm_fail(h, XL_ERR_REPLY, EPROTO, call);
	return (int)n;
}

int xl_shm_list(struct xl_handle *h, struct xl_shm_info *out, unsigned int max)
{
	int n = shm_table(h, "XL_SHM_LIST", XL_SHM_LIST, out, sizeof(*out), max, XL_SHM_MAX_SEGMENTS);

	/* the printers index attached[] by nr_attached: never past its end */
	for (int i = 0; i < n && (unsigned int)i < max; i++)
		if (out[i].nr_attached > XL_SHM_MAX_ATTACH)
			return shm_fail(h, XL_ERR_REPLY, EPROTO, "XL_SHM_LIST");
	return n;
}

int xl_shm_query(struct xl_handle *h, struct xl_shm_mapping *out, unsigned int max)
{
	return shm_table(h, "XL_SHM_QUERY", XL_SHM_QUERY, out, sizeof(*out), max, XL_SHM_MAX_PER_DOMAIN);
}

int xl_event_connect(struct xl_handle *h, uint32_t a, uint32_t b, uint32_t *port_a,
		     uint32_t *port_b)
{
	int64_t r = xl_hypercall(h, "XL_EVENT_CONNECT", XL_HC_EVENT, XL_EVENT_CONNECT, NULL, 0,
				 XL_IOCTL_EVENT_ARGS(a, b));
	uint64_t ports = (uint64_t)r;

	if (r < 0)
		return -1;
	if ((ports & 0xffffffffu) >= XL_EVENT_MAX_PORTS || ports >> 32 >= XL_EVENT_MAX_PORTS)
		return shm_fail(h, XL_ERR_REPLY, EPROTO, "XL_EVENT_CONNECT");
	*port_a = (uint32_t)(ports & 0xffffffffu);
	*port_b = (uint32_t)(ports >> 32);
	return 0;
}

int xl_event_send(struct xl_handle *h, uint32_t port)
{
	if (port >= XL_EVENT_MAX_PORTS)
		return shm_fail(h, XL_ERR_DRIVER, EINVAL, "XL_EVENT_SEND");
	return xl_hypercall(h, "XL_EVENT_SEND", XL_HC_EVENT, XL_EVENT_SEND, NULL, 0, port) < 0 ? -1 : 0;
}

int xl_event_close(struct xl_handle *h, uint32_t port)
{
	if (port >= XL_EVENT_MAX_PORTS)
		return shm_fail(h, XL_ERR_DRIVER, EINVAL, "XL_EVENT_CLOSE");
	return xl_hypercall(h, "XL_EVENT_CLOSE", XL_HC_EVENT, XL_EVENT_CLOSE, NULL, 0, port) < 0 ? -1 : 0;
}

int xl_event_status(struct xl_handle *h, uint32_t port, struct xl_event_status *st)
{
	memset(st, 0, sizeof(*st));
	if (port >= XL_EVENT_MAX_PORTS)
		return shm_fail(h, XL_ERR_DRIVER, EINVAL, "XL_EVENT_STATUS");
	return xl_hypercall(h, "XL_EVENT_STATUS", XL_HC_EVENT, XL_EVENT_STATUS, st, sizeof(*st), port) < 0 ? -1 : 0;
}

int xl_event_find_peer(struct xl_handle *h, uint32_t domid, uint32_t remote_port, uint32_t *port)
{
	struct xl_event_status es;

	for (uint32_t p = 0; p < XL_EVENT_MAX_PORTS; p++)
		if (!xl_event_status(h, p, &es) && es.state == XL_EVENT_CONNECTED && es.remote_domid == domid &&
		    es.remote_port == remote_port) {
			*port = p;
			return 0;
		}
	return shm_fail(h, XL_ERR_REPLY, ENOENT, "XL_EVENT_STATUS");
}
