/*
 * Host tests for the introspection module's pure parts (modules/
 * introspection/): the snapshot seqlock and the exit ring (also with
 * writers on other threads: never a torn read), the grants and the watch
 * table (a slot is not reused while a late exit hook is inside it), reads
 * of guest memory page by page over a fake node (tests/unit/
 * intro_fake_node.c: scattered pages, holes, unmapped and non-canonical
 * addresses), and every operation's checks: the request's shape, the
 * fields it must leave 0, who may ask, and each operation's own limits.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
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

#include "../../modules/introspection/intro_auth.h"
#include "../../modules/introspection/intro_mem.h"
#include "../../modules/introspection/intro_ops.h"
#include "intro_fake_node.h"

/* ---- the snapshot seqlock ---- */

static void fill_words(uint64_t w[SNAP_WORDS], uint64_t v)
{
	for (unsigned int i = 0; i < SNAP_WORDS; i++)
		w[i] = v;
}

static void test_snap_never_taken(void **state)
{
	static struct intro_snap s;
	uint64_t w[SNAP_WORDS], count = 99;

	intro_snap_reset(&s);
	assert_false(intro_snap_taken(&s));
	assert_int_equal(intro_snap_read(&s, w, &count), -EAGAIN);
	assert_int_equal(count, 99);
}

static void test_snap_publish_read(void **state)
{
	static struct intro_snap s;
	uint64_t w[SNAP_WORDS], got[SNAP_WORDS], count = 0;

	intro_snap_reset(&s);
	fill_words(w, 1);
	intro_snap_publish(&s, w);
	for (unsigned int i = 0; i < SNAP_WORDS; i++)
		w[i] = 0x1000 + i;
	intro_snap_publish(&s, w);
	assert_true(intro_snap_taken(&s));
	assert_int_equal(intro_snap_read(&s, got, &count), 0);
	assert_memory_equal(got, w, sizeof(w));
	assert_int_equal(count, 2);
}

static void test_snap_writer_inside(void **state)
{
	static struct intro_snap s;
	uint64_t w[SNAP_WORDS], count;

	intro_snap_reset(&s);
	fill_words(w, 5);
	intro_snap_publish(&s, w);
	s.seq++; /* a writer stopped half way: the reader gives up, it does not wait */
	assert_int_equal(intro_snap_read(&s, w, &count), -EAGAIN);
	s.seq++;
	assert_int_equal(intro_snap_read(&s, w, &count), 0);
	assert_int_equal(count, 2);
}

#define PUBLISHES 100000 /* by each writer thread */

static struct intro_snap racing_snap;
static unsigned int writers_left; /* writer threads still running */

/* The guest running between two exits: the writer is outside the snapshot most of the time. */
static void between_exits(void)
{
	for (volatile unsigned int i = 0; i < 200; i++)
		;
}

static void *snap_writer(void *arg)
{
	uint64_t w[SNAP_WORDS];

	for (uint64_t i = 1; i <= PUBLISHES; i++) {
		fill_words(w, i);
		intro_snap_publish(&racing_snap, w);
		between_exits();
	}
	__atomic_fetch_sub(&writers_left, 1, __ATOMIC_RELEASE);
	return arg;
}

/* Every snapshot read while another thread publishes is one the writer wrote whole. */
static void test_snap_concurrent(void **state)
{
	uint64_t w[SNAP_WORDS], count, last_count = 0, whole = 0, reads = 0;
	pthread_t t;

	intro_snap_reset(&racing_snap);
	writers_left = 1;
	assert_int_equal(pthread_create(&t, NULL, snap_writer, NULL), 0);
	while (__atomic_load_n(&writers_left, __ATOMIC_ACQUIRE)) {
		reads++;
		if (intro_snap_read(&racing_snap, w, &count))
			continue;
		for (unsigned int i = 1; i < SNAP_WORDS; i++)
			assert_int_equal(w[i], w[0]);
		assert_int_equal(count, w[0]); /* the i-th snapshot holds i */
		assert_true(count >= last_count);
		last_count = count;
		whole++;
	}
	pthread_join(t, NULL);
	assert_int_equal(intro_snap_read(&racing_snap, w, &count), 0);
	assert_int_equal(count, PUBLISHES);
	assert_int_equal(w[SNAP_TSC], PUBLISHES);
	printf("    %llu of %llu reads whole while the writer published\n", (unsigned long long)whole,
	       (unsigned long long)reads);
}

/* ---- the exit ring ---- */

static struct intro_ring ring;
static struct xl_intro_exit out[XL_INTRO_RING_ENTRIES + 8];

static void put_exit(uint64_t tsc)
{
	struct xl_intro_exit e = { .vcpu = (uint32_t)(tsc % 3), .reason = (uint32_t)(tsc % 14),
				   .exit_code = tsc ^ 0x5555, .rip = tsc * 3, .tsc = tsc };

	intro_ring_put(&ring, &e);
}

/* An entry as put_exit() made it. */
static void assert_consistent(const struct xl_intro_exit *e)
{
	assert_int_equal(e->rip, e->tsc * 3);
	assert_int_equal(e->exit_code, e->tsc ^ 0x5555);
	assert_int_equal(e->reason, e->tsc % 14);
}

static void assert_header(const struct xl_intro_exits *h, uint64_t from, uint64_t next, uint64_t lost, uint32_t nr)
{
	assert_int_equal(h->next_seq, next);
	assert_int_equal(h->lost, lost);
	assert_int_equal(h->nr, nr);
	assert_int_equal(h->next_seq, from + h->lost + h->nr);
}

static void test_ring_empty(void **state)
{
	struct xl_intro_exits h;

	intro_ring_reset(&ring);
	assert_int_equal(intro_ring_read(&ring, 0, out, 10, &h), 0);
	assert_header(&h, 0, 0, 0, 0);
	assert_int_equal(h.head_seq, 0);
	/* a reader cannot start past what was written */
	assert_int_equal(intro_ring_read(&ring, 1, out, 10, &h), -EINVAL);
	assert_int_equal(intro_ring_read(&ring, UINT64_MAX, out, 10, &h), -EINVAL);
}

static void test_ring_in_order(void **state)
{
	struct xl_intro_exits h;

	intro_ring_reset(&ring);
	for (uint64_t i = 1; i <= 10; i++)
		put_exit(100 + i);
	assert_int_equal(intro_ring_read(&ring, 0, out, 4, &h), 4);
	assert_header(&h, 0, 4, 0, 4);
	assert_int_equal(h.head_seq, 10);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(out[i].seq, i + 1);
		assert_int_equal(out[i].tsc, 101 + i);
		assert_int_equal(out[i].vcpu, (101 + i) % 3);
		assert_consistent(&out[i]);
	}
	assert_int_equal(intro_ring_read(&ring, 4, out, 100, &h), 6);
	assert_header(&h, 4, 10, 0, 6);
	assert_int_equal(out[0].seq, 5);
	assert_int_equal(intro_ring_read(&ring, 10, out, 100, &h), 0);
	assert_header(&h, 10, 10, 0, 0);
	/* no room: nothing read, nothing skipped */
	assert_int_equal(intro_ring_read(&ring, 3, out, 0, &h), 0);
	assert_header(&h, 3, 3, 0, 0);
}

