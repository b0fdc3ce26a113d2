/*
 * Host tests for the fault-injector module's pure parts (modules/
 * fault-injector/): the requests it takes and refuses (every field, every
 * range, dom0 only with XL_FI_UNSAFE), the armed table (an injection
 * applies exactly its count times, also with CPUs racing for it on other
 * threads, and never after it is disarmed), the ring of injections done,
 * what each kind does to a value, the hooks on fake registers, and the
 * operations over a fake node (RAM per domain, dom0's written only with
 * XL_WRITE_DOM0, as the hypervisor's xl_domain_write).
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite/domain.h> /* enum exit_reason */

#include "../../modules/fault-injector/fi_apply.h"
#include "../../modules/fault-injector/fi_hooks.h"
#include "../../modules/fault-injector/fi_ops.h"
#include "../../modules/fault-injector/fi_record.h"
#include "../../modules/fault-injector/fi_request.h"
#include "fi_fake_node.h"
#include "log_capture.h"

/* ---- fake registers ---- */

struct regs {
	uint64_t r[XL_REG_RIP + 1];
};

static uint64_t get_reg(void *v, uint32_t reg)
{
	return ((struct regs *)v)->r[reg];
}

static void set_reg(void *v, uint32_t reg, uint64_t value)
{
	assert_true(reg < XL_REG_RIP); /* RIP is read-only to modules */
	((struct regs *)v)->r[reg] = value;
}

static void advance_rip(void *v, uint32_t bytes)
{
	((struct regs *)v)->r[XL_REG_RIP] += bytes;
}

static struct fi_vcpu vcpu_of(struct regs *r)
{
	return (struct fi_vcpu){ .v = r, .reg = get_reg, .set_reg = set_reg, .advance_rip = advance_rip };
}

static struct fi_state *new_state(void)
{
	struct fi_state *s = malloc(sizeof(*s));

	assert_non_null(s);
	fi_state_reset(s);
	node_reset();
	return s;
}

static struct xl_fi_request request(uint32_t kind, uint32_t domain)
{
	return (struct xl_fi_request){ .version = XL_FI_FORMAT_VERSION, .kind = kind, .domain = domain };
}

static struct xl_fi_request armed_request(uint32_t kind, uint32_t domain, uint32_t count)
{
	struct xl_fi_request r = request(kind, domain);

	r.count = count;
	if (kind == XL_FI_HC_FAIL)
		r.value = EIO;
	if (kind == XL_FI_HC_FAIL || kind == XL_FI_IO_CORRUPT)
		r.match = XL_FI_ANY;
	if (kind == XL_FI_IO_CORRUPT)
		r.value = 0x10;
	return r;
}

/* ---- requests ---- */

static void test_request_each_kind(void **state)
{
	struct xl_fi_request r = request(XL_FI_MEM_FLIP, 1);

	r.addr = 0x1000;
	r.bit = 7;
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), 0);
	r = armed_request(XL_FI_REG_FLIP, 1, 1);
	r.vcpu = XL_FI_MAX_VCPU;
	r.reg = 15;
	r.bit = 63;
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), 0);
	r = armed_request(XL_FI_HC_FAIL, 1, XL_FI_MAX_COUNT);
	r.value = XL_FI_MAX_ERRNO;
	r.match = 3;
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), 0);
	r = armed_request(XL_FI_IO_CORRUPT, 1, 1);
	r.match = 0xffff;
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), 0);
	for (uint32_t k = XL_FI_IPI_DROP; k <= XL_FI_IPI_DUP; k++) {
		r = armed_request(k, 2, 5);
		assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), 0);
	}
}

static void test_request_out_of_range(void **state)
{
	struct xl_fi_request r = request(XL_FI_MEM_FLIP, 1);

	r.bit = 8;
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), -EINVAL);
	r = armed_request(XL_FI_REG_FLIP, 1, 1);
	r.bit = 64;
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), -EINVAL);
	r.bit = 0;
	r.reg = XL_REG_RIP; /* registers only: RIP is not a module's to write */
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), -EINVAL);
	r.reg = 0;
	r.vcpu = XL_FI_MAX_VCPU + 1;
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), -EINVAL);
	r = armed_request(XL_FI_REG_FLIP, 1, 0);
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), -EINVAL);
	r = armed_request(XL_FI_IPI_DROP, 1, XL_FI_MAX_COUNT + 1);
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), -EINVAL);
	r = armed_request(XL_FI_HC_FAIL, 1, 1);
	r.value = 0;
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), -EINVAL);
	r.value = XL_FI_MAX_ERRNO + 1;
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), -EINVAL);
	r = armed_request(XL_FI_IO_CORRUPT, 1, 1);
	r.value = 0;
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), -EINVAL);
	r.value = 1;
	r.match = 0x10000;
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), -EINVAL);
	r = request(XL_FI_NR_KINDS, 1);
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), -EINVAL);
	r = request(XL_FI_MEM_FLIP, 1);
	r.flags = 2;
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), -EINVAL);
	assert_int_equal(fi_check_request(XL_FI_NR_OPS, &r), -EINVAL);
}

