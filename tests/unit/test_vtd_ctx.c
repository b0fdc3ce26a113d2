/*
 * Host tests for a VT-d unit's root and context tables (iommu/vtd_ctx.c):
 * the shared context table, a bus's own table when one of its devices is
 * attached to another space, going back to the shared one, and the order of
 * writes, write-backs and invalidations when a live entry changes.
 *
 * Table pages are malloc'd, page-aligned and zeroed; their "physical
 * address" is the host pointer value. Every write-back and invalidation is
 * recorded in order, with what the tables held when the invalidation came.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <xen-lite/errno.h>

#include "../../iommu/vtd_ctx.h"

#define MAX_TABLES 64
#define MAX_EVENTS 1024
#define DOM0_DID 1
#define QUARANTINE_DID 7
#define GUEST_DID 9

enum kind { WRITE_BACK, CONTEXT_ALL, DEVICE_LEFT, DEVICE_ENTERED };

struct event {
	enum kind kind;
	const void *p; /* write-back: where */
	size_t len;
	uint16_t did, bdf;
	uint64_t entry_lo; /* invalidations of a device: its entry's low quadword then */
	uint64_t root_lo; /* its bus's root entry then */
};

static void *tables[MAX_TABLES];
static bool table_freed[MAX_TABLES];
static unsigned int table_count, freed;
static int budget; /* tables alloc_table may still hand out; < 0: unlimited */
static struct event events[MAX_EVENTS];
static unsigned int nevents;
static int fail_kind = -1; /* this kind of invalidation times out */
static struct vtd_ctx ctx;
static struct vtd_pt dom0_pt = { .root = 0x1000000, .levels = 3 };
static struct vtd_pt quarantine_pt = { .root = 0x2000000, .levels = 3 };
static struct vtd_pt guest_pt = { .root = 0x3000000, .levels = 4 };
static uint64_t dom0_entry[2], quarantine_entry[2], guest_entry[2];

static int table_index(uint64_t pa)
{
	for (unsigned int i = 0; i < table_count; i++)
		if ((uint64_t)(uintptr_t)tables[i] == pa)
			return (int)i;
	return -1;
}

static uint64_t fake_alloc(void *c)
{
	void *p;

	if (budget == 0)
		return 0;
	if (budget > 0)
		budget--;
	assert_true(table_count < MAX_TABLES);
	p = aligned_alloc(4096, 4096);
	assert_non_null(p);
	memset(p, 0, 4096);
	tables[table_count++] = p;
	return (uint64_t)(uintptr_t)p;
}

static void fake_free(uint64_t pa, void *c)
{
	int i = table_index(pa);

	assert_true(i >= 0);
	assert_false(table_freed[i]);
	table_freed[i] = true;
	freed++;
}

static uint64_t *fake_table_ptr(uint64_t pa, void *c)
{
	int i = table_index(pa);

	if (i < 0 || table_freed[i])
		fail_msg("table_ptr(%#llx): not a live table page", (unsigned long long)pa);
	return (uint64_t *)(uintptr_t)pa;
}

static void fake_write_back(const void *p, size_t len, void *c)
{
	assert_true(nevents < MAX_EVENTS);
	events[nevents++] = (struct event){ .kind = WRITE_BACK, .p = p, .len = len };
}

static const struct vtd_pt_ops ops = {
	.alloc_table = fake_alloc,
	.free_table = fake_free,
	.table_ptr = fake_table_ptr,
	.write_back = fake_write_back,
};

static uint64_t *root_entry(unsigned int bus)
{
	return &((uint64_t *)(uintptr_t)ctx.root)[2 * bus];
}

static int record(enum kind kind, uint16_t did, uint16_t bdf)
{
	assert_true(nevents < MAX_EVENTS);
	events[nevents] = (struct event){ .kind = kind, .did = did, .bdf = bdf };
	if (kind != CONTEXT_ALL)
		events[nevents].entry_lo = vtd_ctx_lookup(&ctx, bdf)[0];
	events[nevents].root_lo = *root_entry(bdf >> 8);
	nevents++;
	return (int)kind == fail_kind ? -ETIMEDOUT : 0;
}

static int on_context_all(void *c)
{
	assert_ptr_equal(c, &ctx);
	return record(CONTEXT_ALL, 0, 0);
}

static int on_device_left(uint16_t did, uint16_t bdf, void *c)
{
	return record(DEVICE_LEFT, did, bdf);
}

static int on_device_entered(uint16_t did, uint16_t bdf, void *c)
{
	return record(DEVICE_ENTERED, did, bdf);
}

static const struct vtd_ctx_flush flush = {
	.context_all = on_context_all,
	.device_left = on_device_left,
	.device_entered = on_device_entered,
	.ctx = &ctx,
};

