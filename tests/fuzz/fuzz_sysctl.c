/*
 * Fuzz the SYSCTL decoder (hypercalls/sysctl.c, sysctl_dispatch) with
 * hostile requests from a fake dom0 whose RAM is the input
 * (tests/fuzz/fake_dom0.h has the input's layout).
 */
#include <xen-lite/sysctl.h>

#include "fake_dom0.h"

static int64_t call(struct vcpu *v, struct fuzz_in *in)
{
	uint64_t a[4];

	fake_request(in, a);
	return sysctl_dispatch(v, a[0], a[1], a[2], a[3]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fake_node_run(data, size, call);
}
