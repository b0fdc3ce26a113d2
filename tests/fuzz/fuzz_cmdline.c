/*
 * Fuzz the hypervisor's command line (xen-lite/params.c over
 * xen-lite/cmdline.c: every parameter type) and the xl-guest module lines
 * (xen-lite/guest_spec.c), which arrive from the boot loader.
 *
 * Input: the command line (cut at the first NUL, as the loader's string is);
 * the same text is parsed both ways, so a seed of either kind serves.
 */
#include <stdlib.h>
#include <string.h>

#include <xen-lite/errno.h>
#include <xen-lite/guest_launch.h>
#include <xen-lite/log.h>
#include <xen-lite/params.h>

#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct params defaults;
	static bool saved;
	struct guest_spec spec;
	char *line = malloc(size + 1);
	int err;

	if (!saved) {
		defaults = params;
		saved = true;
	}
	memcpy(line, data, size);
	line[size] = '\0';

	params = defaults;
	params_parse(line);
	FUZZ_CHECK(memchr(params.console, '\0', sizeof(params.console)), "console not terminated");
	FUZZ_CHECK(params.loglvl <= LOG_DEBUG && params.on_panic <= ON_PANIC_REBOOT &&
			   params.after_boot <= AFTER_BOOT_HALT && params.selftest <= SELFTEST_ASSERT &&
			   params.dom0_on_crash <= DOM0_ON_CRASH_REBOOT,
		   "an enum parameter out of its choices");
	FUZZ_CHECK(params.maxcpus >= 1 && params.maxcpus <= 256, "maxcpus %llu",
		   (unsigned long long)params.maxcpus);
	FUZZ_CHECK(params.dom0_max_vcpus >= 1 && params.dom0_max_vcpus <= 64, "dom0_max_vcpus");
	FUZZ_CHECK(params.debug_exit <= 0xffff, "debug_exit");
	FUZZ_CHECK(!params.tsc_khz || (params.tsc_khz >= 1000 && params.tsc_khz <= 100000000),
		   "tsc_khz");
	FUZZ_CHECK(!params.dom0_mem ||
			   (params.dom0_mem >= (64ULL << 20) && params.dom0_mem <= (1ULL << 50)),
		   "dom0_mem");

	err = guest_spec_parse(line, &spec);
	FUZZ_CHECK(err == 0 || err == -ENOENT || err == -EINVAL, "guest_spec_parse() returned %d", err);
	if (err == 0) {
		FUZZ_CHECK(spec.name[0] && memchr(spec.name, '\0', sizeof(spec.name)), "name");
		FUZZ_CHECK(spec.cpu >= -1 && spec.cpu < 4096, "cpu %d", spec.cpu);
		FUZZ_CHECK(spec.mem && spec.mem % 4096 == 0, "mem %#llx", (unsigned long long)spec.mem);
		FUZZ_CHECK(spec.timeout_ms, "timeout 0");
	}
	free(line);
	return 0;
}
