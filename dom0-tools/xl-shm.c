/*
 * xl-lite's shared memory segments and event channels (Documentation/tools.md):
 * shm-create, shm-destroy, shm-attach, shm-detach, shm-list, shm-read and
 * shm-write (dom0's own view, through /dev/xenlite's mmap), event-connect
 * and notify; and a configuration's shm key at create (xl_shm_give()).
 * The hypervisor's refusals are said as their cause for this command.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xl-cfg.h"
#include "xl-cmds.h"
#include "xl-lite-fmt.h"
#include "xl-shm-fmt.h"

/* the most shm-read prints when no LENGTH is given */
#define SHM_READ_DEFAULT 4096

static struct xl_shm_info segs[XL_SHM_MAX_SEGMENTS];

static int list_domains(void *h, struct xl_domain_info *doms, unsigned int max)
{
	return xl_domain_list(h, doms, max);
}

/* A domain argument (an id or a name) into *domid; the exit status. */
static int resolve(struct xl_handle *h, const char *arg, uint32_t *domid)
{
	static struct xl_domain_info doms[XL_LIST_MAX];
	enum xl_domain_lookup r = xl_find_domain(arg, list_domains, h, doms, XL_LIST_MAX, domid);

	if (r == XL_DOMAIN_LIST_FAILED)
		return xl_report(&h->err);
	return xl_domain_lookup_error(stderr, r, arg);
}

/* Whether the hypervisor refused with -err (not the driver, not a malformed reply). */
static bool refused(const struct xl_handle *h, int err)
{
	return h->err.source == XL_ERR_HYPERVISOR && h->err.err == err;
}

/*
 * The live segment named name (not a destroyed one) in segs[], or NULL (also
 * when XL_SHM_LIST fails: the caller falls back to the error it has).
 */
static const struct xl_shm_info *find_segment(struct xl_handle *h, const char *name)
{
	struct xl_error cause = h->err;
	int n = xl_shm_list(h, segs, XL_SHM_MAX_SEGMENTS);

	h->err = cause; /* the error being explained stays the one reported */
	for (int i = 0; i < n && i < XL_SHM_MAX_SEGMENTS; i++)
		if (!strncmp(segs[i].name, name, sizeof(segs[i].name)) && !(segs[i].flags & XL_SHM_DESTROYED))
			return &segs[i];
	return NULL;
}

static bool has_domain(const struct xl_shm_info *s, uint32_t domid)
{
	for (uint32_t j = 0; j < s->nr_attached && j < XL_SHM_MAX_ATTACH; j++)
		if (s->attached[j].domid == domid)
			return true;
	return false;
}

__attribute__((format(printf, 2, 3))) static int say(const char *cmd, const char *fmt, ...);

/* "xl-lite: CMD: WHAT" on stderr; XL_EXIT_ERROR. */
static int say(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xl-lite: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return XL_EXIT_ERROR;
}

/* The hypervisor's refusal of an attach of name to domid, as its cause. */
static int attach_refused(struct xl_handle *h, const char *cmd, const char *name, uint32_t domid)
{
	const struct xl_shm_info *s;

	if (refused(h, ENOENT))
		return find_segment(h, name) ? say(cmd, "no domain %u", domid)
						     : say(cmd, "no segment named '%s' (xl-lite shm-list)", name);
	if (refused(h, EEXIST))
		return say(cmd, "'%s' is attached to domain %u already", name, domid);
	if (refused(h, ENOSPC)) {
		s = find_segment(h, name);
		if (s && s->nr_attached >= XL_SHM_MAX_ATTACH)
			return say(cmd, "'%s' is attached to %d domains already, the most a segment takes",
				   name, XL_SHM_MAX_ATTACH);
		return say(cmd, "domain %u has %d segments attached already, the most a domain takes", domid,
			   XL_SHM_MAX_PER_DOMAIN);
	}
	return xl_report(&h->err);
}

