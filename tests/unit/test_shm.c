/*
 * Host tests for shared memory segments (xen-lite/shm.c) and their
 * hypercall (hypercalls/shm_call.c) against the ABI in
 * hypercalls/xen-lite-abi.h (XL_HC_SHM).
 *
 * NR_DOMS fake domains (dom0 is id 0), each with 64 KiB of RAM for requests
 * and answers. The guest pool and the nested page tables are those of
 * tests/unit/fake_pool.h: junk until allocated, 2 MiB blocks refused on
 * demand (fragmented memory), allocations failing after a number of them,
 * mappings refused where the domain has something; every test ends with the
 * pool empty once all is destroyed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite-abi.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/heap.h>
#include <xen-lite/hypercall.h>
#include <xen-lite/mm.h>
#include <xen-lite/shm.h>

#include "fake_pool.h"
#include "log_capture.h"

#define NR_DOMS 10
#define MEM_SIZE (64 * 1024)
#define START_INFO 0x2000
#define REQ 0x100
#define ANSWER 0x800
#define POOL_PAGES FAKE_POOL_MAX_PAGES /* 10 MiB: five 2 MiB blocks */

static struct domain doms[NR_DOMS];
static struct vcpu vcpus[NR_DOMS];
static uint8_t *mem[NR_DOMS];
static struct domain *dom0 = &doms[0], *d1 = &doms[1], *d2 = &doms[2];

/* ---- the guest pool (tests/unit/fake_pool.c) ------------------------------------------------ */

void *phys_to_virt(uint64_t pa)
{
	void *p = fake_pool_virt(pa);

	assert_non_null(p); /* only segments' memory is reached */
	return p;
}

/* ---- the heap, domains, guest memory, the lifecycle lock ---------------------------------- */

static int live_allocs;
static bool locked;

void *xl_zalloc(size_t size)
{
	void *p = calloc(1, size);

	live_allocs += p != NULL;
	return p;
}

void xl_free(void *p)
{
	live_allocs -= p != NULL;
	free(p);
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	snprintf(dst, size, "%s", src);
	return strlen(src);
}

struct domain *domain_find(uint32_t id)
{
	for (unsigned int i = 0; i < NR_DOMS; i++)
		if (doms[i].id == id)
			return &doms[i];
	return NULL;
}

bool domain_has_ended(const struct domain *d)
{
	return d->state == DOMAIN_SHUTDOWN || d->state == DOMAIN_CRASHED || d->state == DOMAIN_DYING;
}

static uint8_t *ram_of(const struct domain *d)
{
	assert_true(d >= doms && d < doms + NR_DOMS);
	return mem[d - doms];
}

int copy_to_guest(struct domain *d, gpa_t at, const void *src, uint64_t len)
{
	uint64_t gpa = gpa_addr(at);

	if (gpa + len < gpa || gpa + len > MEM_SIZE)
		return -EFAULT;
	memcpy(ram_of(d) + gpa, src, len);
	return 0;
}

int copy_from_guest(struct domain *d, void *dst, gpa_t at, uint64_t len)
{
	uint64_t gpa = gpa_addr(at);

	if (gpa + len < gpa || gpa + len > MEM_SIZE)
		return -EFAULT;
	memcpy(dst, ram_of(d) + gpa, len);
	return 0;
}

void guest_lifecycle_lock(void)
{
	assert_false(locked);
	locked = true;
}

void guest_lifecycle_unlock(void)
{
	assert_true(locked);
	locked = false;
}

/* ---- the nested page tables (tests/unit/fake_pool.c): each unmap recorded too ---------------------- */

static unsigned int map_calls;
static struct {
	struct domain *d;
	uint64_t gpa, size;
} unmaps[16];
static unsigned int nr_unmaps;
/* while set: what the domain's QUERY would list, looked at as each block is mapped (the most seen) */
static bool query_while_mapping;
static unsigned int listed_while_mapping;

int arch_domain_map_perms(struct domain *d, gpa_t at, hpa_t hpa, uint64_t size, unsigned int perms)
{
	map_calls++;
	if (query_while_mapping) {
		struct xl_shm_info list[XL_SHM_MAX_SEGMENTS];
		unsigned int n = shm_domain_mappings(d, NULL, 0), listed = 0;

		for (unsigned int i = 0, k = shm_list(list, XL_SHM_MAX_SEGMENTS); i < k; i++)
			listed += list[i].nr_attached;
		n = n > listed ? n : listed;
		listed_while_mapping = n > listed_while_mapping ? n : listed_while_mapping;
	}
	return fake_npt_map(d, gpa_addr(at), hpa, size, perms);
}

int arch_domain_unmap(struct domain *d, gpa_t at, uint64_t size)
{
	bool cut;

	assert_true(nr_unmaps < 16);
	unmaps[nr_unmaps].d = d;
	unmaps[nr_unmaps].gpa = gpa_addr(at);
	unmaps[nr_unmaps].size = size;
	nr_unmaps++;
	fake_npt_unmap(d, gpa_addr(at), size, &cut);
	assert_false(cut); /* whole mappings only */
	return 0;
}

/* ---- the event channels and the architecture's devices, as the segments' devices reach them ---- */

static struct {
	unsigned int calls, n;
	struct domain *d;
	struct xl_shm_mapping m[XL_SHM_MAX_PER_DOMAIN];
	uint64_t regs;
	const struct shm_device_ops *ops;
} shown;
static struct {
	struct domain *d;
	uint32_t port, vcpu, vector;
} last_event;

void arch_domain_show_segments(struct domain *d, const struct xl_shm_mapping *m, unsigned int n, uint64_t regs,
			       const struct shm_device_ops *ops)
{
	shown.calls++;
	shown.d = d;
	shown.n = n;
	memcpy(shown.m, m, n * sizeof(*m));
	shown.regs = regs;
	shown.ops = ops;
}

int event_send(struct domain *d, uint32_t port)
{
	last_event.d = d;
	last_event.port = port;
	return -ENOENT;
}

int event_bind(struct domain *d, uint32_t port, uint32_t vcpu, uint32_t vector)
{
	last_event.d = d;
	last_event.port = port;
	last_event.vcpu = vcpu;
	last_event.vector = vector;
	return 0;
}

int event_set_page(struct domain *d, gpa_t gpa)
{
	last_event.d = d;
	last_event.port = (uint32_t)gpa_addr(gpa);
	return -EINVAL;
}

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

/* Bytes mapped for d in [gpa, gpa + size); each mapping's permissions must be perms. */
static uint64_t mapped(const struct domain *d, uint64_t gpa, uint64_t size, unsigned int perms)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < fake_nr_maps; i++) {
		if (fake_maps[i].d != d || !overlaps(gpa, size, fake_maps[i].gpa, fake_maps[i].size))
			continue;
		assert_int_equal(fake_maps[i].perms, perms);
		n += fake_maps[i].size;
	}
	return n;
}

/* ---- setup and teardown ------------------------------------------------------------------- */

