/*
 * What the fault injector takes from dom0 (see fault_injector_abi.h): a
 * request checked whole before anything is done with it - the operation's
 * and the kind's fields only, each within its range - and the safety rule:
 * dom0 is a target only when the request says the operator allowed it.
 * No hypervisor calls here: the host unit tests link it as it is.
 */
#ifndef FI_REQUEST_H
#define FI_REQUEST_H

#include <xen-lite/types.h>

#include "fault_injector_abi.h"

#define FI_DOM0 0

/*
 * Request r of operation op: 0, -EPROTO (another format version), -EINVAL
 * (a field the operation or kind does not use set, a value out of range),
 * -EPERM (dom0 as the target without XL_FI_UNSAFE), -EOPNOTSUPP (an IPI
 * kind aimed at dom0, whose IPIs the hypervisor never filters).
 */
int fi_check_request(uint32_t op, const struct xl_fi_request *r);

/* Whether kind is armed (applied later by hooks) rather than done at once. */
bool fi_kind_is_armed(uint32_t kind);

/* The kind's name, as the log and the campaign files say it ("mem_flip"), or "?". */
const char *fi_kind_name(uint32_t kind);

#endif
