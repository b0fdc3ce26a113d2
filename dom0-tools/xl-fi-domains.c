/* The domain list read for a campaign (see xl-fi-domains.h). */
#include <string.h>

#include "xl-fi-domains.h"

static bool named(const struct xl_domain_info *d, const char *name)
{
	return !strncmp(d->name, name, sizeof(d->name));
}

static int find_id(const struct xl_domain_info *doms, unsigned int n, uint32_t id)
{
	for (unsigned int i = 0; i < n; i++)
		if (doms[i].domid == id)
			return (int)i;
	return -1;
}

int xl_fi_find_name(const struct xl_domain_info *doms, unsigned int n, const char *name)
{
	int found = -1;

	for (unsigned int i = 0; i < n; i++)
		if (named(&doms[i], name) && (found < 0 || doms[i].domid > doms[found].domid))
			found = (int)i;
	return found;
}

enum xl_fi_target_state xl_fi_target_state(const struct xl_domain_info *doms, unsigned int n, const char *name,
					   uint32_t id, uint32_t *new_id)
{
	int newest = xl_fi_find_name(doms, n, name), same = find_id(doms, n, id);

	if (newest >= 0 && doms[newest].domid != id) {
		*new_id = doms[newest].domid;
		return XL_FI_TARGET_RESTARTED;
	}
	if (same < 0)
		return XL_FI_TARGET_GONE;
	switch (doms[same].state) {
	case XL_DOMAIN_CRASHED:
		return XL_FI_TARGET_CRASHED;
	case XL_DOMAIN_SHUTDOWN:
		return XL_FI_TARGET_SHUT_DOWN;
	case XL_DOMAIN_DYING:
		return XL_FI_TARGET_GONE;
	default:
		return XL_FI_TARGET_RUNNING;
	}
}

static bool alive(const struct xl_domain_info *d)
{
	return d->state == XL_DOMAIN_RUNNING || d->state == XL_DOMAIN_PAUSED;
}

bool xl_fi_bystander_hit(const struct xl_domain_info *before, unsigned int nb, const struct xl_domain_info *after,
			 unsigned int na, const char *target, uint32_t *who)
{
	for (unsigned int i = 0; i < nb; i++) {
		const struct xl_domain_info *b = &before[i];
		int now, renamed;

		if (!b->domid || named(b, target) || !alive(b))
			continue;
		now = find_id(after, na, b->domid);
		renamed = xl_fi_find_name(after, na, b->name);
		if ((now >= 0 && after[now].state == XL_DOMAIN_CRASHED) ||
		    (renamed >= 0 && after[renamed].domid != b->domid)) {
			*who = b->domid;
			return true;
		}
	}
	return false;
}