/* Each field a kind does not use, set alone: refused. */
static void test_request_stray_fields(void **state)
{
	static const size_t fields[] = {
		offsetof(struct xl_fi_request, vcpu), offsetof(struct xl_fi_request, addr),
		offsetof(struct xl_fi_request, bit), offsetof(struct xl_fi_request, reg),
		offsetof(struct xl_fi_request, count), offsetof(struct xl_fi_request, match),
		offsetof(struct xl_fi_request, value), offsetof(struct xl_fi_request, id),
		offsetof(struct xl_fi_request, from_seq),
	};
	struct xl_fi_request base = request(XL_FI_IPI_DROP, 1), r;

	base.count = 1;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (fields[i] == offsetof(struct xl_fi_request, count))
			continue;
		r = base;
		((uint8_t *)&r)[fields[i]] = 1;
		assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), -EINVAL);
	}
	/* the other operations: only their own field */
	r = request(0, 0);
	assert_int_equal(fi_check_request(XL_FI_OP_STATUS, &r), 0);
	r.id = 4;
	assert_int_equal(fi_check_request(XL_FI_OP_DISARM, &r), 0);
	assert_int_equal(fi_check_request(XL_FI_OP_EVENTS, &r), -EINVAL);
	assert_int_equal(fi_check_request(XL_FI_OP_STATUS, &r), -EINVAL);
	r = request(0, 0);
	r.from_seq = 9;
	assert_int_equal(fi_check_request(XL_FI_OP_EVENTS, &r), 0);
	r.domain = 1;
	assert_int_equal(fi_check_request(XL_FI_OP_EVENTS, &r), -EINVAL);
	r = request(XL_FI_MEM_FLIP, 0);
	r.version = 2;
	assert_int_equal(fi_check_request(XL_FI_OP_STATUS, &r), -EPROTO);
}

static void test_request_dom0_needs_unsafe(void **state)
{
	struct xl_fi_request r = request(XL_FI_MEM_FLIP, 0);

	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), -EPERM);
	r.flags = XL_FI_UNSAFE;
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), 0);
	r = armed_request(XL_FI_HC_FAIL, 0, 1);
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), -EPERM);
	r.flags = XL_FI_UNSAFE;
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), 0);
	/* dom0's IPIs never reach the hook: refused even when unsafe */
	r = armed_request(XL_FI_IPI_DUP, 0, 1);
	r.flags = XL_FI_UNSAFE;
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), -EOPNOTSUPP);
	/* a malformed request is malformed first */
	r.count = 0;
	assert_int_equal(fi_check_request(XL_FI_OP_INJECT, &r), -EINVAL);
	assert_string_equal(fi_kind_name(XL_FI_HC_FAIL), "hypercall_fail");
	assert_string_equal(fi_kind_name(99), "?");
	assert_false(fi_kind_is_armed(XL_FI_MEM_FLIP));
	assert_true(fi_kind_is_armed(XL_FI_IPI_DUP));
}

/* ---- the armed table ---- */

static struct fi_params params(uint64_t id, uint32_t kind, uint32_t domain)
{
	return (struct fi_params){ .id = id, .kind = kind, .domain = domain, .match = XL_FI_ANY };
}

static struct fi_occasion occasion(uint32_t kind, uint32_t domain, uint32_t vcpu, uint64_t match)
{
	return (struct fi_occasion){ .kinds = 1u << kind, .domain = domain, .vcpu = vcpu, .match = match };
}

static void test_armed_exact_count(void **state)
{
	static struct fi_armed_table t;
	struct fi_occasion o = occasion(XL_FI_IPI_DROP, 1, 0, 0);
	struct fi_params p = params(7, XL_FI_IPI_DROP, 1), got;

	memset(&t, 0, sizeof(t));
	assert_false(fi_any_armed(&t));
	assert_false(fi_take(&t, &o, &got));
	assert_int_equal(fi_arm(&t, &p, 3), 0);
	assert_true(fi_any_armed(&t));
	assert_int_equal(fi_armed_count(&t), 1);
	for (int i = 0; i < 3; i++) {
		memset(&got, 0, sizeof(got));
		assert_true(fi_take(&t, &o, &got));
		assert_int_equal(got.id, 7);
		assert_int_equal(got.kind, XL_FI_IPI_DROP);
	}
	assert_false(fi_take(&t, &o, &got));
	assert_false(fi_any_armed(&t));
	assert_int_equal(fi_armed_count(&t), 0);
	assert_int_equal(fi_arm(&t, &p, 0), -EINVAL);
	p.id = FI_MAX_ID + 1;
	assert_int_equal(fi_arm(&t, &p, 1), -EINVAL);
}

