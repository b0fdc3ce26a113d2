/* xl-lite inject's lines and report (see xl-fi-fmt.h). */
#include <string.h>

#include "xl-args.h"
#include "xl-fi-fmt.h"
#include "xl-lite-fmt.h"

static const char *const kind_names[XL_FI_NR_KINDS] = XL_FI_KIND_NAMES;
static const char *const reg_names[XL_FI_NR_GPRS] = XL_FI_GPR_NAMES;

const char *xl_fi_kind_name(uint32_t kind)
{
	return kind < XL_FI_NR_KINDS ? kind_names[kind] : "?";
}

static const char *reg_name(uint64_t reg)
{
	return reg < XL_FI_NR_GPRS ? reg_names[reg] : "?";
}

void xl_fi_report_add(struct xl_fi_report *rep, const struct xl_fi_record *r)
{
	rep->done++;
	if (r->shot.kind < XL_FI_NR_KINDS)
		rep->kind[r->shot.kind]++;
	if (r->verdict.zone < XL_FI_NR_ZONES)
		rep->zone[r->verdict.zone]++;
	if (!r->id)
		rep->refused++;
	else if (!r->applied)
		rep->not_applied++;
}

/* "any" or the number (hex for ports). */
static void print_match(FILE *f, uint32_t match, bool hex)
{
	if (match == XL_FI_ANY)
		fputs("any", f);
	else
		fprintf(f, hex ? "%#x" : "%u", match);
}

/* Where a shot aims, as planned. */
static void print_aim(FILE *f, const struct xl_fi_shot *s)
{
	switch (s->kind) {
	case XL_FI_MEM_FLIP:
		fprintf(f, "gpa %#llx bit %u", (unsigned long long)s->addr, s->bit);
		break;
	case XL_FI_REG_FLIP:
		fprintf(f, "vcpu %u %s bit %u", s->vcpu, reg_name(s->reg), s->bit);
		break;
	case XL_FI_HC_FAIL:
		fputs("hypercall ", f);
		print_match(f, s->match, false);
		fprintf(f, " fails with -%u", s->value);
		break;
	case XL_FI_IO_CORRUPT:
		fputs("port ", f);
		print_match(f, s->match, true);
		fprintf(f, " reads XOR %#x", s->value);
		break;
	default:
		fputs("fixed IPIs", f);
		break;
	}
	if (s->kind != XL_FI_MEM_FLIP && s->count > 1)
		fprintf(f, ", %u times", s->count);
}

/* Where it hit and what it changed, as the module recorded the first time. */
static void print_hit(FILE *f, const struct xl_fi_event *e)
{
	unsigned long long where = e->where, was = e->old_value, now = e->new_value;

	switch (e->kind) {
	case XL_FI_MEM_FLIP:
		fprintf(f, "gpa %#llx bit %u (%#llx -> %#llx)", where, e->bit, was, now);
		break;
	case XL_FI_REG_FLIP:
		fprintf(f, "vcpu %u %s bit %u (%#llx -> %#llx)", e->vcpu, reg_name(where), e->bit, was, now);
		break;
	case XL_FI_HC_FAIL:
		fprintf(f, "vcpu %u hypercall %llu (%llu -> %lld)", e->vcpu, where, was, (long long)now);
		break;
	case XL_FI_IO_CORRUPT:
		fprintf(f, "vcpu %u port %#llx size %llu (%#llx -> %#llx)", e->vcpu, where & 0xffff, where >> 16,
			was, now);
		break;
	default:
		fprintf(f, "vcpu %u vector %#llx dest %llu (%llu -> %llu copies)", e->vcpu, where & 0xffffffff,
			where >> 32, was, now);
		break;
	}
}

static void print_record_text(FILE *f, const struct xl_fi_record *r)
{
	fprintf(f, "#%u id ", r->shot.index);
	if (r->id)
		fprintf(f, "%llu", (unsigned long long)r->id);
	else
		fputc('-', f);
	fprintf(f, " d%u %s ", r->domain, xl_fi_kind_name(r->shot.kind));
	if (r->applied)
		print_hit(f, &r->first);
	else
		print_aim(f, &r->shot);
	if (r->applied > 1)
		fprintf(f, ", applied %u times", r->applied);
	fprintf(f, ": %s (%s", xl_fi_zone_name(r->verdict.zone), r->verdict.why);
	if (!r->id)
		fprintf(f, "; refused: %s", strerror((int)-r->refused));
	else if (!r->applied)
		fputs("; not applied: no occasion in its window", f);
	fputs(")\n", f);
}

static void json_key_string(FILE *f, const char *key, const char *value)
{
	fprintf(f, ",\"%s\":", key);
	xl_json_string(f, value, strlen(value));
}

/* The shot's fields, as JSON members after others. */
static void print_shot_json(FILE *f, const struct xl_fi_shot *s)
{
	fprintf(f, ",\"kind\":\"%s\"", xl_fi_kind_name(s->kind));
	switch (s->kind) {
	case XL_FI_MEM_FLIP:
		fprintf(f, ",\"gpa\":\"%#llx\",\"bit\":%u", (unsigned long long)s->addr, s->bit);
		return;
	case XL_FI_REG_FLIP:
		fprintf(f, ",\"vcpu\":%u,\"reg\":\"%s\",\"bit\":%u", s->vcpu, reg_name(s->reg), s->bit);
		break;
	case XL_FI_HC_FAIL:
	case XL_FI_IO_CORRUPT:
		if (s->match == XL_FI_ANY)
			fprintf(f, ",\"%s\":\"any\"", s->kind == XL_FI_HC_FAIL ? "hypercall" : "port");
		else
			fprintf(f, ",\"%s\":%u", s->kind == XL_FI_HC_FAIL ? "hypercall" : "port", s->match);
		fprintf(f, ",\"%s\":%u", s->kind == XL_FI_HC_FAIL ? "errno" : "mask", s->value);
		break;
	default:
		break;
	}
	fprintf(f, ",\"count\":%u", s->count);
}

