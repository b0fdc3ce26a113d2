/*
 * xl-lite profile's data: the exit-profiler module's READ answers
 * (modules/exit-profiler/exit_profiler_abi.h) checked and gathered into one
 * profile, and what is worked out of it: shares, means, percentiles from
 * the log2 histogram. No device access: the host unit tests link it.
 * Documentation/modules/exit-profiler.md.
 */
#ifndef XL_PROF_DATA_H
#define XL_PROF_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../modules/exit-profiler/exit_profiler_abi.h"

/* One reason's counts in one domain (zero when it took none). */
struct xl_prof_stats {
	uint64_t count, total_cycles, min_cycles, max_cycles;
	uint64_t hist[XL_PROF_BUCKETS];
};

struct xl_prof_dom {
	uint32_t id;
	uint64_t exits; /* all reasons */
	struct xl_prof_stats reason[XL_PROF_MAX_REASONS];
};

struct xl_profile {
	uint64_t tsc_khz;
	uint32_t nr_reasons; /* reason numbers are < this */
	uint32_t reasons_hooked; /* bits, as the module reported them */
	uint64_t dropped;
	char names[XL_PROF_MAX_REASONS][XL_PROF_NAME_LEN]; /* printable, NUL-terminated */
	unsigned int nr_domains;
	struct xl_prof_dom dom[XL_PROF_MAX_DOMAINS]; /* by id, each id once */
};

/*
 * READ from slot cursor into buf (size bytes): the bytes written, or < 0
 * (the caller keeps the cause).
 */
typedef int64_t (*xl_prof_read_fn)(void *ctx, uint32_t cursor, void *buf, size_t size);

enum xl_prof_result {
	XL_PROF_OK,
	XL_PROF_READ_FAILED, /* read() failed: its cause is the caller's */
	XL_PROF_MALFORMED, /* an answer that makes no sense: why says what */
};

/*
 * Every domain: READ from slot 0 with read(), buf of size bytes, until an
 * answer says no domain follows, into *p (zeroed first). Each answer is
 * checked before use: its header, each record within the bytes written,
 * reasons and counts in range, the cursor moving forward. A domain met
 * twice (the module can give a new domain two slots in a rare race) is
 * added up into one. why (why_size bytes) says what was wrong.
 */
enum xl_prof_result xl_prof_read_all(xl_prof_read_fn read, void *ctx, void *buf, size_t size,
				     struct xl_profile *p, char *why, size_t why_size);

/* The domain's counts in p, or NULL. */
const struct xl_prof_dom *xl_prof_find(const struct xl_profile *p, uint32_t id);

/*
 * What happened between two reads (profile -f): now's counts, total cycles
 * and histograms less before's, per domain and reason (a domain that is new,
 * or whose counts went back - reset, or its slot taken by another domain -
 * counts from zero); min and max are left 0: they cannot be taken apart.
 */
void xl_prof_delta(const struct xl_profile *now, const struct xl_profile *before, struct xl_profile *out);

/* total / count, 0 for no exits */
uint64_t xl_prof_mean(const struct xl_prof_stats *s);

/*
 * The latency below which permille/1000 of the exits fall, estimated from
 * the histogram: the bucket that holds that rank, and within it a linear
 * spread of its exits over [2^i, 2^(i+1)) narrowed to [min, max] (the last
 * bucket, open-ended, reaches max). 0 with no exits in the histogram.
 */
uint64_t xl_prof_percentile(const struct xl_prof_stats *s, unsigned int permille);

/* Cycles as microseconds at tsc_khz; a negative value when tsc_khz is 0 (unknown). */
double xl_prof_us(uint64_t cycles, uint64_t tsc_khz);

#endif
