/*
 * Fault campaigns for `xl-lite inject CAMPAIGN` (Documentation/modules/
 * fault-injector.md): a small file of `key = value` settings in xl.cfg's
 * syntax (xl-cfg-syntax.c) saying whom to inject into, how many times,
 * which kinds with which weights, where in memory, how long to watch after
 * each, and what the target's workload prints when it checks itself. No
 * device access: the host unit tests and the fuzz harness link it.
 */
#ifndef XL_FI_CAMPAIGN_H
#define XL_FI_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen-lite-abi.h"
#include "../modules/fault-injector/fault_injector_abi.h"

#define XL_FI_PATTERNS_MAX 8
#define XL_FI_PATTERN_LEN 64 /* with the NUL */
#define XL_FI_INJECTIONS_MAX 100000
#define XL_FI_WEIGHT_MAX 1000000
#define XL_FI_WINDOW_MS_MIN 10
#define XL_FI_WINDOW_MS_MAX 600000
#define XL_FI_WAIT_MS_MAX 3600000 /* restart_ms, hang_ms */

/* Text the target prints that says something: any of these substrings of a line. */
struct xl_fi_patterns {
	unsigned int n;
	char text[XL_FI_PATTERNS_MAX][XL_FI_PATTERN_LEN];
};

struct xl_fi_campaign {
	char target[XL_DOMAIN_NAME_MAX]; /* a domain's name, or its id in decimal */
	bool target_is_dom0; /* "0" or "dom0" */
	uint64_t seed;
	unsigned int injections;
	unsigned int window_ms; /* watched after each injection */
	unsigned int restart_ms; /* the most a crashed target may take to come back and report ok */
	unsigned int hang_ms; /* the workload silent this long is a hang (0: not watched) */
	bool have_mem;
	uint64_t mem_start, mem_end; /* mem_flip's guest-physical range, [start, end) */
	unsigned int weight[XL_FI_NR_KINDS]; /* by the module's XL_FI_* */
	unsigned int count; /* the times an armed injection applies */
	unsigned int error; /* hypercall_fail's errno */
	uint32_t hypercall; /* hypercall_fail's number, or XL_FI_ANY */
	uint32_t port; /* io_corrupt's port, or XL_FI_ANY */
	struct xl_fi_patterns ok, corrupt, user_crash, kernel_crash;
	bool unsafe; /* dom0 may be the target (with --unsafe too) */
};

/*
 * Parse a campaign's text. Returns 0, or -1 with a message in err that
 * names the line and column of the key or value at fault ("line 3, column
 * 1: unknown key 'windw_ms'"), or what the whole file lacks ("target is
 * required"). Each key at most once; at least one kind with a weight.
 */
int xl_fi_campaign_parse(const char *text, struct xl_fi_campaign *c, char *err, size_t err_size);

#endif
