/* XL_HC_DOMCTL handlers (hypercalls/domctl.c). */
#ifndef XEN_LITE_DOMCTL_H
#define XEN_LITE_DOMCTL_H

#include <xen-lite/types.h>

struct vcpu;

int64_t domctl_dispatch(struct vcpu *v, uint64_t op, uint64_t gpa, uint64_t size, uint64_t arg);

#endif
