/* How xl-lite shows a cpu-policy policy (see xl-cpu-policy-fmt.h). */
#include <string.h>

#include "../modules/cpu-policy/policy_rules.h"
#include "xl-cpu-policy-fmt.h"
#include "xl-cpuid-features.h"
#include "xl-lite-fmt.h"

static char bit_char(const struct xl_cpuid_rule *r, unsigned int bit)
{
	uint32_t m = 1u << bit;

	return !(r->and_mask & m) ? '0' : (r->or_mask & m) ? '1' : 'x';
}

/* The 32 bits, bit 31 first (buf: at least 33 bytes) */
static const char *bits_text(const struct xl_cpuid_rule *r, char *buf)
{
	for (unsigned int i = 0; i < 32; i++)
		buf[i] = bit_char(r, 31 - i);
	buf[32] = '\0';
	return buf;
}

const char *xl_cpuid_rule_text(const struct xl_cpuid_rule *r, char *buf, size_t size)
{
	char bits[33], sub[16] = "";

	if (r->subleaf != XL_CPUID_ANY_SUBLEAF)
		snprintf(sub, sizeof(sub), ",%u", r->subleaf);
	snprintf(buf, size, "0x%08x%s:%s=%s", r->leaf, sub, xl_cpuid_reg_name(r->reg), bits_text(r, bits));
	return buf;
}

/* One changed bit: "-sse4_2", "+ecx:2" for a bit without a name. */
static void print_change(FILE *f, const struct xl_cpuid_rule *r, unsigned int bit, const char *sep,
			 bool json)
{
	const char *name = xl_cpuid_feature_name(r->leaf, r->subleaf, r->reg, bit);
	char unnamed[16];

	if (!name) {
		snprintf(unnamed, sizeof(unnamed), "%s:%u", xl_cpuid_reg_name(r->reg), bit);
		name = unnamed;
	}
	if (json) {
		fputs(sep, f);
		xl_json_string(f, name, strlen(name));
	} else {
		fprintf(f, "%s%c%s", sep, bit_char(r, bit) == '0' ? '-' : '+', name);
	}
}

void xl_print_cpuid_changes(FILE *f, const struct xl_cpuid_rule *r)
{
	const char *sep = "";

	for (unsigned int bit = 0; bit < 32; bit++) {
		if (bit_char(r, bit) == 'x')
			continue;
		print_change(f, r, bit, sep, false);
		sep = " ";
	}
}

/* "cleared":[...] or "set":[...]: the bits a rule forces to want ('0' or '1') */
static void print_json_bits(FILE *f, const struct xl_cpuid_rule *r, char want)
{
	const char *sep = "";

	fputc('[', f);
	for (unsigned int bit = 0; bit < 32; bit++) {
		if (bit_char(r, bit) != want)
			continue;
		print_change(f, r, bit, sep, true);
		sep = ",";
	}
	fputc(']', f);
}

/* ,"msr_rules":[{"msr":...,"action":"mask","and_mask":...,"or_mask":...,"text":"0x..:and=0x.."}] */
static void print_json_msr(FILE *f, const struct xl_msr_policy *m)
{
	char text[XL_MSR_RULE_TEXT];

	fputs(",\"msr_rules\":[", f);
	for (unsigned int i = 0; m && i < m->nr; i++) {
		const struct xl_msr_rule *r = &m->rule[i];

		fprintf(f, "%s{\"msr\":%u,\"action\":\"%s\",\"and_mask\":%llu,\"or_mask\":%llu,\"text\":\"%s\"}",
			i ? "," : "", r->msr, xl_msr_action_name(r->action), (unsigned long long)cpu_msr_and(r),
			(unsigned long long)cpu_msr_or(r), xl_msr_rule_text(r, text, sizeof(text)));
	}
	fputc(']', f);
}

