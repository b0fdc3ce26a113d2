/*
 * Host tests for event channels (xen-lite/event_channel.c) and their
 * hypercall (hypercalls/event_call.c) against the ABI in
 * hypercalls/xen-lite-abi.h (XL_HC_EVENT).
 *
 * Three fake domains: dom0 (id 0, two vCPUs), d1 (two vCPUs) and d2 (one),
 * each with 64 KiB of RAM at guest-physical 0 in a page-aligned buffer.
 * domain_call() finds them as xen-lite/domain.c does (a dying one is not
 * found); arch_event_raise() records each call.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite-abi.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/event_channel.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/hypercall.h>

#include "log_capture.h"

#define MEM_SIZE (64 * 1024)
#define NR_DOMS 3
#define PAGE_GPA 0x3000

static struct domain doms[NR_DOMS];
static struct vcpu vcpus[NR_DOMS][2];
static uint8_t *mem[NR_DOMS];
static struct domain *dom0 = &doms[0], *d1 = &doms[1], *d2 = &doms[2];

static struct {
	struct vcpu *v;
	uint8_t vector;
} raises[128];
static unsigned int nr_raises;

/* ---- fakes ----------------------------------------------------------------------- */

static unsigned int index_of(const struct domain *d)
{
	assert_true(d >= doms && d < doms + NR_DOMS);
	return (unsigned int)(d - doms);
}

int domain_call_locked(uint32_t id, int (*fn)(struct domain *d, void *ctx), void *ctx)
{
	for (unsigned int i = 0; i < NR_DOMS; i++)
		if (doms[i].id == id)
			return doms[i].state == DOMAIN_DYING ? -ENOENT : fn(&doms[i], ctx);
	return -ENOENT;
}

int domain_call(uint32_t id, int (*fn)(struct domain *d, void *ctx), void *ctx)
{
	return domain_call_locked(id, fn, ctx);
}

/* physical CPU c has APIC id c + 0x10: an APIC id is never a vCPU index here */
uint32_t arch_cpu_apic_id(unsigned int cpu)
{
	return cpu + 0x10;
}

void arch_event_raise(struct vcpu *v, uint8_t vector)
{
	assert_true(nr_raises < 128);
	raises[nr_raises].v = v;
	raises[nr_raises].vector = vector;
	nr_raises++;
}

bool domain_range_is_ram(const struct domain *d, gpa_t at, uint64_t len)
{
	uint64_t gpa = gpa_addr(at);

	index_of(d);
	return gpa + len >= gpa && gpa + len <= d->mem_size;
}

void *guest_ram_ptr(const struct domain *d, gpa_t at)
{
	uint64_t gpa = gpa_addr(at);

	/* the channel code checked it first, as the header asks */
	assert_true(gpa % PAGE_SIZE == 0 && gpa + PAGE_SIZE <= d->mem_size);
	return mem[index_of(d)] + gpa;
}

int copy_to_guest(struct domain *d, gpa_t at, const void *src, uint64_t len)
{
	uint64_t gpa = gpa_addr(at);

	if (gpa + len < gpa || gpa + len > d->mem_size)
		return -EFAULT;
	memcpy(mem[index_of(d)] + gpa, src, len);
	return 0;
}

/* ---- helpers --------------------------------------------------------------------- */

static int setup(void **state)
{
	static const unsigned int nr_vcpus[NR_DOMS] = { 2, 2, 1 };

	memset(doms, 0, sizeof(doms));
	memset(vcpus, 0, sizeof(vcpus));
	for (unsigned int i = 0; i < NR_DOMS; i++) {
		struct domain *d = &doms[i];

		d->id = i;
		d->privileged = i == 0;
		d->state = DOMAIN_RUNNING;
		d->mem_size = d->mem_end = MEM_SIZE;
		d->nr_vcpus = nr_vcpus[i];
		for (unsigned int v = 0; v < d->nr_vcpus; v++) {
			vcpus[i][v].domain = d;
			vcpus[i][v].id = v;
			vcpus[i][v].pcpu = i * 4 + v;
			d->vcpus[v] = &vcpus[i][v];
		}
		mem[i] = aligned_alloc(PAGE_SIZE, MEM_SIZE);
		assert_non_null(mem[i]);
		memset(mem[i], 0, MEM_SIZE);
	}
	nr_raises = 0;
	log_capture_reset();
	return 0;
}

static int teardown(void **state)
{
	for (unsigned int i = 0; i < NR_DOMS; i++)
		free(mem[i]);
	return 0;
}

static uint64_t *pending(struct domain *d)
{
	return (uint64_t *)(mem[index_of(d)] + PAGE_GPA);
}

static struct event_port *port(struct domain *d, int p)
{
	assert_true(p >= 0 && p < XL_EVENT_MAX_PORTS);
	return &d->events.ports[p];
}

/* The two ends of a new channel between a and b, by offer and accept. */
static void join(struct domain *a, struct domain *b, int *pa, int *pb)
{
	*pa = event_offer(a, b->id);
	assert_true(*pa >= 0);
	*pb = event_accept(b, a->id, (uint32_t)*pa);
	assert_true(*pb >= 0);
}

static int64_t hc(struct domain *d, uint64_t op, uint64_t a, uint64_t b, uint64_t c)
{
	return event_hypercall(d->vcpus[0], op, a, b, c);
}

/* ---- offer and accept ------------------------------------------------------------- */

