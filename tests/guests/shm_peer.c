/*
 * shm_peer: event channels and shared segments from an ELF guest
 * (Documentation/composition.md). Its command line says what it does:
 *
 *   role=ping rounds=N   sends N messages to its peer and waits for each
 *                        answer: through the first shared segment it has
 *                        (message text and sequence numbers, checked) and
 *                        the event channel; prints the one-way latency;
 *   role=pong            answers each message, checking its text and order;
 *                        lie=N: the answer to message N is a text of
 *                        unprintable bytes without a NUL; jump=N: it is
 *                        numbered N + 1000 (a hostile peer for dom0's
 *                        tests/dom0/shm-ping.c, which must report either);
 *   role=flood count=N   sends N notifications as fast as it can;
 *   role=sink count=N    keeps interrupts off until N notifications arrived
 *                        (XL_EVENT_STATUS), then checks that they raised one
 *                        interrupt between them (they coalesce);
 *   role=hostile         every misuse of the two hypercalls it can make,
 *                        each refused with the documented error (peer=ID:
 *                        a domain that offered it nothing; default dom0);
 *   role=ro-writer       reads its read-only segment, then writes it: the
 *                        hypervisor must end it (expect=crash).
 *
 * Every wait is bounded by wait_ms=MS (default 30000; a peer that boots
 * Linux under TCG first needs more).
 *
 * The channel: with peer=ID the ping (flood) side offers a port to domain
 * ID and the other accepts it; without, dom0 connects the two
 * (xl-lite event-connect) and each waits for a connected port. A segment
 * is found with XL_SHM_QUERY (the start info has those attached before it
 * started) and mapped at its guest-physical address.
 */
#include "guest.h"
#include "../shm-ring.h"

#define EVENT_VECTOR 0x40
#define WAIT_MS wait_ms /* wait_ms= on the command line, default 30000 */
#define TEXT_MAX SHM_RING_TEXT

static uint64_t wait_ms = 30000;
static struct xl_event_page *page;
static volatile uint64_t interrupts;
static volatile uint64_t taken_bits;
static struct xl_event_status status_buf;

static long event_op(uint64_t op, uint64_t a, uint64_t b, uint64_t c)
{
	return xl_hypercall6(XL_HC_EVENT, op, a, b, c, 0, 0);
}

static uint64_t number(const char *key, uint64_t dflt)
{
	char buf[24];
	uint64_t v = 0;

	if (!cmdline_get(key, buf, sizeof(buf)))
		return dflt;
	for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	return v;
}

static volatile uint64_t spurious; /* interrupts that found no bit set */

static void on_event(int vector)
{
	uint64_t bits = __atomic_exchange_n(&page->pending, 0, __ATOMIC_SEQ_CST);

	(void)vector;
	interrupts++;
	spurious += !bits;
	taken_bits |= bits;
}

static void events_init(void)
{
	long r;

	page = alloc_pages(PAGE_4K, PAGE_4K);
	memset(page, 0, PAGE_4K);
	set_irq_handler(EVENT_VECTOR, on_event);
	r = event_op(XL_EVENT_PAGE, (uint64_t)(uintptr_t)page, 0, 0);
	CHECK(r == 0, "XL_EVENT_PAGE: %ld", r);
}

static struct xl_event_status *status(uint32_t port)
{
	long r = event_op(XL_EVENT_STATUS, port, (uint64_t)(uintptr_t)&status_buf, 0);

	CHECK(r == 0, "XL_EVENT_STATUS(%u): %ld", port, r);
	return &status_buf;
}