static void print_json(FILE *f, uint32_t domid, const char *name, const struct xl_cpuid_policy *p,
		       const struct xl_msr_policy *m)
{
	char text[XL_CPUID_RULE_TEXT];

	fprintf(f, "{\"domain\":%u,\"name\":", domid);
	if (name)
		xl_json_string(f, name, strlen(name));
	else
		fputs("null", f);
	fputs(",\"rules\":[", f);
	for (unsigned int i = 0; p && i < p->nr; i++) {
		const struct xl_cpuid_rule *r = &p->rule[i];

		fprintf(f, "%s{\"leaf\":%u,\"subleaf\":", i ? "," : "", r->leaf);
		if (r->subleaf == XL_CPUID_ANY_SUBLEAF)
			fputs("null", f);
		else
			fprintf(f, "%u", r->subleaf);
		fprintf(f, ",\"reg\":\"%s\",\"and_mask\":%u,\"or_mask\":%u,\"xend\":\"%s\",\"cleared\":",
			xl_cpuid_reg_name(r->reg), r->and_mask, r->or_mask,
			xl_cpuid_rule_text(r, text, sizeof(text)));
		print_json_bits(f, r, '0');
		fputs(",\"set\":", f);
		print_json_bits(f, r, '1');
		fputc('}', f);
	}
	fputc(']', f);
	print_json_msr(f, m);
	fputs("}\n", f);
}

/* The MSR rules' table and the `msr = [...]` line that gives them. */
static void print_msr_table(FILE *f, const struct xl_msr_policy *m)
{
	char text[XL_MSR_RULE_TEXT];

	fprintf(f, "%-10s %-9s %-18s %s\n", "MSR", "ACTION", "AND", "OR");
	for (unsigned int i = 0; i < m->nr; i++) {
		const struct xl_msr_rule *r = &m->rule[i];

		if (r->action == XL_MSR_MASK)
			fprintf(f, "0x%08x %-9s 0x%016llx 0x%016llx\n", r->msr, xl_msr_action_name(r->action),
				(unsigned long long)cpu_msr_and(r), (unsigned long long)cpu_msr_or(r));
		else
			fprintf(f, "0x%08x %-9s %-18s -\n", r->msr, xl_msr_action_name(r->action), "-");
	}
	fputs("msr = [", f);
	for (unsigned int i = 0; i < m->nr; i++)
		fprintf(f, "%s \"%s\"", i ? "," : "", xl_msr_rule_text(&m->rule[i], text, sizeof(text)));
	fputs(" ]\n", f);
}

/* The CPUID rules' table and the `cpuid = [...]` line that gives them. */
static void print_cpuid_table(FILE *f, const struct xl_cpuid_policy *p)
{
	char bits[33], text[XL_CPUID_RULE_TEXT], sub[16];

	fprintf(f, "%-10s %-7s %-3s %-32s %s\n", "LEAF", "SUBLEAF", "REG", "BITS (31..0)", "CHANGES");
	for (unsigned int i = 0; i < p->nr; i++) {
		const struct xl_cpuid_rule *r = &p->rule[i];

		snprintf(sub, sizeof(sub), "%u", r->subleaf);
		fprintf(f, "0x%08x %-7s %-3s %s ", r->leaf, r->subleaf == XL_CPUID_ANY_SUBLEAF ? "any" : sub,
			xl_cpuid_reg_name(r->reg), bits_text(r, bits));
		xl_print_cpuid_changes(f, r);
		fputc('\n', f);
	}
	fputs("cpuid = [", f);
	for (unsigned int i = 0; i < p->nr; i++)
		fprintf(f, "%s \"%s\"", i ? "," : "", xl_cpuid_rule_text(&p->rule[i], text, sizeof(text)));
	fputs(" ]\n", f);
}

static void print_table(FILE *f, uint32_t domid, const char *name, const struct xl_cpuid_policy *p,
			const struct xl_msr_policy *m)
{
	unsigned int nr = p ? p->nr : 0, nr_msr = m ? m->nr : 0;

	fprintf(f, "domain %u", domid);
	if (name) {
		fputs(" (", f);
		xl_print_field(f, name, strlen(name));
		fputc(')', f);
	}
	if (!nr && !nr_msr) {
		fputs(": no CPU policy: its CPUID answers are the hypervisor's\n", f);
		return;
	}
	fprintf(f, ": %u rule%s", nr, nr == 1 ? "" : "s");
	if (nr_msr)
		fprintf(f, ", %u MSR rule%s", nr_msr, nr_msr == 1 ? "" : "s");
	fputc('\n', f);
	if (nr)
		print_cpuid_table(f, p);
	if (nr_msr)
		print_msr_table(f, m);
}

void xl_print_cpu_policy(FILE *f, uint32_t domid, const char *name, const struct xl_cpuid_policy *p,
			 const struct xl_msr_policy *m, bool json)
{
	if (json)
		print_json(f, domid, name, p, m);
	else
		print_table(f, domid, name, p, m);
}
