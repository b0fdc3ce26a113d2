/*
 * Fuzz the hypercall entry (hypercalls/hypercall.c, hypercall_dispatch)
 * with all six registers a guest controls, from dom0 or from a guest,
 * over the real DOMCTL, SYSCTL, EVENT and SHM handlers (event channels and
 * shared segments included: xen-lite/event_channel.c, xen-lite/shm.c) and
 * the fake node of tests/fuzz/fake_dom0.h.
 *
 * Per call: a byte (bit 0: the caller is not privileged; bits 1-3: which
 * domain calls, 0 dom0, k the k-th guest there is; bits 4-7: n > 0 makes the
 * n-th nested page table mapping of the call fail), the hypercall number,
 * six arguments. A guest's RAM is dom0's (the same host memory), so that
 * its event page and buffers can be anywhere in the input; an ELF guest has
 * its start info at START_INFO and has not run.
 *
 * The nested page tables are a record of mappings that refuses overlaps as
 * the real ones do (-EEXIST, the domain's RAM and BARs included). After each
 * call: every connected port's peer points back to it, every domain's
 * attachments are mapped exactly (read-only ones without write), only onto
 * pool memory that is allocated, and the pool holds exactly the listed
 * segments. At the end, when every domain is gone and the segments left are
 * destroyed, the pool is empty.
 */
#include <stdio.h>
#include <string.h>

#include <xen-lite-abi.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/errno.h>
#include <xen-lite/event_channel.h>
#include <xen-lite/hypercall.h>
#include <xen-lite/shm.h>

#include "fake_dom0.h"
#include "fake_pool.h"

#define MAX_IDS 16 /* domain ids a run can reach: dom0, up to 4 guests there before, those created */
#define START_INFO 0x100

/* ---- the nested page tables (tests/unit/fake_pool.h): what is mapped where ------------ */

static unsigned int map_calls, fail_map_at;

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

int arch_domain_map_perms(struct domain *d, gpa_t gpa, hpa_t hpa, uint64_t size, unsigned int perms)
{
	uint64_t at = gpa_addr(gpa);

	FUZZ_CHECK(perms & GUEST_PERM_READ && !(perms & GUEST_PERM_EXEC) &&
			   !(perms & ~(GUEST_PERM_READ | GUEST_PERM_WRITE)),
		   "a segment mapped with permissions %#x", perms);
	FUZZ_CHECK(at >= XL_SHM_GPA_BASE && size && IS_ALIGNED(at, size) && at + size > at,
		   "a segment's block of %#llx bytes mapped at %#llx", (unsigned long long)size,
		   (unsigned long long)at);
	FUZZ_CHECK(fake_pool_allocated(hpa, size), "mapped %#llx bytes at host %#llx, not allocated",
		   (unsigned long long)size, (unsigned long long)hpa_addr(hpa));
	if (++map_calls == fail_map_at)
		return -ENOMEM;
	return fake_npt_map(d, at, hpa, size, perms);
}

/* Exactly whole mappings are taken away, and all of the range was mapped. */
int arch_domain_unmap(struct domain *d, gpa_t gpa, uint64_t size)
{
	uint64_t at = gpa_addr(gpa);
	bool cut;
	uint64_t gone = fake_npt_unmap(d, at, size, &cut);

	FUZZ_CHECK(!cut && gone == size, "unmap of [%#llx, +%#llx) found %#llx bytes mapped%s",
		   (unsigned long long)at, (unsigned long long)size, (unsigned long long)gone,
		   cut ? ", and cuts a mapping" : "");
	return 0;
}