/* A port joined to another domain: offered/accepted with peer=ID, else connected by dom0. */
static uint32_t channel(bool offers)
{
	uint64_t peer = number("peer", 0), start = rdtsc();

	if (peer && offers) {
		long port;

		/* its peer may not exist yet (boot guests wait for a free CPU) */
		while ((port = event_op(XL_EVENT_OFFER, peer, 0, 0)) == -ENOENT) {
			CHECK(tsc_ms(rdtsc() - start) < WAIT_MS, "no domain d%lu to offer a port to", peer);
			delay_ms(1);
		}
		CHECK(port >= 0, "XL_EVENT_OFFER to d%lu: %ld", peer, port);
		while (status((uint32_t)port)->state != XL_EVENT_CONNECTED) {
			CHECK(tsc_ms(rdtsc() - start) < WAIT_MS, "d%lu did not accept port %ld", peer, port);
			delay_ms(1);
		}
		return (uint32_t)port;
	}
	for (;;) {
		if (peer) {
			long port = event_op(XL_EVENT_ACCEPT, peer, 0, 0); /* its first port */

			if (port >= 0)
				return (uint32_t)port;
			CHECK(port == -EPERM || port == -ENOENT, "XL_EVENT_ACCEPT from d%lu: %ld", peer, port);
		} else {
			for (uint32_t p = 0; p < XL_EVENT_MAX_PORTS; p++)
				if (status(p)->state == XL_EVENT_CONNECTED)
					return p;
		}
		CHECK(tsc_ms(rdtsc() - start) < WAIT_MS, "no channel after %lu ms", WAIT_MS);
		delay_ms(1);
	}
}

static void bind(uint32_t port)
{
	long r = event_op(XL_EVENT_BIND, port, 0, EVENT_VECTOR);

	CHECK(r == 0, "XL_EVENT_BIND(%u): %ld", port, r);
	gprintf("shm-peer: port %u connected to d%u port %u, vector %#x\n", port, status(port)->remote_domid,
		status(port)->remote_port, EVENT_VECTOR);
}

/* Its first segment, mapped (2 MiB pages, identity), or NULL. */
static struct xl_shm_mapping *segment(void)
{
	static struct xl_shm_mapping m[XL_SHM_MAX_PER_DOMAIN];
	long n = xl_hypercall6(XL_HC_SHM, XL_SHM_QUERY, (uint64_t)(uintptr_t)m, sizeof(m), 0, 0, 0);

	CHECK(n >= 0, "XL_SHM_QUERY: %ld", n);
	CHECK((uint64_t)n == start_info.nr_shm, "XL_SHM_QUERY says %ld segment(s), the start info %u", n,
	      start_info.nr_shm);
	if (!n)
		return NULL;
	CHECK(m[0].gpa == start_info.shm[0].gpa && m[0].size == start_info.shm[0].size,
	      "the start info's segment differs from XL_SHM_QUERY's");
	for (uint64_t at = m[0].gpa & ~(PAGE_2M - 1); at < m[0].gpa + m[0].size; at += PAGE_2M)
		map_2m(at, at);
	gprintf("shm-peer: segment '%s', %lu KiB at %#lx, %s\n", m[0].name, m[0].size >> 10, m[0].gpa,
		m[0].flags & XL_SHM_READ_ONLY ? "read-only" : "read-write");
	return &m[0];
}

/* Sleep (sti; hlt) until *word == want; fail after WAIT_MS. */
static void wait_for(volatile uint64_t *word, uint64_t want, const char *what)
{
	uint64_t start = rdtsc();

	for (;;) {
		__asm__ volatile("cli" ::: "memory");
		if (*word == want)
			break;
		if (tsc_ms(rdtsc() - start) > WAIT_MS)
			fail("shm-peer: no %s %lu after %lu ms (%lu interrupts)", what, want, WAIT_MS, interrupts);
		__asm__ volatile("sti; hlt" ::: "memory");
	}
	__asm__ volatile("sti" ::: "memory");
}

/*
 * Sleep until a notification of the port was taken (its bit, not a count of
 * interrupts: a correct guest takes an interrupt without a bit as nothing).
 */
static void wait_port(uint32_t port, uint64_t n, const char *what)
{
	uint64_t start = rdtsc(), bit = 1ull << port;

	for (;;) {
		__asm__ volatile("cli" ::: "memory");
		if (taken_bits & bit) {
			taken_bits &= ~bit;
			break;
		}
		if (tsc_ms(rdtsc() - start) > WAIT_MS)
			fail("shm-peer: no %s %lu after %lu ms (%lu interrupts)", what, n, WAIT_MS, interrupts);
		__asm__ volatile("sti; hlt" ::: "memory");
	}
	__asm__ volatile("sti" ::: "memory");
}

static void send(uint32_t port)
{
	long r = event_op(XL_EVENT_SEND, port, 0, 0);

	CHECK(r == 0, "XL_EVENT_SEND(%u): %ld", port, r);
}