static int setup(void **state)
{
	fake_pool_reset(POOL_PAGES); /* a leak fails its own test's teardown, not the next */
	memset(doms, 0, sizeof(doms));
	memset(vcpus, 0, sizeof(vcpus));
	for (unsigned int i = 0; i < NR_DOMS; i++) {
		struct domain *d = &doms[i];

		d->id = i;
		d->privileged = i == 0;
		d->state = DOMAIN_RUNNING;
		d->mem_size = d->mem_end = MEM_SIZE;
		d->nr_vcpus = 1;
		d->vcpus[0] = &vcpus[i];
		vcpus[i].domain = d;
		mem[i] = calloc(1, MEM_SIZE);
		assert_non_null(mem[i]);
	}
	nr_unmaps = map_calls = 0;
	memset(&shown, 0, sizeof(shown));
	memset(&last_event, 0, sizeof(last_event));
	query_while_mapping = false;
	listed_while_mapping = 0;
	live_allocs = 0;
	locked = false;
	log_capture_reset();
	return 0;
}

/* Everything goes: the domains' attachments, then every segment left; nothing may stay. */
static int teardown(void **state)
{
	struct xl_shm_info list[XL_SHM_MAX_SEGMENTS];
	unsigned int n;

	for (unsigned int i = 0; i < NR_DOMS; i++) {
		shm_domain_destroyed(&doms[i]);
		assert_int_equal(doms[i].nr_shm, 0);
	}
	n = shm_list(list, XL_SHM_MAX_SEGMENTS);
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(list[i].nr_attached, 0);
		assert_false(list[i].flags & XL_SHM_DESTROYED); /* those went with their last domain */
		assert_int_equal(shm_destroy(list[i].name), 0);
	}
	assert_int_equal(shm_list(list, XL_SHM_MAX_SEGMENTS), 0);
	assert_int_equal(fake_pool_used_pages(), 0);
	assert_int_equal(live_allocs, 0);
	assert_false(locked);
	for (unsigned int i = 0; i < NR_DOMS; i++)
		free(mem[i]);
	return 0;
}

static unsigned int nr_segments(void)
{
	struct xl_shm_info list[XL_SHM_MAX_SEGMENTS];

	return shm_list(list, XL_SHM_MAX_SEGMENTS);
}

static struct xl_shm_info info_of(const char *name)
{
	struct xl_shm_info list[XL_SHM_MAX_SEGMENTS];
	unsigned int n = shm_list(list, XL_SHM_MAX_SEGMENTS);

	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(list[i].name, name))
			return list[i];
	fail_msg("no segment '%s'", name);
	return list[0];
}

static uint64_t attach(const char *name, struct domain *d, uint32_t flags)
{
	uint64_t gpa = 0;

	assert_int_equal(shm_attach(name, d->id, flags, &gpa), 0);
	return gpa;
}

/* ---- create -------------------------------------------------------------------------------- */

static void test_create_names(void **state)
{
	static const char *const bad[] = { "", "a b", "a/b", "a\\b", "a:b", "x\xc3\xa9", "ring\n", "*" };
	char longest[XL_SHM_NAME_MAX], too_long[XL_SHM_NAME_MAX + 1];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(shm_create(bad[i], PAGE_SIZE, 0), -EINVAL);
	memset(too_long, 'n', XL_SHM_NAME_MAX);
	too_long[XL_SHM_NAME_MAX] = '\0';
	assert_int_equal(shm_create(too_long, PAGE_SIZE, 0), -EINVAL);
	assert_int_equal(nr_segments(), 0);
	assert_int_equal(fake_pool_used_pages(), 0);

	memset(longest, 'n', XL_SHM_NAME_MAX - 1);
	longest[XL_SHM_NAME_MAX - 1] = '\0';
	assert_int_equal(shm_create(longest, PAGE_SIZE, 0), 0);
	assert_int_equal(shm_create("AZaz09._-", PAGE_SIZE, 0), 0);
	assert_int_equal(nr_segments(), 2);
	assert_string_equal(info_of(longest).name, longest);
}

static void test_create_sizes_flags(void **state)
{
	assert_int_equal(shm_create("s", 0, 0), -EINVAL);
	assert_int_equal(shm_create("s", PAGE_SIZE - 1, 0), -EINVAL);
	assert_int_equal(shm_create("s", PAGE_SIZE + 512, 0), -EINVAL);
	assert_int_equal(shm_create("s", XL_SHM_MAX_SIZE + PAGE_SIZE, 0), -EINVAL);
	assert_int_equal(shm_create("s", ~0ULL & ~0xfffULL, 0), -EINVAL);
	assert_int_equal(shm_create("s", PAGE_SIZE, XL_SHM_READ_ONLY), -EINVAL);
	assert_int_equal(shm_create("s", PAGE_SIZE, XL_SHM_DESTROYED), -EINVAL);
	assert_int_equal(shm_create("s", PAGE_SIZE, 8), -EINVAL);
	assert_int_equal(nr_segments(), 0);
	/* the largest size is allowed, and refused only for want of memory */
	assert_int_equal(shm_create("s", XL_SHM_MAX_SIZE, 0), -ENOMEM);
	assert_int_equal(shm_create("s", PAGE_SIZE, XL_SHM_AUTO), 0);
	assert_int_equal(info_of("s").size, PAGE_SIZE);
	assert_int_equal(info_of("s").flags, XL_SHM_AUTO);
}

static void test_create_duplicate_full(void **state)
{
	char name[16];

	assert_int_equal(shm_create("dup", 2 * PAGE_SIZE, 0), 0);
	assert_int_equal(shm_create("dup", PAGE_SIZE, 0), -EEXIST);
	assert_int_equal(fake_pool_used_pages(), 2); /* the refused one's memory went back */
	assert_int_equal(live_allocs, 0); /* a segment takes nothing from the heap */
	for (int i = 1; i < XL_SHM_MAX_SEGMENTS; i++) {
		snprintf(name, sizeof(name), "seg%d", i);
		assert_int_equal(shm_create(name, PAGE_SIZE, 0), 0);
	}
	assert_int_equal(shm_create("one-more", PAGE_SIZE, 0), -ENOSPC);
	assert_int_equal(nr_segments(), XL_SHM_MAX_SEGMENTS);
	assert_int_equal(fake_pool_used_pages(), 2 + XL_SHM_MAX_SEGMENTS - 1);
	/* a destroyed one's place is free again */
	assert_int_equal(shm_destroy("seg7"), 0);
	assert_int_equal(shm_create("one-more", PAGE_SIZE, 0), 0);
}

static void test_create_memory_short(void **state)
{
	/* more than is free: refused before anything is taken */
	assert_int_equal(shm_create("big", (POOL_PAGES + 1) * PAGE_SIZE, 0), -ENOMEM);
	assert_int_equal(map_calls, 0);
	/* enough free pages, but the allocator gives none */
	fake_pool_allocs_left = 0;
	assert_int_equal(shm_create("big", SIZE_2M + 8 * PAGE_SIZE, 0), -ENOMEM);
	assert_int_equal(nr_segments(), 0);
	assert_int_equal(fake_pool_used_pages(), 0);
	assert_int_equal(live_allocs, 0);
	fake_pool_allocs_left = -1;
	assert_int_equal(shm_create("big", SIZE_2M + 8 * PAGE_SIZE, 0), 0);
}

