/*
 * Host tests for the split virtqueues' device side (dom0-tools/backends/
 * virtq.c) over a fake guest (virtq_fake_guest.c): chains taken and
 * returned, 16-bit indexes wrapping, every hostile ring marking the queue
 * broken without a touch outside the guest's RAM (ASan watches), no field
 * read twice, and the notification decisions both ways.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../dom0-tools/backends/virtq.h"
#include "virtq_fake_guest.h"

static struct fake_guest g;
static struct virtq_req req;

static int setup_guest(void **state)
{
	fg_init(&g, 16, false);
	memset(&req, 0xa5, sizeof(req));
	return 0;
}

static int teardown_guest(void **state)
{
	fg_free(&g);
	return 0;
}

static int pop(void)
{
	return virtq_pop(&g.q, &g.mem, &req);
}

/* The queue is broken, for that reason, and stays so */
static void assert_broken(const char *why)
{
	assert_true(g.q.broken);
	assert_non_null(g.q.broken_reason);
	assert_string_equal(g.q.broken_reason, why);
	assert_int_equal(pop(), -1);
	assert_int_equal(virtq_push(&g.q, &g.mem, 0, 0), -1);
	assert_false(virtq_should_interrupt(&g.q, &g.mem));
}

/* ---- setting up ---- */

static void test_setup_checks_layout(void **state)
{
	struct virtq q;

	assert_int_equal(virtq_setup(&q, 256, 0x1000, 0x2000, 0x3000, true), 0);
	assert_false(q.broken);
	assert_int_equal(q.size, 256);
	assert_true(q.event_idx);
	assert_int_equal(virtq_setup(&q, 1, 0x1000, 0x2000, 0x3000, false), 0);
	assert_int_equal(virtq_setup(&q, 32768, 0x1000, 0x2000, 0x3000, false), 0);
	assert_int_equal(virtq_setup(&q, 0, 0x1000, 0x2000, 0x3000, false), -1);
	assert_true(q.broken);
	assert_int_equal(virtq_setup(&q, 24, 0x1000, 0x2000, 0x3000, false), -1);
	assert_int_equal(virtq_setup(&q, 65536, 0x1000, 0x2000, 0x3000, false), -1);
	assert_int_equal(virtq_setup(&q, 16, 0x1008, 0x2000, 0x3000, false), -1);
	assert_string_equal(q.broken_reason, "queue part misaligned");
	assert_int_equal(virtq_setup(&q, 16, 0x1000, 0x2001, 0x3000, false), -1);
	assert_int_equal(virtq_setup(&q, 16, 0x1000, 0x2000, 0x3002, false), -1);
	/* a setup after a bad one starts afresh */
	assert_int_equal(virtq_setup(&q, 16, 0x1000, 0x2000, 0x3000, false), 0);
	assert_false(q.broken);
	assert_null(q.broken_reason);
}

static void test_reset(void **state)
{
	g.q.last_avail = 7;
	g.q.used_idx = 9;
	g.q.broken = true;
	virtq_reset(&g.q);
	assert_int_equal(g.q.size, 0);
	assert_int_equal(g.q.last_avail, 0);
	assert_int_equal(g.q.used_idx, 0);
	assert_false(g.q.broken);
	/* a reset queue has no rings: it takes nothing */
	assert_int_equal(pop(), -1);
	assert_string_equal(g.q.broken_reason, "queue size not a power of two up to 32768");
}

/* ---- chains taken and returned ---- */

