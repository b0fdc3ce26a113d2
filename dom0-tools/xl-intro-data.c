/* xl-lite introspect's requests and the checks of their answers (see xl-intro-data.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl-intro-data.h"

#define OFFSET XL_INTRO_ANSWER_OFFSET

struct xl_intro_request xl_intro_request(uint32_t domain)
{
	return (struct xl_intro_request){ .version = XL_INTRO_FORMAT_VERSION, .domain = domain };
}

__attribute__((format(printf, 2, 3))) static void malformed(struct xl_intro_outcome *o, const char *fmt, ...)
{
	va_list ap;

	o->result = XL_INTRO_MALFORMED;
	va_start(ap, fmt);
	vsnprintf(o->why, sizeof(o->why), fmt, ap);
	va_end(ap);
}

static void refused(struct xl_intro_outcome *o, int64_t err)
{
	o->result = XL_INTRO_REFUSED;
	o->err = err;
}

/* One call: the request, then room bytes for the answer, into *buf (the caller frees it). */
static int64_t send(const struct xl_intro_conn *c, uint32_t op, const struct xl_intro_request *r, size_t room,
		    uint8_t **buf)
{
	*buf = calloc(1, OFFSET + room);
	if (!*buf) {
		perror("xl-lite");
		return XL_INTRO_NO_ANSWER;
	}
	memcpy(*buf, r, sizeof(*r));
	return c->call(c->ctx, op, *buf, OFFSET + room);
}

void xl_intro_simple(const struct xl_intro_conn *c, uint32_t op, const struct xl_intro_request *r,
		     struct xl_intro_outcome *o)
{
	uint8_t *buf;
	int64_t n = send(c, op, r, 0, &buf);

	memset(o, 0, sizeof(*o));
	if (n < 0)
		refused(o, n);
	else if (n)
		malformed(o, "answered %lld, not 0", (long long)n);
	free(buf);
}

