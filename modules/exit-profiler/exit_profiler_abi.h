/*
 * The exit profiler's wire format (Documentation/modules/exit-profiler.md):
 * what its XL_MODULE_CALL operations take and answer. Shared by the module
 * (modules/exit-profiler/) and dom0's xl-lite (dom0-tools/xl-prof-data.c);
 * must compile alone in both. Fixed-size structures, naturally aligned,
 * uint64_t/uint32_t/char only: the same layout for every compiler.
 */
#ifndef EXIT_PROFILER_ABI_H
#define EXIT_PROFILER_ABI_H

#include <stdint.h>

#define XL_PROF_MODULE "exit-profiler" /* the name XL_MODULE_CALL takes */

/*
 * READ, arg = the slot to start from (0 first, then the previous answer's
 * next): the buffer gets a struct xl_prof_header, then per domain a struct
 * xl_prof_domain followed by its nr_reasons struct xl_prof_reason. Whole
 * domains only: those that do not fit are left for the next READ. Returns
 * the bytes written; -ENOSPC when not even the header and one domain fit
 * (header.needed then says how many bytes would, when the header fits);
 * -EINVAL for a slot past XL_PROF_MAX_DOMAINS.
 */
#define XL_PROF_OP_READ 0
/* RESET, arg = a domain id, or XL_PROF_ALL: its (every) count back to zero. 0, or -ENOENT. */
#define XL_PROF_OP_RESET 1
#define XL_PROF_ALL (~(uint64_t)0)

#define XL_PROF_MAGIC 0x46504c58u /* "XLPF" */
#define XL_PROF_FORMAT_VERSION 1
#define XL_PROF_MAX_DOMAINS 64 /* domains tracked at once */
#define XL_PROF_MAX_REASONS 32 /* exit reasons the format can name (one bit each in a mask) */
#define XL_PROF_NAME_LEN 16 /* a reason's name, NUL-terminated */
/*
 * Latency histogram: bucket i counts exits of [2^i, 2^(i+1)) TSC cycles;
 * bucket 0 also takes 0, the last everything from 2^(XL_PROF_BUCKETS-1) up.
 */
#define XL_PROF_BUCKETS 24
#define XL_PROF_DONE 0xffffffffu /* header.next when no domain follows */

struct xl_prof_header {
	uint32_t magic; /* XL_PROF_MAGIC */
	uint32_t version; /* XL_PROF_FORMAT_VERSION */
	uint64_t tsc_khz; /* the TSC's frequency: cycles to time */
	uint32_t nr_reasons; /* the hypervisor's exit reasons (EXIT_REASON_COUNT), named below */
	uint32_t nr_buckets; /* XL_PROF_BUCKETS */
	uint32_t reasons_hooked; /* one bit per reason profiled (the module's reasons= argument) */
	uint32_t nr_domains; /* domain records in this answer */
	uint32_t tracked; /* domains tracked now, in all answers */
	uint32_t next; /* READ's arg for the domains that follow, or XL_PROF_DONE */
	uint64_t dropped; /* exits not counted: more than XL_PROF_MAX_DOMAINS domains at once */
	uint64_t needed; /* with -ENOSPC: the buffer size the next domain needs */
	char reason_names[XL_PROF_MAX_REASONS][XL_PROF_NAME_LEN]; /* [0, nr_reasons) */
};

struct xl_prof_domain {
	uint32_t domain_id;
	uint32_t nr_reasons; /* struct xl_prof_reason records that follow: the reasons seen */
};

struct xl_prof_reason {
	uint32_t reason; /* enum exit_reason, < header.nr_reasons */
	uint32_t reserved; /* 0 */
	uint64_t count; /* exits */
	uint64_t total_cycles; /* from exit_tsc to the end of the exit's after hooks, summed */
	uint64_t min_cycles, max_cycles;
	uint64_t hist[XL_PROF_BUCKETS];
};

#endif
