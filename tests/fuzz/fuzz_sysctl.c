/*
 * Fuzz the SYSCTL decoder (hypercalls/sysctl.c, sysctl_dispatch) with
 * hostile requests from a fake dom0 whose RAM is the input
 * (tests/fuzz/fake_dom0.h has the input's layout).
 */
#include <xen-lite/sysctl.h>

#include "fake_dom0.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fake_node_run_requests(data, size, sysctl_dispatch);
}