static void test_ring_wraps_and_counts_lost(void **state)
{
	struct xl_intro_exits h;

	intro_ring_reset(&ring);
	for (uint64_t i = 1; i <= XL_INTRO_RING_ENTRIES + 100; i++)
		put_exit(i);
	assert_int_equal(intro_ring_read(&ring, 0, out, XL_INTRO_RING_ENTRIES + 8, &h), XL_INTRO_RING_ENTRIES);
	assert_header(&h, 0, XL_INTRO_RING_ENTRIES + 100, 100, XL_INTRO_RING_ENTRIES);
	assert_int_equal(out[0].seq, 101);
	assert_int_equal(out[XL_INTRO_RING_ENTRIES - 1].seq, XL_INTRO_RING_ENTRIES + 100);
	for (unsigned int i = 0; i < XL_INTRO_RING_ENTRIES; i++) {
		assert_int_equal(out[i].tsc, out[i].seq);
		assert_consistent(&out[i]);
	}
	/* a reader at 50 lost 51 to 100 */
	assert_int_equal(intro_ring_read(&ring, 50, out, 2, &h), 2);
	assert_header(&h, 50, 102, 50, 2);
	assert_int_equal(out[0].seq, 101);
}

static void test_ring_entry_being_written(void **state)
{
	struct xl_intro_exits h;

	intro_ring_reset(&ring);
	for (uint64_t i = 1; i <= 5; i++)
		put_exit(i);
	/* exit 3's writer is still at it: the read stops before it and takes it next time */
	ring.entry[3].stamp = 3 | INTRO_RING_BUSY;
	assert_int_equal(intro_ring_read(&ring, 0, out, 10, &h), 2);
	assert_header(&h, 0, 2, 0, 2);
	ring.entry[3].stamp = 3;
	assert_int_equal(intro_ring_read(&ring, 2, out, 10, &h), 3);
	assert_header(&h, 2, 5, 0, 3);
	assert_int_equal(out[0].seq, 3);
	/* an entry already holding a later exit was overwritten: lost, and the read goes on */
	ring.entry[4].stamp = 4 + XL_INTRO_RING_ENTRIES;
	assert_int_equal(intro_ring_read(&ring, 0, out, 10, &h), 4);
	assert_header(&h, 0, 5, 1, 4);
	assert_int_equal(out[3].seq, 5);
}

static void test_ring_fields_whole(void **state)
{
	struct xl_intro_exit e = { .vcpu = UINT32_MAX, .reason = 0x80000001u, .exit_code = UINT64_MAX,
				   .rip = 0xffffffff81000000ull, .tsc = 1ull << 63 };
	struct xl_intro_exits h;

	intro_ring_reset(&ring);
	intro_ring_put(&ring, &e);
	assert_int_equal(intro_ring_read(&ring, 0, out, 1, &h), 1);
	e.seq = 1;
	assert_memory_equal(&out[0], &e, sizeof(e));
}

#define RING_WRITERS 2

