/* xl-lite inject's requests and the checks of their answers (see xl-fi-wire.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl-fi-wire.h"

/* One call's buffer: the request, then the answer's room. */
struct exchange {
	uint8_t *buf;
	int64_t n; /* what the call returned */
};

__attribute__((format(printf, 2, 3))) static void bad_answer(struct xl_fi_outcome *o, const char *fmt, ...)
{
	va_list ap;

	o->result = XL_FI_MALFORMED;
	va_start(ap, fmt);
	vsnprintf(o->why, sizeof(o->why), fmt, ap);
	va_end(ap);
}

/* Send r with room bytes for the answer; false (o: refused) when nothing usable came back. */
static bool exchange(const struct xl_fi_conn *c, uint32_t op, const struct xl_fi_request *r, size_t room,
		     struct exchange *x, struct xl_fi_outcome *o)
{
	memset(o, 0, sizeof(*o));
	x->buf = calloc(1, XL_FI_ANSWER_OFFSET + room);
	if (!x->buf) {
		perror("xl-lite");
		x->n = XL_FI_NO_ANSWER;
	} else {
		memcpy(x->buf, r, sizeof(*r));
		x->n = c->call(c->ctx, op, x->buf, XL_FI_ANSWER_OFFSET + room);
	}
	if (x->n >= 0)
		return true;
	o->result = XL_FI_REFUSED;
	o->err = x->n;
	return false;
}

static const void *answer_of(const struct exchange *x)
{
	return x->buf + XL_FI_ANSWER_OFFSET;
}

static struct xl_fi_request blank(void)
{
	return (struct xl_fi_request){ .version = XL_FI_FORMAT_VERSION };
}

void xl_fi_request_for(const struct xl_fi_shot *s, uint32_t domain, bool unsafe, struct xl_fi_request *r)
{
	*r = blank();
	r->kind = s->kind;
	r->domain = domain;
	r->flags = unsafe ? XL_FI_UNSAFE : 0;
	switch (s->kind) {
	case XL_FI_MEM_FLIP:
		r->addr = s->addr;
		r->bit = s->bit;
		return;
	case XL_FI_REG_FLIP:
		r->vcpu = s->vcpu;
		r->reg = s->reg;
		r->bit = s->bit;
		break;
	case XL_FI_HC_FAIL:
	case XL_FI_IO_CORRUPT:
		r->match = s->match;
		r->value = s->value;
		break;
	default:
		break;
	}
	r->count = s->count;
}

static void check_injected(const struct xl_fi_request *r, int64_t n, const struct xl_fi_injected *a,
			   struct xl_fi_outcome *o)
{
	bool memory = r->kind == XL_FI_MEM_FLIP;

	if (n != (int64_t)sizeof(*a))
		return bad_answer(o, "INJECT answered %lld, not %zu", (long long)n, sizeof(*a));
	if (!a->id || a->reserved || a->state != (memory ? XL_FI_APPLIED : XL_FI_ARMED))
		return bad_answer(o, "injection %llu in state %u", (unsigned long long)a->id, a->state);
	if (memory && (a->old_value > 0xff || a->new_value != (a->old_value ^ (1u << (r->bit & 7)))))
		return bad_answer(o, "byte %#llx became %#llx, not its bit %u flipped",
				  (unsigned long long)a->old_value, (unsigned long long)a->new_value, r->bit);
	if (!memory && (a->old_value || a->new_value))
		return bad_answer(o, "an armed injection with values");
}

void xl_fi_inject(const struct xl_fi_conn *c, const struct xl_fi_request *r, struct xl_fi_injected *a,
		  struct xl_fi_outcome *o)
{
	struct exchange x;

	memset(a, 0, sizeof(*a));
	if (exchange(c, XL_FI_OP_INJECT, r, sizeof(*a), &x, o)) {
		memcpy(a, answer_of(&x), sizeof(*a));
		check_injected(r, x.n, a, o);
	}
	free(x.buf);
}

