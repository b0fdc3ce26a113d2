/* The fault injector's operations (see fi_ops.h). */
#include <xen-lite/errno.h>
#include <xen-lite/string.h>

#include "fi_apply.h"
#include "fi_ops.h"
#include "fi_record.h"
#include "fi_request.h"

/* -ENOENT from a one-byte read is the core's "no such domain", whatever the address. */
static bool domain_exists(uint32_t domain)
{
	uint8_t byte;

	return xl_domain_read(domain, 0, &byte, 1) != -ENOENT;
}

void fi_state_reset(struct fi_state *s)
{
	memset(s, 0, sizeof(*s));
	s->next_id = 1;
}

/* MEM_FLIP: read, flip, write back - now, on dom0's CPU. */
static int64_t flip_memory(struct fi_state *s, const struct xl_fi_request *r, struct xl_fi_injected *a)
{
	/* dom0's memory only when the request carries XL_FI_UNSAFE (fi_check_request) */
	uint32_t flags = r->domain == FI_DOM0 ? XL_WRITE_DOM0 : 0;
	uint8_t before, after;
	struct xl_fi_event done;
	int err = xl_domain_read(r->domain, r->addr, &before, 1);

	if (err)
		return err;
	after = fi_flip_byte(before, r->bit);
	err = xl_domain_write(r->domain, r->addr, &after, 1, flags);
	if (err)
		return err;
	done = (struct xl_fi_event){
		.id = s->next_id++, .kind = XL_FI_MEM_FLIP, .domain = r->domain, .bit = r->bit,
		.where = r->addr, .old_value = before, .new_value = after, .tsc = xl_rdtsc(),
	};
	fi_record(s, &done);
	*a = (struct xl_fi_injected){ .id = done.id, .state = XL_FI_APPLIED, .old_value = before, .new_value = after };
	return sizeof(*a);
}

/*
 * The other kinds: armed for the hooks. The destroyed hook disarms a
 * domain's injections once it has left the core's list: one armed while it
 * went is found by the second look and disarmed here.
 */
static int64_t arm(struct fi_state *s, const struct xl_fi_request *r, struct xl_fi_injected *a)
{
	struct fi_params p = {
		.id = s->next_id, .kind = r->kind, .domain = r->domain, .vcpu = r->vcpu, .reg = r->reg,
		.bit = r->bit, .match = r->match, .value = r->value,
	};
	int err;

	if (!domain_exists(r->domain))
		return -ENOENT;
	err = fi_arm(&s->armed, &p, r->count);
	if (err)
		return err;
	s->next_id++;
	if (!domain_exists(r->domain)) {
		fi_disarm(&s->armed, p.id);
		return -ENOENT;
	}
	fi_log_armed(&p, r->count);
	/* a register is flipped at the vCPU's next exit: make it come soon */
	if (r->kind == XL_FI_REG_FLIP)
		xl_domain_kick(r->domain);
	*a = (struct xl_fi_injected){ .id = p.id, .state = XL_FI_ARMED };
	return sizeof(*a);
}

static int64_t inject(struct fi_state *s, const struct xl_fi_request *r, void *answer, uint64_t room)
{
	struct xl_fi_injected a;
	int64_t n;

	if (room < sizeof(a))
		return -ENOSPC;
	n = fi_kind_is_armed(r->kind) ? arm(s, r, &a) : flip_memory(s, r, &a);
	if (n > 0)
		memcpy(answer, &a, sizeof(a));
	return n;
}

static int64_t status(struct fi_state *s, void *answer, uint64_t room)
{
	struct xl_fi_status *st = answer;

	if (room < sizeof(*st))
		return -ENOSPC;
	memset(st, 0, sizeof(*st));
	st->max_armed = XL_FI_MAX_ARMED;
	st->ring_entries = XL_FI_RING_ENTRIES;
	st->max_count = XL_FI_MAX_COUNT;
	st->events = fi_ring_head(&s->ring);
	st->next_id = s->next_id;
	st->tsc_khz = xl_tsc_khz();
	st->nr_armed = fi_armed_list(&s->armed, st->armed, XL_FI_MAX_ARMED);
	return sizeof(*st);
}

static int64_t events(struct fi_state *s, uint64_t from_seq, void *answer, uint64_t room)
{
	struct xl_fi_events h;
	int64_t n;

	if (room < sizeof(h))
		return -ENOSPC;
	n = fi_ring_read(&s->ring, from_seq, (struct xl_fi_event *)((char *)answer + sizeof(h)),
			 (uint32_t)MIN((room - sizeof(h)) / sizeof(struct xl_fi_event), (uint64_t)UINT32_MAX), &h);
	if (n >= 0)
		memcpy(answer, &h, sizeof(h));
	return n;
}

/* The call's shape: a whole request, aligned, in a buffer of the caller's. */
static int check_call(const struct xl_module_call *c, struct xl_fi_request *r)
{
	if (!c->caller_privileged)
		return -EPERM;
	if (c->arg || !c->buf || c->size < sizeof(*r) || ((uintptr_t)c->buf & 7))
		return -EINVAL;
	memcpy(r, c->buf, sizeof(*r));
	return fi_check_request(c->op, r);
}

int64_t fi_call(struct fi_state *s, const struct xl_module_call *c)
{
	struct xl_fi_request r;
	int err = check_call(c, &r);
	void *answer;
	uint64_t room;

	if (err)
		return err;
	answer = (char *)c->buf + XL_FI_ANSWER_OFFSET;
	room = c->size - XL_FI_ANSWER_OFFSET;
	switch (c->op) {
	case XL_FI_OP_INJECT:
		return inject(s, &r, answer, room);
	case XL_FI_OP_DISARM:
		return fi_disarm(&s->armed, r.id);
	case XL_FI_OP_STATUS:
		return status(s, answer, room);
	default:
		return events(s, r.from_seq, answer, room);
	}
}
