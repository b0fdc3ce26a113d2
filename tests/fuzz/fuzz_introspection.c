/*
 * Fuzz the introspection module's operations (modules/introspection/
 * intro_ops.c and what it calls) as dom0 or any guest may send them,
 * interleaved with exits recorded as its exit hook does and with domains
 * destroyed and created, over the fake node of the unit tests
 * (tests/unit/intro_fake_node.c: dom0 and domains 1-3, pages mapped at one
 * CR3). Each call's buffer is exactly the size asked (AddressSanitizer
 * catches a write past it) and each answer is checked against what the
 * wire format promises:
 *   - who may: a guest without a grant gets nothing but -EPERM, -EINVAL or
 *     -EPROTO; nobody gets an answer about dom0; only dom0's admin calls work;
 *   - the request itself is never changed;
 *   - reads: 1 to len bytes, each the fake RAM's; EXITS: next_seq ==
 *     from_seq + lost + nr, the entries in order within (from_seq,
 *     next_seq]; REGS and STATUS: their size, STATUS's tables within bounds
 *     and every grant one that could have been made.
 *
 * Input, step after step until it ends (at most 64 steps): a byte choosing
 *   0 a call: caller, op, arg, buffer size and alignment, then the request's
 *     fields (version, domain, vcpu, observer, addr, len, from_seq, flags, reserved)
 *   1 an exit: domain, vcpu, reason, TSC; then, if the domain is watched (the
 *     hook gathers registers only then), rip, paging mode, CR3
 *   2 a domain destroyed (the destroyed hook runs)
 *   3 a domain created again; allocations fail or not
 * Domains are chosen by a byte: dom0, 1, 2, 3, a missing one, or any id.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../modules/introspection/intro_ops.h"
#include "../unit/intro_fake_node.h"
#include "support.h"

#define CR3 0x9000
#define VA 0x40000000ull
#define MAX_STEPS 64
#define MAX_CALL (64 * 1024)

static struct intro_state *state;

static uint32_t pick_domain(struct fuzz_in *in)
{
	static const uint32_t known[] = { 0, 1, 2, 3, 9 };
	uint8_t sel = fuzz_u8(in);

	return sel < 5 ? known[sel] : sel < 250 ? known[sel % 5] : fuzz_u32(in);
}

static struct fake_domain *fake_of(uint32_t id)
{
	for (unsigned int i = 0; i < FAKE_DOMAINS; i++)
		if (fake_domains[i].exists && fake_domains[i].id == id)
			return &fake_domains[i];
	return NULL;
}

static void add_domain(uint32_t id)
{
	struct fake_domain *d = fake_of(id) ? NULL : fake_domain_add(id);

	if (!d)
		return;
	d->cr3 = CR3;
	fake_map(d, VA, 0x5000);
	fake_map(d, VA + 0x1000, 0x2000);
	fake_map(d, 0x00007ffffffff000ull, 0x3000);
	d->hole_start = 0xc000;
	d->hole_end = 0xd000;
}

static void read_request(struct fuzz_in *in, struct xl_intro_request *r)
{
	uint8_t v = fuzz_u8(in);

	r->version = v == 0xff ? fuzz_u32(in) : XL_INTRO_FORMAT_VERSION;
	r->domain = pick_domain(in);
	v = fuzz_u8(in);
	r->vcpu = v < 200 ? v % 20 : fuzz_u32(in);
	r->observer = pick_domain(in);
	r->addr = fuzz_number(in, VA + 0x1000);
	r->len = fuzz_number(in, 4096);
	r->from_seq = fuzz_number(in, 16);
	v = fuzz_u8(in);
	r->flags = v < 200 ? v % 4 : fuzz_u32(in);
	r->reserved = fuzz_u8(in) == 0xff;
}

/* The byte at a virtual address of d, as the fake tables map it, or -1. */
static int virt_byte(const struct fake_domain *d, uint64_t va)
{
	for (unsigned int i = 0; i < d->nr_map; i++)
		if (d->map[i].va == (va & ~0xfffull))
			return fake_ram_byte(d->id, d->map[i].pa | (va & 0xfff));
	return -1;
}