static void test_armed_matching(void **state)
{
	static struct fi_armed_table t;
	struct fi_params reg = params(1, XL_FI_REG_FLIP, 1), hc = params(2, XL_FI_HC_FAIL, 1),
			 io = params(3, XL_FI_IO_CORRUPT, 2), got;
	struct fi_occasion o;

	memset(&t, 0, sizeof(t));
	reg.vcpu = 2;
	hc.match = 5;
	assert_int_equal(fi_arm(&t, &reg, 1), 0);
	assert_int_equal(fi_arm(&t, &hc, 1), 0);
	assert_int_equal(fi_arm(&t, &io, 1), 0);
	/* another vCPU, domain, hypercall or kind: not theirs */
	o = occasion(XL_FI_REG_FLIP, 1, 1, 0);
	assert_false(fi_take(&t, &o, &got));
	o = occasion(XL_FI_REG_FLIP, 2, 2, 0);
	assert_false(fi_take(&t, &o, &got));
	o = occasion(XL_FI_HC_FAIL, 1, 0, 6);
	assert_false(fi_take(&t, &o, &got));
	o = occasion(XL_FI_IPI_DUP, 1, 0, 0);
	assert_false(fi_take(&t, &o, &got));
	o = occasion(XL_FI_HC_FAIL, 1, 0, 5);
	assert_true(fi_take(&t, &o, &got));
	assert_int_equal(got.id, 2);
	o = occasion(XL_FI_IO_CORRUPT, 2, 3, 0x3fd); /* any port */
	assert_true(fi_take(&t, &o, &got));
	assert_int_equal(got.id, 3);
	o = occasion(XL_FI_REG_FLIP, 1, 2, 0);
	assert_true(fi_take(&t, &o, &got));
	assert_int_equal(got.vcpu, 2);
	assert_false(fi_any_armed(&t));
}

static void test_armed_full_and_disarm(void **state)
{
	static struct fi_armed_table t;
	struct xl_fi_armed list[XL_FI_MAX_ARMED];
	struct fi_params p, got;
	struct fi_occasion o = occasion(XL_FI_IPI_DUP, 1, 0, 0);

	memset(&t, 0, sizeof(t));
	for (uint64_t id = 1; id <= XL_FI_MAX_ARMED; id++) {
		p = params(id, XL_FI_IPI_DUP, id % 2 ? 1 : 2);
		assert_int_equal(fi_arm(&t, &p, 2), 0);
	}
	p = params(99, XL_FI_IPI_DUP, 1);
	assert_int_equal(fi_arm(&t, &p, 1), -ENOSPC);
	assert_int_equal(fi_armed_list(&t, list, XL_FI_MAX_ARMED), XL_FI_MAX_ARMED);
	assert_int_equal(list[3].id, 4);
	assert_int_equal(list[3].left, 2);
	assert_int_equal(fi_armed_list(&t, list, 2), 2);
	assert_int_equal(fi_disarm(&t, 5), 1);
	assert_int_equal(fi_disarm(&t, 5), 0); /* once */
	assert_int_equal(fi_disarm_domain(&t, 2), XL_FI_MAX_ARMED / 2);
	assert_int_equal(fi_armed_count(&t), XL_FI_MAX_ARMED / 2 - 1);
	/* a slot freed is armed again, with a new id */
	p = params(100, XL_FI_IPI_DUP, 1);
	assert_int_equal(fi_arm(&t, &p, 1), 0);
	assert_int_equal(fi_disarm(&t, XL_FI_DISARM_ALL), XL_FI_MAX_ARMED / 2);
	assert_false(fi_take(&t, &o, &got));
	assert_false(fi_any_armed(&t));
	assert_int_equal(t.live, 0);
}

/* ---- the armed table with CPUs racing (threads) ---- */

#define RACERS 4
#define RACE_ROUNDS 200

static struct race {
	struct fi_armed_table t;
	uint64_t taken[RACE_ROUNDS + 1]; /* per id */
	uint64_t round; /* the id armed now, 0 when done */
} race;

