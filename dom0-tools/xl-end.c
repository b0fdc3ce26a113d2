/* Asking a guest to end, and -F's fallback (see xl-end.h). */
#include <errno.h>

#include "xen-lite-abi.h"
#include "xl-end.h"

enum xl_end_outcome xl_end_domain(xl_end_request_fn request, void *ctx, uint32_t domid, bool reboot,
				  bool force)
{
	uint64_t reason = reboot ? XL_SHUTDOWN_REBOOT_FLAG : 0;
	/* -F: a guest that has never asked for requests is not asked a power off it would not see */
	int ret = request(ctx, domid, reason | (force ? XL_SHUTDOWN_ASKABLE_FLAG : 0));

	if (!ret)
		return XL_END_ASKED;
	if (ret != -EOPNOTSUPP)
		return XL_END_FAILED;
	if (!force)
		return XL_END_CANNOT_ASK;
	/* xl's -F: what the guest cannot be asked for is done to it - a reset or a power off */
	return request(ctx, domid, reason | XL_SHUTDOWN_HARD_FLAG) ? XL_END_FAILED : XL_END_FORCED;
}