static void *ring_writer(void *arg)
{
	uint64_t base = (uint64_t)(uintptr_t)arg << 40;

	for (uint64_t i = 1; i <= PUBLISHES; i++) {
		put_exit(base + i);
		between_exits();
	}
	__atomic_fetch_sub(&writers_left, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* One read from *from: checked, added up, *from moved on. */
static void read_checked(uint64_t *from, uint64_t *seen, uint64_t *lost)
{
	static struct xl_intro_exit batch[256];
	struct xl_intro_exits h;
	int64_t n = intro_ring_read(&ring, *from, batch, 256, &h);

	assert_true(n >= 0);
	assert_int_equal(h.next_seq, *from + h.lost + h.nr);
	for (int64_t i = 0; i < n; i++) {
		assert_true(batch[i].seq > *from && batch[i].seq <= h.next_seq);
		assert_true(i == 0 || batch[i].seq > batch[i - 1].seq);
		assert_consistent(&batch[i]);
	}
	*seen += h.nr;
	*lost += h.lost;
	*from = h.next_seq;
}

/* A reader racing writers on other threads: whole entries, in order, each exit read or lost once. */
static void test_ring_concurrent(void **state)
{
	uint64_t from = 0, seen = 0, lost = 0;
	pthread_t t[RING_WRITERS];

	intro_ring_reset(&ring);
	writers_left = RING_WRITERS;
	for (uintptr_t i = 0; i < RING_WRITERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, ring_writer, (void *)(i + 1)), 0);
	while (__atomic_load_n(&writers_left, __ATOMIC_ACQUIRE))
		read_checked(&from, &seen, &lost);
	for (unsigned int i = 0; i < RING_WRITERS; i++)
		pthread_join(t[i], NULL);
	while (from < intro_ring_head(&ring))
		read_checked(&from, &seen, &lost);
	assert_int_equal(intro_ring_head(&ring), RING_WRITERS * PUBLISHES);
	assert_int_equal(seen + lost, intro_ring_head(&ring));
	assert_true(seen > 0);
	printf("    %llu exits read, %llu lost while two writers ran\n", (unsigned long long)seen,
	       (unsigned long long)lost);
}

/* ---- grants ---- */

static void test_grants(void **state)
{
	static struct intro_grants g;
	struct xl_intro_grant list[XL_INTRO_MAX_GRANTS];

	memset(&g, 0, sizeof(g));
	assert_false(intro_grant_allows(&g, 3, 5));
	assert_int_equal(intro_grant_add(&g, 3, 5), 0);
	assert_int_equal(intro_grant_add(&g, 3, 5), -EEXIST);
	assert_true(intro_grant_allows(&g, 3, 5));
	assert_false(intro_grant_allows(&g, 5, 3)); /* one way only */
	assert_int_equal(intro_grant_add(&g, 0, 0), -EINVAL); /* the free word */
	assert_false(intro_grant_allows(&g, 0, 0));
	assert_int_equal(intro_grant_remove(&g, 3, 5), 0);
	assert_int_equal(intro_grant_remove(&g, 3, 5), -ENOENT);
	assert_int_equal(intro_grant_remove(&g, 0, 0), -ENOENT);
	assert_false(intro_grant_allows(&g, 3, 5));
	for (uint32_t i = 0; i < XL_INTRO_MAX_GRANTS; i++)
		assert_int_equal(intro_grant_add(&g, 100 + i, UINT32_MAX - i), 0);
	assert_int_equal(intro_grant_add(&g, 1, 2), -ENOSPC);
	assert_int_equal(intro_grant_list(&g, list, XL_INTRO_MAX_GRANTS), XL_INTRO_MAX_GRANTS);
	assert_int_equal(list[7].observer, 107);
	assert_int_equal(list[7].target, UINT32_MAX - 7);
	assert_int_equal(intro_grant_list(&g, list, 3), 3);
	/* a domain destroyed: every grant naming it goes, as observer or as target */
	memset(&g, 0, sizeof(g));
	assert_int_equal(intro_grant_add(&g, 3, 5), 0);
	assert_int_equal(intro_grant_add(&g, 5, 4), 0);
	assert_int_equal(intro_grant_add(&g, 3, 4), 0);
	intro_grant_drop_domain(&g, 5);
	assert_false(intro_grant_allows(&g, 3, 5));
	assert_false(intro_grant_allows(&g, 5, 4));
	assert_true(intro_grant_allows(&g, 3, 4));
	assert_int_equal(intro_grant_list(&g, list, XL_INTRO_MAX_GRANTS), 1);
}

/* ---- the watch table ---- */

static struct intro_watches *new_watches(void)
{
	struct intro_watches *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	return w;
}

static void free_watches(struct intro_watches *w)
{
	intro_watch_free(w);
	free(w);
}

static void test_watch_add_remove(void **state)
{
	struct intro_watches *w = new_watches();
	struct intro_watch_slot *slot = NULL;

	fake_node_reset();
	assert_null(intro_watch_find(w, 5));
	assert_int_equal(intro_watch_add(w, 5), 0);
	assert_non_null(intro_watch_find(w, 5));
	assert_int_equal(intro_watch_add(w, 5), -EEXIST);
	assert_int_equal(intro_watch_count(w), 1);
	assert_non_null(intro_watch_enter(w, 5, &slot));
	intro_watch_leave(slot);
	assert_int_equal(slot->writers, 0);
	/* the cheap test: domain 69 shares domain 5's bit, and still finds nothing */
	assert_true(w->may_watch & (1ull << 5));
	assert_null(intro_watch_enter(w, 69, &slot));
	assert_null(intro_watch_enter(w, 6, &slot));
	assert_int_equal(intro_watch_remove(w, 5), 0);
	assert_int_equal(w->may_watch, 0);
	assert_null(intro_watch_enter(w, 5, &slot));
	assert_int_equal(intro_watch_remove(w, 5), -ENXIO);
	assert_int_equal(intro_watch_count(w), 0);
	/* the largest id */
	assert_int_equal(intro_watch_add(w, UINT32_MAX), 0);
	assert_non_null(intro_watch_find(w, UINT32_MAX));
	assert_null(intro_watch_find(w, 0));
	free_watches(w);
}

static void test_watch_full_and_no_memory(void **state)
{
	struct intro_watches *w = new_watches();

	fake_node_reset();
	for (uint32_t i = 1; i <= XL_INTRO_MAX_WATCHED; i++)
		assert_int_equal(intro_watch_add(w, i), 0);
	assert_int_equal(intro_watch_add(w, 1000), -ENOSPC);
	assert_int_equal(w->may_watch, UINT64_MAX);
	assert_int_equal(intro_watch_remove(w, 64), 0);
	assert_int_equal(w->may_watch, UINT64_MAX & ~1ull); /* 64 % 64 == 0, no other watched domain there */
	/* a slot reused keeps its records' memory: no allocation needed */
	fake_alloc_fails = true;
	assert_int_equal(intro_watch_add(w, 1000), 0);
	free_watches(w);

	w = new_watches();
	assert_int_equal(intro_watch_add(w, 3), -ENOMEM);
	assert_null(intro_watch_find(w, 3));
	assert_int_equal(intro_watch_count(w), 0);
	fake_alloc_fails = false;
	free_watches(w);
}

/* A late hook still inside a slot's records keeps WATCH from reusing (and resetting) them. */
static void test_watch_late_writer(void **state)
{
	struct intro_watches *w = new_watches();
	struct intro_watch_slot *slot = NULL, *other = NULL;
	struct intro_domain *first;

	fake_node_reset();
	assert_int_equal(intro_watch_add(w, 5), 0);
	first = intro_watch_enter(w, 5, &slot);
	assert_non_null(first);
	assert_int_equal(slot->writers, 1);
	assert_int_equal(intro_watch_remove(w, 5), 0);
	assert_int_equal(intro_watch_add(w, 7), 0);
	assert_ptr_not_equal(intro_watch_find(w, 7), first);
	intro_watch_leave(slot);
	assert_int_equal(intro_watch_add(w, 8), 0);
	assert_ptr_equal(intro_watch_find(w, 8), first);
	assert_non_null(intro_watch_enter(w, 7, &other));
	intro_watch_leave(other);
	free_watches(w);
}

static void test_watch_drop_and_list(void **state)
{
	struct intro_watches *w = new_watches();
	struct xl_intro_watched list[XL_INTRO_MAX_WATCHED];
	struct intro_watch_slot *slot;
	struct xl_exit_event e = { .domain_id = 9, .vcpu_id = 2 };
	uint64_t words[SNAP_WORDS] = { 0 };
	struct intro_domain *d;

	fake_node_reset();
	assert_int_equal(intro_watch_add(w, 9), 0);
	assert_int_equal(intro_watch_add(w, 4), 0);
	d = intro_watch_enter(w, 9, &slot);
	assert_non_null(d);
	intro_domain_record(d, &e, words);
	e.vcpu_id = 40; /* past the vCPUs whose registers are kept: its exit is still streamed */
	intro_domain_record(d, &e, words);
	intro_watch_leave(slot);
	assert_int_equal(intro_watch_list(w, list, XL_INTRO_MAX_WATCHED), 2);
	assert_int_equal(list[0].domain, 9);
	assert_int_equal(list[0].vcpus_seen, 1u << 2);
	assert_int_equal(list[0].exits, 2);
	assert_int_equal(list[1].domain, 4);
	assert_int_equal(list[1].exits, 0);
	/* destroyed: the watch ends; the cheap bit may stay, the lookup finds nothing */
	intro_watch_drop(w, 9);
	assert_null(intro_watch_find(w, 9));
	assert_null(intro_watch_enter(w, 9, &slot));
	assert_int_equal(intro_watch_count(w), 1);
	/* watched again: from nothing */
	assert_int_equal(intro_watch_add(w, 9), 0);
	assert_int_equal(intro_watch_list(w, list, XL_INTRO_MAX_WATCHED), 2);
	assert_int_equal(list[0].exits, 0);
	assert_int_equal(list[0].vcpus_seen, 0);
	free_watches(w);
}

static unsigned int gathered;

static void gather_counted(void *ctx, uint64_t w[SNAP_WORDS])
{
	gathered++;
	memset(w, 0, SNAP_WORDS * sizeof(w[0]));
	w[SNAP_RIP] = (uint64_t)(uintptr_t)ctx;
}

/* The exit hook asks for registers only of a watched domain, and records its exit's own facts. */
static void test_watch_record(void **state)
{
	struct intro_watches *w = new_watches();
	struct xl_exit_event e = { .domain_id = 69, .vcpu_id = 1, .reason = 6, .arch_code = 0x78, .exit_tsc = 42 };
	uint64_t word[SNAP_WORDS], count;
	struct xl_intro_exits h;
	struct xl_intro_exit x;

	fake_node_reset();
	gathered = 0;
	assert_int_equal(intro_watch_add(w, 5), 0);
	intro_watch_record(w, &e, gather_counted, (void *)0x1234); /* 69 shares 5's cheap bit */
	e.domain_id = 6;
	intro_watch_record(w, &e, gather_counted, (void *)0x1234);
	assert_int_equal(gathered, 0);
	e.domain_id = 5;
	intro_watch_record(w, &e, gather_counted, (void *)0x1234);
	assert_int_equal(gathered, 1);
	assert_int_equal(intro_snap_read(&intro_watch_find(w, 5)->vcpu[1], word, &count), 0);
	assert_int_equal(word[SNAP_RIP], 0x1234);
	assert_int_equal(word[SNAP_REASON], 6);
	assert_int_equal(word[SNAP_CODE], 0x78);
	assert_int_equal(word[SNAP_TSC], 42);
	assert_int_equal(intro_ring_read(&intro_watch_find(w, 5)->ring, 0, &x, 1, &h), 1);
	assert_int_equal(x.vcpu, 1);
	assert_int_equal(x.reason, 6);
	assert_int_equal(x.exit_code, 0x78);
	assert_int_equal(x.rip, 0x1234);
	assert_int_equal(x.tsc, 42);
	free_watches(w);
}

/* ---- memory, page by page ---- */

static uint8_t mem[3 * 4096 + 64];

static void assert_ram(const uint8_t *got, uint32_t id, uint64_t gpa, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		if (got[i] != fake_ram_byte(id, gpa + i))
			fail_msg("byte %llu: 0x%02x, not the byte at gpa 0x%llx", (unsigned long long)i, got[i],
				 (unsigned long long)(gpa + i));
}

static int64_t read_range(uint32_t domain, bool virt, uint64_t cr3, uint64_t addr, uint64_t len)
{
	struct intro_mem_range r = { .domain = domain, .virt = virt, .cr3 = cr3, .addr = addr, .len = len };

	memset(mem, 0xee, sizeof(mem));
	return intro_mem_read(&r, mem);
}

static void test_mem_phys(void **state)
{
	struct fake_domain *d;

	fake_node_reset();
	d = fake_domain_add(5);
	d->hole_start = 0x3000;
	d->hole_end = 0x4000;
	assert_int_equal(read_range(5, false, 0, 0xff8, 16), 16);
	assert_ram(mem, 5, 0xff8, 16);
	assert_int_equal(read_range(5, false, 0, 0x1000, 2 * 4096), 2 * 4096);
	assert_ram(mem, 5, 0x1000, 2 * 4096);
	/* up to the hole, as read(2) */
	assert_int_equal(read_range(5, false, 0, 0x2ff0, 32), 16);
	assert_ram(mem, 5, 0x2ff0, 16);
	assert_int_equal(mem[16], 0xee);
	assert_int_equal(read_range(5, false, 0, 0x3000, 8), -EFAULT);
	assert_int_equal(read_range(5, false, 0, FAKE_RAM - 8, 16), 8);
	assert_int_equal(read_range(5, false, 0, FAKE_RAM, 1), -EFAULT);
	assert_int_equal(read_range(6, false, 0, 0, 16), -ENOENT);
}

#define CR3 0x9000
#define VA 0x40000000ull

static void test_mem_virt_scattered(void **state)
{
	struct fake_domain *d;

	fake_node_reset();
	d = fake_domain_add(5);
	d->cr3 = CR3;
	fake_map(d, VA, 0x5000);
	fake_map(d, VA + 0x1000, 0x2000);
	fake_map(d, VA + 0x2000, 0xa000);
	/* three virtual pages, three physical ones out of order */
	assert_int_equal(read_range(5, true, CR3, VA + 0xff0, 0x1020), 0x1020);
	assert_ram(mem, 5, 0x5ff0, 0x10);
	assert_ram(mem + 0x10, 5, 0x2000, 0x1000);
	assert_ram(mem + 0x1010, 5, 0xa000, 0x10);
	/* the fourth page is not mapped: what came before it */
	assert_int_equal(read_range(5, true, CR3, VA + 0x2ffc, 8), 4);
	assert_ram(mem, 5, 0xaffc, 4);
	assert_int_equal(read_range(5, true, CR3, VA + 0x3000, 8), -EFAULT);
	/* the tables of another CR3 map nothing here */
	assert_int_equal(read_range(5, true, CR3 + 0x1000, VA, 8), -EFAULT);
	assert_int_equal(read_range(7, true, CR3, VA, 8), -ENOENT);
}

static void test_mem_virt_canonical(void **state)
{
	struct fake_domain *d;

	fake_node_reset();
	d = fake_domain_add(5);
	d->cr3 = CR3;
	fake_map(d, 0x00007ffffffff000ull, 0x4000);
	/* the walk would take 0x0000800000000000 as another address: refused as the CPU would */
	fake_map(d, 0x0000800000000000ull, 0x6000);
	assert_int_equal(read_range(5, true, CR3, 0x00007ffffffffff8ull, 16), 8);
	assert_ram(mem, 5, 0x4ff8, 8);
	assert_int_equal(read_range(5, true, CR3, 0x0000800000000000ull, 8), -EFAULT);
	assert_true(intro_canonical(0));
	assert_true(intro_canonical(0x00007fffffffffffull));
	assert_true(intro_canonical(0xffff800000000000ull));
	assert_true(intro_canonical(UINT64_MAX));
	assert_false(intro_canonical(0x0000800000000000ull));
	assert_false(intro_canonical(0xffff7fffffffffffull));
	assert_false(intro_canonical(0x8000000000000000ull));
}

/* ---- operations ---- */

static struct intro_state *st;
static uint64_t call_buf[65536 / 8];
#define ANSWER ((char *)call_buf + XL_INTRO_ANSWER_OFFSET)
#define ROOM (sizeof(call_buf) - XL_INTRO_ANSWER_OFFSET)
#define DOM0 0

static int setup_state(void **state)
{
	fake_node_reset();
	st = calloc(1, sizeof(*st));
	return st ? 0 : -1;
}

static int teardown_state(void **state)
{
	intro_watch_free(&st->watches);
	free(st);
	st = NULL;
	return 0;
}

static struct xl_intro_request req(uint32_t domain)
{
	return (struct xl_intro_request){ .version = XL_INTRO_FORMAT_VERSION, .domain = domain };
}

/* op with r from caller (dom0 is the privileged one), size bytes of buffer. */
static int64_t call_sized(uint32_t caller, uint32_t op, const struct xl_intro_request *r, uint64_t size)
{
	struct xl_module_call c = { .caller_domain = caller, .caller_privileged = caller == DOM0, .op = op,
				    .buf = call_buf, .size = size };

	memset(call_buf, 0xcc, sizeof(call_buf));
	memcpy(call_buf, r, sizeof(*r));
	return intro_call(st, &c);
}

static int64_t call(uint32_t caller, uint32_t op, struct xl_intro_request r)
{
	return call_sized(caller, op, &r, sizeof(call_buf));
}

/* The state a vCPU resumes with after an exit. */
struct exit_state {
	uint64_t rip, cr3, tsc;
	bool long_mode, la57;
	uint32_t vcpu; /* set by record_exit */
};

/* The module's gather, for the fake vCPU of x. */
static void gather_fake(void *ctx, uint64_t w[SNAP_WORDS])
{
	const struct exit_state *x = ctx;

	for (unsigned int i = 0; i < 16; i++)
		w[SNAP_GPR0 + i] = 0x1000 * (i + 1) + x->vcpu;
	w[SNAP_RIP] = x->rip;
	w[SNAP_CR0] = x->long_mode ? 0x80050033 : 0x60000010;
	w[SNAP_CR3] = x->cr3;
	w[SNAP_CR4] = x->la57 ? 0x1020 : 0x20;
	w[SNAP_EFER] = x->long_mode ? 0xd00 : 0;
	w[SNAP_CPL] = 3;
}

/* An exit of domain's vCPU, through the module's after hook's own path. */
static void record_exit(uint32_t domain, uint32_t vcpu, uint32_t reason, const struct exit_state *x)
{
	struct xl_exit_event e = { .domain_id = domain, .vcpu_id = vcpu, .cpu = 1, .reason = reason,
				   .arch_code = 0x60 + reason, .exit_tsc = x->tsc };
	struct exit_state state = *x;

	state.vcpu = vcpu;
	intro_watch_record(&st->watches, &e, gather_fake, &state);
}

static const struct exit_state at_va = { .rip = 0x401234, .cr3 = CR3, .tsc = 1000, .long_mode = true };

static const uint32_t every_op[] = { XL_INTRO_OP_WATCH, XL_INTRO_OP_UNWATCH, XL_INTRO_OP_GRANT,
				     XL_INTRO_OP_REVOKE, XL_INTRO_OP_STATUS, XL_INTRO_OP_REGS,
				     XL_INTRO_OP_READ_PHYS, XL_INTRO_OP_READ_VIRT, XL_INTRO_OP_EXITS };
#define NR_OPS (sizeof(every_op) / sizeof(every_op[0]))

static void test_ops_request_shape(void **state)
{
	struct xl_intro_request r = req(5);
	struct xl_module_call c = { .caller_privileged = true, .buf = call_buf, .size = sizeof(call_buf) };

	fake_domain_add(5);
	for (unsigned int i = 0; i < NR_OPS; i++) {
		uint32_t op = every_op[i];

		r = req(5);
		assert_int_equal(call_sized(DOM0, op, &r, sizeof(r) - 1), -EINVAL);
		assert_int_equal(call_sized(DOM0, op, &r, 0), -EINVAL);
		r.version = 0;
		assert_int_equal(call(DOM0, op, r), -EPROTO);
		r.version = XL_INTRO_FORMAT_VERSION + 1;
		assert_int_equal(call(DOM0, op, r), -EPROTO);
		r = req(5);
		r.reserved = 1;
		assert_int_equal(call(DOM0, op, r), -EINVAL);
		/* a guest's malformed request is refused as malformed, before any question of rights */
		assert_int_equal(call(3, op, r), -EINVAL);
		c.op = op;
		c.arg = 1;
		memcpy(call_buf, &(struct xl_intro_request){ .version = 1, .domain = 5 }, sizeof(r));
		assert_int_equal(intro_call(st, &c), -EINVAL);
		c.arg = 0;
		c.buf = (char *)call_buf + 4;
		assert_int_equal(intro_call(st, &c), -EINVAL);
		c.buf = NULL;
		assert_int_equal(intro_call(st, &c), -EINVAL);
		c.buf = call_buf;
	}
	r = req(5);
	assert_int_equal(call(DOM0, XL_INTRO_NR_OPS, r), -EINVAL);
	assert_int_equal(call(DOM0, UINT32_MAX, r), -EINVAL);
	assert_int_equal(call(3, XL_INTRO_NR_OPS, r), -EINVAL);
}

/* A field an operation does not read, set: refused. */
static void test_ops_unused_fields(void **state)
{
	static const struct {
		uint32_t op;
		const char *unused; /* d v o a l f g: domain vcpu observer addr len from_seq flags */
	} ops[] = {
		{ XL_INTRO_OP_WATCH, "voalfg" },   { XL_INTRO_OP_UNWATCH, "voalfg" },
		{ XL_INTRO_OP_GRANT, "valfg" },    { XL_INTRO_OP_REVOKE, "valfg" },
		{ XL_INTRO_OP_STATUS, "dvoalfg" }, { XL_INTRO_OP_REGS, "oalf" },
		{ XL_INTRO_OP_READ_PHYS, "vofg" }, { XL_INTRO_OP_READ_VIRT, "ofg" },
		{ XL_INTRO_OP_EXITS, "voalg" },
	};

	fake_domain_add(5);
	for (unsigned int i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		for (const char *f = ops[i].unused; *f; f++) {
			struct xl_intro_request r = req(*f == 'd' ? 0 : 5);

			switch (*f) {
			case 'd': r.domain = 5; break;
			case 'v': r.vcpu = 1; break;
			case 'o': r.observer = 3; break;
			case 'a': r.addr = 0x1000; break;
			case 'l': r.len = 16; break;
			case 'f': r.from_seq = 1; break;
			default: r.flags = XL_INTRO_REGS_KICK; break;
			}
			if (call(DOM0, ops[i].op, r) != -EINVAL)
				fail_msg("op %u with field '%c' set: not refused", ops[i].op, *f);
		}
}

static void test_ops_admin_is_dom0s(void **state)
{
	struct xl_intro_request grant = req(5);

	fake_domain_add(3);
	fake_domain_add(5);
	grant.observer = 3;
	assert_int_equal(call(DOM0, XL_INTRO_OP_GRANT, grant), 0);
	/* a guest, even one holding a grant, watches, grants and lists nothing */
	assert_int_equal(call(3, XL_INTRO_OP_WATCH, req(5)), -EPERM);
	assert_int_equal(call(3, XL_INTRO_OP_UNWATCH, req(5)), -EPERM);
	assert_int_equal(call(3, XL_INTRO_OP_GRANT, grant), -EPERM);
	assert_int_equal(call(3, XL_INTRO_OP_REVOKE, grant), -EPERM);
	assert_int_equal(call(3, XL_INTRO_OP_STATUS, req(0)), -EPERM);
	assert_int_equal(call(5, XL_INTRO_OP_WATCH, req(9)), -EPERM);
	assert_null(intro_watch_find(&st->watches, 5));
	assert_true(intro_grant_allows(&st->grants, 3, 5));
	assert_true(intro_op_is_admin(XL_INTRO_OP_STATUS));
	assert_false(intro_op_is_admin(XL_INTRO_OP_REGS));
}

static void test_ops_nobody_observes_dom0(void **state)
{
	struct xl_intro_request r = req(DOM0);

	fake_domain_add(DOM0);
	fake_domain_add(3);
	for (unsigned int i = 0; i < NR_OPS; i++) {
		uint32_t op = every_op[i];

		if (op == XL_INTRO_OP_STATUS)
			continue;
		r = req(DOM0);
		if (op == XL_INTRO_OP_GRANT || op == XL_INTRO_OP_REVOKE)
			r.observer = 3;
		if (op == XL_INTRO_OP_READ_PHYS || op == XL_INTRO_OP_READ_VIRT)
			r.len = 16;
		assert_int_equal(call(DOM0, op, r), -EPERM);
		assert_int_equal(call(3, op, r), -EPERM);
	}
	assert_int_equal(intro_grant_allowed(3, DOM0), -EPERM);
	assert_int_equal(intro_grant_allowed(DOM0, 3), -EINVAL);
	assert_int_equal(intro_grant_allowed(3, 3), -EINVAL);
	assert_int_equal(intro_grant_allowed(3, 4), 0);
}

/* Each read from caller 3 of domain target: whether all four were refused with -EPERM. */
static bool reads_refused(uint32_t caller, uint32_t target)
{
	struct xl_intro_request r = req(target);
	bool refused = call(caller, XL_INTRO_OP_REGS, r) == -EPERM && call(caller, XL_INTRO_OP_EXITS, r) == -EPERM;

	r.len = 16;
	refused = refused && call(caller, XL_INTRO_OP_READ_PHYS, r) == -EPERM;
	return refused && call(caller, XL_INTRO_OP_READ_VIRT, r) == -EPERM;
}

static void test_ops_reads_need_a_grant(void **state)
{
	struct xl_intro_request r = req(5), g = req(5);

	fake_domain_add(3);
	fake_domain_add(5);
	assert_true(reads_refused(3, 5));
	assert_true(reads_refused(3, 9)); /* no such domain: the same answer, nothing learnt */
	assert_true(reads_refused(3, 3)); /* itself */
	g.observer = 3;
	assert_int_equal(call(DOM0, XL_INTRO_OP_GRANT, g), 0);
	r.len = 16;
	r.addr = 0x100;
	assert_int_equal(call(3, XL_INTRO_OP_READ_PHYS, r), 16);
	assert_ram((uint8_t *)ANSWER, 5, 0x100, 16);
	assert_int_equal(call(3, XL_INTRO_OP_REGS, req(5)), -ENXIO); /* allowed, not watched */
	assert_true(reads_refused(4, 5)); /* another guest */
	assert_true(reads_refused(5, 3)); /* not the other way */
	assert_int_equal(call(DOM0, XL_INTRO_OP_REVOKE, g), 0);
	assert_true(reads_refused(3, 5));
	/* the observer destroyed: its grants go with it */
	assert_int_equal(call(DOM0, XL_INTRO_OP_GRANT, g), 0);
	intro_grant_drop_domain(&st->grants, 3);
	assert_true(reads_refused(3, 5));
	/* dom0 reads without a grant */
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_PHYS, r), 16);
}