static void *racer(void *arg)
{
	struct fi_occasion o = occasion(XL_FI_IPI_DROP, 1, 0, 0);
	struct fi_params got;

	(void)arg;
	while (__atomic_load_n(&race.round, __ATOMIC_ACQUIRE))
		if (fi_take(&race.t, &o, &got)) {
			assert_true(got.id >= 1 && got.id <= RACE_ROUNDS);
			assert_int_equal(got.kind, XL_FI_IPI_DROP);
			assert_int_equal(got.domain, 1);
			__atomic_fetch_add(&race.taken[got.id], 1, __ATOMIC_RELAXED);
		}
	return NULL;
}

/*
 * Each round arms one injection (count = its id % 7 + 1) for threads that
 * race to take it, then disarms it after a while: no id is ever taken more
 * often than its count, and one left alone long enough is taken exactly
 * that often.
 */
static void test_armed_race(void **state)
{
	pthread_t th[RACERS];

	memset(&race, 0, sizeof(race));
	race.round = 1;
	for (int i = 0; i < RACERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, racer, NULL), 0);
	for (uint64_t id = 1; id <= RACE_ROUNDS; id++) {
		struct fi_params p = params(id, XL_FI_IPI_DROP, 1);
		uint32_t count = (uint32_t)(id % 7 + 1);

		assert_int_equal(fi_arm(&race.t, &p, count), 0);
		/* even rounds: wait until used up (bounded: a broken table fails, not hangs); odd
		 * ones are disarmed while the threads race */
		for (unsigned long spins = 0; id % 2 == 0 && fi_any_armed(&race.t); spins++)
			assert_true(spins < 1000000000ul);
		fi_disarm(&race.t, XL_FI_DISARM_ALL);
	}
	__atomic_store_n(&race.round, 0, __ATOMIC_RELEASE);
	for (int i = 0; i < RACERS; i++)
		pthread_join(th[i], NULL);
	for (uint64_t id = 1; id <= RACE_ROUNDS; id++) {
		uint64_t taken = __atomic_load_n(&race.taken[id], __ATOMIC_RELAXED);

		assert_true(taken <= id % 7 + 1);
		if (id % 2 == 0)
			assert_int_equal(taken, id % 7 + 1);
	}
	assert_int_equal(race.t.live, 0);
}

/* ---- the ring ---- */

static void test_ring(void **state)
{
	static struct fi_ring r;
	static struct xl_fi_event out[XL_FI_RING_ENTRIES + 8];
	struct xl_fi_events h;
	struct xl_fi_event e = { .id = 1, .kind = XL_FI_REG_FLIP, .domain = 3, .vcpu = 2, .bit = 63,
				 .where = 15, .old_value = 1, .new_value = 1ull << 63 | 1, .tsc = 77 };

	memset(&r, 0, sizeof(r));
	assert_int_equal(fi_ring_read(&r, 0, out, 8, &h), 0);
	assert_int_equal(h.next_seq, 0);
	assert_int_equal(fi_ring_read(&r, 1, out, 8, &h), -EINVAL);
	assert_int_equal(fi_ring_put(&r, &e), 1);
	e.id = 2;
	assert_int_equal(fi_ring_put(&r, &e), 2);
	assert_int_equal(fi_ring_read(&r, 0, out, 8, &h), 2);
	assert_int_equal(out[0].seq, 1);
	assert_int_equal(out[0].id, 1);
	assert_int_equal(out[1].id, 2);
	assert_int_equal(out[1].kind, XL_FI_REG_FLIP);
	assert_int_equal(out[1].domain, 3);
	assert_int_equal(out[1].vcpu, 2);
	assert_int_equal(out[1].bit, 63);
	assert_int_equal(out[1].where, 15);
	assert_int_equal(out[1].old_value, 1);
	assert_int_equal(out[1].new_value, 1ull << 63 | 1);
	assert_int_equal(out[1].tsc, 77);
	assert_int_equal(h.next_seq, 2);
	assert_int_equal(h.head_seq, 2);
	/* one at a time */
	assert_int_equal(fi_ring_read(&r, 0, out, 1, &h), 1);
	assert_int_equal(h.next_seq, 1);
	/* overwritten ones are counted as lost: next_seq == from + lost + nr */
	for (unsigned int i = 0; i < XL_FI_RING_ENTRIES + 10; i++)
		fi_ring_put(&r, &e);
	assert_int_equal(fi_ring_read(&r, 1, out, XL_FI_RING_ENTRIES + 8, &h), XL_FI_RING_ENTRIES);
	assert_int_equal(h.lost, 11);
	assert_int_equal(h.next_seq, 1 + h.lost + h.nr);
	assert_int_equal(out[0].seq, 13);
}

/* ---- what each kind does ---- */