/*
 * A segment is one piece: memory fragmented so that no free run is long
 * enough refuses it, and nothing is kept; no large alignment to be had, a
 * page-aligned piece does.
 */
static void test_create_fragmented(void **state)
{
	hpa_t held[POOL_PAGES / 2];

	/* every other page taken: no two free pages side by side */
	for (unsigned int i = 0; i < POOL_PAGES / 2; i++) {
		held[i] = phys_alloc_contiguous(PAGE_SIZE, 2 * PAGE_SIZE);
		assert_true(hpa_addr(held[i]) != 0);
	}
	assert_int_equal(shm_create("frag", 2 * PAGE_SIZE, 0), -ENOMEM);
	assert_int_equal(nr_segments(), 0);
	assert_int_equal(fake_pool_used_pages(), POOL_PAGES / 2);
	assert_int_equal(live_allocs, 0);
	assert_int_equal(shm_create("frag", PAGE_SIZE, 0), 0); /* one page still fits */
	assert_int_equal(shm_destroy("frag"), 0);
	for (unsigned int i = 0; i < POOL_PAGES / 2; i++)
		phys_free(held[i], PAGE_SIZE);
	/* no 2 MiB alignment to be had: 2 MiB in one page-aligned piece */
	fake_pool_no_2m = true;
	assert_int_equal(shm_create("frag", SIZE_2M, 0), 0);
	assert_int_equal(fake_pool_used_pages(), 512);
}

/* What a segment is made of (its mappings in a domain), and that all of it reads zero. */
static void check_zeroed(const struct domain *d, uint64_t gpa, uint64_t size)
{
	uint64_t seen = 0;

	for (unsigned int i = 0; i < fake_nr_maps; i++) {
		const uint8_t *p;

		if (fake_maps[i].d != d || !overlaps(gpa, size, fake_maps[i].gpa, fake_maps[i].size))
			continue;
		p = phys_to_virt(hpa_addr(fake_maps[i].hpa));
		for (uint64_t b = 0; b < fake_maps[i].size; b++)
			if (p[b])
				fail_msg("byte %#llx of the block at %#llx is %#x", (unsigned long long)b,
					 (unsigned long long)fake_maps[i].gpa, p[b]);
		seen += fake_maps[i].size;
	}
	assert_int_equal(seen, size);
}

static void test_create_zeroed(void **state)
{
	uint64_t gpa, size = SIZE_2M + 2 * PAGE_SIZE;

	assert_int_equal(shm_create("zero", size, 0), 0);
	gpa = attach("zero", d1, 0);
	check_zeroed(d1, gpa, size);
	/* one piece, one mapping: the nested page tables use the largest pages it allows */
	assert_int_equal(fake_npt_count(d1), 1);
	assert_int_equal(mapped(d1, gpa, size, GUEST_PERM_READ | GUEST_PERM_WRITE), size);

	/* freed memory is junk again; a new segment on it is zeroed again */
	shm_domain_destroyed(d1);
	fake_nr_maps = 0; /* its page tables went with it */
	assert_int_equal(shm_destroy("zero"), 0);
	assert_int_equal(fake_pool_used_pages(), 0);
	fake_pool_no_2m = true; /* no large alignment: page-aligned */
	size = 16 * PAGE_SIZE;
	assert_int_equal(shm_create("zero", size, 0), 0);
	gpa = attach("zero", d1, XL_SHM_READ_ONLY);
	assert_int_equal(fake_npt_count(d1), 1);
	check_zeroed(d1, gpa, size);
}

/* ---- attach and detach ------------------------------------------------------------------------ */

static void test_attach_permissions(void **state)
{
	uint64_t ro, rw;

	assert_int_equal(shm_create("ring", SIZE_2M, 0), 0);
	ro = attach("ring", d1, XL_SHM_READ_ONLY);
	rw = attach("ring", d2, 0);
	/* read-only from the first moment it is mapped; never executable */
	assert_int_equal(mapped(d1, ro, SIZE_2M, GUEST_PERM_READ), SIZE_2M);
	assert_int_equal(mapped(d2, rw, SIZE_2M, GUEST_PERM_READ | GUEST_PERM_WRITE), SIZE_2M);
	for (unsigned int i = 0; i < fake_nr_maps; i++)
		assert_false(fake_maps[i].perms & GUEST_PERM_EXEC);
	assert_int_equal(hpa_addr(fake_maps[0].hpa), hpa_addr(fake_maps[1].hpa)); /* the same memory */
	assert_int_equal(d1->nr_shm, 1);
	assert_int_equal(d2->nr_shm, 1);
	assert_int_equal(shm_attach("ring", 3, 2, &ro), -EINVAL); /* not a flag of attach */
	assert_int_equal(shm_attach("ring", 3, XL_SHM_AUTO, &ro), -EINVAL);
	assert_int_equal(fake_npt_count(&doms[3]), 0);
}

static void test_attach_addresses(void **state)
{
	uint64_t gpa;

	assert_int_equal(shm_create("a", PAGE_SIZE, 0), 0);
	assert_int_equal(shm_create("b", 3 * PAGE_SIZE, 0), 0);
	/* above everything of the domain, at a slot's boundary */
	assert_int_equal(attach("a", d1, 0), XL_SHM_GPA_BASE);
	assert_int_equal(attach("b", d1, 0), XL_SHM_GPA_BASE + XL_SHM_MAX_SIZE); /* the next slot */
	doms[3].mem_end = XL_SHM_GPA_BASE + 5 * SIZE_1G; /* RAM above the base */
	gpa = attach("a", &doms[3], 0);
	assert_int_equal(gpa, XL_SHM_GPA_BASE + XL_SHM_MAX_SIZE);
	doms[4].gpa_top = 3 * XL_SHM_GPA_BASE + 1; /* its own addresses reach higher */
	gpa = attach("a", &doms[4], 0);
	assert_int_equal(gpa, 3 * XL_SHM_GPA_BASE + XL_SHM_MAX_SIZE);
	/* a BAR in the first slot: the next one */
	doms[5].nr_pci = 1;
	doms[5].pci[0].bar[2] = XL_SHM_GPA_BASE + XL_SHM_MAX_SIZE - 0x1000;
	doms[5].pci[0].bar_size[2] = 0x1000;
	gpa = attach("a", &doms[5], 0);
	assert_int_equal(gpa, XL_SHM_GPA_BASE + XL_SHM_MAX_SIZE);
	gpa = attach("b", &doms[5], 0);
	assert_int_equal(gpa, XL_SHM_GPA_BASE + 2 * XL_SHM_MAX_SIZE);
	/* something the slot check does not know of, found by the mapping: the next slot */
	fake_maps[fake_nr_maps++] = (struct fake_mapping){ &doms[6], XL_SHM_GPA_BASE + PAGE_SIZE, PAGE_SIZE, { 0 }, 0 };
	nr_unmaps = 0;
	gpa = attach("b", &doms[6], 0);
	assert_int_equal(gpa, XL_SHM_GPA_BASE + XL_SHM_MAX_SIZE);
	assert_int_equal(mapped(&doms[6], gpa, XL_SHM_MAX_SIZE, GUEST_PERM_READ | GUEST_PERM_WRITE),
			 3 * PAGE_SIZE);
	/* one piece, refused whole in the first slot: nothing to take back there */
	assert_int_equal(nr_unmaps, 0);
	assert_int_equal(fake_npt_count(&doms[6]), 2); /* that something, and the segment */
}

