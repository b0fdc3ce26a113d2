/*
 * Fuzz the DOMCTL decoder (hypercalls/domctl.c, domctl_dispatch) with
 * hostile requests from a fake dom0 whose RAM is the input; the lifecycle
 * it calls is a fake that checks it is only asked what the decoder
 * should let through (tests/fuzz/fake_dom0.h has the input's layout).
 */
#include <xen-lite/domctl.h>

#include "fake_dom0.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fake_node_run_requests(data, size, domctl_dispatch);
}
