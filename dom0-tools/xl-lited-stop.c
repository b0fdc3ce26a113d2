/* xl-lited's stop: guests asked to power off, waited for, the rest destroyed (xl-lited-stop.h). */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "xl-lited-say.h"
#include "xl-lited-stop.h"
#include "xl-wait.h"

uint64_t lited_now_us(const struct xl_domain_info *doms, unsigned int n)
{
	struct timespec ts;

	/* dom0's own clock was seen running many times too fast under TCG: the hypervisor's is kept */
	for (unsigned int i = 0; i < n; i++)
		if (doms[i].domid == 0)
			return doms[i].uptime_us;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static const char *name_of(const struct xl_domain_info *doms, unsigned int n, uint32_t domid, char *buf)
{
	buf[0] = '\0';
	for (unsigned int i = 0; i < n; i++)
		if (doms[i].domid == domid)
			memcpy(buf, doms[i].name, XL_DOMAIN_NAME_MAX - 1);
	buf[XL_DOMAIN_NAME_MAX - 1] = '\0';
	return buf;
}

static bool asked(const struct lited_stop *st, uint32_t domid)
{
	for (unsigned int i = 0; i < st->n; i++)
		if (st->ids[i] == domid)
			return true;
	return false;
}

/* A guest that would never see the request (it never asked for one): destroyed now, not after the wait. */
static void destroy_unaskable(struct xl_handle *h, uint32_t domid, const char *name)
{
	if (xl_domctl(h, "XL_DOMCTL_DESTROY", XL_DOMCTL_DESTROY, domid) < 0)
		lited_say_err(LOG_ERR, &h->err, "stop: domain %u (%s) never asks for shutdown requests and "
			      "could not be destroyed", domid, name);
	else
		lited_say(LOG_WARNING, "stop: domain %u (%s) never asks for shutdown requests: destroyed",
			  domid, name);
}

/* the live guests not asked yet, asked */
static void ask_new(struct lited_stop *st, struct xl_handle *h, const struct xl_domain_info *doms,
		    unsigned int n)
{
	static uint32_t live[XL_LIST_MAX];
	unsigned int nr = xl_live_guests(doms, n, live, XL_LIST_MAX);
	char name[XL_DOMAIN_NAME_MAX];

	for (unsigned int i = 0; i < nr && st->n < XL_LIST_MAX; i++) {
		if (asked(st, live[i]))
			continue;
		st->ids[st->n++] = live[i];
		name_of(doms, n, live[i], name);
		if (xl_shutdown(h, live[i], XL_SHUTDOWN_ASKABLE_FLAG) >= 0)
			lited_say(LOG_INFO, "stop: domain %u (%s) asked to power off", live[i], name);
		else if (h->err.source == XL_ERR_HYPERVISOR && h->err.err == EOPNOTSUPP)
			destroy_unaskable(h, live[i], name);
		else
			lited_say_err(LOG_WARNING, &h->err, "stop: domain %u (%s) could not be asked to power off",
				      live[i], name);
	}
}

void lited_stop_begin(struct lited_stop *st, struct xl_handle *h, const struct xl_domain_info *doms,
		      unsigned int n, unsigned int timeout_s)
{
	st->n = 0;
	st->deadline_us = lited_now_us(doms, n) + (uint64_t)timeout_s * 1000000u;
	lited_say(LOG_INFO, "stop: the guests are asked to power off; those still up in %u s are destroyed",
		  timeout_s);
	ask_new(st, h, doms, n);
}

bool lited_stop_round(struct lited_stop *st, struct xl_handle *h, const struct xl_domain_info *doms,
		      unsigned int n)
{
	static uint32_t live[XL_LIST_MAX];
	char name[XL_DOMAIN_NAME_MAX];
	unsigned int nr, waiting = 0;

	ask_new(st, h, doms, n);
	for (unsigned int i = 0; i < st->n; i++)
		if (!xl_domain_has_ended(doms, n, st->ids[i]))
			waiting++;
	if (waiting && lited_now_us(doms, n) < st->deadline_us)
		return false;
	nr = xl_live_guests(doms, n, live, XL_LIST_MAX);
	for (unsigned int i = 0; i < nr; i++) {
		name_of(doms, n, live[i], name);
		if (xl_domctl(h, "XL_DOMCTL_DESTROY", XL_DOMCTL_DESTROY, live[i]) < 0)
			lited_say_err(LOG_ERR, &h->err, "stop: domain %u (%s) did not end in time and could not be destroyed",
				      live[i], name);
		else
			lited_say(LOG_WARNING, "stop: domain %u (%s) did not end in time: destroyed", live[i], name);
	}
	return true;
}
