/* Hypercall dispatch (the handlers are in hypercalls/, the ABI in hypercalls/xen-lite-abi.h). */
#ifndef XEN_LITE_HYPERCALL_H
#define XEN_LITE_HYPERCALL_H

#include <xen-lite/addr.h>
#include <xen-lite/types.h>

struct vcpu;

/* Run hypercall nr for v with six raw register arguments; returns the value for RAX. */
int64_t hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[6]);
/* XL_HC_MODULE (hypercalls/module_call.c): behaviour modules. */
int64_t module_hypercall(struct vcpu *v, uint64_t op, gpa_t buf, uint64_t size, uint64_t arg);

/* XL_HC_EVENT (hypercalls/event_call.c): event channels. */
int64_t event_hypercall(struct vcpu *v, uint64_t op, uint64_t a, uint64_t b, uint64_t c);
/* XL_HC_SHM (hypercalls/shm_call.c): shared memory segments. */
int64_t shm_hypercall(struct vcpu *v, uint64_t op, uint64_t gpa, uint64_t size, uint64_t arg);

#endif