static void test_pop_push_round_trip(void **state)
{
	const struct fg_buf bufs[] = { { 16, false }, { 512, false }, { 1, true } };
	uint64_t addr[3];
	uint16_t head = fg_chain(&g, bufs, 3, addr);
	uint32_t id, len;

	assert_int_equal(pop(), 0); /* nothing available yet */
	fg_make_avail(&g, head);
	assert_int_equal(pop(), 1);
	assert_int_equal(req.head, head);
	assert_int_equal(req.n, 3);
	for (int i = 0; i < 3; i++) {
		assert_ptr_equal(req.iov[i].base, fg_ptr(&g, addr[i]));
		assert_int_equal(req.iov[i].len, bufs[i].len);
		assert_int_equal(req.iov[i].writable, bufs[i].writable);
	}
	assert_int_equal(req.readable_bytes, 528);
	assert_int_equal(req.writable_bytes, 1);
	assert_int_equal(g.q.last_avail, 1);
	assert_int_equal(pop(), 0);

	assert_int_equal(virtq_push(&g.q, &g.mem, head, 1), 0);
	assert_int_equal(fg_used_idx(&g), 1);
	fg_used_elem(&g, 0, &id, &len);
	assert_int_equal(id, head);
	assert_int_equal(len, 1);
	assert_false(g.q.broken);
}

/* A back-end that ended after taking two chains and completing one: its successor takes the second again */
static void test_resume_takes_over(void **state)
{
	const struct fg_buf bufs[] = { { 16, false }, { 1, true } };
	uint16_t heads[3];

	for (int i = 0; i < 3; i++) {
		heads[i] = fg_chain(&g, bufs, 2, NULL);
		fg_make_avail(&g, heads[i]);
	}
	assert_int_equal(pop(), 1);
	assert_int_equal(virtq_push(&g.q, &g.mem, req.head, 1), 0);
	assert_int_equal(pop(), 1); /* taken, never completed: the back-end ends here */
	assert_int_equal(req.head, heads[1]);
	/* its successor: the same queue set up afresh, then resumed from the device ring */
	assert_int_equal(virtq_setup(&g.q, g.size, g.desc, g.avail, g.used, false), 0);
	assert_int_equal(virtq_resume(&g.q, &g.mem), 0);
	assert_int_equal(g.q.last_avail, 1);
	assert_int_equal(g.q.used_idx, 1);
	assert_int_equal(pop(), 1);
	assert_int_equal(req.head, heads[1]);
	assert_int_equal(virtq_push(&g.q, &g.mem, req.head, 1), 0);
	assert_int_equal(pop(), 1);
	assert_int_equal(req.head, heads[2]);
	assert_int_equal(virtq_push(&g.q, &g.mem, req.head, 1), 0);
	assert_int_equal(fg_used_idx(&g), 3);
	assert_int_equal(pop(), 0);
	/* a device ring outside the guest's RAM: broken, not followed */
	assert_int_equal(virtq_setup(&g.q, g.size, g.desc, g.avail, 0x10000000, false), 0);
	assert_int_equal(virtq_resume(&g.q, &g.mem), -1);
	assert_true(g.q.broken);
}

static void test_several_chains(void **state)
{
	const struct fg_buf a[] = { { 8, false } };
	const struct fg_buf b[] = { { 8, false }, { 64, true }, { 64, true } };
	const struct fg_buf c[] = { { 32, true } };
	uint16_t ha = fg_chain(&g, a, 1, NULL), hb = fg_chain(&g, b, 3, NULL), hc = fg_chain(&g, c, 1, NULL);
	uint32_t id, len;

	fg_make_avail(&g, ha);
	fg_make_avail(&g, hb);
	fg_make_avail(&g, hc);
	assert_int_equal(pop(), 1);
	assert_int_equal(req.head, ha);
	assert_int_equal(req.n, 1);
	assert_int_equal(pop(), 1);
	assert_int_equal(req.head, hb);
	assert_int_equal(req.n, 3);
	assert_int_equal(req.readable_bytes, 8);
	assert_int_equal(req.writable_bytes, 128);
	assert_int_equal(pop(), 1);
	assert_int_equal(req.head, hc);
	assert_int_equal(req.readable_bytes, 0);
	assert_int_equal(req.writable_bytes, 32);
	assert_int_equal(pop(), 0);

	/* returned out of order */
	assert_int_equal(virtq_push(&g.q, &g.mem, hc, 32), 0);
	assert_int_equal(virtq_push(&g.q, &g.mem, ha, 0), 0);
	assert_int_equal(virtq_push(&g.q, &g.mem, hb, 100), 0);
	assert_int_equal(fg_used_idx(&g), 3);
	fg_used_elem(&g, 0, &id, &len);
	assert_true(id == hc && len == 32);
	fg_used_elem(&g, 1, &id, &len);
	assert_true(id == ha && len == 0);
	fg_used_elem(&g, 2, &id, &len);
	assert_true(id == hb && len == 100);
}

