/* A guest's memory as a virtio back-end sees it (guest-view.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "guest-view.h"

/* How many bytes from gpa (at most len) are the guest's RAM without a hole. */
static uint64_t ram_from(const struct guest_view *v, uint64_t gpa, uint64_t len)
{
	uint64_t at = gpa;

	while (at - gpa < len) {
		unsigned int i;

		for (i = 0; i < v->n; i++)
			if (at >= v->ext[i].gpa && at - v->ext[i].gpa < v->ext[i].size)
				break;
		if (i == v->n)
			break;
		at = v->ext[i].gpa + v->ext[i].size;
	}
	return at - gpa < len ? at - gpa : len;
}

static void *view_at(void *ctx, uint64_t gpa, uint64_t len)
{
	const struct guest_view *v = ctx;

	return gpa < v->span && len <= v->span - gpa && ram_from(v, gpa, len) == len ? v->base + gpa : NULL;
}

static void *view_span(void *ctx, uint64_t gpa, uint64_t len, uint64_t *got)
{
	const struct guest_view *v = ctx;

	*got = gpa < v->span ? ram_from(v, gpa, len) : 0;
	return *got ? v->base + gpa : NULL;
}

struct guest_mem guest_view_mem(struct guest_view *v)
{
	return (struct guest_mem){ view_at, v, view_span };
}

int guest_view_map(struct guest_view *v, struct xl_handle *h, uint32_t domid, const char *who)
{
	struct xl_ioctl_guest_map m = { .domid = domid, .max = XL_GUEST_VIEW_MAX_EXTENTS,
					 .extents = (uint64_t)(uintptr_t)v->ext };

	if (ioctl(h->fd, XL_IOCTL_GUEST_MAP, &m) || m.ret <= 0) {
		fprintf(stderr, "%s: d%u: XL_IOCTL_GUEST_MAP: %s\n", who, domid, strerror(m.ret < 0 ? (int)-m.ret : errno));
		return -1;
	}
	if (m.ret > XL_GUEST_VIEW_MAX_EXTENTS) {
		fprintf(stderr, "%s: d%u: %" PRId64 " pieces of memory: more than %u\n", who, domid, m.ret,
			XL_GUEST_VIEW_MAX_EXTENTS);
		return -1;
	}
	v->n = (unsigned int)m.ret;
	for (unsigned int i = 0; i < v->n; i++)
		if (v->ext[i].gpa + v->ext[i].size > v->span)
			v->span = v->ext[i].gpa + v->ext[i].size;
	v->base = mmap(NULL, v->span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (v->base == MAP_FAILED) {
		fprintf(stderr, "%s: d%u: reserving %" PRIu64 " MiB: %s\n", who, domid, v->span >> 20, strerror(errno));
		return -1;
	}
	for (unsigned int i = 0; i < v->n; i++)
		if (mmap(v->base + v->ext[i].gpa, v->ext[i].size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, h->fd,
			 (off_t)v->ext[i].hpa) == MAP_FAILED) {
			fprintf(stderr, "%s: d%u: mapping its memory at %#" PRIx64 ": %s\n", who, domid, v->ext[i].gpa,
				strerror(errno));
			return -1;
		}
	return 0;
}
