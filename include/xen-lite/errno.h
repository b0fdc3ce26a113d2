/* Error numbers: the Linux values, so that hypercall results read the same in dom0. */
#ifndef XEN_LITE_ERRNO_H
#define XEN_LITE_ERRNO_H

#ifndef EPERM
#define EPERM 1
#define ENOENT 2
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define ENOEXEC 8
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define ENOSYS 38
#define EPROTO 71
#define EOVERFLOW 75
#define EOPNOTSUPP 95
#define ENOTCONN 107
#define ETIMEDOUT 110
#endif

#endif
