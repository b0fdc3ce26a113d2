/*
 * xl-lited's stop (SIGTERM: systemd stopping it, dom0 shutting down): every
 * guest running or paused is asked to power off (XL_DOMCTL_SHUTDOWN), then
 * waited for, by the hypervisor's clock, up to the shutdown timeout; those
 * still up then are destroyed, each said by name. A guest that never asks
 * for shutdown requests (an ELF guest that does not query, a Linux guest
 * without xenlite-guest), and a paused one, is destroyed after the timeout.
 */
#ifndef XL_LITED_STOP_H
#define XL_LITED_STOP_H

#include <stdbool.h>
#include <stdint.h>

#include "libxl-lite.h"
#include "xl-cmds.h"

struct lited_stop {
	uint64_t deadline_us; /* on the hypervisor's clock (dom0's uptime) */
	uint32_t ids[XL_LIST_MAX]; /* the guests asked */
	unsigned int n;
};

/* The hypervisor's clock in microseconds: dom0's uptime in the list (monotonic time without it). */
uint64_t lited_now_us(const struct xl_domain_info *doms, unsigned int n);

/* Ask every live guest of doms[0..n) to power off; the wait ends timeout_s from now. */
void lited_stop_begin(struct lited_stop *st, struct xl_handle *h, const struct xl_domain_info *doms,
		      unsigned int n, unsigned int timeout_s);

/*
 * One round of the wait over a fresh list: a guest that came up since (an
 * on_poweroff restart) is asked too. true when it is over: every guest
 * asked has ended, or the time is up and those still up were destroyed.
 */
bool lited_stop_round(struct lited_stop *st, struct xl_handle *h, const struct xl_domain_info *doms,
		      unsigned int n);

#endif
