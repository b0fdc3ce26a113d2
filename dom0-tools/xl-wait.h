/*
 * Waiting for domains to end (xl-lite shutdown -w, reboot -w) and choosing
 * the guests -a asks, over a domain-list callback and a sleep callback, so
 * that tests/unit/test_xl_lite.c runs them over a fake list and clock.
 */
#ifndef XL_WAIT_H
#define XL_WAIT_H

#include <stdbool.h>

#include "xl-lite-fmt.h"

#define XL_SHUTDOWN_WAIT_MS 60000 /* shutdown -w, reboot -w: a guest that has not ended by then is reported */
#define XL_WAIT_STEP_MS 100

/*
 * Whether domid has ended: shut down, crashed, dying, or no longer listed
 * (destroyed, or restarted under a new id by its end action).
 */
bool xl_domain_has_ended(const struct xl_domain_info *doms, unsigned int n, uint32_t domid);

/* The ids of the guests (not dom0) that are running or paused, into ids[0..max); how many. */
unsigned int xl_live_guests(const struct xl_domain_info *doms, unsigned int n, uint32_t *ids,
			    unsigned int max);

enum xl_wait_result { XL_WAIT_ENDED, XL_WAIT_TIMED_OUT, XL_WAIT_LIST_FAILED };

typedef void (*xl_sleep_fn)(void *ctx, unsigned int ms);

/*
 * List the domains (into doms[0..max)) every XL_WAIT_STEP_MS until each of
 * ids[0..n) has ended, for at most timeout_ms. XL_WAIT_TIMED_OUT with
 * *still the first one that has not.
 */
enum xl_wait_result xl_wait_ended(xl_domain_list_fn list, xl_sleep_fn sleep, void *ctx,
				  struct xl_domain_info *doms, unsigned int max, const uint32_t *ids,
				  unsigned int n, unsigned int timeout_ms, uint32_t *still);

#endif