static int shm_create(struct xl_handle *h, const struct xl_args *a)
{
	char size[24];

	if (!xl_shm_create(h, a->args[0], a->size, 0))
		return XL_EXIT_OK;
	if (refused(h, EEXIST))
		return say("shm-create", "a segment named '%s' exists already", a->args[0]);
	if (refused(h, ENOSPC))
		return say("shm-create", "the node has %d segments already, the most it takes", XL_SHM_MAX_SEGMENTS);
	if (refused(h, ENOMEM))
		return say("shm-create", "not enough free memory for %s",
			   xl_shm_size_text(a->size, size, sizeof(size)));
	return xl_report(&h->err);
}

static int shm_destroy(struct xl_handle *h, const struct xl_args *a)
{
	/*
	 * The domains that have it, from the list before: afterwards it is one
	 * of the destroyed segments of that name, which may be several.
	 */
	const struct xl_shm_info *s = find_segment(h, a->args[0]);
	struct xl_shm_info before;

	if (s)
		before = *s;
	if (xl_shm_destroy(h, a->args[0])) {
		if (refused(h, ENOENT))
			return say("shm-destroy", "no segment named '%s' (xl-lite shm-list)", a->args[0]);
		return xl_report(&h->err);
	}
	xl_print_shm_destroyed(stdout, a->args[0], s ? &before : NULL);
	return XL_EXIT_OK;
}

static int shm_attach(struct xl_handle *h, const struct xl_args *a)
{
	uint32_t domid;
	uint64_t gpa;
	int rc = resolve(h, a->args[1], &domid);

	if (rc != XL_EXIT_OK)
		return rc;
	if (xl_shm_attach(h, a->args[0], domid, a->read_only ? XL_SHM_READ_ONLY : 0, &gpa))
		return attach_refused(h, "shm-attach", a->args[0], domid);
	printf("0x%llx\n", (unsigned long long)gpa);
	return XL_EXIT_OK;
}

static int shm_detach(struct xl_handle *h, const struct xl_args *a)
{
	const struct xl_shm_info *s;
	uint32_t domid;
	int rc = resolve(h, a->args[1], &domid);

	if (rc != XL_EXIT_OK)
		return rc;
	if (!xl_shm_detach(h, a->args[0], domid))
		return XL_EXIT_OK;
	if (refused(h, ENOENT)) {
		s = find_segment(h, a->args[0]);
		if (!s)
			return say("shm-detach", "no segment named '%s' (xl-lite shm-list)", a->args[0]);
		if (!has_domain(s, domid))
			return say("shm-detach", "'%s' is not attached to domain %u", a->args[0], domid);
	}
	if (refused(h, EBUSY)) /* /dev/xenlite's: detached, the mapping would end dom0 at its next access */
		return say("shm-detach", "a process in dom0 still maps '%s' (/dev/xenlite): it must unmap it first",
			   a->args[0]);
	return xl_report(&h->err);
}

static int shm_list(struct xl_handle *h, const struct xl_args *a)
{
	int n = xl_shm_list(h, segs, XL_SHM_MAX_SEGMENTS);

	if (n < 0)
		return xl_report(&h->err);
	xl_print_shm_list(stdout, segs, (unsigned int)n, a->json);
	return XL_EXIT_OK;
}

/*
 * dom0's own attachment of name (XL_SHM_QUERY) into *m, and [offset,
 * offset + len) checked against its size (offset inside it even for len 0);
 * the exit status.
 */
static int dom0_mapping(struct xl_handle *h, const char *cmd, const char *name, uint64_t offset,
			uint64_t len, struct xl_shm_mapping *m)
{
	struct xl_shm_mapping maps[XL_SHM_MAX_PER_DOMAIN];
	char size[24];
	int n = xl_shm_query(h, maps, XL_SHM_MAX_PER_DOMAIN);

	if (n < 0)
		return xl_report(&h->err);
	for (int i = 0; i < n; i++)
		if (!strncmp(maps[i].name, name, sizeof(maps[i].name)))
			*m = maps[i];
	if (!m->name[0])
		return say(cmd, "dom0 has no segment '%s' attached (xl-lite shm-attach %s 0)", name, name);
	if (m->gpa % 4096 || m->size % 4096) {
		h->err = (struct xl_error){ XL_ERR_REPLY, EPROTO, "XL_SHM_QUERY" };
		return xl_report(&h->err);
	}
	if (offset >= m->size)
		return say(cmd, "offset %llu is past the end of '%s' (%s)", (unsigned long long)offset, name,
			   xl_shm_size_text(m->size, size, sizeof(size)));
	if (len > m->size - offset)
		return say(cmd, "%llu bytes at offset %llu run past the end of '%s' (%s)", (unsigned long long)len,
			   (unsigned long long)offset, name, xl_shm_size_text(m->size, size, sizeof(size)));
	return XL_EXIT_OK;
}