static uint64_t mapped_bytes(const struct domain *d, uint64_t gpa, uint64_t size, bool writable)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < fake_nr_maps; i++) {
		const struct fake_mapping *m = &fake_maps[i];

		if (m->d != d || !overlaps(gpa, size, m->gpa, m->size))
			continue;
		FUZZ_CHECK(m->gpa >= gpa && m->gpa + m->size <= gpa + size, "a mapping across a segment's end");
		FUZZ_CHECK(!!(m->perms & GUEST_PERM_WRITE) == writable,
			   "a segment attached %s mapped with permissions %#x", writable ? "read-write" : "read-only",
			   m->perms);
		n += m->size;
	}
	return n;
}

/* A guest's segments shown as devices: only by domain_unpause(), which no call here reaches. */
void arch_domain_show_segments(struct domain *d, const struct xl_shm_mapping *m, unsigned int n, uint64_t regs,
			       const struct shm_device_ops *ops)
{
	FUZZ_CHECK(0, "segments shown for d%u", d->id);
}

/* ---- event channels: raising a vector ---------------------------------------------- */

void arch_event_raise(struct vcpu *v, uint8_t vector)
{
	struct domain *d = v->domain;

	FUZZ_CHECK(vector >= XL_EVENT_FIRST_VECTOR, "vector %u raised", vector);
	FUZZ_CHECK(domain_find(d->id) == d && v->id < d->nr_vcpus && d->vcpus[v->id] == v,
		   "a vector raised on a vCPU of no live domain");
}

/* ---- the domains ------------------------------------------------------------------ */

static struct domain *nth_domain(unsigned int n)
{
	for (uint32_t id = 1; id < MAX_IDS; id++) {
		struct domain *d = domain_find(id);

		if (d && !n--)
			return d;
	}
	return domain_find(0);
}

/* A guest's RAM is dom0's host memory: its pages and buffers are in the input too. */
static void give_guests_ram(void)
{
	size_t size;

	fake_dom0_ram(&size);
	for (uint32_t id = 1; id < MAX_IDS; id++) {
		struct domain *d = domain_find(id);

		if (!d || d->nr_blocks || !size)
			continue;
		d->blocks[0] = (struct mem_block){ gpa_init(0), hpa_init(0), size };
		d->nr_blocks = 1;
		if (d->guest_type == XL_GUEST_ELF && size >= START_INFO + sizeof(struct xl_start_info))
			d->start_info_gpa = START_INFO;
	}
}

/* As xen-lite/domain.c destroys it: its channels, then its segments; its page tables go with it. */
static void teardown(struct domain *d)
{
	event_domain_destroyed(d);
	shm_domain_destroyed(d);
	FUZZ_CHECK(d->nr_shm == 0, "d%u keeps %u attachments after its destruction", d->id, d->nr_shm);
	for (uint32_t p = 0; p < XL_EVENT_MAX_PORTS; p++)
		FUZZ_CHECK(d->events.ports[p].state == XL_EVENT_FREE, "d%u's port %u not freed", d->id, p);
	for (uint32_t id = 0; id < MAX_IDS; id++) {
		struct domain *o = domain_find(id);

		for (uint32_t p = 0; o && p < XL_EVENT_MAX_PORTS; p++)
			FUZZ_CHECK(o->events.ports[p].remote != d, "d%u's port %u still joined to d%u", o->id, p,
				   d->id);
	}
	fake_npt_forget(d);
}

/* ---- the invariants after each call ------------------------------------------------- */