static int setup(void **state)
{
	table_count = freed = nevents = 0;
	memset(table_freed, 0, sizeof(table_freed));
	budget = -1;
	fail_kind = -1;
	vtd_context_entry(&dom0_pt, DOM0_DID, dom0_entry);
	vtd_context_entry(&quarantine_pt, QUARANTINE_DID, quarantine_entry);
	vtd_context_entry(&guest_pt, GUEST_DID, guest_entry);
	assert_int_equal(vtd_ctx_init(&ctx, &ops), 0);
	vtd_ctx_fill(&ctx, dom0_entry);
	nevents = 0;
	return 0;
}

static int teardown(void **state)
{
	vtd_ctx_destroy(&ctx);
	assert_int_equal(freed, table_count); /* destroy freed every table */
	for (unsigned int i = 0; i < table_count; i++)
		free(tables[i]);
	table_count = 0;
	return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

static void expect_entry(uint16_t bdf, const uint64_t want[2])
{
	const uint64_t *e = vtd_ctx_lookup(&ctx, bdf);

	if (e[0] != want[0] || e[1] != want[1])
		fail_msg("requester %#06x: entry %#llx:%#llx, want %#llx:%#llx", bdf, (unsigned long long)e[1],
			 (unsigned long long)e[0], (unsigned long long)want[1], (unsigned long long)want[0]);
}

static bool bus_shared(unsigned int bus)
{
	return *root_entry(bus) == (ctx.shared | VTD_ROOT_PRESENT) && root_entry(bus)[1] == 0;
}

static void expect_all_shared(void)
{
	for (unsigned int bus = 0; bus < 256; bus++) {
		assert_true(bus_shared(bus));
		assert_int_equal(ctx.own[bus], 0);
	}
}

/* the event at i is a write-back covering p's 16 bytes */
static void expect_written_back(unsigned int i, const void *p)
{
	assert_true(i < nevents);
	assert_int_equal(events[i].kind, WRITE_BACK);
	assert_true((const char *)events[i].p <= (const char *)p &&
		    (const char *)p + 16 <= (const char *)events[i].p + events[i].len);
}

static void test_entry_format(void **state)
{
	/* present, translation type 00, fault processing on; AW 1 (39 bits) or 2 (48), DID */
	assert_int_equal(dom0_entry[0], 0x1000001);
	assert_int_equal(dom0_entry[1], 0x101);
	assert_int_equal(guest_entry[0], 0x3000001);
	assert_int_equal(guest_entry[1], 0x902);
	vtd_context_entry(&(struct vtd_pt){ .root = 0x5000, .levels = 3 }, 0xffff, dom0_entry);
	assert_int_equal(dom0_entry[1], 0xffff01);
}

static void test_fill_shares_one_table(void **state)
{
	expect_all_shared();
	for (unsigned int bdf = 0; bdf < 0x10000; bdf += 0x101)
		expect_entry((uint16_t)bdf, dom0_entry);
	assert_int_equal(table_count, 2); /* root and shared */
}

static void test_fill_written_back(void **state)
{
	unsigned int shared_wb = 0, root_wb = 0;

	vtd_ctx_fill(&ctx, guest_entry);
	for (unsigned int i = 0; i < nevents; i++) {
		assert_int_equal(events[i].kind, WRITE_BACK);
		if (events[i].p == (void *)(uintptr_t)ctx.shared && events[i].len == 4096)
			shared_wb++;
		else
			root_wb++;
	}
	assert_int_equal(shared_wb, 1);
	assert_int_equal(root_wb, 256); /* each root entry */
}

static void test_attach_gives_the_bus_its_own_table(void **state)
{
	uint64_t *e;

	assert_int_equal(vtd_ctx_attach(&ctx, 0x0010, quarantine_entry, &flush), 0);
	expect_entry(0x0010, quarantine_entry);
	assert_int_not_equal(ctx.own[0], 0);
	assert_int_equal(*root_entry(0), ctx.own[0] | VTD_ROOT_PRESENT);
	assert_int_equal(table_count, 3);
	/* the bus's other devices and every other bus: unchanged */
	for (unsigned int devfn = 0; devfn < 256; devfn++)
		if (devfn != 0x10)
			expect_entry((uint16_t)devfn, dom0_entry);
	for (unsigned int bus = 1; bus < 256; bus++) {
		assert_true(bus_shared(bus));
		expect_entry((uint16_t)(bus << 8 | 0x10), dom0_entry);
	}
	/* the shared table itself is untouched */
	assert_int_equal(((uint64_t *)(uintptr_t)ctx.shared)[2 * 0x10], dom0_entry[0]);

	e = vtd_ctx_lookup(&ctx, 0x0010);
	/* own table written back, root entry changed and written back, context cache told */
	assert_int_equal(events[0].kind, WRITE_BACK);
	assert_ptr_equal(events[0].p, (void *)(uintptr_t)ctx.own[0]);
	assert_int_equal(events[0].len, 4096);
	expect_written_back(1, root_entry(0));
	assert_int_equal(events[2].kind, CONTEXT_ALL);
	assert_int_equal(events[2].root_lo, ctx.own[0] | VTD_ROOT_PRESENT);
	/* the entry made not present and written back, then the old domain's caches */
	expect_written_back(3, e);
	assert_int_equal(events[4].kind, DEVICE_LEFT);
	assert_int_equal(events[4].did, DOM0_DID);
	assert_int_equal(events[4].bdf, 0x0010);
	assert_int_equal(events[4].entry_lo & VTD_CONTEXT_PRESENT, 0);
	/* the new entry written back, then the new domain told */
	expect_written_back(5, e);
	assert_int_equal(events[6].kind, DEVICE_ENTERED);
	assert_int_equal(events[6].did, QUARANTINE_DID);
	assert_int_equal(events[6].entry_lo, quarantine_entry[0]);
	assert_int_equal(nevents, 7);
}

static void test_attach_back_restores_the_shared_table(void **state)
{
	uint64_t own;

	assert_int_equal(vtd_ctx_attach(&ctx, 0x0310, quarantine_entry, &flush), 0);
	own = ctx.own[3];
	nevents = 0;
	assert_int_equal(vtd_ctx_attach(&ctx, 0x0310, dom0_entry, &flush), 0);
	expect_entry(0x0310, dom0_entry);
	expect_all_shared();
	assert_int_equal(freed, 1);
	assert_true(table_freed[table_index(own)]);
	/* left quarantine, entered dom0, then the root entry back and the context cache told */
	assert_int_equal(events[1].kind, DEVICE_LEFT);
	assert_int_equal(events[1].did, QUARANTINE_DID);
	assert_int_equal(events[3].kind, DEVICE_ENTERED);
	assert_int_equal(events[3].did, DOM0_DID);
	expect_written_back(4, root_entry(3));
	assert_int_equal(events[5].kind, CONTEXT_ALL);
	assert_int_equal(events[5].root_lo, ctx.shared | VTD_ROOT_PRESENT);
	assert_int_equal(nevents, 6);
}

static void test_back_and_forth(void **state)
{
	for (unsigned int round = 0; round < 5; round++) {
		assert_int_equal(vtd_ctx_attach(&ctx, 0x0010, quarantine_entry, &flush), 0);
		expect_entry(0x0010, quarantine_entry);
		assert_int_equal(vtd_ctx_attach(&ctx, 0x0010, guest_entry, &flush), 0);
		expect_entry(0x0010, guest_entry);
		assert_int_equal(vtd_ctx_attach(&ctx, 0x0010, dom0_entry, &flush), 0);
		expect_entry(0x0010, dom0_entry);
		expect_all_shared();
	}
	assert_int_equal(freed, 5);
	assert_int_equal(table_count, 2 + 5);
}

static void test_two_devices_on_one_bus(void **state)
{
	assert_int_equal(vtd_ctx_attach(&ctx, 0x0010, quarantine_entry, &flush), 0);
	assert_int_equal(vtd_ctx_attach(&ctx, 0x0018, guest_entry, &flush), 0);
	assert_int_equal(table_count, 3); /* one own table for bus 0 */
	expect_entry(0x0010, quarantine_entry);
	expect_entry(0x0018, guest_entry);
	expect_entry(0x0008, dom0_entry);
	/* one back: the bus still differs, keeps its table */
	assert_int_equal(vtd_ctx_attach(&ctx, 0x0010, dom0_entry, &flush), 0);
	assert_false(bus_shared(0));
	assert_int_equal(freed, 0);
	expect_entry(0x0010, dom0_entry);
	expect_entry(0x0018, guest_entry);
	/* both back: shared again */
	assert_int_equal(vtd_ctx_attach(&ctx, 0x0018, dom0_entry, &flush), 0);
	expect_all_shared();
	assert_int_equal(freed, 1);
}

static void test_devices_on_two_buses(void **state)
{
	assert_int_equal(vtd_ctx_attach(&ctx, 0x0010, quarantine_entry, &flush), 0);
	assert_int_equal(vtd_ctx_attach(&ctx, 0xff07, quarantine_entry, &flush), 0);
	assert_int_not_equal(ctx.own[0], ctx.own[0xff]);
	expect_entry(0x0010, quarantine_entry);
	expect_entry(0xff07, quarantine_entry);
	expect_entry(0xff10, dom0_entry);
	expect_entry(0x0007, dom0_entry);
	assert_true(bus_shared(1));
	assert_int_equal(vtd_ctx_attach(&ctx, 0xff07, dom0_entry, &flush), 0);
	assert_true(bus_shared(0xff));
	assert_false(bus_shared(0));
}

static void test_same_entry_changes_nothing(void **state)
{
	assert_int_equal(vtd_ctx_attach(&ctx, 0x0010, dom0_entry, &flush), 0);
	assert_int_equal(nevents, 0);
	assert_int_equal(table_count, 2);
	assert_int_equal(vtd_ctx_attach(&ctx, 0x0010, guest_entry, &flush), 0);
	nevents = 0;
	assert_int_equal(vtd_ctx_attach(&ctx, 0x0010, guest_entry, &flush), 0);
	assert_int_equal(nevents, 0);
}

static void test_enomem_changes_nothing(void **state)
{
	budget = 0;
	assert_int_equal(vtd_ctx_attach(&ctx, 0x0010, quarantine_entry, &flush), -ENOMEM);
	expect_all_shared();
	expect_entry(0x0010, dom0_entry);
	assert_int_equal(nevents, 0);
}

static void test_timeout_leaves_the_device_blocked(void **state)
{
	fail_kind = DEVICE_LEFT;
	assert_int_equal(vtd_ctx_attach(&ctx, 0x0010, quarantine_entry, &flush), -ETIMEDOUT);
	/* not present: neither space until a later attach completes */
	assert_int_equal(vtd_ctx_lookup(&ctx, 0x0010)[0] & VTD_CONTEXT_PRESENT, 0);
	assert_int_equal(events[nevents - 1].kind, DEVICE_LEFT);
	/* the next attach empties the old domain's caches again before the new entry */
	fail_kind = -1;
	nevents = 0;
	assert_int_equal(vtd_ctx_attach(&ctx, 0x0010, quarantine_entry, &flush), 0);
	expect_entry(0x0010, quarantine_entry);
	assert_int_equal(events[1].kind, DEVICE_LEFT);
	assert_int_equal(events[1].did, DOM0_DID);
	assert_int_equal(events[3].kind, DEVICE_ENTERED);
}

static void test_unconfirmed_table_not_freed(void **state)
{
	uint64_t own;

	assert_int_equal(vtd_ctx_attach(&ctx, 0x0010, quarantine_entry, &flush), 0);
	own = ctx.own[0];
	fail_kind = CONTEXT_ALL;
	assert_int_equal(vtd_ctx_attach(&ctx, 0x0010, dom0_entry, &flush), -ETIMEDOUT);
	/* the root entry is back, but the unit may still read the bus's table */
	assert_true(bus_shared(0));
	assert_int_equal(freed, 0);
	assert_int_equal(ctx.own[0], own);
	/* a later confirmed context invalidation frees it */
	fail_kind = -1;
	assert_int_equal(vtd_ctx_attach(&ctx, 0x0110, quarantine_entry, &flush), 0);
	assert_int_equal(vtd_ctx_attach(&ctx, 0x0110, dom0_entry, &flush), 0);
	assert_true(table_freed[table_index(own)]);
	expect_all_shared();
}

static void test_fill_after_attach(void **state)
{
	assert_int_equal(vtd_ctx_attach(&ctx, 0x0010, quarantine_entry, &flush), 0);
	assert_int_equal(vtd_ctx_attach(&ctx, 0x2010, quarantine_entry, &flush), 0);
	vtd_ctx_fill(&ctx, guest_entry);
	/* every root entry at the shared table again; the buses' tables kept until told */
	for (unsigned int bus = 0; bus < 256; bus++)
		assert_true(bus_shared(bus));
	expect_entry(0x0010, guest_entry);
	assert_int_equal(freed, 0);
	vtd_ctx_free_unused(&ctx);
	assert_int_equal(freed, 2);
	expect_all_shared();
}

static void test_init_enomem(void **state)
{
	struct vtd_ctx other;

	budget = 1;
	assert_int_equal(vtd_ctx_init(&other, &ops), -ENOMEM);
	assert_int_equal(other.root, 0);
	assert_int_equal(freed, 1); /* the root table it had */
	vtd_ctx_destroy(&other); /* nothing */
	assert_int_equal(freed, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_entry_format),
		T(test_fill_shares_one_table),
		T(test_fill_written_back),
		T(test_attach_gives_the_bus_its_own_table),
		T(test_attach_back_restores_the_shared_table),
		T(test_back_and_forth),
		T(test_two_devices_on_one_bus),
		T(test_devices_on_two_buses),
		T(test_same_entry_changes_nothing),
		T(test_enomem_changes_nothing),
		T(test_timeout_leaves_the_device_blocked),
		T(test_unconfirmed_table_not_freed),
		T(test_fill_after_attach),
		T(test_init_enomem),
	};

	alarm(20); /* a hang is a failure */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
