/*
 * libxl-lite: the hypercalls of dom0's tools, through /dev/xenlite
 * (pv-drivers/xenlite). Each call returns >= 0 on success, or -1 with the
 * cause in handle->err: where it failed (opening the device, the driver's
 * ioctl, the hypervisor's result) and the errno. xl_error_message() turns
 * that into one line for the user. Documentation/tools.md.
 */
#ifndef LIBXL_LITE_H
#define LIBXL_LITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen-lite-abi.h"
#include "../pv-drivers/xenlite/xenlite-ioctl.h"

enum xl_err_source {
	XL_ERR_NONE,
	XL_ERR_OPEN, /* opening /dev/xenlite failed: err is errno */
	XL_ERR_DRIVER, /* the ioctl failed: err is errno (the driver refused) */
	XL_ERR_HYPERVISOR, /* the hypercall returned -err */
	XL_ERR_REPLY, /* the hypervisor's reply makes no sense: err is EPROTO */
};

struct xl_error {
	enum xl_err_source source;
	int err; /* a positive errno value */
	const char *call; /* the call that failed, e.g. "XL_SYSCTL_INFO" */
};

struct xl_handle {
	int fd;
	struct xl_error err;
};

/* Open /dev/xenlite (XL_DEVICE_PATH). 0, or -1 (h->err). */
int xl_open(struct xl_handle *h);
void xl_close(struct xl_handle *h);

/*
 * One hypercall through the driver: nr, op, a buffer of len bytes (copied in
 * and back out), arg. Returns the hypercall's result (>= 0), or -1 (h->err).
 */
int64_t xl_hypercall(struct xl_handle *h, const char *call, uint32_t nr, uint32_t op, void *buf,
		     size_t len, uint64_t arg);

/* XL_HC_VERSION(XL_VERSION_ABI): the hypervisor's ABI version, or -1. */
int64_t xl_abi_version(struct xl_handle *h);

/* XL_SYSCTL_INFO into *si. 0 or -1. */
int xl_sysinfo(struct xl_handle *h, struct xl_sysinfo *si);

/*
 * XL_SYSCTL_LOG_READ from ring position pos into chunk, a buffer of size
 * bytes (header and text; at most XL_IOCTL_MAX_LEN). Returns the bytes of
 * text (chunk->len), or -1.
 */
int64_t xl_log_read(struct xl_handle *h, uint64_t pos, struct xl_log_chunk *chunk, size_t size);

/*
 * Whether XL_SYSCTL_LOG_READ's reply makes sense: n (the result) == len, the
 * text fits the size-byte buffer, next >= pos + len.
 */
bool xl_log_chunk_ok(const struct xl_log_chunk *chunk, int64_t n, size_t size);

/*
 * XL_SYSCTL_DOMAIN_LIST into doms[0..max). Returns the number of domains
 * filled in, or -1.
 */
int xl_domain_list(struct xl_handle *h, struct xl_domain_info *doms, unsigned int max);

/* XL_DOMCTL_CREATE_ELF: returns the new domain's id, or < 0 with h->err set. */
int64_t xl_create_elf(struct xl_handle *h, const char *name, const void *image, size_t size,
		      uint64_t mem_bytes, int cpu);
/* The same with a command line (NULL: "xl-guest name=NAME") and XL_CREATE_* flags. */
int64_t xl_create_elf_ex(struct xl_handle *h, const char *name, const char *cmdline,
			 const void *image, size_t size, uint64_t mem_bytes, int cpu, uint32_t flags);
/*
 * Any guest, images of any size, in the three steps of XL_HC_DOMCTL:
 * XL_DOMCTL_CREATE with *req (name, type, memory, vCPUs and their CPUs,
 * command line, flags; image_size and ramdisk_size are set here from
 * kernel_size and ramdisk_size), then XL_DOMCTL_LOAD chunks of the kernel
 * and the ramdisk (at offsets into kernel || ramdisk; see
 * xl_load_chunk_len()), then XL_DOMCTL_START. Returns the new domain's id,
 * or -1 with h->err naming the call that failed ("XL_DOMCTL_CREATE",
 * "XL_DOMCTL_LOAD", "XL_DOMCTL_START"); after a failure past CREATE the
 * domain has been destroyed, so nothing is left behind.
 */