static void test_apply_values(void **state)
{
	uint32_t port = 0, size = 0;
	uint64_t was, now;

	assert_int_equal(fi_flip_byte(0x00, 0), 0x01);
	assert_int_equal(fi_flip_byte(0xff, 7), 0x7f);
	assert_int_equal(fi_flip_bit(0, 63), 1ull << 63);
	assert_int_equal(fi_flip_bit(0x10, 4), 0);
	assert_int_equal(fi_hypercall_error(EIO), (uint64_t)-(int64_t)EIO);
	/* IN AL, 0x3fd; IN AX; IN EAX; OUT and string I/O are not reads to corrupt */
	assert_true(fi_io_in(0x3fdull << 16 | FI_IOIO_SIZE8 | FI_IOIO_IN, &port, &size));
	assert_int_equal(port, 0x3fd);
	assert_int_equal(size, 1);
	assert_true(fi_io_in(0xcfcull << 16 | FI_IOIO_SIZE16 | FI_IOIO_IN, &port, &size));
	assert_int_equal(size, 2);
	assert_true(fi_io_in(0xcfcull << 16 | FI_IOIO_SIZE32 | FI_IOIO_IN, &port, &size));
	assert_int_equal(size, 4);
	assert_false(fi_io_in(0x3f8ull << 16 | FI_IOIO_SIZE8, &port, &size));
	assert_false(fi_io_in(0x3f8ull << 16 | FI_IOIO_SIZE8 | FI_IOIO_IN | FI_IOIO_STRING, &port, &size));
	assert_false(fi_io_in(0x3f8ull << 16 | FI_IOIO_SIZE8 | FI_IOIO_IN | FI_IOIO_REP, &port, &size));
	assert_false(fi_io_in(0x3f8ull << 16 | FI_IOIO_IN, &port, &size));
	/* the access's bytes only: the rest of RAX as the IN left it */
	assert_int_equal(fi_io_corrupt(0xaabbccdd11223360ull, 1, 0x101, &was, &now), 0xaabbccdd11223361ull);
	assert_int_equal(was, 0x60);
	assert_int_equal(now, 0x61);
	assert_int_equal(fi_io_corrupt(0xffffffffffff0000ull, 2, 0x18000, &was, &now), 0xffffffffffff8000ull);
	assert_int_equal(fi_io_corrupt(0x00000000deadbeefull, 4, 0x80000000u, &was, &now), 0x5eadbeefull);
	assert_int_equal(fi_ipi_copies(XL_FI_IPI_DROP), 0);
	assert_int_equal(fi_ipi_copies(XL_FI_IPI_DUP), 2);
	assert_int_equal(fi_ipi_copies(XL_FI_MEM_FLIP), 1);
	assert_string_equal(fi_reg_name(XL_REG_R15), "r15");
	assert_string_equal(fi_reg_name(16), "?");
}

/* ---- the hooks on fake registers ---- */

static void arm_one(struct fi_state *s, uint64_t id, uint32_t kind, uint32_t domain, uint32_t count,
		    void (*set)(struct fi_params *p))
{
	struct fi_params p = params(id, kind, domain);

	if (set)
		set(&p);
	assert_int_equal(fi_arm(&s->armed, &p, count), 0);
}

static void hc_nr_2(struct fi_params *p)
{
	p->match = 2;
	p->value = EIO;
}

static void test_hook_hypercall_fails(void **state)
{
	struct fi_state *s = new_state();
	struct regs r = { .r = { [XL_REG_RAX] = 2, [XL_REG_RIP] = 0x1000 } };
	struct fi_vcpu c = vcpu_of(&r);
	struct xl_exit_event e = { .domain_id = 1, .vcpu_id = 0, .reason = EXIT_HYPERCALL };
	struct xl_fi_event out[4];
	struct xl_fi_events h;

	assert_int_equal(fi_hook_before(s, &c, &e), XL_EXIT_CONTINUE); /* nothing armed */
	arm_one(s, 1, XL_FI_HC_FAIL, 1, 1, hc_nr_2);
	r.r[XL_REG_RAX] = 3; /* another hypercall */
	assert_int_equal(fi_hook_before(s, &c, &e), XL_EXIT_CONTINUE);
	e.reason = EXIT_CPUID;
	r.r[XL_REG_RAX] = 2;
	assert_int_equal(fi_hook_before(s, &c, &e), XL_EXIT_CONTINUE);
	e.reason = EXIT_HYPERCALL;
	assert_int_equal(fi_hook_before(s, &c, &e), XL_EXIT_HANDLED);
	assert_int_equal(r.r[XL_REG_RAX], (uint64_t)-(int64_t)EIO);
	assert_int_equal(r.r[XL_REG_RIP], 0x1000 + FI_VMMCALL_LEN);
	r.r[XL_REG_RAX] = 2;
	assert_int_equal(fi_hook_before(s, &c, &e), XL_EXIT_CONTINUE); /* once */
	assert_int_equal(fi_ring_read(&s->ring, 0, out, 4, &h), 1);
	assert_int_equal(out[0].where, 2);
	assert_int_equal(out[0].new_value, (uint64_t)-(int64_t)EIO);
	assert_true(log_capture_contains("fault-injector: #1 d1 hypercall_fail vcpu 0 hypercall 2 (2 -> -5)"));
	free(s);
}