/* Without a segment: the notifications alone, strictly alternating (nothing coalesces). */
static NORETURN void ping_events_only(uint32_t port, uint64_t rounds)
{
	uint64_t total = 0;

	for (uint64_t i = 1; i <= rounds; i++) {
		uint64_t t0 = rdtsc_ordered();

		send(port);
		wait_port(port, i, "answer");
		total += rdtsc_ordered() - t0;
	}
	gprintf("shm-peer: %lu round trips, one-way latency %lu cycles; %lu interrupts, %lu without a notification\n",
		rounds, total / rounds / 2, interrupts, spurious);
	pass("shm-peer: ping: %lu notifications answered", rounds);
}

static NORETURN void ping(void)
{
	uint64_t rounds = number("rounds", 100), total = 0;
	uint32_t port = channel(true);
	struct xl_shm_mapping *m;
	struct shm_ring *r;

	bind(port);
	m = segment();
	if (!m)
		ping_events_only(port, rounds);
	CHECK(!(m->flags & XL_SHM_READ_ONLY), "ping needs a read-write segment");
	r = (struct shm_ring *)(uintptr_t)m->gpa;
	for (uint64_t i = 1; i <= rounds; i++) {
		char want[TEXT_MAX];
		uint64_t t0 = rdtsc_ordered();

		xl_snprintf(r->text, TEXT_MAX, "ping %lu", i);
		__atomic_store_n(&r->ping_seq, i, __ATOMIC_RELEASE);
		send(port);
		wait_for(&r->pong_seq, i, "answer");
		total += rdtsc_ordered() - t0;
		xl_snprintf(want, TEXT_MAX, "pong %lu", i);
		CHECK(!strcmp(r->pong_text, want), "answer %lu reads '%s'", i, r->pong_text);
	}
	xl_snprintf(r->text, TEXT_MAX, "ping-pong done %lu", rounds);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	send(port);
	gprintf("shm-peer: %lu round trips, one-way latency %lu cycles, %lu interrupts\n", rounds,
		total / rounds / 2, interrupts);
	pass("shm-peer: ping: %lu messages answered in order", rounds);
}

static NORETURN void pong_events_only(uint32_t port, uint64_t rounds)
{
	for (uint64_t i = 1; i <= rounds; i++) {
		wait_port(port, i, "notification");
		send(port);
	}
	gprintf("shm-peer: %lu interrupts, %lu without a notification\n", interrupts, spurious);
	pass("shm-peer: pong: %lu notifications answered", rounds);
}

static NORETURN void pong(void)
{
	uint64_t lie = number("lie", 0), jump = number("jump", 0);
	uint32_t port = channel(false);
	struct xl_shm_mapping *m;
	struct shm_ring *r;
	uint64_t i;

	bind(port);
	m = segment();
	if (!m)
		pong_events_only(port, number("rounds", 100));
	CHECK(!(m->flags & XL_SHM_READ_ONLY), "pong needs a read-write segment");
	r = (struct shm_ring *)(uintptr_t)m->gpa;
	for (i = 1;; i++) {
		char want[TEXT_MAX];
		uint64_t start = rdtsc();

		wait_for(&r->ping_seq, i, "message");
		xl_snprintf(want, TEXT_MAX, "ping %lu", i);
		CHECK(!strcmp(r->text, want), "message %lu reads '%s'", i, r->text);
		xl_snprintf(r->pong_text, TEXT_MAX, "pong %lu", i);
		if (i == lie)
			memset(r->pong_text, 0x81, TEXT_MAX);
		__atomic_store_n(&r->pong_seq, i == jump ? i + 1000 : i, __ATOMIC_RELEASE);
		send(port);
		/* the next message, or the end */
		while (r->ping_seq == i && !r->done) {
			CHECK(tsc_ms(rdtsc() - start) < WAIT_MS, "nothing after message %lu", i);
			__asm__ volatile("cli" ::: "memory");
			if (r->ping_seq == i && !r->done)
				__asm__ volatile("sti; hlt" ::: "memory");
			__asm__ volatile("sti" ::: "memory");
		}
		if (r->done)
			break;
	}
	CHECK(!strncmp(r->text, "ping-pong done", 14), "the end reads '%s'", r->text);
	pass("shm-peer: pong: %lu messages in order, %lu interrupts", i, interrupts);
}