static void test_ops_grant_rules(void **state)
{
	struct xl_intro_request g = req(5);
	struct fake_domain *target;

	fake_domain_add(3);
	target = fake_domain_add(5);
	g.observer = 3;
	assert_int_equal(call(DOM0, XL_INTRO_OP_GRANT, g), 0);
	assert_int_equal(call(DOM0, XL_INTRO_OP_GRANT, g), -EEXIST);
	g.observer = 0; /* dom0 needs none: a request without an observer */
	assert_int_equal(call(DOM0, XL_INTRO_OP_GRANT, g), -EINVAL);
	g.observer = 5;
	assert_int_equal(call(DOM0, XL_INTRO_OP_GRANT, g), -EINVAL);
	g.observer = 9;
	assert_int_equal(call(DOM0, XL_INTRO_OP_GRANT, g), -ENOENT);
	g = req(9);
	g.observer = 3;
	assert_int_equal(call(DOM0, XL_INTRO_OP_GRANT, g), -ENOENT);
	assert_int_equal(call(DOM0, XL_INTRO_OP_REVOKE, g), -ENOENT);
	g = req(5);
	g.observer = 5;
	assert_int_equal(call(DOM0, XL_INTRO_OP_REVOKE, g), -EINVAL);
	g.observer = 3;
	assert_int_equal(call(DOM0, XL_INTRO_OP_REVOKE, g), 0);
	/* the target destroyed while the grant is made: no grant is left behind */
	target->reads_left = 1;
	assert_int_equal(call(DOM0, XL_INTRO_OP_GRANT, g), -ENOENT);
	assert_false(intro_grant_allows(&st->grants, 3, 5));
	/* the table full */
	target->exists = true;
	for (uint32_t i = 0; i < XL_INTRO_MAX_GRANTS; i++)
		assert_int_equal(intro_grant_add(&st->grants, 100 + i, 200), 0);
	assert_int_equal(call(DOM0, XL_INTRO_OP_GRANT, g), -ENOSPC);
}

