/*
 * domctl-probe: dom0 sends XL_HC_DOMCTL requests the hypervisor must refuse
 * (tests/qemu/t-dom0-tools.sh, xl_test=hostile). Each probe prints one line
 * with the result it got and the one it wants; a request the hypervisor
 * accepts is a failure. Most requests are refused before a CPU is picked;
 * the LOAD probes need one free CPU for a domain that is then refused START.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxl-lite.h"

#define IMAGE_BYTES 64

struct create_buf {
	struct xl_domctl_create req;
	unsigned char image[IMAGE_BYTES];
};

static unsigned int passed, failed;

static void base_request(struct create_buf *b)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->req.name, sizeof(b->req.name), "probe");
	snprintf(b->req.cmdline, sizeof(b->req.cmdline), "probe");
	b->req.mem_bytes = 2ull << 20;
	b->req.cpu = -1;
	b->req.image_size = IMAGE_BYTES;
	memset(b->image, 0xcc, sizeof(b->image));
}

/* The errno the hypervisor answered with, or 0 when it accepted the call. */
static int hypervisor_errno(struct xl_handle *h, int64_t ret)
{
	if (ret >= 0)
		return 0;
	return h->err.source == XL_ERR_HYPERVISOR ? h->err.err : -1;
}

static void expect(const char *what, int got, int want)
{
	int ok = got == want;

	printf("domctl-probe: %s: %s (got %d, want %d)\n", what, !ok ? "FAIL" : want ? "refused" : "ok",
	       -got, -want);
	ok ? passed++ : failed++;
}

static void probe_create(struct xl_handle *h, const char *what, const struct create_buf *b,
			 size_t len, int want)
{
	struct create_buf copy = *b;
	int64_t ret = xl_hypercall(h, "XL_DOMCTL_CREATE_ELF", XL_HC_DOMCTL, XL_DOMCTL_CREATE_ELF,
				   &copy, len, 0);

	expect(what, hypervisor_errno(h, ret), want);
	if (ret >= 0) /* wrongly accepted: give its CPU back for the probes after it */
		xl_domctl(h, "XL_DOMCTL_DESTROY", XL_DOMCTL_DESTROY, (uint32_t)ret);
}

static void probe_creates(struct xl_handle *h)
{
	struct create_buf b;

	base_request(&b);
	b.req.flags = XL_CREATE_DESTROY_ON_CRASH | XL_CREATE_RESTART_ON_CRASH;
	probe_create(h, "destroy and restart on crash", &b, sizeof(b), EINVAL);
	base_request(&b);
	b.req.flags = XL_CREATE_DESTROY_ON_POWEROFF | XL_CREATE_RESTART_ON_POWEROFF;
	probe_create(h, "destroy and restart on poweroff", &b, sizeof(b), EINVAL);
	base_request(&b);
	b.req.flags = XL_CREATE_DESTROY_ON_REBOOT | XL_CREATE_RESTART_ON_REBOOT;
	probe_create(h, "destroy and restart on reboot", &b, sizeof(b), EINVAL);
	base_request(&b);
	b.req.flags = 1u << 7;
	probe_create(h, "unknown flag", &b, sizeof(b), EINVAL);
	base_request(&b);
	b.req.type = XL_GUEST_LINUX;
	probe_create(h, "CREATE_ELF of a Linux guest", &b, sizeof(b), EINVAL);
	base_request(&b);
	memset(b.req.name, 'n', sizeof(b.req.name));
	probe_create(h, "name not terminated", &b, sizeof(b), EINVAL);
	base_request(&b);
	b.req.name[0] = '\0';
	probe_create(h, "empty name", &b, sizeof(b), EINVAL);
	base_request(&b);
	snprintf(b.req.name, sizeof(b.req.name), "\x1b[2Jx");
	probe_create(h, "name with an escape sequence", &b, sizeof(b), EINVAL);
	base_request(&b);
	snprintf(b.req.name, sizeof(b.req.name), "two words");
	probe_create(h, "name with a space", &b, sizeof(b), EINVAL);
	base_request(&b);
	memset(b.req.cmdline, 'c', sizeof(b.req.cmdline));
	probe_create(h, "cmdline not terminated", &b, sizeof(b), EINVAL);
	base_request(&b);
	probe_create(h, "header cut short", &b, sizeof(b.req) - 8, EINVAL);
	base_request(&b);
	b.req.image_size = IMAGE_BYTES + 1;
	probe_create(h, "image beyond the buffer", &b, sizeof(b), EINVAL);
	base_request(&b);
	b.req.image_size = 0;
	probe_create(h, "empty image", &b, sizeof(b), EINVAL);
	base_request(&b);
	b.req.mem_bytes = 1ull << 20;
	probe_create(h, "memory below 2 MiB", &b, sizeof(b), EINVAL);
	base_request(&b);
	b.req.mem_bytes = (2ull << 20) + 1;
	probe_create(h, "memory not in pages", &b, sizeof(b), EINVAL);
	base_request(&b);
	b.req.mem_bytes = 2ull << 40;
	probe_create(h, "memory above 1 TiB", &b, sizeof(b), EINVAL);
	base_request(&b);
	b.req.cpu = 4096;
	probe_create(h, "CPU that does not exist", &b, sizeof(b), EBUSY);
	base_request(&b);
	b.req.cpu = 0;
	probe_create(h, "dom0's CPU", &b, sizeof(b), EBUSY);
}

