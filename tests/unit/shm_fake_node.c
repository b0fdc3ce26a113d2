/* The fake hypervisor of test_xl_shm.c (see shm_fake_node.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../dom0-tools/xl-cmds.h"
#include "../../dom0-tools/xl-shm-fmt.h"
#include "shm_fake_node.h"

struct shm_fake_node fake;

__attribute__((format(printf, 1, 2))) static void note(const char *fmt, ...)
{
	size_t len = strlen(fake.log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fake.log + len, sizeof(fake.log) - len, fmt, ap);
	va_end(ap);
}

void fake_reset(const char *const *names)
{
	for (unsigned int i = 0; i < XL_SHM_MAX_SEGMENTS; i++)
		free(fake.seg[i].mem);
	memset(&fake, 0, sizeof(fake));
	snprintf(fake.doms[0].name, sizeof(fake.doms[0].name), "dom0");
	fake.doms[0].state = XL_DOMAIN_RUNNING;
	fake.nr_doms = 1;
	for (; names && *names; names++) {
		struct xl_domain_info *d = &fake.doms[fake.nr_doms];

		d->domid = fake.nr_doms++;
		snprintf(d->name, sizeof(d->name), "%s", *names);
		d->state = XL_DOMAIN_RUNNING;
	}
	fake.next_domid = fake.nr_doms;
	for (unsigned int i = 0; i < 8; i++)
		fake.next_gpa[i] = XL_SHM_GPA_BASE;
}

static struct xl_domain_info *domain(uint32_t domid)
{
	for (unsigned int i = 0; i < fake.nr_doms; i++)
		if (fake.doms[i].domid == domid)
			return &fake.doms[i];
	return NULL;
}

/* The segment named name: a live one, else (destroyed) one that domains still have. */
static struct fake_seg *segment(const char *name, bool destroyed_too)
{
	for (int pass = 0; pass < (destroyed_too ? 2 : 1); pass++)
		for (unsigned int i = 0; i < XL_SHM_MAX_SEGMENTS; i++)
			if (fake.seg[i].used && !strcmp(fake.seg[i].info.name, name) &&
			    !(fake.seg[i].info.flags & XL_SHM_DESTROYED) == !pass)
				return &fake.seg[i];
	return NULL;
}

static unsigned int segments_of(uint32_t domid)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < XL_SHM_MAX_SEGMENTS; i++)
		for (uint32_t j = 0; fake.seg[i].used && j < fake.seg[i].info.nr_attached; j++)
			n += fake.seg[i].info.attached[j].domid == domid;
	return n;
}

static void drop(struct fake_seg *s)
{
	note("FREED %s\n", s->info.name);
	free(s->mem);
	memset(s, 0, sizeof(*s));
}

/* Detach domid from s; the segment goes with its last domain when destroyed or auto. */
static bool detach(struct fake_seg *s, uint32_t domid)
{
	struct xl_shm_info *in = &s->info;

	for (uint32_t j = 0; j < in->nr_attached; j++) {
		if (in->attached[j].domid != domid)
			continue;
		in->attached[j] = in->attached[--in->nr_attached];
		if (!in->nr_attached && (in->flags & (XL_SHM_DESTROYED | XL_SHM_AUTO)))
			drop(s);
		return true;
	}
	return false;
}