static void test_offer_accept(void **state)
{
	int p = event_offer(d1, 2), q;

	assert_true(p >= 0);
	assert_int_equal(port(d1, p)->state, XL_EVENT_OFFERED);
	assert_int_equal(port(d1, p)->remote_domid, 2);
	assert_null(port(d1, p)->remote);
	/* only the domain it was offered to may take it, and only that port */
	assert_int_equal(event_accept(dom0, 1, (uint32_t)p), -EPERM);
	assert_int_equal(event_accept(d2, 1, (uint32_t)p + 1), -EPERM);
	assert_int_equal(event_accept(d2, 1, XL_EVENT_MAX_PORTS), -EPERM);
	assert_int_equal(event_accept(d2, 0, (uint32_t)p), -EPERM);
	for (int i = 0; i < XL_EVENT_MAX_PORTS; i++)
		assert_int_equal(dom0->events.ports[i].state, XL_EVENT_FREE);
	assert_int_equal(port(d1, p)->state, XL_EVENT_OFFERED);

	q = event_accept(d2, 1, (uint32_t)p);
	assert_true(q >= 0);
	assert_int_equal(port(d1, p)->state, XL_EVENT_CONNECTED);
	assert_ptr_equal(port(d1, p)->remote, d2);
	assert_int_equal(port(d1, p)->remote_port, q);
	assert_int_equal(port(d2, q)->state, XL_EVENT_CONNECTED);
	assert_ptr_equal(port(d2, q)->remote, d1);
	assert_int_equal(port(d2, q)->remote_domid, 1);
	assert_int_equal(port(d2, q)->remote_port, p);
	/* taken once */
	assert_int_equal(event_accept(d2, 1, (uint32_t)p), -EPERM);
}

/* A binding made while the port was offered holds once it is accepted. */
static void test_bind_before_accept(void **state)
{
	int p = event_offer(d1, 2), q;

	assert_int_equal(event_bind(d1, (uint32_t)p, 1, 0x50), 0);
	assert_int_equal(event_set_page(d1, gpa_init(PAGE_GPA)), 0);
	q = event_accept(d2, 1, (uint32_t)p);
	assert_true(q >= 0);
	assert_int_equal(port(d1, p)->vector, 0x50);
	assert_int_equal(port(d1, p)->vcpu, 1);
	assert_int_equal(event_send(d2, (uint32_t)q), 0);
	assert_int_equal(nr_raises, 1);
	assert_ptr_equal(raises[0].v, d1->vcpus[1]);
	assert_int_equal(raises[0].vector, 0x50);
	/* the acceptor's new port starts unbound */
	assert_int_equal(port(d2, q)->vector, 0);
}

static void test_offer_accept_bad_domains(void **state)
{
	assert_int_equal(event_offer(d1, 1), -EINVAL);
	assert_int_equal(event_offer(d1, 7), -ENOENT);
	assert_int_equal(event_accept(d1, 1, 0), -EINVAL);
	assert_int_equal(event_accept(d1, 7, 0), -ENOENT);
	d2->state = DOMAIN_DYING;
	assert_int_equal(event_offer(d1, 2), -ENOENT);
	for (int i = 0; i < XL_EVENT_MAX_PORTS; i++)
		assert_int_equal(d1->events.ports[i].state, XL_EVENT_FREE);
}

static void test_connect(void **state)
{
	int64_t r = event_connect(1, 2);
	int pa, pb;

	assert_true(r >= 0);
	pa = (int)(r & 0xffffffff);
	pb = (int)(r >> 32);
	assert_int_equal(port(d1, pa)->state, XL_EVENT_CONNECTED);
	assert_ptr_equal(port(d1, pa)->remote, d2);
	assert_int_equal(port(d1, pa)->remote_port, pb);
	assert_ptr_equal(port(d2, pb)->remote, d1);
	assert_int_equal(port(d2, pb)->remote_port, pa);

	/* a second channel: the next ports, both returned */
	r = event_connect(1, 2);
	assert_int_equal(r, (int64_t)(pa + 1) | (int64_t)(pb + 1) << 32);

	assert_int_equal(event_connect(1, 1), -EINVAL);
	assert_int_equal(event_connect(1, 7), -ENOENT);
	assert_int_equal(event_connect(7, 1), -ENOENT);
	d2->state = DOMAIN_DYING;
	assert_int_equal(event_connect(1, 2), -ENOENT);
}

static void test_port_exhaustion(void **state)
{
	int q;

	for (int i = 0; i < XL_EVENT_MAX_PORTS; i++)
		assert_int_equal(event_offer(d1, 2), i);
	assert_int_equal(event_offer(d1, 2), -ENOSPC); /* the 65th */
	assert_int_equal(event_connect(1, 2), -ENOSPC);
	assert_int_equal(event_connect(2, 1), -ENOSPC);
	/* the acceptor's side full: d2 fills its own ports first */
	for (int i = 0; i < XL_EVENT_MAX_PORTS; i++)
		assert_int_equal(event_offer(d2, 0), i);
	assert_int_equal(event_accept(d2, 1, 5), -ENOSPC);
	assert_int_equal(port(d1, 5)->state, XL_EVENT_OFFERED);

	/* a closed port is the next one given */
	assert_int_equal(event_close(d1, 17), 0);
	assert_int_equal(port(d1, 17)->state, XL_EVENT_FREE);
	assert_int_equal(event_offer(d1, 0), 17);
	assert_int_equal(event_close(d2, 40), 0);
	q = event_accept(d2, 1, 5);
	assert_int_equal(q, 40);
	assert_int_equal(port(d1, 5)->state, XL_EVENT_CONNECTED);
}