static void test_zero_length_buffers_skipped(void **state)
{
	const struct fg_buf bufs[] = { { 16, false }, { 0, false }, { 0, true }, { 4, true } };
	uint16_t head = fg_chain(&g, bufs, 4, NULL);

	fg_make_avail(&g, head);
	assert_int_equal(pop(), 1);
	assert_int_equal(req.n, 2);
	assert_int_equal(req.iov[0].len, 16);
	assert_int_equal(req.iov[1].len, 4);
	assert_true(req.iov[1].writable);
	assert_int_equal(req.readable_bytes, 16);
	assert_int_equal(req.writable_bytes, 4);
}

/* The driver ring's idx and the device ring's idx wrap past 65535 */
static void test_index_wrap(void **state)
{
	const struct fg_buf buf[] = { { 8, true } };
	uint16_t heads[6];
	uint32_t id, len;

	g.q.last_avail = g.avail_idx = 65533;
	g.q.used_idx = g.q.signalled = 65533;
	fg_set_avail_idx(&g, g.avail_idx);
	for (int i = 0; i < 6; i++) {
		heads[i] = fg_chain(&g, buf, 1, NULL);
		fg_make_avail(&g, heads[i]);
	}
	assert_int_equal(g.avail_idx, 3);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(pop(), 1);
		assert_int_equal(req.head, heads[i]);
		assert_int_equal(virtq_push(&g.q, &g.mem, req.head, (uint32_t)i), 0);
	}
	assert_int_equal(pop(), 0);
	assert_int_equal(g.q.last_avail, 3);
	assert_int_equal(fg_used_idx(&g), 3);
	for (uint16_t i = 0; i < 6; i++) {
		fg_used_elem(&g, (uint16_t)(65533 + i), &id, &len);
		assert_int_equal(id, heads[i]);
		assert_int_equal(len, i);
	}
	assert_false(g.q.broken);
}

/* A full queue: the driver ring exactly size ahead is fine */
static void test_full_queue(void **state)
{
	const struct fg_buf buf[] = { { 8, false } };

	for (unsigned int i = 0; i < g.size; i++)
		fg_make_avail(&g, fg_chain(&g, buf, 1, NULL));
	for (unsigned int i = 0; i < g.size; i++)
		assert_int_equal(pop(), 1);
	assert_int_equal(pop(), 0);
	assert_false(g.q.broken);
}

/* A chain as long as the queue (size < VIRTQ_MAX_IOV) is taken; VIRTQ_MAX_IOV is too */
static void test_longest_chains(void **state)
{
	struct fg_buf bufs[VIRTQ_MAX_IOV];

	for (unsigned int i = 0; i < VIRTQ_MAX_IOV; i++)
		bufs[i] = (struct fg_buf){ 4, i >= 10 };
	fg_make_avail(&g, fg_chain(&g, bufs, 16, NULL));
	assert_int_equal(pop(), 1);
	assert_int_equal(req.n, 16);
	fg_free(&g);

	fg_init(&g, 256, false);
	fg_make_avail(&g, fg_chain(&g, bufs, VIRTQ_MAX_IOV, NULL));
	assert_int_equal(pop(), 1);
	assert_int_equal(req.n, VIRTQ_MAX_IOV);
	assert_int_equal(req.readable_bytes, 40);
	assert_int_equal(req.writable_bytes, 4 * (VIRTQ_MAX_IOV - 10));
}

/* ---- hostile rings ---- */