static void test_ops_watch(void **state)
{
	struct fake_domain *d;

	d = fake_domain_add(5);
	assert_int_equal(call(DOM0, XL_INTRO_OP_WATCH, req(9)), -ENOENT);
	assert_int_equal(call(DOM0, XL_INTRO_OP_UNWATCH, req(5)), -ENXIO);
	assert_int_equal(call(DOM0, XL_INTRO_OP_WATCH, req(5)), 0);
	assert_int_equal(call(DOM0, XL_INTRO_OP_WATCH, req(5)), -EEXIST);
	assert_int_equal(call(DOM0, XL_INTRO_OP_UNWATCH, req(5)), 0);
	assert_int_equal(call(DOM0, XL_INTRO_OP_UNWATCH, req(5)), -ENXIO);
	/* destroyed while the watch is set up: no watch is left behind */
	d->reads_left = 1;
	assert_int_equal(call(DOM0, XL_INTRO_OP_WATCH, req(5)), -ENOENT);
	assert_int_equal(intro_watch_count(&st->watches), 0);
}

static void test_ops_regs(void **state)
{
	struct xl_intro_request r = req(5);
	const struct xl_intro_regs *regs = (const void *)ANSWER;
	struct fake_domain *d = fake_domain_add(5);

	assert_int_equal(call(DOM0, XL_INTRO_OP_REGS, r), -ENXIO);
	assert_int_equal(call(DOM0, XL_INTRO_OP_WATCH, req(5)), 0);
	r.flags = XL_INTRO_REGS_KICK;
	/* no exit since the watch: nothing yet, but the kick is sent, and nothing waits for it */
	assert_int_equal(call(DOM0, XL_INTRO_OP_REGS, r), -EAGAIN);
	assert_int_equal(d->kicks, 1);
	r.flags = 0;
	assert_int_equal(call(DOM0, XL_INTRO_OP_REGS, r), -EAGAIN);
	assert_int_equal(d->kicks, 1);
	record_exit(5, 0, 7, &at_va);
	assert_int_equal(call(DOM0, XL_INTRO_OP_REGS, r), sizeof(struct xl_intro_regs));
	assert_int_equal(regs->rip, at_va.rip);
	assert_int_equal(regs->gpr[0], 0x1000);
	assert_int_equal(regs->gpr[15], 0x10000);
	assert_int_equal(regs->cr0, 0x80050033);
	assert_int_equal(regs->cr3, CR3);
	assert_int_equal(regs->cr4, 0x20);
	assert_int_equal(regs->efer, 0xd00);
	assert_int_equal(regs->cpl, 3);
	assert_int_equal(regs->exit_reason, 7);
	assert_int_equal(regs->exit_code, 0x67);
	assert_int_equal(regs->exit_tsc, 1000);
	assert_true(regs->age_cycles > 0); /* the host's TSC is far past 1000 */
	assert_int_equal(regs->tsc_khz, FAKE_TSC_KHZ);
	assert_int_equal(regs->snapshots, 1);
	record_exit(5, 0, 0, &at_va);
	assert_int_equal(call(DOM0, XL_INTRO_OP_REGS, r), sizeof(struct xl_intro_regs));
	assert_int_equal(regs->snapshots, 2);
	/* each vCPU its own */
	r.vcpu = 1;
	assert_int_equal(call(DOM0, XL_INTRO_OP_REGS, r), -EAGAIN);
	record_exit(5, 1, 1, &at_va);
	assert_int_equal(call(DOM0, XL_INTRO_OP_REGS, r), sizeof(struct xl_intro_regs));
	assert_int_equal(regs->gpr[0], 0x1001);
	r.vcpu = XL_INTRO_MAX_VCPUS;
	assert_int_equal(call(DOM0, XL_INTRO_OP_REGS, r), -EINVAL);
	r.vcpu = UINT32_MAX;
	assert_int_equal(call(DOM0, XL_INTRO_OP_REGS, r), -EINVAL);
	r.vcpu = 0;
	r.flags = 2;
	assert_int_equal(call(DOM0, XL_INTRO_OP_REGS, r), -EINVAL);
	r.flags = 0;
	assert_int_equal(call_sized(DOM0, XL_INTRO_OP_REGS, &r,
				    XL_INTRO_ANSWER_OFFSET + sizeof(struct xl_intro_regs) - 1), -ENOSPC);
	assert_int_equal(call_sized(DOM0, XL_INTRO_OP_REGS, &r, XL_INTRO_ANSWER_OFFSET + sizeof(struct xl_intro_regs)),
			 sizeof(struct xl_intro_regs));
}