/* ---- bind and send ------------------------------------------------------------------ */

static void test_bind(void **state)
{
	int pa, pb;

	join(d1, d2, &pa, &pb);
	for (uint32_t bad = 1; bad < XL_EVENT_FIRST_VECTOR; bad++)
		assert_int_equal(event_bind(d2, (uint32_t)pb, 0, bad), -EINVAL);
	assert_int_equal(event_bind(d2, (uint32_t)pb, 0, 256), -EINVAL);
	assert_int_equal(event_bind(d2, (uint32_t)pb, 0, 0x20040), -EINVAL);
	/* by APIC id: only one of the domain's own vCPUs' */
	assert_int_equal(event_bind(d2, (uint32_t)pb, 0, XL_EVENT_BIND_APIC_ID | 0x40), -EINVAL);
	assert_int_equal(event_bind(d2, (uint32_t)pb, arch_cpu_apic_id(1 * 4 + 1), XL_EVENT_BIND_APIC_ID | 0x40),
			 -EINVAL); /* d1's vCPU 1 */
	assert_int_equal(event_bind(d2, (uint32_t)pb, 1, 0x40), -EINVAL); /* d2 has one vCPU */
	assert_int_equal(event_bind(d2, XL_EVENT_MAX_PORTS, 0, 0x40), -EINVAL);
	assert_int_equal(event_bind(d2, (uint32_t)pb + 1, 0, 0x40), -ENOENT); /* a free port */
	assert_int_equal(port(d2, pb)->vector, 0);

	assert_int_equal(event_bind(d2, (uint32_t)pb, 0, XL_EVENT_FIRST_VECTOR), 0);
	assert_int_equal(port(d2, pb)->vector, XL_EVENT_FIRST_VECTOR);
	assert_int_equal(event_bind(d1, (uint32_t)pa, 1, 255), 0);
	assert_int_equal(port(d1, pa)->vector, 255);
	assert_int_equal(port(d1, pa)->vcpu, 1);
	assert_int_equal(event_bind(d1, (uint32_t)pa, arch_cpu_apic_id(1 * 4 + 0), XL_EVENT_BIND_APIC_ID | 0x41), 0);
	assert_int_equal(port(d1, pa)->vector, 0x41);
	assert_int_equal(port(d1, pa)->vcpu, 0);
	/* vector 0 unbinds: the bit is set, nothing raised */
	assert_int_equal(event_bind(d2, (uint32_t)pb, 0, 0), 0);
	assert_int_equal(port(d2, pb)->vector, 0);
	assert_int_equal(event_set_page(d2, gpa_init(PAGE_GPA)), 0);
	assert_int_equal(event_send(d1, (uint32_t)pa), 0);
	assert_int_equal(*pending(d2), 1ULL << pb);
	assert_int_equal(nr_raises, 0);
	assert_int_equal(port(d2, pb)->received, 1);
	assert_int_equal(port(d2, pb)->raised, 0);
	/* bound with the bit set: raised once; bound again, or elsewhere: not again (one interrupt per notification) */
	assert_int_equal(event_bind(d2, (uint32_t)pb, 0, 0x42), 0);
	assert_int_equal(nr_raises, 1);
	assert_int_equal(raises[0].vector, 0x42);
	assert_int_equal(event_bind(d2, (uint32_t)pb, 0, 0x42), 0);
	assert_int_equal(event_bind(d2, (uint32_t)pb, 0, 0x43), 0);
	assert_int_equal(event_bind(d2, (uint32_t)pb, 0, 0), 0);
	assert_int_equal(event_bind(d2, (uint32_t)pb, 0, 0x44), 0);
	assert_int_equal(nr_raises, 1);
	assert_int_equal(port(d2, pb)->raised, 1);
	assert_int_equal(port(d2, pb)->received, 1);
	/* taken by the guest, notified while unbound again: the next binding raises it */
	*pending(d2) = 0;
	assert_int_equal(event_bind(d2, (uint32_t)pb, 0, 0), 0);
	assert_int_equal(event_send(d1, (uint32_t)pa), 0);
	assert_int_equal(nr_raises, 1);
	assert_int_equal(event_bind(d2, (uint32_t)pb, 0, 0x45), 0);
	assert_int_equal(nr_raises, 2);
	assert_int_equal(raises[1].vector, 0x45);
}

static void test_send_states(void **state)
{
	int offered = event_offer(d1, 2), pa, pb;

	assert_int_equal(event_send(d1, 3), -ENOENT); /* FREE */
	assert_int_equal(event_send(d1, XL_EVENT_MAX_PORTS), -EINVAL);
	assert_int_equal(event_send(d1, (uint32_t)offered), -ENOTCONN);
	join(d1, d2, &pa, &pb);
	assert_int_equal(event_close(d1, (uint32_t)pa), 0);
	assert_int_equal(port(d2, pb)->state, XL_EVENT_CLOSED);
	assert_int_equal(event_send(d2, (uint32_t)pb), -ENOTCONN);
	assert_int_equal(port(d2, pb)->sent, 0);
}