/* XL_DOMCTL_CREATE: refused before anything is allocated */
static void probe_staged_create(struct xl_handle *h, const char *what, struct xl_domctl_create *req,
				int want)
{
	int64_t ret = xl_hypercall(h, "XL_DOMCTL_CREATE", XL_HC_DOMCTL, XL_DOMCTL_CREATE, req,
				   sizeof(*req), 0);

	expect(what, hypervisor_errno(h, ret), want);
	if (ret >= 0)
		xl_domctl(h, "XL_DOMCTL_DESTROY", XL_DOMCTL_DESTROY, (uint32_t)ret);
}

static void linux_request(struct xl_domctl_create *r)
{
	struct create_buf b;

	base_request(&b);
	*r = b.req;
	r->type = XL_GUEST_LINUX;
	r->mem_bytes = 64ull << 20;
	r->nr_vcpus = 2;
	r->cpus[0] = r->cpus[1] = -1;
	r->image_size = 1 << 20;
}

static void probe_staged_creates(struct xl_handle *h)
{
	struct xl_domctl_create r;

	linux_request(&r);
	r.cpus[0] = r.cpus[1] = 1;
	probe_staged_create(h, "the same CPU twice", &r, EINVAL);
	linux_request(&r);
	r.nr_vcpus = 0;
	probe_staged_create(h, "no vCPU", &r, EINVAL);
	linux_request(&r);
	r.nr_vcpus = XL_MAX_GUEST_VCPUS + 1;
	probe_staged_create(h, "too many vCPUs", &r, EINVAL);
	linux_request(&r);
	r.cpus[1] = -2;
	probe_staged_create(h, "negative CPU other than -1", &r, EINVAL);
	linux_request(&r);
	r.mem_bytes = 32ull << 20;
	probe_staged_create(h, "Linux guest below 64 MiB", &r, EINVAL);
	linux_request(&r);
	r.mem_bytes = 513ull << 30;
	probe_staged_create(h, "Linux guest above 512 GiB", &r, E2BIG);
	linux_request(&r);
	r.type = 7;
	probe_staged_create(h, "unknown guest type", &r, EINVAL);
	linux_request(&r);
	r.type = XL_GUEST_ELF;
	r.nr_vcpus = 1;
	r.ramdisk_size = 4096;
	probe_staged_create(h, "ELF guest with a ramdisk", &r, EINVAL);
	linux_request(&r);
	r.ramdisk_size = (uint32_t)XL_DOMCTL_MAX_RAMDISK + 1;
	probe_staged_create(h, "ramdisk above the limit", &r, EINVAL);
}

static int64_t load(struct xl_handle *h, uint32_t id, uint64_t offset, uint32_t len, uint32_t sent,
		    uint32_t reserved)
{
	struct {
		struct xl_domctl_load hdr;
		unsigned char data[IMAGE_BYTES];
	} b;

	memset(&b, 0xcc, sizeof(b));
	b.hdr = (struct xl_domctl_load){ offset, len, reserved };
	return xl_hypercall(h, "XL_DOMCTL_LOAD", XL_HC_DOMCTL, XL_DOMCTL_LOAD, &b,
			    sizeof(b.hdr) + sent, id);
}

