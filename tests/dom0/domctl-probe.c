/*
 * domctl-probe: dom0 sends XL_HC_DOMCTL requests the hypervisor must refuse
 * (tests/qemu/t-dom0-tools.sh, xl_test=hostile). Each probe prints one line
 * with the result it got and the one it wants; a request the hypervisor
 * accepts is a failure. Nothing here needs a free CPU: every request is
 * refused before one is picked, except the CPU probe itself.
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

	printf("domctl-probe: %s: %s (got %d, want %d)\n", what, ok ? "refused" : "FAIL", -got, -want);
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
	b.req.flags = 1u << 7;
	probe_create(h, "unknown flag", &b, sizeof(b), EINVAL);
	base_request(&b);
	b.req.reserved = 1;
	probe_create(h, "reserved not 0", &b, sizeof(b), EINVAL);
	base_request(&b);
	memset(b.req.name, 'n', sizeof(b.req.name));
	probe_create(h, "name not terminated", &b, sizeof(b), EINVAL);
	base_request(&b);
	b.req.name[0] = '\0';
	probe_create(h, "empty name", &b, sizeof(b), EINVAL);
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

static void probe_domain_ops(struct xl_handle *h)
{
	int64_t ret;

	ret = xl_domctl(h, "XL_DOMCTL_DESTROY", XL_DOMCTL_DESTROY, 0);
	expect("destroy dom0", hypervisor_errno(h, ret), ENOENT);
	ret = xl_domctl(h, "XL_DOMCTL_PAUSE", XL_DOMCTL_PAUSE, 0);
	expect("pause dom0", hypervisor_errno(h, ret), ENOENT);
	ret = xl_domctl(h, "XL_DOMCTL_SHUTDOWN", XL_DOMCTL_SHUTDOWN, 0);
	expect("shut down dom0", hypervisor_errno(h, ret), ENOENT);
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
	probe_domain_ops(&h);
	xl_close(&h);
	printf("domctl-probe: %u refused as expected, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
