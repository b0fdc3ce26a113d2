/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The interface of /dev/xenlite-shm (pv-drivers/xenlite-shm/xenlite-shm.c):
 * a Linux guest's user space and its shared segments and event channels
 * (Documentation/composition.md). Shared by the module and the programs that
 * use it; must compile alone in both, with hypercalls/ on the include path.
 *
 * The segments are the guest's shared-memory PCI functions (one per segment
 * attached before the guest first ran; the module is their driver), the
 * events go through their registers (hypercalls/xen-lite-abi.h).
 *
 * XLS_IOCTL_QUERY: the probed functions whose segment is still attached:
 *   name, gpa = BAR2's start, size (XL_SHM_REG_SIZE), XL_SHM_READ_ONLY.
 * XLS_IOCTL_STATUS: one of its ports (XL_EVENT_STATUS, a hypercall).
 * XLS_IOCTL_SEND: a notification on one of its ports (DOORBELL).
 * XLS_IOCTL_WAIT: binds the port to the module's MSI (BIND), then sleeps
 *   until a notification of the port arrives that no earlier wait took, at
 *   most timeout_ms: 0, or -1 with ETIMEDOUT, EINTR, EINVAL, ENOENT.
 * mmap: the offset is the guest-physical address of one of its segments
 *   (XLS_IOCTL_QUERY), at most its size, shared mappings only; a read-only
 *   segment: no PROT_WRITE (EACCES); a detached one: ENODEV.
 * Each call answers the hypervisor's error as -1 with errno, otherwise 0;
 *   ENODEV while no function is probed.
 */
#ifndef XENLITE_SHM_IOCTL_H
#define XENLITE_SHM_IOCTL_H

#if defined(__KERNEL__)
#include <linux/ioctl.h>
#include <linux/types.h>
#else
#include <linux/ioctl.h>
#include <stdint.h>
#endif
#include "xen-lite-abi.h"

#define XLS_DEVICE_PATH "/dev/xenlite-shm"
#define XLS_MAX_WAIT_MS (3600 * 1000)

struct xls_query {
	uint32_t nr; /* out: how many segments it has (at most XL_SHM_MAX_PER_DOMAIN listed) */
	uint32_t reserved;
	struct xl_shm_mapping maps[XL_SHM_MAX_PER_DOMAIN];
};

struct xls_port {
	uint32_t port;
	uint32_t timeout_ms; /* XLS_IOCTL_WAIT only */
	struct xl_event_status status; /* XLS_IOCTL_STATUS only: out */
};

#define XLS_IOCTL_MAGIC 'X'
#define XLS_IOCTL_QUERY _IOR(XLS_IOCTL_MAGIC, 0x01, struct xls_query)
#define XLS_IOCTL_STATUS _IOWR(XLS_IOCTL_MAGIC, 0x02, struct xls_port)
#define XLS_IOCTL_SEND _IOW(XLS_IOCTL_MAGIC, 0x03, struct xls_port)
#define XLS_IOCTL_WAIT _IOW(XLS_IOCTL_MAGIC, 0x04, struct xls_port)

#endif
