/*
 * Guests started by the hypervisor itself from boot modules whose command
 * line starts with "xl-guest" (test guests and benchmarks; real guests will
 * be created from dom0). Syntax, one module each:
 *
 *   xl-guest name=NAME [cpu=N] [mem=SIZE] [timeout=MS] [expect=pass|crash|timeout]
 *            [pause_at=MS] [readonly=GPA] [noexec=GPA] [unmap=GPA] [ARGS...]
 *
 * cpu: the physical CPU to pin to (default: any free one except CPU 0);
 * mem: guest memory (default 2M, K/M/G suffixes, a multiple of 4 KiB);
 * timeout: destroy the guest if it still runs after this many ms (default 10000);
 * expect: what the test harness expects; the hypervisor only records it;
 * pause_at: pause the running guest after this many ms, for PAUSE_MS, then resume it;
 * readonly, noexec, unmap: a guest-physical address whose 4 KiB page is made
 * read-only (no write), not executable, or unmapped in the nested page tables
 * before the guest starts (to test nested-paging permissions).
 * Words without '=' are passed on to the guest in its command line.
 */
#ifndef XEN_LITE_GUEST_LAUNCH_H
#define XEN_LITE_GUEST_LAUNCH_H

#include <xen-lite/boot_info.h>

#define GUEST_PAUSE_MS 1000
#define GUEST_NO_GPA UINT64_MAX

struct guest_spec {
	char name[32];
	int cpu; /* -1: any */
	uint64_t mem;
	uint64_t timeout_ms;
	uint64_t pause_at_ms; /* 0: never */
	uint64_t readonly_gpa, noexec_gpa, unmap_gpa; /* GUEST_NO_GPA: none */
	unsigned int module;
};

/* Parse one module command line; 0, -ENOENT if it is not an xl-guest line, -EINVAL if malformed. */
int guest_spec_parse(const char *cmdline, struct guest_spec *spec);

/* Run every xl-guest module to its end, a free CPU each, and report. */
void guests_launch_from_modules(const struct boot_info *bi);

#endif
