/*
 * The `msr` key's strings read into MSR rules (see xl-cfg-msr.h). Each
 * string is read once, left to right; a refusal names the byte it is
 * about, which xl-cfg.c turns into a line and column.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../modules/cpu-policy/policy_rules.h"
#include "xl-cfg-msr.h"
#include "xl-cfg-syntax.h"

#define FORMS "MSR:deny, MSR:ro or MSR:and=HEX,or=HEX"
#define SHOWN 24 /* at most this much of a word in a message */

static int shown(size_t len)
{
	return (int)(len < SHOWN ? len : SHOWN);
}

const char *xl_msr_action_name(uint32_t action)
{
	static const char *const names[XL_MSR_NR_ACTIONS] = { "deny", "read-only", "mask" };

	return action < XL_MSR_NR_ACTIONS ? names[action] : "?";
}

const char *xl_msr_rule_text(const struct xl_msr_rule *r, char *buf, size_t size)
{
	unsigned long long and = cpu_msr_and(r), or = cpu_msr_or(r);

	/* 0x always (%#llx writes 0 bare): a mask is HEX */
	if (r->action == XL_MSR_DENY || r->action == XL_MSR_READ_ONLY)
		snprintf(buf, size, "0x%x:%s", r->msr, r->action == XL_MSR_DENY ? "deny" : "ro");
	else if (!or)
		snprintf(buf, size, "0x%x:and=0x%llx", r->msr, and);
	else if (and == ~0ull)
		snprintf(buf, size, "0x%x:or=0x%llx", r->msr, or);
	else
		snprintf(buf, size, "0x%x:and=0x%llx,or=0x%llx", r->msr, and, or);
	return buf;
}

/* HEX: 0x and 1 to 16 hex digits, exactly the len bytes at s */
static bool read_hex(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len < 3 || len > 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	for (size_t i = 2; i < len; i++) {
		char c = s[i];
		unsigned int d = c >= '0' && c <= '9' ? (unsigned int)(c - '0') :
				 c >= 'a' && c <= 'f' ? (unsigned int)(c - 'a' + 10) :
				 c >= 'A' && c <= 'F' ? (unsigned int)(c - 'A' + 10) : 16;

		if (d == 16)
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* and=HEX,or=HEX (either, in either order) at s + at, into *and and *or */
static int read_masks(const char *s, size_t at, uint64_t *and, uint64_t *or, struct xl_cpuid_error *e)
{
	bool have_and = false, have_or = false;

	*and = ~0ull;
	*or = 0;
	for (;;) {
		size_t len = strcspn(s + at, ","), name_len = strcspn(s + at, ",=");
		const char *item = s + at;
		bool is_and = name_len == 3 && !strncmp(item, "and", 3), is_or = name_len == 2 && !strncmp(item, "or", 2);
		bool *have = is_and ? &have_and : &have_or;

		if (!len)
			return xl_cfg_refuse(e, at, "has an empty setting (a ',' too many?)");
		if ((!is_and && !is_or) || item[name_len] != '=')
			return xl_cfg_refuse(e, at, "has '%.*s' where and=HEX or or=HEX is (%s)", shown(len), item, FORMS);
		if (*have)
			return xl_cfg_refuse(e, at, "gives %s twice", is_and ? "and" : "or");
		*have = true;
		if (!read_hex(item + name_len + 1, len - name_len - 1, is_and ? and : or))
			return xl_cfg_refuse(e, at + name_len + 1, "gives %s '%.*s': a mask is 0x and 1 to 16 hex digits",
				      is_and ? "and" : "or", shown(len - name_len - 1), item + name_len + 1);
		at += len;
		if (!s[at])
			return 0;
		at++; /* the ',' */
	}
}

/* The rule's action and masks from the text after the ':' at s + at. */
static int read_action(const char *s, size_t at, struct xl_msr_rule *r, struct xl_cpuid_error *e)
{
	const char *action = s + at;
	uint64_t and, or;

	if (!strcmp(action, "deny") || !strcmp(action, "ro")) {
		r->action = action[0] == 'd' ? XL_MSR_DENY : XL_MSR_READ_ONLY;
		return 0;
	}
	if (!*action)
		return xl_cfg_refuse(e, at, "has no action after ':' (%s)", FORMS);
	if (strncmp(action, "and=", 4) && strncmp(action, "or=", 3))
		return xl_cfg_refuse(e, at, "has '%.*s' where an action is: deny, ro, or and=HEX,or=HEX", shown(strlen(action)),
			      action);
	if (read_masks(s, at, &and, &or, e))
		return -1;
	if (or & ~and)
		return xl_cfg_refuse(e, at, "forces bits to 1 that its and clears (or %#llx, and %#llx): a bit is forced to 0 "
			      "or to 1, not both", (unsigned long long)or, (unsigned long long)and);
	if (and == ~0ull && !or)
		return xl_cfg_refuse(e, at, "changes nothing (and all ones, or 0)");
	*r = (struct xl_msr_rule){ r->msr, XL_MSR_MASK, (uint32_t)and, (uint32_t)(and >> 32), (uint32_t)or,
				   (uint32_t)(or >> 32) };
	return 0;
}

int xl_msr_parse(const char *s, struct xl_msr_policy *p, struct xl_cpuid_error *e)
{
	struct xl_msr_rule r = { 0 };
	unsigned long long msr;
	const char *end;

	if (cfg_read_number(s, &end, &msr) || msr > UINT32_MAX)
		return xl_cfg_refuse(e, 0, "must start with an MSR, a 32-bit number, decimal or 0x hex (%s)", FORMS);
	if (*end != ':')
		return xl_cfg_refuse(e, (size_t)(end - s), "expected ':' after the MSR (%s)", FORMS);
	r.msr = (uint32_t)msr;
	if (read_action(s, (size_t)(end - s) + 1, &r, e))
		return -1;
	for (unsigned int i = 0; i < p->nr; i++)
		if (p->rule[i].msr == r.msr)
			return xl_cfg_refuse(e, 0, "names MSR %#x twice", r.msr);
	if (p->nr == XL_CPU_POLICY_MAX_MSR_RULES)
		return xl_cfg_refuse(e, 0, "has more than %d MSR rules (MSR %#x would be one more)", XL_CPU_POLICY_MAX_MSR_RULES,
			      r.msr);
	p->rule[p->nr++] = r;
	return 0;
}
