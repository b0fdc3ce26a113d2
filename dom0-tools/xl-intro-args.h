/*
 * xl-lite introspect's subcommands and their arguments (Documentation/
 * tools.md): which subcommand, its domains as typed (ids or names, found
 * later), the vCPU, the address and the length, all checked here so that
 * a mistake is a usage error before /dev/xenlite is opened. No device
 * access: the host unit tests link it.
 */
#ifndef XL_INTRO_ARGS_H
#define XL_INTRO_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum xl_intro_sub {
	XL_INTRO_SUB_NONE,
	XL_INTRO_SUB_REGS, /* regs DOMAIN [VCPU] */
	XL_INTRO_SUB_PHYS, /* phys DOMAIN ADDR LEN */
	XL_INTRO_SUB_VIRT, /* virt DOMAIN ADDR LEN [VCPU] */
	XL_INTRO_SUB_EXITS, /* exits DOMAIN */
	XL_INTRO_SUB_WATCH, /* watch DOMAIN */
	XL_INTRO_SUB_UNWATCH, /* unwatch DOMAIN */
	XL_INTRO_SUB_GRANT, /* grant OBSERVER TARGET */
	XL_INTRO_SUB_REVOKE, /* revoke OBSERVER TARGET */
	XL_INTRO_SUB_LIST, /* list */
};

/* The most bytes one phys or virt prints (read in as many calls as it takes). */
#define XL_INTRO_DUMP_MAX (1024 * 1024)

struct xl_intro_args {
	enum xl_intro_sub sub;
	const char *domain; /* the domain read, watched, or granted (TARGET), as typed */
	const char *observer; /* grant, revoke: OBSERVER, as typed */
	uint32_t vcpu; /* regs, virt: default 0 */
	uint64_t addr, len; /* phys, virt */
};

/*
 * args[0, nargs) after "introspect" (the subcommand first) into *out; json
 * and follow are -j and -f as typed ("-j", "--json"), or "" when not given.
 * NULL when they are right, else why not (in why, why_size bytes), without
 * the "xl-lite: " before it.
 */
const char *xl_intro_parse(const char *const *args, unsigned int nargs, const char *json, const char *follow,
			   struct xl_intro_args *out, char *why, size_t why_size);

/*
 * An address or length as typed: 0x and 1 to 16 hex digits, or decimal
 * without leading zeros, up to 2^64 - 1. 0, or -1 when it is not one.
 */
int xl_intro_number(const char *s, uint64_t *v);

/* The subcommand's name ("regs", ...). */
const char *xl_intro_sub_name(enum xl_intro_sub sub);

#endif