static void test_ops_read_phys(void **state)
{
	struct xl_intro_request r = req(5);

	fake_domain_add(5);
	r.addr = 0xff0;
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_PHYS, r), -EINVAL); /* len 0 */
	r.len = 0x20;
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_PHYS, r), 0x20);
	assert_ram((uint8_t *)ANSWER, 5, 0xff0, 0x20);
	/* no watch needed for memory */
	assert_null(intro_watch_find(&st->watches, 5));
	/* the answer's room: exactly fits, one byte more does not */
	assert_int_equal(call_sized(DOM0, XL_INTRO_OP_READ_PHYS, &r, XL_INTRO_ANSWER_OFFSET + 0x20), 0x20);
	assert_int_equal(call_sized(DOM0, XL_INTRO_OP_READ_PHYS, &r, XL_INTRO_ANSWER_OFFSET + 0x1f), -EINVAL);
	r.len = ROOM + 1;
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_PHYS, r), -EINVAL);
	r.len = UINT64_MAX;
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_PHYS, r), -EINVAL);
	/* wrapping past the top of the address space */
	r.addr = UINT64_MAX - 3;
	r.len = 8;
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_PHYS, r), -EINVAL);
	r.len = 4; /* up to the last byte */
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_PHYS, r), -EFAULT);
	r.addr = 0;
	r.len = ROOM;
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_PHYS, r), ROOM);
	assert_ram((uint8_t *)ANSWER, 5, 0, ROOM);
	r = req(9);
	r.len = 1;
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_PHYS, r), -ENOENT);
}