static NORETURN void flood(void)
{
	uint64_t count = number("count", 10000);
	uint32_t port = channel(true);

	for (uint64_t i = 0; i < count; i++)
		send(port);
	CHECK(status(port)->sent == count, "sent %lu, the hypervisor counted %lu", count, status(port)->sent);
	pass("shm-peer: flood: %lu notifications sent", count);
}

static NORETURN void sink(void)
{
	uint64_t count = number("count", 10000), start = rdtsc();
	uint32_t port = channel(false);
	struct xl_event_status *st;

	bind(port); /* interrupts stay off until the flood is over */
	while ((st = status(port))->received < count) {
		CHECK(tsc_ms(rdtsc() - start) < WAIT_MS, "%lu of %lu notifications after %lu ms", st->received,
		      count, WAIT_MS);
		delay_ms(1);
	}
	CHECK(st->received == count, "%lu notifications received, %lu sent", st->received, count);
	CHECK(st->raised == 1, "%lu interrupts raised for %lu notifications not taken: they must coalesce",
	      st->raised, count);
	CHECK(page->pending == 1ull << port, "pending bits %#lx", page->pending);
	__asm__ volatile("sti; nop; nop; cli" ::: "memory");
	CHECK(interrupts == 1, "%lu interrupts taken after the flood", interrupts);
	pass("shm-peer: sink: %lu notifications coalesced into one interrupt", count);
}