static void io_mask(struct fi_params *p)
{
	p->match = 0x3fd;
	p->value = 0x20;
}

static void test_hook_io_corrupt(void **state)
{
	struct fi_state *s = new_state();
	struct regs r = { .r = { [XL_REG_RAX] = 0x1160, [XL_REG_RIP] = 0x2001 } };
	struct fi_vcpu c = vcpu_of(&r);
	struct xl_exit_event e = { .domain_id = 2, .vcpu_id = 1, .reason = EXIT_IO,
				   .info1 = 0x3fdull << 16 | FI_IOIO_SIZE8 | FI_IOIO_IN, .info2 = 0x2001 };
	struct xl_exit_event out_exit = e, refused = e, other = e;
	struct xl_fi_event ev[2];
	struct xl_fi_events h;

	arm_one(s, 1, XL_FI_IO_CORRUPT, 2, 1, io_mask);
	out_exit.info1 &= ~(uint64_t)FI_IOIO_IN;
	fi_hook_after(s, &c, &out_exit); /* an OUT */
	other.info1 = 0x3f8ull << 16 | FI_IOIO_SIZE8 | FI_IOIO_IN; /* another port */
	fi_hook_after(s, &c, &other);
	refused.info2 = 0x3000; /* RIP did not move: the IN was refused (#GP) */
	fi_hook_after(s, &c, &refused);
	assert_int_equal(r.r[XL_REG_RAX], 0x1160);
	assert_true(fi_any_armed(&s->armed));
	fi_hook_after(s, &c, &e);
	assert_int_equal(r.r[XL_REG_RAX], 0x1140);
	assert_false(fi_any_armed(&s->armed));
	assert_int_equal(fi_ring_read(&s->ring, 0, ev, 2, &h), 1);
	assert_int_equal(ev[0].where, 0x3fd | 1ull << 16);
	assert_int_equal(ev[0].old_value, 0x60);
	assert_int_equal(ev[0].new_value, 0x40);
	assert_true(log_capture_contains("fault-injector: #1 d2 io_corrupt vcpu 1 port 0x3fd size 1 (0x60 -> 0x40)"));
	free(s);
}

static void reg_rbx_bit_40(struct fi_params *p)
{
	p->vcpu = 1;
	p->reg = XL_REG_RBX;
	p->bit = 40;
}

static void test_hook_register_flip(void **state)
{
	struct fi_state *s = new_state();
	struct regs r = { .r = { [XL_REG_RBX] = 0x1234 } };
	struct fi_vcpu c = vcpu_of(&r);
	struct xl_exit_event e = { .domain_id = 1, .vcpu_id = 0, .reason = EXIT_INTR };

	arm_one(s, 1, XL_FI_REG_FLIP, 1, 2, reg_rbx_bit_40);
	fi_hook_after(s, &c, &e); /* vCPU 0: not the one */
	assert_int_equal(r.r[XL_REG_RBX], 0x1234);
	e.vcpu_id = 1;
	fi_hook_after(s, &c, &e);
	assert_int_equal(r.r[XL_REG_RBX], 0x1234 | 1ull << 40);
	assert_true(log_capture_contains("fault-injector: #1 d1 reg_flip vcpu 1 rbx bit 40 (0x1234 -> 0x10000001234)"));
	e.reason = EXIT_HLT; /* any exit: the second of its two */
	fi_hook_after(s, &c, &e);
	assert_int_equal(r.r[XL_REG_RBX], 0x1234);
	fi_hook_after(s, &c, &e);
	assert_int_equal(r.r[XL_REG_RBX], 0x1234);
	free(s);
}

