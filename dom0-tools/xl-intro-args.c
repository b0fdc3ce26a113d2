/* xl-lite introspect's arguments (see xl-intro-args.h). */
#include <stdio.h>
#include <string.h>

#include "../include/xen-lite/ctype.h" /* hex_digit_value */
#include "../modules/introspection/introspection_abi.h"
#include "xl-intro-args.h"
#include "xl-lite-fmt.h"

static const struct intro_sub {
	const char *name;
	enum xl_intro_sub sub;
	unsigned int min_args, max_args; /* the subcommand's own included */
	bool json; /* takes -j */
	const char *usage;
} subs[] = {
	{ "regs", XL_INTRO_SUB_REGS, 2, 3, true, "regs DOMAIN [VCPU]" },
	{ "phys", XL_INTRO_SUB_PHYS, 4, 4, true, "phys DOMAIN ADDR LEN" },
	{ "virt", XL_INTRO_SUB_VIRT, 4, 5, true, "virt DOMAIN ADDR LEN [VCPU]" },
	{ "exits", XL_INTRO_SUB_EXITS, 2, 2, true, "exits [-f] DOMAIN" },
	{ "watch", XL_INTRO_SUB_WATCH, 2, 2, false, "watch DOMAIN" },
	{ "unwatch", XL_INTRO_SUB_UNWATCH, 2, 2, false, "unwatch DOMAIN" },
	{ "grant", XL_INTRO_SUB_GRANT, 3, 3, false, "grant OBSERVER TARGET" },
	{ "revoke", XL_INTRO_SUB_REVOKE, 3, 3, false, "revoke OBSERVER TARGET" },
	{ "list", XL_INTRO_SUB_LIST, 1, 1, true, "list" },
};

#define NR_SUBS (sizeof(subs) / sizeof(subs[0]))

static const struct intro_sub *sub_named(const char *name)
{
	for (unsigned int i = 0; i < NR_SUBS; i++)
		if (!strcmp(subs[i].name, name))
			return &subs[i];
	return NULL;
}

const char *xl_intro_sub_name(enum xl_intro_sub sub)
{
	for (unsigned int i = 0; i < NR_SUBS; i++)
		if (subs[i].sub == sub)
			return subs[i].name;
	return "?";
}

int xl_intro_number(const char *s, uint64_t *v)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	unsigned int base = hex ? 16 : 10, digits = 0;
	uint64_t n = 0;

	s += hex ? 2 : 0;
	/* "010" is more likely a typo, or meant as octal, than ten */
	if (!hex && s[0] == '0' && s[1])
		return -1;
	for (; *s; s++, digits++) {
		int d = hex_digit_value(*s);

		if (d < 0 || (unsigned int)d >= base || n > (UINT64_MAX - (unsigned int)d) / base)
			return -1;
		n = n * base + (unsigned int)d;
	}
	if (!digits || (hex && digits > 16))
		return -1;
	*v = n;
	return 0;
}

/* A DOMAIN argument: an id written wrong is refused now; a name is looked up later. */
static const char *check_domain(const char *s, char *why, size_t size)
{
	uint32_t id;
	const char *bad = xl_bad_domid_reason(xl_parse_domid(s, &id));

	if (!bad)
		return NULL;
	snprintf(why, size, "%s: %s", s, bad);
	return why;
}

static const char *check_vcpu(const char *s, uint32_t *vcpu, char *why, size_t size)
{
	uint64_t v;

	if (s[0] == '0' && s[1] == 'x')
		s = "x"; /* decimal only, as domain ids */
	if (xl_intro_number(s, &v) || v >= XL_INTRO_MAX_VCPUS) {
		snprintf(why, size, "introspect: VCPU '%s': a vCPU index is 0 to %d (the module keeps the "
			 "registers of a domain's first %d vCPUs)", s, XL_INTRO_MAX_VCPUS - 1, XL_INTRO_MAX_VCPUS);
		return why;
	}
	*vcpu = (uint32_t)v;
	return NULL;
}

static const char *check_range(const char *addr, const char *len, struct xl_intro_args *out, char *why,
			       size_t size)
{
	if (xl_intro_number(addr, &out->addr)) {
		snprintf(why, size, "introspect: ADDR '%s': an address is 0x and hex digits, or decimal", addr);
		return why;
	}
	if (xl_intro_number(len, &out->len) || !out->len || out->len > XL_INTRO_DUMP_MAX) {
		snprintf(why, size, "introspect: LEN '%s': a length is 1 to %d bytes (decimal, or 0x and hex)",
			 len, XL_INTRO_DUMP_MAX);
		return why;
	}
	if (out->addr + out->len - 1 < out->addr) {
		snprintf(why, size, "introspect: %s bytes at %s run past the end of the address space", len, addr);
		return why;
	}
	return NULL;
}

/* The subcommand's own arguments, once their number is right. */
static const char *check_sub_args(const struct intro_sub *s, const char *const *args, unsigned int nargs,
				  struct xl_intro_args *out, char *why, size_t size)
{
	const char *bad;

	switch (s->sub) {
	case XL_INTRO_SUB_LIST:
		return NULL;
	case XL_INTRO_SUB_GRANT:
	case XL_INTRO_SUB_REVOKE:
		out->observer = args[1];
		out->domain = args[2];
		bad = check_domain(args[1], why, size);
		return bad ? bad : check_domain(args[2], why, size);
	default:
		break;
	}
	out->domain = args[1];
	bad = check_domain(args[1], why, size);
	if (!bad && (s->sub == XL_INTRO_SUB_PHYS || s->sub == XL_INTRO_SUB_VIRT))
		bad = check_range(args[2], args[3], out, why, size);
	if (!bad && s->sub == XL_INTRO_SUB_REGS && nargs == 3)
		bad = check_vcpu(args[2], &out->vcpu, why, size);
	if (!bad && s->sub == XL_INTRO_SUB_VIRT && nargs == 5)
		bad = check_vcpu(args[4], &out->vcpu, why, size);
	return bad;
}

const char *xl_intro_parse(const char *const *args, unsigned int nargs, const char *json, const char *follow,
			   struct xl_intro_args *out, char *why, size_t why_size)
{
	const struct intro_sub *s = nargs ? sub_named(args[0]) : NULL;

	memset(out, 0, sizeof(*out));
	if (!s) {
		snprintf(why, why_size, "introspect: no subcommand '%s' (regs, phys, virt, exits, watch, "
			 "unwatch, grant, revoke or list)", nargs ? args[0] : "");
		return why;
	}
	out->sub = s->sub;
	if (nargs < s->min_args || nargs > s->max_args) {
		snprintf(why, why_size, "introspect %s: %s arguments: xl-lite introspect %s", s->name,
			 nargs < s->min_args ? "missing" : "too many", s->usage);
		return why;
	}
	if ((json[0] && !s->json) || (follow[0] && s->sub != XL_INTRO_SUB_EXITS)) {
		snprintf(why, why_size, "introspect %s: no option '%s' (see 'xl-lite help introspect')", s->name,
			 follow[0] && s->sub != XL_INTRO_SUB_EXITS ? follow : json);
		return why;
	}
	return check_sub_args(s, args, nargs, out, why, why_size);
}