/* LOAD and START on a real building domain (one free CPU): bad pieces refused, a bad image gone. */
static void probe_loads(struct xl_handle *h)
{
	struct create_buf b;
	int64_t id, ret;

	base_request(&b);
	b.req.nr_vcpus = 1;
	b.req.cpus[0] = -1;
	id = xl_hypercall(h, "XL_DOMCTL_CREATE", XL_HC_DOMCTL, XL_DOMCTL_CREATE, &b.req,
			  sizeof(b.req), 0);
	expect("a building domain for the LOAD probes (accepted)", (int)hypervisor_errno(h, id), 0);
	if (id < 0)
		return;
	ret = xl_domctl(h, "XL_DOMCTL_UNPAUSE", XL_DOMCTL_UNPAUSE, (uint32_t)id);
	expect("UNPAUSE of a domain not built yet", hypervisor_errno(h, ret), EINVAL);
	ret = load(h, (uint32_t)id, IMAGE_BYTES - 8, 16, 16, 0);
	expect("LOAD beyond the images", hypervisor_errno(h, ret), EINVAL);
	ret = load(h, (uint32_t)id, UINT64_MAX - 4, 16, 16, 0);
	expect("LOAD offset wrapping around", hypervisor_errno(h, ret), EINVAL);
	ret = load(h, (uint32_t)id, 0, 32, 16, 0);
	expect("LOAD longer than its buffer", hypervisor_errno(h, ret), EINVAL);
	ret = load(h, (uint32_t)id, 0, 16, 16, 1);
	expect("LOAD reserved not 0", hypervisor_errno(h, ret), EINVAL);
	ret = load(h, (uint32_t)id, 0, IMAGE_BYTES, IMAGE_BYTES, 0);
	expect("LOAD of the whole image (accepted)", ret == IMAGE_BYTES ? 0 : -1, 0);
	/* names are unique: xl-lite finds domains by name */
	ret = xl_hypercall(h, "XL_DOMCTL_CREATE", XL_HC_DOMCTL, XL_DOMCTL_CREATE, &b.req, sizeof(b.req), 0);
	expect("a second domain with a name in use", hypervisor_errno(h, ret), EEXIST);
	snprintf(b.req.name, sizeof(b.req.name), "dom0");
	ret = xl_hypercall(h, "XL_DOMCTL_CREATE", XL_HC_DOMCTL, XL_DOMCTL_CREATE, &b.req, sizeof(b.req), 0);
	expect("a domain named dom0", hypervisor_errno(h, ret), EEXIST);
	for (int n = 0; n < 64 && (ret = xl_domctl(h, "XL_DOMCTL_PREPARE", XL_DOMCTL_PREPARE, (uint32_t)id)) > 0; n++)
		;
	expect("PREPARE until all memory is zeroed (accepted)", ret == 0 ? 0 : -1, 0);
	ret = xl_hypercall(h, "XL_DOMCTL_SHUTDOWN", XL_HC_DOMCTL, XL_DOMCTL_SHUTDOWN, NULL, 0,
			   (uint64_t)id | XL_SHUTDOWN_REBOOT_FLAG | XL_SHUTDOWN_HARD_FLAG);
	expect("a hard reboot of a domain not started", hypervisor_errno(h, ret), EINVAL);
	ret = xl_domctl(h, "XL_DOMCTL_START", XL_DOMCTL_START, (uint32_t)id);
	expect("START of an image that is not ELF", hypervisor_errno(h, ret), ENOEXEC);
	ret = xl_domctl(h, "XL_DOMCTL_DESTROY", XL_DOMCTL_DESTROY, (uint32_t)id);
	expect("a failed START leaves no domain", hypervisor_errno(h, ret), ENOENT);
	ret = load(h, 0, 0, 16, 16, 0);
	expect("LOAD into dom0", hypervisor_errno(h, ret), ENOENT);
	ret = xl_domctl(h, "XL_DOMCTL_PREPARE", XL_DOMCTL_PREPARE, (uint32_t)id);
	expect("PREPARE of a domain gone", hypervisor_errno(h, ret), ENOENT);
	ret = xl_domctl(h, "XL_DOMCTL_PREPARE", XL_DOMCTL_PREPARE, 0);
	expect("PREPARE of dom0", hypervisor_errno(h, ret), ENOENT);
}

static void probe_domain_ops(struct xl_handle *h)
{
	int64_t ret;

	ret = xl_domctl(h, "XL_DOMCTL_DESTROY", XL_DOMCTL_DESTROY, 0);
	expect("destroy dom0", hypervisor_errno(h, ret), ENOENT);
	ret = xl_domctl(h, "XL_DOMCTL_PAUSE", XL_DOMCTL_PAUSE, 0);
	expect("pause dom0", hypervisor_errno(h, ret), ENOENT);
	ret = xl_domctl(h, "XL_DOMCTL_SHUTDOWN", XL_DOMCTL_SHUTDOWN, 0);
	expect("shut down dom0", hypervisor_errno(h, ret), ENOENT);
	ret = xl_hypercall(h, "XL_DOMCTL_SHUTDOWN", XL_HC_DOMCTL, XL_DOMCTL_SHUTDOWN, NULL, 0,
			   XL_SHUTDOWN_REBOOT_FLAG | XL_SHUTDOWN_HARD_FLAG);
	expect("reset dom0", hypervisor_errno(h, ret), ENOENT);
	ret = xl_hypercall(h, "XL_DOMCTL_SHUTDOWN", XL_HC_DOMCTL, XL_DOMCTL_SHUTDOWN, NULL, 0,
			   1ull << 35);
	expect("SHUTDOWN with an unknown flag", hypervisor_errno(h, ret), EINVAL);
	ret = xl_domctl(h, "XL_DOMCTL_DESTROY", XL_DOMCTL_DESTROY, 0x7fffffff);
	expect("destroy unknown id", hypervisor_errno(h, ret), ENOENT);
	ret = xl_hypercall(h, "XL_DOMCTL_DESTROY", XL_HC_DOMCTL, XL_DOMCTL_DESTROY, NULL, 0,
			   0x100000000ull);
	expect("id above 32 bits", hypervisor_errno(h, ret), ENOENT);
}

int main(void)
{
	struct xl_handle h;

	if (xl_open(&h) < 0) {
		fprintf(stderr, "domctl-probe: cannot open the xen-lite device\n");
		return 2;
	}
	probe_creates(&h);
	probe_staged_creates(&h);
	probe_loads(&h);
	probe_domain_ops(&h);
	xl_close(&h);
	printf("domctl-probe: %u answered as expected, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
