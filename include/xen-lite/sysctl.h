/* XL_HC_SYSCTL handlers (hypercalls/sysctl.c). */
#ifndef XEN_LITE_SYSCTL_H
#define XEN_LITE_SYSCTL_H

#include <xen-lite/types.h>

struct vcpu;

int64_t sysctl_dispatch(struct vcpu *v, uint64_t op, uint64_t gpa, uint64_t size, uint64_t arg);

#endif