static void print_record_json(FILE *f, const struct xl_fi_record *r)
{
	fprintf(f, "{\"injection\":%u,\"id\":", r->shot.index);
	if (r->id)
		fprintf(f, "%llu", (unsigned long long)r->id);
	else
		fputs("null", f);
	fprintf(f, ",\"domain\":%u", r->domain);
	print_shot_json(f, &r->shot);
	fprintf(f, ",\"applied\":%u", r->applied);
	if (r->applied)
		fprintf(f, ",\"first\":{\"vcpu\":%u,\"where\":\"%#llx\",\"old\":\"%#llx\",\"new\":\"%#llx\",\"tsc\":%llu}",
			r->first.vcpu, (unsigned long long)r->first.where, (unsigned long long)r->first.old_value,
			(unsigned long long)r->first.new_value, (unsigned long long)r->first.tsc);
	if (!r->id)
		fprintf(f, ",\"refused\":%lld", (long long)r->refused);
	fprintf(f, ",\"zone\":\"%s\"", xl_fi_zone_name(r->verdict.zone));
	json_key_string(f, "why", r->verdict.why);
	fputs("}\n", f);
}

void xl_fi_print_record(FILE *f, const struct xl_fi_record *r, bool json)
{
	if (json)
		print_record_json(f, r);
	else
		print_record_text(f, r);
}

void xl_fi_print_shot(FILE *f, const struct xl_fi_shot *s, uint32_t domain, bool json)
{
	if (json) {
		fprintf(f, "{\"injection\":%u,\"domain\":%u", s->index, domain);
		print_shot_json(f, s);
		fputs("}\n", f);
		return;
	}
	fprintf(f, "#%u d%u %s ", s->index, domain, xl_fi_kind_name(s->kind));
	print_aim(f, s);
	fputc('\n', f);
}

static void print_report_text(FILE *f, const struct xl_fi_report *rep)
{
	fprintf(f, "campaign %s: target %s (domain %u", rep->campaign, rep->target, rep->first_domain);
	if (rep->last_domain != rep->first_domain)
		fprintf(f, ", at the end %u", rep->last_domain);
	fprintf(f, "), seed %llu: %u of %u injections done\n", (unsigned long long)rep->seed, rep->done,
		rep->planned);
	fputs("kinds:", f);
	for (uint32_t k = 0; k < XL_FI_NR_KINDS; k++)
		fprintf(f, "%s %s %u", k ? "," : "", xl_fi_kind_name(k), rep->kind[k]);
	fputs("\nzones:", f);
	for (unsigned int z = 0; z < XL_FI_NR_ZONES; z++)
		fprintf(f, "%s %s %u", z ? "," : "", xl_fi_zone_name(z), rep->zone[z]);
	fprintf(f, "\nnot applied: %u (no occasion in their window), refused: %u - both counted by what was seen\n",
		rep->not_applied, rep->refused);
	fprintf(f, "target restarted %u time(s), reset %u time(s); dom0's buffer checked after %u window(s)\n",
		rep->restarts, rep->resets, rep->dom0_checks);
	if (rep->stopped[0])
		fprintf(f, "stopped: %s\n", rep->stopped);
}

static void print_report_json(FILE *f, const struct xl_fi_report *rep)
{
	fputs("{\"report\":{\"campaign\":", f);
	xl_json_string(f, rep->campaign, strlen(rep->campaign));
	json_key_string(f, "target", rep->target);
	fprintf(f, ",\"first_domain\":%u,\"last_domain\":%u,\"seed\":%llu,\"planned\":%u,\"done\":%u,"
		"\"completed\":%s,\"kinds\":{", rep->first_domain, rep->last_domain, (unsigned long long)rep->seed,
		rep->planned, rep->done, rep->completed ? "true" : "false");
	for (uint32_t k = 0; k < XL_FI_NR_KINDS; k++)
		fprintf(f, "%s\"%s\":%u", k ? "," : "", xl_fi_kind_name(k), rep->kind[k]);
	fputs("},\"zones\":{", f);
	for (unsigned int z = 0; z < XL_FI_NR_ZONES; z++)
		fprintf(f, "%s\"%s\":%u", z ? "," : "", xl_fi_zone_name(z), rep->zone[z]);
	fprintf(f, "},\"not_applied\":%u,\"refused\":%u,\"restarts\":%u,\"resets\":%u,\"dom0_checks\":%u,"
		"\"stopped\":", rep->not_applied, rep->refused, rep->restarts, rep->resets, rep->dom0_checks);
	if (rep->stopped[0])
		xl_json_string(f, rep->stopped, strlen(rep->stopped));
	else
		fputs("null", f);
	fputs("}}\n", f);
}

void xl_fi_print_report(FILE *f, const struct xl_fi_report *rep, bool json)
{
	if (json)
		print_report_json(f, rep);
	else
		print_report_text(f, rep);
}

int xl_fi_exit_status(const struct xl_fi_report *rep)
{
	bool escaped = rep->guest_target && (rep->zone[XL_FI_ZONE_DOM0] || rep->zone[XL_FI_ZONE_HYPERVISOR]);

	return rep->completed && !escaped ? XL_EXIT_OK : XL_EXIT_ERROR;
}