static void test_loop_in_chain(void **state)
{
	uint64_t buf = fg_alloc(&g, 64);

	fg_set_desc(&g, 0, buf, 8, VIRTQ_DESC_F_NEXT, 1);
	fg_set_desc(&g, 1, buf + 8, 8, VIRTQ_DESC_F_NEXT, 2);
	fg_set_desc(&g, 2, buf + 16, 8, VIRTQ_DESC_F_NEXT, 0); /* back to the head */
	fg_make_avail(&g, 0);
	assert_int_equal(pop(), -1);
	assert_broken("chain too long or looping");
	assert_int_equal(g.q.last_avail, 0);
}

static void test_self_loop(void **state)
{
	fg_set_desc(&g, 5, fg_alloc(&g, 8), 8, VIRTQ_DESC_F_NEXT, 5);
	fg_make_avail(&g, 5);
	assert_int_equal(pop(), -1);
	assert_broken("chain too long or looping");
}

static void test_next_beyond_size(void **state)
{
	fg_set_desc(&g, 0, fg_alloc(&g, 8), 8, VIRTQ_DESC_F_NEXT, 16);
	fg_make_avail(&g, 0);
	assert_int_equal(pop(), -1);
	assert_broken("descriptor index beyond the queue");
}

static void test_next_far_beyond(void **state)
{
	fg_set_desc(&g, 0, fg_alloc(&g, 8), 8, VIRTQ_DESC_F_NEXT, 0xffff);
	fg_make_avail(&g, 0);
	assert_int_equal(pop(), -1);
	assert_broken("descriptor index beyond the queue");
}

static void test_head_beyond_size(void **state)
{
	fg_make_avail(&g, 16);
	assert_int_equal(pop(), -1);
	assert_broken("descriptor index beyond the queue");
}

static void test_avail_idx_jump(void **state)
{
	fg_set_avail_idx(&g, 17); /* size + 1 ahead of last_avail 0 */
	assert_int_equal(pop(), -1);
	assert_broken("driver ring idx moved more than the queue size");
}

static void test_avail_idx_backwards(void **state)
{
	g.q.last_avail = 100;
	fg_set_avail_idx(&g, 99); /* 65535 ahead, as unsigned */
	assert_int_equal(pop(), -1);
	assert_broken("driver ring idx moved more than the queue size");
}

static void test_buffer_outside_ram(void **state)
{
	fg_set_desc(&g, 0, FG_RAM_BASE - 0x1000, 16, 0, 0);
	fg_make_avail(&g, 0);
	assert_int_equal(pop(), -1);
	assert_broken("buffer not in guest RAM");
}

static void test_buffer_beyond_ram(void **state)
{
	fg_set_desc(&g, 0, FG_RAM_BASE + FG_RAM_SIZE, 16, VIRTQ_DESC_F_WRITE, 0);
	fg_make_avail(&g, 0);
	assert_int_equal(pop(), -1);
	assert_broken("buffer not in guest RAM");
}

static void test_buffer_across_end_of_ram(void **state)
{
	const struct fg_buf ok[] = { { 16, false } };

	/* the last 16 bytes are fine */
	fg_set_desc(&g, 0, FG_RAM_BASE + FG_RAM_SIZE - 16, 16, VIRTQ_DESC_F_WRITE, 0);
	fg_make_avail(&g, 0);
	assert_int_equal(pop(), 1);
	assert_ptr_equal(req.iov[0].base, g.ram + FG_RAM_SIZE - 16);
	/* one byte more is not */
	g.next_desc = 1;
	fg_chain(&g, ok, 1, NULL);
	fg_set_desc(&g, 1, FG_RAM_BASE + FG_RAM_SIZE - 16, 17, VIRTQ_DESC_F_WRITE, 0);
	fg_make_avail(&g, 1);
	assert_int_equal(pop(), -1);
	assert_broken("buffer not in guest RAM");
}

static void test_buffer_address_wraps(void **state)
{
	fg_set_desc(&g, 0, UINT64_MAX - 0xfff, 0x2000, 0, 0);
	fg_make_avail(&g, 0);
	assert_int_equal(pop(), -1);
	assert_broken("buffer not in guest RAM");
}

