/*
 * Asking a guest to end (xl-lite shutdown, reboot): the XL_DOMCTL_SHUTDOWN
 * request for it, and -F's fallback - a guest that cannot be asked is reset
 * or powered off - over a callback that makes the request, so that
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
	XL_END_FORCED, /* -F: it could not be asked, so it was reset or powered off: its end action follows */
	XL_END_CANNOT_ASK, /* reboot without -F of a guest that does not take reboot requests */
	XL_END_FAILED, /* refused otherwise (not running, gone) or not answered: the callback's error */
};

/*
 * Ask domid to power off (reboot false) or to reboot. A reboot the guest
 * cannot be asked for (-EOPNOTSUPP) is XL_END_CANNOT_ASK. With force, a guest
 * that cannot be asked (for a power off: one that has never asked for
 * requests) gets a second request, a hard one: XL_END_FORCED when it is taken.
 */
enum xl_end_outcome xl_end_domain(xl_end_request_fn request, void *ctx, uint32_t domid, bool reboot,
				  bool force);

#endif
