/* Armed injections applied where the hooks run (see fi_hooks.h). */
#include <xen-lite/domain.h> /* enum exit_reason */

#include "fi_apply.h"
#include "fi_hooks.h"
#include "fi_record.h"

#define KIND(k) (1u << (k))

static struct xl_fi_event event_of(const struct fi_params *p, uint32_t vcpu, uint64_t where)
{
	return (struct xl_fi_event){
		.id = p->id, .kind = p->kind, .domain = p->domain, .vcpu = vcpu, .where = where,
		.tsc = xl_rdtsc(),
	};
}

int fi_hook_before(struct fi_state *s, const struct fi_vcpu *c, const struct xl_exit_event *e)
{
	struct fi_occasion o = { .kinds = KIND(XL_FI_HC_FAIL), .domain = e->domain_id, .vcpu = e->vcpu_id };
	struct fi_params p;
	struct xl_fi_event done;

	if (e->reason != EXIT_HYPERCALL || !fi_any_armed(&s->armed))
		return XL_EXIT_CONTINUE;
	o.match = c->reg(c->v, XL_REG_RAX); /* the hypercall's number */
	if (!fi_take(&s->armed, &o, &p))
		return XL_EXIT_CONTINUE;
	done = event_of(&p, e->vcpu_id, o.match);
	done.old_value = o.match;
	done.new_value = fi_hypercall_error(p.value);
	c->set_reg(c->v, XL_REG_RAX, done.new_value);
	c->advance_rip(c->v, FI_VMMCALL_LEN);
	fi_record(s, &done);
	return XL_EXIT_HANDLED;
}

/* An IN the hypervisor completed (RIP moved to the next instruction): its value corrupted. */
static void corrupt_in(struct fi_state *s, const struct fi_vcpu *c, const struct xl_exit_event *e)
{
	struct fi_occasion o = { .kinds = KIND(XL_FI_IO_CORRUPT), .domain = e->domain_id, .vcpu = e->vcpu_id };
	uint32_t port, size;
	struct fi_params p;
	struct xl_fi_event done;
	uint64_t rax;

	/* a refused IN (#GP) left RIP where it was: nothing was read */
	if (!fi_io_in(e->info1, &port, &size) || c->reg(c->v, XL_REG_RIP) != e->info2)
		return;
	o.match = port;
	if (!fi_take(&s->armed, &o, &p))
		return;
	done = event_of(&p, e->vcpu_id, port | (uint64_t)size << 16);
	rax = fi_io_corrupt(c->reg(c->v, XL_REG_RAX), size, p.value, &done.old_value, &done.new_value);
	c->set_reg(c->v, XL_REG_RAX, rax);
	fi_record(s, &done);
}

static void flip_register(struct fi_state *s, const struct fi_vcpu *c, const struct xl_exit_event *e)
{
	struct fi_occasion o = { .kinds = KIND(XL_FI_REG_FLIP), .domain = e->domain_id, .vcpu = e->vcpu_id };
	struct fi_params p;
	struct xl_fi_event done;

	if (!fi_take(&s->armed, &o, &p))
		return;
	done = event_of(&p, e->vcpu_id, p.reg);
	done.bit = p.bit;
	done.old_value = c->reg(c->v, p.reg);
	done.new_value = fi_flip_bit(done.old_value, p.bit);
	c->set_reg(c->v, p.reg, done.new_value);
	fi_record(s, &done);
}

void fi_hook_after(struct fi_state *s, const struct fi_vcpu *c, const struct xl_exit_event *e)
{
	if (!fi_any_armed(&s->armed))
		return;
	if (e->reason == EXIT_IO)
		corrupt_in(s, c, e);
	flip_register(s, c, e);
}

unsigned int fi_hook_ipi(struct fi_state *s, uint32_t domain, uint32_t vcpu, uint32_t vector, uint32_t dest)
{
	struct fi_occasion o = { .kinds = KIND(XL_FI_IPI_DROP) | KIND(XL_FI_IPI_DUP), .domain = domain, .vcpu = vcpu };
	struct fi_params p;
	struct xl_fi_event done;

	if (!fi_take(&s->armed, &o, &p))
		return 1;
	done = event_of(&p, vcpu, vector | (uint64_t)dest << 32);
	done.old_value = 1;
	done.new_value = fi_ipi_copies(p.kind);
	fi_record(s, &done);
	return (unsigned int)done.new_value;
}