/* At its first run a guest's segments are shown as devices, registers just below the slots */
static void test_first_run_shows_segments(void **state)
{
	const struct shm_device_ops *ops;

	assert_int_equal(shm_create("a", PAGE_SIZE, 0), 0);
	assert_int_equal(shm_create("b", 3 * PAGE_SIZE, 0), 0);
	shm_domain_first_run(d1); /* nothing attached: nothing shown */
	assert_int_equal(shown.calls, 0);
	assert_int_equal(attach("a", d1, 0), XL_SHM_GPA_BASE);
	assert_int_equal(attach("b", d1, XL_SHM_READ_ONLY), XL_SHM_GPA_BASE + XL_SHM_MAX_SIZE);
	shm_domain_first_run(d1);
	assert_int_equal(shown.calls, 1);
	assert_ptr_equal(shown.d, d1);
	assert_int_equal(shown.n, 2);
	assert_int_equal(shown.regs, XL_SHM_GPA_BASE - SHM_PCI_REGS_SIZE);
	assert_string_equal(shown.m[0].name, "a");
	assert_int_equal(shown.m[0].gpa, XL_SHM_GPA_BASE);
	assert_int_equal(shown.m[1].size, 3 * PAGE_SIZE);
	assert_int_equal(shown.m[1].flags, XL_SHM_READ_ONLY);
	/* what the devices may ask: their own segment, still there; the events, by APIC id */
	ops = shown.ops;
	assert_true(ops->attached(d1, "a", XL_SHM_GPA_BASE));
	assert_false(ops->attached(d1, "a", XL_SHM_GPA_BASE + XL_SHM_MAX_SIZE)); /* not there */
	assert_false(ops->attached(d2, "a", XL_SHM_GPA_BASE));
	assert_int_equal(shm_detach("a", 1), 0);
	assert_false(ops->attached(d1, "a", XL_SHM_GPA_BASE));
	assert_int_equal(ops->bind(d1, 5, 3, 0x41), 0);
	assert_int_equal(last_event.port, 5);
	assert_int_equal(last_event.vcpu, 3);
	assert_int_equal(last_event.vector, 0x41 | XL_EVENT_BIND_APIC_ID);
	assert_int_equal(ops->send(d1, 7), -ENOENT);
	assert_int_equal(last_event.port, 7);
	assert_int_equal(ops->set_event_page(d1, gpa_init(0x3000)), -EINVAL);
	assert_int_equal(last_event.port, 0x3000);
	/* dom0 has no such devices */
	assert_int_equal(attach("b", dom0, 0) != 0, 1);
	shm_domain_first_run(dom0);
	assert_int_equal(shown.calls, 1);
}

/* No room below the slots (its memory reaches them, or a BAR is there): no devices, a warning */
static void test_first_run_without_room(void **state)
{
	uint64_t regs, slots, size;

	assert_int_equal(shm_create("a", PAGE_SIZE, 0), 0);
	assert_true(shm_guest_pci_layout(d1, &regs, &slots, &size));
	assert_int_equal(slots, XL_SHM_GPA_BASE);
	assert_int_equal(regs, XL_SHM_GPA_BASE - SHM_PCI_REGS_SIZE);
	doms[3].mem_end = XL_SHM_GPA_BASE + XL_SHM_MAX_SIZE; /* RAM right up to the slots it gets */
	assert_false(shm_guest_pci_layout(&doms[3], &regs, &slots, &size));
	assert_int_equal(attach("a", &doms[3], 0), XL_SHM_GPA_BASE + XL_SHM_MAX_SIZE);
	log_capture_reset();
	shm_domain_first_run(&doms[3]);
	assert_int_equal(shown.calls, 0);
	assert_true(log_capture_contains("they are not shown as devices"));
	doms[4].nr_pci = 1; /* a BAR on the registers */
	doms[4].pci[0].bar[0] = XL_SHM_GPA_BASE - PAGE_SIZE;
	doms[4].pci[0].bar_size[0] = PAGE_SIZE;
	assert_false(shm_guest_pci_layout(&doms[4], &regs, &slots, &size));
	assert_false(shm_guest_pci_layout(dom0, &regs, &slots, &size));
}

/* dom0 is identity-mapped: it finds a segment at its host-physical address, one piece */
static void test_attach_dom0_identity(void **state)
{
	uint64_t gpa;

	assert_int_equal(shm_create("ring", SIZE_2M + 3 * PAGE_SIZE, 0), 0);
	gpa = attach("ring", &doms[0], 0);
	assert_int_equal(fake_nr_maps, 1);
	assert_int_equal(gpa, hpa_addr(fake_maps[0].hpa));
	assert_int_equal(fake_maps[0].gpa, gpa);
	assert_int_equal(mapped(&doms[0], gpa, SIZE_2M + 3 * PAGE_SIZE, GUEST_PERM_READ | GUEST_PERM_WRITE),
			 SIZE_2M + 3 * PAGE_SIZE);
	/* a guest has the same memory above its own addresses */
	assert_int_equal(attach("ring", d1, 0), XL_SHM_GPA_BASE);
	assert_int_equal(hpa_addr(fake_maps[1].hpa), gpa);
	/* something of dom0's there already: refused, not placed elsewhere */
	assert_int_equal(shm_create("two", PAGE_SIZE, 0), 0);
	fake_maps[fake_nr_maps++] = (struct fake_mapping){ &doms[0], FAKE_POOL_HPA, 1ULL << 30, { 0 }, 0 };
	assert_int_equal(shm_attach("two", 0, 0, &gpa), -ENOSPC);
	assert_int_equal(doms[0].nr_shm, 1);
}

/*
 * A segment being attached is not listed (QUERY by the domain itself takes
 * only the table's lock) before all of it is mapped: a guest must not be told
 * an address it cannot use yet, or one it will not get.
 */
