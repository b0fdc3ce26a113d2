/*
 * What the domain list says about a campaign: where its target is now -
 * followed by name, since a target restarted by on_crash = "restart" comes
 * back with a new id - and whether another guest was hit. Pure functions
 * over XL_SYSCTL_DOMAIN_LIST's answers: the host unit tests link them.
 */
#ifndef XL_FI_DOMAINS_H
#define XL_FI_DOMAINS_H

#include <stdbool.h>
#include <stdint.h>

#include "xen-lite-abi.h"
#include "xl-fi-classify.h"

/*
 * The target, once domain id named name, in doms[0, n): a domain of that
 * name with another id is its restart (*new_id: the newest); else the
 * domain id by its state; else gone.
 */
enum xl_fi_target_state xl_fi_target_state(const struct xl_domain_info *doms, unsigned int n, const char *name,
					   uint32_t id, uint32_t *new_id);

/*
 * A guest other than dom0 and the target that was running or paused in
 * before[] and in after[] crashed, or was replaced by a domain of its name
 * (restarted): true with its id in *who. One that is simply gone is not
 * counted (an operator may destroy a guest).
 */
bool xl_fi_bystander_hit(const struct xl_domain_info *before, unsigned int nb, const struct xl_domain_info *after,
			 unsigned int na, const char *target, uint32_t *who);

/* The domain named name in doms[0, n), the newest when several are: its index, or -1. */
int xl_fi_find_name(const struct xl_domain_info *doms, unsigned int n, const char *name);

#endif
