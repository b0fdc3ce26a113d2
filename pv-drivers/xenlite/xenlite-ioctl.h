/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The ioctl interface of /dev/xenlite, xen-lite's dom0 control device
 * (pv-drivers/xenlite/xenlite.c). Shared by the module and the dom0 tools
 * (dom0-tools/libxl-lite.c); must compile alone in both.
 *
 * XL_IOCTL_HYPERCALL issues one hypercall on behalf of root in dom0:
 *   nr   hypercall number (XL_HC_*); only an allow-list is accepted
 *        (XL_HC_VERSION, XL_HC_SYSCTL, XL_HC_DOMCTL, XL_HC_MODULE,
 *        XL_HC_SHM, XL_HC_EVENT)
 *   op   first argument (RDI): the operation, e.g. XL_SYSCTL_INFO
 *   buf  user pointer to a buffer of len bytes, or 0 with len 0; the driver
 *        copies it into a physically contiguous kernel buffer, passes that
 *        buffer's physical address (RSI) and len (RDX), and copies it back
 *   len  at most XL_IOCTL_MAX_LEN bytes
 *   arg  fourth argument (R10), e.g. the log position of XL_SYSCTL_LOG_READ
 *   ret  out: the hypercall's result (RAX): >= 0, or a negative errno from
 *        the hypervisor
 * XL_HC_EVENT's arguments are numbers, not a buffer: the driver passes
 * arg's low 32 bits as a (RSI) and its high 32 bits as b (RDX)
 * (XL_IOCTL_EVENT_ARGS), len 0; except XL_EVENT_STATUS: a = arg (the port),
 * b = the buffer's physical address, len = sizeof(struct xl_event_status).
 * Only CONNECT, SEND, CLOSE and STATUS are allowed (PAGE, OFFER, ACCEPT
 * and BIND would have dom0's kernel take events it has no handler for): EPERM.
 *
 * mmap of /dev/xenlite (shared only, CAP_SYS_ADMIN): the offset is a
 * guest-physical address of dom0's, and [offset, offset + length) must lie
 * inside one of dom0's shared segment attachments (XL_SHM_QUERY), else
 * EINVAL; a writable mapping of a read-only attachment: EACCES.
 *
 * XL_IOCTL_EVENT_WAIT (struct xl_ioctl_event_wait): dom0 takes notifications
 * on one of its own ports (Documentation/composition.md). The first call
 * gives dom0's kernel an event page and an interrupt vector of its own (the
 * driver's); each call binds the port to that vector, then sleeps until a
 * notification of the port arrives that no earlier call took, at most
 * timeout_ms: 0, or -1 with errno ETIMEDOUT, EINTR, EINVAL (port out of
 * range, timeout above XL_IOCTL_EVENT_MAX_WAIT_MS), ENOENT (no such port of
 * dom0's), ENOSPC (no vector), EPERM.
 *
 * The ioctl itself returns 0 when the hypercall was made (whatever ret is),
 * or -1 with errno for the driver's own refusals: EINVAL (nr out of range),
 * EPERM (nr not allowed, or no CAP_SYS_ADMIN), E2BIG (len too large),
 * EFAULT (bad user pointer), ENOMEM.
 */
#ifndef XENLITE_IOCTL_H
#define XENLITE_IOCTL_H

#if defined(__KERNEL__)
#include <linux/types.h>
#include <linux/ioctl.h>
#else
#include <stdint.h>
#include <linux/ioctl.h>
#endif

#define XL_DEVICE_PATH "/dev/xenlite"
#define XL_IOCTL_MAX_LEN (64 * 1024)

struct xl_ioctl_hypercall {
	uint32_t nr;
	uint32_t op;
	uint64_t buf; /* user pointer */
	uint64_t len;
	uint64_t arg;
	int64_t ret;
};

/* XL_HC_EVENT's a and b in the ioctl's arg */
#define XL_IOCTL_EVENT_ARGS(a, b) ((uint64_t)(uint32_t)(a) | (uint64_t)(uint32_t)(b) << 32)

struct xl_ioctl_event_wait {
	uint32_t port;
	uint32_t timeout_ms;
};
#define XL_IOCTL_EVENT_MAX_WAIT_MS (3600 * 1000)

/*
 * XL_IOCTL_GUEST_MAP (struct xl_ioctl_guest_map): dom0's view of a guest's
 * RAM, for this open file (a virtio back-end; Documentation/virtio.md): the
 * driver asks the hypervisor (XL_DOMCTL_GUEST_MEMORY_MAP) and writes up to
 * max extents (struct xl_mem_extent: the guest's address, dom0's address,
 * size) to the user's array; ret = how many the guest has. mmap of this file
 * then also accepts [offset, offset + length) inside one extent of a guest
 * this file views: shared, read-write. The view goes
 * (XL_DOMCTL_GUEST_MEMORY_UNMAP) when the file is released, which is after
 * its last mapping. Errors: EEXIST (this file views that guest already),
 * ENOSPC (XL_IOCTL_GUEST_VIEWS per file), or the hypervisor's (in ret, with
 * the ioctl returning 0, as for XL_IOCTL_HYPERCALL). XL_DOMCTL_GUEST_MEMORY_MAP
 * and _UNMAP through XL_IOCTL_HYPERCALL: EPERM (a view nobody would release).
 */
struct xl_ioctl_guest_map {
	uint32_t domid;
	uint32_t max; /* entries of extents */
	uint64_t extents; /* user pointer to struct xl_mem_extent[max] */
	int64_t ret;
};
#define XL_IOCTL_GUEST_VIEWS 4

#define XL_IOCTL_MAGIC 'x'
#define XL_IOCTL_HYPERCALL _IOWR(XL_IOCTL_MAGIC, 0x01, struct xl_ioctl_hypercall)
#define XL_IOCTL_EVENT_WAIT _IOW(XL_IOCTL_MAGIC, 0x02, struct xl_ioctl_event_wait)
#define XL_IOCTL_GUEST_MAP _IOWR(XL_IOCTL_MAGIC, 0x03, struct xl_ioctl_guest_map)

#endif