static void test_attach_listed_once_mapped(void **state)
{
	uint64_t gpa;

	assert_int_equal(shm_create("ring", SIZE_2M + 2 * PAGE_SIZE, 0), 0);
	query_while_mapping = true;
	gpa = attach("ring", d1, 0);
	assert_int_equal(map_calls, 1);
	assert_int_equal(listed_while_mapping, 0);
	assert_int_equal(shm_domain_mappings(d1, NULL, 0), 1);
	/* the first slot refused half-way: never listed there */
	fake_maps[fake_nr_maps++] = (struct fake_mapping){ d2, XL_SHM_GPA_BASE + SIZE_2M, PAGE_SIZE, { 0 }, 0 };
	gpa = attach("ring", d2, 0);
	assert_int_equal(gpa, XL_SHM_GPA_BASE + XL_SHM_MAX_SIZE);
	assert_int_equal(listed_while_mapping, 1); /* d1's */
	query_while_mapping = false;
	assert_int_equal(shm_domain_mappings(d2, NULL, 0), 1);
}

static void test_attach_refused(void **state)
{
	uint64_t gpa = 0x1234;
	char name[16];

	assert_int_equal(shm_create("ring", PAGE_SIZE, 0), 0);
	attach("ring", d1, 0);
	assert_int_equal(shm_attach("ring", 1, 0, &gpa), -EEXIST);
	assert_int_equal(shm_attach("ring", 1, XL_SHM_READ_ONLY, &gpa), -EEXIST);
	assert_int_equal(shm_attach("nothing", 2, 0, &gpa), -ENOENT);
	assert_int_equal(shm_attach("ring", 77, 0, &gpa), -ENOENT);
	d2->state = DOMAIN_DYING;
	assert_int_equal(shm_attach("ring", 2, 0, &gpa), -ENOENT);
	d2->state = DOMAIN_CRASHED;
	assert_int_equal(shm_attach("ring", 2, 0, &gpa), -ENOENT);
	assert_int_equal(gpa, 0x1234);
	assert_int_equal(d1->nr_shm, 1);
	assert_int_equal(d2->nr_shm, 0);
	assert_int_equal(fake_npt_count(d2), 0);
	assert_int_equal(info_of("ring").nr_attached, 1);

	/* XL_SHM_MAX_PER_DOMAIN segments a domain */
	for (int i = 0; i < XL_SHM_MAX_PER_DOMAIN; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		assert_int_equal(shm_create(name, PAGE_SIZE, 0), 0);
		if (i)
			attach(name, d1, 0);
	}
	assert_int_equal(d1->nr_shm, XL_SHM_MAX_PER_DOMAIN);
	assert_int_equal(shm_attach("p0", 1, 0, &gpa), -ENOSPC);
	assert_int_equal(d1->nr_shm, XL_SHM_MAX_PER_DOMAIN);
	assert_int_equal(fake_npt_count(d1), XL_SHM_MAX_PER_DOMAIN);

	/* XL_SHM_MAX_ATTACH domains a segment: d1 and 7 more */
	for (unsigned int i = 3; i < 3 + XL_SHM_MAX_ATTACH - 1; i++)
		attach("ring", &doms[i], 0);
	assert_int_equal(info_of("ring").nr_attached, XL_SHM_MAX_ATTACH);
	d2->state = DOMAIN_RUNNING;
	assert_int_equal(shm_attach("ring", 2, 0, &gpa), -ENOSPC);
	assert_int_equal(fake_npt_count(d2), 0);
	/* a detach makes room */
	assert_int_equal(shm_detach("ring", 3), 0);
	attach("ring", d2, 0);
}

static void test_attach_mapping_fails(void **state)
{
	uint64_t gpa = 0;

	/* every slot taken by something of the domain's (a huge BAR): nothing kept */
	assert_int_equal(shm_create("ring", 2 * PAGE_SIZE, 0), 0);
	d1->nr_pci = 1;
	d1->pci[0].bar[0] = XL_SHM_GPA_BASE;
	d1->pci[0].bar_size[0] = 2 * XL_SHM_MAX_PER_DOMAIN * XL_SHM_MAX_SIZE;
	assert_int_equal(shm_attach("ring", 1, 0, &gpa), -ENOSPC);
	assert_int_equal(d1->nr_shm, 0);
	assert_int_equal(info_of("ring").nr_attached, 0);
	assert_int_equal(fake_npt_count(d1), 0);
}

static void test_detach(void **state)
{
	uint64_t gpa;

	assert_int_equal(shm_create("ring", SIZE_2M + PAGE_SIZE, 0), 0);
	assert_int_equal(shm_create("other", PAGE_SIZE, 0), 0);
	gpa = attach("ring", d1, 0);
	attach("other", d1, 0);
	assert_int_equal(shm_detach("ring", 2), -ENOENT); /* not attached there */
	assert_int_equal(shm_detach("ring", 77), -ENOENT);
	assert_int_equal(shm_detach("nothing", 1), -ENOENT);
	assert_int_equal(nr_unmaps, 0);

	assert_int_equal(shm_detach("ring", 1), 0);
	assert_int_equal(nr_unmaps, 1);
	assert_ptr_equal(unmaps[0].d, d1);
	assert_int_equal(unmaps[0].gpa, gpa);
	assert_int_equal(unmaps[0].size, SIZE_2M + PAGE_SIZE);
	assert_int_equal(mapped(d1, gpa, XL_SHM_MAX_SIZE, 0), 0);
	assert_int_equal(fake_npt_count(d1), 1); /* "other" stays */
	assert_int_equal(d1->nr_shm, 1);
	assert_int_equal(info_of("ring").nr_attached, 0);
	assert_int_equal(fake_pool_used_pages(), 512 + 2); /* not destroyed: its memory stays */
	assert_int_equal(shm_detach("ring", 1), -ENOENT);
	/* its slot is free again */
	assert_int_equal(attach("ring", d1, XL_SHM_READ_ONLY), gpa);
}

/* ---- destroy, automatic segments, a domain's destruction ------------------------------------------ */

static void test_destroy_while_attached(void **state)
{
	struct xl_shm_info info;
	uint64_t gpa = 0;

	assert_int_equal(shm_destroy("nothing"), -ENOENT);
	assert_int_equal(shm_create("ring", 4 * PAGE_SIZE, 0), 0);
	attach("ring", d1, 0);
	attach("ring", d2, XL_SHM_READ_ONLY);
	assert_int_equal(shm_destroy("ring"), 0);
	info = info_of("ring");
	assert_true(info.flags & XL_SHM_DESTROYED);
	assert_int_equal(info.nr_attached, 2);
	assert_int_equal(fake_pool_used_pages(), 4); /* kept while attached */
	assert_int_equal(fake_npt_count(d1) + fake_npt_count(d2), 2);
	/* the name is free at once; the new one is another segment */
	assert_int_equal(shm_destroy("ring"), -ENOENT);
	assert_int_equal(shm_attach("ring", 3, 0, &gpa), -ENOENT);
	assert_int_equal(shm_create("ring", PAGE_SIZE, 0), 0);
	assert_int_equal(nr_segments(), 2);
	assert_int_equal(fake_pool_used_pages(), 5);
	attach("ring", &doms[3], 0);
	assert_int_equal(fake_npt_count(&doms[3]), 1);

	/* the old one goes with the last domain that has it */
	shm_domain_destroyed(d1);
	assert_int_equal(fake_pool_used_pages(), 5);
	shm_domain_destroyed(d2);
	assert_int_equal(fake_pool_used_pages(), 1);
	assert_int_equal(nr_segments(), 1);
	assert_false(info_of("ring").flags & XL_SHM_DESTROYED);
	/* unattached: at once */
	assert_int_equal(shm_create("lone", PAGE_SIZE, 0), 0);
	assert_int_equal(shm_destroy("lone"), 0);
	assert_int_equal(fake_pool_used_pages(), 1);
}

