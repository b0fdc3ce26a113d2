/*
 * Asking a guest to end (xl-lite shutdown, reboot): the XL_DOMCTL_SHUTDOWN
 * request for it, and reboot -F's fallback - a guest that cannot be asked to
 * reboot is reset - over a callback that makes the request, so that
 * tests/unit/test_xl_lite.c runs it over a fake hypervisor.
 */
#ifndef XL_END_H
#define XL_END_H

#include <stdbool.h>
#include <stdint.h>

/*
 * XL_DOMCTL_SHUTDOWN for domid with flags (XL_SHUTDOWN_*_FLAG): 0, the
 * hypervisor's negative errno, or XL_END_NO_ANSWER when the request did not
 * reach it (the cause is the callback's to keep).
 */
typedef int (*xl_end_request_fn)(void *ctx, uint32_t domid, uint64_t flags);
#define XL_END_NO_ANSWER (-100000)

enum xl_end_outcome {
	XL_END_ASKED, /* the guest was asked; it ends itself when it next looks */
	XL_END_RESET, /* reboot -F: it could not be asked, so it was reset: on_reboot follows */
	XL_END_CANNOT_ASK, /* reboot without -F of a guest that does not take reboot requests */
	XL_END_FAILED, /* refused otherwise (not running, gone) or not answered: the callback's error */
};

/*
 * Ask domid to power off (reboot false) or to reboot. A reboot the guest
 * cannot be asked for (-EOPNOTSUPP) is XL_END_CANNOT_ASK, or with force a
 * second request, a hard one: XL_END_RESET when it is taken.
 */
enum xl_end_outcome xl_end_domain(xl_end_request_fn request, void *ctx, uint32_t domid, bool reboot,
				  bool force);

#endif