static int64_t shm_call(uint32_t op, void *buf)
{
	struct xl_shm_create *c = buf;
	struct xl_shm_attach *at = buf;
	struct fake_seg *s;
	char size[24];

	switch (op) {
	case XL_SHM_CREATE:
		assert_int_equal(c->reserved, 0);
		note("CREATE %s %s%s\n", c->name, xl_shm_size_text(c->size, size, sizeof(size)),
		     c->flags & XL_SHM_AUTO ? " auto" : "");
		if (segment(c->name, false))
			return -EEXIST;
		for (unsigned int i = 0; i < XL_SHM_MAX_SEGMENTS; i++) {
			if (fake.seg[i].used)
				continue;
			fake.seg[i].used = true;
			memcpy(fake.seg[i].info.name, c->name, XL_SHM_NAME_MAX);
			fake.seg[i].info.size = c->size;
			fake.seg[i].info.flags = c->flags & XL_SHM_AUTO;
			fake.seg[i].mem = c->size <= (1u << 20) ? calloc(1, c->size) : NULL;
			return 0;
		}
		return -ENOSPC;
	case XL_SHM_DESTROY:
		note("DESTROY %s\n", c->name);
		s = segment(c->name, false);
		if (!s)
			return -ENOENT;
		s->info.flags |= XL_SHM_DESTROYED;
		if (!s->info.nr_attached)
			drop(s);
		return 0;
	case XL_SHM_ATTACH:
		note("ATTACH %s d%u %s\n", at->name, at->domid, at->flags & XL_SHM_READ_ONLY ? "ro" : "rw");
		s = segment(at->name, false);
		if (!s || !domain(at->domid))
			return -ENOENT;
		for (uint32_t j = 0; j < s->info.nr_attached; j++)
			if (s->info.attached[j].domid == at->domid)
				return -EEXIST;
		if (s->info.nr_attached == XL_SHM_MAX_ATTACH || segments_of(at->domid) == XL_SHM_MAX_PER_DOMAIN)
			return -ENOSPC;
		at->gpa = fake.next_gpa[at->domid % 8];
		fake.next_gpa[at->domid % 8] += (s->info.size + 0x1fffff) & ~0x1fffffULL;
		if (fake.bad_gpa) /* a guest's below XL_SHM_GPA_BASE; dom0's (identity) not page-aligned */
			at->gpa = at->domid ? 0x1000 : 0x1234;
		s->info.attached[s->info.nr_attached].domid = at->domid;
		s->info.attached[s->info.nr_attached].flags = at->flags & XL_SHM_READ_ONLY;
		s->info.attached[s->info.nr_attached++].gpa = at->gpa;
		return 0;
	case XL_SHM_DETACH:
		note("DETACH %s d%u\n", at->name, at->domid);
		s = segment(at->name, true);
		return s && detach(s, at->domid) ? 0 : -ENOENT;
	default:
		return -EINVAL;
	}
}

static int64_t shm_list(uint32_t op, void *buf, size_t len)
{
	struct xl_shm_info *out = buf;
	struct xl_shm_mapping *m = buf;
	unsigned int n = 0;

	for (unsigned int i = 0; i < XL_SHM_MAX_SEGMENTS; i++) {
		const struct xl_shm_info *in = &fake.seg[i].info;

		if (!fake.seg[i].used)
			continue;
		if (op == XL_SHM_LIST) {
			if ((n + 1) * sizeof(*out) <= len)
				out[n] = *in;
			n++;
			continue;
		}
		/* QUERY: dom0's own attachments */
		for (uint32_t j = 0; j < in->nr_attached; j++) {
			if (in->attached[j].domid)
				continue;
			if ((n + 1) * sizeof(*m) <= len) {
				memcpy(m[n].name, in->name, XL_SHM_NAME_MAX);
				m[n].gpa = in->attached[j].gpa;
				m[n].size = in->size;
				m[n].flags = in->attached[j].flags;
			}
			n++;
		}
	}
	return n;
}

static int64_t event_call(uint32_t op, uint64_t arg)
{
	uint32_t a = (uint32_t)arg, b = (uint32_t)(arg >> 32), pa, pb;

	switch (op) {
	case XL_EVENT_CONNECT:
		note("CONNECT d%u d%u\n", a, b);
		if (!domain(a) || !domain(b) || a >= 8 || b >= 8)
			return -ENOENT;
		if (fake.next_port[a] == XL_EVENT_MAX_PORTS || fake.next_port[b] == XL_EVENT_MAX_PORTS)
			return -ENOSPC;
		pa = fake.next_port[a]++;
		pb = fake.next_port[b]++;
		if (!a)
			fake.dom0_connected |= 1ULL << pa;
		if (!b)
			fake.dom0_connected |= 1ULL << pb;
		return (int64_t)(pa | (uint64_t)pb << 32);
	case XL_EVENT_SEND:
		note("SEND %u\n", a);
		if (arg >= fake.next_port[0])
			return -EINVAL;
		return fake.dom0_connected & (1ULL << arg) ? 0 : -ENOTCONN;
	case XL_EVENT_CLOSE:
		note("CLOSE %u\n", a);
		if (arg >= fake.next_port[0] || (fake.dom0_closed >> arg & 1))
			return -ENOENT;
		fake.dom0_closed |= 1ULL << arg;
		fake.dom0_connected &= ~(1ULL << arg);
		return 0;
	default:
		return -EINVAL;
	}
}