static void test_hook_ipi(void **state)
{
	struct fi_state *s = new_state();

	assert_int_equal(fi_hook_ipi(s, 1, 0, 0xf6, 1), 1);
	arm_one(s, 1, XL_FI_IPI_DROP, 1, 1, NULL);
	arm_one(s, 2, XL_FI_IPI_DUP, 2, 1, NULL);
	assert_int_equal(fi_hook_ipi(s, 2, 1, 0xfb, 0), 2);
	assert_int_equal(fi_hook_ipi(s, 2, 1, 0xfb, 0), 1);
	assert_int_equal(fi_hook_ipi(s, 1, 0, 0xf6, 1), 0);
	assert_int_equal(fi_hook_ipi(s, 1, 0, 0xf6, 1), 1);
	assert_true(log_capture_contains("fault-injector: #2 d2 ipi_dup vcpu 1 vector 0xfb dest 0 (1 -> 2 copies)"));
	assert_true(log_capture_contains("fault-injector: #1 d1 ipi_drop vcpu 0 vector 0xf6 dest 1 (1 -> 0 copies)"));
	free(s);
}

/* ---- the operations over the fake node ---- */

static _Alignas(8) uint8_t call_buf[4096];

static int64_t call(struct fi_state *s, uint32_t op, const struct xl_fi_request *r, uint64_t size)
{
	struct xl_module_call c = { .caller_domain = 0, .caller_privileged = true, .op = op, .buf = call_buf,
				    .size = size };

	memset(call_buf, 0xee, sizeof(call_buf));
	memcpy(call_buf, r, sizeof(*r));
	return fi_call(s, &c);
}

static const struct xl_fi_injected *injected(void)
{
	return (const struct xl_fi_injected *)(call_buf + XL_FI_ANSWER_OFFSET);
}

static void test_ops_caller_and_shape(void **state)
{
	struct fi_state *s = new_state();
	struct xl_fi_request r = request(0, 0);
	struct xl_module_call c = { .caller_domain = 1, .op = XL_FI_OP_STATUS, .buf = call_buf,
				    .size = sizeof(call_buf) };

	memcpy(call_buf, &r, sizeof(r));
	assert_int_equal(fi_call(s, &c), -EPERM); /* a guest */
	c.caller_privileged = true;
	c.arg = 1;
	assert_int_equal(fi_call(s, &c), -EINVAL);
	c.arg = 0;
	c.size = sizeof(r) - 1;
	assert_int_equal(fi_call(s, &c), -EINVAL);
	c.size = sizeof(call_buf) - 8;
	c.buf = call_buf + 4;
	assert_int_equal(fi_call(s, &c), -EINVAL); /* misaligned */
	c.buf = NULL;
	assert_int_equal(fi_call(s, &c), -EINVAL);
	assert_int_equal(call(s, XL_FI_OP_STATUS, &r, sizeof(r) + 8), -ENOSPC);
	assert_int_equal(call(s, XL_FI_OP_STATUS, &r, sizeof(call_buf)), sizeof(struct xl_fi_status));
	free(s);
}

static void test_ops_mem_flip(void **state)
{
	struct fi_state *s = new_state();
	struct xl_fi_request r = request(XL_FI_MEM_FLIP, 1);
	uint8_t before = node[1].ram[0x123];

	r.addr = 0x123;
	r.bit = 3;
	/* no room for the answer: refused before anything is flipped */
	assert_int_equal(call(s, XL_FI_OP_INJECT, &r, sizeof(r) + 8), -ENOSPC);
	assert_int_equal(node[1].ram[0x123], before);
	assert_int_equal(call(s, XL_FI_OP_INJECT, &r, sizeof(call_buf)), sizeof(struct xl_fi_injected));
	assert_int_equal(node[1].ram[0x123], before ^ 8);
	assert_int_equal(injected()->id, 1);
	assert_int_equal(injected()->state, XL_FI_APPLIED);
	assert_int_equal(injected()->old_value, before);
	assert_int_equal(injected()->new_value, before ^ 8);
	char line[96];
	snprintf(line, sizeof(line), "fault-injector: #1 d1 mem_flip gpa 0x123 bit 3 (%#x -> %#x)", before, before ^ 8);
	assert_true(log_capture_contains(line));
	/* outside its RAM, no such domain: refused, no id taken */
	r.addr = NODE_RAM;
	assert_int_equal(call(s, XL_FI_OP_INJECT, &r, sizeof(call_buf)), -EFAULT);
	r.addr = 0;
	r.domain = 7;
	assert_int_equal(call(s, XL_FI_OP_INJECT, &r, sizeof(call_buf)), -ENOENT);
	/* dom0: only when unsafe, and then written with XL_WRITE_DOM0 */
	r.domain = 0;
	assert_int_equal(call(s, XL_FI_OP_INJECT, &r, sizeof(call_buf)), -EPERM);
	r.flags = XL_FI_UNSAFE;
	before = node[0].ram[0];
	assert_int_equal(call(s, XL_FI_OP_INJECT, &r, sizeof(call_buf)), sizeof(struct xl_fi_injected));
	assert_int_equal(injected()->id, 2);
	assert_int_equal(node[0].ram[0], before ^ 8);
	free(s);
}