void xl_fi_disarm(const struct xl_fi_conn *c, uint64_t id, uint32_t *n, struct xl_fi_outcome *o)
{
	struct xl_fi_request r = blank();
	struct exchange x;

	r.id = id;
	*n = 0;
	if (exchange(c, XL_FI_OP_DISARM, &r, 0, &x, o)) {
		if (x.n > XL_FI_MAX_ARMED || (id != XL_FI_DISARM_ALL && x.n > 1))
			bad_answer(o, "DISARM of %llu answered %lld", (unsigned long long)id, (long long)x.n);
		else
			*n = (uint32_t)x.n;
	}
	free(x.buf);
}

static void check_status(const struct xl_fi_status *s, int64_t n, struct xl_fi_outcome *o)
{
	if (n != (int64_t)sizeof(*s))
		return bad_answer(o, "STATUS answered %lld, not %zu", (long long)n, sizeof(*s));
	if (s->max_armed != XL_FI_MAX_ARMED || s->ring_entries != XL_FI_RING_ENTRIES ||
	    s->max_count != XL_FI_MAX_COUNT || s->nr_armed > s->max_armed || !s->next_id)
		return bad_answer(o, "%u of %u armed, a ring of %u, counts to %u, next id %llu", s->nr_armed,
				  s->max_armed, s->ring_entries, s->max_count, (unsigned long long)s->next_id);
	for (uint32_t i = 0; i < s->nr_armed; i++)
		if (s->armed[i].kind >= XL_FI_NR_KINDS || !s->armed[i].left || s->armed[i].left > s->max_count ||
		    !s->armed[i].id || s->armed[i].id >= s->next_id)
			return bad_answer(o, "armed injection %llu of kind %u, %u left",
					  (unsigned long long)s->armed[i].id, s->armed[i].kind, s->armed[i].left);
}

void xl_fi_status(const struct xl_fi_conn *c, struct xl_fi_status *s, struct xl_fi_outcome *o)
{
	struct xl_fi_request r = blank();
	struct exchange x;

	memset(s, 0, sizeof(*s));
	if (exchange(c, XL_FI_OP_STATUS, &r, sizeof(*s), &x, o)) {
		memcpy(s, answer_of(&x), sizeof(*s));
		check_status(s, x.n, o);
	}
	free(x.buf);
}

static void check_events(uint64_t from_seq, int64_t n, const struct xl_fi_events *h, const struct xl_fi_event *e,
			 uint32_t max, struct xl_fi_outcome *o)
{
	uint64_t prev = from_seq;

	if (n != h->nr || h->nr > max || h->reserved)
		return bad_answer(o, "EVENTS answered %lld with %u events, room for %u", (long long)n, h->nr, max);
	if (h->next_seq != from_seq + h->lost + h->nr || h->next_seq > h->head_seq)
		return bad_answer(o, "EVENTS from %llu: next %llu, %llu lost, %u read, head %llu",
				  (unsigned long long)from_seq, (unsigned long long)h->next_seq,
				  (unsigned long long)h->lost, h->nr, (unsigned long long)h->head_seq);
	for (uint32_t i = 0; i < h->nr; i++) {
		if (e[i].seq <= prev || e[i].seq > h->next_seq || e[i].kind >= XL_FI_NR_KINDS || !e[i].id)
			return bad_answer(o, "event %llu (kind %u, injection %llu) out of place",
					  (unsigned long long)e[i].seq, e[i].kind, (unsigned long long)e[i].id);
		prev = e[i].seq;
	}
}

void xl_fi_events(const struct xl_fi_conn *c, uint64_t from_seq, struct xl_fi_events *h, struct xl_fi_event *out,
		  uint32_t max, struct xl_fi_outcome *o)
{
	struct xl_fi_request r = blank();
	struct exchange x;

	r.from_seq = from_seq;
	memset(h, 0, sizeof(*h));
	if (exchange(c, XL_FI_OP_EVENTS, &r, sizeof(*h) + (size_t)max * sizeof(*out), &x, o)) {
		memcpy(h, answer_of(&x), sizeof(*h));
		check_events(from_seq, x.n, h, (const struct xl_fi_event *)((const uint8_t *)answer_of(&x) + sizeof(*h)),
			     max, o);
		if (o->result == XL_FI_OK)
			memcpy(out, (const uint8_t *)answer_of(&x) + sizeof(*h), (size_t)h->nr * sizeof(*out));
	}
	free(x.buf);
}
