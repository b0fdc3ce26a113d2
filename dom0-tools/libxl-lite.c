/* libxl-lite: dom0's hypercalls through /dev/xenlite (see libxl-lite.h). */
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libxl-lite.h"
#include "../pv-drivers/xenlite/xenlite-ioctl.h"

static int fail(struct xl_handle *h, enum xl_err_source source, int err, const char *call)
{
	h->err.source = source;
	h->err.err = err;
	h->err.call = call;
	return -1;
}

int xl_open(struct xl_handle *h)
{
	h->err = (struct xl_error){ XL_ERR_NONE, 0, NULL };
	h->fd = open(XL_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (h->fd < 0)
		return fail(h, XL_ERR_OPEN, errno, NULL);
	return 0;
}

void xl_close(struct xl_handle *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

int64_t xl_hypercall(struct xl_handle *h, const char *call, uint32_t nr, uint32_t op, void *buf,
		     size_t len, uint64_t arg)
{
	struct xl_ioctl_hypercall hc = {
		.nr = nr,
		.op = op,
		.buf = (uint64_t)(uintptr_t)buf,
		.len = len,
		.arg = arg,
		.ret = 0,
	};

	if (len > XL_IOCTL_MAX_LEN)
		return fail(h, XL_ERR_DRIVER, E2BIG, call);
	if (ioctl(h->fd, XL_IOCTL_HYPERCALL, &hc) < 0)
		return fail(h, XL_ERR_DRIVER, errno, call);
	if (hc.ret < 0)
		return fail(h, XL_ERR_HYPERVISOR, hc.ret < -4095 ? EPROTO : (int)-hc.ret, call);
	return hc.ret;
}

int xl_event_wait(struct xl_handle *h, uint32_t port, uint32_t timeout_ms)
{
	struct xl_ioctl_event_wait w = { port, timeout_ms };

	if (ioctl(h->fd, XL_IOCTL_EVENT_WAIT, &w) < 0)
		return fail(h, XL_ERR_DRIVER, errno, "XL_IOCTL_EVENT_WAIT");
	return 0;
}

void *xl_map(struct xl_handle *h, uint64_t gpa, size_t len, bool writable)
{
	void *p;

	/* the offset is the address itself: mmap's off_t is 64 bits on x86_64 */
	if (!len || gpa % 4096 || gpa > INT64_MAX - len) {
		fail(h, XL_ERR_DRIVER, EINVAL, "mmap");
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, h->fd, (off_t)gpa);
	if (p == MAP_FAILED) {
		fail(h, XL_ERR_DRIVER, errno, "mmap");
		return NULL;
	}
	return p;
}

void xl_unmap(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

int64_t xl_abi_version(struct xl_handle *h)
{
	return xl_hypercall(h, "XL_HC_VERSION", XL_HC_VERSION, XL_VERSION_ABI, NULL, 0, 0);
}

int xl_sysinfo(struct xl_handle *h, struct xl_sysinfo *si)
{
	memset(si, 0, sizeof(*si));
	if (xl_hypercall(h, "XL_SYSCTL_INFO", XL_HC_SYSCTL, XL_SYSCTL_INFO, si, sizeof(*si), 0) < 0)
		return -1;
	return 0;
}

int64_t xl_log_read(struct xl_handle *h, uint64_t pos, struct xl_log_chunk *chunk, size_t size)
{
	int64_t n;

	if (size <= sizeof(*chunk))
		return fail(h, XL_ERR_DRIVER, EINVAL, "XL_SYSCTL_LOG_READ");
	memset(chunk, 0, sizeof(*chunk));
	n = xl_hypercall(h, "XL_SYSCTL_LOG_READ", XL_HC_SYSCTL, XL_SYSCTL_LOG_READ, chunk, size, pos);
	if (n < 0)
		return -1;
	if (!xl_log_chunk_ok(chunk, n, size))
		return fail(h, XL_ERR_REPLY, EPROTO, "XL_SYSCTL_LOG_READ");
	return n;
}

bool xl_log_chunk_ok(const struct xl_log_chunk *chunk, int64_t n, size_t size)
{
	/* never trust a length beyond the buffer, or a position running backwards */
	return n >= 0 && (uint64_t)n == chunk->len && size > sizeof(*chunk) &&
	       chunk->len <= size - sizeof(*chunk) && chunk->next >= chunk->pos &&
	       chunk->next - chunk->pos >= chunk->len;
}

int xl_domain_list(struct xl_handle *h, struct xl_domain_info *doms, unsigned int max)
{
	size_t size = (size_t)max * sizeof(*doms);
	int64_t n;

	if (size > XL_IOCTL_MAX_LEN)
		size = XL_IOCTL_MAX_LEN - XL_IOCTL_MAX_LEN % sizeof(*doms);
	memset(doms, 0, size);
	n = xl_hypercall(h, "XL_SYSCTL_DOMAIN_LIST", XL_HC_SYSCTL, XL_SYSCTL_DOMAIN_LIST, doms, size, 0);
	if (n < 0)
		return -1;
	if ((uint64_t)n > size / sizeof(*doms))
		return fail(h, XL_ERR_REPLY, EPROTO, "XL_SYSCTL_DOMAIN_LIST");
	return (int)n;
}

char *xl_error_message(const struct xl_error *e, char *buf, size_t size)
{
	const char *call = e->call ? e->call : "hypercall";
	const char *hint = "";

	switch (e->source) {
	case XL_ERR_NONE:
		snprintf(buf, size, "no error");
		break;
	case XL_ERR_OPEN:
		if (e->err == ENOENT || e->err == ENODEV || e->err == ENXIO)
			hint = " (is the xenlite module loaded?)";
		else if (e->err == EACCES || e->err == EPERM)
			hint = " (xl-lite must run as root)";
		snprintf(buf, size, "%s: %s%s", XL_DEVICE_PATH, strerror(e->err), hint);
		break;
	case XL_ERR_DRIVER:
		if (e->err == ENOTTY)
			hint = " (the xenlite module does not match this xl-lite)";
		else if (e->err == EPERM)
			hint = " (needs CAP_SYS_ADMIN, or the driver does not allow this hypercall)";
		snprintf(buf, size, "%s: %s: %s%s", XL_DEVICE_PATH, call, strerror(e->err), hint);
		break;
	case XL_ERR_HYPERVISOR:
		if (e->err == ENOSYS)
			hint = " (this hypervisor does not have it)";
		else if (e->err == EPERM)
			hint = " (only dom0 may call it)";
		snprintf(buf, size, "hypervisor: %s: %s (-%d)%s", call, strerror(e->err), e->err, hint);
		break;
	case XL_ERR_REPLY:
		snprintf(buf, size, "hypervisor: %s: malformed reply", call);
		break;
	}
	return buf;
}

int64_t xl_create_elf(struct xl_handle *h, const char *name, const void *image, size_t size,
		      uint64_t mem_bytes, int cpu)
{
	return xl_create_elf_ex(h, name, NULL, image, size, mem_bytes, cpu, 0);
}

int64_t xl_create_elf_ex(struct xl_handle *h, const char *name, const char *cmdline,
			 const void *image, size_t size, uint64_t mem_bytes, int cpu, uint32_t flags)
{
	size_t len = sizeof(struct xl_domctl_create) + size;
	struct xl_domctl_create *req;
	int64_t ret;

	if (len > XL_IOCTL_MAX_LEN)
		return fail(h, XL_ERR_DRIVER, E2BIG, "XL_DOMCTL_CREATE_ELF");
	req = calloc(1, len);
	if (!req)
		return fail(h, XL_ERR_DRIVER, ENOMEM, "XL_DOMCTL_CREATE_ELF");
	snprintf(req->name, sizeof(req->name), "%s", name);
	if (cmdline)
		snprintf(req->cmdline, sizeof(req->cmdline), "%s", cmdline);
	else
		snprintf(req->cmdline, sizeof(req->cmdline), "xl-guest name=%s", name);
	req->type = XL_GUEST_ELF; /* nr_vcpus stays 0 (one vCPU, on cpu) and cpus[] unused */
	req->flags = flags;
	req->mem_bytes = mem_bytes;
	req->cpu = cpu;
	req->image_size = (uint32_t)size;
	memcpy(req + 1, image, size);
	ret = xl_hypercall(h, "XL_DOMCTL_CREATE_ELF", XL_HC_DOMCTL, XL_DOMCTL_CREATE_ELF, req, len, 0);
	free(req);
	return ret;
}

int64_t xl_domctl(struct xl_handle *h, const char *call, uint32_t op, uint32_t domid)
{
	return xl_hypercall(h, call, XL_HC_DOMCTL, op, NULL, 0, domid);
}

int64_t xl_shutdown(struct xl_handle *h, uint32_t domid, uint64_t flags)
{
	return xl_hypercall(h, "XL_DOMCTL_SHUTDOWN", XL_HC_DOMCTL, XL_DOMCTL_SHUTDOWN, NULL, 0,
			    domid | flags);
}

int xl_pci_assignable(struct xl_handle *h, uint32_t op, uint64_t arg)
{
	const char *call = op == XL_DOMCTL_PCI_ASSIGNABLE_ADD ? "XL_DOMCTL_PCI_ASSIGNABLE_ADD"
							       : "XL_DOMCTL_PCI_ASSIGNABLE_REMOVE";

	return xl_hypercall(h, call, XL_HC_DOMCTL, op, NULL, 0, arg) < 0 ? -1 : 0;
}

int xl_pci_list(struct xl_handle *h, struct xl_pci_device *out, unsigned int max)
{
	int64_t n = xl_hypercall(h, "XL_SYSCTL_PCI_LIST", XL_HC_SYSCTL, XL_SYSCTL_PCI_LIST, out,
				 (size_t)max * sizeof(*out), 0);

	return n < 0 || n > INT32_MAX ? -1 : (int)n;
}

uint32_t xl_load_chunk_len(uint64_t offset, uint64_t kernel_size, uint64_t ramdisk_size,
			   size_t chunk_max)
{
	/* the end of the file the chunk comes from: the kernel's, else the ramdisk's */
	uint64_t end = offset < kernel_size ? kernel_size : kernel_size + ramdisk_size;
	uint64_t left;

	if (offset >= end)
		return 0;
	left = end - offset;
	if (chunk_max > UINT32_MAX)
		chunk_max = UINT32_MAX;
	return (uint32_t)(left < chunk_max ? left : chunk_max);
}

static uint64_t chunks(uint64_t size, size_t chunk_max)
{
	return size / chunk_max + (size % chunk_max != 0);
}

uint64_t xl_load_chunk_count(uint64_t kernel_size, uint64_t ramdisk_size, size_t chunk_max)
{
	if (chunk_max > UINT32_MAX)
		chunk_max = UINT32_MAX;
	return chunk_max ? chunks(kernel_size, chunk_max) + chunks(ramdisk_size, chunk_max) : 0;
}

/* Undo a create that failed past XL_DOMCTL_CREATE, keeping the error that made it fail. */
static int64_t destroy_failed(struct xl_handle *h, uint32_t domid)
{
	struct xl_error cause = h->err;

	/* a failed START has destroyed it already: -ENOENT then, which is fine */
	xl_domctl(h, "XL_DOMCTL_DESTROY", XL_DOMCTL_DESTROY, domid);
	h->err = cause;
	return -1;
}

int64_t xl_create_staged(struct xl_handle *h, const struct xl_domctl_create *req,
			 const void *kernel, size_t kernel_size, const void *ramdisk,
			 size_t ramdisk_size)
{
	struct xl_domctl_create create = *req;
	size_t largest = kernel_size > ramdisk_size ? kernel_size : ramdisk_size;
	uint64_t offset = 0, total = (uint64_t)kernel_size + ramdisk_size;
	struct xl_domctl_load *load;
	uint32_t domid;
	int64_t id;

	if (kernel_size > XL_DOMCTL_MAX_IMAGE || ramdisk_size > XL_DOMCTL_MAX_RAMDISK)
		return fail(h, XL_ERR_DRIVER, E2BIG, "XL_DOMCTL_CREATE");
	create.image_size = (uint32_t)kernel_size;
	create.ramdisk_size = (uint32_t)ramdisk_size;
	/* one buffer for every chunk, allocated before there is a domain to undo */
	load = malloc(sizeof(*load) + (largest < XL_LOAD_CHUNK_MAX ? largest : XL_LOAD_CHUNK_MAX));
	if (!load)
		return fail(h, XL_ERR_DRIVER, ENOMEM, "XL_DOMCTL_CREATE");
	id = xl_hypercall(h, "XL_DOMCTL_CREATE", XL_HC_DOMCTL, XL_DOMCTL_CREATE, &create,
			  sizeof(create), 0);
	if (id < 0 || id > UINT32_MAX) {
		free(load);
		/* an id that does not fit cannot even be destroyed */
		return id < 0 ? -1 : fail(h, XL_ERR_REPLY, EPROTO, "XL_DOMCTL_CREATE");
	}
	domid = (uint32_t)id;
	/*
	 * The memory is zeroed a step per call: dom0 never waits long in the
	 * hypervisor. A hypervisor older than ABI 0.3 refuses the op (-EINVAL on a
	 * domain that is building) and zeroes it all at START.
	 */
	for (int64_t left = 1, calls = 0; left > 0; calls++) {
		left = xl_hypercall(h, "XL_DOMCTL_PREPARE", XL_HC_DOMCTL, XL_DOMCTL_PREPARE, NULL, 0, domid);
		if (left < 0 && !calls && h->err.source == XL_ERR_HYPERVISOR && h->err.err == EINVAL) {
			h->err = (struct xl_error){ XL_ERR_NONE, 0, NULL };
			break;
		}
		if (left < 0) {
			free(load);
			return destroy_failed(h, domid);
		}
	}
	while (offset < total) {
		uint32_t len = xl_load_chunk_len(offset, kernel_size, ramdisk_size, XL_LOAD_CHUNK_MAX);
		const char *src = offset < kernel_size ? (const char *)kernel + offset :
							 (const char *)ramdisk + (offset - kernel_size);
		int64_t n;

		load->offset = offset;
		load->len = len;
		load->reserved = 0;
		memcpy(load + 1, src, len);
		n = xl_hypercall(h, "XL_DOMCTL_LOAD", XL_HC_DOMCTL, XL_DOMCTL_LOAD, load,
				 sizeof(*load) + len, domid);
		if (n <= 0 || n > len) {
			free(load);
			if (n >= 0) /* taking nothing, or more than was sent, would never end well */
				fail(h, XL_ERR_REPLY, EPROTO, "XL_DOMCTL_LOAD");
			return destroy_failed(h, domid);
		}
		offset += (uint64_t)n; /* a short take: the rest goes in the next chunk */
	}
	free(load);
	if (xl_hypercall(h, "XL_DOMCTL_START", XL_HC_DOMCTL, XL_DOMCTL_START, NULL, 0, domid) < 0)
		return destroy_failed(h, domid);
	return id;
}

int64_t xl_console_read(struct xl_handle *h, uint32_t domid, struct xl_console_chunk *chunk,
			size_t size)
{
	int64_t n;

	if (size <= sizeof(*chunk))
		return fail(h, XL_ERR_DRIVER, EINVAL, "XL_DOMCTL_CONSOLE_READ");
	n = xl_hypercall(h, "XL_DOMCTL_CONSOLE_READ", XL_HC_DOMCTL, XL_DOMCTL_CONSOLE_READ, chunk,
			 size, domid);
	if (n < 0)
		return -1;
	/* the byte count is the caller's fwrite length: it must match the header and fit */
	if ((uint64_t)n != chunk->len || (uint64_t)n > size - sizeof(*chunk))
		return fail(h, XL_ERR_REPLY, EPROTO, "XL_DOMCTL_CONSOLE_READ");
	return n;
}

int64_t xl_console_write(struct xl_handle *h, uint32_t domid, const char *buf, size_t len)
{
	return xl_hypercall(h, "XL_DOMCTL_CONSOLE_WRITE", XL_HC_DOMCTL, XL_DOMCTL_CONSOLE_WRITE,
			    (void *)buf, len, domid);
}

uint32_t xl_module_chunk_len(uint64_t offset, uint64_t size, size_t chunk_max)
{
	/* one file: the kernel-and-ramdisk cut with no ramdisk */
	return xl_load_chunk_len(offset, size, 0, chunk_max);
}

/* The hypervisor's reason, when it gave one (a NUL-terminated string in its field). */
static void copy_why(char *why, size_t why_size, const char *field, size_t field_size)
{
	if (why && why_size)
		snprintf(why, why_size, "%.*s", (int)strnlen(field, field_size), field);
}

int64_t xl_module_load(struct xl_handle *h, const void *image, size_t size, const char *args,
		       char *why, size_t why_size)
{
	struct xl_module_load *req;
	uint64_t offset = 0;
	int64_t n = -1;

	copy_why(why, why_size, "", 1);
	if (!size || size > XL_MODULE_MAX_FILE || (args && strlen(args) >= XL_MODULE_ARGS_LEN))
		return fail(h, XL_ERR_DRIVER, !size ? EINVAL : E2BIG, "XL_MODULE_LOAD");
	req = malloc(sizeof(*req) + (size < XL_MODULE_CHUNK_MAX ? size : XL_MODULE_CHUNK_MAX));
	if (!req)
		return fail(h, XL_ERR_DRIVER, ENOMEM, "XL_MODULE_LOAD");
	while (offset < size) {
		uint32_t len = xl_module_chunk_len(offset, size, XL_MODULE_CHUNK_MAX);

		memset(req, 0, sizeof(*req));
		req->total = size;
		req->offset = offset;
		req->length = len;
		snprintf(req->args, sizeof(req->args), "%s", args ? args : "");
		memcpy(req + 1, (const char *)image + offset, len);
		n = xl_hypercall(h, "XL_MODULE_LOAD", XL_HC_MODULE, XL_MODULE_LOAD, req, sizeof(*req) + len, 0);
		if (n < 0) {
			copy_why(why, why_size, req->why, sizeof(req->why));
			break;
		}
		offset += len;
		/* 0 for each chunk but the last, which answers the new module's id */
		if ((offset < size) != (n == 0) || n > UINT32_MAX) {
			n = fail(h, XL_ERR_REPLY, EPROTO, "XL_MODULE_LOAD");
			break;
		}
	}
	free(req);
	return n;
}

int xl_module_unload(struct xl_handle *h, const char *name, char *why, size_t why_size)
{
	struct xl_module_unload req;

	copy_why(why, why_size, "", 1);
	if (strlen(name) >= sizeof(req.name))
		return fail(h, XL_ERR_DRIVER, ENAMETOOLONG, "XL_MODULE_UNLOAD");
	memset(&req, 0, sizeof(req));
	memcpy(req.name, name, strlen(name));
	if (xl_hypercall(h, "XL_MODULE_UNLOAD", XL_HC_MODULE, XL_MODULE_UNLOAD, &req, sizeof(req), 0) < 0) {
		copy_why(why, why_size, req.why, sizeof(req.why));
		return -1;
	}
	return 0;
}

int xl_module_list(struct xl_handle *h, struct xl_module_entry *out, unsigned int max)
{
	size_t size = (size_t)max * sizeof(*out);
	int64_t n;

	if (size > XL_IOCTL_MAX_LEN)
		return fail(h, XL_ERR_DRIVER, E2BIG, "XL_MODULE_LIST");
	memset(out, 0, size);
	n = xl_hypercall(h, "XL_MODULE_LIST", XL_HC_MODULE, XL_MODULE_LIST, out, size, 0);
	if (n > INT32_MAX)
		return fail(h, XL_ERR_REPLY, EPROTO, "XL_MODULE_LIST");
	return (int)n;
}

int64_t xl_module_call(struct xl_handle *h, const char *name, uint32_t op, uint64_t arg, void *data,
		       size_t len)
{
	struct xl_module_call_header *req;
	int64_t n;

	if (strlen(name) >= sizeof(req->name))
		return fail(h, XL_ERR_DRIVER, ENAMETOOLONG, "XL_MODULE_CALL");
	if (len > XL_MODULE_CALL_DATA_MAX)
		return fail(h, XL_ERR_DRIVER, E2BIG, "XL_MODULE_CALL");
	req = calloc(1, sizeof(*req) + len);
	if (!req)
		return fail(h, XL_ERR_DRIVER, ENOMEM, "XL_MODULE_CALL");
	memcpy(req->name, name, strlen(name));
	req->op = op;
	if (len)
		memcpy(req + 1, data, len);
	n = xl_hypercall(h, "XL_MODULE_CALL", XL_HC_MODULE, XL_MODULE_CALL, req, sizeof(*req) + len, arg);
	/* a module's refusal may still say something in its answer (the driver copies it back) */
	if (len && (n >= 0 || h->err.source == XL_ERR_HYPERVISOR))
		memcpy(data, req + 1, len);
	free(req);
	return n;
}

int64_t xl_virtio_add(struct xl_handle *h, uint32_t domid, struct xl_virtio_op *op)
{
	op->op = XL_VIRTIO_ADD;
	return xl_hypercall(h, "XL_VIRTIO_ADD", XL_HC_DOMCTL, XL_DOMCTL_VIRTIO, op, sizeof(*op), domid);
}

int xl_virtio_state(struct xl_handle *h, uint32_t domid, uint32_t dev, struct xl_virtio_op *st)
{
	*st = (struct xl_virtio_op){ .op = XL_VIRTIO_STATE, .device = dev };
	return xl_hypercall(h, "XL_VIRTIO_STATE", XL_HC_DOMCTL, XL_DOMCTL_VIRTIO, st, sizeof(*st), domid) < 0 ? -1 : 0;
}

int xl_virtio_reset_done(struct xl_handle *h, uint32_t domid, uint32_t dev, uint32_t reset_count)
{
	struct xl_virtio_op op = { .op = XL_VIRTIO_RESET_DONE, .device = dev, .reset_count = reset_count };

	return xl_hypercall(h, "XL_VIRTIO_RESET_DONE", XL_HC_DOMCTL, XL_DOMCTL_VIRTIO, &op, sizeof(op), domid) < 0 ? -1
														     : 0;
}
