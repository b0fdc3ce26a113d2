/*
 * Fuzz the hypercall entry (hypercalls/hypercall.c, hypercall_dispatch)
 * with all six registers a guest controls, from dom0 or from a guest,
 * over the real DOMCTL and SYSCTL handlers and the fake node of
 * tests/fuzz/fake_dom0.h. Per call: a byte (bit 0: the caller is not
 * privileged), the hypercall number, six arguments.
 */
#include <xen-lite/hypercall.h>

#include "fake_dom0.h"

static int64_t call(struct vcpu *v, struct fuzz_in *in)
{
	bool guest = fuzz_u8(in) & 1;
	uint64_t nr = fuzz_number(in, 0), args[6];
	int64_t ret;

	for (unsigned int i = 0; i < 6; i++)
		args[i] = fuzz_number(in, fake_dom0_mem_end());
	v->domain->privileged = !guest;
	ret = hypercall_dispatch(v, nr, args);
	v->domain->privileged = true;
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fake_node_run(data, size, call);
}