/* A destroyed segment is detached by its name too: its memory goes with the last detach. */
static void test_detach_destroyed(void **state)
{
	struct xl_shm_info info;
	uint64_t g1, g2, g3;

	assert_int_equal(shm_create("ring", 4 * PAGE_SIZE, 0), 0);
	g1 = attach("ring", d1, 0);
	g2 = attach("ring", d2, XL_SHM_READ_ONLY);
	assert_int_equal(shm_destroy("ring"), 0);
	assert_int_equal(shm_detach("ring", 1), 0);
	assert_int_equal(nr_unmaps, 1);
	assert_int_equal(unmaps[0].gpa, g1);
	assert_int_equal(unmaps[0].size, 4 * PAGE_SIZE);
	assert_int_equal(fake_npt_count(d1), 0);
	assert_int_equal(d1->nr_shm, 0);
	info = info_of("ring");
	assert_int_equal(info.nr_attached, 1);
	assert_int_equal(fake_pool_used_pages(), 4); /* d2 still has it */
	assert_int_equal(shm_detach("ring", 1), -ENOENT);
	assert_int_equal(shm_detach("ring", 2), 0);
	assert_int_equal(unmaps[1].gpa, g2);
	assert_int_equal(nr_segments(), 0);
	assert_int_equal(fake_pool_used_pages(), 0);

	/* a new segment of the name beside the destroyed one, both on d1: the live one first */
	assert_int_equal(shm_create("ring", PAGE_SIZE, 0), 0);
	g1 = attach("ring", d1, 0);
	assert_int_equal(shm_destroy("ring"), 0);
	assert_int_equal(shm_create("ring", 2 * PAGE_SIZE, 0), 0);
	g3 = attach("ring", d1, 0);
	assert_int_equal(shm_detach("ring", 1), 0);
	assert_int_equal(unmaps[2].gpa, g3);
	assert_int_equal(unmaps[2].size, 2 * PAGE_SIZE);
	assert_int_equal(fake_pool_used_pages(), 3);
	assert_int_equal(shm_detach("ring", 1), 0);
	assert_int_equal(unmaps[3].gpa, g1);
	assert_int_equal(unmaps[3].size, PAGE_SIZE);
	assert_int_equal(fake_pool_used_pages(), 2); /* the live one, unattached */
	assert_false(info_of("ring").flags & XL_SHM_DESTROYED);
	assert_int_equal(d1->nr_shm, 0);
}

static void test_auto(void **state)
{
	assert_int_equal(shm_create("auto", 2 * PAGE_SIZE, XL_SHM_AUTO), 0);
	assert_int_equal(nr_segments(), 1); /* never attached: it stays */
	attach("auto", d1, 0);
	attach("auto", d2, 0);
	assert_int_equal(shm_detach("auto", 1), 0);
	assert_int_equal(nr_segments(), 1);
	assert_int_equal(fake_pool_used_pages(), 2);
	assert_int_equal(shm_detach("auto", 2), 0);
	assert_int_equal(nr_segments(), 0);
	assert_int_equal(fake_pool_used_pages(), 0);
	assert_int_equal(live_allocs, 0);

	/* with its last domain's destruction too */
	assert_int_equal(shm_create("auto", PAGE_SIZE, XL_SHM_AUTO), 0);
	attach("auto", d1, 0);
	shm_domain_destroyed(d1);
	assert_int_equal(nr_segments(), 0);
	assert_int_equal(fake_pool_used_pages(), 0);
}

static void test_domain_destroyed(void **state)
{
	assert_int_equal(shm_create("kept", PAGE_SIZE, 0), 0);
	assert_int_equal(shm_create("gone", 2 * PAGE_SIZE, 0), 0);
	assert_int_equal(shm_create("auto", 3 * PAGE_SIZE, XL_SHM_AUTO), 0);
	attach("kept", d1, 0);
	attach("gone", d1, 0);
	attach("auto", d1, 0);
	attach("kept", d2, 0);
	assert_int_equal(shm_destroy("gone"), 0);
	log_capture_reset();
	shm_domain_destroyed(d1);
	assert_true(log_capture_contains("detached from 3 shared segment(s)"));
	assert_int_equal(d1->nr_shm, 0);
	assert_int_equal(nr_unmaps, 0); /* its page tables go with it */
	assert_int_equal(nr_segments(), 1);
	assert_int_equal(info_of("kept").nr_attached, 1);
	assert_int_equal(info_of("kept").attached[0].domid, 2);
	assert_int_equal(fake_pool_used_pages(), 1);
	/* nothing of it is listed any more */
	assert_int_equal(shm_domain_mappings(d1, NULL, 0), 0);
}

/* ---- list, query, the start info -------------------------------------------------------------------- */

static void test_list_query(void **state)
{
	struct xl_shm_info list[3];
	struct xl_shm_mapping m[XL_SHM_MAX_PER_DOMAIN + 1];
	uint64_t ga, gb;

	assert_int_equal(shm_create("a", PAGE_SIZE, 0), 0);
	assert_int_equal(shm_create("b", SIZE_2M, 0), 0);
	assert_int_equal(shm_create("c", 2 * PAGE_SIZE, XL_SHM_AUTO), 0);
	ga = attach("a", d1, XL_SHM_READ_ONLY);
	gb = attach("b", d1, 0);
	attach("b", d2, XL_SHM_READ_ONLY);
	assert_int_equal(shm_destroy("b"), 0);

	memset(list, 0x5a, sizeof(list));
	assert_int_equal(shm_list(list, 3), 3);
	assert_string_equal(list[0].name, "a");
	assert_int_equal(list[0].size, PAGE_SIZE);
	assert_int_equal(list[0].flags, 0);
	assert_int_equal(list[0].nr_attached, 1);
	assert_int_equal(list[0].attached[0].domid, 1);
	assert_int_equal(list[0].attached[0].flags, XL_SHM_READ_ONLY);
	assert_int_equal(list[0].attached[0].gpa, ga);
	assert_int_equal(list[0].attached[1].domid, 0); /* the rest zeroed */
	assert_string_equal(list[1].name, "b");
	assert_int_equal(list[1].flags, XL_SHM_DESTROYED);
	assert_int_equal(list[1].nr_attached, 2);
	assert_int_equal(list[1].attached[0].domid + list[1].attached[1].domid, 3);
	assert_true(list[2].flags & XL_SHM_AUTO);
	assert_int_equal(list[2].nr_attached, 0);
	/* fewer places than segments: the count still, only what fits written */
	memset(list, 0x5a, sizeof(list));
	assert_int_equal(shm_list(list, 1), 3);
	assert_string_equal(list[0].name, "a");
	assert_int_equal(list[1].size, 0x5a5a5a5a5a5a5a5aULL);
	assert_int_equal(shm_list(NULL, 0), 3);

	memset(m, 0x5a, sizeof(m));
	assert_int_equal(shm_domain_mappings(d1, m, XL_SHM_MAX_PER_DOMAIN + 1), 2);
	assert_string_equal(m[0].name, "a");
	assert_int_equal(m[0].gpa, ga);
	assert_int_equal(m[0].size, PAGE_SIZE);
	assert_int_equal(m[0].flags, XL_SHM_READ_ONLY);
	assert_int_equal(m[0].reserved, 0);
	assert_string_equal(m[1].name, "b");
	assert_int_equal(m[1].gpa, gb);
	assert_int_equal(m[1].size, SIZE_2M);
	assert_int_equal(m[1].flags, 0);
	assert_int_equal(m[2].gpa, 0x5a5a5a5a5a5a5a5aULL);
	assert_int_equal(shm_domain_mappings(d1, m, 1), 2);
	assert_int_equal(shm_domain_mappings(&doms[5], m, 4), 0);
}

