/*
 * The `cpuid` key's two forms read into policy rules (see xl-cfg-cpuid.h).
 * Each string is read once, left to right; a refusal names the byte it is
 * about, which xl-cfg.c turns into a line and column.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../modules/cpu-policy/policy_rules.h"
#include "xl-cfg-cpuid.h"
#include "xl-cfg-syntax.h"
#include "xl-cpuid-features.h"

#define ALL_BITS 0xffffffffu
#define REG_BITS 32
#define NAME_SHOWN 32 /* at most this much of a name in a message */

const char *xl_cpuid_reg_name(uint32_t reg)
{
	static const char *const names[XL_CPUID_NR_REGS] = { "eax", "ebx", "ecx", "edx" };

	return reg < XL_CPUID_NR_REGS ? names[reg] : "?";
}

int xl_cfg_refuse(struct xl_cpuid_error *e, size_t at, const char *fmt, ...)
{
	va_list ap;

	e->at = at;
	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* "leaf 0x1" or "leaf 0x7 subleaf 0" (buf: at least 48 bytes) */
static const char *leaf_text(uint32_t leaf, uint32_t subleaf, char *buf, size_t size)
{
	if (subleaf == XL_CPUID_ANY_SUBLEAF)
		snprintf(buf, size, "leaf %#x", leaf);
	else
		snprintf(buf, size, "leaf %#x subleaf %u", leaf, subleaf);
	return buf;
}

/*
 * The index of p's rule for this register of this leaf and subleaf, a new
 * one (every bit kept) when there is none; -1 with e when another rule
 * covers it (one for every subleaf against one for a subleaf) or p is full.
 */
static int rule_for(struct xl_cpuid_policy *p, uint32_t leaf, uint32_t subleaf, uint32_t reg,
		    size_t at, struct xl_cpuid_error *e)
{
	struct xl_cpuid_rule want = { leaf, subleaf, reg, ALL_BITS, 0 };
	char text[48];

	for (unsigned int i = 0; i < p->nr; i++) {
		const struct xl_cpuid_rule *r = &p->rule[i];

		if (r->leaf == leaf && r->subleaf == subleaf && r->reg == reg)
			return (int)i;
		if (cpu_rules_overlap(r, &want))
			return xl_cfg_refuse(e, at, "names %s of leaf %#x for every subleaf and for subleaf %u: give "
				      "one or the other", xl_cpuid_reg_name(reg), leaf,
				      subleaf == XL_CPUID_ANY_SUBLEAF ? r->subleaf : subleaf);
	}
	if (p->nr == XL_CPU_POLICY_MAX_RULES)
		return xl_cfg_refuse(e, at, "changes more than %d registers (%s %s would be one more)",
			      XL_CPU_POLICY_MAX_RULES, leaf_text(leaf, subleaf, text, sizeof(text)),
			      xl_cpuid_reg_name(reg));
	p->rule[p->nr] = want;
	p->named[p->nr] = 0;
	return (int)p->nr++;
}

/* One bit of a rule as c says: 0, 1, or kept (x, k, s). false for any other character. */
static bool set_bit(struct xl_cpuid_rule *r, unsigned int bit, char c)
{
	uint32_t m = 1u << bit;

	switch (c) {
	case '0':
		r->and_mask &= ~m;
		r->or_mask &= ~m;
		return true;
	case '1':
		r->and_mask |= m;
		r->or_mask |= m;
		return true;
	case 'x':
	case 'k':
	case 's':
		r->and_mask |= m;
		r->or_mask &= ~m;
		return true;
	default:
		return false;
	}
}

/* ---- the libxl form ---- */

/* FEATURE=V, the text s[at, at + len) */
static int libxl_setting(const char *s, size_t at, size_t len, struct xl_cpuid_policy *p,
			 struct xl_cpuid_error *e)
{
	const char *item = s + at, *eq = memchr(item, '=', len);
	size_t name_len = eq ? (size_t)(eq - item) : len;
	int shown = (int)(name_len < NAME_SHOWN ? name_len : NAME_SHOWN);
	const struct xl_cpuid_feature *f;
	char text[48];
	int i;

	if (!len)
		return xl_cfg_refuse(e, at, "has an empty setting (a ',' too many?)");
	if (!eq)
		return xl_cfg_refuse(e, at, "has '%.*s' without a value: FEATURE=0, 1, x, k or s", shown, item);
	if (xl_cpuid_is_xl_number_key(item, name_len))
		return xl_cfg_refuse(e, at, "has '%.*s', one of xl's keys that take a number: xen-lite changes "
			      "feature bits only", shown, item);
	f = xl_cpuid_feature_find(item, name_len);
	if (!f)
		return xl_cfg_refuse(e, at, "has an unknown feature '%.*s' (the xend form names any bit: "
			      "\"LEAF:REG=BITS\")", shown, item);
	if (len - name_len != 2 || !set_bit(&(struct xl_cpuid_rule){ 0 }, 0, eq[1]))
		return xl_cfg_refuse(e, at + name_len + 1, "gives %.*s '%.*s': a feature is 0, 1, x, k or s", shown,
			      item, (int)(len - name_len - 1 < NAME_SHOWN ? len - name_len - 1 : NAME_SHOWN),
			      eq + 1);
	i = rule_for(p, f->leaf, f->subleaf, f->reg, at, e);
	if (i < 0)
		return -1;
	if (p->named[i] & (1u << f->bit))
		return xl_cfg_refuse(e, at, "names %.*s twice (or with another name: %s %s bit %u)", shown, item,
			      leaf_text(f->leaf, f->subleaf, text, sizeof(text)), xl_cpuid_reg_name(f->reg),
			      f->bit);
	p->named[i] |= 1u << f->bit;
	set_bit(&p->rule[i], f->bit, eq[1]);
	return 0;
}

int xl_cpuid_parse_libxl(const char *s, struct xl_cpuid_policy *p, struct xl_cpuid_error *e)
{
	size_t at = strcspn(s, ",");

	if (at != 4 || strncmp(s, "host", 4))
		return xl_cfg_refuse(e, 0, "must start with \"host\": \"host,FEATURE=0|1|x,...\" (or a list of "
			      "xend strings: [ \"LEAF:REG=BITS\", ... ])");
	while (s[at] == ',') {
		size_t len = strcspn(s + at + 1, ",");

		if (libxl_setting(s, at + 1, len, p, e))
			return -1;
		at += 1 + len;
	}
	return 0;
}

/* ---- the xend form ---- */

/* LEAF[,SUBLEAF]: into *leaf, *subleaf, *at past the ':' */
static int xend_leaf(const char *s, size_t *at, uint32_t *leaf, uint32_t *subleaf, struct xl_cpuid_error *e)
{
	unsigned long long l, sub = XL_CPUID_ANY_SUBLEAF;
	const char *end;

	if (cfg_read_number(s, &end, &l) || l > UINT32_MAX)
		return xl_cfg_refuse(e, 0, "must start with a leaf, a 32-bit number, decimal or 0x hex "
			      "(LEAF[,SUBLEAF]:REG=BITS,...)");
	if (l >= XL_CPUID_HV_FIRST && l <= XL_CPUID_HV_LAST)
		return xl_cfg_refuse(e, 0, "names leaf %#llx, one of the hypervisor's own (0x40000000-0x400000ff): "
			      "a policy cannot change them", l);
	if (*end == ',') {
		const char *text = end + 1;

		if (cfg_read_number(text, &end, &sub) || sub >= XL_CPUID_ANY_SUBLEAF)
			return xl_cfg_refuse(e, (size_t)(text - s), "has a subleaf that is not a number below "
				      "0xffffffff, decimal or 0x hex");
	}
	if (*end != ':')
		return xl_cfg_refuse(e, (size_t)(end - s), "expected ':' after the leaf (LEAF[,SUBLEAF]:REG=BITS,...)");
	*leaf = (uint32_t)l;
	*subleaf = (uint32_t)sub;
	*at = (size_t)(end - s) + 1;
	return 0;
}

/* REG=, the register's number; -1 with e */
static int xend_reg(const char *s, size_t at, struct xl_cpuid_error *e)
{
	for (uint32_t reg = 0; reg < XL_CPUID_NR_REGS; reg++)
		if (!strncmp(s + at, xl_cpuid_reg_name(reg), 3) && s[at + 3] == '=')
			return (int)reg;
	return xl_cfg_refuse(e, at, "has '%.*s' where a register is: eax, ebx, ecx or edx, then '=' and its bits",
		      (int)(strcspn(s + at, ",=:") < 16 ? strcspn(s + at, ",=:") : 16), s + at);
}

/* REG=BITS at s + *at, into its rule; *at past the bits */
static int xend_register(const char *s, size_t *at, uint32_t leaf, uint32_t subleaf,
			 struct xl_cpuid_policy *p, struct xl_cpuid_error *e)
{
	int reg = xend_reg(s, *at, e), i;
	size_t bits = *at + 4, len;
	char text[48], c[16];

	if (reg < 0)
		return -1;
	len = strcspn(s + bits, ",");
	for (size_t b = 0; b < len; b++)
		if (!set_bit(&(struct xl_cpuid_rule){ 0 }, 0, s[bits + b]))
			return xl_cfg_refuse(e, bits + b, "has %s in the bits of %s: each is 0, 1, x, k or s",
				      cfg_char_text(s[bits + b], c, sizeof(c)), xl_cpuid_reg_name((uint32_t)reg));
	if (len != REG_BITS)
		return xl_cfg_refuse(e, bits, "gives %s %zu bits: a register's are 32 of 0, 1, x, k and s, bit 31 "
			      "first", xl_cpuid_reg_name((uint32_t)reg), len);
	i = rule_for(p, leaf, subleaf, (uint32_t)reg, *at, e);
	if (i < 0)
		return -1;
	if (p->named[i])
		return xl_cfg_refuse(e, *at, "names %s of %s twice", xl_cpuid_reg_name((uint32_t)reg),
			      leaf_text(leaf, subleaf, text, sizeof(text)));
	p->named[i] = ALL_BITS;
	for (unsigned int b = 0; b < REG_BITS; b++)
		set_bit(&p->rule[i], REG_BITS - 1 - b, s[bits + b]);
	*at = bits + REG_BITS;
	return 0;
}

int xl_cpuid_parse_xend(const char *s, struct xl_cpuid_policy *p, struct xl_cpuid_error *e)
{
	uint32_t leaf = 0, subleaf = 0; /* set by xend_leaf() (gcc cannot tell) */
	size_t at = 0;

	if (xend_leaf(s, &at, &leaf, &subleaf, e))
		return -1;
	/* a register's bits run to a ',' or the end: each character is checked as a bit */
	for (;;) {
		if (xend_register(s, &at, leaf, subleaf, p, e))
			return -1;
		if (!s[at])
			return 0;
		at++; /* the ',' before the next register */
	}
}

void xl_cpuid_policy_trim(struct xl_cpuid_policy *p)
{
	unsigned int kept = 0;

	for (unsigned int i = 0; i < p->nr; i++) {
		if (p->rule[i].and_mask == ALL_BITS && !p->rule[i].or_mask)
			continue;
		p->rule[kept] = p->rule[i];
		p->named[kept] = p->named[i];
		kept++;
	}
	p->nr = kept;
}