int64_t xl_create_staged(struct xl_handle *h, const struct xl_domctl_create *req,
			 const void *kernel, size_t kernel_size, const void *ramdisk,
			 size_t ramdisk_size);

/* The most image bytes one XL_DOMCTL_LOAD carries through the driver's buffer. */
#define XL_LOAD_CHUNK_MAX (XL_IOCTL_MAX_LEN - sizeof(struct xl_domctl_load))

/*
 * The length of the XL_DOMCTL_LOAD chunk starting at offset into
 * kernel || ramdisk: at most chunk_max bytes, and never across the end of
 * the kernel (each chunk comes from one file). 0 when offset is at or past
 * the end, or chunk_max is 0.
 */
uint32_t xl_load_chunk_len(uint64_t offset, uint64_t kernel_size, uint64_t ramdisk_size,
			   size_t chunk_max);
/* How many XL_DOMCTL_LOAD requests xl_create_staged() makes for these sizes (all taken whole). */
uint64_t xl_load_chunk_count(uint64_t kernel_size, uint64_t ramdisk_size, size_t chunk_max);

/* A domain's console: unread output into chunk (returns bytes), typed input (returns bytes taken). */
int64_t xl_console_read(struct xl_handle *h, uint32_t domid, struct xl_console_chunk *chunk,
			size_t size);
int64_t xl_console_write(struct xl_handle *h, uint32_t domid, const char *buf, size_t len);
/* XL_DOMCTL_DESTROY / PAUSE / UNPAUSE on a domain id. */
int64_t xl_domctl(struct xl_handle *h, const char *call, uint32_t op, uint32_t domid);
/* XL_DOMCTL_SHUTDOWN of domid with XL_SHUTDOWN_REBOOT_FLAG / XL_SHUTDOWN_HARD_FLAG. 0 or -1. */
int64_t xl_shutdown(struct xl_handle *h, uint32_t domid, uint64_t flags);
/* XL_DOMCTL_PCI_ASSIGNABLE_ADD/REMOVE: arg is XL_PCI_SBDF() | XL_PCI_CHECK_ONLY. 0 or -1. */
int xl_pci_assignable(struct xl_handle *h, uint32_t op, uint64_t arg);
/* XL_SYSCTL_PCI_LIST: up to max functions; returns how many there are, or -1. */
int xl_pci_list(struct xl_handle *h, struct xl_pci_device *out, unsigned int max);

/* ---- behaviour modules (XL_HC_MODULE, ABI 0.7) ---- */

/* The most module bytes one XL_MODULE_LOAD carries through the driver's buffer. */
#define XL_MODULE_CHUNK_MAX (XL_IOCTL_MAX_LEN - sizeof(struct xl_module_load))

/*
 * The length of the XL_MODULE_LOAD chunk at offset of a file of size bytes:
 * at most chunk_max, 0 at or past the end (so a file is sent from offset 0
 * in chunks of chunk_max, the last one partial).
 */
uint32_t xl_module_chunk_len(uint64_t offset, uint64_t size, size_t chunk_max);

/*
 * XL_MODULE_LOAD of a module file image[0, size) in chunks, with init's
 * argument args (NULL: none; at most XL_MODULE_ARGS_LEN - 1 bytes). Returns
 * the module's id (> 0), or -1 with h->err and in why (why_size bytes) the
 * hypervisor's reason when it gave one ("" otherwise).
 */
#define XL_MODULE_ARGS_LEN sizeof(((struct xl_module_load *)0)->args)
int64_t xl_module_load(struct xl_handle *h, const void *image, size_t size, const char *args,
		       char *why, size_t why_size);
/* XL_MODULE_UNLOAD of the module named name. 0, or -1 with h->err and why as for load. */
int xl_module_unload(struct xl_handle *h, const char *name, char *why, size_t why_size);
/*
 * XL_MODULE_LIST into out[0, max): returns how many modules are loaded
 * (more than max when they did not all fit: the first max are filled), or -1.
 */
int xl_module_list(struct xl_handle *h, struct xl_module_entry *out, unsigned int max);
/*
 * XL_MODULE_CALL of operation op of module name with arg, data[0, len) in
 * and out (at most XL_IOCTL_MAX_LEN less the call header). Returns the
 * module's answer (>= 0), or -1 with h->err.
 */
int64_t xl_module_call(struct xl_handle *h, const char *name, uint32_t op, uint64_t arg, void *data,
		       size_t len);