static void check_ports(struct domain *d)
{
	for (uint32_t p = 0; p < XL_EVENT_MAX_PORTS; p++) {
		const struct event_port *ep = &d->events.ports[p];

		FUZZ_CHECK(ep->state <= XL_EVENT_CLOSED, "d%u port %u in state %u", d->id, p, ep->state);
		FUZZ_CHECK(ep->raised <= ep->received, "d%u port %u raised more than it received", d->id, p);
		FUZZ_CHECK(!ep->vector || ep->vector >= XL_EVENT_FIRST_VECTOR, "d%u port %u bound to %u", d->id,
			   p, ep->vector);
		if (ep->state != XL_EVENT_CONNECTED) {
			FUZZ_CHECK(!ep->remote, "d%u port %u in state %u has a peer", d->id, p, ep->state);
			FUZZ_CHECK(ep->state != XL_EVENT_FREE || (!ep->vector && !ep->sent && !ep->received),
				   "d%u's free port %u keeps a binding or counts", d->id, p);
			continue;
		}
		FUZZ_CHECK(ep->remote && domain_find(ep->remote_domid) == ep->remote && ep->remote != d,
			   "d%u port %u joined to no live domain", d->id, p);
		FUZZ_CHECK(ep->remote_port < XL_EVENT_MAX_PORTS, "d%u port %u: remote port %u", d->id, p,
			   ep->remote_port);
		const struct event_port *peer = &ep->remote->events.ports[ep->remote_port];

		FUZZ_CHECK(peer->state == XL_EVENT_CONNECTED && peer->remote == d && peer->remote_port == p &&
				   peer->remote_domid == d->id,
			   "d%u port %u -> d%u port %u does not point back", d->id, p, ep->remote_domid,
			   ep->remote_port);
	}
}

/* Its attachments: as many as it counts, each mapped whole as attached; nothing else mapped. */
static unsigned int check_attachments(struct domain *d)
{
	struct xl_shm_mapping m[XL_SHM_MAX_PER_DOMAIN + 1];
	unsigned int n = shm_domain_mappings(d, m, XL_SHM_MAX_PER_DOMAIN + 1);
	uint64_t total = 0, mapped = 0;

	FUZZ_CHECK(n == d->nr_shm && n <= XL_SHM_MAX_PER_DOMAIN, "d%u: %u mappings, %u attachments counted",
		   d->id, n, d->nr_shm);
	for (unsigned int i = 0; i < n; i++) {
		FUZZ_CHECK(m[i].gpa >= XL_SHM_GPA_BASE && m[i].gpa >= d->mem_end, "d%u: '%s' at %#llx", d->id,
			   m[i].name, (unsigned long long)m[i].gpa);
		FUZZ_CHECK(mapped_bytes(d, m[i].gpa, m[i].size, !(m[i].flags & XL_SHM_READ_ONLY)) == m[i].size,
			   "d%u: '%s' not mapped whole at %#llx", d->id, m[i].name, (unsigned long long)m[i].gpa);
		total += m[i].size;
	}
	for (unsigned int i = 0; i < fake_nr_maps; i++) {
		if (fake_maps[i].d != d)
			continue;
		FUZZ_CHECK(fake_pool_allocated(fake_maps[i].hpa, fake_maps[i].size),
			   "d%u still maps freed memory at %#llx", d->id, (unsigned long long)fake_maps[i].gpa);
		mapped += fake_maps[i].size;
	}
	FUZZ_CHECK(mapped == total, "d%u: %#llx bytes mapped for %#llx bytes of segments", d->id,
		   (unsigned long long)mapped, (unsigned long long)total);
	return n;
}

static void check_node(void)
{
	static struct xl_shm_info list[XL_SHM_MAX_SEGMENTS];
	unsigned int attachments = 0, listed = 0, n;
	uint64_t pages = 0;

	for (uint32_t id = 0; id < MAX_IDS; id++) {
		struct domain *d = domain_find(id);

		if (d) {
			check_ports(d);
			attachments += check_attachments(d);
		}
	}
	n = shm_list(list, XL_SHM_MAX_SEGMENTS);
	FUZZ_CHECK(n <= XL_SHM_MAX_SEGMENTS, "%u segments", n);
	for (unsigned int i = 0; i < n; i++) {
		FUZZ_CHECK(list[i].nr_attached <= XL_SHM_MAX_ATTACH, "'%s' attached %u times", list[i].name,
			   list[i].nr_attached);
		FUZZ_CHECK(list[i].nr_attached || !(list[i].flags & XL_SHM_DESTROYED),
			   "'%s' destroyed and attached nowhere, but kept", list[i].name);
		for (unsigned int a = 0; a < list[i].nr_attached; a++)
			FUZZ_CHECK(domain_find(list[i].attached[a].domid), "'%s' attached to d%u, which is gone",
				   list[i].name, list[i].attached[a].domid);
		listed += list[i].nr_attached;
		pages += list[i].size / PAGE_SIZE;
	}
	FUZZ_CHECK(listed == attachments, "%u attachments listed, %u in the domains", listed, attachments);
	FUZZ_CHECK(fake_pool_used_pages() == pages, "%llu pages of the pool in use, %llu in segments",
		   (unsigned long long)fake_pool_used_pages(), (unsigned long long)pages);
}