int64_t xl_hypercall(struct xl_handle *h, const char *call, uint32_t nr, uint32_t op, void *buf, size_t len,
		     uint64_t arg)
{
	int64_t r;

	assert_true(len <= XL_IOCTL_MAX_LEN);
	if (fake.fail_call && !strcmp(call, fake.fail_call)) {
		note("%s refused\n", call);
		fake.fail_call = NULL;
		r = -fake.fail_err;
	} else if (nr == XL_HC_SHM && (op == XL_SHM_LIST || op == XL_SHM_QUERY)) {
		r = shm_list(op, buf, len);
	} else if (nr == XL_HC_SHM) {
		assert_true(len == (op == XL_SHM_CREATE ? sizeof(struct xl_shm_create) :
				    op == XL_SHM_DESTROY ? sizeof(struct xl_shm_name) : sizeof(struct xl_shm_attach)));
		/* the name arrives NUL-terminated and NUL-padded */
		assert_int_equal(((char *)buf)[XL_SHM_NAME_MAX - 1], '\0');
		r = shm_call(op, buf);
	} else if (nr == XL_HC_EVENT) {
		r = event_call(op, arg);
	} else if (nr == XL_HC_DOMCTL) {
		struct xl_domain_info *d = domain((uint32_t)arg);

		note("%s d%u\n", op == XL_DOMCTL_DESTROY ? "DESTROY-DOMAIN" : op == XL_DOMCTL_UNPAUSE ? "UNPAUSE" : "DOMCTL",
		     (uint32_t)arg);
		r = d ? 0 : -ENOENT;
		if (d && op == XL_DOMCTL_DESTROY) {
			/* destroying a domain detaches its segments */
			for (unsigned int i = 0; i < XL_SHM_MAX_SEGMENTS; i++)
				if (fake.seg[i].used)
					detach(&fake.seg[i], d->domid);
			*d = fake.doms[--fake.nr_doms];
		} else if (d && op == XL_DOMCTL_UNPAUSE) {
			d->state = XL_DOMAIN_RUNNING;
		}
	} else {
		fail_msg("unexpected hypercall %s", call);
		r = -ENOSYS;
	}
	if (r < 0) {
		h->err = (struct xl_error){ XL_ERR_HYPERVISOR, (int)-r, call };
		return -1;
	}
	return r;
}

int64_t xl_domctl(struct xl_handle *h, const char *call, uint32_t op, uint32_t domid)
{
	return xl_hypercall(h, call, XL_HC_DOMCTL, op, NULL, 0, domid);
}

int xl_domain_list(struct xl_handle *h, struct xl_domain_info *doms, unsigned int max)
{
	(void)h;
	memcpy(doms, fake.doms, sizeof(doms[0]) * (fake.nr_doms < max ? fake.nr_doms : max));
	return (int)fake.nr_doms;
}

int xl_report(const struct xl_error *e)
{
	fprintf(stderr, "xl-lite: %s: error %d\n", e->call ? e->call : "?", e->err);
	return XL_EXIT_ERROR;
}

