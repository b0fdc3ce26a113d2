/*
 * xl-lite profile's output: per domain a table of its exit reasons, most
 * taken first (count, share, cost in cycles and microseconds, median and
 * 99th percentile), or one JSON object with every figure and histogram.
 * No device access: the host unit tests link it. Documentation/tools.md.
 */
#ifndef XL_PROF_FMT_H
#define XL_PROF_FMT_H

#include <stdbool.h>
#include <stdio.h>

#include "xen-lite-abi.h"
#include "xl-prof-data.h"

/* What to print of a profile, and the names of the domains (from XL_SYSCTL_DOMAIN_LIST). */
struct xl_prof_view {
	bool one; /* only domain `id` */
	uint32_t id;
	const struct xl_domain_info *doms; /* may be NULL: no names */
	unsigned int nr_doms;
	bool json;
};

void xl_print_profile(FILE *f, const struct xl_profile *p, const struct xl_prof_view *v);
/*
 * profile -f: what an interval of `seconds` added (xl_prof_delta()), as
 * exits per second per domain and reason with their mean, median and 99th
 * percentile cost - a block of text, or one JSON object on one line.
 */
void xl_print_profile_rates(FILE *f, const struct xl_profile *delta, double seconds,
			    const struct xl_prof_view *v);

#endif