static void test_ops_read_virt(void **state)
{
	struct xl_intro_request r = req(5);
	struct exit_state x = at_va;
	struct fake_domain *d = fake_domain_add(5);

	d->cr3 = CR3;
	fake_map(d, VA, 0x7000);
	fake_map(d, VA + 0x1000, 0x3000);
	r.addr = VA + 0xff8;
	r.len = 16;
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_VIRT, r), -ENXIO);
	assert_int_equal(call(DOM0, XL_INTRO_OP_WATCH, req(5)), 0);
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_VIRT, r), -EAGAIN);
	record_exit(5, 0, 7, &x);
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_VIRT, r), 16);
	assert_ram((uint8_t *)ANSWER, 5, 0x7ff8, 8);
	assert_ram((uint8_t *)ANSWER + 8, 5, 0x3000, 8);
	/* vCPU 1 is in another address space: its CR3 maps nothing there */
	x.cr3 = CR3 + 0x1000;
	record_exit(5, 1, 7, &x);
	r.vcpu = 1;
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_VIRT, r), -EFAULT);
	/* not long mode, or 5-level paging: not walked */
	x.long_mode = false;
	record_exit(5, 1, 7, &x);
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_VIRT, r), -EOPNOTSUPP);
	x.long_mode = true;
	x.la57 = true;
	record_exit(5, 1, 7, &x);
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_VIRT, r), -EOPNOTSUPP);
	r.vcpu = XL_INTRO_MAX_VCPUS;
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_VIRT, r), -EINVAL);
	r.vcpu = 0;
	r.len = 0;
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_VIRT, r), -EINVAL);
	r.len = ROOM + 1;
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_VIRT, r), -EINVAL);
	r.addr = UINT64_MAX;
	r.len = 2;
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_VIRT, r), -EINVAL);
	/* the second page only partly: up to its end */
	r.addr = VA + 0x1ff0;
	r.len = 0x20;
	assert_int_equal(call(DOM0, XL_INTRO_OP_READ_VIRT, r), 0x10);
}