static struct xl_start_info *start_info(struct domain *d)
{
	return (struct xl_start_info *)(ram_of(d) + START_INFO);
}

static void test_start_info_refresh(void **state)
{
	uint64_t ga, gb;

	d1->guest_type = XL_GUEST_ELF;
	d1->start_info_gpa = START_INFO;
	assert_int_equal(shm_create("a", PAGE_SIZE, 0), 0);
	assert_int_equal(shm_create("b", 2 * PAGE_SIZE, 0), 0);
	ga = attach("a", d1, XL_SHM_READ_ONLY);
	assert_int_equal(start_info(d1)->nr_shm, 1);
	assert_string_equal(start_info(d1)->shm[0].name, "a");
	assert_int_equal(start_info(d1)->shm[0].gpa, ga);
	assert_int_equal(start_info(d1)->shm[0].size, PAGE_SIZE);
	assert_int_equal(start_info(d1)->shm[0].flags, XL_SHM_READ_ONLY);
	gb = attach("b", d1, 0);
	assert_int_equal(start_info(d1)->nr_shm, 2);
	assert_string_equal(start_info(d1)->shm[1].name, "b");
	assert_int_equal(start_info(d1)->shm[1].gpa, gb);
	/* only the segments' part is written */
	assert_int_equal(start_info(d1)->magic, 0);
	assert_int_equal(start_info(d1)->nr_pci, 0);

	/* once it ran the start info is the guest's */
	assert_int_equal(shm_detach("b", 1), 0);
	d1->ran = true;
	memset(start_info(d1), 0x77, sizeof(struct xl_start_info));
	attach("b", d1, 0);
	assert_int_equal(start_info(d1)->nr_shm, 0x77777777);
	/* a domain without a start info (not an ELF guest): nothing written */
	attach("a", d2, 0);
	for (size_t i = 0; i < MEM_SIZE; i++)
		assert_int_equal(ram_of(d2)[i], 0);
}

/* Leave junk in the stack below the caller's frame, where the next calls' locals will be. */
static __attribute__((noinline)) void dirty_stack(void)
{
	volatile uint8_t junk[8192];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 0x6b;
}

static bool all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

/* The entries past the segments it has are zero: nothing of the hypervisor's stack reaches the guest. */
static void test_start_info_unused_entries(void **state)
{
	d1->guest_type = XL_GUEST_ELF;
	d1->start_info_gpa = START_INFO;
	assert_int_equal(shm_create("a", PAGE_SIZE, 0), 0);
	dirty_stack();
	attach("a", d1, 0);
	assert_int_equal(start_info(d1)->nr_shm, 1);
	assert_true(all_zero(&start_info(d1)->shm[1], 3 * sizeof(struct xl_shm_mapping)));
}

/* A detach before the guest ran takes the segment out of its start info. */
static void test_start_info_detach(void **state)
{
	d1->guest_type = XL_GUEST_ELF;
	d1->start_info_gpa = START_INFO;
	assert_int_equal(shm_create("a", PAGE_SIZE, 0), 0);
	assert_int_equal(shm_create("b", PAGE_SIZE, 0), 0);
	attach("a", d1, 0);
	attach("b", d1, 0);
	assert_int_equal(start_info(d1)->nr_shm, 2);
	assert_int_equal(shm_detach("a", 1), 0);
	assert_int_equal(start_info(d1)->nr_shm, 1);
	assert_string_equal(start_info(d1)->shm[0].name, "b");
	assert_int_equal(shm_detach("b", 1), 0);
	assert_int_equal(start_info(d1)->nr_shm, 0);
	assert_true(all_zero(start_info(d1)->shm, sizeof(start_info(d1)->shm)));
	/* after it ran: the guest's */
	attach("a", d1, 0);
	d1->ran = true;
	assert_int_equal(shm_detach("a", 1), 0);
	assert_int_equal(start_info(d1)->nr_shm, 1);
}

/* ---- the hypercall (hypercalls/shm_call.c) ---------------------------------------------------------- */

static int64_t hc(struct domain *d, uint64_t op, uint64_t gpa, uint64_t size, uint64_t arg)
{
	int64_t r = shm_hypercall(d->vcpus[0], op, gpa, size, arg);

	assert_false(locked);
	return r;
}

static void put_create(struct domain *d, const char *name, uint64_t size, uint32_t flags)
{
	struct xl_shm_create c = { .size = size, .flags = flags };

	strncpy(c.name, name, sizeof(c.name));
	memcpy(ram_of(d) + REQ, &c, sizeof(c));
}

static void put_attach(struct domain *d, const char *name, uint32_t domid, uint32_t flags)
{
	struct xl_shm_attach a = { .domid = domid, .flags = flags, .gpa = 0x1111 };

	strncpy(a.name, name, sizeof(a.name));
	memcpy(ram_of(d) + REQ, &a, sizeof(a));
}