/* The pages of [offset, offset + len) of dom0's segment m, mapped; *at: offset's byte in them. */
static unsigned char *map_range(struct xl_handle *h, const struct xl_shm_mapping *m, uint64_t offset,
				uint64_t len, bool writable, size_t *map_len, size_t *at)
{
	uint64_t first = offset & ~4095ULL, end = (offset + len + 4095) & ~4095ULL;

	*at = (size_t)(offset - first);
	*map_len = (size_t)(end - first);
	return xl_map(h, m->gpa + first, *map_len, writable);
}

static int shm_read(struct xl_handle *h, const struct xl_args *a)
{
	struct xl_shm_mapping m = { .name = "" };
	uint64_t len = a->length;
	size_t map_len, at;
	unsigned char *p;
	int rc;

	rc = dom0_mapping(h, "shm-read", a->args[0], a->offset, a->have_length ? len : 0, &m);
	if (rc != XL_EXIT_OK)
		return rc;
	/* the default: 4 KiB, or to the end of the segment (known once queried) */
	if (!a->have_length)
		len = m.size - a->offset < SHM_READ_DEFAULT ? m.size - a->offset : SHM_READ_DEFAULT;
	if (!len) {
		putchar('\n');
		return XL_EXIT_OK;
	}
	p = map_range(h, &m, a->offset, len, false, &map_len, &at);
	if (!p)
		return xl_report(&h->err);
	xl_print_shm_text(stdout, p + at, (size_t)len);
	xl_unmap(p, map_len);
	return XL_EXIT_OK;
}

static int shm_write(struct xl_handle *h, const struct xl_args *a)
{
	struct xl_shm_mapping m = { .name = "" };
	const char *s = a->args[2];
	uint64_t len = strlen(s) + (a->nul ? 1 : 0);
	size_t map_len, at;
	unsigned char *p;
	int rc;

	if (!len)
		return XL_EXIT_OK; /* nothing to write: not even a mapping is needed */
	rc = dom0_mapping(h, "shm-write", a->args[0], a->offset, len, &m);
	if (rc != XL_EXIT_OK)
		return rc;
	p = map_range(h, &m, a->offset, len, true, &map_len, &at);
	if (!p && h->err.source == XL_ERR_DRIVER && h->err.err == EACCES)
		return say("shm-write", "dom0 has '%s' attached read-only: %s refused a writable mapping (EACCES)",
			   a->args[0], XL_DEVICE_PATH);
	if (!p)
		return xl_report(&h->err);
	memcpy(p + at, s, (size_t)len); /* with the NUL of -z: the string's own terminator */
	xl_unmap(p, map_len);
	return XL_EXIT_OK;
}

static int event_connect(struct xl_handle *h, const struct xl_args *a)
{
	uint32_t d[2], port[2];
	int rc;

	for (int i = 0; i < 2; i++)
		if ((rc = resolve(h, a->args[i], &d[i])) != XL_EXIT_OK)
			return rc;
	if (d[0] == d[1]) {
		fprintf(stderr, "xl-lite: event-connect: '%s' and '%s' are the same domain (%u): a channel "
			"joins two\n", a->args[0], a->args[1], d[0]);
		return XL_EXIT_USAGE;
	}
	if (xl_event_connect(h, d[0], d[1], &port[0], &port[1])) {
		if (refused(h, ENOENT))
			return say("event-connect", "no domain %u or no domain %u", d[0], d[1]);
		if (refused(h, ENOSPC))
			return say("event-connect", "domain %u or %u has all its %d ports in use", d[0], d[1],
				   XL_EVENT_MAX_PORTS);
		return xl_report(&h->err);
	}
	printf("d%u port %u <-> d%u port %u\n", d[0], port[0], d[1], port[1]);
	return XL_EXIT_OK;
}

