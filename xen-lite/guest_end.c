/* What happens to a guest when it ends (include/xen-lite/guest_end.h). */
#include <xen-lite-abi.h>
#include <xen-lite/domain.h>
#include <xen-lite/guest_end.h>

enum end_kind { END_NONE, END_POWEROFF, END_REBOOT, END_CRASH };

static enum end_kind end_kind_of(const struct domain *d)
{
	if (d->privileged)
		return END_NONE; /* dom0's end is dom0.c's */
	if (d->state == DOMAIN_CRASHED)
		return END_CRASH;
	if (d->state == DOMAIN_SHUTDOWN)
		return d->shutdown_reason == XL_SHUTDOWN_REBOOT ? END_REBOOT : END_POWEROFF;
	return END_NONE; /* running, or dying: a destroy is under way */
}

static enum guest_end_action setting_of(const struct domain *d, enum end_kind kind)
{
	switch (kind) {
	case END_POWEROFF:
		return d->end_actions.on_poweroff;
	case END_REBOOT:
		return d->end_actions.on_reboot;
	case END_CRASH:
		return d->end_actions.on_crash;
	default:
		return GUEST_END_PRESERVE;
	}
}

enum guest_end_action guest_end_action(const struct domain *d)
{
	enum guest_end_action action = setting_of(d, end_kind_of(d));

	if (action == GUEST_END_RESTART && !d->images)
		return GUEST_END_DESTROY; /* nothing to build it from */
	return action;
}

const char *guest_end_setting(const struct domain *d)
{
	static const char *const names[][3] = {
		[END_POWEROFF] = { "on_poweroff=preserve", "on_poweroff=destroy", "on_poweroff=restart" },
		[END_REBOOT] = { "on_reboot=preserve", "on_reboot=destroy", "on_reboot=restart" },
		[END_CRASH] = { "on_crash=preserve", "on_crash=destroy", "on_crash=restart" },
	};
	enum end_kind kind = end_kind_of(d);
	enum guest_end_action action = setting_of(d, kind);

	_Static_assert(GUEST_END_PRESERVE == 0 && GUEST_END_DESTROY == 1 && GUEST_END_RESTART == 2,
		       "the columns of names[]");
	if (kind == END_NONE || (unsigned int)action > GUEST_END_RESTART)
		return "none";
	return names[kind][action];
}

bool guest_end_restarts(const struct guest_end_actions *a)
{
	return a->on_poweroff == GUEST_END_RESTART || a->on_reboot == GUEST_END_RESTART ||
	       a->on_crash == GUEST_END_RESTART;
}

uint64_t guest_restart_not_before_us(const struct domain *d)
{
	return d->created_us + GUEST_RESTART_MIN_INTERVAL_US;
}
