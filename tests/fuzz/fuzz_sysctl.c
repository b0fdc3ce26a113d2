/*
 * Fuzz the SYSCTL decoder (hypercalls/sysctl.c, sysctl_dispatch) with
 * hostile requests from a fake dom0 whose RAM is the input
 * (tests/fuzz/fake_dom0.h has the input's layout). A request that fails
 * must leave dom0's memory as it was (Documentation/hypercalls.md: nothing
 * is written on an error): a buffer that runs into a hole in dom0's memory
 * used to be half filled before -EFAULT.
 */
#include <stdlib.h>
#include <string.h>

#include <xen-lite/sysctl.h>

#include "fake_dom0.h"

static int64_t sysctl_leaves_memory_on_error(struct vcpu *v, uint64_t op, uint64_t gpa, uint64_t size,
					     uint64_t arg)
{
	size_t n;
	const uint8_t *ram = fake_dom0_ram(&n);
	uint8_t *before = malloc(n ? n : 1);
	int64_t ret;

	FUZZ_CHECK(before, "out of memory");
	memcpy(before, ram, n);
	ret = sysctl_dispatch(v, op, gpa, size, arg);
	FUZZ_CHECK(ret >= 0 || !memcmp(before, ram, n), "SYSCTL op %llu returned %lld after writing dom0's memory",
		   (unsigned long long)op, (long long)ret);
	free(before);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fake_node_run_requests(data, size, sysctl_leaves_memory_on_error);
}