static void test_ops_exits(void **state)
{
	struct xl_intro_request r = req(5);
	const struct xl_intro_exits *h = (const void *)ANSWER;
	const struct xl_intro_exit *e = (const void *)(h + 1);
	struct exit_state x = at_va;

	fake_domain_add(5);
	assert_int_equal(call(DOM0, XL_INTRO_OP_EXITS, r), -ENXIO);
	assert_int_equal(call(DOM0, XL_INTRO_OP_WATCH, req(5)), 0);
	assert_int_equal(call(DOM0, XL_INTRO_OP_EXITS, r), 0);
	assert_int_equal(h->head_seq, 0);
	for (unsigned int i = 0; i < 5; i++) {
		x.tsc = 100 + i;
		x.rip = 0x1000 + i;
		record_exit(5, i, i, &x);
	}
	record_exit(6, 0, 0, &x); /* not watched: not recorded anywhere */
	assert_int_equal(call(DOM0, XL_INTRO_OP_EXITS, r), 5);
	assert_int_equal(h->next_seq, 5);
	assert_int_equal(h->head_seq, 5);
	assert_int_equal(h->lost, 0);
	assert_int_equal(e[4].seq, 5);
	assert_int_equal(e[4].vcpu, 4);
	assert_int_equal(e[4].reason, 4);
	assert_int_equal(e[4].exit_code, 0x64);
	assert_int_equal(e[4].rip, 0x1004);
	assert_int_equal(e[4].tsc, 104);
	/* room for two entries */
	assert_int_equal(call_sized(DOM0, XL_INTRO_OP_EXITS, &r,
				    XL_INTRO_ANSWER_OFFSET + sizeof(*h) + 2 * sizeof(*e) + 7), 2);
	assert_int_equal(h->next_seq, 2);
	assert_int_equal(call_sized(DOM0, XL_INTRO_OP_EXITS, &r, XL_INTRO_ANSWER_OFFSET + sizeof(*h)), 0);
	assert_int_equal(call_sized(DOM0, XL_INTRO_OP_EXITS, &r, XL_INTRO_ANSWER_OFFSET + sizeof(*h) - 1), -ENOSPC);
	r.from_seq = 3;
	assert_int_equal(call(DOM0, XL_INTRO_OP_EXITS, r), 2);
	assert_int_equal(e[0].seq, 4);
	r.from_seq = 6;
	assert_int_equal(call(DOM0, XL_INTRO_OP_EXITS, r), -EINVAL);
	r.from_seq = UINT64_MAX;
	assert_int_equal(call(DOM0, XL_INTRO_OP_EXITS, r), -EINVAL);
	assert_int_equal(call(DOM0, XL_INTRO_OP_UNWATCH, req(5)), 0);
	r.from_seq = 0;
	assert_int_equal(call(DOM0, XL_INTRO_OP_EXITS, r), -ENXIO);
}

static void test_ops_status(void **state)
{
	const struct xl_intro_status *s = (const void *)ANSWER;
	struct xl_intro_request g = req(5);

	fake_domain_add(3);
	fake_domain_add(5);
	assert_int_equal(call(DOM0, XL_INTRO_OP_STATUS, req(0)), sizeof(*s));
	assert_int_equal(s->nr_watched, 0);
	assert_int_equal(s->nr_grants, 0);
	assert_int_equal(s->max_watched, XL_INTRO_MAX_WATCHED);
	assert_int_equal(s->max_grants, XL_INTRO_MAX_GRANTS);
	assert_int_equal(s->max_vcpus, XL_INTRO_MAX_VCPUS);
	assert_int_equal(s->ring_entries, XL_INTRO_RING_ENTRIES);
	assert_int_equal(s->tsc_khz, FAKE_TSC_KHZ);
	assert_int_equal(s->nr_reasons, EXIT_REASON_COUNT);
	assert_string_equal(s->reason_names[0], "hypercall");
	assert_string_equal(s->reason_names[EXIT_INTR], "intr");
	assert_int_equal(s->reason_names[EXIT_REASON_COUNT][0], 0);
	assert_int_equal(s->reserved, 0);
	assert_int_equal(call(DOM0, XL_INTRO_OP_WATCH, req(5)), 0);
	record_exit(5, 3, EXIT_HLT, &at_va);
	g.observer = 3;
	assert_int_equal(call(DOM0, XL_INTRO_OP_GRANT, g), 0);
	assert_int_equal(call(DOM0, XL_INTRO_OP_STATUS, req(0)), sizeof(*s));
	assert_int_equal(s->nr_watched, 1);
	assert_int_equal(s->watched[0].domain, 5);
	assert_int_equal(s->watched[0].vcpus_seen, 1u << 3);
	assert_int_equal(s->watched[0].exits, 1);
	assert_int_equal(s->nr_grants, 1);
	assert_int_equal(s->grants[0].observer, 3);
	assert_int_equal(s->grants[0].target, 5);
	assert_int_equal(call_sized(DOM0, XL_INTRO_OP_STATUS, &(struct xl_intro_request){ .version = 1 },
				    XL_INTRO_ANSWER_OFFSET + sizeof(*s) - 1), -ENOSPC);
	/* the destroyed hook: its watch and its grants go */
	intro_watch_drop(&st->watches, 5);
	intro_grant_drop_domain(&st->grants, 5);
	assert_int_equal(call(DOM0, XL_INTRO_OP_STATUS, req(0)), sizeof(*s));
	assert_int_equal(s->nr_watched, 0);
	assert_int_equal(s->nr_grants, 0);
}

#define OPS_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup_state, teardown_state)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snap_never_taken),
		cmocka_unit_test(test_snap_publish_read),
		cmocka_unit_test(test_snap_writer_inside),
		cmocka_unit_test(test_snap_concurrent),
		cmocka_unit_test(test_ring_empty),
		cmocka_unit_test(test_ring_in_order),
		cmocka_unit_test(test_ring_wraps_and_counts_lost),
		cmocka_unit_test(test_ring_entry_being_written),
		cmocka_unit_test(test_ring_fields_whole),
		cmocka_unit_test(test_ring_concurrent),
		cmocka_unit_test(test_grants),
		cmocka_unit_test(test_watch_add_remove),
		cmocka_unit_test(test_watch_full_and_no_memory),
		cmocka_unit_test(test_watch_late_writer),
		cmocka_unit_test(test_watch_drop_and_list),
		cmocka_unit_test(test_watch_record),
		cmocka_unit_test(test_mem_phys),
		cmocka_unit_test(test_mem_virt_scattered),
		cmocka_unit_test(test_mem_virt_canonical),
		OPS_TEST(test_ops_request_shape),
		OPS_TEST(test_ops_unused_fields),
		OPS_TEST(test_ops_admin_is_dom0s),
		OPS_TEST(test_ops_nobody_observes_dom0),
		OPS_TEST(test_ops_reads_need_a_grant),
		OPS_TEST(test_ops_grant_rules),
		OPS_TEST(test_ops_watch),
		OPS_TEST(test_ops_regs),
		OPS_TEST(test_ops_read_phys),
		OPS_TEST(test_ops_read_virt),
		OPS_TEST(test_ops_exits),
		OPS_TEST(test_ops_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
