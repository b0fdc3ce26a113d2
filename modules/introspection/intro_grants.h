/*
 * Who may read whom besides dom0: a table of (observer, target) grants.
 * Changed by dom0's GRANT and REVOKE (serialised with each other) and by
 * the `destroyed` hook (on any CPU, at any time), so each grant is one
 * 64-bit word claimed and cleared by compare-and-swap. Which grants may be
 * made at all is the caller's policy (intro_auth.c); the table takes any
 * pair but observer 0 with target 0, whose word means "free".
 * No hypervisor calls here: the host unit tests link it as it is.
 */
#ifndef INTRO_GRANTS_H
#define INTRO_GRANTS_H

#include <xen-lite/types.h>

#include "introspection_abi.h"

struct intro_grants {
	uint64_t grant[XL_INTRO_MAX_GRANTS]; /* observer << 32 | target; 0: free */
};

/* 0, -EEXIST (granted already), -ENOSPC (the table is full), -EINVAL for (0, 0). */
int intro_grant_add(struct intro_grants *g, uint32_t observer, uint32_t target);

/* 0, or -ENOENT when there was no such grant. */
int intro_grant_remove(struct intro_grants *g, uint32_t observer, uint32_t target);

bool intro_grant_allows(const struct intro_grants *g, uint32_t observer, uint32_t target);

/* Every grant naming the domain, as observer or as target, is dropped (it is gone). */
void intro_grant_drop_domain(struct intro_grants *g, uint32_t domain);

/* The grants into out[0, max); returns how many were written. */
uint32_t intro_grant_list(const struct intro_grants *g, struct xl_intro_grant *out, uint32_t max);

#endif