/* A name field made a NUL-terminated string of printable characters. */
static void clean_name(char *s, size_t size)
{
	s[size - 1] = '\0';
	for (size_t i = 0; s[i]; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			s[i] = '?';
}

static void check_status(struct xl_intro_status *s, struct xl_intro_outcome *o)
{
	if (s->max_watched > XL_INTRO_MAX_WATCHED || s->nr_watched > s->max_watched ||
	    s->max_grants > XL_INTRO_MAX_GRANTS || s->nr_grants > s->max_grants)
		return malformed(o, "%u of %u domains watched, %u of %u grants", s->nr_watched, s->max_watched,
				 s->nr_grants, s->max_grants);
	if (s->nr_reasons > XL_INTRO_MAX_REASONS || s->max_vcpus > XL_INTRO_MAX_VCPUS || s->reserved)
		return malformed(o, "%u exit reasons, %u vCPUs", s->nr_reasons, s->max_vcpus);
	for (uint32_t i = 0; i < s->nr_watched; i++)
		if (s->max_vcpus < 32 && (s->watched[i].vcpus_seen >> s->max_vcpus))
			return malformed(o, "registers of vCPUs past %u", s->max_vcpus);
	for (uint32_t r = 0; r < XL_INTRO_MAX_REASONS; r++)
		clean_name(s->reason_names[r], XL_INTRO_NAME_LEN);
}

/* A call whose answer is one structure of size bytes: into out, true; else *o says why not. */
static bool fixed_answer(const struct xl_intro_conn *c, uint32_t op, const struct xl_intro_request *r, void *out,
			 size_t size, const char *what, struct xl_intro_outcome *o)
{
	uint8_t *buf;
	int64_t n = send(c, op, r, size, &buf);

	memset(o, 0, sizeof(*o));
	if (n < 0)
		refused(o, n);
	else if ((uint64_t)n != size)
		malformed(o, "%s answered %lld bytes, not %zu", what, (long long)n, size);
	else
		memcpy(out, buf + OFFSET, size);
	free(buf);
	return o->result == XL_INTRO_OK;
}

void xl_intro_status(const struct xl_intro_conn *c, struct xl_intro_status *s, struct xl_intro_outcome *o)
{
	struct xl_intro_request r = xl_intro_request(0);

	if (fixed_answer(c, XL_INTRO_OP_STATUS, &r, s, sizeof(*s), "STATUS", o))
		check_status(s, o);
}

void xl_intro_regs(const struct xl_intro_conn *c, uint32_t domain, uint32_t vcpu, uint32_t flags,
		   uint32_t nr_reasons, struct xl_intro_regs *regs, struct xl_intro_outcome *o)
{
	struct xl_intro_request r = xl_intro_request(domain);

	r.vcpu = vcpu;
	r.flags = flags;
	if (fixed_answer(c, XL_INTRO_OP_REGS, &r, regs, sizeof(*regs), "REGS", o) &&
	    (regs->exit_reason >= nr_reasons || regs->cpl > 3 || !regs->snapshots))
		malformed(o, "REGS: exit reason %u, CPL %u, snapshot %llu", regs->exit_reason, regs->cpl,
			  (unsigned long long)regs->snapshots);
}

/* One READ call of len bytes at addr (len fits one call): the bytes read, or the call's result. */
static int64_t read_once(const struct xl_intro_conn *c, uint32_t op, struct xl_intro_request *r, uint8_t *out,
			 struct xl_intro_outcome *o)
{
	uint8_t *buf;
	int64_t n = send(c, op, r, r->len, &buf);

	if (n > (int64_t)r->len || n == 0)
		malformed(o, "read %lld of %llu bytes", (long long)n, (unsigned long long)r->len);
	else if (n > 0)
		memcpy(out, buf + OFFSET, (size_t)n);
	free(buf);
	return n;
}

void xl_intro_read(const struct xl_intro_conn *c, uint32_t op, uint32_t domain, uint32_t vcpu, uint64_t addr,
		   uint64_t len, uint8_t *out, uint64_t *got, int64_t *stop_err, struct xl_intro_outcome *o)
{
	struct xl_intro_request r = xl_intro_request(domain);
	uint64_t chunk_max = c->max_size - OFFSET;

	memset(o, 0, sizeof(*o));
	*got = 0;
	*stop_err = 0;
	r.vcpu = op == XL_INTRO_OP_READ_VIRT ? vcpu : 0;
	while (*got < len && o->result == XL_INTRO_OK) {
		int64_t n;

		r.addr = addr + *got;
		r.len = len - *got < chunk_max ? len - *got : chunk_max;
		n = read_once(c, op, &r, out + *got, o);
		if (o->result != XL_INTRO_OK)
			break;
		if (n < 0) {
			if (!*got)
				refused(o, n);
			*stop_err = n;
			break;
		}
		*got += (uint64_t)n;
		if ((uint64_t)n < r.len) {
			*stop_err = -EFAULT; /* the page after these was not readable */
			break;
		}
	}
}

static void check_exits(const struct xl_intro_exits *h, const struct xl_intro_exit *e, int64_t n,
			uint64_t from, uint32_t max, uint32_t nr_reasons, struct xl_intro_outcome *o)
{
	if (n != h->nr || h->nr > max || h->reserved)
		return malformed(o, "EXITS answered %lld, %u entries", (long long)n, h->nr);
	if (h->next_seq != from + h->lost + h->nr || h->next_seq > h->head_seq)
		return malformed(o, "EXITS after %llu: next %llu, %llu lost, %u entries, head %llu",
				 (unsigned long long)from, (unsigned long long)h->next_seq,
				 (unsigned long long)h->lost, h->nr, (unsigned long long)h->head_seq);
	for (uint32_t i = 0; i < h->nr; i++) {
		if (e[i].seq <= from || e[i].seq > h->next_seq || (i && e[i].seq <= e[i - 1].seq))
			return malformed(o, "EXITS entry %u: seq %llu out of order", i, (unsigned long long)e[i].seq);
		if (e[i].reason >= nr_reasons)
			return malformed(o, "EXITS entry %u: exit reason %u", i, e[i].reason);
	}
}

void xl_intro_exits(const struct xl_intro_conn *c, uint32_t domain, uint64_t from_seq, uint32_t nr_reasons,
		    struct xl_intro_exits *h, struct xl_intro_exit *out, uint32_t max, struct xl_intro_outcome *o)
{
	struct xl_intro_request r = xl_intro_request(domain);
	size_t fit = (c->max_size - OFFSET - sizeof(*h)) / sizeof(*out);
	uint32_t cap = fit < max ? (uint32_t)fit : max; /* entries the answer has room for */
	uint8_t *buf;
	int64_t n;

	r.from_seq = from_seq;
	n = send(c, XL_INTRO_OP_EXITS, &r, sizeof(*h) + (size_t)cap * sizeof(*out), &buf);
	memset(o, 0, sizeof(*o));
	if (n < 0) {
		refused(o, n);
	} else {
		memcpy(h, buf + OFFSET, sizeof(*h));
		if (h->nr <= cap)
			memcpy(out, buf + OFFSET + sizeof(*h), (size_t)h->nr * sizeof(*out));
		check_exits(h, out, n, from_seq, cap, nr_reasons, o);
	}
	free(buf);
}