/* The run's end: every domain is gone; what segments are left are destroyed and nothing may stay. */
static void check_all_freed(void)
{
	static struct xl_shm_info list[XL_SHM_MAX_SEGMENTS];
	unsigned int n = shm_list(list, XL_SHM_MAX_SEGMENTS);

	FUZZ_CHECK(fake_nr_maps == 0, "%u mappings of domains that are gone", fake_nr_maps);
	for (unsigned int i = 0; i < n; i++) {
		FUZZ_CHECK(!list[i].nr_attached && !(list[i].flags & XL_SHM_DESTROYED),
			   "'%s' still attached, or destroyed and kept, with no domain left", list[i].name);
		FUZZ_CHECK(shm_destroy(list[i].name) == 0, "'%s' listed but cannot be destroyed", list[i].name);
	}
	FUZZ_CHECK(shm_list(list, XL_SHM_MAX_SEGMENTS) == 0, "segments left after all were destroyed");
	FUZZ_CHECK(fake_pool_used_pages() == 0, "%llu pages of segment memory leaked",
		   (unsigned long long)fake_pool_used_pages());
}

/* ---- the calls ---------------------------------------------------------------------- */

static int64_t call(struct vcpu *v, struct fuzz_in *in)
{
	uint8_t how = fuzz_u8(in);
	bool guest = how & 1, privileged;
	uint64_t nr = fuzz_number(in, 0), args[6];
	struct domain *d;
	int64_t ret;

	give_guests_ram();
	d = (how >> 1) & 7 ? nth_domain(((how >> 1) & 7) - 1) : v->domain;
	if (d != v->domain)
		v = d->vcpus[0];
	for (unsigned int i = 0; i < 6; i++)
		args[i] = fuzz_number(in, fake_dom0_mem_end());
	map_calls = 0;
	fail_map_at = how >> 4;
	if (fuzz_verbose())
		fprintf(stderr, "d%u%s: hypercall %#llx (%#llx, %#llx, %#llx, %#llx)\n", d->id,
			d->privileged && guest ? " (unprivileged)" : "", (unsigned long long)nr,
			(unsigned long long)args[0], (unsigned long long)args[1], (unsigned long long)args[2],
			(unsigned long long)args[3]);
	privileged = d->privileged && !guest;
	if (d->privileged) {
		d->privileged = privileged;
		ret = hypercall_dispatch(v, nr, args);
		d->privileged = true;
	} else {
		ret = hypercall_dispatch(v, nr, args);
	}
	/* a guest's SHM requests but QUERY are refused before anything is read */
	if (!privileged && nr == XL_HC_SHM && args[0] < XL_SHM_QUERY && !args[3])
		FUZZ_CHECK(ret == -EPERM, "XL_SHM op %llu by a guest returned %lld", (unsigned long long)args[0],
			   (long long)ret);
	if (!privileged && nr == XL_HC_EVENT && args[0] == XL_EVENT_CONNECT)
		FUZZ_CHECK(ret == -EPERM || ret == -EINVAL, "XL_EVENT_CONNECT by a guest returned %lld",
			   (long long)ret);
	check_node();
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fake_node_set_teardown(teardown);
	fake_node_run(data, size, call);
	check_all_freed();
	return 0;
}
