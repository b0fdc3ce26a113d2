/* The introspection module's operations: checks, authorisation, dispatch (see intro_ops.h). */
#include <xen-lite/domain.h> /* EXIT_REASON_COUNT */
#include <xen-lite/errno.h>
#include <xen-lite/string.h>

#include "intro_auth.h"
#include "intro_ops.h"
#include "intro_reads.h"

_Static_assert(EXIT_REASON_COUNT <= XL_INTRO_MAX_REASONS, "every exit reason must fit the wire format");

/* The request fields each operation reads; every other one must be 0. */
enum field { F_DOMAIN = 1, F_VCPU = 2, F_OBSERVER = 4, F_ADDR = 8, F_LEN = 16, F_FROM = 32, F_FLAGS = 64 };

static const uint32_t fields_used[XL_INTRO_NR_OPS] = {
	[XL_INTRO_OP_WATCH] = F_DOMAIN,
	[XL_INTRO_OP_UNWATCH] = F_DOMAIN,
	[XL_INTRO_OP_GRANT] = F_DOMAIN | F_OBSERVER,
	[XL_INTRO_OP_REVOKE] = F_DOMAIN | F_OBSERVER,
	[XL_INTRO_OP_STATUS] = 0,
	[XL_INTRO_OP_REGS] = F_DOMAIN | F_VCPU | F_FLAGS,
	[XL_INTRO_OP_READ_PHYS] = F_DOMAIN | F_ADDR | F_LEN,
	[XL_INTRO_OP_READ_VIRT] = F_DOMAIN | F_VCPU | F_ADDR | F_LEN,
	[XL_INTRO_OP_EXITS] = F_DOMAIN | F_FROM,
};

/* The fields of r that are not 0, as enum field bits. */
static uint32_t fields_set(const struct xl_intro_request *r)
{
	return (r->domain ? F_DOMAIN : 0) | (r->vcpu ? F_VCPU : 0) | (r->observer ? F_OBSERVER : 0) |
	       (r->addr ? F_ADDR : 0) | (r->len ? F_LEN : 0) | (r->from_seq ? F_FROM : 0) |
	       (r->flags ? F_FLAGS : 0);
}

/* The call's shape: a whole request of this format, an operation we have, nothing stray. */
static int64_t check_request(const struct xl_module_call *c, struct xl_intro_request *r)
{
	if (c->op >= XL_INTRO_NR_OPS || c->arg || !c->buf || c->size < sizeof(*r) ||
	    ((uintptr_t)c->buf & 7))
		return -EINVAL;
	memcpy(r, c->buf, sizeof(*r));
	if (r->version != XL_INTRO_FORMAT_VERSION)
		return -EPROTO;
	if (r->reserved || (fields_set(r) & ~fields_used[c->op]))
		return -EINVAL;
	return 0;
}

bool intro_domain_exists(uint32_t domain)
{
	uint8_t byte;

	/* a read of one byte: -ENOENT is the core's "no such domain", whatever the address */
	return xl_domain_read(domain, 0, &byte, 1) != -ENOENT;
}

/*
 * The destroyed hook runs once the domain has left the core's list: a
 * watch or grant made while it went is seen by that hook, or finds the
 * domain gone when checked again after it was made.
 */
static int64_t op_watch(struct intro_state *s, uint32_t domain)
{
	int err = intro_domain_exists(domain) ? intro_watch_add(&s->watches, domain) : -ENOENT;

	if (!err && !intro_domain_exists(domain)) {
		intro_watch_remove(&s->watches, domain);
		err = -ENOENT;
	}
	return err;
}

static int64_t op_grant(struct intro_state *s, uint32_t observer, uint32_t target)
{
	int err = intro_grant_allowed(observer, target);

	if (!err && !(intro_domain_exists(observer) && intro_domain_exists(target)))
		err = -ENOENT;
	if (!err)
		err = intro_grant_add(&s->grants, observer, target);
	if (!err && !(intro_domain_exists(observer) && intro_domain_exists(target))) {
		intro_grant_remove(&s->grants, observer, target);
		err = -ENOENT;
	}
	return err;
}

static int64_t op_revoke(struct intro_state *s, uint32_t observer, uint32_t target)
{
	int err = intro_grant_allowed(observer, target);

	return err ? err : intro_grant_remove(&s->grants, observer, target);
}

static void fill_status(struct intro_state *s, struct xl_intro_status *st)
{
	memset(st, 0, sizeof(*st));
	st->max_watched = XL_INTRO_MAX_WATCHED;
	st->max_grants = XL_INTRO_MAX_GRANTS;
	st->max_vcpus = XL_INTRO_MAX_VCPUS;
	st->ring_entries = XL_INTRO_RING_ENTRIES;
	st->nr_reasons = EXIT_REASON_COUNT;
	st->tsc_khz = xl_tsc_khz();
	for (uint32_t r = 0; r < EXIT_REASON_COUNT; r++) {
		const char *name = xl_exit_reason_name(r);

		memcpy(st->reason_names[r], name, MIN(strlen(name), (size_t)XL_INTRO_NAME_LEN - 1));
	}
	st->nr_watched = intro_watch_list(&s->watches, st->watched, XL_INTRO_MAX_WATCHED);
	st->nr_grants = intro_grant_list(&s->grants, st->grants, XL_INTRO_MAX_GRANTS);
}

static int64_t op_status(struct intro_state *s, void *answer, uint64_t room)
{
	if (room < sizeof(struct xl_intro_status))
		return -ENOSPC;
	fill_status(s, answer);
	return sizeof(struct xl_intro_status);
}

static int64_t dispatch(struct intro_state *s, uint32_t op, const struct xl_intro_request *r, void *answer,
			uint64_t room)
{
	switch (op) {
	case XL_INTRO_OP_WATCH:
		return op_watch(s, r->domain);
	case XL_INTRO_OP_UNWATCH:
		return intro_watch_remove(&s->watches, r->domain);
	case XL_INTRO_OP_GRANT:
		return op_grant(s, r->observer, r->domain);
	case XL_INTRO_OP_REVOKE:
		return op_revoke(s, r->observer, r->domain);
	case XL_INTRO_OP_STATUS:
		return op_status(s, answer, room);
	case XL_INTRO_OP_REGS:
		return intro_op_regs(s, r, answer, room);
	case XL_INTRO_OP_READ_PHYS:
		return intro_op_read_phys(s, r, answer, room);
	case XL_INTRO_OP_READ_VIRT:
		return intro_op_read_virt(s, r, answer, room);
	default:
		return intro_op_exits(s, r, answer, room);
	}
}

int64_t intro_call(struct intro_state *s, const struct xl_module_call *c)
{
	struct xl_intro_request r;
	int64_t err = check_request(c, &r);

	if (!err)
		err = intro_authorise(&s->grants, c->caller_domain, c->caller_privileged, c->op, r.domain);
	if (err)
		return err;
	return dispatch(s, c->op, &r, (char *)c->buf + XL_INTRO_ANSWER_OFFSET, c->size - XL_INTRO_ANSWER_OFFSET);
}