static void check_read(const struct xl_intro_request *r, uint32_t op, int64_t n, const uint8_t *data)
{
	FUZZ_CHECK(n >= 1 && (uint64_t)n <= r->len, "read %lld of %llu bytes", (long long)n,
		   (unsigned long long)r->len);
	for (int64_t i = 0; i < n; i++) {
		int want = op == XL_INTRO_OP_READ_PHYS ? fake_ram_byte(r->domain, r->addr + i) :
							 virt_byte(fake_of(r->domain), r->addr + i);

		FUZZ_CHECK(want == data[i], "byte %lld of a read: 0x%02x, not 0x%02x", (long long)i, data[i], want);
	}
}

static void check_exits(const struct xl_intro_request *r, int64_t n, const uint8_t *answer, uint64_t room)
{
	const struct xl_intro_exits *h = (const void *)answer;
	const struct xl_intro_exit *e = (const void *)(h + 1);

	FUZZ_CHECK(n == h->nr && sizeof(*h) + h->nr * sizeof(*e) <= room, "EXITS %lld, nr %u", (long long)n, h->nr);
	FUZZ_CHECK(h->next_seq == r->from_seq + h->lost + h->nr && h->next_seq <= h->head_seq,
		   "EXITS from %llu: next %llu, lost %llu, nr %u, head %llu", (unsigned long long)r->from_seq,
		   (unsigned long long)h->next_seq, (unsigned long long)h->lost, h->nr,
		   (unsigned long long)h->head_seq);
	for (uint32_t i = 0; i < h->nr; i++)
		FUZZ_CHECK(e[i].seq > r->from_seq && e[i].seq <= h->next_seq && (!i || e[i].seq > e[i - 1].seq),
			   "EXITS entry %u: seq %llu", i, (unsigned long long)e[i].seq);
}

static void check_status(const struct xl_intro_status *s)
{
	FUZZ_CHECK(s->nr_watched <= XL_INTRO_MAX_WATCHED && s->nr_grants <= XL_INTRO_MAX_GRANTS,
		   "STATUS: %u watched, %u grants", s->nr_watched, s->nr_grants);
	for (uint32_t i = 0; i < s->nr_grants; i++)
		FUZZ_CHECK(s->grants[i].observer && s->grants[i].target &&
				   s->grants[i].observer != s->grants[i].target,
			   "STATUS: a grant %u -> %u", s->grants[i].observer, s->grants[i].target);
	for (uint32_t i = 0; i < s->nr_watched; i++)
		FUZZ_CHECK(s->watched[i].domain != 0, "STATUS: dom0 watched");
}

/* What the answer must be, given who asked. */
static void check_answer(uint32_t caller, bool granted, uint32_t op, const struct xl_intro_request *r,
			 int64_t n, const uint8_t *answer, uint64_t room)
{
	bool admin = op == XL_INTRO_OP_WATCH || op == XL_INTRO_OP_UNWATCH || op == XL_INTRO_OP_GRANT ||
		     op == XL_INTRO_OP_REVOKE || op == XL_INTRO_OP_STATUS;

	if (caller != 0 && (admin || !granted))
		FUZZ_CHECK(n == -EPERM || n == -EINVAL || n == -EPROTO, "guest %u, op %u: %lld", caller, op,
			   (long long)n);
	if (n < 0)
		return;
	FUZZ_CHECK(op == XL_INTRO_OP_STATUS || r->domain != 0, "op %u answered about dom0: %lld", op, (long long)n);
	switch (op) {
	case XL_INTRO_OP_READ_PHYS:
	case XL_INTRO_OP_READ_VIRT:
		check_read(r, op, n, answer);
		break;
	case XL_INTRO_OP_EXITS:
		check_exits(r, n, answer, room);
		break;
	case XL_INTRO_OP_REGS:
		FUZZ_CHECK(n == sizeof(struct xl_intro_regs) && ((const struct xl_intro_regs *)answer)->snapshots,
			   "REGS %lld", (long long)n);
		break;
	case XL_INTRO_OP_STATUS:
		FUZZ_CHECK(n == sizeof(struct xl_intro_status), "STATUS %lld", (long long)n);
		check_status((const void *)answer);
		break;
	default:
		FUZZ_CHECK(n == 0, "op %u: %lld", op, (long long)n);
	}
}

/* Whether the call has the shape every operation needs (else it must be refused as malformed). */
static bool well_formed(const struct xl_module_call *c)
{
	return c->buf && c->size >= sizeof(struct xl_intro_request) && !c->arg && !((uintptr_t)c->buf & 7) &&
	       c->op < XL_INTRO_NR_OPS;
}

