/*
 * Who may ask the introspection module for what (Documentation/modules/
 * introspection.md, "Security model"):
 *   - nobody observes dom0: it is the driver domain, and holds every other
 *     domain's control;
 *   - only dom0 watches, unwatches, grants, revokes and lists;
 *   - dom0 reads any other domain; another domain reads only a domain it
 *     was granted, and is never granted dom0 or itself.
 * A refusal is -EPERM whatever the target, so a domain without a grant
 * learns nothing, not even whether the target exists.
 */
#ifndef INTRO_AUTH_H
#define INTRO_AUTH_H

#include <xen-lite/types.h>

#include "intro_grants.h"

/* Whether op is one of dom0's own (WATCH, UNWATCH, GRANT, REVOKE, STATUS). */
bool intro_op_is_admin(uint32_t op);

/* May caller ask op about target? 0 or -EPERM. */
int intro_authorise(const struct intro_grants *g, uint32_t caller, bool privileged, uint32_t op,
		    uint32_t target);

/*
 * May observer be granted target at all? 0; -EPERM for dom0 as the target;
 * -EINVAL for dom0 as the observer (it needs no grant) or a domain granted itself.
 */
int intro_grant_allowed(uint32_t observer, uint32_t target);

#endif