#define EXPECT_ERR(call, err)                                                               \
	do {                                                                                \
		long r_ = (call);                                                           \
		CHECK(r_ == (err), "%s returned %ld, expected %ld", #call, r_, (long)(err)); \
		checks++;                                                                   \
	} while (0)

static NORETURN void hostile(void)
{
	static struct xl_shm_info info[2];
	static char name[XL_SHM_NAME_MAX] = "x";
	unsigned int checks = 0;
	uint64_t me = start_info.domain_id, huge = 1ull << 32, other = number("peer", 0);

	/* before any page: a self-offer and nonsense */
	EXPECT_ERR(event_op(XL_EVENT_OFFER, me, 0, 0), -EINVAL);
	EXPECT_ERR(event_op(XL_EVENT_OFFER, 999999, 0, 0), -ENOENT);
	EXPECT_ERR(event_op(XL_EVENT_OFFER, huge, 0, 0), -EINVAL);
	EXPECT_ERR(event_op(XL_EVENT_ACCEPT, other, 0, 0), -EPERM); /* nothing was offered to it */
	EXPECT_ERR(event_op(XL_EVENT_CONNECT, me, 0, 0), -EPERM);
	EXPECT_ERR(event_op(XL_EVENT_SEND, 0, 0, 0), -ENOENT);
	EXPECT_ERR(event_op(XL_EVENT_SEND, XL_EVENT_MAX_PORTS, 0, 0), -EINVAL);
	EXPECT_ERR(event_op(XL_EVENT_SEND, huge, 0, 0), -EINVAL);
	EXPECT_ERR(event_op(XL_EVENT_CLOSE, 5, 0, 0), -ENOENT);
	EXPECT_ERR(event_op(XL_EVENT_BIND, 0, 0, EVENT_VECTOR), -ENOENT);
	EXPECT_ERR(event_op(99, 0, 0, 0), -EINVAL);
	/* event pages: RAM of its own, page aligned */
	EXPECT_ERR(event_op(XL_EVENT_PAGE, 0x1001, 0, 0), -EFAULT);
	EXPECT_ERR(event_op(XL_EVENT_PAGE, start_info.mem_size, 0, 0), -EFAULT);
	EXPECT_ERR(event_op(XL_EVENT_PAGE, XL_SHM_GPA_BASE, 0, 0), -EFAULT);
	EXPECT_ERR(event_op(XL_EVENT_PAGE, ~0ull & ~0xfffull, 0, 0), -EFAULT);
	EXPECT_ERR(event_op(XL_EVENT_STATUS, 0, start_info.mem_size, 0), -EFAULT);
	/* a port offered to another domain: vectors and vCPUs checked */
	long port = event_op(XL_EVENT_OFFER, other, 0, 0);

	CHECK(port >= 0, "XL_EVENT_OFFER to d%lu: %ld", other, port);
	EXPECT_ERR(event_op(XL_EVENT_SEND, port, 0, 0), -ENOTCONN);
	for (uint64_t v = 1; v < XL_EVENT_FIRST_VECTOR; v++)
		EXPECT_ERR(event_op(XL_EVENT_BIND, port, 0, v), -EINVAL);
	EXPECT_ERR(event_op(XL_EVENT_BIND, port, 0, 256), -EINVAL);
	EXPECT_ERR(event_op(XL_EVENT_BIND, port, 1, EVENT_VECTOR), -EINVAL);
	EXPECT_ERR(event_op(XL_EVENT_BIND, port, 0, 255), 0);
	EXPECT_ERR(event_op(XL_EVENT_CLOSE, port, 0, 0), 0);
	EXPECT_ERR(event_op(XL_EVENT_CLOSE, port, 0, 0), -ENOENT);
	/* every port taken: the 65th is refused, then all come back */
	for (int i = 0; i < XL_EVENT_MAX_PORTS; i++)
		EXPECT_ERR(event_op(XL_EVENT_OFFER, other, 0, 0), i);
	EXPECT_ERR(event_op(XL_EVENT_OFFER, other, 0, 0), -ENOSPC);
	for (int i = 0; i < XL_EVENT_MAX_PORTS; i++)
		EXPECT_ERR(event_op(XL_EVENT_CLOSE, (uint64_t)i, 0, 0), 0);
	/* segments: dom0's to make; its own attachments it may ask about */
	EXPECT_ERR(xl_hypercall6(XL_HC_SHM, XL_SHM_CREATE, (uint64_t)(uintptr_t)name, sizeof(name), 0, 0, 0),
		   -EPERM);
	EXPECT_ERR(xl_hypercall6(XL_HC_SHM, XL_SHM_LIST, (uint64_t)(uintptr_t)info, sizeof(info), 0, 0, 0),
		   -EPERM);
	EXPECT_ERR(xl_hypercall6(XL_HC_SHM, XL_SHM_ATTACH, (uint64_t)(uintptr_t)name, 64, 0, 0, 0), -EPERM);
	EXPECT_ERR(xl_hypercall6(XL_HC_SHM, XL_SHM_QUERY, 0, 0, 0, 0, 0), 0);
	EXPECT_ERR(xl_hypercall6(XL_HC_SHM, XL_SHM_QUERY, 0, 0, 1, 0, 0), -EINVAL);
	EXPECT_ERR(xl_hypercall6(XL_HC_SHM, 77, 0, 0, 0, 0, 0), -EINVAL);
	pass("shm-peer: hostile: %u misuses refused", checks);
}

static NORETURN void ro_writer(void)
{
	struct xl_shm_mapping *m = segment();
	volatile uint8_t *p;
	uint8_t v;

	CHECK(m && (m->flags & XL_SHM_READ_ONLY), "ro-writer needs a read-only segment");
	p = (volatile uint8_t *)(uintptr_t)m->gpa;
	v = p[0];
	gprintf("shm-peer: read %#x from the read-only segment; now writing it\n", v);
	p[0] = (uint8_t)(v + 1); /* the hypervisor ends the domain here */
	fail("shm-peer: a read-only segment took a write");
}

void guest_main(const struct xl_start_info *si)
{
	char role[16];

	(void)si;
	wait_ms = number("wait_ms", 30000);
	if (!cmdline_get("role", role, sizeof(role)))
		fail("shm-peer: no role= on the command line");
	if (strcmp(role, "hostile") && strcmp(role, "ro-writer"))
		events_init();
	if (!strcmp(role, "ping"))
		ping();
	if (!strcmp(role, "pong"))
		pong();
	if (!strcmp(role, "flood"))
		flood();
	if (!strcmp(role, "sink"))
		sink();
	if (!strcmp(role, "hostile"))
		hostile();
	if (!strcmp(role, "ro-writer"))
		ro_writer();
	fail("shm-peer: unknown role '%s'", role);
}
