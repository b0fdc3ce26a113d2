/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The ioctl interface of /dev/xenlite, xen-lite's dom0 control device
 * (pv-drivers/xenlite/xenlite.c). Shared by the module and the dom0 tools
 * (dom0-tools/libxl-lite.c); must compile alone in both.
 *
 * XL_IOCTL_HYPERCALL issues one hypercall on behalf of root in dom0:
 *   nr   hypercall number (XL_HC_*); only an allow-list is accepted
 *        (XL_HC_VERSION, XL_HC_SYSCTL, XL_HC_DOMCTL, XL_HC_MODULE)
 *   op   first argument (RDI): the operation, e.g. XL_SYSCTL_INFO
 *   buf  user pointer to a buffer of len bytes, or 0 with len 0; the driver
 *        copies it into a physically contiguous kernel buffer, passes that
 *        buffer's physical address (RSI) and len (RDX), and copies it back
 *   len  at most XL_IOCTL_MAX_LEN bytes
 *   arg  fourth argument (R10), e.g. the log position of XL_SYSCTL_LOG_READ
 *   ret  out: the hypercall's result (RAX): >= 0, or a negative errno from
 *        the hypervisor
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

#define XL_IOCTL_MAGIC 'x'
#define XL_IOCTL_HYPERCALL _IOWR(XL_IOCTL_MAGIC, 0x01, struct xl_ioctl_hypercall)

#endif
