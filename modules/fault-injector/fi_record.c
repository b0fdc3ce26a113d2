/* The fault injector's log lines and events (see fi_record.h). */
#include <xen-lite/format.h>
#include <xen-lite/log.h>

#include "fi_record.h"
#include "fi_request.h"

static const char *const reg_names[XL_FI_NR_GPRS] = XL_FI_GPR_NAMES;

const char *fi_reg_name(uint32_t reg)
{
	return reg < XL_FI_NR_GPRS ? reg_names[reg] : "?";
}

/* Where an injection hit and what it changed, as the log says it. */
static void describe(const struct xl_fi_event *e, char *buf, size_t size)
{
	unsigned long long where = e->where, was = e->old_value, now = e->new_value;

	switch (e->kind) {
	case XL_FI_MEM_FLIP:
		xl_snprintf(buf, size, "gpa %#llx bit %u (%#llx -> %#llx)", where, e->bit, was, now);
		break;
	case XL_FI_REG_FLIP:
		xl_snprintf(buf, size, "vcpu %u %s bit %u (%#llx -> %#llx)", e->vcpu, fi_reg_name(e->where),
			    e->bit, was, now);
		break;
	case XL_FI_HC_FAIL:
		xl_snprintf(buf, size, "vcpu %u hypercall %llu (%llu -> %lld)", e->vcpu, where, was,
			    (long long)now);
		break;
	case XL_FI_IO_CORRUPT:
		xl_snprintf(buf, size, "vcpu %u port %#llx size %llu (%#llx -> %#llx)", e->vcpu, where & 0xffff,
			    where >> 16, was, now);
		break;
	default:
		xl_snprintf(buf, size, "vcpu %u vector %#llx dest %llu (%llu -> %llu copies)", e->vcpu,
			    where & 0xffffffff, where >> 32, was, now);
		break;
	}
}

void fi_record(struct fi_state *s, struct xl_fi_event *e)
{
	char what[112];

	e->seq = fi_ring_put(&s->ring, e);
	describe(e, what, sizeof(what));
	log_info("fault-injector: #%llu d%u %s %s\n", (unsigned long long)e->id, e->domain, fi_kind_name(e->kind),
		 what);
}

/* What an armed injection waits for, as the log says it. */
static void describe_armed(const struct fi_params *p, char *buf, size_t size)
{
	char match[16];

	if (p->match == XL_FI_ANY)
		xl_snprintf(match, sizeof(match), "any");
	else
		xl_snprintf(match, sizeof(match), p->kind == XL_FI_IO_CORRUPT ? "%#x" : "%u", p->match);
	switch (p->kind) {
	case XL_FI_REG_FLIP:
		xl_snprintf(buf, size, "vcpu %u %s bit %u", p->vcpu, fi_reg_name(p->reg), p->bit);
		break;
	case XL_FI_HC_FAIL:
		xl_snprintf(buf, size, "hypercall %s fails with -%u", match, p->value);
		break;
	case XL_FI_IO_CORRUPT:
		xl_snprintf(buf, size, "port %s reads XOR %#x", match, p->value);
		break;
	default:
		xl_snprintf(buf, size, "fixed IPIs");
		break;
	}
}

void fi_log_armed(const struct fi_params *p, uint32_t count)
{
	char what[80];

	describe_armed(p, what, sizeof(what));
	log_info("fault-injector: #%llu d%u %s armed: %s, %u time(s)\n", (unsigned long long)p->id, p->domain,
		 fi_kind_name(p->kind), what, count);
}
