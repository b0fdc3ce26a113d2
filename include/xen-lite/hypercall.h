/* Hypercall dispatch (the handlers are in hypercalls/, the ABI in hypercalls/xen-lite-abi.h). */
#ifndef XEN_LITE_HYPERCALL_H
#define XEN_LITE_HYPERCALL_H

#include <xen-lite/types.h>

struct vcpu;

/* Run hypercall nr for v with six raw register arguments; returns the value for RAX. */
int64_t hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[6]);

#endif