static void test_coalescing(void **state)
{
	int pa, pb;

	join(d1, d2, &pa, &pb);
	assert_int_equal(event_set_page(d2, gpa_init(PAGE_GPA)), 0);
	assert_int_equal(event_bind(d2, (uint32_t)pb, 0, 0x40), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(event_send(d1, (uint32_t)pa), 0);
	assert_int_equal(port(d1, pa)->sent, 5);
	assert_int_equal(port(d2, pb)->received, 5);
	assert_int_equal(port(d2, pb)->raised, 1);
	assert_int_equal(nr_raises, 1);
	assert_ptr_equal(raises[0].v, d2->vcpus[0]);
	assert_int_equal(raises[0].vector, 0x40);
	assert_int_equal(*pending(d2), 1ULL << pb);

	/* the receiver takes it: the next notification raises again */
	__atomic_fetch_and(pending(d2), ~(1ULL << pb), __ATOMIC_SEQ_CST);
	assert_int_equal(event_send(d1, (uint32_t)pa), 0);
	assert_int_equal(nr_raises, 2);
	assert_int_equal(port(d2, pb)->raised, 2);
	assert_int_equal(port(d2, pb)->received, 6);

	/* another port's bit set does not hold this one back */
	int pc, pd;

	join(dom0, d2, &pc, &pd);
	assert_int_equal(event_bind(d2, (uint32_t)pd, 0, 0x41), 0);
	assert_int_equal(event_send(dom0, (uint32_t)pc), 0);
	assert_int_equal(nr_raises, 3);
	assert_int_equal(raises[2].vector, 0x41);
}

static void test_early_notifications(void **state)
{
	int pa, pb;

	join(d1, d2, &pa, &pb);
	assert_int_equal(event_bind(d2, (uint32_t)pb, 0, 0x50), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(event_send(d1, (uint32_t)pa), 0);
	assert_int_equal(nr_raises, 0);
	assert_int_equal(d2->events.early, 1ULL << pb);
	assert_int_equal(port(d2, pb)->received, 3);
	assert_int_equal(port(d2, pb)->raised, 0);

	/* the page registered: the bit is there and the vector raised, once */
	assert_int_equal(event_set_page(d2, gpa_init(PAGE_GPA)), 0);
	assert_int_equal(*pending(d2), 1ULL << pb);
	assert_int_equal(d2->events.early, 0);
	assert_int_equal(nr_raises, 1);
	assert_ptr_equal(raises[0].v, d2->vcpus[0]);
	assert_int_equal(raises[0].vector, 0x50);
	assert_int_equal(port(d2, pb)->received, 3); /* counted when they came */
	assert_int_equal(port(d2, pb)->raised, 1);

	/* 0 stops using the page: notifications wait again */
	assert_int_equal(event_set_page(d2, gpa_init(0)), 0);
	assert_null(d2->events.pending);
	assert_int_equal(event_send(d1, (uint32_t)pa), 0);
	assert_int_equal(d2->events.early, 1ULL << pb);
	assert_int_equal(nr_raises, 1);
}

/* A notification a closed port never took is not delivered to the next channel on that port. */
static void test_early_notification_of_closed_port(void **state)
{
	int pa, pb, again;

	join(d1, d2, &pa, &pb);
	assert_int_equal(event_send(d1, (uint32_t)pa), 0);
	assert_int_equal(d2->events.early, 1ULL << pb);
	assert_int_equal(event_close(d2, (uint32_t)pb), 0);
	assert_int_equal(d2->events.early, 0);
	again = event_offer(d2, 0);
	assert_int_equal(again, pb);
	assert_true(event_accept(dom0, 2, (uint32_t)again) >= 0);
	assert_int_equal(event_bind(d2, (uint32_t)again, 0, 0x40), 0);
	assert_int_equal(event_set_page(d2, gpa_init(PAGE_GPA)), 0);
	assert_int_equal(*pending(d2), 0);
	assert_int_equal(nr_raises, 0);
	assert_int_equal(port(d2, again)->raised, 0);
}

static void test_close_tells_peer(void **state)
{
	struct xl_event_status st;
	int pa, pb;

	join(d1, d2, &pa, &pb);
	assert_int_equal(event_set_page(d2, gpa_init(PAGE_GPA)), 0);
	assert_int_equal(event_bind(d2, (uint32_t)pb, 0, 0x60), 0);
	assert_int_equal(event_close(d1, (uint32_t)pa), 0);
	assert_int_equal(port(d1, pa)->state, XL_EVENT_FREE);
	assert_int_equal(port(d2, pb)->state, XL_EVENT_CLOSED);
	assert_null(port(d2, pb)->remote);
	assert_int_equal(*pending(d2), 1ULL << pb);
	assert_int_equal(nr_raises, 1);
	assert_int_equal(raises[0].vector, 0x60);
	assert_int_equal(event_status(d2, (uint32_t)pb, &st), 0);
	assert_int_equal(st.state, XL_EVENT_CLOSED);
	assert_int_equal(st.received, 0); /* the word that the peer went is not a notification */
	assert_int_equal(st.remote_domid, 1);

	assert_int_equal(event_close(d1, (uint32_t)pa), -ENOENT);
	assert_int_equal(event_close(d1, XL_EVENT_MAX_PORTS), -EINVAL);
	assert_int_equal(event_close(d2, (uint32_t)pb), 0);
	assert_int_equal(port(d2, pb)->state, XL_EVENT_FREE);
	/* an offer closed before it was accepted cannot be accepted */
	pa = event_offer(d1, 2);
	assert_int_equal(event_close(d1, (uint32_t)pa), 0);
	assert_int_equal(event_accept(d2, 1, (uint32_t)pa), -EPERM);
}

static void test_domain_destroyed(void **state)
{
	int pa, pb, pc, pd, offered;

	join(d1, d2, &pa, &pb);
	join(dom0, d1, &pc, &pd);
	offered = event_offer(d1, 0);
	assert_int_equal(event_set_page(d2, gpa_init(PAGE_GPA)), 0);
	assert_int_equal(event_set_page(d1, gpa_init(PAGE_GPA)), 0);
	log_capture_reset();

	event_domain_destroyed(d1);
	assert_true(log_capture_contains("3 event channel(s) closed"));
	for (int i = 0; i < XL_EVENT_MAX_PORTS; i++)
		assert_int_equal(d1->events.ports[i].state, XL_EVENT_FREE);
	assert_null(d1->events.pending);
	assert_int_equal(port(d2, pb)->state, XL_EVENT_CLOSED);
	assert_null(port(d2, pb)->remote);
	assert_int_equal(*pending(d2), 1ULL << pb);
	assert_int_equal(port(dom0, pc)->state, XL_EVENT_CLOSED);
	assert_int_equal(dom0->events.early, 1ULL << pc);
	assert_int_equal(event_accept(dom0, 1, (uint32_t)offered), -EPERM);

	/* nothing new reaches it, even before it is marked dying */
	assert_int_equal(event_offer(d2, 1), -ENOENT);
	assert_int_equal(event_offer(d1, 2), -ENOENT);
	assert_int_equal(event_connect(0, 1), -ENOENT);
	assert_int_equal(event_connect(1, 2), -ENOENT);
	assert_int_equal(event_set_page(d1, gpa_init(PAGE_GPA)), 0);
	assert_null(d1->events.pending);
	d1->state = DOMAIN_DYING;
	assert_int_equal(event_offer(d2, 1), -ENOENT);
	assert_int_equal(event_accept(d2, 1, 0), -ENOENT);
	for (int i = 0; i < XL_EVENT_MAX_PORTS; i++)
		assert_int_equal(d2->events.ports[i].state == XL_EVENT_FREE, i != pb);
}

static void test_page_checks(void **state)
{
	assert_int_equal(event_set_page(d1, gpa_init(PAGE_GPA + 8)), -EFAULT);
	assert_int_equal(event_set_page(d1, gpa_init(PAGE_GPA + 0x800)), -EFAULT);
	assert_int_equal(event_set_page(d1, gpa_init(MEM_SIZE)), -EFAULT);
	assert_int_equal(event_set_page(d1, gpa_init(1ULL << 40)), -EFAULT);
	assert_int_equal(event_set_page(d1, gpa_init(~0ULL & ~0xfffULL)), -EFAULT);
	assert_null(d1->events.pending);
	assert_int_equal(event_set_page(d1, gpa_init(MEM_SIZE - PAGE_SIZE)), 0);
	assert_ptr_equal(d1->events.pending, mem[1] + MEM_SIZE - PAGE_SIZE);
}

/* ---- device ports (event_set_device(), a virtio queue's channel) --------------------- */

static struct {
	struct domain *d;
	uint32_t port;
	void *opaque;
} device_calls[16];
static unsigned int nr_device_calls;
static int device_cookie;

static void device_fn(struct domain *d, uint32_t p, void *opaque)
{
	assert_true(nr_device_calls < 16);
	device_calls[nr_device_calls].d = d;
	device_calls[nr_device_calls].port = p;
	device_calls[nr_device_calls].opaque = opaque;
	nr_device_calls++;
}

/* A channel dom0 connected to d (its port in *pd, dom0's in *p0), made d's device's. */
static void device_channel(struct domain *d, int *p0, int *pd)
{
	int64_t r = event_connect(0, d->id);

	assert_true(r >= 0);
	*p0 = (int)(r & 0xffffffff);
	*pd = (int)(r >> 32);
	nr_device_calls = 0;
	assert_int_equal(event_set_device(d, (uint32_t)*pd, device_fn, &device_cookie), 0);
}

static void test_device_port_set(void **state)
{
	int pa, pb, p0, pd, offered;

	/* only a port connected to dom0 */
	join(d1, d2, &pa, &pb);
	assert_int_equal(event_set_device(d2, (uint32_t)pb, device_fn, NULL), -ENOTCONN);
	assert_int_equal(event_set_device(d1, (uint32_t)pa, device_fn, NULL), -ENOTCONN);
	offered = event_offer(d2, 0);
	assert_int_equal(event_set_device(d2, (uint32_t)offered, device_fn, NULL), -ENOTCONN);
	assert_int_equal(event_set_device(d2, 60, device_fn, NULL), -ENOTCONN); /* free */
	assert_int_equal(event_set_device(d2, XL_EVENT_MAX_PORTS, device_fn, NULL), -EINVAL);
	/* dom0 closed its end: not connected any more */
	join(dom0, d2, &p0, &pd);
	assert_int_equal(event_close(dom0, (uint32_t)p0), 0);
	assert_int_equal(event_set_device(d2, (uint32_t)pd, device_fn, NULL), -ENOTCONN);
	for (int i = 0; i < XL_EVENT_MAX_PORTS; i++)
		assert_null(d2->events.ports[i].device);

	/* a binding the guest made before is dropped; a second device: -EBUSY */
	join(dom0, d2, &p0, &pd);
	assert_int_equal(event_bind(d2, (uint32_t)pd, 0, 0x50), 0);
	assert_int_equal(event_set_device(d2, (uint32_t)pd, NULL, NULL), -EINVAL);
	assert_int_equal(event_set_device(d2, (uint32_t)pd, device_fn, &device_cookie), 0);
	assert_int_equal(port(d2, pd)->vector, 0);
	assert_int_equal(event_set_device(d2, (uint32_t)pd, device_fn, NULL), -EBUSY);
	assert_ptr_equal(port(d2, pd)->device_opaque, &device_cookie);
	/* dom0's end is not a device's */
	assert_null(port(dom0, p0)->device);
}

static void test_device_port_guest_refused(void **state)
{
	int p0, pd, pa, pb;

	device_channel(d1, &p0, &pd);
	assert_int_equal(event_set_page(d1, gpa_init(PAGE_GPA)), 0);
	assert_int_equal(event_set_page(dom0, gpa_init(PAGE_GPA)), 0);
	assert_int_equal(event_send(d1, (uint32_t)pd), -EPERM);
	assert_int_equal(event_bind(d1, (uint32_t)pd, 0, 0x40), -EPERM);
	assert_int_equal(event_bind(d1, (uint32_t)pd, 0, 0), -EPERM);
	assert_int_equal(event_close(d1, (uint32_t)pd), -EPERM);
	/* the same through the hypercall */
	assert_int_equal(hc(d1, XL_EVENT_SEND, (uint64_t)pd, 0, 0), -EPERM);
	assert_int_equal(hc(d1, XL_EVENT_BIND, (uint64_t)pd, 0, 0x40), -EPERM);
	assert_int_equal(hc(d1, XL_EVENT_CLOSE, (uint64_t)pd, 0, 0), -EPERM);
	assert_int_equal(port(d1, pd)->state, XL_EVENT_CONNECTED);
	assert_int_equal(port(d1, pd)->vector, 0);
	assert_int_equal(port(d1, pd)->sent, 0);
	assert_int_equal(port(dom0, p0)->received, 0);
	assert_int_equal(*pending(dom0), 0);
	assert_int_equal(nr_raises, 0);
	assert_int_equal(nr_device_calls, 0);
	/* the device sends on its port only */
	join(d1, d2, &pa, &pb);
	assert_int_equal(event_device_send(d1, (uint32_t)pa), -EPERM);
	assert_int_equal(event_device_send(d1, 40), -ENOENT);
	assert_int_equal(event_device_send(d1, XL_EVENT_MAX_PORTS), -EINVAL);
	assert_int_equal(port(d1, pa)->sent, 0);
	assert_int_equal(*pending(d2), 0);
	/* its own ports the guest still uses */
	assert_int_equal(event_send(d1, (uint32_t)pa), 0);
	assert_int_equal(event_close(d1, (uint32_t)pa), 0);
}

/* event_clear_device(): an ADD that failed gives the port back to the guest */
static void test_device_port_cleared(void **state)
{
	int p0, pd;

	device_channel(d1, &p0, &pd);
	assert_int_equal(event_set_page(d1, gpa_init(PAGE_GPA)), 0);
	assert_int_equal(event_send(d1, (uint32_t)pd), -EPERM);
	event_clear_device(d1, (uint32_t)pd);
	assert_null(port(d1, pd)->device);
	assert_null(port(d1, pd)->device_opaque);
	/* the guest's own port again, and a device's once more if asked */
	assert_int_equal(event_send(d1, (uint32_t)pd), 0);
	assert_int_equal(event_set_device(d1, (uint32_t)pd, device_fn, NULL), 0);
	/* out of range: nothing happens */
	event_clear_device(d1, XL_EVENT_MAX_PORTS);
	event_clear_device(d1, ~0u);
	assert_ptr_equal(port(d1, pd)->device, device_fn);
}

static void test_device_send_and_notify(void **state)
{
	int p0, pd;
	struct xl_event_status st;

	device_channel(d1, &p0, &pd);
	assert_int_equal(event_set_page(d1, gpa_init(PAGE_GPA)), 0);
	assert_int_equal(event_set_page(dom0, gpa_init(PAGE_GPA)), 0);
	assert_int_equal(event_bind(dom0, (uint32_t)p0, 1, 0x70), 0);
	/* the driver notified the queue: dom0's end, as any notification */
	assert_int_equal(event_device_send(d1, (uint32_t)pd), 0);
	assert_int_equal(*pending(dom0), 1ULL << p0);
	assert_int_equal(nr_raises, 1);
	assert_ptr_equal(raises[0].v, dom0->vcpus[1]);
	assert_int_equal(raises[0].vector, 0x70);
	assert_int_equal(port(d1, pd)->sent, 1);
	assert_int_equal(port(dom0, p0)->received, 1);
	assert_int_equal(nr_device_calls, 0);

	/* dom0 notifies: the device, once per notification, no bit in the guest's page */
	for (int i = 0; i < 3; i++)
		assert_int_equal(event_send(dom0, (uint32_t)p0), 0);
	assert_int_equal(nr_device_calls, 3);
	for (unsigned int i = 0; i < 3; i++) {
		assert_ptr_equal(device_calls[i].d, d1);
		assert_int_equal(device_calls[i].port, pd);
		assert_ptr_equal(device_calls[i].opaque, &device_cookie);
	}
	assert_int_equal(*pending(d1), 0);
	assert_int_equal(d1->events.early, 0);
	assert_int_equal(nr_raises, 1);
	assert_int_equal(event_status(d1, (uint32_t)pd, &st), 0);
	assert_int_equal(st.received, 3);
	assert_int_equal(st.raised, 3);
	assert_int_equal(port(dom0, p0)->sent, 3);

	/* dom0 closes its end: the device is not called, its port is closed */
	assert_int_equal(event_close(dom0, (uint32_t)p0), 0);
	assert_int_equal(nr_device_calls, 3);
	assert_int_equal(port(d1, pd)->state, XL_EVENT_CLOSED);
	assert_int_equal(*pending(d1), 0);
	assert_int_equal(event_device_send(d1, (uint32_t)pd), -ENOTCONN);
	/* still the device's: the guest cannot take the port back */
	assert_int_equal(event_close(d1, (uint32_t)pd), -EPERM);
	assert_int_equal(event_send(d1, (uint32_t)pd), -EPERM);
}

/* Notifications dom0 sent before the guest's page (or the device) are no bit of the guest's. */
static void test_device_port_early(void **state)
{
	int64_t r = event_connect(0, 1);
	int p0 = (int)(r & 0xffffffff), pd = (int)(r >> 32);

	assert_true(r >= 0);
	nr_device_calls = 0;
	assert_int_equal(event_send(dom0, (uint32_t)p0), 0);
	assert_int_equal(d1->events.early, 1ULL << pd);
	assert_int_equal(event_set_device(d1, (uint32_t)pd, device_fn, NULL), 0);
	assert_int_equal(event_send(dom0, (uint32_t)p0), 0);
	assert_int_equal(nr_device_calls, 1);
	assert_int_equal(event_set_page(d1, gpa_init(PAGE_GPA)), 0);
	assert_int_equal(*pending(d1), 0);
	assert_int_equal(nr_raises, 0);
	assert_int_equal(nr_device_calls, 1);
}

static void test_device_port_destroyed(void **state)
{
	int p0, pd, again;

	device_channel(d1, &p0, &pd);
	assert_int_equal(event_set_page(dom0, gpa_init(PAGE_GPA)), 0);
	log_capture_reset();
	event_domain_destroyed(d1);
	assert_true(log_capture_contains("1 event channel(s) closed"));
	assert_int_equal(port(d1, pd)->state, XL_EVENT_FREE);
	assert_null(port(d1, pd)->device);
	assert_null(port(d1, pd)->device_opaque);
	assert_int_equal(port(dom0, p0)->state, XL_EVENT_CLOSED);
	assert_int_equal(*pending(dom0), 1ULL << p0); /* dom0 told */
	assert_int_equal(event_send(dom0, (uint32_t)p0), -ENOTCONN);
	assert_int_equal(nr_device_calls, 0);
	/* dom0's end goes as any; the next channel on the guest's port number is no device's */
	assert_int_equal(event_close(dom0, (uint32_t)p0), 0);
	d1->events.closed = false; /* as if a new domain had the struct */
	again = (int)(event_connect(0, 1) >> 32);
	assert_int_equal(again, pd);
	assert_null(port(d1, again)->device);
	assert_int_equal(event_send(d1, (uint32_t)again), 0);
}

/* ---- the hypercall (hypercalls/event_call.c) ----------------------------------------- */

static void test_hypercall_32bit_arguments(void **state)
{
	int64_t r;

	/* a value truncated to 32 bits would name domain 2, port 0, vector 0x40 */
	assert_int_equal(hc(d1, XL_EVENT_OFFER, 1ULL << 32 | 2, 0, 0), -EINVAL);
	assert_int_equal(hc(d1, XL_EVENT_OFFER, 2, 1ULL << 32, 0), -EINVAL);
	for (int i = 0; i < XL_EVENT_MAX_PORTS; i++)
		assert_int_equal(d1->events.ports[i].state, XL_EVENT_FREE);
	r = hc(dom0, XL_EVENT_CONNECT, 1, 2, 0);
	assert_true(r >= 0);
	assert_int_equal(hc(d1, XL_EVENT_ACCEPT, 2, 1ULL << 32, 0), -EINVAL);
	assert_int_equal(hc(d2, XL_EVENT_BIND, 0, 0, 1ULL << 32 | 0x40), -EINVAL);
	assert_int_equal(hc(d2, XL_EVENT_BIND, 0, 1ULL << 32, 0x40), -EINVAL);
	assert_int_equal(hc(d2, XL_EVENT_BIND, 1ULL << 32, 0, 0x40), -EINVAL);
	assert_int_equal(d2->events.ports[0].vector, 0);
	assert_int_equal(hc(d1, XL_EVENT_SEND, 1ULL << 32, 0, 0), -EINVAL);
	assert_int_equal(d1->events.ports[0].sent, 0);
	assert_int_equal(hc(d1, XL_EVENT_CLOSE, 1ULL << 32, 0, 0), -EINVAL);
	assert_int_equal(d1->events.ports[0].state, XL_EVENT_CONNECTED);
	assert_int_equal(hc(d1, XL_EVENT_STATUS, 1ULL << 32, 0x100, 0), -EINVAL);
	assert_int_equal(hc(dom0, XL_EVENT_CONNECT, 1ULL << 32 | 1, 2, 0), -EINVAL);
	assert_int_equal(hc(d1, 8, 0, 0, 0), -EINVAL);
	assert_int_equal(hc(d1, ~0ULL, 0, 0, 0), -EINVAL);
	/* the largest 32-bit values are in range, and refused as what they are */
	assert_int_equal(hc(d1, XL_EVENT_OFFER, UINT32_MAX, 0, 0), -ENOENT);
	assert_int_equal(hc(d1, XL_EVENT_SEND, UINT32_MAX, 0, 0), -EINVAL);
	/* the page's address is 64-bit */
	assert_int_equal(hc(d1, XL_EVENT_PAGE, 1ULL << 32, 0, 0), -EFAULT);
	assert_int_equal(hc(d1, XL_EVENT_PAGE, PAGE_GPA, 0, 0), 0);
}

static void test_hypercall_connect_dom0_only(void **state)
{
	int64_t r;

	assert_int_equal(hc(d1, XL_EVENT_CONNECT, 1, 2, 0), -EPERM);
	assert_int_equal(hc(d1, XL_EVENT_CONNECT, 0, 2, 0), -EPERM);
	for (int i = 0; i < XL_EVENT_MAX_PORTS; i++)
		assert_int_equal(d2->events.ports[i].state, XL_EVENT_FREE);
	r = hc(dom0, XL_EVENT_CONNECT, 2, 1, 0);
	assert_int_equal(r, 0); /* both ports 0 */
	assert_int_equal(d2->events.ports[0].state, XL_EVENT_CONNECTED);
	assert_int_equal(d1->events.ports[0].state, XL_EVENT_CONNECTED);
	/* the rest from any domain */
	assert_int_equal(hc(d1, XL_EVENT_OFFER, 2, 0, 0), 1);
	assert_int_equal(hc(d2, XL_EVENT_ACCEPT, 1, 1, 0), 1);
	assert_int_equal(hc(d2, XL_EVENT_BIND, 1, 0, 0x44), 0);
	assert_int_equal(hc(d1, XL_EVENT_SEND, 1, 0, 0), 0);
	assert_int_equal(hc(d1, XL_EVENT_CLOSE, 1, 0, 0), 0);
}

static void test_hypercall_status(void **state)
{
	struct xl_event_status st;
	int pa, pb;

	join(d1, d2, &pa, &pb);
	assert_int_equal(event_bind(d2, (uint32_t)pb, 0, 0x48), 0);
	assert_int_equal(event_set_page(d2, gpa_init(PAGE_GPA)), 0);
	assert_int_equal(event_send(d1, (uint32_t)pa), 0);
	assert_int_equal(event_send(d1, (uint32_t)pa), 0);
	memset(mem[2] + 0x100, 0xee, sizeof(st));
	assert_int_equal(hc(d2, XL_EVENT_STATUS, (uint64_t)pb, 0x100, 0), 0);
	memcpy(&st, mem[2] + 0x100, sizeof(st));
	assert_int_equal(st.state, XL_EVENT_CONNECTED);
	assert_int_equal(st.remote_domid, 1);
	assert_int_equal(st.remote_port, pa);
	assert_int_equal(st.vcpu, 0);
	assert_int_equal(st.vector, 0x48);
	assert_int_equal(st.reserved, 0);
	assert_int_equal(st.sent, 0);
	assert_int_equal(st.received, 2);
	assert_int_equal(st.raised, 1);
	/* the sender's side */
	assert_int_equal(hc(d1, XL_EVENT_STATUS, (uint64_t)pa, 0x200, 0), 0);
	memcpy(&st, mem[1] + 0x200, sizeof(st));
	assert_int_equal(st.sent, 2);
	assert_int_equal(st.remote_domid, 2);
	/* outside the caller's memory, or across its end */
	assert_int_equal(hc(d2, XL_EVENT_STATUS, (uint64_t)pb, MEM_SIZE, 0), -EFAULT);
	assert_int_equal(hc(d2, XL_EVENT_STATUS, (uint64_t)pb, MEM_SIZE - sizeof(st) + 1, 0), -EFAULT);
	assert_int_equal(hc(d2, XL_EVENT_STATUS, (uint64_t)pb, ~0ULL - 4, 0), -EFAULT);
	assert_int_equal(hc(d2, XL_EVENT_STATUS, XL_EVENT_MAX_PORTS, 0x100, 0), -EINVAL);
	/* a free port's status: all zero */
	memset(mem[2] + 0x100, 0xee, sizeof(st));
	assert_int_equal(hc(d2, XL_EVENT_STATUS, 63, 0x100, 0), 0);
	memcpy(&st, mem[2] + 0x100, sizeof(st));
	assert_int_equal(st.state, XL_EVENT_FREE);
	assert_int_equal(st.sent | st.received | st.raised | st.vector | st.remote_domid, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_offer_accept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_before_accept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_accept_bad_domains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coalescing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_early_notifications, setup, teardown),
		cmocka_unit_test_setup_teardown(test_early_notification_of_closed_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_tells_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_domain_destroyed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_port_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_port_guest_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_port_cleared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_send_and_notify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_port_early, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_port_destroyed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hypercall_32bit_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hypercall_connect_dom0_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hypercall_status, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
