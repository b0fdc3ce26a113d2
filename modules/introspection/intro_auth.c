/* The introspection module's security policy (see intro_auth.h). */
#include <xen-lite/errno.h>

#include "intro_auth.h"
#include "introspection_abi.h"

#define DOM0 0

bool intro_op_is_admin(uint32_t op)
{
	return op == XL_INTRO_OP_WATCH || op == XL_INTRO_OP_UNWATCH || op == XL_INTRO_OP_GRANT ||
	       op == XL_INTRO_OP_REVOKE || op == XL_INTRO_OP_STATUS;
}

int intro_authorise(const struct intro_grants *g, uint32_t caller, bool privileged, uint32_t op,
		    uint32_t target)
{
	if (intro_op_is_admin(op)) {
		if (!privileged)
			return -EPERM;
		/* STATUS names no domain; the others must not name dom0 */
		return op != XL_INTRO_OP_STATUS && target == DOM0 ? -EPERM : 0;
	}
	if (target == DOM0)
		return -EPERM;
	if (privileged)
		return 0;
	return intro_grant_allows(g, caller, target) ? 0 : -EPERM;
}

int intro_grant_allowed(uint32_t observer, uint32_t target)
{
	if (target == DOM0)
		return -EPERM;
	if (observer == DOM0 || observer == target)
		return -EINVAL;
	return 0;
}