static void test_indirect_refused(void **state)
{
	fg_set_desc(&g, 0, fg_alloc(&g, 32), 32, VIRTQ_DESC_F_INDIRECT, 0);
	fg_make_avail(&g, 0);
	assert_int_equal(pop(), -1);
	assert_broken("indirect descriptor (not offered)");
}

static void test_readable_after_writable(void **state)
{
	const struct fg_buf bufs[] = { { 16, false }, { 8, true }, { 8, false } };

	fg_make_avail(&g, fg_chain(&g, bufs, 3, NULL));
	assert_int_equal(pop(), -1);
	assert_broken("device-readable buffer after a writable one");
}

static void test_chain_longer_than_max_iov(void **state)
{
	struct fg_buf bufs[VIRTQ_MAX_IOV + 1];

	fg_free(&g);
	fg_init(&g, 256, false);
	for (unsigned int i = 0; i <= VIRTQ_MAX_IOV; i++)
		bufs[i] = (struct fg_buf){ 4, false };
	fg_make_avail(&g, fg_chain(&g, bufs, VIRTQ_MAX_IOV + 1, NULL));
	assert_int_equal(pop(), -1);
	assert_broken("chain too long or looping");
}

/* RAM above 4 GiB that the device never dereferences in pop: one dummy byte */
static uint8_t dummy_byte;

static void *huge_at(void *ctx, uint64_t gpa, uint64_t len)
{
	if (gpa >= 0x100000000ull)
		return &dummy_byte;
	return g.mem.at(ctx, gpa, len);
}