static void do_call(struct fuzz_in *in)
{
	uint32_t caller = pick_domain(in), op = fuzz_u8(in);
	struct xl_module_call c = { .caller_domain = caller, .caller_privileged = caller == 0 };
	uint64_t offset;
	struct xl_intro_request r;
	uint8_t *block;
	bool granted;
	int64_t n;

	c.op = op < 12 ? op : fuzz_u32(in);
	c.arg = fuzz_u8(in) == 0xff ? fuzz_number(in, 0) : 0;
	c.size = fuzz_number(in, 4096);
	c.size = c.size > MAX_CALL ? c.size % (MAX_CALL + 1) : c.size;
	offset = fuzz_u8(in) == 0xff ? 4 : 0;
	memset(&r, 0, sizeof(r));
	read_request(in, &r);
	/* exactly the bytes the call has, so that AddressSanitizer sees any write past them */
	block = malloc(offset + c.size + !c.size);
	FUZZ_CHECK(block, "no memory");
	memset(block, 0xa5, offset + c.size);
	memcpy(block + offset, &r, c.size < sizeof(r) ? c.size : sizeof(r));
	c.buf = c.size ? block + offset : NULL;
	granted = caller == 0 || intro_grant_allows(&state->grants, caller, r.domain);
	n = intro_call(state, &c);
	if (fuzz_verbose())
		fprintf(stderr, "call: caller %u op %u size %llu: domain %u vcpu %u observer %u addr 0x%llx len %llu "
			"from %llu flags %u -> %lld\n", caller, c.op, (unsigned long long)c.size, r.domain, r.vcpu,
			r.observer, (unsigned long long)r.addr, (unsigned long long)r.len,
			(unsigned long long)r.from_seq, r.flags, (long long)n);
	if (c.size >= sizeof(r))
		FUZZ_CHECK(!memcmp(c.buf, &r, sizeof(r)), "op %u changed the request", c.op);
	if (well_formed(&c))
		check_answer(caller, granted, c.op, &r, n, block + offset + XL_INTRO_ANSWER_OFFSET,
			     c.size - XL_INTRO_ANSWER_OFFSET);
	else
		FUZZ_CHECK(n == -EINVAL, "a malformed call answered %lld", (long long)n);
	free(block);
}

/* The module's gather for a fuzzed vCPU: its words from the input. */
static void gather_fuzzed(void *ctx, uint64_t w[SNAP_WORDS])
{
	struct fuzz_in *in = ctx;
	uint8_t mode;

	for (unsigned int i = 0; i < SNAP_WORDS; i++)
		w[i] = i * 0x1111;
	w[SNAP_RIP] = fuzz_number(in, VA);
	mode = fuzz_u8(in);
	w[SNAP_CR0] = mode & 1 ? XL_INTRO_CR0_PG | 1 : 1;
	w[SNAP_EFER] = mode & 2 ? XL_INTRO_EFER_LMA : 0;
	w[SNAP_CR4] = mode & 4 ? 1ull << 12 : 0x20;
	w[SNAP_CR3] = mode & 8 ? fuzz_u64(in) : CR3;
}

static void do_exit(struct fuzz_in *in)
{
	struct xl_exit_event e = { .domain_id = pick_domain(in) };

	e.vcpu_id = fuzz_u8(in) % 20;
	e.reason = fuzz_u8(in) % 16;
	e.exit_tsc = fuzz_u32(in);
	/* as the module's after hook does (an unwatched domain's exit takes nothing more from the input) */
	intro_watch_record(&state->watches, &e, gather_fuzzed, in);
}

static void destroy(uint32_t id)
{
	struct fake_domain *d = fake_of(id);

	if (d)
		d->exists = false;
	/* as the module's destroyed hook does */
	intro_watch_drop(&state->watches, id);
	intro_grant_drop_domain(&state->grants, id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };

	fake_node_reset();
	for (uint32_t id = 0; id <= 3; id++)
		add_domain(id);
	state = calloc(1, sizeof(*state));
	FUZZ_CHECK(state, "no memory");
	for (unsigned int step = 0; step < MAX_STEPS && in.len; step++) {
		switch (fuzz_u8(&in) % 4) {
		case 0:
			do_call(&in);
			break;
		case 1:
			do_exit(&in);
			break;
		case 2:
			destroy(pick_domain(&in));
			break;
		default:
			add_domain(pick_domain(&in));
			fake_alloc_fails = fuzz_u8(&in) == 0xff;
		}
	}
	intro_watch_free(&state->watches);
	free(state);
	return 0;
}
