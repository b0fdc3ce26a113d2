/* An injection's outcome in one error zone (see xl-fi-classify.h). */
#include <stdio.h>
#include <string.h>

#include "xl-fi-classify.h"
#include "xl-fi-lines.h"

static const char *const zone_names[XL_FI_NR_ZONES] = {
	[XL_FI_ZONE_MASKED] = "masked", [XL_FI_ZONE_GUEST_USER] = "guest-user",
	[XL_FI_ZONE_GUEST_KERNEL] = "guest-kernel", [XL_FI_ZONE_DOM0] = "dom0",
	[XL_FI_ZONE_HYPERVISOR] = "hypervisor",
};

const char *xl_fi_zone_name(enum xl_fi_zone z)
{
	return z < XL_FI_NR_ZONES ? zone_names[z] : "?";
}

static void remember(struct xl_fi_signs *s, const char *line)
{
	if (!s->said[0])
		snprintf(s->said, sizeof(s->said), "%s", line);
}

void xl_fi_signs_note(const struct xl_fi_campaign *c, struct xl_fi_signs *s, const char *line)
{
	if (xl_fi_patterns_match(&c->ok, line))
		s->ok = true;
	if (xl_fi_patterns_match(&c->corrupt, line)) {
		s->corrupt = true;
		remember(s, line);
	}
	if (xl_fi_patterns_match(&c->user_crash, line)) {
		s->user_crash = true;
		remember(s, line);
	}
	if (xl_fi_patterns_match(&c->kernel_crash, line)) {
		s->kernel_crash = true;
		remember(s, line);
	}
}

static void verdict(struct xl_fi_verdict *v, enum xl_fi_zone z, const char *why)
{
	v->zone = z;
	snprintf(v->why, sizeof(v->why), "%s", why);
}

static bool hypervisor_hit(const struct xl_fi_observation *o, struct xl_fi_verdict *v)
{
	char why[sizeof(v->why)];

	if (o->hv_alarm)
		snprintf(why, sizeof(why), "the hypervisor's log: '%s'", o->hv_line);
	else if (o->hv_silent)
		snprintf(why, sizeof(why), "the hypervisor stopped answering");
	else if (o->bystander_hit)
		snprintf(why, sizeof(why), "domain %u, not the target, crashed or was restarted", o->bystander);
	else
		return false;
	verdict(v, XL_FI_ZONE_HYPERVISOR, why);
	return true;
}

static bool kernel_hit(const struct xl_fi_observation *o, struct xl_fi_verdict *v)
{
	char why[sizeof(v->why)];

	switch (o->target) {
	case XL_FI_TARGET_CRASHED:
		snprintf(why, sizeof(why), "the target crashed");
		break;
	case XL_FI_TARGET_SHUT_DOWN:
		snprintf(why, sizeof(why), "the target shut down");
		break;
	case XL_FI_TARGET_RESTARTED:
		snprintf(why, sizeof(why), "the target was restarted as domain %u", o->new_id);
		break;
	case XL_FI_TARGET_GONE:
		snprintf(why, sizeof(why), "the target is gone");
		break;
	default:
		if (o->signs.kernel_crash)
			snprintf(why, sizeof(why), "its console: '%s'", o->signs.said);
		else if (o->hang_ms && o->silent_ms >= o->hang_ms)
			snprintf(why, sizeof(why), "its workload gave no verdict for %llu ms (hung)",
				 (unsigned long long)o->silent_ms);
		else
			return false;
	}
	verdict(v, XL_FI_ZONE_GUEST_KERNEL, why);
	return true;
}

void xl_fi_classify(const struct xl_fi_observation *o, struct xl_fi_verdict *v)
{
	char why[sizeof(v->why)];

	if (hypervisor_hit(o, v))
		return;
	if (o->dom0_damaged)
		return verdict(v, XL_FI_ZONE_DOM0, "dom0's checksummed buffer changed");
	if (kernel_hit(o, v))
		return;
	if (o->signs.corrupt || o->signs.user_crash) {
		snprintf(why, sizeof(why), "its console: '%s'", o->signs.said);
		return verdict(v, XL_FI_ZONE_GUEST_USER, why);
	}
	verdict(v, XL_FI_ZONE_MASKED, o->signs.ok ? "its workload checked ok" : "nothing seen");
}
