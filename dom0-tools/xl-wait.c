/* Waiting for domains to end, and the guests shutdown -a and reboot -a ask (see xl-wait.h). */
#include "xl-wait.h"

bool xl_domain_has_ended(const struct xl_domain_info *doms, unsigned int n, uint32_t domid)
{
	for (unsigned int i = 0; i < n; i++)
		if (doms[i].domid == domid)
			return doms[i].state == XL_DOMAIN_SHUTDOWN || doms[i].state == XL_DOMAIN_CRASHED ||
			       doms[i].state == XL_DOMAIN_DYING;
	return true; /* destroyed or restarted by its end action, or destroyed by someone else */
}

unsigned int xl_live_guests(const struct xl_domain_info *doms, unsigned int n, uint32_t *ids,
			    unsigned int max)
{
	unsigned int found = 0;

	for (unsigned int i = 0; i < n && found < max; i++)
		if (doms[i].domid != 0 &&
		    (doms[i].state == XL_DOMAIN_RUNNING || doms[i].state == XL_DOMAIN_PAUSED))
			ids[found++] = doms[i].domid;
	return found;
}

/* The first of ids[0..n) still up in the list, or -1. */
static int first_still_up(const struct xl_domain_info *doms, unsigned int nr_doms,
			  const uint32_t *ids, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (!xl_domain_has_ended(doms, nr_doms, ids[i]))
			return (int)i;
	return -1;
}

enum xl_wait_result xl_wait_ended(xl_domain_list_fn list, xl_sleep_fn sleep, void *ctx,
				  struct xl_domain_info *doms, unsigned int max, const uint32_t *ids,
				  unsigned int n, unsigned int timeout_ms, uint32_t *still)
{
	for (unsigned int waited = 0;; waited += XL_WAIT_STEP_MS) {
		int nr = list(ctx, doms, max), up;

		if (nr < 0)
			return XL_WAIT_LIST_FAILED;
		up = first_still_up(doms, (unsigned int)nr < max ? (unsigned int)nr : max, ids, n);
		if (up < 0)
			return XL_WAIT_ENDED;
		if (waited >= timeout_ms) {
			*still = ids[up];
			return XL_WAIT_TIMED_OUT;
		}
		sleep(ctx, XL_WAIT_STEP_MS);
	}
}