static void test_ops_arm_disarm_status_events(void **state)
{
	struct fi_state *s = new_state();
	struct xl_fi_request r = armed_request(XL_FI_REG_FLIP, 2, 1), q = request(0, 0);
	const struct xl_fi_status *st = (const void *)(call_buf + XL_FI_ANSWER_OFFSET);
	const struct xl_fi_events *h = (const void *)(call_buf + XL_FI_ANSWER_OFFSET);
	const struct xl_fi_event *ev = (const void *)(h + 1);
	struct regs regs = { .r = { [XL_REG_RCX] = 1 } };
	struct fi_vcpu c = vcpu_of(&regs);
	struct xl_exit_event e = { .domain_id = 2, .reason = EXIT_INTR };

	r.reg = XL_REG_RCX;
	assert_int_equal(call(s, XL_FI_OP_INJECT, &r, sizeof(call_buf)), sizeof(struct xl_fi_injected));
	assert_int_equal(injected()->state, XL_FI_ARMED);
	assert_int_equal(injected()->id, 1);
	assert_int_equal(node[2].kicks, 1); /* made to exit soon */
	assert_true(log_capture_contains("fault-injector: #1 d2 reg_flip armed: vcpu 0 rcx bit 0, 1 time(s)"));
	r = armed_request(XL_FI_HC_FAIL, 1, 4);
	assert_int_equal(call(s, XL_FI_OP_INJECT, &r, sizeof(call_buf)), sizeof(struct xl_fi_injected));
	assert_int_equal(node[1].kicks, 0);
	assert_int_equal(call(s, XL_FI_OP_STATUS, &q, sizeof(call_buf)), sizeof(*st));
	assert_int_equal(st->nr_armed, 2);
	assert_int_equal(st->next_id, 3);
	assert_int_equal(st->armed[1].left, 4);
	assert_int_equal(st->armed[1].value, EIO);
	/* the flip applied by the hook, then read as an event */
	fi_hook_after(s, &c, &e);
	assert_int_equal(regs.r[XL_REG_RCX], 0);
	assert_int_equal(call(s, XL_FI_OP_EVENTS, &q, sizeof(call_buf)), 1);
	assert_int_equal(h->next_seq, 1);
	assert_int_equal(ev[0].id, 1);
	assert_int_equal(ev[0].old_value, 1);
	assert_int_equal(ev[0].new_value, 0);
	/* room for the header only: none returned, none lost */
	assert_int_equal(call(s, XL_FI_OP_EVENTS, &q, XL_FI_ANSWER_OFFSET + sizeof(*h)), 0);
	assert_int_equal(call(s, XL_FI_OP_EVENTS, &q, XL_FI_ANSWER_OFFSET + 8), -ENOSPC);
	q.from_seq = 5;
	assert_int_equal(call(s, XL_FI_OP_EVENTS, &q, sizeof(call_buf)), -EINVAL);
	/* the hypercall injection disarmed, once; then nothing is armed */
	q = request(0, 0);
	q.id = 2;
	assert_int_equal(call(s, XL_FI_OP_DISARM, &q, sizeof(call_buf)), 1);
	assert_int_equal(call(s, XL_FI_OP_DISARM, &q, sizeof(call_buf)), 0);
	assert_int_equal(fi_armed_count(&s->armed), 0);
	/* a domain that does not exist is not armed for */
	r.domain = 9;
	assert_int_equal(call(s, XL_FI_OP_INJECT, &r, sizeof(call_buf)), -ENOENT);
	assert_int_equal(fi_armed_count(&s->armed), 0);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_each_kind),
		cmocka_unit_test(test_request_out_of_range),
		cmocka_unit_test(test_request_stray_fields),
		cmocka_unit_test(test_request_dom0_needs_unsafe),
		cmocka_unit_test(test_armed_exact_count),
		cmocka_unit_test(test_armed_matching),
		cmocka_unit_test(test_armed_full_and_disarm),
		cmocka_unit_test(test_armed_race),
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_apply_values),
		cmocka_unit_test(test_hook_hypercall_fails),
		cmocka_unit_test(test_hook_io_corrupt),
		cmocka_unit_test(test_hook_register_flip),
		cmocka_unit_test(test_hook_ipi),
		cmocka_unit_test(test_ops_caller_and_shape),
		cmocka_unit_test(test_ops_mem_flip),
		cmocka_unit_test(test_ops_arm_disarm_status_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