static void test_hypercall_guest(void **state)
{
	struct xl_shm_mapping m;

	/* a guest may only QUERY: the rest is refused before its buffer is read */
	for (uint64_t op = XL_SHM_CREATE; op < XL_SHM_QUERY; op++)
		assert_int_equal(hc(d1, op, REQ, 4096, 0), -EPERM);
	put_create(d1, "mine", PAGE_SIZE, 0);
	assert_int_equal(hc(d1, XL_SHM_CREATE, REQ, sizeof(struct xl_shm_create), 0), -EPERM);
	assert_int_equal(nr_segments(), 0);

	assert_int_equal(shm_create("ring", PAGE_SIZE, 0), 0);
	assert_int_equal(hc(d1, XL_SHM_QUERY, ANSWER, 4096, 0), 0);
	attach("ring", d1, XL_SHM_READ_ONLY);
	assert_int_equal(hc(d1, XL_SHM_QUERY, ANSWER, sizeof(m), 0), 1);
	memcpy(&m, ram_of(d1) + ANSWER, sizeof(m));
	assert_string_equal(m.name, "ring");
	assert_int_equal(m.flags, XL_SHM_READ_ONLY);
	assert_true(m.gpa >= XL_SHM_GPA_BASE);
	/* a buffer too small for one: the count, nothing written */
	memset(ram_of(d1) + ANSWER, 0x5a, sizeof(m));
	assert_int_equal(hc(d1, XL_SHM_QUERY, ANSWER, sizeof(m) - 1, 0), 1);
	assert_int_equal(ram_of(d1)[ANSWER], 0x5a);
	assert_int_equal(hc(d1, XL_SHM_QUERY, MEM_SIZE - 8, sizeof(m), 0), -EFAULT);
	assert_int_equal(hc(d1, XL_SHM_QUERY, ANSWER, sizeof(m), 1), -EINVAL);
	assert_int_equal(hc(d1, XL_SHM_QUERY + 1, ANSWER, sizeof(m), 0), -EINVAL);
	assert_int_equal(hc(d1, ~0ULL, ANSWER, sizeof(m), 0), -EINVAL);
	assert_int_equal(live_allocs, 0); /* the answers' buffers went back; segments take no heap */
}

static void test_hypercall_requests(void **state)
{
	struct xl_shm_attach a;

	/* arg is for later use */
	put_create(dom0, "ring", PAGE_SIZE, 0);
	assert_int_equal(hc(dom0, XL_SHM_CREATE, REQ, sizeof(struct xl_shm_create), 1), -EINVAL);
	/* the buffer must hold the whole request, in the caller's memory */
	assert_int_equal(hc(dom0, XL_SHM_CREATE, REQ, sizeof(struct xl_shm_create) - 1, 0), -EINVAL);
	assert_int_equal(hc(dom0, XL_SHM_CREATE, MEM_SIZE - 8, sizeof(struct xl_shm_create), 0), -EFAULT);
	/* reserved must be 0 */
	ram_of(dom0)[REQ + offsetof(struct xl_shm_create, reserved)] = 1;
	assert_int_equal(hc(dom0, XL_SHM_CREATE, REQ, sizeof(struct xl_shm_create), 0), -EINVAL);
	/* a name without its NUL */
	put_create(dom0, "ring", PAGE_SIZE, 0);
	memset(ram_of(dom0) + REQ, 'x', XL_SHM_NAME_MAX);
	assert_int_equal(hc(dom0, XL_SHM_CREATE, REQ, sizeof(struct xl_shm_create), 0), -EINVAL);
	assert_int_equal(nr_segments(), 0);
	put_create(dom0, "ring", PAGE_SIZE, 0);
	assert_int_equal(hc(dom0, XL_SHM_CREATE, REQ, 4096, 0), 0); /* a larger buffer is fine */
	assert_int_equal(info_of("ring").size, PAGE_SIZE);

	/* ATTACH writes where into the request */
	put_attach(dom0, "ring", 1, XL_SHM_READ_ONLY);
	assert_int_equal(hc(dom0, XL_SHM_ATTACH, REQ, sizeof(a) - 1, 0), -EINVAL);
	assert_int_equal(hc(dom0, XL_SHM_ATTACH, REQ, sizeof(a), 0), 0);
	memcpy(&a, ram_of(dom0) + REQ, sizeof(a));
	assert_int_equal(a.gpa, info_of("ring").attached[0].gpa);
	assert_true(a.gpa >= XL_SHM_GPA_BASE);
	assert_int_equal(a.domid, 1);
	put_attach(dom0, "ring", 1, 0);
	assert_int_equal(hc(dom0, XL_SHM_ATTACH, REQ, sizeof(a), 0), -EEXIST);
	memcpy(&a, ram_of(dom0) + REQ, sizeof(a));
	assert_int_equal(a.gpa, 0x1111); /* nothing written when refused */
	memset(ram_of(dom0) + REQ, 'x', XL_SHM_NAME_MAX);
	assert_int_equal(hc(dom0, XL_SHM_DETACH, REQ, sizeof(a), 0), -EINVAL);
	put_attach(dom0, "ring", 1, 0x55); /* flags ignored */
	assert_int_equal(hc(dom0, XL_SHM_DETACH, REQ, sizeof(a), 0), 0);
	assert_int_equal(d1->nr_shm, 0);

	/* DESTROY takes a bare name */
	memset(ram_of(dom0) + REQ, 0, 64);
	strcpy((char *)ram_of(dom0) + REQ, "ring");
	assert_int_equal(hc(dom0, XL_SHM_DESTROY, REQ, XL_SHM_NAME_MAX - 1, 0), -EINVAL);
	memset(ram_of(dom0) + REQ, 'y', XL_SHM_NAME_MAX);
	assert_int_equal(hc(dom0, XL_SHM_DESTROY, REQ, XL_SHM_NAME_MAX, 0), -EINVAL);
	memset(ram_of(dom0) + REQ, 0, 64);
	strcpy((char *)ram_of(dom0) + REQ, "ring");
	assert_int_equal(hc(dom0, XL_SHM_DESTROY, REQ, XL_SHM_NAME_MAX, 0), 0);
	assert_int_equal(nr_segments(), 0);
	assert_int_equal(live_allocs, 0);
}

static void test_hypercall_list(void **state)
{
	struct xl_shm_info info;
	char name[16];

	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		assert_int_equal(shm_create(name, PAGE_SIZE, 0), 0);
	}
	attach("s1", d2, 0);
	/* the total even when fewer fit; only those written */
	memset(ram_of(dom0) + ANSWER, 0x5a, 3 * sizeof(info));
	assert_int_equal(hc(dom0, XL_SHM_LIST, ANSWER, 2 * sizeof(info) + sizeof(info) / 2, 0), 5);
	memcpy(&info, ram_of(dom0) + ANSWER + sizeof(info), sizeof(info));
	assert_string_equal(info.name, "s1");
	assert_int_equal(info.nr_attached, 1);
	assert_int_equal(info.attached[0].domid, 2);
	assert_int_equal(ram_of(dom0)[ANSWER + 2 * sizeof(info)], 0x5a);
	assert_int_equal(hc(dom0, XL_SHM_LIST, 0, 0, 0), 5);
	assert_int_equal(hc(dom0, XL_SHM_LIST, MEM_SIZE - sizeof(info) / 2, sizeof(info), 0), -EFAULT);
	assert_int_equal(hc(d1, XL_SHM_LIST, ANSWER, sizeof(info), 0), -EPERM);
	assert_int_equal(live_allocs, 0); /* the answers' buffers went back; segments take no heap */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_sizes_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_duplicate_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_memory_short, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_fragmented, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_zeroed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_dom0_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_run_shows_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_run_without_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_listed_once_mapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_mapping_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_while_attached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detach_destroyed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto, setup, teardown),
		cmocka_unit_test_setup_teardown(test_domain_destroyed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_info_refresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_info_unused_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_info_detach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hypercall_guest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hypercall_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hypercall_list, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