static int notify(struct xl_handle *h, const struct xl_args *a)
{
	if (!xl_event_send(h, a->port))
		return XL_EXIT_OK;
	if (refused(h, ENOTCONN))
		return say("notify", "dom0's port %u is not connected: offered and not accepted, or its other "
			   "end closed", a->port);
	if (refused(h, EINVAL) || refused(h, ENOENT))
		return say("notify", "dom0 has no port %u open", a->port);
	return xl_report(&h->err);
}

static int event_wait(struct xl_handle *h, const struct xl_args *a)
{
	if (!xl_event_wait(h, a->port, a->timeout_ms))
		return XL_EXIT_OK;
	if (h->err.err == ETIMEDOUT)
		return say("event-wait", "no event on dom0's port %u in %u ms", a->port, a->timeout_ms);
	if (h->err.err == ENOENT)
		return say("event-wait", "dom0 has no port %u open", a->port);
	return xl_report(&h->err);
}

static int event_close(struct xl_handle *h, const struct xl_args *a)
{
	if (!xl_event_close(h, a->port))
		return XL_EXIT_OK;
	if (refused(h, ENOENT) || refused(h, EINVAL))
		return say("event-close", "dom0 has no port %u open", a->port);
	return xl_report(&h->err);
}

int xl_cmd_shm(struct xl_handle *h, const struct xl_args *a)
{
	switch (a->cmd) {
	case XL_CMD_SHM_CREATE: return shm_create(h, a);
	case XL_CMD_SHM_DESTROY: return shm_destroy(h, a);
	case XL_CMD_SHM_ATTACH: return shm_attach(h, a);
	case XL_CMD_SHM_DETACH: return shm_detach(h, a);
	case XL_CMD_SHM_LIST: return shm_list(h, a);
	case XL_CMD_SHM_READ: return shm_read(h, a);
	case XL_CMD_SHM_WRITE: return shm_write(h, a);
	case XL_CMD_EVENT_CONNECT: return event_connect(h, a);
	case XL_CMD_NOTIFY: return notify(h, a);
	case XL_CMD_EVENT_WAIT: return event_wait(h, a);
	case XL_CMD_EVENT_CLOSE: return event_close(h, a);
	default: return XL_EXIT_USAGE;
	}
}

/* ---- the shm key at create ---- */

/*
 * One segment of the key: created (XL_SHM_AUTO) unless it exists, when its
 * size must be the key's. *created: whether this call made it. The exit status.
 */
static int make_segment(struct xl_handle *h, const char *file, const struct xl_cfg_shm *seg, bool *created)
{
	const struct xl_shm_info *s;
	char want[24], have[24];

	*created = false;
	if (!xl_shm_create(h, seg->name, seg->size, XL_SHM_AUTO)) {
		*created = true;
		return XL_EXIT_OK;
	}
	if (!refused(h, EEXIST))
		return xl_report(&h->err);
	s = find_segment(h, seg->name);
	if (!s)
		return xl_report(&h->err);
	if (s->size != seg->size)
		return say(file, "shm '%s' exists with size %s, the configuration says %s", seg->name,
			   xl_shm_size_text(s->size, have, sizeof(have)), xl_shm_size_text(seg->size, want, sizeof(want)));
	return XL_EXIT_OK;
}

int xl_shm_give(struct xl_handle *h, uint32_t domid, const struct xl_cfg *cfg, const char *file)
{
	uint64_t gpa;

	for (unsigned int i = 0; i < cfg->nr_shm; i++) {
		const struct xl_cfg_shm *seg = &cfg->shm[i];
		bool created;
		int rc = make_segment(h, file, seg, &created);

		if (rc == XL_EXIT_OK && xl_shm_attach(h, seg->name, domid, seg->read_only ? XL_SHM_READ_ONLY : 0, &gpa))
			rc = attach_refused(h, file, seg->name, domid);
		if (rc == XL_EXIT_OK)
			continue;
		/*
		 * A segment made here and never attached would outlive the guest
		 * (XL_SHM_AUTO frees it at its last detach, and nothing attached it):
		 * destroyed now. Those attached go when the caller destroys the guest.
		 */
		if (created)
			xl_shm_destroy(h, seg->name);
		return rc;
	}
	return XL_EXIT_OK;
}