#define XL_MODULE_CALL_DATA_MAX (XL_IOCTL_MAX_LEN - sizeof(struct xl_module_call_header))

/* ---- shared memory segments (XL_HC_SHM) and event channels (XL_HC_EVENT), ABI 0.8 ---- */

/*
 * XL_SHM_CREATE of a zeroed segment of size bytes with XL_SHM_* flags
 * (XL_SHM_AUTO), XL_SHM_DESTROY, XL_SHM_ATTACH (to domid, XL_SHM_READ_ONLY
 * or 0; *gpa: where the domain finds it) and XL_SHM_DETACH. 0, or -1 with
 * h->err (a name xl_shm_name_problem() refuses: XL_ERR_DRIVER, EINVAL,
 * before any call).
 */
int xl_shm_create(struct xl_handle *h, const char *name, uint64_t size, uint32_t flags);
int xl_shm_destroy(struct xl_handle *h, const char *name);
int xl_shm_attach(struct xl_handle *h, const char *name, uint32_t domid, uint32_t flags,
		  uint64_t *gpa);
int xl_shm_detach(struct xl_handle *h, const char *name, uint32_t domid);
/*
 * XL_SHM_LIST into out[0, max): returns how many segments exist (more than
 * max when they did not all fit), or -1. A reply with more attachments
 * than an entry holds is refused (XL_ERR_REPLY).
 */
int xl_shm_list(struct xl_handle *h, struct xl_shm_info *out, unsigned int max);
/* XL_SHM_QUERY: dom0's own attachments into out[0, max); returns how many it has, or -1. */
int xl_shm_query(struct xl_handle *h, struct xl_shm_mapping *out, unsigned int max);
/*
 * Map [gpa, gpa + len) of dom0's guest-physical space (a segment attached
 * to dom0) through /dev/xenlite's mmap, shared, readable and, if writable,
 * writable. The mapping, or NULL with h->err (XL_ERR_DRIVER, call "mmap").
 */
void *xl_map(struct xl_handle *h, uint64_t gpa, size_t len, bool writable);
/*
 * Wait for an event on dom0's port (XL_IOCTL_EVENT_WAIT), at most timeout_ms.
 * 0, or -1 with h->err (XL_ERR_DRIVER: ETIMEDOUT, ENOENT for no such port, ...).
 */
int xl_event_wait(struct xl_handle *h, uint32_t port, uint32_t timeout_ms);
void xl_unmap(void *p, size_t len);

/*
 * XL_EVENT_CONNECT of domains a and b (two different ones): 0 with each
 * end's port, or -1. XL_EVENT_SEND on dom0's own port; XL_EVENT_STATUS of
 * dom0's own port into *st. 0 or -1. (The driver takes a and b in the
 * ioctl's arg: see xenlite-ioctl.h.)
 */
int xl_event_connect(struct xl_handle *h, uint32_t a, uint32_t b, uint32_t *port_a,
		     uint32_t *port_b);
int xl_event_send(struct xl_handle *h, uint32_t port);
int xl_event_close(struct xl_handle *h, uint32_t port);
int xl_event_status(struct xl_handle *h, uint32_t port, struct xl_event_status *st);
/*
 * dom0's port connected to domid's remote_port (a back-end taking a device
 * over finds its channels again this way) into *port: 0, or -1 (ENOENT).
 */
int xl_event_find_peer(struct xl_handle *h, uint32_t domid, uint32_t remote_port, uint32_t *port);

/*
 * A guest's virtio devices (XL_DOMCTL_VIRTIO, Documentation/virtio.md), as
 * the back-ends ask: ADD (op filled in but for its op field) returns the
 * device's index; STATE fills *st; RESET_DONE gives back the driver's reset
 * reset_count. -1 with h->err on failure.
 */
int64_t xl_virtio_add(struct xl_handle *h, uint32_t domid, struct xl_virtio_op *op);
int xl_virtio_state(struct xl_handle *h, uint32_t domid, uint32_t dev, struct xl_virtio_op *st);
int xl_virtio_reset_done(struct xl_handle *h, uint32_t domid, uint32_t dev, uint32_t reset_count);

/*
 * One line describing *e, without the program name and newline, e.g.
 * "/dev/xenlite: No such file or directory (is the xenlite module loaded?)".
 * Returns buf.
 */
char *xl_error_message(const struct xl_error *e, char *buf, size_t size);

#endif
