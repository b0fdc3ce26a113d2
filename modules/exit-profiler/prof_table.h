/*
 * The exit profiler's counts: per domain (a slot each, claimed by the
 * domain's first exit) and per exit reason, updated lock-free by the exit
 * hooks of every CPU at once, read into the wire format of
 * exit_profiler_abi.h. No hypervisor calls here: the host unit tests
 * (tests/unit/test_exit_profiler.c) link it as it is.
 */
#ifndef PROF_TABLE_H
#define PROF_TABLE_H

#include <xen-lite/domain.h> /* EXIT_REASON_COUNT */
#include <xen-lite/types.h>

#include "exit_profiler_abi.h"

_Static_assert(EXIT_REASON_COUNT <= XL_PROF_MAX_REASONS, "every exit reason must fit the wire format");

struct prof_stats {
	uint64_t count, total;
	uint64_t min, max; /* min 0: no exit yet (a latency is counted as 1 cycle at least) */
	uint64_t hist[XL_PROF_BUCKETS];
};

struct prof_slot {
	uint64_t owner; /* the domain's id + 1 (dom0 is 0); 0: free */
	struct prof_stats reason[EXIT_REASON_COUNT];
};

struct prof_table {
	struct prof_slot slot[XL_PROF_MAX_DOMAINS];
	uint64_t dropped; /* exits of domains that found no free slot */
	uint32_t reasons_hooked; /* reported in READ's header */
};

/* What READ's header says besides the counts. */
struct prof_info {
	uint64_t tsc_khz;
	const char *(*reason_name)(uint32_t reason);
};

/* The histogram bucket of a latency: floor(log2(cycles)), within [0, XL_PROF_BUCKETS). */
unsigned int prof_bucket(uint64_t cycles);

/* Count one exit of domain, for reason, that took cycles (from any CPU, with no lock). */
void prof_record(struct prof_table *t, uint32_t domain, uint32_t reason, uint64_t cycles);

/* The domain is gone: its slot is zeroed and freed for another. */
void prof_forget(struct prof_table *t, uint32_t domain);

/* XL_PROF_OP_RESET: the counts of domain arg, or of all (XL_PROF_ALL), back to zero. 0 or -ENOENT. */
int prof_reset(struct prof_table *t, uint64_t arg);

/* XL_PROF_OP_READ from slot cursor into buf (size bytes): the bytes written, or -ENOSPC / -EINVAL. */
int64_t prof_read(struct prof_table *t, uint64_t cursor, void *buf, uint64_t size,
		  const struct prof_info *info);

#endif