static void test_chain_over_4g(void **state)
{
	struct guest_mem huge = { .at = huge_at, .ctx = &g };

	/* 4 GiB - 1 in two buffers is fine */
	fg_set_desc(&g, 0, 0x100000000ull, 0x80000000u, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	fg_set_desc(&g, 1, 0x200000000ull, 0x7fffffffu, VIRTQ_DESC_F_WRITE, 0);
	fg_make_avail(&g, 0);
	assert_int_equal(virtq_pop(&g.q, &huge, &req), 1);
	assert_int_equal(req.writable_bytes, UINT32_MAX);
	/* 4 GiB is not: used.len could not tell it */
	fg_set_desc(&g, 1, 0x200000000ull, 0x80000000u, VIRTQ_DESC_F_WRITE, 0);
	fg_make_avail(&g, 0);
	assert_int_equal(virtq_pop(&g.q, &huge, &req), -1);
	assert_broken("chain's buffers add up to 4 GiB or more");
}

static void test_rings_outside_ram(void **state)
{
	struct virtq_req r;

	/* the device ring placed across the end of RAM: pushes refuse */
	virtq_setup(&g.q, 16, g.desc, g.avail, FG_RAM_BASE + FG_RAM_SIZE - 64, false);
	assert_int_equal(virtq_push(&g.q, &g.mem, 0, 0), -1);
	assert_string_equal(g.q.broken_reason, "queue part not in guest RAM");
	/* the descriptor table outside RAM */
	virtq_setup(&g.q, 16, 0x1000, g.avail, g.used, false);
	assert_int_equal(virtq_pop(&g.q, &g.mem, &r), -1);
	assert_string_equal(g.q.broken_reason, "queue part not in guest RAM");
	/* the driver ring too big for RAM's end */
	virtq_setup(&g.q, 32768, g.desc, FG_RAM_BASE + FG_RAM_SIZE - 0x1000, g.used, false);
	assert_int_equal(virtq_pop(&g.q, &g.mem, &r), -1);
	assert_true(g.q.broken);
	assert_false(virtq_enable_notify(&g.q, &g.mem));
}

static void test_push_bad_head(void **state)
{
	assert_int_equal(virtq_push(&g.q, &g.mem, 16, 0), -1);
	assert_broken("pushed a head beyond the queue");
	assert_int_equal(fg_used_idx(&g), 0);
}

/* ---- no field read twice: the guest changes things while the device walks ---- */

static uint64_t watched_buf;

static void rewrite_desc_0(struct fake_guest *fg, uint64_t gpa, uint64_t len)
{
	if (gpa != watched_buf)
		return;
	/* the descriptor just read, turned hostile */
	fg_set_desc(fg, 0, FG_RAM_BASE + FG_RAM_SIZE - 4, 0x10000, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 999);
	/* and the driver ring's idx jumps */
	fg_set_avail_idx(fg, 500);
}

static void test_no_double_fetch(void **state)
{
	const struct fg_buf bufs[] = { { 16, false }, { 8, true } };
	uint64_t addr[2];
	uint16_t head = fg_chain(&g, bufs, 2, addr);

	fg_make_avail(&g, head);
	watched_buf = addr[0];
	g.on_at = rewrite_desc_0;
	/* the chain as it was when read: the changes came after */
	assert_int_equal(pop(), 1);
	assert_int_equal(req.n, 2);
	assert_ptr_equal(req.iov[0].base, fg_ptr(&g, addr[0]));
	assert_int_equal(req.iov[0].len, 16);
	assert_false(req.iov[0].writable);
	assert_ptr_equal(req.iov[1].base, fg_ptr(&g, addr[1]));
	assert_false(g.q.broken);
	g.on_at = NULL;
	/* the jump is seen at the next look */
	assert_int_equal(pop(), -1);
	assert_broken("driver ring idx moved more than the queue size");
}

/* ---- interrupts ---- */

static void push_one(void)
{
	assert_int_equal(virtq_push(&g.q, &g.mem, 0, 0), 0);
}

static void test_no_interrupt_flag(void **state)
{
	assert_false(virtq_should_interrupt(&g.q, &g.mem)); /* nothing pushed */
	push_one();
	assert_true(virtq_should_interrupt(&g.q, &g.mem));
	assert_false(virtq_should_interrupt(&g.q, &g.mem)); /* nothing new */
	fg_set_avail_flags(&g, VIRTQ_AVAIL_F_NO_INTERRUPT);
	push_one();
	assert_false(virtq_should_interrupt(&g.q, &g.mem));
	fg_set_avail_flags(&g, 0);
	push_one();
	assert_true(virtq_should_interrupt(&g.q, &g.mem));
	assert_int_equal(g.q.signalled, 3);
}

static void test_event_idx_interrupts(void **state)
{
	fg_free(&g);
	fg_init(&g, 16, true);
	/* the flag is ignored with event_idx */
	fg_set_avail_flags(&g, VIRTQ_AVAIL_F_NO_INTERRUPT);
	fg_set_used_event(&g, 0);
	push_one(); /* used idx 0 -> 1 passes used_event 0 */
	assert_true(virtq_should_interrupt(&g.q, &g.mem));
	push_one(); /* 1 -> 2: 0 already passed */
	assert_false(virtq_should_interrupt(&g.q, &g.mem));
	fg_set_used_event(&g, 4);
	push_one();
	push_one(); /* 2 -> 4: entry 4 not used yet */
	assert_false(virtq_should_interrupt(&g.q, &g.mem));
	push_one();
	push_one(); /* 4 -> 6 passes 4 */
	assert_true(virtq_should_interrupt(&g.q, &g.mem));
	assert_false(virtq_should_interrupt(&g.q, &g.mem)); /* nothing new */
	fg_set_used_event(&g, 9);
	for (int i = 0; i < 4; i++)
		push_one(); /* 6 -> 10, several at once, past 9 */
	assert_true(virtq_should_interrupt(&g.q, &g.mem));
}

static void test_event_idx_wrap(void **state)
{
	fg_free(&g);
	fg_init(&g, 16, true);
	g.q.used_idx = g.q.signalled = 65534;
	fg_set_used_event(&g, 65535);
	push_one();
	push_one(); /* 65534 -> 0 passes 65535 */
	assert_true(virtq_should_interrupt(&g.q, &g.mem));
	fg_set_used_event(&g, 1);
	push_one(); /* 0 -> 1: not yet past 1 */
	assert_false(virtq_should_interrupt(&g.q, &g.mem));
	push_one();
	assert_true(virtq_should_interrupt(&g.q, &g.mem));
	assert_int_equal(g.q.signalled, 2);
}

/* ---- notifications ---- */

static void test_notify_flag(void **state)
{
	const struct fg_buf buf[] = { { 8, false } };

	assert_false(virtq_disable_notify(&g.q, &g.mem));
	assert_int_equal(fg_used_flags(&g), VIRTQ_USED_F_NO_NOTIFY);
	fg_make_avail(&g, fg_chain(&g, buf, 1, NULL)); /* arrives while disabled */
	assert_true(virtq_enable_notify(&g.q, &g.mem));
	assert_int_equal(fg_used_flags(&g), 0);
	assert_int_equal(pop(), 1);
	assert_false(virtq_enable_notify(&g.q, &g.mem));
	/* the device's copy is what is written, not what the guest put there */
	*(uint16_t *)fg_ptr(&g, g.used) = 0xfffe;
	assert_false(virtq_disable_notify(&g.q, &g.mem));
	assert_int_equal(fg_used_flags(&g), VIRTQ_USED_F_NO_NOTIFY);
	fg_make_avail(&g, fg_chain(&g, buf, 1, NULL));
	assert_true(virtq_disable_notify(&g.q, &g.mem));
}

static void test_notify_event_idx(void **state)
{
	const struct fg_buf buf[] = { { 8, false } };

	fg_free(&g);
	fg_init(&g, 16, true);
	g.q.last_avail = g.avail_idx = 40;
	fg_set_avail_idx(&g, 40);
	assert_false(virtq_disable_notify(&g.q, &g.mem));
	assert_int_equal(fg_used_flags(&g), 0); /* no flag with event_idx */
	assert_int_equal(fg_avail_event(&g), 0);
	assert_false(virtq_enable_notify(&g.q, &g.mem));
	assert_int_equal(fg_avail_event(&g), 40);
	fg_make_avail(&g, fg_chain(&g, buf, 1, NULL));
	fg_make_avail(&g, fg_chain(&g, buf, 1, NULL));
	assert_int_equal(pop(), 1);
	virtq_set_avail_event(&g.q, &g.mem);
	assert_int_equal(fg_avail_event(&g), 41);
	assert_true(virtq_enable_notify(&g.q, &g.mem)); /* one more is there */
	assert_int_equal(pop(), 1);
	assert_false(virtq_enable_notify(&g.q, &g.mem));
	assert_int_equal(fg_avail_event(&g), 42);
	assert_int_equal(fg_used_flags(&g), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_guest, teardown_guest)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup_checks_layout),
		T(test_reset),
		T(test_pop_push_round_trip),
		T(test_resume_takes_over),
		T(test_several_chains),
		T(test_zero_length_buffers_skipped),
		T(test_index_wrap),
		T(test_full_queue),
		T(test_longest_chains),
		T(test_loop_in_chain),
		T(test_self_loop),
		T(test_next_beyond_size),
		T(test_next_far_beyond),
		T(test_head_beyond_size),
		T(test_avail_idx_jump),
		T(test_avail_idx_backwards),
		T(test_buffer_outside_ram),
		T(test_buffer_beyond_ram),
		T(test_buffer_across_end_of_ram),
		T(test_buffer_address_wraps),
		T(test_indirect_refused),
		T(test_readable_after_writable),
		T(test_chain_longer_than_max_iov),
		T(test_chain_over_4g),
		T(test_rings_outside_ram),
		T(test_push_bad_head),
		T(test_no_double_fetch),
		T(test_no_interrupt_flag),
		T(test_event_idx_interrupts),
		T(test_event_idx_wrap),
		T(test_notify_flag),
		T(test_notify_event_idx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
