/*
 * A fake node for the hypercall harnesses (fuzz_domctl, fuzz_sysctl,
 * fuzz_hypercall): dom0, whose RAM is the fuzz input, a few guests, and the
 * core functions the handlers in hypercalls/ call, replaced by fakes as in
 * tests/unit/test_hypercall.c (they record, never crash) - except
 * that each checks the contract its header states and fails the run when a
 * handler calls it with something the handler should have refused.
 * The guest pool is tests/unit/fake_pool.h's, 5 MiB, emptied at each run's
 * start and reached with phys_to_virt() too.
 * dom0's memory is reached through the real xen-lite/guest_memory.c, its
 * consoles through the real xen-lite/domain_console.c, and CPUs are owned
 * through the real xen-lite/pcpu.c (8 of them online).
 */
#ifndef TESTS_FUZZ_FAKE_DOM0_H
#define TESTS_FUZZ_FAKE_DOM0_H

#include <xen-lite/domain.h>

#include "support.h"

/* One hypercall by v with arguments taken from in; returns its result. */
typedef int64_t (*fake_call_fn)(struct vcpu *v, struct fuzz_in *in);

/*
 * A harness's LLVMFuzzerTestOneInput(). The node is built from the front of
 * the input: a flags byte (bit 0: dom0's RAM has a hole; bits 4-5: dom0's
 * vCPUs), the failures to inject (bit 0 guest_create, 1 guest_alloc_images,
 * 2 guest_launch), with a hole where it is (a byte), the guests already
 * there (a count, then per guest its vCPUs, state, flags, images and
 * console), the log ring's head. dom0's RAM is the whole input: below the
 * hole, guest-physical address X is input byte X. Then a count of calls
 * (1 to 8), each made by dom0's vCPU 0 with `call`; after each, the
 * lifecycle lock must be free, dom0 intact and the result a value or an errno.
 */
int fake_node_run(const uint8_t *data, size_t size, fake_call_fn call);

/*
 * fn(d) for each guest as it is destroyed, before anything of it is freed,
 * and for dom0 at the end of the run (its RAM still there): where a harness
 * tears down what the real domain_destroy() does (event channels, segments).
 */
void fake_node_set_teardown(void (*fn)(struct domain *d));

/* Where dom0's RAM ends (an edge for fuzz_number()). */
uint64_t fake_dom0_mem_end(void);
/* dom0's RAM as the handlers see it (the hole not included), and its size. */
const uint8_t *fake_dom0_ram(size_t *size);

/*
 * The same with DOMCTL or SYSCTL requests: per call, four numbers (op,
 * buffer, size, domain id or log position) for dispatch.
 */
typedef int64_t (*fake_dispatch_fn)(struct vcpu *v, uint64_t op, uint64_t gpa, uint64_t size,
				    uint64_t arg);
int fake_node_run_requests(const uint8_t *data, size_t size, fake_dispatch_fn dispatch);

#endif
