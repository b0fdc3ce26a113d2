/*
 * The introspection module's XL_MODULE_CALL operations (introspection_abi.h):
 * every field of the request checked before use (the caller may be any
 * domain, and hostile), the caller authorised (intro_auth.h), then the
 * operation done on the module's state. Calls are serialised with each
 * other by the hypervisor (Documentation/modules.md); the exit hooks and
 * the destroyed hook run meanwhile on other CPUs.
 * Calls xl_domain_read, xl_domain_translate, xl_domain_kick, xl_tsc_khz and
 * xl_exit_reason_name (the host unit tests give fakes).
 */
#ifndef INTRO_OPS_H
#define INTRO_OPS_H

#include <xen-lite/module.h> /* struct xl_module_call */

#include "intro_grants.h"
#include "intro_watch.h"

struct intro_state {
	struct intro_watches watches;
	struct intro_grants grants;
};

/* One call: what the caller gets (>= 0, or a negative errno). */
int64_t intro_call(struct intro_state *s, const struct xl_module_call *c);

/* Whether the domain exists now (the core finds it). */
bool intro_domain_exists(uint32_t domain);

#endif