/* /dev/xenlite's mmap as the driver does it: inside one of dom0's attachments, read-only ones not writable. */
void *xl_map(struct xl_handle *h, uint64_t gpa, size_t len, bool writable)
{
	for (unsigned int i = 0; i < XL_SHM_MAX_SEGMENTS; i++) {
		const struct xl_shm_info *in = &fake.seg[i].info;

		for (uint32_t j = 0; fake.seg[i].used && j < in->nr_attached; j++) {
			if (in->attached[j].domid || gpa < in->attached[j].gpa ||
			    gpa - in->attached[j].gpa + len > in->size)
				continue;
			if (writable && (in->attached[j].flags & XL_SHM_READ_ONLY)) {
				h->err = (struct xl_error){ XL_ERR_DRIVER, EACCES, "mmap" };
				return NULL;
			}
			assert_non_null(fake.seg[i].mem);
			assert_true(gpa % 4096 == 0 && len % 4096 == 0);
			return fake.seg[i].mem + (gpa - in->attached[j].gpa);
		}
	}
	h->err = (struct xl_error){ XL_ERR_DRIVER, EINVAL, "mmap" };
	return NULL;
}

void xl_unmap(void *p, size_t len)
{
	(void)p, (void)len;
}

/* ---- what xl-lite create needs besides: a staged create that makes a paused domain ---- */

int64_t xl_create_staged(struct xl_handle *h, const struct xl_domctl_create *req, const void *kernel,
			 size_t kernel_size, const void *ramdisk, size_t ramdisk_size)
{
	struct xl_domain_info *d = &fake.doms[fake.nr_doms++];

	(void)h, (void)kernel, (void)kernel_size, (void)ramdisk, (void)ramdisk_size;
	fake.created_flags = req->flags;
	memset(d, 0, sizeof(*d));
	d->domid = fake.next_domid++;
	memcpy(d->name, req->name, sizeof(d->name));
	d->state = req->flags & XL_CREATE_PAUSED ? XL_DOMAIN_PAUSED : XL_DOMAIN_RUNNING;
	note("CREATE-DOMAIN d%u%s\n", d->domid, req->flags & XL_CREATE_PAUSED ? " paused" : "");
	return d->domid;
}

int xl_sysinfo(struct xl_handle *h, struct xl_sysinfo *si)
{
	(void)h;
	memset(si, 0, sizeof(*si));
	si->nr_cpus = 4;
	si->mem_free = 1ULL << 30;
	for (unsigned int i = 0; i < 4; i++)
		si->cpu_owner[i] = i ? XL_CPU_FREE : 0;
	return 0;
}

int xl_pci_list(struct xl_handle *h, struct xl_pci_device *out, unsigned int max)
{
	(void)h, (void)out, (void)max;
	return 0;
}

/* XL_IOCTL_EVENT_WAIT: an event is there for fake.event_ready ports, else the time runs out */
int xl_event_wait(struct xl_handle *h, uint32_t port, uint32_t timeout_ms)
{
	note("WAIT %u %u\n", port, timeout_ms);
	if (port < 64 && (fake.event_ready >> port & 1)) {
		fake.event_ready &= ~(1ull << port);
		return 0;
	}
	h->err = (struct xl_error){ XL_ERR_DRIVER, ETIMEDOUT, "XL_IOCTL_EVENT_WAIT" };
	return -1;
}

int xl_cpu_policy_module_ready(struct xl_handle *h, const char *file, const char *key)
{
	(void)h, (void)file, (void)key;
	return XL_EXIT_OK;
}

int xl_cpu_policy_set(struct xl_handle *h, uint32_t domid, const struct xl_cpuid_policy *p,
		      const struct xl_msr_policy *m)
{
	(void)h, (void)p, (void)m;
	note("POLICY d%u\n", domid);
	return XL_EXIT_OK;
}

int xl_cmd_console(struct xl_handle *h, uint32_t domid, const char *named)
{
	(void)h, (void)domid, (void)named;
	return XL_EXIT_OK;
}

int64_t xl_create_elf(struct xl_handle *h, const char *name, const void *image, size_t size, uint64_t mem_bytes,
		      int cpu)
{
	(void)h, (void)name, (void)image, (void)size, (void)mem_bytes, (void)cpu;
	fail_msg("create-elf is not tested here");
	return -1;
}
