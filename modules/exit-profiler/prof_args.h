/*
 * The exit profiler's load argument (xl-lite module load FILE ARGS):
 * "reasons=NAME[,NAME...]" profiles only those exit reasons, named as the
 * hypervisor names them (hypercall, io, npf, ...); none profiles all. No
 * hypervisor calls here: the host unit tests link it as it is.
 */
#ifndef PROF_ARGS_H
#define PROF_ARGS_H

#include <xen-lite/types.h>

/* What was refused: a word of the argument or a name in the list, not NUL-terminated. */
struct prof_arg_error {
	const char *at;
	size_t len;
};

/*
 * Parse args (NULL or "": every reason) against reasons [0, nr_reasons)
 * named by reason_name(). 0 with *mask (one bit per reason; 0 for all),
 * or -EINVAL with *err: an unknown word, an unknown or empty name.
 */
int prof_parse_args(const char *args, uint32_t nr_reasons, const char *(*reason_name)(uint32_t),
		    uint32_t *mask, struct prof_arg_error *err);

#endif
